import Foundation

/// `pagerank-1m`: 20 rounds of `std.graph`'s PageRank (a Flow library
/// function: an `iterate` whose step is joins and keyed aggregation) on a
/// generated directed graph of 1,000,000 edges over 100,000 vertices, one
/// in 20 of them dangling. Times reading the CSV, building the adjacency and
/// the 20 rounds. If `python3` with networkx is installed (and
/// FLOW_BENCH_NETWORKX is not 0), `Benchmarks/graph/pagerank_networkx.py`
/// then runs networkx's PageRank, 20 iterations, on the same file, and its
/// time and peak memory are printed on standard error for comparison.
let pageRankBenchmark = Benchmark(name: "pagerank-1m", summary: "std.graph pageRank, 20 rounds, 1M generated edges") {
  let dir = try ScratchDir("pagerank")
  defer { dir.cleanup() }
  let edges = scaled(1_000_000, minimum: 100)
  let vertices = max(10, edges / 10)
  let path = dir.path("edges.csv")
  let bytes = try writeGraphCsv(path: path, edges: edges, vertices: vertices)
  let run = try runPipeline("""
    import std.graph
    graph.pageRank(graph.edgesFromCsv(\(flowString(path))), tolerance: 0.0, rounds: 20) |> discard()
    """)
  guard run.eventsRead == edges else { throw BenchError("pagerank-1m read \(run.eventsRead) edges, expected \(edges)") }
  if ProcessInfo.processInfo.environment["FLOW_BENCH_NETWORKX"] != "0" { compareWithNetworkx(path) }
  return BenchResult(items: run.eventsRead, unit: "edges", seconds: run.seconds, bytes: bytes)
}

/// `src,dst` rows: edge i leaves the i-th non-dangling vertex (round robin;
/// multiples of 20 are dangling) for a vertex chosen by a SplitMix64 hash
/// of i, so the file is the same on every run.
func writeGraphCsv(path: String, edges: Int, vertices: Int) throws -> Int {
  let w = try ChunkedWriter(path: path)
  w.string("src,dst\n")
  let sources = (0..<vertices).filter { $0 % 20 != 0 }
  for i in 0..<edges {
    var z = UInt64(i) &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    w.string("\(sources[i % sources.count]),\(Int(z % UInt64(vertices)))\n")
  }
  w.close()
  return w.bytesWritten
}

/// Runs the networkx comparison script on the same edge list, if it can.
func compareWithNetworkx(_ path: String) {
  let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("graph/pagerank_networkx.py").path
  let p = Process()
  p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  p.arguments = ["python3", script, path]
  let pipe = Pipe()
  p.standardOutput = pipe
  p.standardError = FileHandle.nullDevice
  do { try p.run() } catch { return }
  let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  p.waitUntilExit()
  let line = p.terminationStatus == 0 ? out.trimmingCharacters(in: .whitespacesAndNewlines) : "networkx not available (pip install networkx scipy)"
  FileHandle.standardError.write(Data("pagerank-1m: \(line)\n".utf8))
}
