/// Expressions, by precedence from lowest to highest:
/// lambda `=>`, pipe `|>`, `??` (right), `||`, `&&`, comparisons (non-associative),
/// `+ -`, `* / %`, unary `- !`, then postfix call, index, `.field`, `?.field`.
extension Parser {
  public func parseExpr() -> Expr {
    depth += 1
    defer { depth -= 1 }
    if depth > Parser.maxDepth {
      error("E0107", "expression is nested too deeply", at: current.span, notes: ["help: split it into smaller 'let' bindings"])
      let t = advance()
      return errorExpr(t.span)
    }
    if startsLambda() { return parseLambda() }
    return parsePipe()
  }

  // MARK: - Lambdas

  /// `x =>`, `_ =>`, or `( ... ) =>` with balanced parentheses.
  func startsLambda() -> Bool {
    // In a match guard, `x if x > lim => 1`: the `=>` ends the guard.
    if current.identifier != nil && peek().isPunct(.fatArrow) { return inGuard == 0 }
    guard at(.lParen) else { return false }
    var d = 0
    var k = 0
    while pos + k < tokens.count {
      let t = tokens[pos + k]
      switch t.kind {
      case .punct(.lParen), .punct(.lBracket), .punct(.lBrace): d += 1
      case .punct(.rParen), .punct(.rBracket), .punct(.rBrace):
        d -= 1
        if d == 0 { return peek(k + 1).isPunct(.fatArrow) }
      case .eof: return false
      default: break
      }
      k += 1
    }
    return false
  }

  func parseLambda() -> Expr {
    let start = current.span
    var params: [Param] = []
    if at(.lParen) {
      advance()
      params = parseList(.rParen, "the lambda's parameters") { parseParam(allowDefault: false) }
      expect(.rParen, "to close the lambda's parameters")
    } else {
      let t = advance()
      let name = t.identifier ?? "_"
      let pat = Pattern(id: ids.make(), span: t.span, kind: name == "_" ? .wildcard : .bind(name))
      params = [Param(pattern: pat, type: nil, defaultValue: nil, span: t.span)]
    }
    expect(.fatArrow, "after the lambda's parameters")
    let body = parseExpr()
    return makeExpr(.lambda(params, body), span(from: start))
  }

  // MARK: - Binary operators

  func parsePipe() -> Expr {
    var lhs = parseBinary(minPrec: 1)
    var length = 0
    while at(.pipe) {
      length += 1
      if length > Parser.maxChain { return tooLong(lhs) }
      advance()
      let rhs: Expr
      if startsLambda() {
        rhs = parseLambda()
      } else {
        rhs = parseUnary()
      }
      lhs = makeExpr(.pipe(lhs, rhs), lhs.span.to(rhs.span))
    }
    return lhs
  }

  private func binaryOp(_ t: Token) -> (BinaryOp, Int)? {
    guard case .punct(let p) = t.kind else { return nil }
    switch p {
    case .questionQuestion: return (.coalesce, 1)
    case .orOr: return (.or, 2)
    case .andAnd: return (.and, 3)
    case .eqEq: return (.eq, 4)
    case .notEq: return (.ne, 4)
    case .less: return (.lt, 4)
    case .lessEq: return (.le, 4)
    case .greater: return (.gt, 4)
    case .greaterEq: return (.ge, 4)
    case .plus: return (.add, 5)
    case .minus: return (.sub, 5)
    case .star: return (.mul, 6)
    case .slash: return (.div, 6)
    case .percent: return (.mod, 6)
    default: return nil
    }
  }

  /// An operator chain longer than `maxChain` would nest the tree (and the
  /// checker's recursion over it) deeper than the stack allows: reported
  /// once, and the rest of the statement is skipped.
  func tooLong(_ lhs: Expr) -> Expr {
    error("E0107", "expression is nested too deeply: more than \(Parser.maxChain) operators in a row", at: current.span, notes: ["help: split it into smaller 'let' bindings"])
    synchronizeItem()
    return errorExpr(lhs.span)
  }

  func parseBinary(minPrec: Int) -> Expr {
    var lhs = parseUnary()
    var length = 0
    while true {
      var next = binaryOp(current)
      // `a = b` where an expression continues: '=' never follows an
      // expression in Flow, so it is a comparison written with one '='.
      if next == nil, at(.equal), 4 >= minPrec {
        error("E0100", "found '=' in an expression; to compare values, write '=='", at: current.span, notes: ["help: write `==` to compare; a name is bound with `let name = value`"])
        next = (.eq, 4)
      }
      guard let (op, prec) = next, prec >= minPrec else { break }
      length += 1
      if length > Parser.maxChain { return tooLong(lhs) }
      let opTok = advance()
      // `??` is right-associative; comparisons do not chain.
      let nextMin = op == .coalesce ? prec : prec + 1
      let rhs = startsLambda() ? parseLambda() : parseBinary(minPrec: nextMin)
      lhs = makeExpr(.binary(op, lhs, rhs), lhs.span.to(rhs.span))
      if prec == 4, let (op2, p2) = binaryOp(current), p2 == 4 {
        error("E0108", "comparison operators cannot be chained", at: current.span, notes: ["help: write `a \(op.rawValue) b && b \(op2.rawValue) c`"])
        _ = opTok
        // Take the rest of the chain, and let the whole chain stand as an
        // error: its type is not known, so it causes no further errors.
        while let (_, p3) = binaryOp(current), p3 == 4 {
          advance()
          _ = parseBinary(minPrec: 5)
        }
        lhs = errorExpr(span(from: lhs.span))
      }
    }
    return lhs
  }

  func parseUnary() -> Expr {
    if at(.minus) || at(.bang) {
      let t = advance()
      let operand = parseUnary()
      // Fold a negative literal so that `-9223372036854775808` stays a literal.
      if t.isPunct(.minus) {
        switch operand.kind {
        case .int(let v): return makeExpr(.int(0 &- v), t.span.to(operand.span))
        case .float(let v): return makeExpr(.float(-v), t.span.to(operand.span))
        case .duration(let v): return makeExpr(.duration(-v), t.span.to(operand.span))
        default: break
        }
      }
      return makeExpr(.unary(t.isPunct(.minus) ? .neg : .not, operand), t.span.to(operand.span))
    }
    return parsePostfix(parsePrimary())
  }

  // MARK: - Postfix

  func parsePostfix(_ base: Expr) -> Expr {
    var e = base
    while true {
      let before = pos
      if at(.lParen) && !current.newlineBefore {
        advance()
        // Inside brackets a lambda is allowed again, even in a guard.
        let savedGuard = inGuard
        inGuard = 0
        let args = parseList(.rParen, "the argument list") { parseArg() }
        inGuard = savedGuard
        expect(.rParen, "to close the argument list")
        e = makeExpr(.call(e, args), span(from: e.span))
      } else if at(.lBracket) && !current.newlineBefore {
        advance()
        let index = parseExpr()
        expect(.rBracket, "to close the index")
        e = makeExpr(.index(e, index), span(from: e.span))
      } else if at(.dot) || at(.questionDot) {
        let optional = at(.questionDot)
        advance()
        if case .int(let i) = current.kind, !optional {
          advance()
          e = makeExpr(.tupleIndex(e, Int(i)), span(from: e.span))
        } else if let n = current.identifier {
          let t = advance()
          let name = Name(n, t.span)
          e = makeExpr(optional ? .optionalField(e, name) : .field(e, name), span(from: e.span))
        } else if case .keyword(let k) = current.kind, !current.newlineBefore {
          // Allow keywords as field names after a dot (`r.type`), on the same line.
          let t = advance()
          let name = Name(k.rawValue, t.span)
          e = makeExpr(optional ? .optionalField(e, name) : .field(e, name), span(from: e.span))
        } else {
          error("E0100", "expected a field name after '.', found \(found)", at: missingSpan)
          return e
        }
      } else {
        return e
      }
      if pos == before { return e }
    }
  }

  func parseArg() -> Arg? {
    if let n = current.identifier, peek().isPunct(.colon) {
      let t = advance()
      advance()
      return Arg(label: Name(n, t.span), value: parseExpr())
    }
    return Arg(label: nil, value: parseExpr())
  }

  // MARK: - Primary expressions

  func parsePrimary() -> Expr {
    let t = current
    switch t.kind {
    case .int(let v): advance(); return makeExpr(.int(v), t.span)
    case .float(let v): advance(); return makeExpr(.float(v), t.span)
    case .duration(let v): advance(); return makeExpr(.duration(v), t.span)
    case .time(let v): advance(); return makeExpr(.time(v), t.span)
    case .string(let pieces): advance(); return makeExpr(.string(stringParts(pieces)), t.span)
    case .keyword(.true): advance(); return makeExpr(.bool(true), t.span)
    case .keyword(.false): advance(); return makeExpr(.bool(false), t.span)
    case .keyword(.null): advance(); return makeExpr(.null, t.span)
    case .identifier(let n): advance(); return makeExpr(.name(n), t.span)
    case .keyword(.if): return parseIf()
    case .keyword(.match): return parseMatch()
    case .punct(.lParen): return parseParenOrTuple()
    case .punct(.lBracket): return parseListOrMap()
    case .punct(.lBrace): return parseBraced()
    case .invalid:
      advance()
      return errorExpr(t.span)
    default:
      var notes: [String] = []
      if t.isKeyword(.then) || t.isKeyword(.else) { notes = ["help: a conditional is written `if condition then a else b`"] }
      if t.isPunct(.pipe) { notes = ["help: `|>` needs a value on its left"] }
      error("E0109", "expected an expression, found \(found)", at: missingSpan, notes: notes)
      // Leave closers and separators for the enclosing list to handle.
      switch t.kind {
      case .punct(.rParen), .punct(.rBracket), .punct(.rBrace), .punct(.comma), .eof: break
      default:
        if !(t.newlineBefore && startsItem(t)) { advance() }
      }
      return errorExpr(t.span)
    }
  }

  func stringParts(_ pieces: [StringPiece]) -> [StringPart] {
    pieces.map { piece in
      switch piece {
      case .text(let s): return .text(s)
      case .interpolation(let toks):
        let sub = Parser(tokens: toks, fileID: fileID, ids: ids)
        sub.depth = depth
        sub.inInterpolation = true
        let e = sub.parseExpr()
        // An interpolation that broke off at the end of the line (its `eof`
        // is empty) was reported by the lexer; what is left is not news.
        let unterminated = toks.last.map { $0.span.start == $0.span.end } ?? true
        if !sub.atEOF && !unterminated {
          sub.error("E0100", "expected ')' to close the interpolation, found \(sub.found)", at: sub.current.span)
        }
        diagnostics.append(contentsOf: sub.diagnostics)
        return .expr(e)
      }
    }
  }

  func parseIf() -> Expr {
    let start = advance().span
    let cond = parseExpr()
    if !eat(.then) {
      error("E0100", "expected 'then' after the condition, found \(found)", at: missingSpan, notes: ["help: write `if condition then a else b`"])
    }
    let a = parseExpr()
    guard eat(.else) else {
      error("E0111", "'if' needs an 'else' branch", at: start.to(previousEnd), label: "this 'if' has no 'else'", notes: ["help: every 'if' is an expression with a value: add `else ...` (for a list, `else []`)"])
      return makeExpr(.ifThen(cond, a, errorExpr(current.span)), span(from: start))
    }
    let b = parseExpr()
    return makeExpr(.ifThen(cond, a, b), span(from: start))
  }

  func parseMatch() -> Expr {
    let start = advance().span
    let scrutinee = parseExpr()
    guard expect(.lBrace, "to start the match arms") else { return makeExpr(.match(scrutinee, []), span(from: start)) }
    var arms: [MatchArm] = []
    while !at(.rBrace) && !atEOF {
      let before = pos
      let pat = parsePattern()
      var guardExpr: Expr? = nil
      if eat(.if) {
        inGuard += 1
        guardExpr = parseExpr()
        inGuard -= 1
      }
      if expect(.fatArrow, "after the pattern") {
        let body = parseExpr()
        arms.append(MatchArm(pattern: pat, guardExpr: guardExpr, body: body))
      } else {
        synchronize(to: .rBrace)
      }
      if eat(.comma) || eat(.semicolon) { continue }
      if at(.rBrace) { break }
      if !current.newlineBefore {
        error("E0100", "expected ',' between match arms, found \(found)", at: current.span)
        // `A => 1 B => 2`: only the comma is missing; parse `B` as the next
        // arm, so it is not reported as unmatched too.
        if !canStartItem(current) && !at(.minus) {
          synchronize(to: .rBrace)
          _ = eat(.comma)
        }
      }
      if pos == before { advance() }
    }
    expect(.rBrace, "to close the match")
    return makeExpr(.match(scrutinee, arms), span(from: start))
  }

  func parseParenOrTuple() -> Expr {
    let start = advance().span
    if eat(.rParen) { return makeExpr(.tuple([]), span(from: start)) }
    let first = parseExpr()
    if eat(.rParen) { return first }
    var items = [first]
    if eat(.comma) {
      items += parseList(.rParen, "the tuple") { parseExpr() }
    }
    expect(.rParen, "to close the parenthesis")
    return makeExpr(.tuple(items), span(from: start))
  }

  func parseListOrMap() -> Expr {
    let start = advance().span
    if at(.colon) && peek().isPunct(.rBracket) {
      advance(); advance()
      return makeExpr(.map([]), span(from: start))
    }
    if eat(.rBracket) { return makeExpr(.list([]), span(from: start)) }
    let first = parseExpr()
    if eat(.colon) {
      var entries = [(key: first, value: parseExpr())]
      if eat(.comma) {
        entries += parseList(.rBracket, "the map literal") { () -> (key: Expr, value: Expr)? in
          let k = parseExpr()
          expect(.colon, "between a map key and its value")
          return (k, parseExpr())
        }
      }
      expect(.rBracket, "to close the map literal")
      return makeExpr(.map(entries), span(from: start))
    }
    var items = [first]
    if eat(.comma) { items += parseList(.rBracket, "the list") { parseExpr() } }
    expect(.rBracket, "to close the list")
    return makeExpr(.list(items), span(from: start))
  }

  /// `{` starts a record (`{}`, `{ a: 1 }`, `{ a, b }`), a record update
  /// (`{ r with a: 1 }`) or a block (`{ let x = 1; x + 1 }`).
  func parseBraced() -> Expr {
    let start = current.span
    let next = peek()
    let afterName = peek(2)
    if next.isPunct(.rBrace) {
      advance(); advance()
      return makeExpr(.record([]), span(from: start))
    }
    let isKeywordField: Bool = { if case .keyword = next.kind { return afterName.isPunct(.colon) && !next.isKeyword(.let) }; return false }()
    if (next.identifier != nil && (afterName.isPunct(.colon) || afterName.isPunct(.comma) || afterName.isPunct(.rBrace))) || isKeywordField {
      advance()
      let fields = parseFieldInits()
      expect(.rBrace, "to close the record")
      return makeExpr(.record(fields), span(from: start))
    }
    if next.isKeyword(.let) { return parseBlock() }
    advance()
    let e = parseExpr()
    if eat(.with) {
      let fields = parseFieldInits()
      expect(.rBrace, "to close the record update")
      return makeExpr(.recordUpdate(e, fields), span(from: start))
    }
    _ = eat(.semicolon)
    expect(.rBrace, "to close the block")
    return makeExpr(.block([], e), span(from: start))
  }

  func parseFieldInits() -> [FieldInit] {
    parseList(.rBrace, "the record") { () -> FieldInit? in
      guard let name = expectIdentifier("for the field") else { return nil }
      if eat(.colon) {
        return FieldInit(name: name, value: parseExpr())
      }
      if at(.equal) {
        error("E0100", "expected ':' after the field name, found '='", at: current.span, notes: ["help: record fields are written `name: value`"])
        advance()
        return FieldInit(name: name, value: parseExpr())
      }
      return FieldInit(name: name, value: makeExpr(.name(name.text), name.span))
    }
  }

  /// `{ let a = ...; let b = ...; result }`, with ';' or line breaks between.
  func parseBlock() -> Expr {
    let start = advance().span
    var lets: [LetDecl] = []
    while at(.let) {
      let before = pos
      if let l = parseLetDecl(isPublic: false) { lets.append(l) }
      while eat(.semicolon) {}
      if pos == before { advance() }
    }
    if at(.rBrace) {
      error("E0112", "a block must end with the expression it evaluates to", at: current.span, notes: ["help: add the result after the last 'let'"])
      advance()
      return makeExpr(.block(lets, errorExpr(start)), span(from: start))
    }
    let result = parseExpr()
    _ = eat(.semicolon)
    expect(.rBrace, "to close the block")
    return makeExpr(.block(lets, result), span(from: start))
  }
}
