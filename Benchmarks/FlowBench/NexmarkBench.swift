import Foundation

/// `nexmark-q1`: the Nexmark bid generator, a filter and a map (currency
/// conversion, as in Nexmark q1), discarded: the headline target.
let nexmarkBenchmark = Benchmark(name: "nexmark-q1", summary: "nexmarkBids(events: 10M) |> filter |> map |> discard()") {
  let n = scaled(10_000_000)
  let run = try runPipeline("""
    nexmarkBids(events: \(n))
      |> filter(b => b.price > 100)
      |> map(b => { auction: b.auction, bidder: b.bidder, price: toFloat(b.price) * 0.908, dateTime: b.dateTime })
      |> discard()
    """)
  // Bids are 46 of every 50 generated events (persons and auctions are the
  // rest), so the source yields about 0.92 n bids.
  guard run.eventsRead > 0, run.eventsRead <= n else { throw BenchError("nexmark-q1 read \(run.eventsRead) events of \(n)") }
  return BenchResult(items: run.eventsRead, unit: "events", seconds: run.seconds)
}
