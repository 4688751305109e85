import Foundation
import XCTest

/// The Nexmark benchmark suite (Benchmarks/nexmark/run.py) runs end to end
/// on a tiny event count with the flow binary under test: it generates the
/// data with export.flow, runs queries over the CSV files and the in-memory
/// generator at parallelism 1 and 2, and prints one table row per run. Only
/// the table's shape is checked (figures from a debug build mean nothing).
/// Skipped when python3 is not installed.
final class NexmarkSuiteTests: XCTestCase {
  func python3() throws -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/local/bin"
    guard let python = path.split(separator: ":").map({ "\($0)/python3" })
      .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
      throw XCTSkip("python3 is not installed")
    }
    return python
  }

  /// The comparison with Flink (normalize.py) on hand-made rows of both
  /// engines: equal rows in both formats compare equal, a changed row or an
  /// uncommitted Flink file does not.
  func testResultComparisonSelfTest() throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: try python3())
    p.arguments = ["normalize.py", "--self-test"]
    p.currentDirectoryURL = FlowBinary.root.appendingPathComponent("Benchmarks/nexmark")
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    XCTAssertEqual(p.terminationStatus, 0, text)
    XCTAssertTrue(text.contains("self-test passed"), text)
  }

  func testQuickSuiteRunsEndToEnd() throws {
    let python = try python3()
    guard let flow = FlowBinary.path else { throw XCTSkip("the flow binary is not built") }
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("flow-nexmark-suite-\(ProcessInfo.processInfo.processIdentifier)")
    defer { try? FileManager.default.removeItem(at: work) }

    let p = Process()
    p.executableURL = URL(fileURLWithPath: python)
    p.arguments = ["Benchmarks/nexmark/run.py", "--flow", flow, "--events", "1000", "--queries", "q0,q2,q3,q5",
                   "--parallelism", "1,2", "--work-dir", work.path, "--timeout", "120"]
    p.currentDirectoryURL = FlowBinary.root
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    // stderr is small (one progress line per run); read stdout to the end first.
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    XCTAssertEqual(p.terminationStatus, 0, "run.py failed:\n\(stdout)\n\(stderr)")

    let lines = stdout.split(separator: "\n").map(String.init)
    guard let header = lines.firstIndex(where: { $0.hasPrefix("query") }) else {
      return XCTFail("no table in the output:\n\(stdout)")
    }
    let columns = lines[header].split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    XCTAssertEqual(columns, "query engine input p events seconds start-up s events/s/core peak MiB result")
    let rows = lines[(header + 1)...].map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
    // q0, q2, q5 read only bids: CSV and generator rows at p1 and p2; q3
    // reads persons and auctions: CSV rows only.
    let expected: [(String, String, String)] = [
      ("q0", "csv", "1"), ("q0", "generator", "1"), ("q0", "csv", "2"), ("q0", "generator", "2"),
      ("q2", "csv", "1"), ("q2", "generator", "1"), ("q2", "csv", "2"), ("q2", "generator", "2"),
      ("q3", "csv", "1"), ("q3", "csv", "2"),
      ("q5", "csv", "1"), ("q5", "generator", "1"), ("q5", "csv", "2"), ("q5", "generator", "2"),
    ]
    XCTAssertEqual(rows.map { "\($0[0]) \($0[2]) \($0[3])" }, expected.map { "\($0.0) \($0.1) \($0.2)" }, stdout)
    for row in rows {
      XCTAssertEqual(row[1], "flow", stdout)
      // Nine columns: `result` is empty without --flink.
      XCTAssertEqual(row.count, 9, "not a measured row (failed run?): \(row)")
      guard row.count == 9 else { continue }
      // events: the bids in 1,000 Nexmark events (46 in 50), or q3's persons
      // and auctions (4 in 50).
      XCTAssertNotNil(Int(row[4]).flatMap { $0 > 0 ? $0 : nil }, "events: \(row)")
      XCTAssertNotNil(Double(row[5]), "seconds: \(row)")
      XCTAssertNotNil(Double(row[6]), "start-up: \(row)")
      XCTAssertNotNil(Int(row[8]).flatMap { $0 > 0 ? $0 : nil }, "peak MiB: \(row)")
    }
    // The CSV rows of q0 read every bid that export.flow wrote.
    let bidsFile = work.appendingPathComponent("data-1000/bids.csv")
    let bidLines = try String(contentsOf: bidsFile, encoding: .utf8).split(separator: "\n").count - 1
    XCTAssertEqual(rows.first.map { $0[4] }, String(bidLines))
  }
}
