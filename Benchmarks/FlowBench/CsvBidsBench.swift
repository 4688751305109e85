import Foundation

/// `csv-bids`: decode a generated CSV of bids (2M rows) into records and
/// discard them: the cost of the CSV reader and of building records.
let csvBidsBenchmark = Benchmark(name: "csv-bids", summary: "readCsv of 2M bid rows |> discard()") {
  let dir = try ScratchDir("csv-bids")
  defer { dir.cleanup() }
  let rows = scaled(2_000_000)
  let path = dir.path("bids.csv")
  let bytes = try writeBidsCsv(path: path, rows: rows, ordered: false)
  let run = try runPipeline("""
    \(bidType)
    readCsv(\(flowString(path)), schema: Bid) |> discard()
    """)
  guard run.eventsRead == rows else { throw BenchError("csv-bids read \(run.eventsRead) rows, expected \(rows)") }
  return BenchResult(items: run.eventsRead, unit: "rows", seconds: run.seconds, bytes: bytes)
}
