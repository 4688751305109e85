import XCTest

/// Redundant exchange removal: a keyBy on the key an upstream keyed
/// aggregate already partitioned by becomes a forward edge.
final class RedundantExchangesTests: XCTestCase {
  func testRekeyByTheAggregateKeyIsForward() {
    PlanSnapshot.assertRule("""
      sequence(from: 1, to: 1000)
        |> keyBy(i => i % 10)
        |> count()
        |> filter(c => c.count > 1)
        |> map(c => { c with count: c.count * 2 })
        |> keyBy(c => c.key)
        |> aggregate({ rows: count(), most: max(c => c.count) })
        |> writeStdout()
      """, named: "exchange.rekey")
  }

  func testWindowedAggregateKeyThroughAWindow() {
    PlanSnapshot.assertRule("""
      type E = { t: Time, k: Int, v: Int }
      readCsv("e.csv", schema: E)
        |> withTimestamps(e => e.t)
        |> keyBy(e => e.k)
        |> window(tumbling(10s))
        |> count()
        |> keyBy(w => w.key)
        |> window(tumbling(1m))
        |> aggregate({ windows: count(), busiest: max(w => w.count) })
        |> writeStdout()
      """, named: "exchange.windowed")
  }

  func testOtherKeysAndChangedFieldsKeepTheExchange() {
    // A different key, a key computed from the field, a map that replaces
    // the key field, a different parallelism, a two-input reader: all
    // repartition.
    PlanSnapshot.assertRule("""
      let counts = sequence(from: 1, to: 1000) |> keyBy(i => i % 10) |> count()
      counts |> keyBy(c => c.count) |> count() |> writeStdout()
      counts |> keyBy(c => c.key + 1) |> count() |> writeStdout()
      counts |> map(c => { c with key: c.key / 2 }) |> keyBy(c => c.key) |> count() |> writeStdout()
      counts |> map(c => { key: c.key, n: c.count }) |> keyBy(c => c.key) |> count() |> writeStdout()
      counts |> keyBy(c => c.key) |> count() |> parallelism(3) |> writeStdout()
      """, named: "exchange.kept")
  }
}
