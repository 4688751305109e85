import XCTest

/// Filter pushdown: filters move toward sources where that is legal.
final class FilterPushdownTests: XCTestCase {
  func testFilterMovesBelowRecordUpdateThatDoesNotTouchItsFields() {
    PlanSnapshot.assertRule("""
      type Bid = { auction: Int, price: Int, note: String }
      readCsv("bids.csv", schema: Bid)
        |> map(b => { b with note: "seen" })
        |> filter(b => b.price > 100)
        |> writeStdout()
      """, named: "pushdown.update")
  }

  func testFilterStaysAboveMapThatChangesItsField() {
    PlanSnapshot.assertRule("""
      type Bid = { auction: Int, price: Int, note: String }
      readCsv("bids.csv", schema: Bid)
        |> map(b => { b with price: b.price * 2 })
        |> filter(b => b.price > 100)
        |> writeStdout()
      """, named: "pushdown.blocked")
  }

  func testFilterSplitsOverUnion() {
    PlanSnapshot.assertRule("""
      union(sequence(from: 1, to: 5), sequence(from: 10, to: 15))
        |> filter(i => i % 2 == 0)
        |> keyBy(i => i % 3)
        |> count()
        |> writeStdout()
      """, named: "pushdown.union")
  }

  func testFilterNeverMovesBelowTimestamps() {
    PlanSnapshot.assertRule("""
      type E = { t: Time, v: Int }
      readCsv("e.csv", schema: E)
        |> withTimestamps(e => e.t)
        |> filter(e => e.v > 0)
        |> keyBy(e => e.v)
        |> window(tumbling(1s))
        |> count()
        |> writeStdout()
      """, named: "pushdown.timestamps")
  }
}
