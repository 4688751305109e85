import Foundation

/// `cep-fraud`: the fraud pattern (a small transaction followed within ten
/// minutes by a large one at another merchant, on the same card) over 10M
/// generated transactions on 100,000 cards, in time order (one per ms).
/// About 5% are small and 1% large; a card sees a transaction every 100 s,
/// so a partial match lives for about six of its card's transactions.
let cepFraudBenchmark = Benchmark(name: "cep-fraud", summary: "10M txns |> keyBy(card) (100k cards) |> pattern(small followedBy big within 10m)") {
  let n = scaled(10_000_000)
  let cards = max(1, scaled(100_000))
  let run = try runPipeline("""
    type Txn = { card: Int, amount: Float, merchant: Int, time: Time }
    sequence(from: 1, to: \(n))
      |> map(i => {
           let r = ((i * i) % 1000003 * 7919) % 1000
           let amount = if r < 50 then 0.5 else if r >= 990 then 900.0 else toFloat(r) / 10.0
           { card: (i * 7919) % \(cards), amount, merchant: r % 7, time: fromMillis(1704067200000 + i * \(max(1, 100_000 / cards))) }
         })
      |> withTimestamps(t => t.time)
      |> keyBy(t => t.card)
      |> pattern(
           begin("small", (t: Txn) => t.amount < 1.0)
             |> followedBy("big", (t, m) => t.amount > 500.0 && t.merchant != (m.small[0]?.merchant ?? -1))
             |> within(10m),
           skip: pastLastEvent)
      |> discard()
    """)
  guard run.eventsRead == n else { throw BenchError("cep-fraud read \(run.eventsRead) events, expected \(n)") }
  // About 6 transactions per card fall in 10 minutes; with 5% small and 1%
  // large, a few matches per thousand transactions.
  guard run.eventsOut > n / 2000, run.eventsOut < n / 50 else { throw BenchError("cep-fraud emitted \(run.eventsOut) matches for \(n) events") }
  return BenchResult(items: run.eventsRead, unit: "events", seconds: run.seconds)
}
