import Foundation
import XCTest
import FlowDriver

/// Golden plan files: `Tests/FlowIRTests/Golden/<name>.txt`. A missing file,
/// or `FLOW_RECORD=1`, writes the current plan and fails with "recorded new
/// baseline" so that a recording is never mistaken for a pass.
enum PlanSnapshot {
  static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

  /// The plan of `script` (optimized or not), without script positions.
  static func plan(_ script: String, optimize: Bool, explain: Bool = false) -> String {
    var d = PlanDriver()
    d.optimize = optimize
    d.explain = explain
    d.showLocations = false
    // Plans read only the checked script; data files are opened when run.
    switch d.plan(path: "test.flow", text: script) {
    case .success(let s): return s
    case .failure(let f): return "FAILED: " + f.message
    }
  }

  static func assert(_ actual: String, named name: String, file: StaticString = #filePath, line: UInt = #line) {
    let url = dir.appendingPathComponent(name + ".txt")
    let record = ProcessInfo.processInfo.environment["FLOW_RECORD"] == "1"
    guard !record, let expected = try? String(contentsOf: url, encoding: .utf8) else {
      try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      try? (actual + "\n").write(to: url, atomically: true, encoding: .utf8)
      XCTFail("recorded new baseline \(url.lastPathComponent); check it and run again", file: file, line: line)
      return
    }
    if expected != actual + "\n" {
      XCTFail("plan differs from \(url.lastPathComponent):\n--- expected\n\(expected)--- actual\n\(actual)\n(FLOW_RECORD=1 re-records)", file: file, line: line)
    }
  }

  /// Asserts the before and after plans of a rule test.
  static func assertRule(_ script: String, named name: String, file: StaticString = #filePath, line: UInt = #line) {
    assert(plan(script, optimize: false), named: name + ".before", file: file, line: line)
    assert(plan(script, optimize: true, explain: true), named: name + ".after", file: file, line: line)
  }
}
