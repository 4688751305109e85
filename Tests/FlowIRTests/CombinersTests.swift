import XCTest

/// Combiners: pre-aggregation before a hash exchange, placed by the
/// optimizer and shown in the plan.
final class CombinersTests: XCTestCase {
  func testBoundedKeyedAggregateGetsACombiner() {
    PlanSnapshot.assertRule("""
      sequence(from: 1, to: 100)
        |> keyBy(i => i % 7)
        |> aggregate({ n: count(), total: sum(i => i), low: min(i => i), high: max(i => i), mean: avg(i => toFloat(i)) })
        |> writeStdout()
      """, named: "combiners.bounded")
  }

  func testTumblingWindowGetsACombiner() {
    PlanSnapshot.assertRule("""
      type E = { t: Time, k: Int, v: Int }
      readCsv("e.csv", schema: E)
        |> withTimestamps(e => e.t)
        |> keyBy(e => e.k)
        |> window(tumbling(10s))
        |> sum(e => e.v)
        |> writeStdout()
      """, named: "combiners.tumbling")
  }

  func testNoCombinerWhereResultsCouldChange() {
    // Unbounded input emits per event; sliding windows, allowed lateness
    // and a lateEvents stream need the events themselves.
    PlanSnapshot.assertRule("""
      type E = { t: Time, k: Int, v: Int }
      let es = readCsv("e.csv", schema: E, follow: true) |> withTimestamps(e => e.t)
      es |> keyBy(e => e.k) |> count() |> writeStdout()
      es |> keyBy(e => e.k) |> window(sliding(size: 10s, every: 5s)) |> count() |> writeStdout()
      es |> keyBy(e => e.k) |> window(tumbling(10s), allowedLateness: 5s) |> count() |> writeStdout()
      let w = es |> keyBy(e => e.k) |> window(tumbling(20s))
      w |> count() |> writeStdout()
      w |> lateEvents() |> writeStdout()
      """, named: "combiners.refused")
  }
}
