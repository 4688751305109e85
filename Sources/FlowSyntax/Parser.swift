/// A hand-written recursive-descent parser with precedence climbing.
///
/// Naming convention, as in the files by syntax category that extend it:
/// `parseX` parses an X and reports an error when it is not there, `maybeX`
/// parses an X only if one starts here and is silent otherwise, and `expect`
/// consumes a required token or reports that it is missing.
///
/// **Architecture invariant:** the parser never throws and never stops early.
/// It returns a tree and every diagnostic; each loop consumes at least one
/// token per iteration or exits, so it always terminates.
public final class NodeIDs: @unchecked Sendable {
  private var next = 0
  public init() {}
  public func make() -> Int {
    next += 1
    return next
  }
}

public final class Parser {
  var tokens: [Token]
  var pos = 0
  let fileID: Int
  let ids: NodeIDs
  public internal(set) var diagnostics: [Diagnostic] = []
  /// Nonzero while parsing a match guard, where `name =>` ends the guard
  /// instead of starting a lambda.
  var inGuard = 0
  /// How deeply expressions nest; bounds recursion on hostile input.
  var depth = 0
  static let maxDepth = 200
  /// Operators in one left-associative chain (`a + b + ...`, `|> f() |> ...`).
  static let maxChain = 256
  /// Parsing the tokens of a string interpolation `\( ... )`, whose `eof`
  /// token is the closing `)`.
  var inInterpolation = false
  /// The token position of the last error, so that a token gets one error.
  var lastErrorPos = -1
  /// How many `invalid` tokens (already reported by the lexer) were consumed.
  var invalidTokensConsumed = 0
  /// See `SourceProgram.statementsWithSyntaxErrors`.
  var statementsWithSyntaxErrors: Set<Int> = []

  public init(tokens: [Token], fileID: Int, ids: NodeIDs) {
    self.tokens = tokens.isEmpty ? [Token(kind: .eof, span: Span(fileID: fileID, start: 0, end: 0), newlineBefore: false)] : tokens
    self.fileID = fileID
    self.ids = ids
  }

  /// Lexes and parses one file.
  public static func parse(_ file: SourceFile, fileID: Int, ids: NodeIDs) -> (SourceProgram, [Diagnostic]) {
    let (tokens, lexDiags) = Lexer.tokenize(file, fileID: fileID)
    let parser = Parser(tokens: tokens, fileID: fileID, ids: ids)
    let (module, items) = parser.parseProgram()
    let program = SourceProgram(file: file, fileID: fileID, module: module, items: items)
    program.statementsWithSyntaxErrors = parser.statementsWithSyntaxErrors
    return (program, lexDiags + parser.diagnostics)
  }

  // MARK: - Token access

  var current: Token { tokens[pos] }
  func peek(_ k: Int = 1) -> Token { tokens[min(pos + k, tokens.count - 1)] }
  var atEOF: Bool { current.kind == .eof }

  @discardableResult
  func advance() -> Token {
    let t = tokens[pos]
    if t.kind == .invalid { invalidTokensConsumed += 1 }
    if pos < tokens.count - 1 { pos += 1 }
    return t
  }

  /// How the current token is named in "expected X, found Y".
  var found: String { describe(current) }

  func describe(_ t: Token) -> String {
    if t.kind == .eof && inInterpolation { return "')' (the end of the interpolation)" }
    return t.kind.description
  }

  /// Where to report that something is missing before the current token:
  /// at the token itself when it is on the same line, otherwise just after
  /// the previous token, on the line where the missing thing belongs (a
  /// forgotten `)` is a mistake on its own line, not on the next one).
  var missingSpan: Span {
    if pos > 0 && (current.newlineBefore || (atEOF && !inInterpolation)) { return previousEnd }
    return current.span
  }

  func at(_ p: Punct) -> Bool { current.isPunct(p) }
  func at(_ k: Keyword) -> Bool { current.isKeyword(k) }

  func eat(_ p: Punct) -> Bool {
    if at(p) { advance(); return true }
    return false
  }

  func eat(_ k: Keyword) -> Bool {
    if at(k) { advance(); return true }
    return false
  }

  /// Consumes `p` or reports it missing (without consuming anything).
  @discardableResult
  func expect(_ p: Punct, _ context: String, notes: [String] = []) -> Bool {
    if eat(p) { return true }
    error("E0100", "expected '\(p.rawValue)' \(context), found \(found)", at: missingSpan, notes: notes)
    return false
  }

  func expectIdentifier(_ context: String) -> Name? {
    if let s = current.identifier {
      let t = advance()
      return Name(s, t.span)
    }
    // A keyword is a fine field name in a record literal or record type
    // (`{ type: "x" }`), as it is after a dot (`r.type`).
    if case .keyword(let k) = current.kind, context == "for the field", peek().isPunct(.colon) {
      let t = advance()
      return Name(k.rawValue, t.span)
    }
    // A declaration keyword at the start of the next line begins the next
    // item: the name is missing, rather than a keyword misused as a name.
    if case .keyword(let k) = current.kind, !(current.newlineBefore && startsItem(current)) {
      error("E0101", "'\(k.rawValue)' is a keyword and cannot be used as a name \(context)", at: current.span, notes: ["help: choose another name, e.g. '\(k.rawValue)_'"])
      let t = advance()
      return Name(k.rawValue, t.span)
    }
    error("E0100", "expected a name \(context), found \(found)", at: missingSpan)
    return nil
  }

  var previousEnd: Span {
    let t = tokens[max(0, pos - 1)]
    return Span(fileID: fileID, start: t.span.end, end: t.span.end)
  }

  func span(from start: Span) -> Span { start.to(tokens[max(0, pos - 1)].span) }

  func error(_ code: String, _ message: String, at span: Span, label: String? = nil, notes: [String] = []) {
    // One error per position: a second complaint about the same token is noise.
    if let last = diagnostics.last, last.span.start == span.start, last.span.fileID == span.fileID { return }
    // Nor is a complaint before any token was consumed since the last one
    // (its span may differ: see `missingSpan`).
    if pos == lastErrorPos { return }
    // The lexer has already reported a token it could not read, or a string
    // that swallowed the rest of its line (and with it, say, a ')').
    if current.kind == .invalid { return }
    if pos > 0 && tokens[pos - 1].unterminated && span.start >= tokens[pos - 1].span.start { return }
    lastErrorPos = pos
    diagnostics.append(.error(code, message, at: span, label: label, notes: notes))
  }

  func makeExpr(_ kind: Expr.Kind, _ span: Span) -> Expr { Expr(id: ids.make(), span: span, kind: kind) }
  func errorExpr(_ span: Span) -> Expr { makeExpr(.error, span) }

  // MARK: - Recovery

  /// Skips to a point where a new top-level item can begin: a token at the
  /// start of a line, outside any bracket, that is not a continuation (`|>`).
  ///
  /// The token at the error usually belongs to the broken item and is
  /// skipped, unless it is a declaration keyword starting a line. A
  /// declaration keyword at the start of a line also ends the skip inside
  /// brackets opened since the error, so that a forgotten closer does not
  /// swallow the rest of the file (`let` only outside braces, since blocks
  /// hold `let`s).
  func synchronizeItem() {
    var open: [Punct] = []
    let start = pos
    while !atEOF {
      let t = current
      if t.newlineBefore && !isContinuation(t) {
        if open.isEmpty && (pos > start || startsItem(t)) { return }
        if !open.isEmpty && startsItem(t) && !(t.isKeyword(.let) && open.contains(.lBrace)) { return }
      }
      if t.isPunct(.semicolon) && open.isEmpty { advance(); return }
      switch t.kind {
      case .punct(let p) where p == .lParen || p == .lBracket || p == .lBrace: open.append(p)
      case .punct(.rParen), .punct(.rBracket), .punct(.rBrace): if !open.isEmpty { open.removeLast() }
      default: break
      }
      advance()
    }
  }

  /// Inside a bracketed list, skips to the next separator or the closing bracket.
  func synchronize(to closer: Punct) {
    var depth = 0
    while !atEOF {
      switch current.kind {
      case .punct(.lParen), .punct(.lBracket), .punct(.lBrace): depth += 1
      case .punct(.rParen), .punct(.rBracket), .punct(.rBrace):
        if depth == 0 { return }
        depth -= 1
      case .punct(.comma) where depth == 0: return
      default:
        // A new item at the start of a line means the closer was forgotten.
        if depth == 0 && current.newlineBefore && startsItem(current) { return }
      }
      advance()
    }
  }

  func isContinuation(_ t: Token) -> Bool {
    switch t.kind {
    case .punct(.pipe), .punct(.dot), .punct(.questionDot), .punct(.andAnd), .punct(.orOr), .punct(.questionQuestion),
         .punct(.plus), .punct(.star), .punct(.slash), .punct(.percent), .punct(.eqEq), .punct(.notEq),
         .punct(.rParen), .punct(.rBracket), .punct(.rBrace), .punct(.comma), .punct(.fatArrow),
         .keyword(.then), .keyword(.else), .keyword(.with):
      return true
    default:
      return false
    }
  }

  /// Tokens that can begin an expression, pattern or type: after a missing
  /// comma, the next list item.
  func canStartItem(_ t: Token) -> Bool {
    switch t.kind {
    case .identifier, .int, .float, .duration, .time, .string: return true
    case .keyword(let k): return [.true, .false, .null, .if, .match].contains(k)
    case .punct(let p): return [.lParen, .lBracket, .lBrace, .minus, .bang].contains(p)
    default: return false
    }
  }

  func startsItem(_ t: Token) -> Bool {
    switch t.kind {
    case .keyword(.let), .keyword(.fn), .keyword(.type), .keyword(.import), .keyword(.pub), .keyword(.extern), .keyword(.module):
      return true
    default:
      return false
    }
  }

  /// Parses `open item (sep item)* [sep] close`, recovering inside the list.
  /// `item` must consume at least one token or report an error.
  func parseList<T>(_ close: Punct, _ what: String, _ item: () -> T?) -> [T] {
    var out: [T] = []
    // Whether the items so far span lines: then a line break without a comma
    // is a missing comma; otherwise it is a missing closer.
    var multiline = false
    while !at(close) && !atEOF {
      let before = pos
      if current.newlineBefore { multiline = true }
      if let x = item() { out.append(x) }
      if eat(.comma) { continue }
      if at(close) { break }
      // `[1, 2, 3` and the next statement on the next line: the closer is
      // missing (the caller says so); do not read the next line as items.
      let looksLikeNextItem = multiline || (current.identifier != nil && peek().isPunct(.colon))
      if pos > before && current.newlineBefore && !looksLikeNextItem { break }
      if pos == before || !current.newlineBefore || !startsItem(current) {
        error("E0100", "expected ',' or '\(close.rawValue)' in \(what), found \(found)", at: missingSpan)
        // `f(1 2)`, `{ x: 0.0 y: 0.0 }`: only the comma is missing. Go on
        // with the next item rather than skip it (which would cause a
        // second error, such as a missing argument).
        if pos > before && canStartItem(current) { continue }
        synchronize(to: close)
        if eat(.comma) { continue }
        if pos == before { break }
      } else {
        break
      }
    }
    return out
  }
}
