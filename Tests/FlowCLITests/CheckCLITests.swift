import Foundation
import XCTest

/// `flow check` and `flow explain` as a user runs them: exit codes, the
/// summary line, and the text, JSON and GitHub output formats. The scripts
/// come from the error corpus (Tests/corpus/errors, see ErrorCorpusTests),
/// whose inline expectations say how many diagnostics each one has.
final class CheckCLITests: XCTestCase {
  static let corpus = FlowBinary.root.appendingPathComponent("Tests/corpus/errors")

  /// How many errors and warnings the corpus scripts under `dir` expect,
  /// counted from their `// error ...` / `// error-at ...` comments (each
  /// file's own expectations, as `flow check` checks every file on its own).
  static func expectedCounts(under dir: URL) -> (files: Int, errors: Int, warnings: Int) {
    var files = 0, errors = 0, warnings = 0
    let e = FileManager.default.enumerator(atPath: dir.path)
    while let rel = e?.nextObject() as? String {
      guard rel.hasSuffix(".flow"), let text = try? String(contentsOf: dir.appendingPathComponent(rel), encoding: .utf8) else { continue }
      files += 1
      for line in text.components(separatedBy: "\n") {
        guard let r = line.range(of: "//", options: .backwards) else { continue }
        let comment = line[r.upperBound...].trimmingCharacters(in: .whitespaces)
        if comment.hasPrefix("error-at ") { errors += 1; continue }
        if comment.hasPrefix("warning-at ") { warnings += 1; continue }
        guard comment.hasPrefix("error ") || comment.hasPrefix("warning ") else { continue }
        for item in comment.split(separator: ",") {
          let w = item.trimmingCharacters(in: .whitespaces)
          if w.hasPrefix("error ") { errors += 1 } else if w.hasPrefix("warning ") { warnings += 1 }
        }
      }
    }
    return (files, errors, warnings)
  }

  /// The (line, column, code) triples a single corpus script expects in itself.
  static func expectedLocations(in file: URL) throws -> Set<String> {
    var out = Set<String>()
    for (i, line) in try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n").enumerated() {
      guard let r = line.range(of: "//", options: .backwards) else { continue }
      let comment = line[r.upperBound...].trimmingCharacters(in: .whitespaces)
      guard comment.hasPrefix("error ") || comment.hasPrefix("warning ") else { continue }
      for item in comment.split(separator: ",") {
        let w = item.split(separator: " ")
        if w.count == 3 { out.insert("\(i + 1):\(w[2].dropFirst()):\(w[1])") }
      }
    }
    return out
  }

  func lines(_ s: String) -> [String] { s.split(separator: "\n").map(String.init) }

  // MARK: - Exit codes and the summary

  func testCleanFileExitsZero() throws {
    let r = try FlowBinary.run(["check", "Tests/corpus/valid/generics.flow"])
    XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    XCTAssertEqual(r.stdout, "", "a clean file prints no diagnostics")
    XCTAssertEqual(lines(r.stderr).last, "checked 1 file: no errors")
  }

  func testErrorCorpusExitsOneWithTheTotalOnTheSummaryLine() throws {
    let want = Self.expectedCounts(under: Self.corpus)
    XCTAssertGreaterThanOrEqual(want.files, 60)
    let r = try FlowBinary.run(["check", "Tests/corpus/errors"])
    XCTAssertEqual(r.status, 1, r.stderr)
    let summary = "checked \(want.files) files: \(want.errors) errors" + (want.warnings > 0 ? ", \(want.warnings) warning\(want.warnings == 1 ? "" : "s")" : "")
    XCTAssertEqual(lines(r.stderr).last, summary)
    // Text diagnostics go to stdout, one header line `path:line:col: error[CODE]: ...` each.
    let headers = lines(r.stdout).filter { $0.range(of: #"^\S+\.flow:\d+:\d+: (error|warning)\[E\d{4}\]: "#, options: .regularExpression) != nil }
    XCTAssertEqual(headers.count, want.errors + want.warnings)
  }

  func testMissingPathExitsTwoWithAOneLineMessage() throws {
    let r = try FlowBinary.run(["check", "no/such/script.flow"])
    XCTAssertEqual(r.status, 2, r.stderr)
    XCTAssertEqual(r.stdout, "")
    XCTAssertEqual(lines(r.stderr).first, "flow: error: no such file or folder: no/such/script.flow")
  }

  func testMissingPathStillChecksTheOtherPaths() throws {
    let r = try FlowBinary.run(["check", "--format", "json", "no/such/script.flow", "Tests/corpus/errors/sinks/pipeline-without-sink.flow"])
    XCTAssertEqual(r.status, 2, "a missing path wins over errors (exit 2)")
    XCTAssertEqual(lines(r.stdout).count, 2, "the existing file is still checked: \(r.stdout)")
  }

  func testUnknownFlagExitsTwo() throws {
    let r = try FlowBinary.run(["check", "--frobnicate", "Tests/corpus/valid/generics.flow"])
    XCTAssertEqual(r.status, 2, r.stderr)
    XCTAssertEqual(r.stdout, "")
    let first = lines(r.stderr).first ?? ""
    XCTAssertTrue(first.contains("--frobnicate"), "the first line names the unknown flag: \(r.stderr)")
  }

  func testUnknownFormatExitsTwo() throws {
    let r = try FlowBinary.run(["check", "--format", "xml", "Tests/corpus/valid/generics.flow"])
    XCTAssertEqual(r.status, 2, r.stderr)
    XCTAssertTrue((lines(r.stderr).first ?? "").contains("xml"), r.stderr)
  }

  // MARK: - Formats

  func testJSONFormatPrintsOneObjectPerDiagnostic() throws {
    let script = Self.corpus.appendingPathComponent("field-typos/typo-in-filter-and-key.flow")
    let r = try FlowBinary.run(["check", "--format", "json", "Tests/corpus/errors/field-typos/typo-in-filter-and-key.flow"])
    XCTAssertEqual(r.status, 1, r.stderr)
    var found = Set<String>()
    for line in lines(r.stdout) {
      let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      guard let o = obj else { XCTFail("not a JSON object: \(line)"); continue }
      XCTAssertEqual(o["file"] as? String, "Tests/corpus/errors/field-typos/typo-in-filter-and-key.flow")
      guard let l = o["line"] as? Int, let c = o["column"] as? Int, let code = o["code"] as? String else {
        XCTFail("line, column and code missing or mistyped: \(line)")
        continue
      }
      XCTAssertNotNil(code.range(of: #"^E\d{4}$"#, options: .regularExpression), code)
      XCTAssertFalse((o["message"] as? String ?? "").isEmpty, line)
      XCTAssertEqual(o["severity"] as? String, "error")
      found.insert("\(l):\(c):\(code)")
    }
    XCTAssertEqual(found, try Self.expectedLocations(in: script))
  }

  func testJSONFormatHandlesEveryCorpusScript() throws {
    // Every line of the whole corpus is a JSON object (quotes, backslashes
    // and non-ASCII in messages are escaped).
    let want = Self.expectedCounts(under: Self.corpus)
    let r = try FlowBinary.run(["check", "--format", "json", "Tests/corpus/errors"])
    XCTAssertEqual(r.status, 1)
    let all = lines(r.stdout)
    XCTAssertEqual(all.count, want.errors + want.warnings)
    for line in all {
      let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      XCTAssertNotNil(o, "not a JSON object: \(line)")
      for key in ["file", "line", "column", "code", "message"] { XCTAssertNotNil(o?[key], "\(key) missing: \(line)") }
    }
  }

  func testGitHubFormatPrintsAnnotations() throws {
    let path = "Tests/corpus/errors/calls/missing-arguments.flow"
    let r = try FlowBinary.run(["check", "--format", "github", path])
    XCTAssertEqual(r.status, 1, r.stderr)
    let all = lines(r.stdout)
    XCTAssertEqual(all.count, try Self.expectedLocations(in: FlowBinary.root.appendingPathComponent(path)).count)
    for line in all {
      XCTAssertTrue(line.hasPrefix("::error file=\(path),line="), line)
      XCTAssertNotNil(line.range(of: #",line=\d+,col=\d+,.*title=E\d{4}::"#, options: .regularExpression), line)
    }
  }

  // MARK: - explain

  func testExplainPrintsTheSectionOfAKnownCode() throws {
    let r = try FlowBinary.run(["explain", "E0213"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.hasPrefix("## E0213"), r.stdout)
    XCTAssertGreaterThan(lines(r.stdout).count, 1, "the section has a body")
  }

  func testExplainOfAnUnknownCodeExitsTwo() throws {
    let r = try FlowBinary.run(["explain", "E9999"])
    XCTAssertEqual(r.status, 2)
    XCTAssertEqual(r.stdout, "")
    XCTAssertEqual(lines(r.stderr).count, 1, r.stderr)
    XCTAssertTrue(r.stderr.contains("E9999"), r.stderr)
  }
}
