import Foundation

/// `keyed-count`: 5M integers counted per key over 1M distinct keys (the
/// final count of every key is emitted at the end of the bounded input).
let keyedCountBenchmark = Benchmark(name: "keyed-count", summary: "sequence 5M |> keyBy(i % 1M) |> count() |> discard()") {
  let n = scaled(5_000_000)
  let keys = scaled(1_000_000)
  let run = try runPipeline("""
    sequence(from: 1, to: \(n))
      |> keyBy(i => i % \(keys))
      |> count()
      |> discard()
    """)
  guard run.eventsRead == n else { throw BenchError("keyed-count read \(run.eventsRead) events, expected \(n)") }
  guard run.eventsOut == min(n, keys) else { throw BenchError("keyed-count emitted \(run.eventsOut) counts, expected \(min(n, keys))") }
  return BenchResult(items: run.eventsRead, unit: "events", seconds: run.seconds)
}
