import Foundation
import FlowSyntax
import FlowSema
import FlowIR
import FlowRuntime
import FlowDriver

/// What one benchmark measured.
struct BenchResult {
  /// Units of work done (lines checked, words counted, rows read, ...).
  var items: Int
  /// What an item is, for the table ("lines", "words", ...).
  var unit: String
  /// Seconds of the timed part only (input generation is not timed).
  var seconds: Double
  /// Bytes of input processed, for MB/s (nil where it means nothing).
  var bytes: Int? = nil
  /// Peak resident set of the process, MiB (filled in by the runner).
  var peakRSSMiB: Double = 0
}

/// A named benchmark: a function that builds its own input, times the work
/// with `DispatchTime`, and returns what it measured.
struct Benchmark {
  let name: String
  let summary: String
  let run: () throws -> BenchResult
}

struct BenchError: Error, CustomStringConvertible {
  let description: String
  init(_ d: String) { description = d }
}

// MARK: - Sizes

/// `FLOW_BENCH_SCALE` (default 1.0) multiplies every input size, so CI can
/// run tiny versions: `FLOW_BENCH_SCALE=0.01 swift run -c release flow-bench`.
let benchScale: Double = {
  guard let s = ProcessInfo.processInfo.environment["FLOW_BENCH_SCALE"] else { return 1.0 }
  guard let v = Double(s), v > 0 else {
    FileHandle.standardError.write(Data("flow-bench: FLOW_BENCH_SCALE must be a positive number, got '\(s)'\n".utf8))
    exit(2)
  }
  return v
}()

/// `n` scaled by `FLOW_BENCH_SCALE`, at least `minimum`.
func scaled(_ n: Int, minimum: Int = 1) -> Int { max(minimum, Int((Double(n) * benchScale).rounded())) }

// MARK: - Timing and memory

/// Runs `body` and returns its result with the elapsed seconds. It also
/// prints the user CPU seconds the process spent in it on standard error:
/// on a loaded machine wall-clock rates are noisy, CPU time much less so.
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
  let cpu0 = userCPUSeconds()
  let start = DispatchTime.now().uptimeNanoseconds
  let r = try body()
  let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  FileHandle.standardError.write(Data(String(format: "flow-bench: timed part: %.3f s wall, %.3f s user CPU\n", wall, userCPUSeconds() - cpu0).utf8))
  return (r, wall)
}

/// User CPU time of this process so far, in seconds.
func userCPUSeconds() -> Double {
  var usage = rusage()
  #if os(Linux)
  getrusage(RUSAGE_SELF.rawValue, &usage)
  #else
  getrusage(RUSAGE_SELF, &usage)
  #endif
  return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
}

/// Peak resident set size of this process so far, in MiB.
func peakRSSMiB() -> Double {
  var usage = rusage()
  #if os(Linux)
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_maxrss) / 1024  // KiB on Linux
  #else
  getrusage(RUSAGE_SELF, &usage)
  return Double(usage.ru_maxrss) / (1024 * 1024)  // bytes on macOS
  #endif
}

// MARK: - Scratch files

/// A temporary folder for generated inputs, removed by `cleanup()`.
final class ScratchDir {
  let url: URL
  init(_ tag: String) throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("flow-bench-\(tag)-\(getpid())")
    try? FileManager.default.removeItem(at: url)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  func path(_ name: String) -> String { url.appendingPathComponent(name).path }
  func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// Writes a file in 1 MiB chunks, so generating a large input does not
/// inflate the peak RSS of the benchmark that reads it.
final class ChunkedWriter {
  private let handle: FileHandle
  private var buffer: [UInt8] = []
  private(set) var bytesWritten = 0

  init(path: String) throws {
    guard FileManager.default.createFile(atPath: path, contents: nil) else { throw BenchError("cannot create \(path)") }
    guard let h = FileHandle(forWritingAtPath: path) else { throw BenchError("cannot open \(path)") }
    handle = h
    buffer.reserveCapacity(1 << 20 + 4096)
  }

  @inline(__always) func byte(_ b: UInt8) {
    buffer.append(b)
    if buffer.count >= 1 << 20 { flush() }
  }
  func bytes<S: Sequence>(_ s: S) where S.Element == UInt8 {
    buffer.append(contentsOf: s)
    if buffer.count >= 1 << 20 { flush() }
  }
  func string(_ s: String) { bytes(s.utf8) }
  /// A non-negative integer in decimal.
  func int(_ v: Int) {
    if v < 10 { byte(UInt8(48 + v)); return }
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var n = v, count = 0
    withUnsafeMutableBytes(of: &digits) { d in
      while n > 0 { d[count] = UInt8(48 + n % 10); n /= 10; count += 1 }
      for i in stride(from: count - 1, through: 0, by: -1) { buffer.append(d[i]) }
    }
    if buffer.count >= 1 << 20 { flush() }
  }
  /// A number padded with zeros to `width` digits.
  func padded(_ v: Int, _ width: Int) {
    var p = 1
    for _ in 1..<width { p *= 10 }
    var n = v
    while p > 0 { byte(UInt8(48 + (n / p) % 10)); n %= p; p /= 10 }
  }

  func flush() {
    if !buffer.isEmpty { handle.write(Data(buffer)) }
    bytesWritten += buffer.count
    buffer.removeAll(keepingCapacity: true)
  }

  func close() {
    flush()
    try? handle.close()
  }
}

// MARK: - Random numbers

/// SplitMix64: a tiny, fast, seedable PRNG (inputs are the same every run).
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// A number in `0..<n` (n > 0).
  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  /// A Double in [0, 1).
  mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}

// MARK: - Running a Flow script in-process

/// What running a pipeline measured.
struct PipelineRun {
  /// Events the sources read.
  var eventsRead: Int
  /// Events that reached the sinks.
  var eventsOut: Int
  /// Seconds of `Executor.build` + `run` (checking, lowering and optimizing
  /// take milliseconds for these scripts and are not counted).
  var seconds: Double
  /// Checkpoints written (with `checkpoints:`).
  var checkpointsTaken = 0
}

/// Runs `script` the way `flow run` does (RunDriver): check, lower,
/// optimize, then execute with its sinks, and counts the events read.
/// Throws with the rendered diagnostics if the script has errors.
/// `checkpoints`: a directory to checkpoint into every `checkpointMillis`.
func runPipeline(_ script: String, path: String = "bench.flow", parallelism: Int = 1, checkpoints: String? = nil, checkpointMillis: Int64 = 1000, stateBackend: StateBackend = .memory, combiners: Bool = true) throws -> PipelineRun {
  let store = try checkpoints.map { try CheckpointStore(dir: $0) }
  var taken = 0
  let checker = Checker()
  let result = checker.check(path: path, text: script)
  if result.hasErrors {
    let renderer = DiagnosticRenderer(sources: result.sources, color: false)
    let text = result.diagnostics.filter { $0.severity == .error }.map { renderer.text($0) }.joined(separator: "\n")
    throw BenchError("benchmark script has errors:\n\(text)\n--- script ---\n\(script)")
  }
  guard let module = result.module else { throw BenchError("no module") }
  let sinks = try Lowering(checker: checker).lower(module)
  guard !sinks.isEmpty else { throw BenchError("benchmark script has no sink") }
  var plan = LogicalPlan(sinks: sinks)
  // FLOW_BENCH_UNOPTIMIZED=1 runs the plan as written, to measure what the
  // optimizer (fusion above all) buys.
  if ProcessInfo.processInfo.environment["FLOW_BENCH_UNOPTIMIZED"] == nil {
    _ = try Optimizer().optimize(&plan)
  }
  // FLOW_BENCH_PER_EVENT=1 makes sources push events one at a time instead
  // of handing whole batches to the first stage, to measure the batch path.
  if ProcessInfo.processInfo.environment["FLOW_BENCH_PER_EVENT"] != nil {
    Executor.batchAtATime = false
  }
  var stats: [(name: String, inCount: Int, outCount: Int)] = []
  var secs = 0.0
  if parallelism > 1 {
    var lowerings: [Lowering] = []
    let executor = ParallelExecutor(sinks: plan.sinks, parallelism: parallelism) {
      let l = Lowering(checker: checker)
      lowerings.append(l)
      var copy = LogicalPlan(sinks: try l.lower(module))
      if ProcessInfo.processInfo.environment["FLOW_BENCH_UNOPTIMIZED"] == nil { _ = try Optimizer().optimize(&copy) }
      return copy.sinks
    }
    executor.checkpoints = store
    // FLOW_BENCH_NO_COMBINERS=1: every event crosses the exchange (what
    // `flow run --no-optimize` does), to weigh combiners against it.
    if ProcessInfo.processInfo.environment["FLOW_BENCH_NO_COMBINERS"] != nil { executor.combiners = false }
    executor.checkpointIntervalMillis = checkpointMillis
    executor.stateBackend = stateBackend
    executor.combiners = combiners
    secs = try timed {
      try executor.build()
      try executor.run()
    }.1
    stats = executor.stats.map { ($0.name, $0.inCount, $0.outCount) }
    taken = executor.checkpointsTaken
    withExtendedLifetime(lowerings) {}
  } else {
    let executor = Executor(sinks: plan.sinks)
    executor.checkpoints = store
    executor.checkpointIntervalMillis = checkpointMillis
    executor.stateBackend = stateBackend
    secs = try timed {
      try executor.build()
      try executor.run()
    }.1
    stats = executor.stats.map { ($0.name, $0.inCount, $0.outCount) }
    taken = executor.checkpointsTaken
  }
  let read = stats.filter { $0.name.hasPrefix("source") }.reduce(0) { $0 + $1.outCount }
  let sinkNames = Set(plan.sinks.map(\.name))
  let out = stats.filter { sinkNames.contains($0.name) }.reduce(0) { $0 + $1.inCount }
  return PipelineRun(eventsRead: read, eventsOut: out, seconds: secs, checkpointsTaken: taken)
}

/// A Flow string literal for a path.
func flowString(_ s: String) -> String {
  "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}
