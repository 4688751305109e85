import Foundation

/// `rekey-p2` / `rekey-hash-p2`: two levels of keyed tumbling windows on
/// the same key at parallelism 2. In `rekey-p2` the second `keyBy(w =>
/// w.key)` is on the key the first window partitioned by, so redundant
/// exchange removal makes it a forward edge (same thread, no hashing);
/// `rekey-hash-p2` keys by `w.key + 0`, the same keys the optimizer cannot
/// prove equal, so every first-level row crosses a hash exchange. The
/// difference is what the removed exchange cost.
func rekeyBenchmark(provable: Bool) -> Benchmark {
  let name = provable ? "rekey-p2" : "rekey-hash-p2"
  let key = provable ? "w => w.key" : "w => w.key + 0"
  return Benchmark(name: name, summary: "nexmarkBids(10M) |> keyBy(auction) |> window(100ms) |> count() |> keyBy(\(key)) |> window(10s) |> aggregate at parallelism 2") {
    let n = scaled(10_000_000)
    let run = try runPipeline("""
      nexmarkBids(events: \(n))
        |> withTimestamps(b => b.dateTime, watermark: monotonic())
        |> keyBy(b => b.auction)
        |> window(tumbling(100ms))
        |> count()
        |> keyBy(\(key))
        |> window(tumbling(10s))
        |> aggregate({ windows: count(), busiest: max(w => w.count) })
        |> discard()
      """, parallelism: 2)
    guard run.eventsRead > 0 else { throw BenchError("\(name) read no events") }
    return BenchResult(items: run.eventsRead, unit: "events", seconds: run.seconds)
  }
}
