import FlowSyntax

/// Patterns: binding names to the parts of a value, and `match` with an
/// exhaustiveness check.
extension Checker {
  /// Binds the names of pattern `p` matched against type `t` into `scope`.
  func bindPattern(_ p: Pattern, _ t: Type, _ scope: Scope, generalizeBindings: Bool) {
    switch p.kind {
    case .wildcard, .error:
      return
    case .bind(let n):
      let scheme = generalizeBindings ? generalize(t) : Scheme(type: t)
      scope.values[n] = .value(ValueSymbol(name: n, scheme: scheme, span: p.span, module: nil, id: newSymbolID()))
      bindings[p.id] = t
    case .null:
      let r = t.resolved
      if case .optional = r { return }
      if case .v = r { unify(r, .optional(fresh()), at: p.span); return }
      error("E0304", "null cannot match a value of type \(TypePrinter().print(r)), which is never null", at: p.span)
    case .literal(let e):
      let lt = infer(e, scope)
      coerce(lt, to: t, at: p.span, "pattern")
    case .constructor(let name, let args):
      guard case .constructor(let c)? = scope.lookup(name.text) else {
        // Bind the names inside anyway, so that their uses in the arm are
        // not reported as unknown too.
        defer { for a in args { bindPattern(a, fresh(), scope, generalizeBindings: generalizeBindings) } }
        if scope.isPoisoned(name.text) { return }  // from a failed import, already reported
        let ctors = scope.allNames().filter { $0.first?.isUppercase == true }
        let s = closestMatch(to: name.text, in: ctors)
        var notes = ["help: constructors are declared by sum types: `type T = \(name.text)(...) | ...`"]
        if args.isEmpty && s == nil { notes.append("note: a name that starts with an uppercase letter is a constructor; a variable starts with a lowercase letter") }
        error("E0201", "unknown constructor '\(name.text)'", at: name.span, label: s.map { "did you mean '\($0)'?" }, notes: notes)
        return
      }
      references[p.id] = .constructor(c)
      let ct = instantiate(c.scheme)
      let result: Type
      var payload: [Type] = []
      if case .fn(let ps, let r) = ct { payload = ps; result = r } else { result = ct }
      unify(t, result, at: p.span, "pattern")
      if args.count != payload.count {
        error("E0604", "'\(c.name)' has \(payload.count) value\(payload.count == 1 ? "" : "s"), but the pattern gives \(args.count)", at: p.span, notes: ["help: write \(c.name)\(payload.isEmpty ? "" : "(" + payload.map { _ in "_" }.joined(separator: ", ") + ")")"])
      }
      for (a, pt) in zip(args, payload) { bindPattern(a, pt, scope, generalizeBindings: generalizeBindings) }
      // Extra sub-patterns (already reported) still bind their names.
      for a in args.dropFirst(payload.count) { bindPattern(a, fresh(), scope, generalizeBindings: generalizeBindings) }
    case .tuple(let items):
      let ts = items.map { _ in fresh() }
      unify(t, .tuple(ts), at: p.span, "pattern")
      for (a, pt) in zip(items, ts) { bindPattern(a, pt, scope, generalizeBindings: generalizeBindings) }
    case .record(let fields, let open):
      let r = t.resolved
      if case .v = r {
        let ft = fields.map { ($0.name.text, fresh()) }
        unify(r, .record(ft, tail: open ? freshRow() : nil), at: p.span)
      }
      for f in fields {
        let ft = fieldType(of: t, f.name, at: f.name.span, baseSpan: p.span)
        bindPattern(f.pattern, ft, scope, generalizeBindings: generalizeBindings)
      }
      if !open, case .record(let all, _) = t.resolved, all.count > fields.count {
        let missing = all.map { $0.0 }.filter { n in !fields.contains { $0.name.text == n } }
        error("E0213", "this record pattern does not mention the fields \(missing.joined(separator: ", "))", at: p.span, notes: ["help: add `..` to ignore the other fields: { \(fields.map(\.name.text).joined(separator: ", ")), .. }"])
      }
    }
  }

  /// Patterns that match every value of their type.
  func isIrrefutable(_ p: Pattern) -> Bool {
    switch p.kind {
    case .wildcard, .bind, .error: return true
    case .tuple(let items): return items.allSatisfy(isIrrefutable)
    case .record(let fields, _): return fields.allSatisfy { isIrrefutable($0.pattern) }
    case .constructor(let name, let args):
      if case .constructor(let c)? = references[p.id] ?? nil, c.type.constructors.count == 1 {
        _ = name
        return args.allSatisfy(isIrrefutable)
      }
      // An unknown constructor was reported already; do not add that the
      // pattern might not match.
      return references[p.id] == nil
    default: return false
    }
  }

  // MARK: - match

  func inferMatch(_ e: Expr, _ scrutinee: Expr, _ arms: [MatchArm], expected: Type?, _ scope: Scope) -> Type {
    let st = infer(scrutinee, scope)
    var result: Type? = expected
    var firstSpan: Span? = nil
    if arms.isEmpty {
      error("E0601", "this match has no arms", at: e.span, notes: ["help: add `pattern => value` arms inside the braces"])
    }
    for arm in arms {
      let inner = Scope(parent: scope)
      let optionalInner: Type? = {
        if case .optional(let i) = st.resolved { return i }
        return nil
      }()
      // On an optional value, a pattern other than `null` or `_` matches the
      // value inside when it is present.
      switch arm.pattern.kind {
      case .null, .wildcard, .error:
        bindPattern(arm.pattern, st, inner, generalizeBindings: false)
      default:
        bindPattern(arm.pattern, optionalInner ?? st, inner, generalizeBindings: false)
      }
      if let g = arm.guardExpr { check(g, .bool, inner) }
      let bodyScope = arm.guardExpr.map { narrowedScope($0, whenTrue: true, inner) } ?? inner
      if let r = result {
        if expected != nil {
          check(arm.body, r, bodyScope)
        } else {
          let bt = infer(arm.body, bodyScope)
          result = join(r, bt, aSpan: firstSpan ?? arm.body.span, bSpan: arm.body.span, what: "the arms of 'match'")
        }
      } else {
        result = infer(arm.body, bodyScope)
        firstSpan = arm.body.span
      }
    }
    checkExhaustive(e, st, arms)
    return result ?? fresh()
  }
}
