import Foundation

/// `filter-map`: a selective filter then a map, over 10M generated integers.
let filterMapBenchmark = Benchmark(name: "filter-map", summary: "sequence 10M |> filter(i % 123 == 0) |> map(toFloat(i) * 0.908) |> discard()") {
  let n = scaled(10_000_000)
  let run = try runPipeline("""
    sequence(from: 1, to: \(n))
      |> filter(i => i % 123 == 0)
      |> map(i => toFloat(i) * 0.908)
      |> discard()
    """)
  guard run.eventsRead == n, run.eventsOut == n / 123 else {
    throw BenchError("filter-map read \(run.eventsRead) and emitted \(run.eventsOut), expected \(n) and \(n / 123)")
  }
  return BenchResult(items: run.eventsRead, unit: "events", seconds: run.seconds)
}
