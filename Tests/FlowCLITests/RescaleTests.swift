import Foundation
import XCTest

/// Rescaling: a job killed at a seeded moment and restored at another
/// parallelism (keyed state moves between subtasks by key group, split
/// sources are re-split) commits exactly the output of an uninterrupted
/// run, as a multiset of lines.
final class RescaleTests: XCTestCase {
  /// The streaming examples of the kill test, except `joins.flow`, whose
  /// `connect` and `lookup` without event times depend on how batches of
  /// the two inputs interleave, which differs between parallelisms.
  static let scripts = CheckpointKillTests.scripts.filter { !$0.contains("joins.flow") }

  /// A keyed window over a split generator (read by every subtask).
  static let generatorScript = """
    nexmarkBids(events: 3000)
      |> withTimestamps(b => b.dateTime)
      |> keyBy(b => b.auction % 13)
      |> window(tumbling(50ms))
      |> aggregate({ n: count(), top: max(b => b.price) })
      |> writeStdout()
    """

  struct Job {
    let file: String
    let outputs: [URL]
    let batch: String
  }

  func prepare(_ script: String, text: String? = nil, dir: URL, batch: String = "3") throws -> Job {
    var body = try text ?? String(contentsOf: FlowBinary.root.appendingPathComponent(script), encoding: .utf8)
    var outputs: [URL] = []
    while let r = body.range(of: "writeStdout()") {
      let out = dir.appendingPathComponent("out\(outputs.count).jsonl")
      outputs.append(out)
      body.replaceSubrange(r, with: "writeJsonl(\"\(out.path)\")")
    }
    let file = dir.appendingPathComponent("script.flow")
    try body.write(to: file, atomically: true, encoding: .utf8)
    return Job(file: file.path, outputs: outputs, batch: batch)
  }

  func output(_ job: Job) -> [String] {
    job.outputs.map { ((try? String(contentsOf: $0, encoding: .utf8)) ?? "<missing>").split(separator: "\n").sorted().joined(separator: "\n") }
  }

  func clear(_ job: Job) { for o in job.outputs { try? FileManager.default.removeItem(at: o) } }

  /// Runs `job` at parallelism `p` with checkpoints after every batch,
  /// restoring first if asked, crashing after `crash` events if given.
  func run(_ job: Job, _ p: Int, ckp: String, restore: Bool, crash: Int?) throws -> FlowRun {
    var env = ["FLOW_BATCH_SIZE": job.batch]
    if let c = crash { env["FLOW_CRASH_AFTER_EVENTS"] = String(c) }
    let args = ["run", job.file, "--no-progress", "--parallelism", String(p), "--checkpoint-dir", ckp, "--checkpoint-interval", "0ms"] + (restore ? ["--restore"] : [])
    return try FlowBinary.run(args, env: env)
  }

  /// The input events of a job (summed over its sources), to place kills.
  func events(_ job: Job) throws -> Int {
    let stats = try FlowBinary.run(["run", job.file, "--no-progress", "--stats", "--parallelism", "1"])
    return stats.stderr.split(separator: "\n").filter { $0.hasPrefix("source") }.compactMap { line -> Int? in
      line.split(separator: " ").compactMap { Int($0) }.dropFirst().first
    }.reduce(0, +)
  }

  /// For each script: kill at parallelism `chain[0]`, restore at each
  /// following parallelism in turn (killed again, except the last, which
  /// runs to the end), and compare with an uninterrupted run.
  func check(_ job: Job, name: String, chain: [Int], rng: inout CheckpointKillTests.SplitMix, dir: URL, trials: Int) throws {
    clear(job)
    let clean = try FlowBinary.run(["run", job.file, "--no-progress", "--parallelism", String(chain[0])], env: ["FLOW_BATCH_SIZE": job.batch])
    XCTAssertEqual(clean.status, 0, "\(name): \(clean.stderr)")
    let expected = output(job)
    let total = try events(job)
    XCTAssertGreaterThan(total, 0, name)
    for trial in 0..<trials {
      clear(job)
      let ckp = dir.appendingPathComponent("ckp-\(chain)-\(trial)").path
      var restore = false
      var log: [String] = []
      for (i, p) in chain.enumerated() {
        let last = i == chain.count - 1
        // Each killed run reads at most a third of the input before dying.
        let kill = last ? nil : 1 + Int(rng.next() % UInt64(max(1, total / 3)))
        let r = try run(job, p, ckp: ckp, restore: restore, crash: kill)
        log.append("parallelism \(p)\(kill.map { ", killed after \($0) events" } ?? ""): exit \(r.status)")
        if last || r.status != 137 {
          XCTAssertEqual(r.status, 0, "\(name) trial \(trial) \(log): \(r.stderr)")
          if !last {
            // It ran to the end before the kill: restore the rest anyway.
            continue
          }
        }
        restore = true
      }
      let got = output(job)
      if got != expected {
        XCTFail("\(name) trial \(trial) \(log): output differs\n--- expected\n\(expected.joined(separator: "\n---\n"))\n--- got\n\(got.joined(separator: "\n---\n"))")
        return
      }
    }
  }

  func runAll(chains: [[Int]], trials: Int) throws {
    var rng = CheckpointKillTests.SplitMix(state: 6_2026)
    for script in Self.scripts {
      let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-rescale-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: dir) }
      let job = try prepare(script, dir: dir)
      for chain in chains { try check(job, name: script, chain: chain, rng: &rng, dir: dir, trials: trials) }
    }
  }

  func testRestoreAtOneThenTwoThenOne() throws {
    try runAll(chains: [[1, 2, 1]], trials: 2)
  }

  func testRestoreFromTwoAtFourAndFromFourAtOne() throws {
    try runAll(chains: [[2, 4], [4, 1]], trials: 2)
  }

  /// A generator read by every subtask: its unread input is re-split.
  func testSplitSourceIsReSplit() throws {
    var rng = CheckpointKillTests.SplitMix(state: 7)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-rescale-gen-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let job = try prepare("generator", text: Self.generatorScript, dir: dir, batch: "50")
    for chain in [[1, 2, 1], [2, 4], [4, 3, 1], [3, 2]] {
      try check(job, name: "generator", chain: chain, rng: &rng, dir: dir, trials: 2)
    }
  }

  /// A restore at another parallelism still matches state by uid: an
  /// added stateless step is fine (on the same line: a uid without
  /// `uid(...)` includes the script position), a renamed stateful operator
  /// is refused.
  func testRescaledRestoreIntoAChangedScriptMapsStateByUid() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-rescale-uid-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out.jsonl").path
    func script(extra: String, name: String) -> String {
      """
      sequence(1, 200000)
        |> keyBy(x => x % 17)
        |> aggregate({ n: count(), s: sum(x => x) })
        |> uid("\(name)")\(extra)
        |> writeJsonl("\(out)")
      """
    }
    let a = dir.appendingPathComponent("a.flow"), b = dir.appendingPathComponent("b.flow"), c = dir.appendingPathComponent("c.flow")
    try script(extra: "", name: "counts").write(to: a, atomically: true, encoding: .utf8)
    try script(extra: " |> map(r => { key: r.key, n: r.n, s: r.s })", name: "counts").write(to: b, atomically: true, encoding: .utf8)
    try script(extra: "", name: "renamed").write(to: c, atomically: true, encoding: .utf8)
    XCTAssertEqual(try FlowBinary.run(["run", a.path, "--no-progress"]).status, 0)
    let expected = ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").split(separator: "\n").sorted()
    try? FileManager.default.removeItem(atPath: out)
    let ckp = dir.appendingPathComponent("ckp").path
    let env = ["FLOW_BATCH_SIZE": "100"]
    var first = env
    first["FLOW_CRASH_AFTER_EVENTS"] = "120000"
    let killed = try FlowBinary.run(["run", a.path, "--no-progress", "--parallelism", "2", "--checkpoint-dir", ckp, "--checkpoint-interval", "0ms"], env: first)
    XCTAssertEqual(killed.status, 137, killed.stderr)
    let refused = try FlowBinary.run(["run", c.path, "--no-progress", "--parallelism", "3", "--checkpoint-dir", ckp, "--restore"], env: env)
    XCTAssertEqual(refused.status, 3, refused.stderr)
    XCTAssertTrue(refused.stderr.contains("no state for operator 'aggregate'"), refused.stderr)
    let restored = try FlowBinary.run(["run", b.path, "--no-progress", "--parallelism", "3", "--checkpoint-dir", ckp, "--checkpoint-interval", "0ms", "--restore"], env: env)
    XCTAssertEqual(restored.status, 0, restored.stderr)
    let got = ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").split(separator: "\n").sorted()
    XCTAssertEqual(got, expected)
  }
}
