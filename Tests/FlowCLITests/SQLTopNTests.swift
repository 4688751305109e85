import Foundation
import XCTest

/// Top-N with the outer `WHERE rn <= N` pushed into the updating rank
/// (SQLTopNLimit.swift): `flow plan` shows the limit, and the changes are
/// exactly those of the same query whose bound cannot be pushed (an `OR`
/// hides it), on append-only input (where the rank keeps only N rows per
/// partition) and on a changelog input.
final class SQLTopNTests: XCTestCase {
  func output(_ sql: String, plan: Bool = false) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("flow-topn-\(ProcessInfo.processInfo.processIdentifier)-\(abs(sql.hashValue)).sql")
    try sql.write(to: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: path) }
    let r = try FlowBinary.run(plan ? ["plan", path.path] : ["run", path.path, "--no-progress", "--parallelism", "1"], timeout: 120)
    XCTAssertEqual(r.status, 0, r.stderr)
    return r.stdout
  }

  let prelude = """
    SET 'execution.runtime-mode' = 'streaming';
    CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP(3))
    WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');

    """

  /// The top 3 bids per auction (append-only input).
  func topBids(_ condition: String) -> String {
    prelude + """
      SELECT auction, price, bidder, rn FROM (
        SELECT auction, price, bidder, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid)
      WHERE \(condition);
      """
  }

  /// The 3 bidders with the most bids per channel (a changelog input).
  func topBidders(_ condition: String) -> String {
    prelude + """
      SELECT channel, bidder, n, rn FROM (
        SELECT channel, bidder, n, ROW_NUMBER() OVER (PARTITION BY channel ORDER BY n DESC) AS rn
        FROM (SELECT channel, bidder, COUNT(*) AS n FROM bid GROUP BY channel, bidder))
      WHERE \(condition);
      """
  }

  func testPlanShowsThePushedLimit() throws {
    XCTAssertTrue(try output(topBids("rn <= 3"), plan: true).contains("changelog rank (ROW_NUMBER) top 3 (keeps 3 rows per partition)"))
    XCTAssertTrue(try output(topBids("3 > rn AND auction > 0"), plan: true).contains("changelog rank (ROW_NUMBER) top 2 (keeps"))
    let updating = try output(topBidders("rn = 1"), plan: true)
    XCTAssertTrue(updating.contains("changelog rank (ROW_NUMBER) top 1"), updating)
    XCTAssertFalse(updating.contains("keeps"), "a changelog input may retract a top row: every row is kept\n\(updating)")
    XCTAssertFalse(try output(topBids("rn <= 3 OR rn < 0"), plan: true).contains(" top "))
  }

  func testPushedLimitGivesTheSameChanges() throws {
    let pushed = try output(topBids("rn <= 3"))
    XCTAssertGreaterThan(pushed.split(separator: "\n").count, 100)
    XCTAssertEqual(pushed, try output(topBids("rn <= 3 OR rn < 0")))
    let updating = try output(topBidders("rn <= 3"))
    XCTAssertTrue(updating.contains("-U["), "the input retracts")
    XCTAssertEqual(updating, try output(topBidders("rn <= 3 OR rn < 0")))
  }
}
