import XCTest
import FlowDriver

/// Every edge of `flow plan` names its partitioning, in text and in DOT.
final class EdgePartitioningTests: XCTestCase {
  func testBroadcastRebalanceHashAndForwardEdges() {
    PlanSnapshot.assert(PlanSnapshot.plan("""
      let rules = sequence(from: 1, to: 3) |> parallelism(1) |> broadcast()
      sequence(from: 1, to: 100)
        |> keyBy(i => i % 4)
        |> withBroadcast(rules, init: 0, onEvent: (n, i, rs, ctx) => { state: n + 1, emit: [i * length(rs)], timers: [] })
        |> writeStdout()
      """, optimize: true), named: "edges.broadcast")
  }

  func testDotLabelsEveryEdge() {
    var d = PlanDriver()
    d.format = .dot
    d.showLocations = false
    guard case .success(let dot) = d.plan(path: "test.flow", text: """
      sequence(from: 1, to: 10) |> map(i => i % 3) |> keyBy(k => k) |> count() |> writeStdout()
      """) else { return XCTFail("no plan") }
    let edges = dot.split(separator: "\n").filter { $0.contains("->") }
    XCTAssertEqual(edges.count, 4, dot)
    XCTAssertTrue(edges.allSatisfy { $0.contains("label=") }, dot)
    XCTAssertTrue(dot.contains("label=\"hash by k => k\", style=bold"), dot)
    XCTAssertTrue(dot.contains("label=\"rebalance\", style=bold"), dot)
    XCTAssertTrue(dot.contains("+ combiner before the exchange"), dot)
    // Deterministic: the same text every time.
    guard case .success(let again) = d.plan(path: "test.flow", text: """
      sequence(from: 1, to: 10) |> map(i => i % 3) |> keyBy(k => k) |> count() |> writeStdout()
      """) else { return XCTFail("no plan") }
    XCTAssertEqual(dot, again)
  }
}
