import Foundation

/// `keyed-window-pN`: a keyed tumbling-window count over generated Nexmark
/// bids at parallelism N (the generator splits across subtasks, each key's
/// window runs in one subtask). Issue 7's target: at parallelism 2 on a
/// 2-core machine, at least 1.7x the events/s of parallelism 1.
func keyedWindowBenchmark(parallelism p: Int) -> Benchmark {
  Benchmark(name: "keyed-window-p\(p)", summary: "nexmarkBids(10M) |> keyBy(auction) |> window(tumbling(10s)) |> count() at parallelism \(p)") {
    let n = scaled(10_000_000)
    let run = try runPipeline("""
      nexmarkBids(events: \(n))
        |> withTimestamps(b => b.dateTime, watermark: monotonic())
        |> keyBy(b => b.auction)
        |> window(tumbling(10s))
        |> count()
        |> discard()
      """, parallelism: p)
    guard run.eventsRead > 0 else { throw BenchError("keyed-window read no events") }
    return BenchResult(items: run.eventsRead, unit: "events", seconds: run.seconds)
  }
}
