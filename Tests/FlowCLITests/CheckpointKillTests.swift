import Foundation
import XCTest

/// Exactly-once recovery: each streaming example runs with a checkpoint
/// after every batch, is killed abruptly at a seeded random moment (the
/// process exits like `kill -9`: no flush, no cleanup), and is restarted
/// with `--restore`; its committed file output must equal an uninterrupted
/// run's, byte for byte after sorting lines.
final class CheckpointKillTests: XCTestCase {
  /// Examples whose pipelines read replayable files and hold state.
  static let scripts = [
    "Examples/wordcount.flow",
    "Examples/windows/tumbling_bids.flow",
    "Examples/windows/sliding_counts.flow",
    "Examples/windows/sessions.flow",
    "Examples/windows/late_and_split.flow",
    "Examples/windows/early_results.flow",
    "Examples/streaming/spikes.flow",
    "Examples/streaming/joins_and_iteration.flow",
    "Examples/cep/small_then_large.flow",
    "Examples/cep/login_brute_force.flow",
    "Examples/cep/door_flapping.flow",
    "Examples/cep/rising_temperature.flow",
    "Tests/corpus/run/joins.flow",
  ]

  struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E3779B97F4A7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
      z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
      return z ^ (z >> 31)
    }
  }

  /// The script with every `writeStdout()` turned into a file sink under `dir`.
  func fileVersion(of script: String, dir: URL) throws -> (URL, [URL]) {
    var text = try String(contentsOf: FlowBinary.root.appendingPathComponent(script), encoding: .utf8)
    var outputs: [URL] = []
    while let r = text.range(of: "writeStdout()") {
      let out = dir.appendingPathComponent("out\(outputs.count).jsonl")
      outputs.append(out)
      text.replaceSubrange(r, with: "writeJsonl(\"\(out.path)\")")
    }
    // Data paths resolve from the working directory, the repository root.
    let file = dir.appendingPathComponent("script.flow")
    try text.write(to: file, atomically: true, encoding: .utf8)
    return (file, outputs)
  }

  func read(_ urls: [URL]) -> [String] {
    urls.map { ((try? String(contentsOf: $0, encoding: .utf8)) ?? "<missing>").split(separator: "\n").sorted().joined(separator: "\n") }
  }

  func testKilledAndRestoredRunsCommitExactlyTheUninterruptedOutput() throws {
    try killAndRestore(scripts: Self.scripts, parallelism: 1, trials: Int(ProcessInfo.processInfo.environment["FLOW_KILL_TRIALS"] ?? "") ?? 20)
  }

  /// The same at parallelism 2: checkpoints cover every subtask, sources
  /// split over subtasks resume each at its own position.
  func testKilledAndRestoredParallelRunsCommitExactlyTheUninterruptedOutput() throws {
    let scripts = Self.scripts.filter { !$0.contains("joins") }
    try killAndRestore(scripts: scripts, parallelism: 2, trials: Int(ProcessInfo.processInfo.environment["FLOW_KILL_TRIALS"] ?? "") ?? 6)
  }

  /// Keyed scripts killed and restored with their keyed state in RocksDB
  /// (incremental checkpoints: hard-linked SST files): keyed aggregates and
  /// `process` state.
  static let rocksdbScripts = [
    "Examples/wordcount.flow",
    "Tests/corpus/run/state/rocksdb_kill.flow",
    "Tests/corpus/run/keyed_running_vs_final.flow",
    "Examples/streaming/joins_and_iteration.flow",
    "Examples/streaming/spikes.flow",
    "Tests/corpus/run/process_timers.flow",
  ]

  func testKilledAndRestoredRocksDBRunsCommitExactlyTheUninterruptedOutput() throws {
    // Each RocksDB checkpoint is a flush and a few fsyncs (tens of ms on a
    // slow disk): batches of 10 events keep the runs short.
    let trials = Int(ProcessInfo.processInfo.environment["FLOW_KILL_TRIALS"] ?? "") ?? 20
    try killAndRestore(scripts: Self.rocksdbScripts, parallelism: 1, trials: trials, extra: ["--state-backend", "rocksdb"], batch: 10)
    try killAndRestore(scripts: Self.rocksdbScripts, parallelism: 2, trials: max(1, trials / 4), extra: ["--state-backend", "rocksdb"], batch: 10)
  }

  func killAndRestore(scripts: [String], parallelism: Int, trials: Int, extra: [String] = [], batch: Int = 3) throws {
    var rng = SplitMix(state: 20261124)
    let par = ["--parallelism", String(parallelism)] + extra
    for script in scripts {
      let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-kill-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: dir) }
      let (file, outputs) = try fileVersion(of: script, dir: dir)
      let rel = file.path
      // Same batch size as the killed runs: `connect` and `lookup` without
      // event times depend on how the inputs' batches interleave.
      let clean = try FlowBinary.run(["run", rel, "--no-progress"] + par, env: ["FLOW_BATCH_SIZE": String(batch)])
      XCTAssertEqual(clean.status, 0, "\(script): \(clean.stderr)")
      let expected = read(outputs)
      // Count the input events to place the kills.
      let stats = try FlowBinary.run(["run", rel, "--no-progress", "--stats"])
      let events = stats.stderr.split(separator: "\n").filter { $0.hasPrefix("source") }.compactMap { line -> Int? in
        line.split(separator: " ").compactMap { Int($0) }.dropFirst().first
      }.reduce(0, +)
      XCTAssertGreaterThan(events, 0, "\(script): no events counted\n\(stats.stderr)")
      for trial in 0..<trials {
        for o in outputs { try? FileManager.default.removeItem(at: o) }
        let ckp = dir.appendingPathComponent("ckp-\(trial)").path
        let killAt = 1 + Int(rng.next() % UInt64(max(1, events)))
        let env = ["FLOW_BATCH_SIZE": String(batch), "FLOW_CRASH_AFTER_EVENTS": String(killAt)]
        let first = try FlowBinary.run(["run", rel, "--no-progress", "--checkpoint-dir", ckp, "--checkpoint-interval", "0ms"] + par, env: env)
        var restored = first
        if first.status == 137 {
          restored = try FlowBinary.run(["run", rel, "--no-progress", "--checkpoint-dir", ckp, "--checkpoint-interval", "0ms", "--restore"] + par, env: ["FLOW_BATCH_SIZE": String(batch)])
        }
        XCTAssertEqual(restored.status, 0, "\(script) trial \(trial) at parallelism \(parallelism) (kill after \(killAt) events): \(restored.stderr)")
        let got = read(outputs)
        if got != expected {
          XCTFail("\(script) trial \(trial) at parallelism \(parallelism) (kill after \(killAt) of \(events) events): output differs\n--- expected\n\(expected.joined(separator: "\n---\n"))\n--- got\n\(got.joined(separator: "\n---\n"))")
          break
        }
      }
    }
  }

  /// A real SIGKILL at a random wall-clock moment of a paced job.
  func testRealKillNineAtRandomMoments() throws {
    guard let exe = FlowBinary.path else { throw XCTSkip("flow is not built") }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-sigkill-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out.jsonl")
    func script(rate: Int) -> String {
      """
      nexmarkBids(events: 4000, rate: \(rate))
        |> withTimestamps(b => b.dateTime)
        |> keyBy(b => b.auction % 7)
        |> window(tumbling(50ms))
        |> aggregate({ n: count(), top: max(b => b.price) })
        |> writeJsonl("\(out.path)")
      """
    }
    let fast = dir.appendingPathComponent("fast.flow"), slow = dir.appendingPathComponent("slow.flow")
    try script(rate: 0).write(to: fast, atomically: true, encoding: .utf8)
    try script(rate: 4000).write(to: slow, atomically: true, encoding: .utf8)
    XCTAssertEqual(try FlowBinary.run(["run", fast.path, "--no-progress"]).status, 0)
    let expected = read([out])
    var rng = SplitMix(state: 99)
    for trial in 0..<3 {
      try? FileManager.default.removeItem(at: out)
      let ckp = dir.appendingPathComponent("ckp\(trial)").path
      let p = Process()
      p.executableURL = URL(fileURLWithPath: exe)
      p.arguments = ["run", slow.path, "--no-progress", "--parallelism", "1", "--checkpoint-dir", ckp, "--checkpoint-interval", "20ms"]
      p.currentDirectoryURL = FlowBinary.root
      p.standardOutput = FileHandle.nullDevice
      p.standardError = FileHandle.nullDevice
      try p.run()
      usleep(UInt32(150_000 + rng.next() % 600_000))
      kill(p.processIdentifier, SIGKILL)
      p.waitUntilExit()
      let r = try FlowBinary.run(["run", fast.path, "--no-progress", "--checkpoint-dir", ckp, "--restore"])
      XCTAssertEqual(r.status, 0, r.stderr)
      XCTAssertEqual(read([out]), expected, "trial \(trial): output after kill -9 and restore differs")
    }
  }

  func testDamagedCheckpointFallsBackToThePreviousOneWithAWarning() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-damaged-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let (file, outputs) = try fileVersion(of: "Examples/windows/tumbling_bids.flow", dir: dir)
    let rel = file.path
    _ = try FlowBinary.run(["run", rel, "--no-progress"])
    let expected = read(outputs)
    let ckp = dir.appendingPathComponent("ckp").path
    let first = try FlowBinary.run(["run", rel, "--no-progress", "--checkpoint-dir", ckp, "--checkpoint-interval", "0ms"], env: ["FLOW_BATCH_SIZE": "3", "FLOW_CRASH_AFTER_CHECKPOINTS": "6"])
    XCTAssertEqual(first.status, 137)
    // Damage the newest checkpoint: flip a byte in the middle.
    let files = try FileManager.default.contentsOfDirectory(atPath: ckp).filter { $0.hasSuffix(".state") }.sorted()
    let newest = URL(fileURLWithPath: ckp).appendingPathComponent(files.last ?? "")
    let older = dir.appendingPathComponent("older.state")
    try FileManager.default.copyItem(at: URL(fileURLWithPath: ckp).appendingPathComponent(files.first ?? ""), to: older)
    var bytes = [UInt8](try Data(contentsOf: newest))
    bytes[bytes.count / 2] ^= 0xFF
    try Data(bytes).write(to: newest)
    let restored = try FlowBinary.run(["run", rel, "--no-progress", "--checkpoint-dir", ckp, "--checkpoint-interval", "0ms", "--restore"], env: ["FLOW_BATCH_SIZE": "3"])
    XCTAssertEqual(restored.status, 0, restored.stderr)
    XCTAssertTrue(restored.stderr.contains("warning: skipping checkpoint \(files.last ?? "")"), restored.stderr)
    XCTAssertTrue(restored.stderr.contains("checksum mismatch"), restored.stderr)
    XCTAssertEqual(read(outputs), expected)
    // A truncated file given explicitly is refused with a clear error.
    let data = try Data(contentsOf: older)
    try data.prefix(data.count / 2).write(to: older)
    let refused = try FlowBinary.run(["run", rel, "--no-progress", "--checkpoint-dir", ckp, "--restore", older.path])
    XCTAssertEqual(refused.status, 2, refused.stderr)
    XCTAssertTrue(refused.stderr.contains("damaged") || refused.stderr.contains("truncated"), refused.stderr)
  }

  func testRestoreWithoutCheckpointsStartsFromTheBeginning() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-empty-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try FlowBinary.run(["run", "Examples/wordcount.flow", "--checkpoint-dir", dir.path, "--restore"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stderr.contains("starting from the beginning"), r.stderr)
    let want = try String(contentsOf: FlowBinary.root.appendingPathComponent("Examples/wordcount.out"), encoding: .utf8)
    XCTAssertEqual(r.stdout, want)
  }

  func testRestoreNeedsACheckpointDirectory() throws {
    let r = try FlowBinary.run(["run", "Examples/wordcount.flow", "--restore"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.contains("--restore needs --checkpoint-dir"), r.stderr)
  }
}
