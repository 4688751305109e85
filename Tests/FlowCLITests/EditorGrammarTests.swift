import Foundation
import XCTest
import FlowSyntax

/// Editor support (Editors/): the VS Code extension's JSON files, its TextMate
/// grammar run over every script in the repository and compared token by
/// token with Flow's own lexer, and the Vim (and, when installed, Emacs)
/// syntax and indentation run headless on examples and fixtures.
///
/// Vim is required in CI (`CI=true`): `.ci/run` installs Debian's `vim`.
/// Locally the Vim tests are skipped when vim is missing.
final class EditorGrammarTests: XCTestCase {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let editors = root.appendingPathComponent("Editors")
  static let vscode = editors.appendingPathComponent("vscode")
  static let grammarURL = vscode.appendingPathComponent("syntaxes/flow.tmLanguage.json")
  static let vimDir = editors.appendingPathComponent("vim")
  static let vimFixture = vimDir.appendingPathComponent("test/fixture.flow")
  static let indentFixture = vimDir.appendingPathComponent("test/indent.flow")

  // MARK: - VS Code: JSON files

  func testVSCodeExtensionFiles() throws {
    let pkg = try jsonObject(Self.vscode.appendingPathComponent("package.json"))
    XCTAssertNotNil(pkg["name"] as? String)
    XCTAssertNotNil(pkg["publisher"] as? String)
    XCTAssertNotNil((pkg["engines"] as? [String: Any])?["vscode"] as? String, "package.json needs engines.vscode")
    let contributes = try XCTUnwrap(pkg["contributes"] as? [String: Any], "package.json has no contributes")

    let languages = try XCTUnwrap(contributes["languages"] as? [[String: Any]])
    let flow = try XCTUnwrap(languages.first { $0["id"] as? String == "flow" }, "no language with id 'flow'")
    XCTAssertEqual(flow["extensions"] as? [String], [".flow"])
    try assertFileExists(flow["configuration"], "language configuration")

    let grammars = try XCTUnwrap(contributes["grammars"] as? [[String: Any]])
    let grammar = try XCTUnwrap(grammars.first { $0["language"] as? String == "flow" }, "no grammar for 'flow'")
    XCTAssertEqual(grammar["scopeName"] as? String, "source.flow")
    try assertFileExists(grammar["path"], "grammar")

    let snippets = try XCTUnwrap(contributes["snippets"] as? [[String: Any]])
    XCTAssertEqual(snippets.first?["language"] as? String, "flow")
    try assertFileExists(snippets.first?["path"], "snippets")

    let props = try XCTUnwrap((contributes["configuration"] as? [String: Any])?["properties"] as? [String: Any])
    let serverPath = try XCTUnwrap(props["flow.server.path"] as? [String: Any], "no flow.server.path setting")
    XCTAssertEqual(serverPath["default"] as? String, "flow")
    let serverArgs = try XCTUnwrap(props["flow.server.args"] as? [String: Any], "no flow.server.args setting")
    XCTAssertEqual(serverArgs["default"] as? [String], ["lsp"])
    XCTAssertNotNil((pkg["dependencies"] as? [String: Any])?["vscode-languageclient"], "the client glue uses vscode-languageclient")
    if let main = pkg["main"] { try assertFileExists(main, "main script") }

    let config = try jsonObject(Self.vscode.appendingPathComponent("language-configuration.json"))
    let comments = try XCTUnwrap(config["comments"] as? [String: Any])
    XCTAssertEqual(comments["lineComment"] as? String, "//")
    XCTAssertEqual(comments["blockComment"] as? [String], ["/*", "*/"])
    let brackets = try XCTUnwrap(config["brackets"] as? [[String]])
    for pair in [["(", ")"], ["[", "]"], ["{", "}"]] { XCTAssertTrue(brackets.contains(pair), "brackets lack \(pair)") }
    let closing = try XCTUnwrap(config["autoClosingPairs"] as? [Any])
    let opens = closing.compactMap { ($0 as? [String: Any])?["open"] as? String ?? ($0 as? [String])?.first }
    for open in ["(", "[", "{", "\""] { XCTAssertTrue(opens.contains(open), "autoClosingPairs lack \(open)") }

    let snippetFile = try jsonObject(Self.vscode.appendingPathComponent("snippets/flow.json"))
    var prefixes: Set<String> = []
    for (name, value) in snippetFile {
      let s = try XCTUnwrap(value as? [String: Any], "snippet \(name) is not an object")
      let prefix = try XCTUnwrap(s["prefix"] as? String, "snippet \(name) has no prefix")
      prefixes.insert(prefix)
      XCTAssertTrue(s["body"] is String || s["body"] is [String], "snippet \(name) has no body")
      XCTAssertNotNil(s["description"] as? String, "snippet \(name) has no description")
    }
    for p in ["pipeline", "process", "window", "match", "fn", "typerec", "typesum"] {
      XCTAssertTrue(prefixes.contains(p), "no snippet with prefix '\(p)'")
    }
  }

  // MARK: - TextMate grammar

  func testGrammarRegexesCompileAndIncludesResolve() throws {
    let json = try jsonObject(Self.grammarURL)
    XCTAssertEqual(json["scopeName"] as? String, "source.flow")
    XCTAssertNotNil(json["patterns"] as? [Any])
    let repository = try XCTUnwrap(json["repository"] as? [String: Any])
    var regexes = 0
    var problems: [String] = []
    func walk(_ node: Any, _ path: String) {
      if let dict = node as? [String: Any] {
        for key in ["match", "begin", "end"] {
          guard let pattern = dict[key] as? String else { continue }
          regexes += 1
          do { _ = try NSRegularExpression(pattern: pattern) } catch {
            problems.append("\(path).\(key): \(pattern) does not compile: \(error)")
          }
          // Oniguruma-only syntax that ICU reads differently (or not at all).
          for bad in ["\\h", "\\G", "*+", "++", "?+", "}+"] where pattern.contains(bad) {
            if bad == "\\h" && pattern.contains("\\\\h") { continue }
            problems.append("\(path).\(key): \(pattern) uses '\(bad)', outside the Oniguruma/ICU common subset")
          }
        }
        if let inc = dict["include"] as? String, inc.hasPrefix("#"), repository[String(inc.dropFirst())] == nil {
          problems.append("\(path): include \(inc) names no repository rule")
        }
        for (k, v) in dict { walk(v, path + "." + k) }
      } else if let list = node as? [Any] {
        for (i, v) in list.enumerated() { walk(v, path + "[\(i)]") }
      }
    }
    walk(json, "grammar")
    XCTAssertTrue(problems.isEmpty, problems.joined(separator: "\n"))
    XCTAssertGreaterThan(regexes, 20)
  }

  /// Runs the grammar over every script and checks, token by token, the
  /// scope it gives against the token Flow's lexer reads there.
  func testGrammarAgreesWithTheLexerOnEveryScript() throws {
    let grammar = try TMGrammar(url: Self.grammarURL)
    var stats = ScopeStats()
    var failures: [String] = []
    var files = 0
    for url in corpusFiles() {
      let text = try String(contentsOf: url, encoding: .utf8)
      let source = SourceFile(path: url.path, text: text)
      let (tokens, diagnostics) = Lexer.tokenize(source, fileID: 0)
      // Scripts with lexical errors are about error recovery, not highlighting.
      if !diagnostics.isEmpty { continue }
      files += 1
      let scoped = try grammar.tokenize(text)
      var checker = LexerOracle(source: source, scoped: scoped, relPath: relative(url))
      checker.check(tokens)
      checker.checkTrivia(tokens)
      stats.add(checker.stats)
      failures += checker.failures
    }
    XCTAssertGreaterThan(files, 10, "too few scripts found under Examples/, Stdlib/, Tests/corpus/")
    XCTAssertTrue(failures.isEmpty, "\(failures.count) disagreements between the TextMate grammar and the lexer:\n" + failures.prefix(40).joined(separator: "\n"))
    // Every token class is seen at least once across the corpus.
    for (what, n) in stats.counts.sorted(by: { $0.key < $1.key }) {
      XCTAssertGreaterThan(n, 0, "no \(what) was checked across the corpus")
    }
  }

  // MARK: - Vim

  func testVimSyntaxGroups() throws {
    guard let vim = try vimExecutable() else { return }
    struct Probe { var file: String; var needle: String; var at: String; var group: String; var stack: [String] = [] }
    let probes: [Probe] = [
      Probe(file: "Examples/wordcount.flow", needle: "// Word count", at: "//", group: "flowLineComment"),
      Probe(file: "Examples/wordcount.flow", needle: "|> flatMap", at: "|>", group: "flowPipe"),
      Probe(file: "Examples/wordcount.flow", needle: "|> flatMap", at: ">", group: "flowPipe"),
      Probe(file: "Examples/wordcount.flow", needle: "readText(\"Examples", at: "readText", group: "flowFunctionCall"),
      Probe(file: "Examples/wordcount.flow", needle: "\"Examples/data/words.txt\"", at: "data", group: "flowString"),
      Probe(file: "Examples/wordcount.flow", needle: "w => w != \"\"", at: "w =>", group: "flowParameter"),
      Probe(file: "Examples/wordcount.flow", needle: "w => w != \"\"", at: "!=", group: "flowOperator"),
      Probe(file: "Examples/language/values.flow", needle: "type Shape =", at: "type", group: "flowStorage"),
      Probe(file: "Examples/language/values.flow", needle: "type Shape =", at: "Shape", group: "flowTypeDecl"),
      Probe(file: "Examples/language/values.flow", needle: "Circle(Float)", at: "Float", group: "flowType"),
      Probe(file: "Examples/language/values.flow", needle: "fn area(", at: "fn", group: "flowStorage"),
      Probe(file: "Examples/language/values.flow", needle: "fn area(", at: "area", group: "flowFunctionDecl"),
      Probe(file: "Examples/language/values.flow", needle: "match s {", at: "match", group: "flowConditional"),
      Probe(file: "Examples/language/values.flow", needle: "3.14159", at: "3.14159", group: "flowFloat"),
      Probe(file: "Examples/language/values.flow", needle: "if i % 2 == 0 then", at: "then", group: "flowConditional"),
      // A string with interpolation: the text, the delimiters and the code inside.
      Probe(file: "Examples/language/values.flow", needle: "\"\\(i) of \\(length(shapes))\"", at: "\"", group: "flowString"),
      Probe(file: "Examples/language/values.flow", needle: "\"\\(i) of \\(length(shapes))\"", at: " of", group: "flowString"),
      Probe(file: "Examples/language/values.flow", needle: "\"\\(i) of \\(length(shapes))\"", at: "\\(i", group: "flowInterpolationDelim", stack: ["flowString", "flowInterpolation"]),
      Probe(file: "Examples/language/values.flow", needle: "\"\\(i) of \\(length(shapes))\"", at: "i)", group: "flowInterpolation", stack: ["flowString"]),
      Probe(file: "Examples/language/values.flow", needle: "\"\\(i) of \\(length(shapes))\"", at: "length", group: "flowFunctionCall", stack: ["flowString", "flowInterpolation"]),
      Probe(file: "Examples/language/values.flow", needle: "\"\\(i) of \\(length(shapes))\"", at: "shapes", group: "flowInterpolationParens", stack: ["flowString", "flowInterpolation"]),
      Probe(file: "Examples/windows/late_and_split.flow", needle: "boundedDelay(500ms)", at: "500ms", group: "flowDuration"),
      Probe(file: "Examples/windows/late_and_split.flow", needle: "tumbling(5s)", at: "s)", group: "flowDuration"),
      Probe(file: "Examples/streaming/spikes.flow", needle: "ctx.time + 1h", at: "1h", group: "flowDuration"),
      Probe(file: "Examples/streaming/spikes.flow", needle: "last: null", at: "null", group: "flowNull"),
      Probe(file: "Examples/streaming/spikes.flow", needle: "s with count", at: "with", group: "flowKeyword"),
      Probe(file: "Stdlib/std/stats.flow", needle: "module std.stats", at: "module", group: "flowKeyword"),
      Probe(file: "Stdlib/std/stats.flow", needle: "module std.stats", at: "stats", group: "flowNamespace"),
      Probe(file: "Stdlib/std/stats.flow", needle: "pub fn mean", at: "pub", group: "flowModifier"),
      // The fixture: time literals, nested block comments, triple-quoted strings, numbers.
      Probe(file: "Editors/vim/test/fixture.flow", needle: "@2024-01-01T00:00:00Z", at: "@", group: "flowTime"),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "@2024-01-01T00:00:00Z", at: "Z", group: "flowTime"),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "/* Editor fixture", at: "Editor", group: "flowBlockComment"),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "/* Block comments nest", at: "nest", group: "flowBlockComment", stack: ["flowBlockComment"]),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "ends here */ and this", at: "and this", group: "flowBlockComment"),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "still the outer comment. */", at: "outer", group: "flowBlockComment"),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "// A line comment. TODO", at: "TODO", group: "flowTodo", stack: ["flowLineComment"]),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "type Reading", at: "type", group: "flowStorage"),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "1.5e2", at: "e2", group: "flowFloat"),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "0xFF", at: "FF", group: "flowHex"),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "1_000_000", at: "000_000", group: "flowNumber"),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "[500ms, 10s, 5m, 1h, 1d]", at: "5m", group: "flowDuration"),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "[500ms, 10s, 5m, 1h, 1d]", at: "1d", group: "flowDuration"),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "Text over \"two\" lines", at: "two", group: "flowTripleString"),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "\\(big) and \\t.", at: "big", group: "flowInterpolation", stack: ["flowTripleString"]),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "\\(big) and \\t.", at: "\\t", group: "flowEscape", stack: ["flowTripleString"]),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "\\(i + 1) of", at: "1)", group: "flowNumber", stack: ["flowString", "flowInterpolation"]),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "\\t\\\"done\\\"\"", at: "\\\"done", group: "flowEscape", stack: ["flowString"]),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "ok: true", at: "true", group: "flowBoolean"),
      Probe(file: "Editors/vim/test/fixture.flow", needle: "|> writeStdout()", at: "|>", group: "flowPipe"),
    ]
    var byFile: [String: [(probe: Probe, line: Int, col: Int)]] = [:]
    var failures: [String] = []
    for p in probes {
      let text = try String(contentsOf: Self.root.appendingPathComponent(p.file), encoding: .utf8)
      guard let pos = position(in: text, needle: p.needle, at: p.at) else {
        failures.append("\(p.file): probe text \(p.needle.debugDescription) (at \(p.at.debugDescription)) not found; update the probe in EditorGrammarTests")
        continue
      }
      byFile[p.file, default: []].append((p, pos.0, pos.1))
    }
    for (file, list) in byFile.sorted(by: { $0.key < $1.key }) {
      let positions = list.map { "[\($0.line), \($0.col)]" }.joined(separator: ", ")
      let script = """
        exe 'silent edit ' . fnameescape(files[0])
        for [l, c] in [\(positions)]
          call add(out, join(map(synstack(l, c), 'synIDattr(v:val, "name")'), ','))
        endfor
        """
      let lines = try runVim(vim, files: [Self.root.appendingPathComponent(file)], script: script)
      XCTAssertEqual(lines.count, list.count, "vim printed \(lines) for \(file)")
      for (i, entry) in list.enumerated() where i < lines.count {
        let stack = lines[i].split(separator: ",").map(String.init)
        let p = entry.probe
        let innermost = stack.last ?? "(none)"
        let outer = stack.dropLast()
        if innermost != p.group || !p.stack.allSatisfy({ outer.contains($0) }) {
          failures.append("\(file):\(entry.line):\(entry.col) \(p.at.debugDescription) in \(p.needle.debugDescription): expected \(p.group)" + (p.stack.isEmpty ? "" : " inside \(p.stack)") + ", vim says \(stack)")
        }
      }
    }
    XCTAssertTrue(failures.isEmpty, failures.joined(separator: "\n"))
  }

  func testVimFiletypeAndPlugin() throws {
    guard let vim = try vimExecutable() else { return }
    let lines = try runVim(vim, files: [Self.indentFixture], script: """
      for f in files
        exe 'silent edit ' . fnameescape(f)
        let out += [&filetype, &shiftwidth, &commentstring, &expandtab, &indentexpr]
      endfor
      """)
    XCTAssertEqual(lines, ["flow", "2", "// %s", "1", "GetFlowIndent()"],
                   "ftdetect/ftplugin/indent should give .flow files filetype=flow, shiftwidth=2, commentstring, expandtab and the indent function")
  }

  /// Vim's indentation is the layout of `flow fmt`: each script, formatted
  /// by `flow fmt` and stripped of its indentation, is indented again with
  /// `gg=G` and must come back unchanged.
  func testVimIndentationIsTheFlowFmtLayout() throws {
    guard let vim = try vimExecutable() else { return }
    let cases = try formattedAndStripped()
    let lines = try runVim(vim, files: cases.map { $0.input }, script: """
      for f in files
        exe 'silent edit! ' . fnameescape(f)
        silent normal! gg=G
        call writefile(getline(1, '$'), f . '.out')
      endfor
      """)
    XCTAssertEqual(lines, [])
    var compared = 0
    for c in cases {
      guard let got = try? String(contentsOf: URL(fileURLWithPath: c.input.path + ".out"), encoding: .utf8) else {
        XCTFail("vim wrote no result for \(c.name)")
        continue
      }
      assertSameLines(got.components(separatedBy: "\n"), c.expected.components(separatedBy: "\n"), "vim gg=G on \(c.name) (expected: the flow fmt layout)")
      compared += 1
    }
    XCTAssertGreaterThan(compared, 20)
  }

  // MARK: - Emacs (optional: runs only where emacs is installed)

  func testEmacsModeLoadsHighlightsAndIndents() throws {
    guard let emacs = which("emacs") else { throw XCTSkip("emacs is not installed (optional: apt-get install -y emacs-nox)") }
    let cases = try formattedAndStripped()
    let dir = try temporaryDirectory()
    let report = dir.appendingPathComponent("report.txt")
    let mode = Self.editors.appendingPathComponent("emacs/flow-mode.el").path
    let files = cases.map { lispString($0.input.path) }.joined(separator: " ")
    let lisp = """
      (let ((lines nil))
        (dolist (f (list \(files)))
          (find-file f)
          (indent-region (point-min) (point-max))
          (write-region (point-min) (point-max) (concat f ".out"))
          (kill-buffer))
        (find-file \(lispString(Self.vimFixture.path)))
        (push (symbol-name major-mode) lines)
        (push (format "%S" (derived-mode-p 'prog-mode)) lines)
        (push comment-start lines)
        (font-lock-ensure)
        (dolist (probe '(("@2024" . flow-time-face) ("500ms" . flow-duration-face)
                         ("|>" . flow-pipe-face) ("fn level" . font-lock-keyword-face)
                         ("level(" . font-lock-function-name-face) ("Reading =" . font-lock-type-face)
                         ("still the outer" . font-lock-comment-face) ("Text over" . font-lock-string-face)
                         ("length(" . nil)))
          (goto-char (point-min))
          (search-forward (car probe))
          (let ((face (get-text-property (match-beginning 0) 'face)))
            (push (format "%s=%S" (car probe) (if (consp face) (car face) face)) lines)))
        (with-temp-file \(lispString(report.path)) (insert (mapconcat #'identity (nreverse lines) "\\n"))))
      """
    let r = try runTool(emacs, ["--batch", "-Q", "-l", mode, "--eval", lisp], timeout: 300)
    XCTAssertEqual(r.status, 0, "emacs failed:\n\(r.stderr)")
    guard r.status == 0 else { return }
    let lines = try String(contentsOf: report, encoding: .utf8).split(separator: "\n").map(String.init)
    XCTAssertEqual(Array(lines.prefix(3)), ["flow-mode", "prog-mode", "// "])
    XCTAssertEqual(Array(lines.dropFirst(3)), [
      "@2024=flow-time-face", "500ms=flow-duration-face", "|>=flow-pipe-face", "fn level=font-lock-keyword-face",
      "level(=font-lock-function-name-face", "Reading ==font-lock-type-face", "still the outer=font-lock-comment-face",
      "Text over=font-lock-string-face", "length(=nil",
    ])
    for c in cases {
      guard let got = try? String(contentsOf: URL(fileURLWithPath: c.input.path + ".out"), encoding: .utf8) else {
        XCTFail("emacs wrote no result for \(c.name)")
        continue
      }
      assertSameLines(got.components(separatedBy: "\n"), c.expected.components(separatedBy: "\n"), "emacs indent-region on \(c.name) (expected: the flow fmt layout)")
    }
  }

  /// Every script of the examples, the standard library, the valid corpus
  /// and the editor fixtures, laid out by `flow fmt` (the expected text), and
  /// the same with the indentation of its code lines removed (the input).
  /// Lines inside block comments and triple-quoted strings keep theirs.
  private func formattedAndStripped() throws -> [(name: String, input: URL, expected: String)] {
    let dir = try temporaryDirectory()
    var sources: [(String, URL)] = []
    for url in corpusFiles() {
      let rel = relative(url)
      guard !rel.hasPrefix("Tests/corpus/run") else { continue }
      let copy = dir.appendingPathComponent(rel.replacingOccurrences(of: "/", with: "__"))
      try FileManager.default.copyItem(at: url, to: copy)
      sources.append((rel, copy))
    }
    let fmt = try FlowBinary.run(["fmt", dir.path], timeout: 120)
    XCTAssertEqual(fmt.status, 0, "flow fmt failed on the scripts:\n\(fmt.stdout)\(fmt.stderr)")
    var out: [(name: String, input: URL, expected: String)] = []
    for (rel, copy) in sources {
      let expected = try String(contentsOf: copy, encoding: .utf8)
      let keep = verbatimLines(expected)
      var lines = expected.components(separatedBy: "\n")
      for i in lines.indices where !keep.contains(i + 1) {
        lines[i] = String(lines[i].drop { $0 == " " || $0 == "\t" })
      }
      let input = dir.appendingPathComponent("in-" + copy.lastPathComponent)
      try lines.joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
      out.append((rel, input, expected))
    }
    return out
  }

  /// 1-based numbers of the lines that start inside a block comment or a
  /// triple-quoted string: their indentation is text, not layout.
  private func verbatimLines(_ text: String) -> Set<Int> {
    let source = SourceFile(path: "", text: text)
    let (tokens, _) = Lexer.tokenize(source, fileID: 0)
    var out: Set<Int> = []
    func mark(_ start: Int, _ end: Int) {
      let a = source.location(of: start).line, b = source.location(of: max(start, end - 1)).line
      if b > a { for l in (a + 1)...b { out.insert(l) } }
    }
    let bytes = source.bytes
    var gap = 0
    for t in tokens {
      if case .string = t.kind { mark(t.span.start, t.span.end) }
      var b = gap
      while b + 1 < min(t.span.start, bytes.count) {
        if bytes[b] == UInt8(ascii: "/") && bytes[b + 1] == UInt8(ascii: "/") {
          while b < bytes.count && bytes[b] != UInt8(ascii: "\n") { b += 1 }
        } else if bytes[b] == UInt8(ascii: "/") && bytes[b + 1] == UInt8(ascii: "*") {
          let start = b
          var depth = 0
          while b + 1 < bytes.count {
            if bytes[b] == UInt8(ascii: "/") && bytes[b + 1] == UInt8(ascii: "*") { depth += 1; b += 2 }
            else if bytes[b] == UInt8(ascii: "*") && bytes[b + 1] == UInt8(ascii: "/") { depth -= 1; b += 2; if depth == 0 { break } }
            else { b += 1 }
          }
          mark(start, b)
        } else {
          b += 1
        }
      }
      gap = max(gap, t.span.end)
    }
    return out
  }

  // MARK: - Helpers

  private func jsonObject(_ url: URL) throws -> [String: Any] {
    let data = try Data(contentsOf: url)
    let any: Any
    do { any = try JSONSerialization.jsonObject(with: data) } catch {
      XCTFail("\(relative(url)) is not valid JSON: \(error)")
      throw error
    }
    return try XCTUnwrap(any as? [String: Any], "\(relative(url)) is not a JSON object")
  }

  private func assertFileExists(_ path: Any?, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let rel = try XCTUnwrap(path as? String, "package.json names no \(what) file", file: file, line: line)
    let url = Self.vscode.appendingPathComponent(rel)
    XCTAssertTrue(FileManager.default.fileExists(atPath: url.path), "\(what) \(rel) does not exist", file: file, line: line)
  }

  private func relative(_ url: URL) -> String {
    let root = Self.root.standardizedFileURL.path + "/"
    let p = url.standardizedFileURL.path
    return p.hasPrefix(root) ? String(p.dropFirst(root.count)) : p
  }

  /// Every .flow file of the examples, the standard library, the valid and
  /// run corpora, and the editor fixtures.
  private func corpusFiles() -> [URL] {
    var out: [URL] = []
    for dir in ["Examples", "Stdlib", "Tests/corpus/valid", "Tests/corpus/run", "Editors"] {
      let base = Self.root.appendingPathComponent(dir)
      guard let e = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { continue }
      for case let url as URL in e where url.pathExtension == "flow" { out.append(url) }
    }
    return out.sorted { $0.path < $1.path }
  }

  /// 1-based line and byte column (as Vim counts) of `at` inside the first `needle`.
  private func position(in text: String, needle: String, at: String) -> (Int, Int)? {
    for (i, line) in text.components(separatedBy: "\n").enumerated() {
      guard let r = line.range(of: needle), let a = line[r].range(of: at) else { continue }
      return (i + 1, line.utf8.distance(from: line.startIndex, to: a.lowerBound) + 1)
    }
    return nil
  }

  private func assertSameLines(_ got: [String], _ want: [String], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    guard got != want else { return }
    var diff: [String] = []
    for i in 0..<max(got.count, want.count) {
      let g = i < got.count ? got[i] : "<missing>", w = i < want.count ? want[i] : "<missing>"
      if g != w { diff.append("line \(i + 1):\n  expected: \(w.debugDescription)\n  got:      \(g.debugDescription)") }
    }
    XCTFail("\(what) differs from the expected text:\n" + diff.prefix(20).joined(separator: "\n"), file: file, line: line)
  }

  /// The vim to run, nil after failing (in CI), or a skip (locally) when absent.
  private func vimExecutable() throws -> String? {
    let ci = ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true"
    guard let vim = which("vim") ?? (FileManager.default.isExecutableFile(atPath: "/usr/bin/vim") ? "/usr/bin/vim" : nil) else {
      if ci {
        XCTFail("vim is not installed, and CI must run the Vim editor tests: .ci/run should `apt-get install -y vim` (Debian's full vim, not vim-tiny)")
        return nil
      }
      throw XCTSkip("vim is not installed (apt-get install -y vim); CI requires it")
    }
    let r = try runTool(vim, ["-u", "NONE", "-i", "NONE", "-N", "-es", "--cmd", "if !has('syntax') | cquit | endif", "-c", "qa!"], timeout: 30)
    if r.status != 0 {
      XCTFail("\(vim) has no syntax support (vim-tiny?); install Debian's full `vim` package")
      return nil
    }
    return vim
  }

  /// Runs `script` in headless Vim with Editors/vim on the runtime path and
  /// filetype plugins, indentation and syntax on. The script sees `files`
  /// (the paths given) and fills the list `out`, whose lines are returned.
  private func runVim(_ vim: String, files: [URL], script: String) throws -> [String] {
    let dir = try temporaryDirectory()
    let scriptURL = dir.appendingPathComponent("probe.vim")
    let outURL = dir.appendingPathComponent("out.txt")
    let body = """
      set nomore
      let files = [\(files.map { vimString($0.path) }.joined(separator: ", "))]
      let out = []
      try
      \(script)
      catch
        let out = ['vim error: ' . v:exception . ' at ' . v:throwpoint]
      endtry
      call writefile(out, \(vimString(outURL.path)))
      qa!
      """
    try body.write(to: scriptURL, atomically: true, encoding: .utf8)
    let r = try runTool(vim, [
      "-u", "NONE", "-i", "NONE", "-N", "-es",
      "--cmd", "set rtp^=" + Self.vimDir.path.replacingOccurrences(of: " ", with: "\\ "),
      "--cmd", "filetype plugin indent on",
      "--cmd", "syntax on",
      "-S", scriptURL.path,
    ], timeout: 300)
    guard let text = try? String(contentsOf: outURL, encoding: .utf8) else {
      XCTFail("vim wrote no output (exit \(r.status)):\n\(r.stdout)\n\(r.stderr)")
      return []
    }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let result = lines.last == "" ? Array(lines.dropLast()) : lines
    if let err = result.first(where: { $0.hasPrefix("vim error: ") }) { XCTFail(err) }
    return result
  }

  private func vimString(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
  private func lispString(_ s: String) -> String {
    "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }

  private func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-editor-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir
  }

  private func which(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
      let p = String(dir) + "/" + name
      if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
  }

  private struct ToolRun { var status: Int32; var stdout: String; var stderr: String }

  private func runTool(_ exe: String, _ args: [String], timeout: TimeInterval) throws -> ToolRun {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    p.currentDirectoryURL = Self.root
    var env = ProcessInfo.processInfo.environment
    env["HOME"] = FileManager.default.temporaryDirectory.path // no user vimrc, viminfo or init.el
    env["TERM"] = "dumb"
    p.environment = env
    // Output goes to files, so a chatty tool never blocks on a full pipe.
    let dir = try temporaryDirectory()
    let outURL = dir.appendingPathComponent("stdout"), errURL = dir.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
    defer { try? out.close(); try? err.close() }
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let deadline = Date().addingTimeInterval(timeout)
    while p.isRunning && Date() < deadline { usleep(10_000) }
    if p.isRunning {
      p.terminate()
      XCTFail("\(exe) \(args.joined(separator: " ")) timed out after \(timeout) s")
    }
    p.waitUntilExit()
    let outData = (try? Data(contentsOf: outURL)) ?? Data(), errData = (try? Data(contentsOf: errURL)) ?? Data()
    return ToolRun(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
  }
}

// MARK: - A small TextMate tokenizer

/// Enough of the TextMate engine for this grammar: `match` rules with
/// captures, `begin`/`end` rules with begin/end captures and `contentName`,
/// `include` of `#name` and `$self`, state carried across lines. Regexes
/// run with NSRegularExpression (ICU), so the grammar keeps to the subset
/// ICU shares with Oniguruma.
private final class TMGrammar {
  final class Rule {
    var name: String?
    var contentName: String?
    var match: NSRegularExpression?
    var begin: NSRegularExpression?
    var end: NSRegularExpression?
    var captures: [Int: String] = [:]
    var beginCaptures: [Int: String] = [:]
    var endCaptures: [Int: String] = [:]
    var includes: [Any] = [] // Rule or String (an include)
    var resolved: [Rule]? = nil
  }

  private var repository: [String: Rule] = [:]
  private let root: Rule

  init(url: URL) throws {
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
    root = Rule()
    var repo: [String: Rule] = [:]
    for (name, value) in json["repository"] as? [String: Any] ?? [:] {
      repo[name] = try Self.makeRule(value as? [String: Any] ?? [:])
    }
    repository = repo
    root.includes = try (json["patterns"] as? [[String: Any]] ?? []).map { try Self.patternEntry($0) }
  }

  private static func regex(_ s: Any?) throws -> NSRegularExpression? {
    guard let s = s as? String else { return nil }
    return try NSRegularExpression(pattern: s)
  }

  private static func captureNames(_ any: Any?) -> [Int: String] {
    var out: [Int: String] = [:]
    for (k, v) in any as? [String: Any] ?? [:] {
      if let i = Int(k), let name = (v as? [String: Any])?["name"] as? String { out[i] = name }
    }
    return out
  }

  private static func makeRule(_ d: [String: Any]) throws -> Rule {
    let r = Rule()
    r.name = d["name"] as? String
    r.contentName = d["contentName"] as? String
    r.match = try regex(d["match"])
    r.begin = try regex(d["begin"])
    r.end = try regex(d["end"])
    r.captures = captureNames(d["captures"])
    r.beginCaptures = captureNames(d["beginCaptures"] ?? d["captures"])
    r.endCaptures = captureNames(d["endCaptures"] ?? d["captures"])
    r.includes = try (d["patterns"] as? [[String: Any]] ?? []).map { try patternEntry($0) }
    return r
  }

  private static func patternEntry(_ d: [String: Any]) throws -> Any {
    if let inc = d["include"] as? String { return inc }
    return try makeRule(d)
  }

  /// The match and begin rules a context tries, includes expanded.
  private func candidates(_ rule: Rule) -> [Rule] {
    if let r = rule.resolved { return r }
    var out: [Rule] = []
    var seen: Set<String> = []
    func expand(_ entries: [Any]) {
      for e in entries {
        if let r = e as? Rule {
          if r.match != nil || r.begin != nil { out.append(r) } else { expand(r.includes) }
        } else if let inc = e as? String {
          guard seen.insert(inc).inserted else { continue }
          if inc == "$self" || inc == "$base" {
            expand(root.includes)
          } else if inc.hasPrefix("#"), let r = repository[String(inc.dropFirst())] {
            if r.match != nil || r.begin != nil { out.append(r) } else { expand(r.includes) }
          }
        }
      }
    }
    expand(rule.includes)
    rule.resolved = out
    return out
  }

  /// The scope stack of every UTF-16 unit of `text`, line by line.
  func tokenize(_ text: String) throws -> [[[String]]] {
    struct Frame { var rule: Rule; var outer: [String]; var inner: [String] }
    var stack = [Frame(rule: root, outer: [], inner: [])]
    var result: [[[String]]] = []
    for rawLine in text.components(separatedBy: "\n") {
      let line = (rawLine + "\n") as NSString
      let length = line.length
      var scopes = [[String]](repeating: [], count: length)
      func fill(_ from: Int, _ to: Int, _ s: [String]) {
        if from < to { for i in from..<to { scopes[i] = s } }
      }
      func fillCaptures(_ m: NSTextCheckingResult, _ names: [Int: String], _ base: [String]) {
        for (group, name) in names.sorted(by: { $0.key < $1.key }) where group < m.numberOfRanges {
          let r = m.range(at: group)
          if r.location != NSNotFound { for i in r.location..<(r.location + r.length) { scopes[i] = base + [name] } }
        }
      }
      // Next match of each regex on this line; valid while it starts at or after pos.
      var cache: [ObjectIdentifier: NSTextCheckingResult?] = [:]
      func next(_ re: NSRegularExpression, _ pos: Int) -> NSTextCheckingResult? {
        if let hit = cache[ObjectIdentifier(re)] {
          guard let m = hit else { return nil }
          if m.range.location >= pos { return m }
        }
        let m = re.firstMatch(in: line as String, options: [.withTransparentBounds, .withoutAnchoringBounds],
                              range: NSRange(location: pos, length: length - pos))
        cache[ObjectIdentifier(re)] = .some(m)
        return m
      }
      var pos = 0
      var steps = 0
      while pos <= length {
        steps += 1
        if steps > 10_000 { throw NSError(domain: "TMGrammar", code: 1, userInfo: [NSLocalizedDescriptionKey: "no progress on line: \(rawLine)"]) }
        let frame = stack[stack.count - 1]
        var best: (m: NSTextCheckingResult, rule: Rule?)? = nil
        // The end pattern wins ties (TextMate's default).
        if let end = frame.rule.end, let m = next(end, pos) { best = (m, nil) }
        for r in candidates(frame.rule) {
          guard let m = next(r.match ?? r.begin!, pos) else { continue }
          if best == nil || m.range.location < best!.m.range.location { best = (m, r) }
        }
        guard let (m, rule) = best else { fill(pos, length, frame.inner); break }
        fill(pos, m.range.location, frame.inner)
        let matchEnd = m.range.location + m.range.length
        if let rule = rule {
          let base = frame.inner + (rule.name.map { [$0] } ?? [])
          fill(m.range.location, matchEnd, base)
          if rule.match != nil {
            fillCaptures(m, rule.captures, base)
            if m.range.length == 0 { // an empty match: step over one unit
              if pos < length { scopes[pos] = frame.inner }
              pos += 1
              continue
            }
          } else {
            fillCaptures(m, rule.beginCaptures, base)
            stack.append(Frame(rule: rule, outer: base, inner: base + (rule.contentName.map { [$0] } ?? [])))
          }
        } else {
          fill(m.range.location, matchEnd, frame.outer)
          fillCaptures(m, frame.rule.endCaptures, frame.outer)
          stack.removeLast()
        }
        pos = matchEnd
        if pos >= length { break }
      }
      result.append(scopes)
    }
    return result
  }
}

// MARK: - The lexer as the oracle

private struct ScopeStats {
  var counts: [String: Int] = [
    "line comment": 0, "block comment": 0, "nested block comment": 0, "duration": 0, "time literal": 0,
    "keyword fn": 0, "function name after fn": 0, "type name": 0, "control keyword": 0, "true/false/null": 0,
    "integer": 0, "hex integer": 0, "float": 0, "string": 0, "triple-quoted string": 0,
    "interpolation": 0, "escape": 0, "pipe": 0, "operator": 0,
  ]
  mutating func bump(_ k: String) { counts[k, default: 0] += 1 }
  mutating func add(_ o: ScopeStats) { for (k, v) in o.counts { counts[k, default: 0] += v } }
}

private struct LexerOracle {
  let source: SourceFile
  let scoped: [[[String]]]
  let relPath: String
  var stats = ScopeStats()
  var failures: [String] = []
  /// Byte offset -> (line index, UTF-16 column).
  private var positions: [(Int, Int)] = []

  init(source: SourceFile, scoped: [[[String]]], relPath: String) {
    self.source = source
    self.scoped = scoped
    self.relPath = relPath
    var line = 0, col = 0
    for scalar in source.text.unicodeScalars {
      for _ in 0..<String(scalar).utf8.count { positions.append((line, col)) }
      if scalar == "\n" { line += 1; col = 0 } else { col += scalar.utf16.count }
    }
    positions.append((line, col))
  }

  func scopes(at byte: Int) -> [String] {
    let (l, c) = positions[min(byte, positions.count - 1)]
    guard l < scoped.count, c < scoped[l].count else { return [] }
    return scoped[l][c]
  }

  /// The scopes below the innermost interpolation (its code's own scopes).
  func inner(_ s: [String]) -> ArraySlice<String> {
    if let i = s.lastIndex(of: "source.flow") { return s[(i + 1)...] }
    return s[...]
  }

  func text(_ span: Span) -> String { String(decoding: source.bytes[span.start..<span.end], as: UTF8.self) }

  mutating func fail(_ byte: Int, _ what: String, _ expected: String) {
    let loc = source.location(of: byte)
    failures.append("\(relPath):\(loc.line):\(loc.column): \(what): expected \(expected), grammar gives \(scopes(at: byte))")
  }

  /// Every byte of `span` (except those in `skip`) has a scope `want` below the interpolation.
  mutating func expect(_ span: Span, _ what: String, exactly want: String) {
    for b in span.start..<span.end where source.bytes[b] & 0xC0 != 0x80 {
      if !inner(scopes(at: b)).contains(want) { fail(b, what, want); return }
    }
  }

  mutating func expect(_ span: Span, _ what: String, prefix: String) {
    for b in span.start..<span.end where source.bytes[b] & 0xC0 != 0x80 {
      if !inner(scopes(at: b)).contains(where: { $0.hasPrefix(prefix) }) { fail(b, what, prefix + "*"); return }
    }
  }

  static let keywordScopes: [String: String] = [
    "if": "keyword.control.flow", "then": "keyword.control.flow", "else": "keyword.control.flow", "match": "keyword.control.flow",
    "type": "storage.type.flow", "fn": "storage.type.flow", "let": "storage.type.flow",
    "pub": "storage.modifier.flow", "extern": "storage.modifier.flow",
    "module": "keyword.other.flow", "import": "keyword.other.flow", "with": "keyword.other.flow", "as": "keyword.other.flow",
    "true": "constant.language.boolean.flow", "false": "constant.language.boolean.flow", "null": "constant.language.null.flow",
  ]
  static let operators: Set<String> = ["=>", "->", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "..", "=", "<", ">", "+", "-", "*", "/", "%", "!", "|", "?"]
  static let punctuation: Set<String> = ["(", ")", "{", "}", "[", "]", ",", ":", ";", "."]

  mutating func check(_ tokens: [Token]) {
    for (i, tok) in tokens.enumerated() {
      let s = inner(scopes(at: tok.span.start))
      let t = text(tok.span)
      if case .string = tok.kind {} else if case .eof = tok.kind {} else if let bad = s.first(where: { $0.hasPrefix("comment.") || $0.hasPrefix("string.") }) {
        fail(tok.span.start, "token \(t.debugDescription)", "code, not \(bad)")
        continue
      }
      switch tok.kind {
      case .keyword(let k):
        guard let want = Self.keywordScopes[k.rawValue] else {
          failures.append("keyword '\(k.rawValue)' is new: give it a scope in flow.tmLanguage.json, the Vim and Emacs modes, and keywordScopes here")
          continue
        }
        expect(tok.span, "keyword \(t)", exactly: want)
        if k == .fn { stats.bump("keyword fn") }
        if want == "keyword.control.flow" { stats.bump("control keyword") }
        if want.hasPrefix("constant.language") { stats.bump("true/false/null") }
      case .int:
        if t.hasPrefix("0x") || t.hasPrefix("0X") {
          expect(tok.span, "hex integer \(t)", exactly: "constant.numeric.integer.hexadecimal.flow")
          stats.bump("hex integer")
        } else {
          expect(tok.span, "integer \(t)", exactly: "constant.numeric.integer.flow")
          stats.bump("integer")
        }
      case .float:
        expect(tok.span, "float \(t)", exactly: "constant.numeric.float.flow")
        stats.bump("float")
      case .duration:
        expect(tok.span, "duration \(t)", exactly: "constant.numeric.duration.flow")
        stats.bump("duration")
      case .time:
        expect(tok.span, "time literal \(t)", exactly: "constant.other.time.flow")
        stats.bump("time literal")
      case .string(let pieces):
        checkString(tok, pieces)
      case .identifier(let name):
        let prev = i > 0 ? tokens[i - 1].kind : .eof
        if prev == .keyword(.fn) {
          expect(tok.span, "function name \(name)", exactly: "entity.name.function.flow")
          stats.bump("function name after fn")
        } else if prev == .keyword(.type) || name.first?.isUppercase == true {
          expect(tok.span, "type name \(name)", exactly: "entity.name.type.flow")
          stats.bump("type name")
        } else if let bad = s.first(where: { scope in ["keyword.", "storage.", "constant.", "entity.name.type", "punctuation."].contains { scope.hasPrefix($0) } }) {
          fail(tok.span.start, "identifier \(name)", "no \(bad)")
        }
      case .punct(let p):
        if p == .pipe {
          expect(tok.span, "pipe", exactly: "keyword.operator.pipe.flow")
          stats.bump("pipe")
        } else if Self.operators.contains(p.rawValue) {
          expect(tok.span, "operator \(p.rawValue)", prefix: "keyword.operator.")
          stats.bump("operator")
        } else if Self.punctuation.contains(p.rawValue) {
          expect(tok.span, "punctuation \(p.rawValue)", prefix: "punctuation.")
        } else {
          failures.append("punctuation '\(p.rawValue)' is new: give it a scope in flow.tmLanguage.json and list it here")
        }
      case .invalid, .eof:
        break
      }
    }
  }

  mutating func checkString(_ tok: Token, _ pieces: [StringPiece]) {
    let bytes = source.bytes
    let triple = tok.span.end - tok.span.start >= 6 && bytes[tok.span.start + 1] == UInt8(ascii: "\"") && bytes[tok.span.start + 2] == UInt8(ascii: "\"")
    let want = triple ? "string.quoted.triple.flow" : "string.quoted.double.flow"
    stats.bump(triple ? "triple-quoted string" : "string")
    let interpolations: [[Token]] = pieces.compactMap { if case .interpolation(let t) = $0 { return t } else { return nil } }
    // Walk the literal's bytes as the lexer does, jumping over interpolations.
    var b = tok.span.start
    var k = 0
    while b < tok.span.end {
      let c = bytes[b]
      if !scopes(at: b).contains(want) { fail(b, "string \(text(tok.span).prefix(40).debugDescription)", want); return }
      if c == UInt8(ascii: "\\"), b + 1 < tok.span.end {
        let e = bytes[b + 1]
        if e == UInt8(ascii: "("), k < interpolations.count {
          let toks = interpolations[k]
          k += 1
          stats.bump("interpolation")
          if !scopes(at: b).contains("punctuation.section.interpolation.begin.flow") {
            fail(b, "interpolation start", "punctuation.section.interpolation.begin.flow")
          }
          for t in toks where t.kind != .eof && !scopes(at: t.span.start).contains("meta.interpolation.flow") {
            fail(t.span.start, "code inside an interpolation", "meta.interpolation.flow")
          }
          check(toks)
          guard let close = toks.last, close.kind == .eof, close.span.end > close.span.start else { return }
          if !scopes(at: close.span.start).contains("punctuation.section.interpolation.end.flow") {
            fail(close.span.start, "interpolation end", "punctuation.section.interpolation.end.flow")
          }
          b = close.span.end
          continue
        }
        if "ntr0\\\"'u".utf8.contains(e) {
          if !scopes(at: b).contains("constant.character.escape.flow") || !scopes(at: b + 1).contains("constant.character.escape.flow") {
            fail(b, "escape", "constant.character.escape.flow")
          }
          stats.bump("escape")
        }
        b += 2
        continue
      }
      b += 1
    }
  }

  /// Comments live between tokens: every byte of each one has a comment
  /// scope, and a nested `/*` is inside two comment.block.flow scopes.
  mutating func checkTrivia(_ tokens: [Token]) {
    let bytes = source.bytes
    var gapStart = 0
    for tok in tokens {
      var b = gapStart
      let end = min(tok.span.start, bytes.count)
      while b < end {
        if bytes[b] == UInt8(ascii: "/"), b + 1 < end, bytes[b + 1] == UInt8(ascii: "/") {
          stats.bump("line comment")
          while b < end && bytes[b] != UInt8(ascii: "\n") {
            if bytes[b] != UInt8(ascii: " ") && !scopes(at: b).contains("comment.line.double-slash.flow") {
              fail(b, "line comment", "comment.line.double-slash.flow"); break
            }
            b += 1
          }
        } else if bytes[b] == UInt8(ascii: "/"), b + 1 < end, bytes[b + 1] == UInt8(ascii: "*") {
          stats.bump("block comment")
          var depth = 0
          var reported = false
          while b < end {
            if bytes[b] == UInt8(ascii: "/"), b + 1 < end, bytes[b + 1] == UInt8(ascii: "*") {
              depth += 1
              if depth > 1 { stats.bump("nested block comment") }
              let n = scopes(at: b).filter { $0 == "comment.block.flow" }.count
              if n != depth && !reported { fail(b, "'/*' at nesting depth \(depth)", "\(depth) × comment.block.flow"); reported = true }
              b += 2
            } else if bytes[b] == UInt8(ascii: "*"), b + 1 < end, bytes[b + 1] == UInt8(ascii: "/") {
              depth -= 1
              b += 2
              if depth == 0 { break }
            } else {
              let c = bytes[b]
              if c != UInt8(ascii: " ") && c != UInt8(ascii: "\n") && !scopes(at: b).contains("comment.block.flow") && !reported {
                fail(b, "block comment", "comment.block.flow"); reported = true
              }
              b += 1
            }
          }
        } else {
          b += 1
        }
      }
      gapStart = max(gapStart, tok.span.end)
    }
  }
}
