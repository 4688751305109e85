import Foundation
import XCTest

/// Runs every script in Tests/corpus/run with `flow run` and checks its
/// inline expectations:
///   `// expect: LINE`          the next line of standard output
///   `// expect-exit: N`        the exit code (default 0)
///   `// expect-stderr: TEXT`   standard error contains TEXT
///   `// expect-file: PATH contains TEXT`
///   `// expect-same-lines: PATH1 PATH2` the files hold the same lines, in any order
///   `// args: ...`             extra arguments after `run FILE`
///   `// stdin: TEXT`           standard input, with \n for line breaks
final class RunCorpusTests: XCTestCase {
  static let dir = FlowBinary.root.appendingPathComponent("Tests/corpus/run")

  func testRunCorpus() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.dir.path).filter { $0.hasSuffix(".flow") }.sorted()
    XCTAssertGreaterThan(files.count, 10)
    for name in files {
      let text = try String(contentsOf: Self.dir.appendingPathComponent(name), encoding: .utf8)
      var expected: [String] = []
      var exit: Int32 = 0
      var stderrParts: [String] = []
      var fileChecks: [(String, String)] = []
      var args: [String] = []
      var sameLines: [(String, String)] = []
      var stdin: String? = nil
      for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let l = line.trimmingCharacters(in: .whitespaces)
        func value(_ prefix: String) -> String? { l.hasPrefix(prefix) ? String(l.dropFirst(prefix.count)) : nil }
        if let v = value("// expect: ") { expected.append(v) }
        if let v = value("// expect-exit: ") { exit = Int32(v) ?? -1 }
        if let v = value("// expect-stderr: ") { stderrParts.append(v) }
        if let v = value("// args: ") { args = v.split(separator: " ").map(String.init) }
        if let v = value("// stdin: ") { stdin = v.replacingOccurrences(of: "\\n", with: "\n") }
        if let v = value("// expect-same-lines: ") {
          let parts = v.split(separator: " ").map(String.init)
          if parts.count == 2 { sameLines.append((parts[0], parts[1])) }
        }
        if let v = value("// expect-file: "), let r = v.range(of: " contains ") {
          fileChecks.append((String(v[..<r.lowerBound]), String(v[r.upperBound...])))
        }
      }
      for (path, _) in fileChecks { try? FileManager.default.removeItem(atPath: path) }
      let r = try FlowBinary.run(["run", "Tests/corpus/run/" + name, "--no-progress"] + args, stdin: stdin)
      let out = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
      XCTAssertEqual(out, expected, "\(name): standard output\n\(r.stderr)")
      XCTAssertEqual(r.status, exit, "\(name): exit code; stderr:\n\(r.stderr)")
      for part in stderrParts {
        XCTAssertTrue(r.stderr.contains(part), "\(name): stderr lacks '\(part)':\n\(r.stderr)")
      }
      for (a, b) in sameLines {
        let x = ((try? String(contentsOfFile: a, encoding: .utf8)) ?? "").split(separator: "\n").sorted()
        let y = ((try? String(contentsOfFile: b, encoding: .utf8)) ?? "").split(separator: "\n").sorted()
        XCTAssertFalse(x.isEmpty, "\(name): \(a) is empty")
        XCTAssertEqual(x, y, "\(name): \(a) and \(b) differ")
      }
      for (path, part) in fileChecks {
        let content = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        XCTAssertTrue(content.contains(part), "\(name): \(path) lacks '\(part)':\n\(content)")
      }
    }
  }
}
