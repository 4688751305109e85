import XCTest

/// Projection pruning: sources decode only the columns the plan reads.
final class ProjectionPruningTests: XCTestCase {
  func testOnlyReadFieldsAreDecoded() {
    PlanSnapshot.assertRule("""
      type Bid = { auction: Int, bidder: Int, price: Int, channel: String, url: String }
      readCsv("bids.csv", schema: Bid)
        |> filter(b => b.price > 10)
        |> map(b => { auction: b.auction, euros: toFloat(b.price) * 0.908 })
        |> writeStdout()
      """, named: "projection.map")
  }

  func testWholeRecordToSinkKeepsAllColumns() {
    PlanSnapshot.assertRule("""
      type Bid = { auction: Int, bidder: Int, price: Int }
      readCsv("bids.csv", schema: Bid) |> filter(b => b.price > 10) |> writeStdout()
      """, named: "projection.sink")
  }

  func testAggregatesReadTheirFields() {
    PlanSnapshot.assertRule("""
      type Bid = { auction: Int, bidder: Int, price: Int, channel: String, dateTime: Time }
      readCsv("bids.csv", schema: Bid)
        |> withTimestamps(b => b.dateTime)
        |> keyBy(b => b.auction)
        |> window(tumbling(10s))
        |> aggregate({ n: count(), top: max(b => b.price) })
        |> writeStdout()
      """, named: "projection.aggregate")
  }
}
