import Foundation

/// `chain6`: six element-wise operators in a row (fused by the optimizer into
/// one stage), over 10M generated integers; most events pass every step.
let chain6Benchmark = Benchmark(name: "chain6", summary: "sequence 10M |> 6 maps/filters |> discard()") {
  let n = scaled(10_000_000)
  let run = try runPipeline("""
    sequence(from: 1, to: \(n))
      |> map(i => i + 7)
      |> filter(i => i % 10 != 0)
      |> map(i => i * 3)
      |> filter(i => i > 0)
      |> map(i => toFloat(i))
      |> map(x => x * 0.5 + 1.0)
      |> discard()
    """)
  guard run.eventsRead == n else { throw BenchError("chain6 read \(run.eventsRead) events, expected \(n)") }
  return BenchResult(items: run.eventsRead, unit: "events", seconds: run.seconds)
}
