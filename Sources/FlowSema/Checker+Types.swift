import FlowSyntax

/// Type expressions written in source, and polymorphism: generalizing a
/// binding's type at `let`, and instantiating it at each use.
extension Checker {
  static let builtinTypes: [String: Int] = [
    "Int": 0, "Float": 0, "Bool": 0, "String": 0, "Time": 0, "Duration": 0, "Vector": 0,
    "List": 1, "Map": 2,
  ]

  /// Resolves a written type. `params` maps type-parameter names in scope;
  /// `openRows` decides whether `{ a: Int, .. }` gets a fresh row variable.
  func resolveType(_ te: TypeExpr, params: [String: Type], scope: Scope, depth: Int = 0) -> Type {
    switch te.kind {
    case .error:
      return fresh()
    case .optional(let inner):
      let t = resolveType(inner, params: params, scope: scope, depth: depth)
      if case .optional = t.resolved { return t }
      return .optional(t)
    case .tuple(let items):
      return .tuple(items.map { resolveType($0, params: params, scope: scope, depth: depth) })
    case .function(let ps, let r):
      return .fn(ps.map { resolveType($0, params: params, scope: scope, depth: depth) }, resolveType(r, params: params, scope: scope, depth: depth))
    case .record(let fields, let open):
      var seen = Set<String>()
      var out: [(String, Type)] = []
      for f in fields {
        if !seen.insert(f.name.text).inserted {
          error("E0206", "field '\(f.name.text)' appears twice in this record type", at: f.name.span)
          continue
        }
        out.append((f.name.text, resolveType(f.type, params: params, scope: scope, depth: depth)))
      }
      return .record(out, tail: open ? freshRow() : nil)
    case .named(let name, let args):
      if let p = params[name.text] {
        if !args.isEmpty { error("E0203", "type parameter '\(name.text)' takes no type arguments", at: te.span) }
        return p
      }
      let resolvedArgs = args.map { resolveType($0, params: params, scope: scope, depth: depth) }
      if let arity = Checker.builtinTypes[name.text] {
        guard arity == args.count else {
          error("E0203", "'\(name.text)' takes \(arity) type argument\(arity == 1 ? "" : "s"), found \(args.count)", at: te.span, notes: arity == 1 ? ["help: write \(name.text)<T>"] : arity == 2 ? ["help: write \(name.text)<K, V>"] : [])
          return fresh()
        }
        return .con(name.text, resolvedArgs)
      }
      guard let sym = scope.lookupType(name.text) else {
        if scope.isTypePoisoned(name.text) { return fresh() }  // from a failed import, already reported
        let candidates = scope.allTypeNames() + Array(Checker.builtinTypes.keys)
        let suggestion = closestMatch(to: name.text, in: candidates)
        error("E0202", "unknown type '\(name.text)'", at: name.span, label: suggestion.map { "did you mean '\($0)'?" }, notes: suggestion == nil ? ["help: declare it with `type \(name.text) = { ... }` or import the module that defines it"] : [])
        return fresh()
      }
      guard sym.params.count == args.count else {
        error("E0203", "'\(name.text)' takes \(sym.params.count) type argument\(sym.params.count == 1 ? "" : "s"), found \(args.count)", at: te.span)
        return fresh()
      }
      switch sym.kind {
      case .sum, .opaque:
        return .con(sym.qualifiedName, resolvedArgs)
      case .alias(let body):
        // An alias met again while it is being expanded refers to itself.
        // Report each cycle once (not at every use of its aliases).
        if let i = aliasStack.firstIndex(of: sym.qualifiedName) {
          let cycle = aliasStack[i...].map(displayName) + [name.text]
          if reportedAliasCycles.insert(Set(cycle).sorted().joined(separator: " ")).inserted {
            var notes = ["help: a recursive type must be a sum type, e.g. `type List = Nil | Cons(Int, List)`"]
            if cycle.count > 2 { notes.insert("note: \(cycle.joined(separator: " -> "))", at: 0) }
            error("E0205", "type alias '\(name.text)' refers to itself", at: te.span, notes: notes)
          }
          return fresh()
        }
        guard depth < 64 else { return fresh() }
        aliasStack.append(sym.qualifiedName)
        defer { aliasStack.removeLast() }
        var inner: [String: Type] = [:]
        for (p, a) in zip(sym.params, resolvedArgs) { inner[p] = a }
        return resolveType(body, params: inner, scope: sym.scope ?? scope, depth: depth + 1)
      }
    }
  }

  // MARK: - Generalization

  /// Quantifies the variables created deeper than the current level.
  func generalize(_ t: Type) -> Scheme {
    var vars: [TypeVar] = []
    var seen = Set<Int>()
    func walk(_ t: Type) {
      switch t.resolved {
      case .v(let tv):
        if tv.level > level, seen.insert(tv.id).inserted { vars.append(tv) }
      case .con(_, let args): args.forEach(walk)
      case .fn(let ps, let r): ps.forEach(walk); walk(r)
      case .tuple(let items): items.forEach(walk)
      case .record(let fields, let tail):
        fields.forEach { walk($0.1) }
        if let tv = tail, tv.binding == nil, tv.level > level, seen.insert(tv.id).inserted { vars.append(tv) }
      case .optional(let i): walk(i)
      case .param: break
      }
    }
    walk(t)
    return Scheme(vars: vars, type: t)
  }

  /// A fresh copy of a scheme's type with new variables.
  func instantiate(_ s: Scheme) -> Type {
    if s.vars.isEmpty { return s.type }
    var map: [Int: TypeVar] = [:]
    for v in s.vars {
      varCounter += 1
      map[v.id] = TypeVar(id: varCounter, level: level, allowed: v.allowed, isRow: v.isRow)
    }
    return substitute(s.type, vars: map, params: [:])
  }

  /// Replaces variables (by id) and rigid parameters (by id) in a type.
  func substitute(_ t: Type, vars: [Int: TypeVar], params: [Int: Type]) -> Type {
    switch t.resolved {
    case .v(let tv):
      if let n = vars[tv.id] { return .v(n) }
      return .v(tv)
    case .param(let name, let id):
      return params[id] ?? .param(name, id)
    case .con(let n, let args):
      return .con(n, args.map { substitute($0, vars: vars, params: params) })
    case .fn(let ps, let r):
      return .fn(ps.map { substitute($0, vars: vars, params: params) }, substitute(r, vars: vars, params: params))
    case .tuple(let items):
      return .tuple(items.map { substitute($0, vars: vars, params: params) })
    case .record(let fields, let tail):
      let fs = fields.map { ($0.0, substitute($0.1, vars: vars, params: params)) }
      if let tv = tail, let n = vars[tv.id] { return .record(fs, tail: n) }
      return .record(fs, tail: tail)
    case .optional(let i):
      return .optional(substitute(i, vars: vars, params: params))
    }
  }

  /// Turns a function's rigid parameters into quantified variables, so that
  /// each call site instantiates them afresh.
  func generalizeParams(_ t: Type, params: [(String, Int)]) -> Scheme {
    var map: [Int: Type] = [:]
    var extra: [TypeVar] = []
    for (_, id) in params {
      varCounter += 1
      let tv = TypeVar(id: varCounter, level: level + 1, allowed: paramBounds[id])
      extra.append(tv)
      map[id] = .v(tv)
    }
    let replaced = substitute(t, vars: [:], params: map)
    let s = generalize(replaced)
    var vars = s.vars
    for tv in extra where !vars.contains(where: { $0 === tv }) { vars.append(tv) }
    return Scheme(vars: vars, type: replaced)
  }
}
