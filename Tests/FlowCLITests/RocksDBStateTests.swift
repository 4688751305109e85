import Foundation
import XCTest

/// The RocksDB state backend (`flow run --state-backend rocksdb`): the same
/// results as the in-memory backend, incremental checkpoints (hard-linked
/// SST files shared between checkpoints, old ones removed), damaged files
/// detected, and clear errors for bad flags.
final class RocksDBStateTests: XCTestCase {
  /// Examples whose keyed state includes keyed aggregates or `process` state.
  static let keyedExamples = [
    "Examples/streaming/spikes.flow",
    "Tests/corpus/run/process_timers.flow",
    "Examples/wordcount.flow",
    "Examples/stats/anomalies.flow",
    "Examples/nexmark/q15.flow",
    "Examples/nexmark/q17.flow",
    "Examples/graph/karate.flow",
    "Examples/streaming/joins_and_iteration.flow",
    "Tests/corpus/run/keyed_running_vs_final.flow",
  ]

  func sortedLines(_ s: String) -> [String] { s.split(separator: "\n").map(String.init).sorted() }

  func testRocksDBGivesTheSameResultsAsMemoryOnKeyedExamples() throws {
    for script in Self.keyedExamples {
      // One thread: the order is defined (keys in first-seen order), so it must match exactly.
      let memory = try FlowBinary.run(["run", script, "--no-progress", "--parallelism", "1"])
      // A cache of 2 entries: most keys go to RocksDB and come back.
      let disk = try FlowBinary.run(["run", script, "--no-progress", "--parallelism", "1", "--state-backend", "rocksdb"], env: ["FLOW_STATE_CACHE": "2"])
      XCTAssertEqual(memory.status, 0, "\(script): \(memory.stderr)")
      XCTAssertEqual(disk.status, 0, "\(script): \(disk.stderr)")
      XCTAssertFalse(memory.stdout.isEmpty, script)
      XCTAssertEqual(disk.stdout, memory.stdout, script)
      // Two subtasks: the order between subtasks is not defined.
      let parallel = try FlowBinary.run(["run", script, "--no-progress", "--parallelism", "2", "--state-backend", "rocksdb"])
      XCTAssertEqual(parallel.status, 0, "\(script): \(parallel.stderr)")
      XCTAssertEqual(sortedLines(parallel.stdout), sortedLines(memory.stdout), script)
    }
  }

  func tempDir(_ name: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  /// A keyed job over many keys, crashed after `checkpoints` checkpoints.
  func crashedJob(_ dir: URL, checkpoints: Int) throws -> (script: String, ckp: String, expected: String) {
    let out = dir.appendingPathComponent("out.jsonl").path
    let script = dir.appendingPathComponent("keys.flow").path
    try """
      sequence(from: 1, to: 4000) |> keyBy(i => i % 500) |> aggregate({ n: count(), s: sum(i => i) }) |> writeJsonl("\(out)")
      """.write(toFile: script, atomically: true, encoding: .utf8)
    let clean = try FlowBinary.run(["run", script, "--no-progress", "--parallelism", "1"])
    XCTAssertEqual(clean.status, 0, clean.stderr)
    let expected = try String(contentsOfFile: out, encoding: .utf8)
    try FileManager.default.removeItem(atPath: out)
    let ckp = dir.appendingPathComponent("ckp").path
    let first = try FlowBinary.run(["run", script, "--no-progress", "--parallelism", "1", "--state-backend", "rocksdb", "--checkpoint-dir", ckp, "--checkpoint-interval", "0ms"],
                                   env: ["FLOW_BATCH_SIZE": "100", "FLOW_STATE_CACHE": "50", "FLOW_CRASH_AFTER_CHECKPOINTS": String(checkpoints)])
    XCTAssertEqual(first.status, 137, first.stderr)
    return (script, ckp, expected)
  }

  func restore(_ job: (script: String, ckp: String, expected: String), from: String? = nil) throws -> FlowRun {
    try FlowBinary.run(["run", job.script, "--no-progress", "--parallelism", "1", "--state-backend", "rocksdb", "--checkpoint-dir", job.ckp, "--restore"] + (from.map { [$0] } ?? []),
                       env: ["FLOW_BATCH_SIZE": "100"])
  }

  func testCheckpointsAreIncrementalAndOldOnesAreRemoved() throws {
    let dir = try tempDir("rocksdb-incremental")
    defer { try? FileManager.default.removeItem(at: dir) }
    let job = try crashedJob(dir, checkpoints: 12)
    let fm = FileManager.default
    let names = try fm.contentsOfDirectory(atPath: job.ckp).sorted()
    // The newest three checkpoints are kept, each with its RocksDB directory.
    XCTAssertEqual(names.filter { $0.hasSuffix(".state") }, ["chk-000010.state", "chk-000011.state", "chk-000012.state"], "\(names)")
    XCTAssertEqual(names.filter { $0.hasSuffix(".rocksdb") }, ["chk-000010.rocksdb", "chk-000011.rocksdb", "chk-000012.rocksdb"], "\(names)")
    // Incremental: the newest checkpoint's SST files include the very
    // files (hard links: same inode) of the checkpoint before, not copies.
    func sstInodes(_ chk: String) throws -> Set<UInt64> {
      var out = Set<UInt64>()
      let root = job.ckp + "/" + chk
      for op in try fm.contentsOfDirectory(atPath: root) {
        for f in try fm.contentsOfDirectory(atPath: root + "/" + op) where f.hasSuffix(".sst") {
          var st = stat()
          XCTAssertEqual(stat(root + "/" + op + "/" + f, &st), 0)
          out.insert(UInt64(st.st_ino))
        }
      }
      return out
    }
    let newer = try sstInodes("chk-000012.rocksdb"), older = try sstInodes("chk-000011.rocksdb")
    XCTAssertFalse(newer.isEmpty)
    XCTAssertFalse(newer.intersection(older).isEmpty, "no SST file is shared between consecutive checkpoints")
    let r = try restore(job)
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stderr.contains("restoring from \(job.ckp)/chk-000012.state"), r.stderr)
    XCTAssertEqual(try String(contentsOfFile: dir.appendingPathComponent("out.jsonl").path, encoding: .utf8), job.expected)
  }

  func testDamagedOrMissingRocksDBFilesFallBackWithAWarning() throws {
    let dir = try tempDir("rocksdb-damaged")
    defer { try? FileManager.default.removeItem(at: dir) }
    let job = try crashedJob(dir, checkpoints: 5)
    let fm = FileManager.default
    // Damage the newest checkpoint's newest SST file (written by it alone),
    // and remove a file of the one before.
    let newest = job.ckp + "/chk-000005.rocksdb"
    let op = try XCTUnwrap(try fm.contentsOfDirectory(atPath: newest).first)
    let sst = try XCTUnwrap(try fm.contentsOfDirectory(atPath: newest + "/" + op).filter { $0.hasSuffix(".sst") }.sorted().last)
    let path = newest + "/" + op + "/" + sst
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    bytes[bytes.count / 2] ^= 0xFF
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    try fm.removeItem(atPath: job.ckp + "/chk-000004.rocksdb/" + op + "/CURRENT")
    let r = try restore(job)
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stderr.contains("warning: skipping checkpoint chk-000005.state"), r.stderr)
    XCTAssertTrue(r.stderr.contains("does not match its checksum"), r.stderr)
    XCTAssertTrue(r.stderr.contains("warning: skipping checkpoint chk-000004.state"), r.stderr)
    XCTAssertTrue(r.stderr.contains("CURRENT' is missing"), r.stderr)
    XCTAssertTrue(r.stderr.contains("restoring from \(job.ckp)/chk-000003.state"), r.stderr)
    XCTAssertEqual(try String(contentsOfFile: dir.appendingPathComponent("out.jsonl").path, encoding: .utf8), job.expected)
  }

  func testARocksDBCheckpointNeedsTheRocksDBBackendToRestore() throws {
    let dir = try tempDir("rocksdb-memory")
    defer { try? FileManager.default.removeItem(at: dir) }
    let job = try crashedJob(dir, checkpoints: 2)
    let r = try FlowBinary.run(["run", job.script, "--no-progress", "--parallelism", "1", "--checkpoint-dir", job.ckp, "--restore"])
    XCTAssertEqual(r.status, 3, r.stderr)
    XCTAssertTrue(r.stderr.contains("restore with `--state-backend rocksdb`"), r.stderr)
  }

  func testAMemoryCheckpointRestoresIntoRocksDB() throws {
    let dir = try tempDir("memory-rocksdb")
    defer { try? FileManager.default.removeItem(at: dir) }
    let job = try crashedJob(dir, checkpoints: 1)
    // Replace the RocksDB checkpoints by in-memory ones.
    try FileManager.default.removeItem(atPath: job.ckp)
    let first = try FlowBinary.run(["run", job.script, "--no-progress", "--parallelism", "1", "--checkpoint-dir", job.ckp, "--checkpoint-interval", "0ms"],
                                   env: ["FLOW_BATCH_SIZE": "100", "FLOW_CRASH_AFTER_CHECKPOINTS": "7"])
    XCTAssertEqual(first.status, 137, first.stderr)
    let r = try restore(job)
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(try String(contentsOfFile: dir.appendingPathComponent("out.jsonl").path, encoding: .utf8), job.expected)
  }

  func testBadStateBackendFlags() throws {
    let bad = try FlowBinary.run(["run", "Examples/wordcount.flow", "--state-backend", "disk"])
    XCTAssertEqual(bad.status, 2)
    XCTAssertEqual(bad.stderr.trimmingCharacters(in: .whitespacesAndNewlines), "flow: error: --state-backend expects memory or rocksdb, found 'disk'")
    let dir = try FlowBinary.run(["run", "Examples/wordcount.flow", "--state-dir", "/tmp/x"])
    XCTAssertEqual(dir.status, 2)
    XCTAssertTrue(dir.stderr.contains("--state-dir needs --state-backend rocksdb"), dir.stderr)
  }

  func testAnExplicitStateDirectoryIsUsedAndLeftEmpty() throws {
    let dir = try tempDir("rocksdb-statedir")
    defer { try? FileManager.default.removeItem(at: dir) }
    let state = dir.appendingPathComponent("state").path
    let r = try FlowBinary.run(["run", "Examples/wordcount.flow", "--no-progress", "--parallelism", "1", "--state-backend", "rocksdb", "--state-dir", state])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(r.stdout, try String(contentsOf: FlowBinary.root.appendingPathComponent("Examples/wordcount.out"), encoding: .utf8))
    // The working databases are removed when the job ends.
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: state), [])
  }
}
