import FlowSyntax

/// Expression inference (`infer`) and checking against an expected type
/// (`check`). Checking pushes the expected type into lambdas, records, lists
/// and branches, so that parameters get their types from context.
extension Checker {
  @discardableResult
  func infer(_ e: Expr, _ scope: Scope) -> Type {
    let t = inferUncached(e, scope)
    exprTypes[e.id] = t
    return t
  }

  private func inferUncached(_ e: Expr, _ scope: Scope) -> Type {
    switch e.kind {
    case .int: return .int
    case .float: return .float
    case .bool: return .bool
    case .duration: return .duration
    case .time: return .time
    case .null: return .optional(fresh())
    case .error: return fresh()
    case .string(let parts):
      for case .expr(let x) in parts {
        let t = infer(x, scope)
        if let h = t.head, ["Stream", "Keyed", "Windowed", "Sink"].contains(h) {
          error("E0301", "a \(h) cannot be interpolated into a string", at: x.span)
        }
      }
      return .string
    case .name(let n):
      return inferName(n, e, scope)
    case .record(let fields):
      var seen = Set<String>()
      var out: [(String, Type)] = []
      for f in fields {
        let t = infer(f.value, scope)
        if !seen.insert(f.name.text).inserted {
          error("E0206", "field '\(f.name.text)' appears twice in this record", at: f.name.span)
          continue
        }
        out.append((f.name.text, t))
      }
      return .record(out, tail: nil)
    case .recordUpdate(let base, let fields):
      let bt = infer(base, scope)
      var seen = Set<String>()
      for f in fields {
        // `{ r with a: 1, a: 2 }` is as wrong as a record literal with `a` twice.
        guard seen.insert(f.name.text).inserted else {
          error("E0206", "field '\(f.name.text)' appears twice in this record update", at: f.name.span)
          infer(f.value, scope)
          continue
        }
        let ft = fieldType(of: bt, f.name, at: f.name.span, baseSpan: base.span)
        check(f.value, ft, scope)
      }
      return bt
    case .tuple(let items):
      return .tuple(items.map { infer($0, scope) })
    case .list(let items):
      let elem = fresh()
      for x in items { check(x, elem, scope) }
      return .list(elem)
    case .map(let entries):
      let k = fresh(), v = fresh()
      for entry in entries {
        check(entry.key, k, scope)
        check(entry.value, v, scope)
      }
      return .map(k, v)
    case .lambda(let params, let body):
      let inner = Scope(parent: scope)
      var ps: [Type] = []
      for p in params {
        let t = p.type.map { resolveType($0, params: [:], scope: scope) } ?? fresh()
        bindPattern(p.pattern, t, inner, generalizeBindings: false)
        ps.append(t)
      }
      return .fn(ps, infer(body, inner))
    case .call(let callee, let args):
      return inferCall(e, callee: callee, args: args, piped: nil, scope)
    case .pipe(let lhs, let rhs):
      if case .call(let callee, let args) = rhs.kind {
        return inferCall(e, callee: callee, args: args, piped: lhs, scope)
      }
      return inferCall(e, callee: rhs, args: [], piped: lhs, scope)
    case .field(let base, let name):
      if case .name(let m) = base.kind, case .module(let mod)? = scope.lookup(m) {
        return inferModuleMember(mod, name, e, scope)
      }
      if let path = pathOf(e), let t = scope.narrowedType(path) {
        infer(base, scope)
        return t
      }
      let bt = infer(base, scope)
      return fieldType(of: bt, name, at: name.span, baseSpan: base.span)
    case .optionalField(let base, let name):
      let bt = infer(base, scope).resolved
      var inner = bt
      switch bt {
      case .optional(let i): inner = i
      case .v:
        let i = fresh()
        unify(bt, .optional(i), at: base.span)
        inner = i
      default:
        diagnostics.append(Diagnostic(.warning, code: "E0309", message: "'?.' on a value that is never null", span: name.span, notes: ["help: use '.' instead"]))
      }
      let before = diagnostics.count
      let ft = fieldType(of: inner, name, at: name.span, baseSpan: base.span)
      // The field does not exist (reported): its type is unknown, not `A?`,
      // so that the rest of the expression reports nothing more.
      if diagnostics[before...].contains(where: { $0.severity == .error }) { return ft }
      if case .optional = ft.resolved { return ft }
      return .optional(ft)
    case .tupleIndex(let base, let i):
      let bt = infer(base, scope).resolved
      // Point at the index: the digits that end the expression (`.2`).
      let digits = String(i).count
      let indexSpan = Span(fileID: e.span.fileID, start: max(e.span.start, e.span.end - digits), end: e.span.end)
      switch bt {
      case .tuple(let items):
        if i < items.count { return items[i] }
        error("E0215", "tuple index \(i) is out of range for \(TypePrinter().print(bt))", at: indexSpan, notes: ["note: this tuple has \(items.count) element\(items.count == 1 ? "" : "s"), numbered from 0"])
      case .v:
        error("E0216", "the type of this value must be known before '.\(i)' can be used", at: base.span, notes: ["help: add a type annotation, or take the tuple apart with `let (a, b) = ...`"])
      default:
        error("E0214", "\(TypePrinter().print(bt)) is not a tuple, so it has no element .\(i)", at: indexSpan)
      }
      return fresh()
    case .index(let base, let idx):
      return inferIndex(base, idx, scope)
    case .unary(let op, let x):
      let t = infer(x, scope)
      switch op {
      case .not:
        coerce(t, to: .bool, at: x.span, "operand of '!'")
        return .bool
      case .neg:
        let r = t.resolved
        if case .v(let tv) = r {
          let allowed: Set<String> = ["Int", "Float", "Duration", "Vector"]
          tv.allowed = tv.allowed.map { $0.intersection(allowed) } ?? allowed
          return r
        }
        if let h = r.head, ["Int", "Float", "Duration", "Vector"].contains(h) { return r }
        if case .param(_, let id) = r, let b = paramBounds[id], b.isSubset(of: ["Int", "Float"]) { return r }
        error("E0310", "'-' cannot be applied to \(TypePrinter().print(r))", at: e.span)
        return fresh()
      }
    case .binary(let op, let l, let r):
      return inferBinary(op, l, r, e, scope)
    case .ifThen(let c, let a, let b):
      check(c, .bool, scope)
      let ta = infer(a, narrowedScope(c, whenTrue: true, scope))
      let tb = infer(b, narrowedScope(c, whenTrue: false, scope))
      return join(ta, tb, aSpan: a.span, bSpan: b.span, what: "the branches of 'if'")
    case .match(let scrutinee, let arms):
      return inferMatch(e, scrutinee, arms, expected: nil, scope)
    case .block(let lets, let result):
      let inner = blockScope(lets, scope)
      return infer(result, inner)
    }
  }

  func blockScope(_ lets: [LetDecl], _ scope: Scope) -> Scope {
    var current = scope
    for l in lets {
      let next = Scope(parent: current)
      for (n, sym) in checkLet(l, scope: current, module: nil) { next.values[n] = .value(sym) }
      current = next
    }
    return current
  }

  // MARK: - Checking against an expected type

  func check(_ e: Expr, _ expected: Type, _ scope: Scope) {
    let exp = expected.resolved
    switch (e.kind, exp) {
    case (.lambda(let params, let body), .fn(let ps, let r)) where params.count == ps.count:
      let inner = Scope(parent: scope)
      var actual: [Type] = []
      for (p, pt) in zip(params, ps) {
        if let te = p.type {
          let annotated = resolveType(te, params: [:], scope: scope)
          unify(pt, annotated, at: te.span, "parameter type")
          actual.append(annotated)
        } else {
          actual.append(pt)
        }
        bindPattern(p.pattern, pt, inner, generalizeBindings: false)
      }
      check(body, r, inner)
      exprTypes[e.id] = .fn(actual, r)
    case (.lambda(let params, _), .fn(let ps, _)):
      error("E0305", "this function takes \(params.count) parameter\(params.count == 1 ? "" : "s"), but \(ps.count) \(ps.count == 1 ? "is" : "are") expected here", at: e.span, notes: ["note: expected a function of type \(TypePrinter().print(exp))"])
      exprTypes[e.id] = exp
    case (.record(let fields), .record(let expFields, let expTail)):
      let known = Dictionary(expFields.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
      var out: [(String, Type)] = []
      var seen = Set<String>()
      for f in fields {
        guard seen.insert(f.name.text).inserted else {
          error("E0206", "field '\(f.name.text)' appears twice in this record", at: f.name.span)
          continue
        }
        if let ft = known[f.name.text] {
          check(f.value, ft, scope)
          out.append((f.name.text, ft))
        } else if expTail == nil {
          // A field the expected (closed) record type does not have: show
          // that field, not the whole record.
          let names = expFields.map { $0.0 }
          let s = closestMatch(to: f.name.text, in: names.filter { n in !fields.contains { $0.name.text == n } })
          error("E0213", "record \(TypePrinter().print(exp)) has no field '\(f.name.text)'", at: f.name.span, label: s.map { "did you mean '\($0)'?" }, notes: names.isEmpty ? [] : ["note: available fields: \(names.joined(separator: ", "))"])
          infer(f.value, scope)
        } else {
          out.append((f.name.text, infer(f.value, scope)))
        }
      }
      let t = Type.record(out, tail: nil)
      exprTypes[e.id] = t
      coerce(t, to: exp, at: e.span)
    case (.list(let items), .con("List", let args)) where args.count == 1:
      for x in items { check(x, args[0], scope) }
      exprTypes[e.id] = exp
    case (.null, .optional), (.null, .v):
      let t = Type.optional(fresh())
      unify(exp, t, at: e.span)
      exprTypes[e.id] = exp
    case (.null, _):
      error("E0307", "null is not allowed here: expected \(TypePrinter().print(exp))", at: e.span, notes: ["help: a value that may be missing needs an optional type, such as \(TypePrinter().print(exp))?"])
      exprTypes[e.id] = exp
    case (.int(let v), .con("Float", _)):
      // An integer literal may stand where a Float is expected.
      _ = v
      exprTypes[e.id] = .float
    case (.ifThen(let c, let a, let b), _):
      check(c, .bool, scope)
      check(a, exp, narrowedScope(c, whenTrue: true, scope))
      check(b, exp, narrowedScope(c, whenTrue: false, scope))
      exprTypes[e.id] = exp
    case (.match(let s, let arms), _):
      exprTypes[e.id] = inferMatch(e, s, arms, expected: exp, scope)
    case (.block(let lets, let result), _):
      check(result, exp, blockScope(lets, scope))
      exprTypes[e.id] = exp
    default:
      let t = infer(e, scope)
      coerce(t, to: exp, at: e.span)
    }
  }

  /// The common type of two branches: one must be usable as the other.
  func join(_ a: Type, _ b: Type, aSpan: Span, bSpan: Span, what: String) -> Type {
    if (try? probeCommit({ try self.coerce(b, to: a) })) == true { return a }
    if (try? probeCommit({ try self.coerce(a, to: b) })) == true { return b }
    let p = TypePrinter()
    error("E0316", "\(what) have different types: \(p.print(a)) and \(p.print(b))", at: bSpan, notes: ["help: make both produce the same type"])
    return a
  }

  /// Like `probe`, but keeps the bindings when the body succeeds.
  func probeCommit(_ body: () throws -> Void) throws -> Bool {
    let mark = startTrail()
    do {
      try body()
      commitTrail(mark)
      return true
    } catch {
      undoTrail(mark)
      return false
    }
  }

  // MARK: - Names and fields

  func inferName(_ n: String, _ e: Expr, _ scope: Scope) -> Type {
    if let t = scope.narrowedType(n) { return t }
    guard let b = scope.lookup(n) else {
      if let ts = scope.lookupType(n) { return schemaType(ts, e) }
      if scope.isPoisoned(n) { return fresh() }
      if reportUsedBeforeDefinition(n, at: e.span, scope) { return fresh() }
      if Checker.builtinTypes[n] != nil {
        error("E0201", "'\(n)' is a type, not a value", at: e.span, notes: ["help: a schema must be a record type declared with `type Name = { ... }`"])
        return fresh()
      }
      // `schema: Bd` for `schema: Bid`: a capitalized name may be a type.
      let candidates = scope.allNames() + (n.first?.isUppercase == true ? scope.allTypeNames() : [])
      let s = closestMatch(to: n, in: candidates)
      error("E0201", "unknown name '\(n)'", at: e.span, label: s.map { "did you mean '\($0)'?" }, notes: s == nil ? ["help: define it with `let \(n) = ...`, or import the module that provides it"] : [])
      return fresh()
    }
    references[e.id] = b
    return typeOfBinding(b, n, e)
  }

  func typeOfBinding(_ b: Binding, _ n: String, _ e: Expr) -> Type {
    switch b {
    case .value(let v):
      return instantiate(v.scheme)
    case .functions(let fs):
      if fs.count > 1 {
        error("E0209", "'\(n)' has \(fs.count) forms, so it must be called directly, not used as a value", at: e.span, notes: ["help: wrap it in a lambda, e.g. `x => \(n)(x)`"])
        return fresh()
      }
      return instantiate(fs[0].scheme)
    case .constructor(let c):
      return instantiate(c.scheme)
    case .module(let m):
      error("E0210", "'\(n)' is a module, not a value", at: e.span, notes: ["help: use one of its members, e.g. `\(n).\(m.values.keys.sorted().first ?? "name")`"])
      return fresh()
    }
  }

  /// A type name used as a value (`schema: Bid`) is a `Schema<Bid>`.
  func schemaType(_ ts: TypeSymbol, _ e: Expr) -> Type {
    guard ts.params.isEmpty else {
      error("E0203", "'\(ts.name)' needs type arguments and cannot be used as a schema", at: e.span)
      return fresh()
    }
    let te = TypeExpr(id: ids.make(), span: e.span, kind: .named(Name(ts.name, e.span), []))
    let t = resolveType(te, params: [:], scope: ts.scope ?? Scope(parent: nil))
    return .con("Schema", [t])
  }

  func inferModuleMember(_ m: ModuleSymbol, _ name: Name, _ e: Expr, _ scope: Scope) -> Type {
    guard let b = m.values[name.text] else {
      let s = closestMatch(to: name.text, in: Array(m.values.keys))
      error("E0406", "module '\(m.name)' has no public member '\(name.text)'", at: name.span, label: s.map { "did you mean '\($0)'?" }, notes: ["note: its public members are: \(m.values.keys.sorted().joined(separator: ", "))"])
      return fresh()
    }
    references[e.id] = b
    return typeOfBinding(b, name.text, e)
  }

  /// The type of `base.name` given the base's type, extending an open record
  /// or an unknown type with the field (row polymorphism).
  func fieldType(of baseType: Type, _ name: Name, at span: Span, baseSpan: Span) -> Type {
    let bt = baseType.resolved
    switch bt {
    case .record(let fields, let tail):
      if let f = fields.first(where: { $0.0 == name.text }) { return f.1 }
      if tail != nil {
        let ft = fresh()
        unify(bt, .record([(name.text, ft)], tail: freshRow()), at: span)
        return ft
      }
      let names = fields.map { $0.0 }
      let s = closestMatch(to: name.text, in: names)
      error("E0213", "record \(TypePrinter().print(bt)) has no field '\(name.text)'", at: span, label: s.map { "did you mean '\($0)'?" }, notes: names.isEmpty ? [] : ["note: available fields: \(names.joined(separator: ", "))"])
      return fresh()
    case .v:
      let ft = fresh()
      unify(bt, .record([(name.text, ft)], tail: freshRow()), at: span)
      return ft
    case .optional(let inner):
      if case .record(let fields, _) = inner.resolved, !fields.contains(where: { $0.0 == name.text }) {
        return fieldType(of: inner, name, at: span, baseSpan: baseSpan)
      }
      error("E0315", "this value may be null, so its field '\(name.text)' cannot be read directly", at: span, notes: ["help: use `?.\(name.text)` (the result is null when the value is), or check `!= null` first, or give a default with `??`"])
      return fresh()
    default:
      error("E0214", "\(TypePrinter().print(bt)) has no fields, so '.\(name.text)' is not allowed", at: span)
      return fresh()
    }
  }

  func inferIndex(_ base: Expr, _ idx: Expr, _ scope: Scope) -> Type {
    let bt = infer(base, scope).resolved
    switch bt {
    case .con("List", let a) where a.count == 1:
      check(idx, .int, scope)
      return .optional(a[0])
    case .con("Map", let a) where a.count == 2:
      check(idx, a[0], scope)
      return .optional(a[1])
    case .con("Vector", _):
      check(idx, .int, scope)
      return .optional(.float)
    case .con("String", _):
      check(idx, .int, scope)
      return .optional(.string)
    case .v:
      let elem = fresh()
      unify(bt, .list(elem), at: base.span)
      check(idx, .int, scope)
      return .optional(elem)
    default:
      error("E0214", "\(TypePrinter().print(bt)) cannot be indexed with [ ]", at: base.span, notes: ["note: lists, maps, vectors and strings can be indexed"])
      infer(idx, scope)
      return fresh()
    }
  }

  // MARK: - Null narrowing

  /// `x`, `s.last`: expressions whose non-null-ness can be remembered.
  func pathOf(_ e: Expr) -> String? {
    switch e.kind {
    case .name(let n): return n
    case .field(let b, let f): return pathOf(b).map { "\($0).\(f.text)" }
    default: return nil
    }
  }

  /// A scope in which the paths that `cond` proves non-null have their inner type.
  func narrowedScope(_ cond: Expr, whenTrue: Bool, _ scope: Scope) -> Scope {
    let facts = narrowings(cond, whenTrue: whenTrue)
    guard !facts.isEmpty else { return scope }
    let s = Scope(parent: scope)
    for (path, e) in facts {
      guard let t = exprTypes[e.id]?.resolved else { continue }
      switch t {
      case .optional(let inner): s.narrowed[path] = inner
      case .v:
        let inner = fresh()
        unify(t, .optional(inner), at: e.span)
        s.narrowed[path] = inner
      default: break
      }
    }
    return s
  }

  func narrowings(_ cond: Expr, whenTrue: Bool) -> [(String, Expr)] {
    switch cond.kind {
    case .binary(.ne, let a, let b) where whenTrue, .binary(.eq, let a, let b) where !whenTrue:
      if case .null = b.kind, let p = pathOf(a) { return [(p, a)] }
      if case .null = a.kind, let p = pathOf(b) { return [(p, b)] }
      return []
    case .binary(.and, let a, let b) where whenTrue:
      return narrowings(a, whenTrue: true) + narrowings(b, whenTrue: true)
    case .binary(.or, let a, let b) where !whenTrue:
      return narrowings(a, whenTrue: false) + narrowings(b, whenTrue: false)
    case .unary(.not, let x):
      return narrowings(x, whenTrue: !whenTrue)
    default:
      return []
    }
  }
}
