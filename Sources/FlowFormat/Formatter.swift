import FlowSyntax

/// `flow fmt`: one canonical layout for Flow source, computed from the
/// lexer's tokens plus the comments and line breaks between them (comments
/// are not in the syntax tree).
///
/// The rules, in short (see Language/tools.md):
/// - line breaks are the author's: a line is never joined or split, runs of
///   blank lines become one, and blank lines at the start and end go;
/// - indentation is two spaces per open bracket (one level per line, however
///   many brackets the line opens), plus two for a continuation line (one
///   that starts with `|>` or another binary operator, or follows a line
///   ending in an operator); after a line ending in `=`, `=>` or `:` a nested
///   expression starts two spaces in (and its own `|>` lines go two further);
///   a closing bracket that starts a line goes back to the indentation of the
///   line that opened it; `then` and `else` line up with an `if` that starts
///   a line;
/// - spacing between tokens is normalized: one space around binary operators,
///   `=`, `=>`, `->` and `|>`, after `,`, `:` and `;`, inside `{ }`; none
///   inside `( )`, `[ ]` and type arguments `< >`, before `(` or `[` of a call
///   or index, around `.` and after a unary operator;
/// - comments are kept verbatim; a comment that starts a line is indented like
///   the code below it, a comment after code is separated from it by one
///   space; trailing whitespace goes and the file ends with one newline.
///
/// The result always has the same tokens (with the same line breaks between
/// them, which the grammar depends on) as the input, so the same syntax tree:
/// `format` checks this and refuses to return a text for which it fails.
public enum FlowFormatter {
  public enum Failure: Error, Equatable {
    /// The input has syntax errors (lexer or parser), in the file given.
    case syntaxErrors([Diagnostic])
    /// A bug: the formatted text would not mean the same program.
    case internalError(String)
  }

  /// Formats `text`. Diagnostics of a `.syntaxErrors` failure have spans in
  /// file `fileID`, so that a caller may render them with its `SourceMap`.
  public static func format(_ text: String, path: String = "<input>", fileID: Int = 0) -> Result<String, Failure> {
    let file = SourceFile(path: path, text: text)
    let (program, diagnostics) = Parser.parse(file, fileID: fileID, ids: NodeIDs())
    let errors = diagnostics.filter { $0.severity == .error }
    if !errors.isEmpty { return .failure(.syntaxErrors(errors)) }
    let (tokens, _) = Lexer.tokenize(file, fileID: fileID)
    guard let out = Layout(file: file, tokens: tokens, program: program).render() else {
      return .failure(.internalError("the text between two tokens is not whitespace or a comment"))
    }
    // The safety net: the same tokens, line breaks and syntax tree.
    let formatted = SourceFile(path: path, text: out)
    let (program2, diagnostics2) = Parser.parse(formatted, fileID: fileID, ids: NodeIDs())
    let (tokens2, _) = Lexer.tokenize(formatted, fileID: fileID)
    if diagnostics2.contains(where: { $0.severity == .error }) {
      return .failure(.internalError("the formatted text does not parse"))
    }
    if !sameTokens(tokens, file, tokens2, formatted) {
      return .failure(.internalError("the formatted text has different tokens or line breaks"))
    }
    if ASTPrinter().print(program) != ASTPrinter().print(program2) {
      return .failure(.internalError("the formatted text has a different syntax tree"))
    }
    return .success(out)
  }

  /// Whether two token lists are equal up to their positions (and the line
  /// breaks before the first token and the end of the file).
  static func sameTokens(_ a: [Token], _ fa: SourceFile, _ b: [Token], _ fb: SourceFile) -> Bool {
    guard a.count == b.count else { return false }
    for (i, (x, y)) in zip(a, b).enumerated() {
      guard x.newlineBefore == y.newlineBefore || i == 0 || x.kind == .eof else { return false }
      switch (x.kind, y.kind) {
      case (.string, .string):
        // Strings (with their interpolations) are copied verbatim.
        if fa.bytes[x.span.start..<x.span.end] != fb.bytes[y.span.start..<y.span.end] { return false }
      default:
        if x.kind != y.kind { return false }
      }
    }
    return true
  }
}

/// One formatting run over one file.
struct Layout {
  let file: SourceFile
  let tokens: [Token]
  let program: SourceProgram

  enum Element {
    case token(Int)
    /// A comment, verbatim (without trailing whitespace); `line` for `//`.
    case comment(String, line: Bool)
  }

  struct Line {
    var elements: [Element] = []
    var blankBefore = false
    var indent = 0
    var firstToken: Int? {
      for e in elements { if case .token(let i) = e { return i } }
      return nil
    }
    var lastToken: Int? {
      for e in elements.reversed() { if case .token(let i) = e { return i } }
      return nil
    }
  }

  /// Token indexes of `<` and `>` that bracket type arguments or parameters.
  var typeAngles: Set<Int> = []
  /// For `then` and `else` tokens: the index of the `if` token of their expression.
  var ifOf: [Int: Int] = [:]
  /// Unary `-` tokens.
  var unaryMinus: Set<Int> = []

  init(file: SourceFile, tokens: [Token], program: SourceProgram) {
    self.file = file
    self.tokens = tokens
    self.program = program
    analyze()
  }

  // MARK: - What the syntax tree tells

  private mutating func analyze() {
    var indexAt: [Int: Int] = [:]
    for (i, t) in tokens.enumerated() where t.kind != .eof { indexAt[t.span.start] = i }
    var opens: [Int] = []
    var ifs: [(ifTok: Int, cond: Expr, then: Expr)] = []
    let tokens = self.tokens
    func angleAfter(_ name: Name) {
      guard let i = indexAt[name.span.start], i + 1 < tokens.count, tokens[i + 1].isPunct(.less) else { return }
      opens.append(i + 1)
    }
    let walker = SyntaxWalker(
      onExpr: { e in
        if case .ifThen(let c, let a, _) = e.kind, let i = indexAt[e.span.start] { ifs.append((i, c, a)) }
      },
      onType: { t in
        if case .named(let n, let args) = t.kind, !args.isEmpty { angleAfter(n) }
      })
    for item in program.items {
      switch item {
      case .fnDecl(let f) where !f.typeParams.isEmpty: angleAfter(f.name)
      case .typeDecl(let t) where !t.params.isEmpty: angleAfter(t.name)
      default: break
      }
      walker.walk(item)
    }
    for o in opens where !typeAngles.contains(o) {
      typeAngles.insert(o)
      var depth = 0
      var k = o
      while k < tokens.count {
        if tokens[k].isPunct(.less) { depth += 1 }
        if tokens[k].isPunct(.greater) {
          depth -= 1
          if depth == 0 {
            typeAngles.insert(k)
            break
          }
        }
        k += 1
      }
    }
    // `then` and `else`: the first such keyword after the condition (or the
    // `then` branch); only closing parentheses can come between.
    func firstKeyword(_ k: Keyword, from offset: Int) -> Int? {
      var lo = 0, hi = tokens.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if tokens[mid].span.start < offset { lo = mid + 1 } else { hi = mid }
      }
      var i = lo
      while i < tokens.count, tokens[i].isPunct(.rParen) { i += 1 }
      return i < tokens.count && tokens[i].isKeyword(k) ? i : nil
    }
    for (ifTok, c, a) in ifs {
      if let t = firstKeyword(.then, from: c.span.end) { ifOf[t] = ifTok }
      if let e = firstKeyword(.else, from: a.span.end) { ifOf[e] = ifTok }
    }
    for (i, t) in tokens.enumerated() where t.isPunct(.minus) {
      if i == 0 || !endsOperand(i - 1) { unaryMinus.insert(i) }
    }
  }

  // MARK: - Token classes

  func isPunct(_ i: Int, _ p: Punct) -> Bool { tokens[i].isPunct(p) }

  func isOpener(_ i: Int) -> Bool { isPunct(i, .lParen) || isPunct(i, .lBracket) || isPunct(i, .lBrace) }
  func isCloser(_ i: Int) -> Bool { isPunct(i, .rParen) || isPunct(i, .rBracket) || isPunct(i, .rBrace) }

  /// Tokens after which an operand is complete (so `-` is binary, `(` a call).
  func endsOperand(_ i: Int) -> Bool {
    switch tokens[i].kind {
    case .identifier, .int, .float, .duration, .time, .string, .invalid: return true
    case .keyword(let k): return k == .true || k == .false || k == .null
    case .punct(.rParen), .punct(.rBracket), .punct(.rBrace), .punct(.question): return true
    case .punct(.greater): return typeAngles.contains(i)
    default: return false
    }
  }

  /// Binary operators and the like: a line that starts or ends with one
  /// continues the line before or after it.
  func isOperator(_ i: Int) -> Bool {
    switch tokens[i].kind {
    case .punct(let p):
      switch p {
      case .pipe, .fatArrow, .arrow, .eqEq, .notEq, .lessEq, .greaterEq, .andAnd, .orOr, .questionQuestion,
           .plus, .star, .slash, .percent, .equal, .bar, .dot, .questionDot, .colon, .bang:
        return true
      case .minus: return true
      case .less, .greater: return !typeAngles.contains(i)
      default: return false
      }
    case .keyword(let k):
      return k == .then || k == .else || k == .with || k == .as || k == .if || k == .match
    default:
      return false
    }
  }

  func startsContinuation(_ i: Int) -> Bool {
    if isPunct(i, .minus) { return !unaryMinus.contains(i) }
    if isPunct(i, .bang) || isPunct(i, .colon) { return false }
    if tokens[i].isKeyword(.if) || tokens[i].isKeyword(.match) { return false }
    return isOperator(i)
  }

  // MARK: - Spacing

  func text(_ i: Int) -> String {
    let s = tokens[i].span
    return String(decoding: file.bytes[s.start..<s.end], as: UTF8.self)
  }

  /// Whether a space goes between adjacent tokens `a` and `b` on one line.
  func space(_ a: Int, _ b: Int) -> Bool {
    if mustSeparate(a, b) { return true }
    switch tokens[b].kind {
    case .punct(.comma), .punct(.semicolon), .punct(.colon), .punct(.rParen), .punct(.rBracket),
         .punct(.dot), .punct(.questionDot), .punct(.question):
      return false
    case .punct(.rBrace):
      return !isPunct(a, .lBrace)
    case .punct(.less), .punct(.greater):
      if typeAngles.contains(b) { return false }
    default:
      break
    }
    switch tokens[a].kind {
    case .punct(.lParen), .punct(.lBracket), .punct(.dot), .punct(.questionDot), .punct(.bang):
      return false
    case .punct(.minus):
      if unaryMinus.contains(a) { return false }
    case .punct(.less):
      if typeAngles.contains(a) { return false }
    default:
      break
    }
    if isPunct(b, .lParen) || isPunct(b, .lBracket) { return !endsOperand(a) }
    return true
  }

  /// Tokens that would lex as one (or as a comment) if written together.
  func mustSeparate(_ a: Int, _ b: Int) -> Bool {
    let sa = tokens[a].span, sb = tokens[b].span
    guard sa.end > sa.start, sb.end > sb.start else { return false }
    let x = file.bytes[sa.end - 1], y = file.bytes[sb.start]
    func word(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }
    if word(x) && word(y) { return true }
    if x == UInt8(ascii: "/") && (y == UInt8(ascii: "/") || y == UInt8(ascii: "*")) { return true }
    for p in Punct.allCases {
      let r = Array(p.rawValue.utf8)
      if r.count >= 2 && r[0] == x && r[1] == y { return true }
    }
    return false
  }

  // MARK: - Lines

  /// Splits the file into lines of tokens and comments; nil when something
  /// other than whitespace or a comment lies between two tokens.
  func lines() -> [Line]? {
    var out: [Line] = []
    var cur = Line()
    var newlines = 0
    let bytes = file.bytes
    func add(_ e: Element) {
      if cur.elements.isEmpty { cur.blankBefore = newlines >= 2 && !out.isEmpty }
      cur.elements.append(e)
      newlines = 0
    }
    func newline() {
      if !cur.elements.isEmpty {
        out.append(cur)
        cur = Line()
      }
      newlines += 1
    }
    func trivia(_ from: Int, _ to: Int) -> Bool {
      var p = from
      while p < to {
        let c = bytes[p]
        if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") {
          p += 1
        } else if c == UInt8(ascii: "\n") {
          newline()
          p += 1
        } else if c == UInt8(ascii: "/") && p + 1 < to && bytes[p + 1] == UInt8(ascii: "/") {
          let s = p
          while p < to && bytes[p] != UInt8(ascii: "\n") { p += 1 }
          add(.comment(rstrip(String(decoding: bytes[s..<p], as: UTF8.self)), line: true))
        } else if c == UInt8(ascii: "/") && p + 1 < to && bytes[p + 1] == UInt8(ascii: "*") {
          let s = p
          var depth = 0
          while p < to {
            if bytes[p] == UInt8(ascii: "/") && p + 1 < to && bytes[p + 1] == UInt8(ascii: "*") {
              depth += 1
              p += 2
            } else if bytes[p] == UInt8(ascii: "*") && p + 1 < to && bytes[p + 1] == UInt8(ascii: "/") {
              depth -= 1
              p += 2
              if depth == 0 { break }
            } else {
              p += 1
            }
          }
          let body = String(decoding: bytes[s..<p], as: UTF8.self)
          add(.comment(body.split(separator: "\n", omittingEmptySubsequences: false).map { rstrip(String($0)) }.joined(separator: "\n"), line: false))
        } else {
          return false
        }
      }
      return true
    }
    var prevEnd = 0
    for (i, t) in tokens.enumerated() {
      guard trivia(prevEnd, t.kind == .eof ? bytes.count : t.span.start) else { return nil }
      if t.kind == .eof { break }
      add(.token(i))
      prevEnd = t.span.end
    }
    if !cur.elements.isEmpty { out.append(cur) }
    return out
  }

  func render() -> String? {
    guard var lines = lines() else { return nil }
    indent(&lines)
    var out = ""
    for (n, line) in lines.enumerated() {
      if line.blankBefore && n > 0 { out += "\n" }
      var s = String(repeating: " ", count: line.indent)
      var prev: Element? = nil
      for e in line.elements {
        switch (prev, e) {
        case (nil, _): break
        case (.token(let a)?, .token(let b)): if space(a, b) { s += " " }
        case (.token?, .comment): s += " "
        case (.comment?, _): s += " "
        }
        switch e {
        case .token(let i): s += text(i)
        case .comment(let c, _): s += c
        }
        prev = e
      }
      out += rstrip(s) + "\n"
    }
    return out
  }

  /// Sets each line's indentation.
  ///
  /// Each open bracket is a level whose lines are indented two spaces more
  /// than the line that opened it. Within a level, the `anchor` is the
  /// indentation of the line where the current expression began: a
  /// continuation line (`|> ...`, or after a line ending in `+`) is indented
  /// two more than the anchor, and a line after one ending in `=`, `=>`, `:`,
  /// `then` or `else` begins a nested expression there, which becomes the
  /// anchor of its own continuation lines.
  func indent(_ lines: inout [Line]) {
    struct Level {
      var line: Int
      var inner: Int
      var anchor: Int
    }
    var levels = [Level(line: -1, inner: 0, anchor: 0)]
    var lineOf: [Int: Int] = [:]
    var pendingComments: [Int] = []
    var prevCodeLine: Int? = nil
    var prevLast: Int? = nil
    for li in lines.indices {
      guard let first = lines[li].firstToken else {
        pendingComments.append(li)
        continue
      }
      let level = levels[levels.count - 1]
      var indent: Int
      if isCloser(first), levels.count > 1 {
        indent = level.inner - 2
      } else if let ifTok = ifOf[first], let ifLine = lineOf[ifTok], anchors(ifTok, in: lines[ifLine]) {
        indent = lines[ifLine].indent
        levels[levels.count - 1].anchor = indent
      } else if level.line == prevCodeLine || prevLast == nil {
        // The first line inside a bracket opened just above. When it
        // continues an expression begun on the bracket's line (`f(x => a` and
        // then `|> g`), that expression's later lines line up with it.
        indent = level.inner
        let continues = startsContinuation(first) || (prevLast.map { isOperator($0) && !opensExpression($0) } ?? false)
        levels[levels.count - 1].anchor = continues ? indent - 2 : indent
      } else if let p = prevLast, opensExpression(p), !startsContinuation(first) {
        indent = level.anchor + 2
        levels[levels.count - 1].anchor = indent
      } else if startsContinuation(first) || prevLast.map(isOperator) == true {
        indent = level.anchor + 2
      } else {
        indent = level.inner
        levels[levels.count - 1].anchor = indent
      }
      lines[li].indent = indent
      for c in pendingComments { lines[c].indent = isCloser(first) ? level.inner : indent }
      pendingComments = []
      for e in lines[li].elements {
        guard case .token(let i) = e else { continue }
        lineOf[i] = li
        if isOpener(i) {
          levels.append(Level(line: li, inner: indent + 2, anchor: indent + 2))
        } else if isCloser(i), levels.count > 1 {
          levels.removeLast()
        }
      }
      prevCodeLine = li
      prevLast = lines[li].lastToken
    }
    for c in pendingComments { lines[c].indent = levels[levels.count - 1].inner }
  }

  /// Tokens after which the next line begins a nested expression.
  func opensExpression(_ i: Int) -> Bool {
    switch tokens[i].kind {
    case .punct(.equal), .punct(.fatArrow), .punct(.colon): return true
    case .keyword(let k): return k == .then || k == .else || k == .if || k == .match || k == .with
    default: return false
    }
  }

  /// Whether `then`/`else` should line up with the line of `ifTok`: when the
  /// `if` starts that line, or follows the `else` that starts it.
  func anchors(_ ifTok: Int, in line: Line) -> Bool {
    guard let first = line.firstToken else { return false }
    if first == ifTok { return true }
    return first + 1 == ifTok && tokens[first].isKeyword(.else)
  }
}

func rstrip(_ s: String) -> String {
  var scalars = Substring(s).unicodeScalars
  while let last = scalars.last, last == " " || last == "\t" || last == "\r" { scalars.removeLast() }
  return String(scalars)
}
