import XCTest
@testable import FlowSyntax

/// Unit tests of the lexer and parser on inputs the corpus cannot hold well.
final class LexerParserTests: XCTestCase {
  func parse(_ text: String) -> (SourceProgram, [Diagnostic]) {
    Parser.parse(SourceFile(path: "t.flow", text: text), fileID: 0, ids: NodeIDs())
  }

  func testLiteralTokens() {
    let (tokens, diags) = Lexer.tokenize(SourceFile(path: "t.flow", text: "1_000 0x1F 2.5e3 500ms 10s 5m 1h 1d @2024-01-01T00:00:01.5Z \"a\\n\\(x)\""), fileID: 0)
    XCTAssertTrue(diags.isEmpty, "\(diags)")
    let kinds = tokens.map(\.kind)
    XCTAssertEqual(kinds[0], .int(1000))
    XCTAssertEqual(kinds[1], .int(31))
    XCTAssertEqual(kinds[2], .float(2500))
    XCTAssertEqual(kinds[3], .duration(500))
    XCTAssertEqual(kinds[4], .duration(10_000))
    XCTAssertEqual(kinds[5], .duration(300_000))
    XCTAssertEqual(kinds[6], .duration(3_600_000))
    XCTAssertEqual(kinds[7], .duration(86_400_000))
    XCTAssertEqual(kinds[8], .time(1_704_067_201_500))
    guard case .string(let pieces) = kinds[9] else { return XCTFail("not a string") }
    XCTAssertEqual(pieces.first, .text("a\n"))
    XCTAssertEqual(pieces.count, 2)
  }

  func testNestedBlockCommentsAndTupleIndex() {
    let (p, d) = parse("/* a /* b */ c */ let t = (1, (2, 3))\nlet x = t.1.0")
    XCTAssertTrue(d.isEmpty, "\(d)")
    XCTAssertEqual(ASTPrinter().print(p).split(separator: "\n").last, "(let x (. (. t 1) 0))")
  }

  func testPipeMeansFirstArgumentAndNewlineRules() {
    let (p, d) = parse("let y = a\n  |> f(b)\n(c, d) |> g()")
    XCTAssertTrue(d.isEmpty, "\(d)")
    let lines = ASTPrinter().print(p).split(separator: "\n")
    XCTAssertEqual(lines.count, 2, "a '(' at the start of a line starts a new statement")
    XCTAssertEqual(lines[0], "(let y (|> a (call f b)))")
  }

  func testEveryErrorInAFileIsReported() {
    let (_, d) = parse("let a = \nlet b = (1, 2\nlet c = 3 +\nfn f( = 1\n")
    XCTAssertGreaterThanOrEqual(d.count, 3, "\(d.map(\.message))")
  }

  /// A long operator chain is an error, not a stack overflow.
  func testLongChainsAreRefusedNotCrashed() {
    let plus = "let x = 1" + String(repeating: " + 1", count: 5000)
    let (_, d1) = parse(plus)
    XCTAssertEqual(d1.map(\.code), ["E0107"])
    let pipes = "s" + String(repeating: " |> f()", count: 5000)
    let (_, d2) = parse(pipes)
    XCTAssertEqual(d2.map(\.code), ["E0107"])
    let fine = "let x = 1" + String(repeating: " + 1", count: 200)
    XCTAssertTrue(parse(fine).1.isEmpty)
  }

  func testDeepNestingIsRefusedNotCrashed() {
    let deep = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
    let (_, d) = parse("let x = " + deep)
    XCTAssertTrue(d.contains { $0.code == "E0107" })
  }
}
