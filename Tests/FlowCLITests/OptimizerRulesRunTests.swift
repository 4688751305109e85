import Foundation
import XCTest

/// The optimizer rules that change how a job runs in parallel (combiners,
/// redundant exchange removal) or what it runs (constant filters) never
/// change its results: every script gives the same rows (as a multiset) at
/// parallelism 1, 2 and 4, with the optimizer on and off.
final class OptimizerRulesRunTests: XCTestCase {
  static let scripts: [String: String] = [
    "rekey": """
      sequence(from: 1, to: 100000)
        |> keyBy(i => i % 1000)
        |> count()
        |> filter(c => c.count > 1)
        |> map(c => { c with count: c.count * 2 })
        |> keyBy(c => c.key)
        |> aggregate({ rows: count(), most: max(c => c.count), all: sum(c => c.count) })
        |> writeStdout()
      """,
    // A window read by an aggregate and by lateEvents, and a `process`,
    // behind removed exchanges.
    "windows": """
      let counts = sequence(from: 1, to: 20000) |> parallelism(1)
        |> map(i => { t: @2024-01-01T00:00:00Z + (i * 37 % 20011) * 10ms, k: i % 50 })
        |> withTimestamps(e => e.t, watermark: boundedDelay(2s))
        |> keyBy(e => e.k)
        |> window(tumbling(5s))
        |> count()
      let w = counts |> keyBy(c => c.key) |> window(tumbling(20s))
      w |> aggregate({ n: count(), top: max(c => c.count) }) |> writeStdout()
      w |> lateEvents() |> map(c => "late \\(c.key) \\(c.count)") |> writeStdout()
      counts |> keyBy(c => c.key)
        |> process(init: 0, onEvent: (n, c, ctx) => { state: n + c.count, emit: [{ key: c.key, running: n + c.count }], timers: [] })
        |> writeStdout()
      """,
    // The lateEvents pipeline written before the window's aggregate, which
    // runs in the upstream task: the side output must find that task.
    "late-first": """
      let counts = sequence(from: 1, to: 20000) |> parallelism(1)
        |> map(i => { t: @2024-01-01T00:00:00Z + (i * 37 % 20011) * 10ms, k: i % 50 })
        |> withTimestamps(e => e.t, watermark: boundedDelay(2s))
        |> keyBy(e => e.k)
        |> window(tumbling(5s))
        |> count()
      let w = counts |> keyBy(c => c.key) |> window(tumbling(20s))
      w |> lateEvents() |> map(c => "late \\(c.key) \\(c.count)") |> writeStdout()
      w |> aggregate({ n: count(), top: max(c => c.count) }) |> writeStdout()
      """,
    "constants": """
      let xs = sequence(from: 1, to: 5000)
      xs |> filter(i => 1 < 2) |> keyBy(i => i % 7) |> count() |> writeStdout()
      xs |> filter(i => 2 < 1) |> map(i => { i, sq: i * i }) |> keyBy(r => r.i % 3) |> count() |> writeStdout()
      """,
  ]

  func sortedLines(_ s: String) -> [Substring] { s.split(separator: "\n").sorted() }

  func testSameRowsAtEveryParallelismWithAndWithoutTheRules() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-rules-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for (name, text) in Self.scripts.sorted(by: { $0.key < $1.key }) {
      let file = dir.appendingPathComponent(name + ".flow")
      try text.write(to: file, atomically: true, encoding: .utf8)
      let reference = try FlowBinary.run(["run", "--no-progress", "--no-optimize", "--parallelism", "1", file.path])
      XCTAssertEqual(reference.status, 0, "\(name): \(reference.stderr)")
      XCTAssertFalse(reference.stdout.isEmpty, name)
      for p in ["1", "2", "4"] {
        for optimize in [true, false] {
          let r = try FlowBinary.run(["run", "--no-progress", "--parallelism", p] + (optimize ? [] : ["--no-optimize"]) + [file.path])
          XCTAssertEqual(r.status, 0, "\(name) at \(p): \(r.stderr)")
          XCTAssertEqual(sortedLines(r.stdout), sortedLines(reference.stdout), "\(name) at parallelism \(p), optimizer \(optimize ? "on" : "off")")
        }
      }
    }
  }

  /// The forward edge is real: the keyed operator behind a removed
  /// exchange runs in the task of the aggregate that partitioned its input,
  /// and with the optimizer off it gets a task of its own.
  func testRemovedExchangeRunsInTheUpstreamTask() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-rules-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("rekey.flow")
    try (Self.scripts["rekey"] ?? "").write(to: file, atomically: true, encoding: .utf8)
    func tasks(_ extra: [String]) throws -> [Substring] {
      let r = try FlowBinary.run(["run", "--no-progress", "--parallelism", "2"] + extra + [file.path], env: ["FLOW_DEBUG_TASKS": "1"])
      XCTAssertEqual(r.status, 0, r.stderr)
      return r.stderr.split(separator: "\n").filter { $0.contains(": ops [") }
    }
    let on = try tasks([])
    XCTAssertEqual(on.filter { $0.hasPrefix("count [") && $0.contains("\"aggregate\"") }.count, 2, on.joined(separator: "\n"))
    XCTAssertFalse(on.contains { $0.hasPrefix("aggregate [") }, on.joined(separator: "\n"))
    let off = try tasks(["--no-optimize"])
    XCTAssertEqual(off.filter { $0.hasPrefix("aggregate [") }.count, 2, off.joined(separator: "\n"))
    // Combiners come from the plan: none with the optimizer off.
    XCTAssertTrue(on.contains { $0.contains("(combiner)") }, on.joined(separator: "\n"))
    XCTAssertFalse(off.contains { $0.contains("(combiner)") }, off.joined(separator: "\n"))
  }

  /// A dead branch's sink still creates its file, empty.
  func testDeadBranchSinkCreatesAnEmptyFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-rules-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("never.csv")
    let file = dir.appendingPathComponent("dead.flow")
    try """
      sequence(from: 1, to: 100) |> filter(i => 2 < 1) |> map(i => { i }) |> writeCsv("\(out.path)")
      """.write(to: file, atomically: true, encoding: .utf8)
    let plan = try FlowBinary.run(["plan", "--explain", file.path])
    XCTAssertTrue(plan.stdout.contains("constant folding: 1 rewrite"), plan.stdout)
    XCTAssertTrue(plan.stdout.contains("(dead branch: passes nothing)"), plan.stdout)
    for p in ["1", "2"] {
      try? FileManager.default.removeItem(at: out)
      let r = try FlowBinary.run(["run", "--no-progress", "--parallelism", p, file.path])
      XCTAssertEqual(r.status, 0, r.stderr)
      XCTAssertTrue(FileManager.default.fileExists(atPath: out.path), "parallelism \(p)")
      let rows = (try? String(contentsOf: out, encoding: .utf8))?.split(separator: "\n").filter { !$0.isEmpty } ?? ["?"]
      XCTAssertLessThanOrEqual(rows.count, 1, "only a header, if any: \(rows)")
    }
  }
}

extension RescaleTests {
  /// A removed exchange (forward edge into a keyed window) restores at
  /// other parallelisms: its keys still sit with their key groups.
  func testForwardKeyedEdgeRestoresAtOtherParallelisms() throws {
    var rng = CheckpointKillTests.SplitMix(state: 33)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-rescale-fwd-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = """
      nexmarkBids(events: 3000)
        |> withTimestamps(b => b.dateTime)
        |> keyBy(b => b.auction % 13)
        |> window(tumbling(50ms))
        |> count()
        |> keyBy(w => w.key)
        |> window(tumbling(200ms))
        |> aggregate({ windows: count(), busiest: max(w => w.count) })
        |> writeStdout()
      """
    let job = try prepare("forward", text: text, dir: dir, batch: "50")
    for chain in [[2, 4], [4, 1], [1, 3]] {
      try check(job, name: "forward", chain: chain, rng: &rng, dir: dir, trials: 2)
    }
  }
}
