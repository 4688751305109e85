import XCTest

/// Shared sources: two pipelines over one file read it once.
final class SharedSourcesTests: XCTestCase {
  func testSameFileReadOnce() {
    PlanSnapshot.assertRule("""
      readText("Examples/data/words.txt") |> map(l => length(l)) |> writeStdout()
      readText("Examples/data/words.txt") |> filter(l => l != "") |> writeStdout()
      """, named: "shared.same")
  }

  func testDifferentOptionsAreNotShared() {
    PlanSnapshot.assertRule("""
      type Row = { a: Int, b: Int }
      readCsv("x.csv", schema: Row) |> writeStdout()
      readCsv("x.csv", schema: Row, header: false) |> writeStdout()
      """, named: "shared.different")
  }
}
