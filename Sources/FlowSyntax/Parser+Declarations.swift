/// Top-level items: module header, imports, type, fn, extern fn, let, and
/// pipeline statements.
extension Parser {
  func parseProgram() -> (ModuleHeader?, [Item]) {
    var module: ModuleHeader? = nil
    var items: [Item] = []
    if at(.module) { module = parseModuleHeader() }
    while !atEOF {
      let before = pos
      if eat(.semicolon) { continue }
      if at(.module) {
        error("E0110", "'module' must be the first line of a file", at: current.span, notes: ["help: move `module \(peek().identifier ?? "name")` to the top of the file"])
        advance()  // synchronizeItem stops at a declaration keyword: skip it first
        synchronizeItem()
        continue
      }
      let errorsBefore = diagnostics.count, invalidBefore = invalidTokensConsumed
      let item = parseItem()
      if let item = item { items.append(item) }
      // An item ends at a line break, a ';', or the end of the file. After a
      // syntax error inside the item, the rest of its line is skipped without
      // a second complaint.
      if !atEOF && !current.newlineBefore && !at(.semicolon) && pos > before {
        if diagnostics.count == errorsBefore && invalidTokensConsumed == invalidBefore {
          error("E0102", "expected the end of the statement, found \(found)", at: current.span, notes: ["help: put each statement on its own line, or separate them with ';'"])
        }
        synchronizeItem()
      }
      if case .expr(let e)? = item, diagnostics.count > errorsBefore || invalidTokensConsumed > invalidBefore {
        statementsWithSyntaxErrors.insert(e.id)
      }
      if pos == before { advance() }
    }
    return (module, items)
  }

  func parseModuleHeader() -> ModuleHeader {
    let start = advance().span
    var path: [Name] = []
    if let n = expectIdentifier("after 'module'") { path.append(n) }
    while eat(.dot) {
      if let n = expectIdentifier("in the module path") { path.append(n) } else { break }
    }
    return ModuleHeader(path: path, span: span(from: start))
  }

  func parseItem() -> Item? {
    let start = current.span
    var isPublic = false
    if at(.pub) {
      advance()
      isPublic = true
      if !(at(.fn) || at(.let) || at(.type) || at(.extern)) {
        error("E0103", "'pub' must be followed by 'fn', 'let', 'type' or 'extern'", at: current.span)
        synchronizeItem()
        return nil
      }
    }
    switch current.kind {
    case .keyword(.import):
      return parseImport().map(Item.importDecl)
    case .keyword(.type):
      return parseTypeDecl(isPublic: isPublic, start: start).map(Item.typeDecl)
    case .keyword(.fn):
      return parseFnDecl(isPublic: isPublic, isExtern: false, start: start).map(Item.fnDecl)
    case .keyword(.extern):
      advance()
      if at(.type) {
        advance()
        guard let name = expectIdentifier("after 'extern type'") else { synchronizeItem(); return nil }
        var params: [Name] = []
        if eat(.less) {
          params = parseList(.greater, "type parameters") { expectIdentifier("for the type parameter") }
          expect(.greater, "to close the type parameters")
        }
        return .typeDecl(TypeDecl(name: name, params: params, body: .opaque, isPublic: isPublic, span: span(from: start)))
      }
      guard at(.fn) else {
        error("E0100", "expected 'fn' or 'type' after 'extern', found \(found)", at: missingSpan)
        synchronizeItem()
        return nil
      }
      return parseFnDecl(isPublic: isPublic, isExtern: true, start: start).map(Item.fnDecl)
    case .keyword(.let):
      return parseLetDecl(isPublic: isPublic).map(Item.letDecl)
    case .identifier(let n) where peek().isPunct(.equal) && !isPublic:
      // `total = 5`: a binding without 'let'. Say so, and parse it as one.
      error("E0100", "expected 'let' before '\(n)': a name is bound with `let \(n) = ...`", at: current.span, notes: ["help: write `let \(n) = ...`; to compare values, use '=='"])
      return parseLetDecl(isPublic: false, keyword: false).map(Item.letDecl)
    default:
      let e = parseExpr()
      // An erroneous expression that ended at a line break has left nothing
      // of its statement to skip: the next line is the next statement.
      if case .error = e.kind, !current.newlineBefore { synchronizeItem() }
      return .expr(e)
    }
  }

  func parseImport() -> ImportDecl? {
    let start = advance().span
    if case .string(let pieces) = current.kind {
      let tok = advance()
      var path = ""
      var interpolated = false
      for p in pieces {
        if case .text(let t) = p { path += t } else {
          error("E0104", "an import path cannot use interpolation", at: tok.span)
          interpolated = true
        }
      }
      let alias = eat(.as) ? expectIdentifier("after 'as'") : nil
      var decl = ImportDecl(target: .file(path), names: nil, alias: alias, span: span(from: start))
      decl.isMalformed = interpolated  // not a path to look for
      return decl
    }
    var path: [Name] = []
    var names: [Name]? = nil
    guard let first = expectIdentifier("after 'import'") else {
      synchronizeItem()
      return nil
    }
    path.append(first)
    while eat(.dot) {
      if at(.lBrace) {
        advance()
        names = parseList(.rBrace, "the import list") { expectIdentifier("in the import list") }
        expect(.rBrace, "to close the import list")
        break
      }
      guard let n = expectIdentifier("in the module path") else { break }
      path.append(n)
    }
    let alias = eat(.as) ? expectIdentifier("after 'as'") : nil
    return ImportDecl(target: .module(path), names: names, alias: alias, span: span(from: start))
  }

  func parseTypeDecl(isPublic: Bool, start: Span) -> TypeDecl? {
    advance()
    guard let name = expectIdentifier("after 'type'") else {
      synchronizeItem()
      return nil
    }
    var params: [Name] = []
    if eat(.less) {
      params = parseList(.greater, "type parameters") { expectIdentifier("for the type parameter") }
      expect(.greater, "to close the type parameters")
    }
    guard expect(.equal, "after the type name", notes: ["help: declare a type as `type \(name.text) = { field: Int }` or `type \(name.text) = A(Int) | B`"]) else {
      synchronizeItem()
      return nil
    }
    // A sum type has '|' between variants, a leading '|', or a variant with a payload.
    let leadingBar = eat(.bar)
    if leadingBar || looksLikeSumType() {
      var variants: [Variant] = []
      repeat {
        guard let vname = expectIdentifier("for the variant") else { break }
        var fields: [TypeExpr] = []
        if at(.lParen) && !current.newlineBefore {
          advance()
          fields = parseList(.rParen, "the variant's fields") { parseType() }
          expect(.rParen, "to close the variant's fields")
        }
        // A lowercase name in a pattern binds a variable, so a lowercase
        // variant could never be matched.
        if let first = vname.text.first, !first.isUppercase {
          let fixed = vname.text.prefix(1).uppercased() + vname.text.dropFirst()
          error("E0116", "variant name '\(vname.text)' must start with an uppercase letter", at: vname.span, notes: ["help: write '\(fixed)'; in a pattern, a lowercase name binds a variable instead of matching a variant"])
        }
        variants.append(Variant(name: vname, fields: fields))
      } while eat(.bar)
      return TypeDecl(name: name, params: params, body: .sum(variants), isPublic: isPublic, span: span(from: start))
    }
    let body = parseType()
    return TypeDecl(name: name, params: params, body: .alias(body), isPublic: isPublic, span: span(from: start))
  }

  /// `Circle(Float) | Rect(...)` or `A | B`: an uppercase name followed by `(` or `|`.
  private func looksLikeSumType() -> Bool {
    guard let n = current.identifier, n.first?.isUppercase == true else { return false }
    let next = peek()
    if next.isPunct(.bar) { return true }
    if next.isPunct(.lParen) && !next.newlineBefore { return true }
    return false
  }

  func parseFnDecl(isPublic: Bool, isExtern: Bool, start: Span) -> FnDecl? {
    advance()
    guard let name = expectIdentifier("after 'fn'") else {
      synchronizeItem()
      return nil
    }
    var typeParams: [TypeParam] = []
    if eat(.less) {
      typeParams = parseList(.greater, "type parameters") {
        guard let n = expectIdentifier("for the type parameter") else { return nil }
        let bound = eat(.colon) ? expectIdentifier("for the constraint") : nil
        return TypeParam(name: n, bound: bound)
      }
      expect(.greater, "to close the type parameters")
    }
    var params: [Param] = []
    if expect(.lParen, "to start the parameter list of '\(name.text)'") {
      params = parseList(.rParen, "the parameter list") { parseParam(allowDefault: true) }
      expect(.rParen, "to close the parameter list")
    }
    var ret: TypeExpr? = nil
    if eat(.arrow) { ret = parseType() }
    var body: Expr? = nil
    if isExtern {
      if ret == nil {
        error("E0105", "an 'extern fn' must declare its return type", at: name.span, notes: ["help: add `-> Type` after the parameters"])
      }
    } else if eat(.equal) {
      body = parseExpr()
    } else if at(.lBrace) {
      body = parseBlock()
    } else {
      error("E0100", "expected '=' or '{' to start the body of '\(name.text)', found \(found)", at: missingSpan, notes: ["help: write `fn \(name.text)(...) = expression`"])
      synchronizeItem()
    }
    return FnDecl(id: ids.make(), name: name, typeParams: typeParams, params: params, returnType: ret, body: body, isPublic: isPublic, isExtern: isExtern, span: span(from: start))
  }

  /// `name`, `name: Type`, `name: Type = default`, or a tuple pattern.
  func parseParam(allowDefault: Bool) -> Param? {
    let start = current.span
    let pat = parsePattern()
    var type: TypeExpr? = nil
    if eat(.colon) { type = parseType() }
    var def: Expr? = nil
    if at(.equal) {
      let eq = advance()
      let value = parseExpr()
      if allowDefault { def = value } else {
        error("E0106", "a lambda parameter cannot have a default value", at: eq.span)
      }
    }
    return Param(pattern: pat, type: type, defaultValue: def, span: span(from: start))
  }

  func parseLetDecl(isPublic: Bool, keyword: Bool = true) -> LetDecl? {
    let start = keyword ? advance().span : current.span
    let pat = parsePattern()
    var type: TypeExpr? = nil
    if eat(.colon) { type = parseType() }
    guard expect(.equal, "in 'let'", notes: ["help: a binding needs a value: `let name = expression`"]) else {
      synchronizeItem()
      return nil
    }
    let value = parseExpr()
    return LetDecl(id: ids.make(), pattern: pat, type: type, value: value, isPublic: isPublic, span: span(from: start))
  }
}
