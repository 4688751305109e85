/// Type expressions: `Int`, `List<T>`, `{ a: Int, .. }`, `(A, B)`,
/// `(A, B) -> C`, `A -> B` and `T?`.
extension Parser {
  func parseType() -> TypeExpr {
    let start = current.span
    let base = parseTypePostfix()
    if eat(.arrow) {
      let ret = parseType()
      var params: [TypeExpr] = [base]
      // `(A, B) -> C` has two parameters; `((A, B)) -> C` has one tuple.
      if case .tuple(let items) = base.kind, !base.parenthesizedTuple { params = items }
      return TypeExpr(id: ids.make(), span: span(from: start), kind: .function(params, ret))
    }
    return base
  }

  private func parseTypePostfix() -> TypeExpr {
    var t = parseTypePrimary()
    while at(.question) && !current.newlineBefore {
      advance()
      t = TypeExpr(id: ids.make(), span: span(from: t.span), kind: .optional(t))
    }
    return t
  }

  private func parseTypePrimary() -> TypeExpr {
    let t = current
    switch t.kind {
    case .identifier(let n):
      advance()
      var args: [TypeExpr] = []
      if at(.less) && !current.newlineBefore {
        advance()
        // A comma followed by `name:` belongs to an enclosing record type:
        // `{ bids: List<Trade, asks: ... }` is missing its '>' before it.
        while !at(.greater) && !atEOF {
          args.append(parseType())
          guard at(.comma), !(peek().identifier != nil && peek(2).isPunct(.colon)) else { break }
          advance()
        }
        expect(.greater, "to close the type arguments")
      }
      return TypeExpr(id: ids.make(), span: span(from: t.span), kind: .named(Name(n, t.span), args))
    case .punct(.lBrace):
      advance()
      var open = false
      var fields: [(name: Name, type: TypeExpr)] = []
      while !at(.rBrace) && !atEOF {
        let before = pos
        if eat(.dotDot) {
          open = true
        } else if let name = expectIdentifier("for the field") {
          if expect(.colon, "after the field name in a record type") {
            fields.append((name, parseType()))
          } else {
            synchronize(to: .rBrace)
          }
        } else {
          synchronize(to: .rBrace)
        }
        if !eat(.comma) {
          // `{ symbol: String price: Float }`: a missing comma, not a missing '}'.
          guard current.identifier != nil && peek().isPunct(.colon) else { break }
          error("E0100", "expected ',' between the fields of a record type, found \(found)", at: missingSpan)
          continue
        }
        if pos == before { break }
      }
      expect(.rBrace, "to close the record type")
      return TypeExpr(id: ids.make(), span: span(from: t.span), kind: .record(fields, open: open))
    case .punct(.lParen):
      advance()
      let items = parseList(.rParen, "the tuple type") { parseType() }
      expect(.rParen, "to close the tuple type")
      if items.count == 1 && !at(.arrow) { return items[0] }
      let te = TypeExpr(id: ids.make(), span: span(from: t.span), kind: .tuple(items))
      if items.count == 1, case .tuple = items[0].kind { te.parenthesizedTuple = true }
      return te
    default:
      error("E0115", "expected a type, found \(found)", at: missingSpan, notes: ["help: a type is a name such as `Int` or `List<String>`, a record type `{ a: Int }`, a tuple `(Int, String)` or a function `(Int) -> Bool`"])
      if !(t.isPunct(.rParen) || t.isPunct(.rBrace) || t.isPunct(.comma) || t.isPunct(.equal) || t.kind == .eof || (t.newlineBefore && startsItem(t))) { advance() }
      return TypeExpr(id: ids.make(), span: t.span, kind: .error)
    }
  }
}
