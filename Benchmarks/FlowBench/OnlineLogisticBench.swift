import Foundation

/// `online-logistic`: std.ml's online logistic regression (SGD with L2 on one
/// global key, the model every 1M events) over 10M generated events of 20
/// Gaussian features with a linearly separable label.
let onlineLogisticBenchmark = Benchmark(name: "online-logistic", summary: "sequence 10M |> 20-feature events |> logisticOnline |> discard()") {
  let n = scaled(10_000_000)
  let run = try runPipeline("""
    import std.ml.{ logisticOnline }
    let truth = randomVector(20, 99) - ones(20) * 0.5
    sequence(from: 1, to: \(n))
      |> map(i => {
        let x = gaussianVector(20, i)
        { features: x, label: if dot(truth, x) > 0.0 then 1 else 0 }
      })
      |> logisticOnline(e => e, rate: 0.01, l2: 0.0001, every: 1000000)
      |> discard()
    """)
  guard run.eventsRead == n else { throw BenchError("online-logistic read \(run.eventsRead) events, expected \(n)") }
  return BenchResult(items: run.eventsRead, unit: "events", seconds: run.seconds)
}
