import Foundation
import XCTest
import FlowSyntax
import FlowSema

/// The error corpus: deliberately wrong scripts under `Tests/corpus/errors/<kind>/`,
/// each stating the diagnostics `flow check` must report for it, and the valid
/// programs under `Tests/corpus/valid/`, which must check without any.
///
/// Expectations are comments in the script (see `Tests/corpus/errors/README.md`):
///
///     let x: Int = "a"          // error E0301 @14
///     f(a b)                    // error E0100 @5, error E0201 @1
///     r?.x                      // warning E0309 @4
///     // error-at 12:1 E0003                (a standalone line, for a position
///     //                                     that cannot hold a comment)
///     // error-at _lib/b.flow:3:1 E0403      (in another file, relative to this one)
///
/// `@N` is the 1-based column `flow check` prints. Each file must report
/// exactly its expected set of (file, line, column, severity, code): nothing
/// missing, nothing more. Files under a `_lib/` folder are helpers imported by
/// the cases; they are checked too, with their own expectations, but are not
/// counted as cases.
final class ErrorCorpusTests: XCTestCase {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let errorsDir = root.appendingPathComponent("Tests/corpus/errors")
  static let validDir = root.appendingPathComponent("Tests/corpus/valid")

  /// The kinds of mistake the corpus must cover, one folder each.
  static let requiredKinds = [
    "syntax", "lexical", "unknown-names", "field-typos", "type-mismatch", "stream-kind",
    "exhaustiveness", "imports", "cycles", "optionals", "calls", "sinks", "records",
    "generics", "modules",
  ]

  struct Expected: Hashable, Comparable, CustomStringConvertible {
    var file: String
    var line: Int
    var column: Int
    var severity: String
    var code: String

    static func < (a: Expected, b: Expected) -> Bool {
      (a.file, a.line, a.column, a.code) < (b.file, b.line, b.column, b.code)
    }

    func describe(relativeTo entry: String) -> String {
      let where_ = file == entry ? "" : ErrorCorpusTests.relative(file) + ":"
      return "\(where_)\(line):\(column) \(severity) \(code)"
    }

    var description: String { "\(ErrorCorpusTests.relative(file)):\(line):\(column) \(severity) \(code)" }
  }

  // MARK: - Files

  /// Every `.flow` file under `dir`, recursively, sorted.
  static func flowFiles(under dir: URL) -> [URL] {
    guard let e = FileManager.default.enumerator(atPath: dir.path) else { return [] }
    var out: [URL] = []
    while let rel = e.nextObject() as? String {
      if rel.hasSuffix(".flow") { out.append(dir.appendingPathComponent(rel).standardizedFileURL) }
    }
    return out.sorted { $0.path < $1.path }
  }

  static func isHelper(_ url: URL) -> Bool { url.pathComponents.contains("_lib") }

  /// A path in one spelling: absolute, without `..`, symbolic links resolved.
  static func canonical(_ url: URL) -> String { url.standardizedFileURL.resolvingSymlinksInPath().path }

  static func relative(_ path: String) -> String {
    for base in [canonical(root), root.standardizedFileURL.path] {
      let r = base + "/"
      if path.hasPrefix(r) { return String(path.dropFirst(r.count)) }
    }
    return path
  }

  // MARK: - Expectations

  /// The expectations written in `url`, and the numbers of lines whose
  /// expectation comment could not be read.
  static func expectations(in url: URL) throws -> (expected: Set<Expected>, malformed: [Int]) {
    let text = try String(contentsOf: url, encoding: .utf8)
    let path = canonical(url)
    let dir = url.deletingLastPathComponent()
    var out = Set<Expected>()
    var malformed: [Int] = []
    for (i, line) in text.components(separatedBy: "\n").enumerated() {
      let lineNo = i + 1
      guard let r = line.range(of: "//", options: .backwards) else { continue }
      let comment = line[r.upperBound...].trimmingCharacters(in: .whitespaces)
      let words = comment.split(separator: " ", omittingEmptySubsequences: true)
      guard let first = words.first else { continue }
      switch first {
      case "error-at", "warning-at":
        // `// error-at [path:]LINE:COL CODE`, on a line of its own.
        guard line.trimmingCharacters(in: .whitespaces).hasPrefix("//"), words.count == 3,
              let e = parseStandalone(severity: first == "error-at" ? "error" : "warning", location: String(words[1]), code: String(words[2]), file: path, dir: dir),
              out.insert(e).inserted  // the same expectation twice is a mistake too
        else { malformed.append(lineNo); continue }
      case "error", "warning":
        // `// error E0213 @20, error E0301 @5` after the code on the line.
        var ok = true
        for item in comment.split(separator: ",") {
          let w = item.split(separator: " ", omittingEmptySubsequences: true)
          guard w.count == 3, w[0] == "error" || w[0] == "warning", isCode(w[1]), w[2].hasPrefix("@"), let col = Int(w[2].dropFirst()), col > 0 else {
            ok = false
            break
          }
          guard out.insert(Expected(file: path, line: lineNo, column: col, severity: String(w[0]), code: String(w[1]))).inserted else {
            ok = false
            break
          }
        }
        if !ok { malformed.append(lineNo) }
      default:
        continue
      }
    }
    return (out, malformed)
  }

  static func isCode<S: StringProtocol>(_ s: S) -> Bool {
    s.count == 5 && s.hasPrefix("E") && s.dropFirst().allSatisfy(\.isNumber)
  }

  static func parseStandalone(severity: String, location: String, code: String, file: String, dir: URL) -> Expected? {
    guard isCode(code) else { return nil }
    let parts = location.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count >= 2, let line = Int(parts[parts.count - 2]), let col = Int(parts[parts.count - 1]), line > 0, col > 0 else { return nil }
    var target = file
    if parts.count > 2 {
      let rel = parts[0..<(parts.count - 2)].joined(separator: ":")
      target = canonical(URL(fileURLWithPath: rel, relativeTo: dir))
    }
    return Expected(file: target, line: line, column: col, severity: severity, code: code)
  }

  // MARK: - Checking

  /// What the checker reports for `url`, with each diagnostic's message.
  static func diagnostics(for url: URL) -> (found: Set<Expected>, messages: [Expected: String]) {
    let result = Checker().check(path: url.standardizedFileURL.path)
    var found = Set<Expected>()
    var messages: [Expected: String] = [:]
    for d in result.diagnostics {
      var e = Expected(file: "<no file>", line: 0, column: 0, severity: d.severity.rawValue, code: d.code)
      if let f = result.sources.file(d.span.fileID) {
        let loc = f.location(of: d.span.start)
        e.file = canonical(URL(fileURLWithPath: f.path))
        e.line = loc.line
        e.column = loc.column
      }
      found.insert(e)
      messages[e] = d.message + (d.label.map { " (\($0))" } ?? "")
    }
    return (found, messages)
  }

  /// Compares what `url` expects with what the checker reports; nil when equal.
  static func mismatch(for url: URL) -> String? {
    let entry = canonical(url)
    let expected: Set<Expected>
    let malformed: [Int]
    do {
      (expected, malformed) = try expectations(in: url)
    } catch {
      return "\(relative(entry)): cannot read: \(error)"
    }
    let (found, messages) = diagnostics(for: url)
    let missing = expected.subtracting(found).sorted()
    let unexpected = found.subtracting(expected).sorted()
    if malformed.isEmpty && missing.isEmpty && unexpected.isEmpty { return nil }
    var lines = ["\(relative(entry)):"]
    if !malformed.isEmpty {
      lines.append("  malformed expectation comment on line \(malformed.map(String.init).joined(separator: ", ")) (write `// error E0213 @20` or `// error-at 3:1 E0003`)")
    }
    for m in missing { lines.append("  missing:    \(m.describe(relativeTo: entry))") }
    for u in unexpected { lines.append("  unexpected: \(u.describe(relativeTo: entry))  \(messages[u] ?? "")") }
    return lines.joined(separator: "\n")
  }

  // MARK: - Tests

  func testCorpusHasEnoughCasesOfEveryKind() throws {
    let files = Self.flowFiles(under: Self.errorsDir)
    let cases = files.filter { !Self.isHelper($0) }
    XCTAssertGreaterThanOrEqual(cases.count, 60, "the error corpus needs at least 60 scripts; found \(cases.count)")
    for kind in Self.requiredKinds {
      let n = cases.filter { $0.deletingLastPathComponent().lastPathComponent == kind }.count
      XCTAssertGreaterThan(n, 0, "no scripts in Tests/corpus/errors/\(kind)/")
    }
    var withSeveral = 0
    for c in cases {
      let (expected, _) = try Self.expectations(in: c)
      XCTAssertFalse(expected.isEmpty, "\(Self.relative(c.path)) expects no diagnostics; a corpus script must be wrong (valid programs go in Tests/corpus/valid/)")
      if expected.filter({ $0.severity == "error" }).count >= 2 { withSeveral += 1 }
    }
    // Several errors in one file must all be reported: many scripts have more than one.
    XCTAssertGreaterThanOrEqual(withSeveral, cases.count / 2, "most corpus scripts should have several errors")
  }

  func testEveryScriptReportsExactlyItsExpectedDiagnostics() {
    let files = Self.flowFiles(under: Self.errorsDir)
    XCTAssertFalse(files.isEmpty, "no .flow files under \(Self.errorsDir.path)")
    var failures: [String] = []
    for f in files {
      if let m = Self.mismatch(for: f) { failures.append(m) }
    }
    if !failures.isEmpty {
      XCTFail("\(failures.count) of \(files.count) corpus scripts differ from their expectations:\n" + failures.joined(separator: "\n"))
    }
  }

  func testValidProgramsCheckWithoutDiagnostics() {
    let files = Self.flowFiles(under: Self.validDir)
    XCTAssertGreaterThanOrEqual(files.filter { !Self.isHelper($0) }.count, 10, "Tests/corpus/valid/ needs at least 10 programs")
    for f in files {
      let (found, messages) = Self.diagnostics(for: f)
      if !found.isEmpty {
        XCTFail("\(Self.relative(f.path)) should check cleanly, but:\n" + found.sorted().map { "  \($0)  \(messages[$0] ?? "")" }.joined(separator: "\n"))
      }
    }
  }

  /// The expectation syntax itself, so that a broken reader cannot make
  /// every script pass vacuously.
  func testExpectationReader() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-corpus-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("t.flow")
    try """
      let a = "http://x"          // error E0301 @9, warning E0309 @3
      // error-at 4:1 E0003
      // error-at ../other.flow:2:7 E0403
      let b = 1                   // error E13 @x
      // errors in prose are not expectations
      // error-at 4:1 E0003
      """.write(to: url, atomically: true, encoding: .utf8)
    let (e, malformed) = try Self.expectations(in: url)
    let p = Self.canonical(url)
    let other = Self.canonical(dir.deletingLastPathComponent().appendingPathComponent("other.flow"))
    XCTAssertEqual(e, [
      Expected(file: p, line: 1, column: 9, severity: "error", code: "E0301"),
      Expected(file: p, line: 1, column: 3, severity: "warning", code: "E0309"),
      Expected(file: p, line: 4, column: 1, severity: "error", code: "E0003"),
      Expected(file: other, line: 2, column: 7, severity: "error", code: "E0403"),
    ])
    XCTAssertEqual(malformed, [4, 6], "a malformed comment and a repeated expectation")
  }
}
