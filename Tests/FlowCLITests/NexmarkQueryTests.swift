import Foundation
import XCTest

/// The Nexmark queries in Examples/nexmark: each `qN.flow` runs on the
/// committed input (Examples/nexmark/data) and its output equals
/// `qN.expected`, which Tests/nexmark/reference.py computes independently.
/// Lines are compared as a multiset (sorted) unless the script's first line
/// is `// ordered output`.
final class NexmarkQueryTests: XCTestCase {
  static let dir = FlowBinary.root.appendingPathComponent("Examples/nexmark")

  func queries() throws -> [String] {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.dir.path)
    return names.filter { $0.hasPrefix("q") && $0.hasSuffix(".flow") }
      .sorted { Int($0.dropFirst().dropLast(5)) ?? 0 < Int($1.dropFirst().dropLast(5)) ?? 0 }
  }

  func lines(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
  }

  func testEveryQueryMatchesTheReference() throws {
    let scripts = try queries()
    XCTAssertGreaterThanOrEqual(scripts.count, 19, "expected q0-q8, q11, q12, q14, q15, q17-q22 in \(Self.dir.path)")
    for name in scripts {
      let script = Self.dir.appendingPathComponent(name)
      let expectedURL = script.deletingPathExtension().appendingPathExtension("expected")
      guard let expected = try? String(contentsOf: expectedURL, encoding: .utf8) else {
        XCTFail("\(name) has no \(expectedURL.lastPathComponent); run python3 Tests/nexmark/reference.py")
        continue
      }
      let source = try String(contentsOf: script, encoding: .utf8)
      let ordered = source.hasPrefix("// ordered output")
      // q12 (processing time) names a simulated clock on its `// args:` line.
      let r = try FlowBinary.run(["run", "Examples/nexmark/" + name, "--no-progress"] + scriptArguments(script), timeout: 120)
      XCTAssertEqual(r.status, 0, "\(name) failed:\n\(r.stderr)")
      var got = lines(r.stdout), want = lines(expected)
      if !ordered {
        got.sort()
        want.sort()
      }
      if got != want {
        let diff = difference(got, want)
        XCTFail("\(name): \(got.count) lines, expected \(want.count)\(ordered ? "" : " (compared sorted)"); first differences:\n\(diff)")
      }
    }
  }

  /// The committed input is what export.flow generates.
  func testExportReproducesTheCommittedData() throws {
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("flow-nexmark-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: tmp) }
    let r = try FlowBinary.run(["run", "Examples/nexmark/export.flow", "--no-progress", "--set", "dataDir=\(tmp.path)"], timeout: 120)
    XCTAssertEqual(r.status, 0, r.stderr)
    for file in ["persons.csv", "auctions.csv", "bids.csv"] {
      let made = try Data(contentsOf: tmp.appendingPathComponent(file))
      let committed = try Data(contentsOf: Self.dir.appendingPathComponent("data").appendingPathComponent(file))
      XCTAssertTrue(made == committed, "\(file): export.flow now writes something else than Examples/nexmark/data/\(file)")
    }
  }

  /// The committed `.expected` files are what the reference computes now.
  func testReferenceAgreesWithTheExpectedFiles() throws {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/local/bin"
    guard let python = path.split(separator: ":").map({ "\($0)/python3" })
      .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
      throw XCTSkip("python3 is not installed")
    }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: python)
    p.arguments = ["Tests/nexmark/reference.py", "--check"]
    p.currentDirectoryURL = FlowBinary.root
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    XCTAssertEqual(p.terminationStatus, 0, "reference.py --check:\n\(text)")
  }

  /// Up to five lines only in one of the two lists (both sorted or both in order).
  func difference(_ got: [String], _ want: [String]) -> String {
    var out: [String] = []
    let g = Set(got), w = Set(want)
    for l in want where !g.contains(l) {
      out.append("- " + String(l.prefix(300)))
      if out.count >= 5 { break }
    }
    for l in got where !w.contains(l) {
      out.append("+ " + String(l.prefix(300)))
      if out.count >= 10 { break }
    }
    if out.isEmpty {
      // Same lines, different order or multiplicity.
      if let i = (0..<min(got.count, want.count)).first(where: { got[$0] != want[$0] }) {
        out.append("line \(i + 1):\n- \(want[i].prefix(300))\n+ \(got[i].prefix(300))")
      }
    }
    return out.joined(separator: "\n")
  }
}
