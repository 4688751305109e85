import Foundation
import XCTest
import FlowFormat
import FlowSyntax

/// `flow fmt`: the repository's programs round-trip (formatting twice equals
/// formatting once, and the formatted program has the same syntax tree), and
/// the layout rules hold on small cases.
final class FormatterTests: XCTestCase {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  func ast(_ text: String) -> String {
    let (program, _) = Parser.parse(SourceFile(path: "t.flow", text: text), fileID: 0, ids: NodeIDs())
    return ASTPrinter().print(program)
  }

  func format(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
    switch FlowFormatter.format(text) {
    case .success(let out): return out
    case .failure(let f):
      XCTFail("cannot format: \(f)", file: file, line: line)
      return text
    }
  }

  /// Formats `text` and checks idempotence and the unchanged syntax tree.
  func assertRoundTrip(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
    switch FlowFormatter.format(text, path: name) {
    case .success(let once):
      switch FlowFormatter.format(once, path: name) {
      case .success(let twice):
        XCTAssertEqual(twice, once, "\(name): formatting twice differs from formatting once", file: file, line: line)
      case .failure(let f):
        XCTFail("\(name): the formatted text cannot be formatted again: \(f)", file: file, line: line)
      }
      XCTAssertEqual(ast(once), ast(text), "\(name): formatting changed the syntax tree", file: file, line: line)
    case .failure(let f):
      XCTFail("\(name): cannot format: \(f)", file: file, line: line)
    }
  }

  func flowFiles(under folder: String) -> [URL] {
    let dir = FormatterTests.root.appendingPathComponent(folder)
    guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return [] }
    return e.compactMap { $0 as? URL }.filter { $0.pathExtension == "flow" }.sorted { $0.path < $1.path }
  }

  /// The ```flow blocks of a Markdown file.
  func flowBlocks(_ url: URL) -> [String] {
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
    var blocks: [String] = []
    var current: [String]? = nil
    for line in text.components(separatedBy: "\n") {
      let t = line.trimmingCharacters(in: .whitespaces)
      if current == nil {
        if t == "```flow" { current = [] }
      } else if t == "```" {
        blocks.append(current!.joined(separator: "\n") + "\n")
        current = nil
      } else {
        current!.append(line)
      }
    }
    return blocks
  }

  // MARK: - The repository

  func testExamplesAndStdlibRoundTrip() throws {
    let files = flowFiles(under: "Examples") + flowFiles(under: "Stdlib")
    XCTAssertGreaterThan(files.count, 10)
    for f in files {
      let text = try String(contentsOf: f, encoding: .utf8)
      assertRoundTrip(text, f.path)
    }
  }

  func testManualCodeBlocksRoundTrip() throws {
    let language = FormatterTests.root.appendingPathComponent("Language")
    let pages = ((try? FileManager.default.contentsOfDirectory(at: language, includingPropertiesForKeys: nil)) ?? [])
      .filter { $0.pathExtension == "md" }.sorted { $0.path < $1.path }
    var formatted = 0
    for page in [FormatterTests.root.appendingPathComponent("README.md")] + pages {
      for (i, block) in flowBlocks(page).enumerated() {
        let name = "\(page.lastPathComponent) block \(i + 1)"
        switch FlowFormatter.format(block, path: name) {
        case .failure(.syntaxErrors):
          // A deliberately wrong example (the diagnostics pages): refused, never mangled.
          continue
        case .failure(.internalError(let why)):
          XCTFail("\(name): \(why)")
        case .success:
          assertRoundTrip(block, name)
          formatted += 1
        }
      }
    }
    XCTAssertGreaterThan(formatted, 0)
  }

  func testCorpusProgramsRoundTrip() throws {
    // Every corpus program without syntax errors (type errors do not matter).
    for f in flowFiles(under: "Tests/corpus") {
      let text = try String(contentsOf: f, encoding: .utf8)
      if case .failure(.syntaxErrors) = FlowFormatter.format(text) { continue }
      assertRoundTrip(text, f.path)
    }
  }

  /// `text` with its horizontal whitespace (indentation and the spaces
  /// between tokens and comments) changed at random; line breaks, tokens and
  /// comments stay.
  func perturb(_ text: String, seed: UInt64) -> String {
    let file = SourceFile(path: "p.flow", text: text)
    let (tokens, _) = Lexer.tokenize(file, fileID: 0)
    let bytes = file.bytes
    var state = seed
    func random(_ n: UInt64) -> Int {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Int((state >> 33) % n)
    }
    let free = Set("()[]{},;".utf8)
    var out: [UInt8] = []
    var prev = 0
    for t in tokens {
      let end = t.kind == .eof ? bytes.count : t.span.start
      // Copy the gap, rewriting each run of spaces and tabs.
      var i = prev
      while i < end {
        let c = bytes[i]
        if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") {
          var j = i
          while j < end && (bytes[j] == UInt8(ascii: " ") || bytes[j] == UInt8(ascii: "\t")) { j += 1 }
          let atLineStart = out.last == nil || out.last == UInt8(ascii: "\n")
          if atLineStart {
            out += [UInt8](repeating: random(2) == 0 ? UInt8(ascii: " ") : UInt8(ascii: "\t"), count: random(6))
          } else {
            let before = out.last!, after = j < bytes.count ? bytes[j] : UInt8(ascii: "\n")
            let canJoin = j == end && j < bytes.count && (free.contains(before) || free.contains(after))
            out += [UInt8](repeating: UInt8(ascii: " "), count: (canJoin ? 0 : 1) + random(3))
          }
          i = j
        } else if c == UInt8(ascii: "/") && i + 1 < end && bytes[i + 1] == UInt8(ascii: "/") {
          while i < end && bytes[i] != UInt8(ascii: "\n") { out.append(bytes[i]); i += 1 }
        } else if c == UInt8(ascii: "/") && i + 1 < end && bytes[i + 1] == UInt8(ascii: "*") {
          // Block comments are copied whole (their inner lines are verbatim).
          var depth = 0
          while i < end {
            if bytes[i] == UInt8(ascii: "/") && i + 1 < end && bytes[i + 1] == UInt8(ascii: "*") { depth += 1; out += [bytes[i], bytes[i + 1]]; i += 2; continue }
            if bytes[i] == UInt8(ascii: "*") && i + 1 < end && bytes[i + 1] == UInt8(ascii: "/") {
              depth -= 1; out += [bytes[i], bytes[i + 1]]; i += 2
              if depth == 0 { break }
              continue
            }
            out.append(bytes[i]); i += 1
          }
        } else {
          if c == UInt8(ascii: "\n"), random(3) == 0 { out.append(UInt8(ascii: " ")) }  // trailing space
          out.append(c)
          i += 1
        }
      }
      if t.kind == .eof { break }
      // A space or none before the token, where nothing merges.
      if let last = out.last, last != UInt8(ascii: "\n"), last != UInt8(ascii: " "), last != UInt8(ascii: "\t"), random(2) == 0 {
        out.append(UInt8(ascii: " "))
      }
      out += bytes[t.span.start..<t.span.end]
      prev = t.span.end
    }
    return String(decoding: out, as: UTF8.self)
  }

  func testLayoutDoesNotDependOnHorizontalSpacing() throws {
    let files = flowFiles(under: "Examples") + flowFiles(under: "Stdlib")
    var variants = 0
    for (n, f) in files.enumerated() {
      let text = try String(contentsOf: f, encoding: .utf8)
      let expected = format(text)
      for k in 0..<3 {
        let messy = perturb(text, seed: UInt64(n * 7 + k + 1))
        if messy != text && messy != expected { variants += 1 }
        XCTAssertEqual(ast(messy), ast(text), "\(f.path): the perturbation changed the program")
        XCTAssertEqual(format(messy), expected, "\(f.path), variant \(k)")
      }
    }
    XCTAssertGreaterThan(variants, files.count * 2)
  }

  // MARK: - Spacing

  func testSpacingAroundOperatorsCommasAndColons() {
    XCTAssertEqual(format("let   x=1+2*3-  -1\n"), "let x = 1 + 2 * 3 - -1\n")
    XCTAssertEqual(format("let r = {a:1 ,b : \"s\"}\n"), "let r = { a: 1, b: \"s\" }\n")
    XCTAssertEqual(format("let t = ( 1,2 )\nlet l = [ 1 , 2 ]\n"), "let t = (1, 2)\nlet l = [1, 2]\n")
    XCTAssertEqual(format("let m = [ : ]\nlet n = [\"a\":1]\n"), "let m = [:]\nlet n = [\"a\": 1]\n")
    XCTAssertEqual(format("let b = !true&&false||x!=null\n"), "let b = !true && false || x != null\n")
    XCTAssertEqual(format("let f = ( a , b )=>a+b\nlet g = x=>x\n"), "let f = (a, b) => a + b\nlet g = x => x\n")
    XCTAssertEqual(format("let y = f (1) [0] . a ?. b . 0\n"), "let y = f(1)[0].a?.b.0\n")
    XCTAssertEqual(format("let u = { r with a :3 }\n"), "let u = { r with a: 3 }\n")
    XCTAssertEqual(format("let e = { }\n"), "let e = {}\n")
    XCTAssertEqual(format("let v = -x + - 1\n"), "let v = -x + -1\n")
  }

  func testSpacingInTypes() {
    XCTAssertEqual(format("type P < A,B > = { a : A ?, b : List< Map<String,B> > , .. }\n"),
                   "type P<A, B> = { a: A?, b: List<Map<String, B>>, .. }\n")
    XCTAssertEqual(format("fn f< T : Num >( x : T , y : T = 0 ) -> T = x\n"), "fn f<T: Num>(x: T, y: T = 0) -> T = x\n")
    XCTAssertEqual(format("let g: ( Int,String )->Bool = (x, y) => x < 1 && y > \"\"\n"),
                   "let g: (Int, String) -> Bool = (x, y) => x < 1 && y > \"\"\n")
    XCTAssertEqual(format("type S = Circle( Float ) | Rect(Float,Float)\n"), "type S = Circle(Float) | Rect(Float, Float)\n")
    XCTAssertEqual(format("import std.text.{tokens,words}\nimport  std.graph  as  g\n"), "import std.text.{ tokens, words }\nimport std.graph as g\n")
  }

  func testStringsAreKeptVerbatim() {
    let text = "let s = \"\"\"\n  raw   text   \n\"\"\"\nlet q = \"a \\( 1+2 ) b\"\n"
    XCTAssertEqual(format(text), text)
  }

  // MARK: - Lines and indentation

  func testPipelineContinuationLines() {
    let text = """
      readText("a.txt")
      |> map(l => l)
            |> writeStdout()

      """
    XCTAssertEqual(format(text), "readText(\"a.txt\")\n  |> map(l => l)\n  |> writeStdout()\n")
  }

  func testBracketDepthOneLevelPerLine() {
    let text = """
      sequence(from: 1, to: 3)
        |> map(i => {
             let a = i
             { a,
                 b: [
             1, 2] }
           })
        |> writeStdout()

      """
    let expected = """
      sequence(from: 1, to: 3)
        |> map(i => {
          let a = i
          { a,
            b: [
              1, 2] }
        })
        |> writeStdout()

      """
    XCTAssertEqual(format(text), expected)
  }

  func testNestedExpressionAfterEqualsAndIfElse() {
    let text = """
      fn degrees(e: Stream<Int>) -> Stream<Int> =
      e
      |> map(x => x)
      fn sign(x: Int) -> Int =
      if x > 0 then 1
          else if x < 0 then -1
       else 0
      type T =
      | A
          | B(Int)

      """
    let expected = """
      fn degrees(e: Stream<Int>) -> Stream<Int> =
        e
          |> map(x => x)
      fn sign(x: Int) -> Int =
        if x > 0 then 1
        else if x < 0 then -1
        else 0
      type T =
        | A
        | B(Int)

      """
    XCTAssertEqual(format(text), expected)
  }

  func testContinuationInsideABracketOpenedAbove() {
    let text = "xs\n  |> flatMap(w => w.bids\n         |> filter(b => b > 1)\n         |> map(b => b))\n  |> writeStdout()\n"
    XCTAssertEqual(format(text), "xs\n  |> flatMap(w => w.bids\n    |> filter(b => b > 1)\n    |> map(b => b))\n  |> writeStdout()\n")
    let lambda = "let y = xs |> map(b =>\nb.price\n|> foo)\n"
    XCTAssertEqual(format(lambda), "let y = xs |> map(b =>\n  b.price\n    |> foo)\n")
  }

  func testMatchArms() {
    let text = "let w = match x {\n      null=>0,\n  v   =>\n v,\n}\n"
    XCTAssertEqual(format(text), "let w = match x {\n  null => 0,\n  v =>\n    v,\n}\n")
  }

  func testBlankLinesAndWhitespace() {
    let text = "\n\n\nlet a = 1   \n\n\n\n\nlet b = 2\t\n\n\n"
    XCTAssertEqual(format(text), "let a = 1\n\nlet b = 2\n")
    XCTAssertEqual(format("let a = 1"), "let a = 1\n")
    XCTAssertEqual(format(""), "")
    XCTAssertEqual(format("let a = 1\r\n\r\nlet b = [\r\n\t1\r\n]\r\n"), "let a = 1\n\nlet b = [\n  1\n]\n")
  }

  // MARK: - Comments

  func testCommentsAreKeptAndReindented() {
    let text = """
      // header   
         // second
      let xs = [
            // before the first item
        1, // one
           /* two */ 2
            // before the closer
      ]
      let k = xs
      // between pipes
        |> map(x => x)   // trailing
      /* a block
           comment */
      let z = 1 /* inline */ + 2

      """
    let expected = """
      // header
      // second
      let xs = [
        // before the first item
        1, // one
        /* two */ 2
        // before the closer
      ]
      let k = xs
        // between pipes
        |> map(x => x) // trailing
      /* a block
           comment */
      let z = 1 /* inline */ + 2

      """
    XCTAssertEqual(format(text), expected)
    assertRoundTrip(text, "comments")
  }

  func testOnlyComments() {
    XCTAssertEqual(format("\n  // only\n\n"), "// only\n")
  }

  // MARK: - Refusal

  func testSyntaxErrorsAreReportedNotFormatted() {
    guard case .failure(.syntaxErrors(let ds)) = FlowFormatter.format("let x = (1 +\nlet y = 2\n") else {
      return XCTFail("a file with syntax errors was formatted")
    }
    XCTAssertFalse(ds.isEmpty)
    XCTAssertTrue(ds.allSatisfy { $0.code.hasPrefix("E0") })
    guard case .failure(.syntaxErrors(let lexical)) = FlowFormatter.format("let s = \"open\n") else {
      return XCTFail("an unterminated string was formatted")
    }
    XCTAssertEqual(lexical.first?.code, "E0003")
  }

  func testTokensThatWouldMergeStaySeparate() {
    // `Int? ?` written together would lex as `??`.
    assertRoundTrip("let x: Int? ? = null\n", "double optional")
  }
}
