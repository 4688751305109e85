import Foundation
import XCTest

/// Aligned checkpoint barriers in the parallel executor: checkpoints are
/// taken while events are in flight and the sources keep reading (nothing
/// is drained or paused), a restore from such a checkpoint gives exactly
/// the uninterrupted output (also at another parallelism), and a savepoint
/// on stop goes through the barrier path too.
final class CheckpointBarrierTests: XCTestCase {
  func tempDir() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-barriers-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  func sortedLines(_ path: String) -> [String] {
    ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "<missing>").split(separator: "\n").map(String.init).sorted()
  }

  /// A keyed job whose events all cross a hash exchange (no combiners with
  /// `--no-optimize`), from a source split over the subtasks: every keyed
  /// subtask aligns barriers from two or more source subtasks.
  func keyedJob(_ dir: URL) throws -> (script: String, out: String) {
    let out = dir.appendingPathComponent("out.jsonl").path
    let script = dir.appendingPathComponent("keyed.flow").path
    try """
      sequence(from: 1, to: 400000)
        |> keyBy(i => i % 1000)
        |> aggregate({ n: count(), s: sum(i => i), top: max(i => i % 977) })
        |> writeJsonl("\(out)")
      """.write(toFile: script, atomically: true, encoding: .utf8)
    return (script, out)
  }

  /// One line of FLOW_DEBUG_CHECKPOINTS output.
  struct Completed {
    var inFlight: Int
    var readMeanwhile: Int
    var setAside: Int
  }

  func completed(_ stderr: String) -> [Completed] {
    stderr.split(separator: "\n").filter { $0.hasPrefix("checkpoint ") }.map { line in
      let n = line.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Int($0) }
      // "checkpoint ID: MS ms, A envelopes ..., B events ..., C envelopes ...":
      // "ID:" and "MS" are not integers.
      return Completed(inFlight: n.count > 0 ? n[0] : 0, readMeanwhile: n.count > 1 ? n[1] : 0, setAside: n.count > 2 ? n[2] : 0)
    }
  }

  func testCheckpointsCompleteWhileEventsAreInFlightAndSourcesKeepReading() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let job = try keyedJob(dir)
    let clean = try FlowBinary.run(["run", job.script, "--no-progress", "--parallelism", "1"], timeout: 300)
    XCTAssertEqual(clean.status, 0, clean.stderr)
    let expected = sortedLines(job.out)
    XCTAssertEqual(expected.count, 1000)
    try FileManager.default.removeItem(atPath: job.out)
    let r = try FlowBinary.run(["run", job.script, "--no-progress", "--no-optimize", "--parallelism", "2",
                                "--checkpoint-dir", dir.appendingPathComponent("ckp").path, "--checkpoint-interval", "10ms"],
                               env: ["FLOW_DEBUG_CHECKPOINTS": "1"], timeout: 300)
    XCTAssertEqual(r.status, 0, r.stderr)
    let done = completed(r.stderr)
    XCTAssertGreaterThanOrEqual(done.count, 2, r.stderr)
    // The sources went on reading between a trigger and its completion
    // (a drained checkpoint parks them), and envelopes were queued at the
    // trigger or held back by a task aligning the barrier.
    XCTAssertTrue(done.contains { $0.readMeanwhile > 0 }, r.stderr)
    XCTAssertTrue(done.contains { $0.inFlight > 0 || $0.setAside > 0 }, r.stderr)
    XCTAssertEqual(sortedLines(job.out), expected)
  }

  func testRestoringABarrierCheckpointGivesTheExactOutputAtAnyParallelism() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let job = try keyedJob(dir)
    let clean = try FlowBinary.run(["run", job.script, "--no-progress", "--parallelism", "1"], timeout: 300)
    XCTAssertEqual(clean.status, 0, clean.stderr)
    let expected = sortedLines(job.out)
    for (crashAfter, restoreAt) in [(1, 2), (3, 2), (2, 4), (2, 1)] {
      try? FileManager.default.removeItem(atPath: job.out)
      let ckp = dir.appendingPathComponent("ckp-\(crashAfter)-\(restoreAt)").path
      let first = try FlowBinary.run(["run", job.script, "--no-progress", "--no-optimize", "--parallelism", "2", "--checkpoint-dir", ckp, "--checkpoint-interval", "5ms"],
                                     env: ["FLOW_CRASH_AFTER_CHECKPOINTS": String(crashAfter), "FLOW_BATCH_SIZE": "256"], timeout: 300)
      XCTAssertEqual(first.status, 137, "the job ended before \(crashAfter) checkpoints: \(first.stderr)")
      let r = try FlowBinary.run(["run", job.script, "--no-progress", "--no-optimize", "--parallelism", String(restoreAt), "--checkpoint-dir", ckp, "--restore"], timeout: 300)
      XCTAssertEqual(r.status, 0, r.stderr)
      XCTAssertTrue(r.stderr.contains("restoring from"), r.stderr)
      XCTAssertEqual(sortedLines(job.out), expected, "crash after \(crashAfter) checkpoints, restore at parallelism \(restoreAt)")
    }
  }

  /// SIGTERM with `--savepoint-on-stop` at parallelism 2: the sources stop
  /// at the savepoint's barrier, and a restore finishes the job exactly.
  func testSavepointOnStopAtParallelismTwo() throws {
    guard let exe = FlowBinary.path else { throw XCTSkip("flow is not built") }
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out.jsonl").path
    func script(rate: Int) -> String {
      """
      nexmarkBids(events: 20000, rate: \(rate))
        |> keyBy(b => b.auction % 7)
        |> aggregate({ n: count(), top: max(b => b.price) })
        |> writeJsonl("\(out)")
      """
    }
    let fast = dir.appendingPathComponent("fast.flow").path, slow = dir.appendingPathComponent("slow.flow").path
    try script(rate: 0).write(toFile: fast, atomically: true, encoding: .utf8)
    try script(rate: 10000).write(toFile: slow, atomically: true, encoding: .utf8)
    XCTAssertEqual(try FlowBinary.run(["run", fast, "--no-progress"]).status, 0)
    let expected = sortedLines(out)
    try FileManager.default.removeItem(atPath: out)
    let ckp = dir.appendingPathComponent("ckp").path
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = ["run", slow, "--no-progress", "--parallelism", "2", "--checkpoint-dir", ckp, "--checkpoint-interval", "1h", "--savepoint-on-stop"]
    p.currentDirectoryURL = FlowBinary.root
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    usleep(700_000)
    XCTAssertTrue(p.isRunning, "the paced job ended too early")
    kill(p.processIdentifier, SIGTERM)
    p.waitUntilExit()
    // With a one-hour interval, the only checkpoint is the savepoint.
    let files = try FileManager.default.contentsOfDirectory(atPath: ckp).filter { $0.hasSuffix(".state") }
    XCTAssertEqual(files, ["chk-000001.state"])
    // Stopped before the end: the keyed aggregate emitted nothing yet.
    XCTAssertEqual(sortedLines(out), [])
    // A paced source's position is not split: restore on one thread.
    let r = try FlowBinary.run(["run", fast, "--no-progress", "--parallelism", "1", "--checkpoint-dir", ckp, "--restore"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(sortedLines(out), expected)
  }
}
