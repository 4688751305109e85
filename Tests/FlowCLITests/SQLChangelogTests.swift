import Foundation
import XCTest

/// Changelogs (Language/sql.md, "Changelogs: updating results"):
/// - Tests/sql/changelog/*.sql print exactly the changes, in order, that
///   Tests/sql/changelog_reference.py computes (a model of Flink's streaming
///   semantics whose final rows are checked against DuckDB);
/// - with two subtasks the order of changes differs but, applied, they give
///   the same rows;
/// - an upsert file sink (PRIMARY KEY ... NOT ENFORCED) holds the final row
///   per key, also after a crash and a restore from a checkpoint.
final class SQLChangelogTests: XCTestCase {
  static let root = FlowBinary.root

  func lines(_ text: String) -> [String] {
    text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
  }

  func run(_ path: String, _ extra: [String]) throws -> [String] {
    let r = try FlowBinary.run(["run", path, "--no-progress"] + extra, timeout: 120)
    XCTAssertEqual(r.status, 0, "\(path) failed:\n\(r.stderr)")
    return lines(r.stdout)
  }

  func cases() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Tests/sql/changelog").path)
      .filter { $0.hasSuffix(".sql") }.sorted()
  }

  /// The rows left once the changes are applied (`+I[a, 1]` adds `a, 1`,
  /// `-U[a, 1]` and `-D[a, 1]` remove it), sorted.
  func applied(_ changes: [String]) -> [String] {
    var rows: [String: Int] = [:]
    for c in changes {
      guard c.count > 4, c.hasSuffix("]") else { XCTFail("not a change: \(c)"); continue }
      let kind = String(c.prefix(2)), row = String(c.dropFirst(3).dropLast())
      switch kind {
      case "+I", "+U": rows[row, default: 0] += 1
      case "-U", "-D":
        XCTAssertGreaterThan(rows[row, default: 0], 0, "retraction of a row not there: \(c)")
        rows[row, default: 0] -= 1
      default: XCTFail("unknown change kind: \(c)")
      }
    }
    return rows.flatMap { repeatElement($0.key, count: max(0, $0.value)) }.sorted()
  }

  func testChangelogsMatchTheReference() throws {
    let all = try cases()
    XCTAssertGreaterThanOrEqual(all.count, 7)
    for c in all {
      let expected = try String(contentsOf: Self.root.appendingPathComponent("Tests/sql/changelog/\(c.dropLast(4)).expected"), encoding: .utf8)
      let want = lines(expected)
      XCTAssertFalse(want.isEmpty, c)
      XCTAssertEqual(try run("Tests/sql/changelog/\(c)", ["--parallelism", "1"]), want, c)
      XCTAssertEqual(try run("Tests/sql/changelog/\(c)", ["--parallelism", "1", "--no-optimize"]), want, "\(c) --no-optimize")
    }
  }

  func testParallelChangelogsApplyToTheSameRows() throws {
    for c in try cases() {
      let expected = try String(contentsOf: Self.root.appendingPathComponent("Tests/sql/changelog/\(c.dropLast(4)).expected"), encoding: .utf8)
      XCTAssertEqual(applied(try run("Tests/sql/changelog/\(c)", ["--parallelism", "2"])), applied(lines(expected)), c)
    }
  }

  /// `Tests/sql/ttl/processing_time.sql` with the simulated clock: its
  /// `-- expect:` changes, in order, worked out by hand.
  func testProcessingTimeTTL() throws {
    let path = "Tests/sql/ttl/processing_time.sql"
    let text = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
    let want = lines(text).filter { $0.hasPrefix("-- expect: ") }.map { String($0.dropFirst("-- expect: ".count)) }
    XCTAssertEqual(want.count, 15)
    XCTAssertEqual(try run(path, ["--parallelism", "1", "--clock-step", "1s"]), want)
  }

  /// Batch mode (the default) on bounded input: an outer join gives its
  /// final rows, the changelog applied at the end.
  func testBatchOuterJoinGivesFinalRows() throws {
    let streaming = try String(contentsOf: Self.root.appendingPathComponent("Tests/sql/changelog/left_join.sql"), encoding: .utf8)
    let batch = streaming.replacingOccurrences(of: "SET 'execution.runtime-mode' = 'streaming';", with: "")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-changelog-batch-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("batch.sql")
    try batch.write(to: file, atomically: true, encoding: .utf8)
    let got = try FlowBinary.run(["run", file.path, "--no-progress", "--parallelism", "1"])
    XCTAssertEqual(got.status, 0, got.stderr)
    let expected = try String(contentsOf: Self.root.appendingPathComponent("Tests/sql/changelog/left_join.expected"), encoding: .utf8)
    // `{id: 1, customer: "alice", city: "Paris"}` against `1, alice, Paris`.
    let rows = lines(got.stdout).map { line -> String in
      line.dropFirst().dropLast().split(separator: ",").map { part -> String in
        let v = part.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return v.hasPrefix("\"") ? String(v.dropFirst().dropLast()) : v
      }.joined(separator: ", ")
    }
    XCTAssertEqual(rows.sorted(), applied(lines(expected)))
  }

  /// A left join feeding an aggregate, and an updating Top-N: their state
  /// (join rows per key and side, ranked partitions, retractable
  /// accumulators) is checkpointed and restored.
  func testJoinAndTopNStateRestoresFromACheckpoint() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-changelog-ck-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.removeItem(at: dir)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let bidsOut = dir.appendingPathComponent("bids.csv").path, topOut = dir.appendingPathComponent("top.csv").path
    let sql = """
      SET 'execution.runtime-mode' = 'streaming';
      CREATE TABLE auction (id BIGINT, seller BIGINT, category BIGINT)
      WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/auctions.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
      CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT)
      WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
      CREATE TABLE per_category (category BIGINT, bids BIGINT, auctions BIGINT, PRIMARY KEY (category) NOT ENFORCED)
      WITH ('connector' = 'filesystem', 'path' = '\(bidsOut)', 'format' = 'csv');
      CREATE TABLE top_bids (auction BIGINT, price BIGINT, rn BIGINT, PRIMARY KEY (auction, rn) NOT ENFORCED)
      WITH ('connector' = 'filesystem', 'path' = '\(topOut)', 'format' = 'json');
      INSERT INTO per_category
      SELECT A.category, COUNT(B.price), COUNT(DISTINCT A.id) FROM auction AS A LEFT JOIN bid AS B ON A.id = B.auction GROUP BY A.category;
      INSERT INTO top_bids
      SELECT auction, price, rn FROM (SELECT auction, price, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid) WHERE rn <= 3;
      """
    let file = dir.appendingPathComponent("job.sql")
    try sql.write(to: file, atomically: true, encoding: .utf8)
    let clean = try FlowBinary.run(["run", file.path, "--no-progress", "--parallelism", "1"])
    XCTAssertEqual(clean.status, 0, clean.stderr)
    let cleanBids = try String(contentsOfFile: bidsOut, encoding: .utf8), cleanTop = try String(contentsOfFile: topOut, encoding: .utf8)
    XCTAssertGreaterThan(lines(cleanBids).count, 2)
    XCTAssertGreaterThan(lines(cleanTop).count, 3)
    for p in [bidsOut, topOut] { try FileManager.default.removeItem(atPath: p) }
    let ck = dir.appendingPathComponent("ck").path
    let crashed = try FlowBinary.run(["run", file.path, "--no-progress", "--parallelism", "1", "--checkpoint-dir", ck, "--checkpoint-interval", "0ms"],
                                     env: ["FLOW_BATCH_SIZE": "100", "FLOW_CRASH_AFTER_EVENTS": "3000"])
    XCTAssertNotEqual(crashed.status, 0, "the job should have been killed")
    let restored = try FlowBinary.run(["run", file.path, "--no-progress", "--parallelism", "1", "--checkpoint-dir", ck, "--restore", "latest"],
                                      env: ["FLOW_BATCH_SIZE": "100"])
    XCTAssertEqual(restored.status, 0, restored.stderr)
    XCTAssertTrue(restored.stderr.contains("restoring from"), restored.stderr)
    XCTAssertEqual(try String(contentsOfFile: bidsOut, encoding: .utf8), cleanBids)
    XCTAssertEqual(try String(contentsOfFile: topOut, encoding: .utf8), cleanTop)
  }

  func testUpsertFileSinkRestoresFromACheckpoint() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-upsert-ck-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.removeItem(at: dir)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out.csv").path
    // Bids per auction, then how many auctions have each bid count (an
    // aggregate of an updating result), upserted by that count.
    let sql = """
      SET 'execution.runtime-mode' = 'streaming';
      CREATE TABLE bid (auction BIGINT, price BIGINT)
      WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
      CREATE TABLE spread (bids BIGINT, auctions BIGINT, top BIGINT, PRIMARY KEY (bids) NOT ENFORCED)
      WITH ('connector' = 'filesystem', 'path' = '\(out)', 'format' = 'csv');
      INSERT INTO spread
      SELECT n, COUNT(*), MAX(top) FROM (SELECT auction, COUNT(*) AS n, MAX(price) AS top FROM bid GROUP BY auction) GROUP BY n;
      """
    let file = dir.appendingPathComponent("job.sql")
    try sql.write(to: file, atomically: true, encoding: .utf8)
    let clean = try FlowBinary.run(["run", file.path, "--no-progress", "--parallelism", "1"])
    XCTAssertEqual(clean.status, 0, clean.stderr)
    let uninterrupted = try String(contentsOfFile: out, encoding: .utf8)
    XCTAssertGreaterThan(lines(uninterrupted).count, 2)
    XCTAssertEqual(lines(uninterrupted).first, "bids,auctions,top")
    // One row per key.
    let keys = lines(uninterrupted).dropFirst().map { $0.split(separator: ",")[0] }
    XCTAssertEqual(Set(keys).count, keys.count)
    try FileManager.default.removeItem(atPath: out)
    let ck = dir.appendingPathComponent("ck").path
    let crashed = try FlowBinary.run(["run", file.path, "--no-progress", "--parallelism", "1", "--checkpoint-dir", ck, "--checkpoint-interval", "0ms"],
                                     env: ["FLOW_BATCH_SIZE": "100", "FLOW_CRASH_AFTER_EVENTS": "2000"])
    XCTAssertNotEqual(crashed.status, 0, "the job should have been killed")
    // What a crash leaves is the table as of the last checkpoint: one row per key.
    if let partial = try? String(contentsOfFile: out, encoding: .utf8) {
      let pk = lines(partial).dropFirst().map { $0.split(separator: ",")[0] }
      XCTAssertEqual(Set(pk).count, pk.count)
    }
    let restored = try FlowBinary.run(["run", file.path, "--no-progress", "--parallelism", "1", "--checkpoint-dir", ck, "--restore", "latest"],
                                      env: ["FLOW_BATCH_SIZE": "100"])
    XCTAssertEqual(restored.status, 0, restored.stderr)
    XCTAssertTrue(restored.stderr.contains("restoring from"), restored.stderr)
    XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), uninterrupted)
  }
}
