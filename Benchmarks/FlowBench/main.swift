import Foundation

// flow-bench: throughput benchmarks of the Flow compiler and runtime.
//
//   swift run -c release flow-bench              # every benchmark
//   swift run -c release flow-bench wordcount    # some, by name
//   swift run -c release flow-bench --list       # names and what they do
//   FLOW_BENCH_SCALE=0.01 swift run -c release flow-bench   # tiny inputs (CI)
//
// Each benchmark runs in a child process of its own (this executable with
// `--child NAME`), so its peak RSS is its own; `--in-process` runs them all
// in this process instead (peak RSS is then cumulative).

let benchmarks: [Benchmark] = [
  check10kBenchmark,
  parse10kBenchmark,
  wordCountBenchmark,
  csvBidsBenchmark,
  pageRankBenchmark,
  keyedCountBenchmark,
  filterMapBenchmark,
  chain6Benchmark,
  nexmarkBenchmark,
  slidingBenchmark(every: "2s"),
  slidingBenchmark(every: "500ms"),
  slidingGenBenchmark(every: "2s"),
  slidingGenBenchmark(every: "500ms"),
  keyedWindowBenchmark(parallelism: 1),
  keyedWindowBenchmark(parallelism: 2),
  rekeyBenchmark(provable: true),
  rekeyBenchmark(provable: false),
  onlineLogisticBenchmark,
  cepFraudBenchmark,
  cepFraudScriptBenchmark,
  slidingBenchmark(every: "2s", auctions: 10),
  slidingBenchmark(every: "500ms", auctions: 10),
  checkpointBenchmark,
  checkpointOverheadBenchmark,
  checkpointOverheadParallelBenchmark,
  stateBenchmark(backend: "memory"),
  stateBenchmark(backend: "rocksdb"),
]

func usage() -> Never {
  print("usage: flow-bench [--list] [--in-process] [NAME...]")
  print("benchmarks: " + benchmarks.map(\.name).joined(separator: ", "))
  exit(2)
}

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("flow-bench: \(message)\n".utf8))
  exit(1)
}

/// Runs one benchmark here and fills in the peak RSS.
func runHere(_ b: Benchmark) throws -> BenchResult {
  var r = try b.run()
  r.peakRSSMiB = peakRSSMiB()
  return r
}

// The line a child prints for its parent: tab-separated fields.
func encode(_ r: BenchResult) -> String {
  ["RESULT", String(r.items), r.unit, String(r.seconds), r.bytes.map(String.init) ?? "-", String(r.peakRSSMiB)].joined(separator: "\t")
}

func decode(_ line: Substring) -> BenchResult? {
  let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
  guard f.count == 6, f[0] == "RESULT", let items = Int(f[1]), let secs = Double(f[3]), let rss = Double(f[5]) else { return nil }
  return BenchResult(items: items, unit: f[2], seconds: secs, bytes: Int(f[4]), peakRSSMiB: rss)
}

/// Runs one benchmark in a child process and reads its result line.
func runChild(_ b: Benchmark) throws -> BenchResult {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
  if !FileManager.default.fileExists(atPath: p.executableURL!.path) {
    p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
  }
  p.arguments = ["--child", b.name]
  let pipe = Pipe()
  p.standardOutput = pipe
  try p.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  let out = String(decoding: data, as: UTF8.self)
  guard p.terminationStatus == 0, let line = out.split(separator: "\n").last(where: { $0.hasPrefix("RESULT\t") }), let r = decode(line) else {
    throw BenchError("\(b.name) failed (exit status \(p.terminationStatus))\(out.isEmpty ? "" : ":\n" + out)")
  }
  return r
}

// MARK: - Table

func rate(_ r: Double) -> String {
  if r >= 1e6 { return String(format: "%.2f M", r / 1e6) }
  if r >= 1e3 { return String(format: "%.1f k", r / 1e3) }
  return String(format: "%.0f", r)
}

func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
  s.count >= n ? s : (left ? String(repeating: " ", count: n - s.count) + s : s + String(repeating: " ", count: n - s.count))
}

let columns = [("benchmark", 14, false), ("items", 16, true), ("seconds", 9, true), ("items/s", 11, true), ("MB/s", 8, true), ("peak RSS MiB", 13, true)]

func row(_ cells: [String]) -> String {
  zip(cells, columns).map { pad($0, $1.1, left: $1.2) }.joined(separator: "  ")
}

func tableRow(_ name: String, _ r: BenchResult) -> String {
  let mbs = r.bytes.map { String(format: "%.1f", Double($0) / 1e6 / r.seconds) } ?? "-"
  return row([name, "\(r.items) \(r.unit)", String(format: "%.3f", r.seconds), rate(Double(r.items) / r.seconds), mbs, String(format: "%.1f", r.peakRSSMiB)])
}

// MARK: - Main

setvbuf(stdout, nil, _IOLBF, 0)  // one row at a time, even into a pipe or file
var args = Array(CommandLine.arguments.dropFirst())
if args.count == 2 && args[0] == "--child" {
  guard let b = benchmarks.first(where: { $0.name == args[1] }) else { fail("no benchmark \(args[1])") }
  do {
    print(encode(try runHere(b)))
    exit(0)
  } catch {
    fail("\(b.name): \(error)")
  }
}
if args.contains("--list") {
  for b in benchmarks { print(pad(b.name, 15) + b.summary) }
  exit(0)
}
let inProcess = args.contains("--in-process")
args.removeAll { $0 == "--in-process" }
if args.contains(where: { $0.hasPrefix("-") }) { usage() }
let unknown = args.filter { a in !benchmarks.contains { $0.name == a } }
if !unknown.isEmpty {
  FileHandle.standardError.write(Data("flow-bench: unknown benchmark(s): \(unknown.joined(separator: ", "))\n".utf8))
  usage()
}
let selected = args.isEmpty ? benchmarks : benchmarks.filter { args.contains($0.name) }

#if DEBUG
print("warning: a debug build; measure with `swift run -c release flow-bench`")
#endif
print(String(format: "flow-bench: scale %g, %d core(s)", benchScale, ProcessInfo.processInfo.activeProcessorCount))
print(row(columns.map(\.0)))
var failed = false
for b in selected {
  do {
    let r = inProcess ? try runHere(b) : try runChild(b)
    print(tableRow(b.name, r))
  } catch {
    failed = true
    print(row([b.name, "failed"]))
    FileHandle.standardError.write(Data("flow-bench: \(error)\n".utf8))
  }
}
exit(failed ? 1 : 0)
