import Foundation
import XCTest

/// `flow run --engine flink` against `flow run`: the translatable examples
/// run on both engines over the same input and print the same rows (in the
/// same order for `// ordered output` scripts, else as a multiset). Needs
/// PyFlink (`Scripts/install-flink.sh`); skipped without it. Refusals and
/// `flow compile` exit codes are checked without Flink.
final class FlinkEngineTests: XCTestCase {
  /// The examples that translate; each takes a Flink start-up (~40 s).
  static let examples = [
    "Examples/nexmark/q0.flow",
    "Examples/nexmark/q1.flow",
    "Examples/nexmark/q2.flow",
    "Examples/nexmark/q11.flow",
    "Examples/nexmark/q14.flow",
    "Examples/nexmark/q15.flow",
    "Examples/nexmark/q17.flow",
    "Examples/nexmark/q21.flow",
    "Examples/nexmark/q22.flow",
    "Examples/flink/interval_join.flow",
    "Examples/flink/window_join.flow",
    "Examples/cep/login_brute_force.flow",
    "Examples/cep/small_then_large.flow",
    "Examples/windows/tumbling_bids.flow",
    "Examples/windows/sliding_counts.flow",
  ]

  func pyflinkInstalled() -> Bool {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", "import pyflink"]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    guard (try? p.run()) != nil else { return false }
    p.waitUntilExit()
    return p.terminationStatus == 0
  }

  func lines(_ s: String) -> [String] { s.split(separator: "\n").map(String.init) }

  func testExamplesGiveTheSameResultsOnFlink() throws {
    guard pyflinkInstalled() else {
      throw XCTSkip("PyFlink is not installed (Scripts/install-flink.sh installs it)")
    }
    for script in Self.examples {
      let flow = try FlowBinary.run(["run", script, "--no-progress"], timeout: 120)
      XCTAssertEqual(flow.status, 0, "\(script) on flow: \(flow.stderr)")
      let flink = try FlowBinary.run(["run", "--engine", "flink", script], timeout: 600)
      XCTAssertEqual(flink.status, 0, "\(script) on flink: \(flink.stderr)")
      let source = try String(contentsOf: FlowBinary.root.appendingPathComponent(script), encoding: .utf8)
      var a = lines(flow.stdout), b = lines(flink.stdout)
      if !source.hasPrefix("// ordered output") {
        a.sort()
        b.sort()
      }
      XCTAssertFalse(a.isEmpty, "\(script) printed nothing")
      XCTAssertEqual(a.count, b.count, "\(script): \(a.count) rows on flow, \(b.count) on flink")
      if let i = (0..<min(a.count, b.count)).first(where: { a[$0] != b[$0] }) {
        XCTFail("\(script): row \(i + 1) differs:\n  flow:  \(a[i])\n  flink: \(b[i])")
      }
    }
  }

  func testCompileRefusalExitsOneWithTheLocation() throws {
    let r = try FlowBinary.run(["compile", "--target", "flink-sql", "Examples/nexmark/q4.flow"])
    XCTAssertEqual(r.status, 1)
    XCTAssertEqual(r.stdout, "")
    XCTAssertTrue(r.stderr.hasPrefix("Examples/nexmark/q4.flow:45:6: error: cannot compile 'process' to Flink SQL:"), r.stderr)
    // The same refusal stops `flow run --engine flink` before Flink starts.
    let run = try FlowBinary.run(["run", "--engine", "flink", "Examples/nexmark/q4.flow"])
    XCTAssertEqual(run.status, 1)
    XCTAssertEqual(run.stderr, r.stderr)
  }

  func testCompileWritesTheSQLFile() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("flow-flink-\(ProcessInfo.processInfo.processIdentifier).sql")
    defer { try? FileManager.default.removeItem(at: out) }
    let r = try FlowBinary.run(["compile", "--target", "flink-sql", "Examples/nexmark/q2.flow", "-o", out.path])
    XCTAssertEqual(r.status, 0, r.stderr)
    let sql = try String(contentsOf: out, encoding: .utf8)
    XCTAssertTrue(sql.contains("WHERE (MOD(`auction`, 123) = 0)"), sql)
    XCTAssertTrue(sql.contains("'connector' = 'print'"), sql)
  }

  /// The SQL Gateway client of Scripts/flink/run_sql.py against a stand-in
  /// gateway (Tests/flink/gateway_mock_test.py): sessions, statements,
  /// result pages, errors. Needs python3 only.
  func testGatewayClientAgainstAStandIn() throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "Tests/flink/gateway_mock_test.py"]
    p.currentDirectoryURL = FlowBinary.root
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    do { try p.run() } catch { throw XCTSkip("python3 is not installed") }
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    if p.terminationStatus == 127 { throw XCTSkip("python3 is not installed") }
    XCTAssertEqual(p.terminationStatus, 0, text)
    XCTAssertTrue(text.contains("gateway_mock_test: ok"), text)
  }

  func testUsageErrors() throws {
    XCTAssertEqual(try FlowBinary.run(["compile", "--target", "spark", "Examples/nexmark/q2.flow"]).status, 2)
    XCTAssertEqual(try FlowBinary.run(["compile", "no-such-file.flow"]).status, 2)
    XCTAssertEqual(try FlowBinary.run(["run", "--engine", "spark", "Examples/nexmark/q2.flow"]).status, 2)
    XCTAssertEqual(try FlowBinary.run(["run", "--flink-gateway", "http://localhost:8083", "Examples/nexmark/q2.flow"]).status, 2)
    let r = try FlowBinary.run(["run", "--engine", "flink", "--checkpoint-dir", "/tmp/x", "Examples/nexmark/q2.flow"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.contains("--checkpoint-dir applies to --engine flow only"), r.stderr)
  }
}
