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
