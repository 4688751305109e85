/// Patterns, used by `match` arms, `let` and lambda parameters.
/// A name that starts with an uppercase letter is a constructor; any other
/// name binds a variable.
extension Parser {
  func parsePattern() -> Pattern {
    let t = current
    func make(_ k: Pattern.Kind, _ s: Span) -> Pattern { Pattern(id: ids.make(), span: s, kind: k) }
    switch t.kind {
    case .identifier("_"):
      advance()
      return make(.wildcard, t.span)
    case .identifier(let n) where n.first?.isUppercase == true:
      advance()
      var args: [Pattern] = []
      if at(.lParen) && !current.newlineBefore {
        advance()
        args = parseList(.rParen, "the constructor pattern") { parsePattern() }
        expect(.rParen, "to close the constructor pattern")
      }
      return make(.constructor(Name(n, t.span), args), span(from: t.span))
    case .identifier(let n):
      advance()
      return make(.bind(n), t.span)
    case .keyword(.null):
      advance()
      return make(.null, t.span)
    case .int, .float, .duration, .time, .keyword(.true), .keyword(.false), .punct(.minus):
      let e = parseUnary()
      return make(.literal(e), e.span)
    case .string(let pieces):
      advance()
      if pieces.contains(where: { if case .interpolation = $0 { return true } else { return false } }) {
        error("E0113", "a pattern cannot use string interpolation", at: t.span)
      }
      return make(.literal(makeExpr(.string(stringParts(pieces)), t.span)), t.span)
    case .punct(.lParen):
      advance()
      let items = parseList(.rParen, "the tuple pattern") { parsePattern() }
      expect(.rParen, "to close the tuple pattern")
      if items.count == 1 { return items[0] }
      return make(.tuple(items), span(from: t.span))
    case .punct(.lBrace):
      advance()
      var open = false
      var fields: [(name: Name, pattern: Pattern)] = []
      while !at(.rBrace) && !atEOF {
        let before = pos
        if eat(.dotDot) {
          open = true
        } else if let name = expectIdentifier("in the record pattern") {
          if eat(.colon) {
            fields.append((name, parsePattern()))
          } else {
            fields.append((name, make(.bind(name.text), name.span)))
          }
        }
        if !eat(.comma) { break }
        if pos == before { break }
      }
      expect(.rBrace, "to close the record pattern")
      return make(.record(fields, open: open), span(from: t.span))
    case .keyword(let k) where !(t.newlineBefore && startsItem(t)):
      // `let type = ...`: a keyword where a name is wanted.
      error("E0101", "'\(k.rawValue)' is a keyword and cannot be used as a name", at: t.span, notes: ["help: choose another name, e.g. '\(k.rawValue)_'"])
      advance()
      return make(.bind(k.rawValue), t.span)
    default:
      error("E0114", "expected a pattern, found \(found)", at: missingSpan, notes: ["help: a pattern is a name, '_', a literal, a constructor such as `Circle(r)`, a tuple `(a, b)` or a record `{ a, b }`"])
      // Leave what follows a pattern (`let = 3`: the '=') to the caller.
      if !(t.isPunct(.rParen) || t.isPunct(.rBrace) || t.isPunct(.comma) || t.isPunct(.fatArrow) || t.isPunct(.equal) || t.isPunct(.colon) || t.kind == .eof || (t.newlineBefore && startsItem(t))) { advance() }
      return make(.error, t.span)
    }
  }
}
