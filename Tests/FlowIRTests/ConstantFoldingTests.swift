import XCTest

/// Constant folding and dead-branch elimination, seen through --explain
/// and through results.
final class ConstantFoldingTests: XCTestCase {
  func testLiteralExpressionsFold() {
    PlanSnapshot.assertRule("""
      let limit = 60 * 60 * 24
      sequence(from: 1, to: 3)
        |> map(i => if 1 < 2 then i + limit else i - limit)
        |> filter(i => i > 2 * 1000)
        |> writeStdout()
      """, named: "folding.literals")
  }
}

/// The plan-level part of constant folding: filters whose predicate is a
/// constant.
final class ConstantFilterTests: XCTestCase {
  func testAlwaysTrueFilterIsRemoved() {
    PlanSnapshot.assertRule("""
      sequence(from: 1, to: 5)
        |> filter(i => 1 < 2)
        |> map(i => i * 10)
        |> filter(i => true || false)
        |> writeStdout()
      """, named: "folding.true-filter")
  }

  func testAlwaysFalseFilterCutsItsBranchDownToTheSink() {
    // The live branch shares the source; the dead one keeps its sink (the
    // file is still created) and reads the filter, which passes nothing.
    PlanSnapshot.assertRule("""
      let xs = sequence(from: 1, to: 50)
      xs |> map(i => i + 1) |> writeStdout()
      xs |> filter(i => 2 < 1)
        |> map(i => { i, sq: i * i })
        |> keyBy(r => r.i % 3)
        |> count()
        |> writeCsv("never.csv")
      """, named: "folding.dead-branch")
  }

  func testDeadBranchStopsAtUnions() {
    // A union's other input is live: only the chain below the filter and
    // above the union could be cut, and there is none.
    PlanSnapshot.assertRule("""
      let a = sequence(from: 1, to: 5) |> filter(i => false)
      let b = sequence(from: 10, to: 12)
      union(a, b) |> map(i => i * 2) |> writeStdout()
      """, named: "folding.union")
  }
}
