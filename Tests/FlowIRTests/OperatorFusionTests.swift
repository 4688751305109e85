import XCTest

/// Operator fusion: element-wise chains become one stage.
final class OperatorFusionTests: XCTestCase {
  func testChainOfElementWiseOperatorsFuses() {
    PlanSnapshot.assertRule("""
      sequence(from: 1, to: 100)
        |> filter(i => i % 3 == 0)
        |> map(i => i * 2)
        |> flatMap(i => [i, i + 1])
        |> map(i => toFloat(i) * 0.5)
        |> writeStdout()
      """, named: "fusion.chain")
  }

  func testSharedNodeIsNotFusedIntoEitherConsumer() {
    // `evens` is read by two pipelines, so it stays its own operator.
    PlanSnapshot.assertRule("""
      let evens = sequence(from: 1, to: 10) |> filter(i => i % 2 == 0)
      evens |> map(i => i * 10) |> writeStdout()
      evens |> map(i => i + 1) |> writeStdout()
      """, named: "fusion.shared")
  }

  func testKeyedOperatorsBreakChains() {
    PlanSnapshot.assertRule("""
      sequence(from: 1, to: 10)
        |> map(i => i % 3)
        |> keyBy(k => k)
        |> count()
        |> map(r => r.count)
        |> filter(c => c > 1)
        |> writeStdout()
      """, named: "fusion.keyed")
  }
}
