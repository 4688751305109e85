import Foundation
import XCTest

/// Every script in Examples/ runs with `flow run`, and its output equals the
/// `.out` file beside it (or, for the Nexmark queries, with the `.expected`
/// file an independent reference computed; see NexmarkQueryTests).
/// `FLOW_RECORD=1 swift test --filter ExamplesTests`
/// writes the `.out` files anew (review the diff before committing).
/// Scripts that only type-check today are listed in Examples/check-only.txt
/// with the reason; they must still pass `flow check`.
final class ExamplesTests: XCTestCase {
  static let examples = FlowBinary.root.appendingPathComponent("Examples")

  func scripts() -> [String] {
    let e = FileManager.default.enumerator(atPath: Self.examples.path)
    var out: [String] = []
    while let rel = e?.nextObject() as? String { if rel.hasSuffix(".flow") { out.append(rel) } }
    return out.sorted()
  }

  func checkOnly() -> [String: String] {
    guard let text = try? String(contentsOf: Self.examples.appendingPathComponent("check-only.txt"), encoding: .utf8) else { return [:] }
    var out: [String: String] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let parts = line.split(separator: ":", maxSplits: 1)
      if parts.count == 2 { out[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(in: .whitespaces) }
    }
    return out
  }

  func testEveryExampleChecks() throws {
    let r = try FlowBinary.run(["check", "Examples", "Stdlib"])
    XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
  }

  func testEveryExampleRunsAndMatchesItsExpectedOutput() throws {
    let record = ProcessInfo.processInfo.environment["FLOW_RECORD"] == "1"
    let skip = checkOnly()
    var ran = 0
    for rel in scripts() {
      if skip[rel] != nil { continue }
      let script = Self.examples.appendingPathComponent(rel)
      // Scripts with a `.expected` file (the Nexmark queries) are compared
      // with an independent reference by NexmarkQueryTests instead.
      if FileManager.default.fileExists(atPath: script.deletingPathExtension().appendingPathExtension("expected").path) { continue }
      let expected = script.deletingPathExtension().appendingPathExtension("out")
      let r = try FlowBinary.run(["run", "Examples/" + rel])
      XCTAssertEqual(r.status, 0, "\(rel) failed:\n\(r.stderr)")
      ran += 1
      if record {
        try r.stdout.write(to: expected, atomically: true, encoding: .utf8)
        continue
      }
      guard let want = try? String(contentsOf: expected, encoding: .utf8) else {
        XCTFail("\(rel) has no expected output \(expected.lastPathComponent); run with FLOW_RECORD=1 to record it, or list it in Examples/check-only.txt")
        continue
      }
      if r.stdout != want {
        XCTFail("\(rel): output differs from \(expected.lastPathComponent)\n--- expected\n\(want)\n--- actual\n\(r.stdout)")
      }
    }
    XCTAssertGreaterThan(ran, 5)
  }

  /// The optimizer never changes results: every example gives the same
  /// output with its rules switched off.
  /// (Scripts whose output depends on processing time name a simulated
  /// clock on an `// args:` line, see `scriptArguments`.)
  func testOptimizerOnAndOffGiveTheSameOutput() throws {
    let skip = checkOnly()
    for rel in scripts() where skip[rel] == nil {
      let args = scriptArguments(Self.examples.appendingPathComponent(rel))
      let on = try FlowBinary.run(["run", "Examples/" + rel] + args)
      let off = try FlowBinary.run(["run", "--no-optimize", "Examples/" + rel] + args)
      XCTAssertEqual(off.status, 0, "\(rel) --no-optimize failed:\n\(off.stderr)")
      XCTAssertEqual(on.stdout, off.stdout, "\(rel): output differs with the optimizer off")
    }
  }

  func testCheckOnlyListNamesRealScripts() {
    let all = Set(scripts())
    for (rel, reason) in checkOnly() {
      XCTAssertTrue(all.contains(rel), "check-only.txt names \(rel), which does not exist")
      XCTAssertFalse(reason.isEmpty)
    }
  }
}

/// The extra `flow run` arguments a script names on a line
/// `// args: --clock-step 10ms` at its top (empty if none).
func scriptArguments(_ script: URL) -> [String] {
  guard let text = try? String(contentsOf: script, encoding: .utf8) else { return [] }
  for line in text.split(separator: "\n") {
    guard line.hasPrefix("//") else { break }
    if line.hasPrefix("// args: ") { return line.dropFirst(9).split(separator: " ").map(String.init) }
  }
  return []
}
