import Foundation
import XCTest
import FlowSyntax
import FlowSema
import FlowDriver

/// The reference manual (`Language/*.md`) and the project README must stay
/// true to the implementation:
///
/// - every ```flow code block in them is a complete script that `flow check`
///   accepts (wrong examples belong in ```text blocks);
/// - every diagnostic code the lexer, parser and checker can report has its
///   `## CODE: title` section in `Language/diagnostics.md`;
/// - the copy of that file built into the binary (for `flow explain`) is up
///   to date, i.e. `Scripts/embed-stdlib.sh` was run after editing it.
final class LanguageDocsTests: XCTestCase {

  /// The repository root: three levels above this file
  /// (`Tests/FlowSemaTests/LanguageDocsTests.swift`).
  static let root: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()

  static func read(_ relative: String) -> String? {
    let url = root.appendingPathComponent(relative)
    guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
    return String(data: data, encoding: .utf8)
  }

  /// The Markdown files whose ```flow blocks are checked, relative to the root.
  static func documents() -> [String] {
    let dir = root.appendingPathComponent("Language")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    var docs = names.filter { $0.hasSuffix(".md") }.sorted().map { "Language/" + $0 }
    // The README may not exist yet, or have no Flow blocks.
    if read("README.md") != nil { docs.append("README.md") }
    return docs
  }

  /// The contents of the ```flow fenced blocks of a Markdown text, in order.
  /// A block starts at a line that is exactly ```flow (after indentation)
  /// and ends at the next line that is exactly ``` (after indentation).
  static func flowBlocks(_ markdown: String) -> [String] {
    var blocks: [String] = []
    var current: [Substring]? = nil
    var indent = 0
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.drop(while: { $0 == " " })
      if current == nil {
        if trimmed.trimmingCharacters(in: .whitespaces) == "```flow" {
          current = []
          indent = line.count - trimmed.count
        }
      } else if trimmed.trimmingCharacters(in: .whitespaces) == "```" {
        blocks.append(current!.joined(separator: "\n") + "\n")
        current = nil
      } else {
        // Blocks inside list items are indented; remove that indentation.
        var l = line
        var n = 0
        while n < indent, l.first == " " { l = l.dropFirst(); n += 1 }
        current!.append(l)
      }
    }
    return blocks
  }

  func testEveryFlowBlockTypeChecks() throws {
    var failures: [String] = []
    var checked = 0
    for doc in Self.documents() {
      guard let text = Self.read(doc) else { continue }
      for (i, block) in Self.flowBlocks(text).enumerated() {
        checked += 1
        let checker = Checker()
        let result = checker.check(path: "\(doc)#block\(i + 1)", text: block)
        let errors = result.diagnostics.filter { $0.severity == .error }
        guard !errors.isEmpty else { continue }
        let renderer = DiagnosticRenderer(sources: result.sources, color: false)
        let rendered = errors.map { renderer.render($0, format: .text) }.joined(separator: "\n")
        failures.append("\(doc), block \(i + 1):\n\(block)\n\(rendered)")
      }
    }
    XCTAssertGreaterThan(checked, 0, "no ```flow blocks found under \(Self.root.path)/Language")
    XCTAssert(failures.isEmpty, "\(failures.count) of \(checked) ```flow blocks do not type-check:\n\n" + failures.joined(separator: "\n\n"))
  }

  /// Every `"E0123"` string literal in the lexer, parser and checker sources
  /// (Flow and SQL).
  static func codesUsedInSources() -> Set<String> {
    let regex = try! NSRegularExpression(pattern: "\"(E[0-9]{4})\"")
    var codes = Set<String>()
    for dir in ["Sources/FlowSyntax", "Sources/FlowSema", "Sources/FlowSQL"] {
      let url = root.appendingPathComponent(dir)
      guard let e = FileManager.default.enumerator(atPath: url.path) else { continue }
      while let rel = e.nextObject() as? String {
        guard rel.hasSuffix(".swift"), let text = read("\(dir)/\(rel)") else { continue }
        let ns = text as NSString
        for m in regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
          codes.insert(ns.substring(with: m.range(at: 1)))
        }
      }
    }
    return codes
  }

  func testEveryDiagnosticCodeIsDocumented() throws {
    let doc = try XCTUnwrap(Self.read("Language/diagnostics.md"), "Language/diagnostics.md is missing")
    let headed = Set(doc.split(separator: "\n").compactMap { line -> String? in
      guard line.hasPrefix("## "), let colon = line.firstIndex(of: ":") else { return nil }
      return String(line[line.index(line.startIndex, offsetBy: 3)..<colon])
    })
    let used = Self.codesUsedInSources()
    XCTAssertFalse(used.isEmpty, "found no diagnostic codes under Sources/FlowSyntax and Sources/FlowSema")
    let missing = used.subtracting(headed).sorted()
    XCTAssert(missing.isEmpty, "Language/diagnostics.md has no `## CODE: title` section for: \(missing.joined(separator: ", "))")
  }

  func testEmbeddedDiagnosticsAreUpToDate() throws {
    let doc = try XCTUnwrap(Self.read("Language/diagnostics.md"), "Language/diagnostics.md is missing")
    // The script embeds the file with `cat` inside a multi-line string
    // literal, which drops the file's final line break.
    let expected = doc.hasSuffix("\n") ? String(doc.dropLast()) : doc
    XCTAssert(EmbeddedDocs.diagnostics == expected,
              "Sources/FlowDriver/EmbeddedDocs.swift is out of date: run ./Scripts/embed-stdlib.sh after editing Language/diagnostics.md")
  }
}
