import Foundation

/// `sliding-2s` and `sliding-500ms`: bids per auction in sliding 10-second
/// windows every 2 s (5 windows per event) or every 500 ms (20 windows per
/// event), over a generated CSV of 2M bids in time order on 1,000 auctions.
/// Sliding windows share slices, so the cost per event should barely grow
/// with size / slide; the output (one count per auction and window) does.
/// The `-10keys` variants draw from 10 auctions, so that the output is
/// small and what remains is the cost per event.
func slidingBenchmark(every: String, auctions: Int = 1_000) -> Benchmark {
  let suffix = auctions == 1_000 ? "" : "-\(auctions)keys"
  return Benchmark(name: "sliding-\(every)\(suffix)", summary: "2M bids on \(auctions) auctions |> keyBy(auction) |> window(sliding(size: 10s, every: \(every))) |> count()") {
    let dir = try ScratchDir("sliding")
    defer { dir.cleanup() }
    let rows = scaled(2_000_000)
    let path = dir.path("bids.csv")
    let bytes = try writeBidsCsv(path: path, rows: rows, auctions: auctions, ordered: true)
    let run = try runPipeline("""
      \(bidType)
      readCsv(\(flowString(path)), schema: Bid)
        |> withTimestamps(b => b.dateTime, watermark: monotonic())
        |> keyBy(b => b.auction)
        |> window(sliding(size: 10s, every: \(every)))
        |> count()
        |> discard()
      """)
    guard run.eventsRead == rows else { throw BenchError("sliding read \(run.eventsRead) rows, expected \(rows)") }
    return BenchResult(items: run.eventsRead, unit: "rows", seconds: run.seconds, bytes: bytes)
  }
}

/// `sliding-2s-gen` and `sliding-500ms-gen`: Nexmark q5's inner query as
/// issue 5 states it, fed by the Nexmark bid generator (events in time
/// order, as q5's input is) instead of a CSV file, so that the figure is
/// the window's and not the CSV decoder's. 10M bids: about 100 auctions
/// are live in any 10 s window (half the bids go to the hot auction).
func slidingGenBenchmark(every: String) -> Benchmark {
  Benchmark(name: "sliding-\(every)-gen", summary: "nexmarkBids(10M) |> keyBy(auction) |> window(sliding(size: 10s, every: \(every))) |> count()") {
    let n = scaled(10_000_000)
    let run = try runPipeline("""
      nexmarkBids(events: \(n))
        |> withTimestamps(b => b.dateTime, watermark: monotonic())
        |> keyBy(b => b.auction)
        |> window(sliding(size: 10s, every: \(every)))
        |> count()
        |> discard()
      """)
    guard run.eventsRead > 0, run.eventsRead <= n else { throw BenchError("sliding-gen read \(run.eventsRead) events of \(n)") }
    return BenchResult(items: run.eventsRead, unit: "events", seconds: run.seconds)
  }
}
