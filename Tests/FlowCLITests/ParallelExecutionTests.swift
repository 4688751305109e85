import Foundation
import XCTest

/// `flow run --parallelism N`: the same results at every parallelism (as a
/// multiset: the order across keys is not defined), backpressure that keeps
/// memory flat, and statistics that show where the time goes.
final class ParallelExecutionTests: XCTestCase {
  /// Examples whose output depends on the arrival order of events that come
  /// from different subtasks, so parallel runs may legitimately differ.
  static let orderSensitive: [String: String] = [
    "nexmark/q6.flow": "averages each seller's last 10 closed auctions in arrival order; closed auctions of one seller come from several subtasks",
  ]

  func examples() -> [(script: String, expected: URL)] {
    let root = FlowBinary.root.appendingPathComponent("Examples")
    let skip = (try? String(contentsOf: root.appendingPathComponent("check-only.txt"), encoding: .utf8))?
      .split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { $0.split(separator: ":").first.map(String.init) } ?? []
    var out: [(String, URL)] = []
    let e = FileManager.default.enumerator(atPath: root.path)
    while let rel = e?.nextObject() as? String {
      guard rel.hasSuffix(".flow"), !skip.contains(rel), Self.orderSensitive[rel] == nil else { continue }
      let base = root.appendingPathComponent(rel).deletingPathExtension()
      for ext in ["out", "expected"] where FileManager.default.fileExists(atPath: base.appendingPathExtension(ext).path) {
        out.append(("Examples/" + rel, base.appendingPathExtension(ext)))
      }
    }
    return out.sorted { $0.0 < $1.0 }
  }

  func sortedLines(_ s: String) -> [Substring] { s.split(separator: "\n").sorted() }

  func testEveryExampleGivesTheSameResultsAtParallelism2And4() throws {
    let cases = examples()
    XCTAssertGreaterThan(cases.count, 20)
    for (script, expected) in cases {
      let want = sortedLines(try String(contentsOf: expected, encoding: .utf8))
      for p in ["2", "4"] {
        let args = scriptArguments(FlowBinary.root.appendingPathComponent(script))
        let r = try FlowBinary.run(["run", "--parallelism", p, "--no-progress"] + args + [script])
        XCTAssertEqual(r.status, 0, "\(script) at parallelism \(p): \(r.stderr)")
        if sortedLines(r.stdout) != want {
          XCTFail("\(script) at parallelism \(p): output differs from \(expected.lastPathComponent) (as a multiset)\n\(r.stdout)")
        }
      }
    }
  }

  func testSplitSourcesReadEveryEventExactlyOnce() throws {
    let dir = try tempDir()
    let script = dir.appendingPathComponent("split.flow")
    for source in ["nexmarkBids(events: 7777)", "nexmark(events: 5555) |> map(e => e.bid?.price ?? e.auction?.id ?? e.person?.id ?? 0)", "sequence(from: -50, to: 4321)"] {
      try "\(source) |> writeStdout()".write(to: script, atomically: true, encoding: .utf8)
      let one = try FlowBinary.run(["run", "--parallelism", "1", "--no-progress", script.path])
      XCTAssertEqual(one.status, 0, one.stderr)
      for p in ["2", "3"] {
        let r = try FlowBinary.run(["run", "--parallelism", p, "--no-progress", script.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(sortedLines(r.stdout), sortedLines(one.stdout), "\(source) at parallelism \(p)")
      }
    }
  }

  func testPerKeyOrderIsPreserved() throws {
    // Running state per key: each key's events must arrive in the order
    // the (single) source read them. A split source would interleave its
    // subtasks, so this one is kept whole with `parallelism(1)`.
    let dir = try tempDir()
    let script = dir.appendingPathComponent("running.flow")
    try """
    sequence(from: 1, to: 20000)
      |> parallelism(1)
      |> keyBy(x => x % 7)
      |> process(init: 0, onEvent: (n, x, ctx) => { state: n + 1, emit: [{ key: x % 7, n: n + 1, x }], timers: [] })
      |> writeStdout()
    """.write(to: script, atomically: true, encoding: .utf8)
    let r = try FlowBinary.run(["run", "--parallelism", "3", "--no-progress", script.path])
    XCTAssertEqual(r.status, 0, r.stderr)
    var last: [String: (n: Int, x: Int)] = [:]
    var lines = 0
    for line in r.stdout.split(separator: "\n") {
      // {key: 3, n: 12, x: 80}
      let nums = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
      guard nums.count == 3 else { XCTFail("unexpected line \(line)"); continue }
      let key = String(nums[0])
      if let prev = last[key] {
        XCTAssertEqual(nums[1], prev.n + 1, "key \(key): counts out of order")
        XCTAssertGreaterThan(nums[2], prev.x, "key \(key): events out of order")
      }
      last[key] = (nums[1], nums[2])
      lines += 1
    }
    XCTAssertEqual(lines, 20000)
  }

  func testASlowSinkThrottlesTheSourcesAndMemoryStaysFlat() throws {
    guard let exe = FlowBinary.path else { throw XCTSkip("the flow binary is not built") }
    let dir = try tempDir()
    let script = dir.appendingPathComponent("slow.flow")
    // 150,000 records of over a kilobyte each would take far more
    // than the cap if the sources ran ahead of the blocked sink.
    try """
    let pad = "0123456789abcdefghijklmnopqrstuvwxyz 0123456789abcdefghijklmnopqrstuvwxyz 0123456789abcdefghijklmnopqrstuvwxyz 0123456789abcdefghijklmnopqrstuvwxyz 0123456789abcdefghijklmnopqrstuvwxyz 0123456789abcdefghijklmnopqrstuvwxyz"
    sequence(from: 1, to: 150000)
      |> map(x => "record \\(x): \\(pad) \\(pad) \\(pad) \\(pad) \\(pad)")
      |> writeStdout()
    """.write(to: script, atomically: true, encoding: .utf8)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = ["run", "--parallelism", "2", "--no-progress", script.path]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    // Nobody reads standard output yet: the sink blocks once the pipe is
    // full, and everything upstream must wait instead of buffering.
    var peak = 0
    for _ in 0..<15 {
      usleep(100_000)
      peak = max(peak, rssMB(p.processIdentifier))
    }
    XCTAssertTrue(p.isRunning, "the job finished although its sink was blocked")
    XCTAssertLessThan(peak, 80, "resident memory grew to \(peak) MB while the sink was blocked")
    // Now drain it: every record arrives.
    var lines = 0
    let h = out.fileHandleForReading
    while true {
      let d = h.readData(ofLength: 1 << 20)
      if d.isEmpty { break }
      lines += d.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
      peak = max(peak, rssMB(p.processIdentifier))
    }
    p.waitUntilExit()
    XCTAssertEqual(p.terminationStatus, 0)
    XCTAssertEqual(lines, 150_000)
    XCTAssertLessThan(peak, 80, "resident memory grew to \(peak) MB")
  }

  func testStatsShowRecordsAndBusyBackpressuredIdleTime() throws {
    let r = try FlowBinary.run(["run", "--parallelism", "2", "--no-progress", "--stats", "Examples/windows/tumbling_bids.flow"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stderr.contains("subtasks   busy  backpr.  idle"), r.stderr)
    XCTAssertTrue(r.stderr.contains("parallelism 2"), r.stderr)
    XCTAssertTrue(r.stderr.contains("peak memory"), r.stderr)
    let window = r.stderr.split(separator: "\n").first { $0.hasPrefix("window") && !$0.contains("(comb") }
    XCTAssertNotNil(window, r.stderr)
    // The window runs 2 subtasks.
    let nums = window.map { $0.split(separator: " ").compactMap { Int($0) } } ?? []
    XCTAssertEqual(nums.count >= 3 ? nums[2] : -1, 2, String(window ?? ""))
  }

  /// A tumbling window's combiner sends one partial per (key, window) and
  /// sender instead of every event, and the results do not change.
  func testWindowCombinerSendsPartialsAndKeepsTheResults() throws {
    let dir = try tempDir()
    let script = dir.appendingPathComponent("wc.flow")
    try """
    nexmarkBids(events: 20000)
      |> withTimestamps(b => b.dateTime)
      |> keyBy(b => b.auction)
      |> window(tumbling(10s))
      |> aggregate({ n: count(), top: max(b => b.price), mean: avg(b => toFloat(b.price)), low: min(b => b.bidder) })
      |> writeStdout()
    """.write(to: script, atomically: true, encoding: .utf8)
    let one = try FlowBinary.run(["run", "--parallelism", "1", "--no-progress", script.path])
    XCTAssertEqual(one.status, 0, one.stderr)
    let two = try FlowBinary.run(["run", "--parallelism", "2", "--no-progress", "--stats", script.path])
    XCTAssertEqual(two.status, 0, two.stderr)
    let off = try FlowBinary.run(["run", "--parallelism", "2", "--no-progress", "--no-optimize", script.path])
    XCTAssertEqual(off.status, 0, off.stderr)
    let sorted = { (s: String) in s.split(separator: "\n").sorted() }
    XCTAssertGreaterThan(sorted(one.stdout).count, 100)
    XCTAssertEqual(sorted(two.stdout), sorted(one.stdout))
    XCTAssertEqual(sorted(off.stdout), sorted(one.stdout))
    let lines = two.stderr.split(separator: "\n")
    let numbers = { (l: Substring?) in l.map { $0.split(separator: " ").compactMap { Int($0) } } ?? [] }
    let combiner = numbers(lines.first { $0.hasPrefix("window") && $0.contains("(comb") })
    let merging = numbers(lines.first { $0.hasPrefix("window") && !$0.contains("(comb") })
    XCTAssertEqual(combiner.first, 18400, two.stderr)  // every bid of 20,000 events
    // The merging window receives partials: far fewer records than events.
    XCTAssertEqual(merging.count >= 2 ? merging[1] : -1, sorted(one.stdout).count, two.stderr)
    XCTAssertLessThan(merging.first ?? Int.max, 18400 / 2, two.stderr)
  }

  func testParallelismOverrideInTheScript() throws {
    let dir = try tempDir()
    let script = dir.appendingPathComponent("override.flow")
    try """
    sequence(from: 1, to: 1000)
      |> keyBy(x => x % 10)
      |> count()
      |> parallelism(3)
      |> map(r => r.count)
      |> writeStdout()
    """.write(to: script, atomically: true, encoding: .utf8)
    let r = try FlowBinary.run(["run", "--parallelism", "2", "--no-progress", "--stats", script.path])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(r.stdout, String(repeating: "100\n", count: 10))
    let count = r.stderr.split(separator: "\n").first { $0.hasPrefix("count") && !$0.contains("(combiner)") }.map { $0.split(separator: " ").compactMap { Int($0) } } ?? []
    XCTAssertEqual(count.count >= 3 ? count[2] : -1, 3, r.stderr)

    try "sequence(from: 1, to: 10) |> parallelism(0) |> writeStdout()".write(to: script, atomically: true, encoding: .utf8)
    let bad = try FlowBinary.run(["run", "--no-progress", script.path])
    XCTAssertEqual(bad.status, 3, bad.stderr)
    XCTAssertTrue(bad.stderr.contains("parallelism(0): expected 1 to 128 subtasks"), bad.stderr)
  }

  func testCombinersPreAggregateBeforeTheExchange() throws {
    let dir = try tempDir()
    let script = dir.appendingPathComponent("combine.flow")
    try """
    sequence(from: 1, to: 50000)
      |> keyBy(x => x % 100)
      |> aggregate({ n: count(), total: sum(x => x), top: max(x => x) })
      |> writeStdout()
    """.write(to: script, atomically: true, encoding: .utf8)
    let one = try FlowBinary.run(["run", "--parallelism", "1", "--no-progress", script.path])
    let r = try FlowBinary.run(["run", "--parallelism", "2", "--no-progress", "--stats", script.path])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(sortedLines(r.stdout), sortedLines(one.stdout))
    // Two source subtasks each send one partial per key: 200, not 50,000.
    let row = r.stderr.split(separator: "\n").first { $0.hasPrefix("aggregate (combiner)") }
    let nums = row.map { $0.split(separator: " ").compactMap { Int($0) } } ?? []
    XCTAssertEqual(nums.prefix(3), [50000, 200, 2], r.stderr)
    let plain = try FlowBinary.run(["run", "--parallelism", "2", "--no-progress", "--no-optimize", "--stats", script.path])
    XCTAssertEqual(sortedLines(plain.stdout), sortedLines(one.stdout))
    XCTAssertFalse(plain.stderr.contains("(combiner)"), plain.stderr)
  }

  func testBadParallelismFlag() throws {
    let r = try FlowBinary.run(["run", "--parallelism", "0", "Examples/wordcount.flow"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.contains("--parallelism expects a number from 1 to 128"), r.stderr)
  }

  /// A checkpoint taken at parallelism 2 restores at 4 (rescaling; the
  /// output itself is compared in `RescaleTests`).
  func testRestoringAtAnotherParallelismRescales() throws {
    let dir = try tempDir()
    let ckp = dir.appendingPathComponent("ckp").path
    let first = try FlowBinary.run(["run", "--parallelism", "2", "--no-progress", "--checkpoint-dir", ckp, "--checkpoint-interval", "0ms", "Examples/windows/tumbling_bids.flow"],
                                   // After the first checkpoint: with aligned barriers the
                                   // sources read on while one is taken, so a crash after a
                                   // fixed number of events may come before it completes.
                                   env: ["FLOW_BATCH_SIZE": "3", "FLOW_CRASH_AFTER_CHECKPOINTS": "1"])
    XCTAssertEqual(first.status, 137, first.stderr)
    let other = try FlowBinary.run(["run", "--parallelism", "4", "--no-progress", "Examples/windows/tumbling_bids.flow", "--checkpoint-dir", ckp, "--restore"])
    if other.stderr.contains("no checkpoint") { throw XCTSkip("the job was killed before its first checkpoint") }
    XCTAssertEqual(other.status, 0, other.stderr)
    XCTAssertTrue(other.stderr.contains("restoring from"), other.stderr)
  }

  func tempDir() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-par-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir
  }

  func rssMB(_ pid: Int32) -> Int {
    guard let s = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
    for line in s.split(separator: "\n") where line.hasPrefix("VmRSS:") {
      return (line.split(separator: " ").compactMap { Int($0) }.first ?? 0) / 1024
    }
    return 0
  }
}
