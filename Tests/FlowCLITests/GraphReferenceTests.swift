import Foundation
import XCTest

/// std.graph against networkx: runs each script of Tests/graph on each graph
/// of Examples/graph/data and compares its `algorithm,vertex...,value` lines
/// with the expected files Tests/graph/reference.py wrote. PageRank and HITS
/// must agree to 1e-6, clustering and similarity to 1e-9, components,
/// distances, degrees, triangle counts and labels exactly; a line missing on
/// either side fails. The streaming components (union-find over the edge
/// stream) must end equal to the batch components.
final class GraphReferenceTests: XCTestCase {
  static let tolerance: [String: Double] = [
    "pagerank": 1e-6, "hub": 1e-6, "authority": 1e-6,
    "clustering": 1e-9, "jaccard": 1e-9, "adamicadar": 1e-9,
  ]

  func parse(_ text: String) -> [String: String] {
    var out: [String: String] = [:]
    for line in text.split(separator: "\n") {
      guard let comma = line.lastIndex(of: ",") else { continue }
      out[String(line[..<comma])] = String(line[line.index(after: comma)...])
    }
    return out
  }

  func check(_ script: String, _ graph: String) throws {
    let r = try FlowBinary.run(["run", "Tests/graph/\(script).flow", "--no-progress", "--set", "path=Examples/graph/data/\(graph).csv"])
    XCTAssertEqual(r.status, 0, "\(script) on \(graph): \(r.stderr)")
    let expectedFile = FlowBinary.root.appendingPathComponent("Tests/graph/expected/\(script)-\(graph).txt")
    let expected = parse(try String(contentsOf: expectedFile, encoding: .utf8))
    let got = parse(r.stdout)
    XCTAssertGreaterThan(expected.count, 100)
    var failures: [String] = []
    for key in Set(expected.keys).union(got.keys).sorted() {
      guard let e = expected[key], let g = got[key] else {
        failures.append("\(key): expected \(expected[key] ?? "nothing"), got \(got[key] ?? "nothing")")
        continue
      }
      let algorithm = String(key.prefix { $0 != "," })
      guard let x = Double(e), let y = Double(g) else { failures.append("\(key): not numbers: \(e) \(g)"); continue }
      let ok = Self.tolerance[algorithm].map { abs(x - y) <= $0 } ?? (x == y)
      if !ok { failures.append("\(key): expected \(e), got \(g)") }
    }
    XCTAssertTrue(failures.isEmpty, "\(script) on \(graph): \(failures.count) differences:\n" + failures.prefix(20).joined(separator: "\n"))
    // Streaming components agree with the batch ones at the end of input.
    let batch = got.filter { $0.key.hasPrefix("components,") }
    let streaming = got.filter { $0.key.hasPrefix("streaming,") }
    if !streaming.isEmpty {
      XCTAssertEqual(Dictionary(uniqueKeysWithValues: streaming.map { ("components," + $0.key.dropFirst("streaming,".count), $0.value) }), batch)
    }
  }

  func testUndirectedKarate() throws { try check("undirected", "karate") }
  func testUndirectedLesMiserables() throws { try check("undirected", "lesmis") }
  func testUndirectedRandomSparse() throws { try check("undirected", "random-sparse") }
  func testDirectedRandom() throws { try check("directed", "random-directed") }
  func testDirectedKarate() throws { try check("directed", "karate") }
  func testWeightedLesMiserables() throws { try check("weighted", "lesmis") }
}
