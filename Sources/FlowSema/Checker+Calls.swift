import FlowSyntax

/// Calls: named and defaulted arguments for declared functions, overloads of
/// `extern fn`s chosen by the first argument, calls of function values and
/// constructors, and `a |> f(b)` meaning `f(a, b)`.
extension Checker {
  func inferCall(_ e: Expr, callee: Expr, args: [Arg], piped: Expr?, _ scope: Scope) -> Type {
    let all = (piped.map { [Arg(label: nil, value: $0)] } ?? []) + args
    var binding: Binding? = nil
    var calleeName = ""
    switch callee.kind {
    case .name(let n) where scope.narrowedType(n) == nil:
      binding = scope.lookup(n)
      calleeName = n
      if binding == nil, scope.isPoisoned(n) {
        for a in all { infer(a.value, scope) }
        return fresh()
      }
      if binding == nil, reportUsedBeforeDefinition(n, at: callee.span, scope) {
        for a in all { infer(a.value, scope) }
        return fresh()
      }
      if binding == nil {
        let s = closestMatch(to: n, in: scope.allNames())
        error("E0201", "unknown function '\(n)'", at: callee.span, label: s.map { "did you mean '\($0)'?" }, notes: s == nil ? ["help: define it with `fn \(n)(...) = ...`, or import the module that provides it"] : [])
        for a in all { infer(a.value, scope) }
        return fresh()
      }
    case .field(let base, let name):
      if case .name(let m) = base.kind, case .module(let mod)? = scope.lookup(m) {
        calleeName = name.text
        binding = mod.values[name.text]
        if binding == nil {
          _ = inferModuleMember(mod, name, callee, scope)
          for a in all { infer(a.value, scope) }
          return fresh()
        }
      }
    default:
      break
    }
    if let b = binding { references[callee.id] = b }
    switch binding {
    case .functions(let fs)?:
      return callFunctions(fs, calleeName, e, callee, all, scope)
    case .constructor(let c)?:
      let t = instantiate(c.scheme)
      exprTypes[callee.id] = t
      guard case .fn(let ps, let r) = t else {
        error("E0604", "'\(c.name)' takes no values, so it cannot be called", at: callee.span, notes: ["help: write just `\(c.name)`"])
        return t
      }
      return callPositional(ps, r, "'\(calleeName)'", e, all, scope)
    case .module?:
      error("E0210", "'\(calleeName)' is a module, not a function", at: callee.span)
      return fresh()
    default:
      let ft = infer(callee, scope).resolved
      switch ft {
      case .fn(let ps, let r):
        return callPositional(ps, r, calleeName.isEmpty ? "this function" : "'\(calleeName)'", e, all, scope)
      case .v:
        let ps = all.map { infer($0.value, scope) }
        let r = fresh()
        unify(ft, .fn(ps, r), at: callee.span)
        return r
      default:
        error("E0312", "\(TypePrinter().print(ft)) is not a function, so it cannot be called", at: callee.span)
        for a in all { infer(a.value, scope) }
        return fresh()
      }
    }
  }

  /// Where a problem with a whole call is shown: for `a |> f(b)` the call
  /// `f(b)`, not the whole pipeline, which may start many lines above.
  func callSite(_ e: Expr) -> Span {
    if case .pipe(_, let rhs) = e.kind { return rhs.span }
    return e.span
  }

  /// Where a problem with an argument is shown: the argument itself, except
  /// for the value piped in by `a |> f(...)`, where it is the operator `f`
  /// (the piped value is the whole pipeline so far).
  func argumentSite(_ arg: Expr, _ e: Expr, _ callee: Expr) -> Span {
    if case .pipe(let lhs, _) = e.kind, lhs.id == arg.id { return callee.span }
    return arg.span
  }

  /// A call of a function value or constructor: positional arguments only.
  func callPositional(_ ps: [Type], _ r: Type, _ name: String, _ e: Expr, _ args: [Arg], _ scope: Scope) -> Type {
    if let labeled = args.first(where: { $0.label != nil }), let l = labeled.label {
      error("E0311", "named argument '\(l.text)' needs a declared function; \(name) takes positional arguments", at: l.span)
    }
    if args.count != ps.count {
      error("E0305", "\(name) takes \(ps.count) argument\(ps.count == 1 ? "" : "s"), but \(args.count) \(args.count == 1 ? "was" : "were") given", at: callSite(e))
    }
    for (a, p) in zip(args, ps) { check(a.value, p, scope) }
    for a in args.dropFirst(ps.count) { infer(a.value, scope) }
    return r
  }

  /// Matches arguments to parameters: positional first, then by name.
  /// Returns the argument for each parameter, or why it does not fit.
  func bindArguments(_ f: FunctionSymbol, _ args: [Arg]) -> Result<[Expr?], Diagnostic> {
    let n = f.paramNames.count
    var slots = [Expr?](repeating: nil, count: n)
    var filled = [Bool](repeating: false, count: n)
    var i = 0
    for a in args {
      if let label = a.label {
        guard let idx = f.paramNames.firstIndex(where: { $0 == label.text }) else {
          let s = closestMatch(to: label.text, in: f.paramNames.compactMap { $0 })
          let names = f.paramNames.compactMap { $0 }.joined(separator: ", ")
          return .failure(.error("E0308", "'\(f.name)' has no parameter named '\(label.text)'", at: label.span, label: s.map { "did you mean '\($0)'?" }, notes: ["note: its parameters are: \(names)"]))
        }
        if filled[idx] {
          return .failure(.error("E0314", "argument '\(label.text)' is given twice", at: label.span))
        }
        slots[idx] = a.value
        filled[idx] = true
      } else {
        while i < n && filled[i] { i += 1 }
        guard i < n else {
          return .failure(.error("E0305", "'\(f.name)' takes \(n) argument\(n == 1 ? "" : "s"), but \(args.count) \(args.count == 1 ? "was" : "were") given", at: a.value.span, notes: ["note: \(signature(f))"]))
        }
        slots[i] = a.value
        filled[i] = true
        i += 1
      }
    }
    for k in 0..<n where !filled[k] && f.defaults[k] == nil {
      let pname = f.paramNames[k] ?? "#\(k + 1)"
      return .failure(.error("E0306", "missing argument '\(pname)' in call to '\(f.name)'", at: .none, notes: ["note: \(signature(f))"]))
    }
    return .success(slots)
  }

  func signature(_ f: FunctionSymbol) -> String {
    let p = TypePrinter()
    guard case .fn(let ps, let r) = f.scheme.type.resolved else { return f.name }
    let parts = zip(f.paramNames, ps).enumerated().map { (i, x) -> String in
      let d = f.defaults[i] != nil ? " = ..." : ""
      return "\(x.0 ?? "_"): \(p.print(x.1))\(d)"
    }
    return "\(f.name)(\(parts.joined(separator: ", "))) -> \(p.print(r))"
  }

  func callFunctions(_ fs: [FunctionSymbol], _ name: String, _ e: Expr, _ callee: Expr, _ args: [Arg], _ scope: Scope) -> Type {
    if fs.first?.module == "std.prelude", let t = intrinsic(name, e, callee, args, scope) { return t }
    var feasible: [(FunctionSymbol, [Expr?])] = []
    var firstFailure: Diagnostic? = nil
    for f in fs {
      switch bindArguments(f, args) {
      case .success(let slots): feasible.append((f, slots))
      case .failure(let d): if firstFailure == nil { firstFailure = d }
      }
    }
    var preInferred: [Int: Type] = [:]
    guard !feasible.isEmpty else {
      if fs.count == 1, var d = firstFailure {
        if d.span == .none { d.span = callSite(e) }
        diagnostics.append(d)
      } else {
        error("E0313", "no form of '\(name)' takes these arguments", at: callSite(e), notes: fs.map { "note: \(signature($0))" })
      }
      for a in args { infer(a.value, scope) }
      return fresh()
    }
    var chosen = feasible[0]
    if feasible.count > 1 {
      // Choose by the type of the first argument, exact head first.
      guard let firstArg = feasible[0].1.first ?? nil else { return apply(chosen, e, callee, scope, preInferred) }
      let t0 = infer(firstArg, scope)
      preInferred[firstArg.id] = t0
      let ranked = feasible.sorted { a, b in
        rank(a.0, t0) < rank(b.0, t0)
      }
      var found = false
      for cand in ranked where (try? probe({
        guard case .fn(let ps, _) = self.instantiate(cand.0.scheme), let p0 = ps.first else { throw UnifyError.mismatch(t0, t0) }
        try self.coerce(t0, to: p0)
      })) == true {
        chosen = cand
        found = true
        break
      }
      if !found {
        reportNoForm(name, t0, feasible.map(\.0), firstArg, at: argumentSite(firstArg, e, callee))
        for a in args where a.value.id != firstArg.id { infer(a.value, scope) }
        return fresh()
      }
    } else if let f = chosen.1.first, let firstArg = f, streamKindMismatch(chosen.0, firstArg, scope, &preInferred, name, at: argumentSite(firstArg, e, callee)) {
      for a in args where a.value.id != firstArg.id { infer(a.value, scope) }
      return fresh()
    }
    return apply(chosen, e, callee, scope, preInferred)
  }

  /// 0 when the first parameter's head equals the argument's, 1 when it is a
  /// variable (accepts anything), 2 otherwise.
  private func rank(_ f: FunctionSymbol, _ t0: Type) -> Int {
    guard case .fn(let ps, _) = f.scheme.type, let p0 = ps.first else { return 3 }
    guard let h = p0.head else { return 1 }
    return h == t0.head ? 0 : 2
  }

  /// The first argument of a stream operator has the wrong kind of stream:
  /// say so in stream terms, with the fix.
  private func streamKindMismatch(_ f: FunctionSymbol, _ firstArg: Expr, _ scope: Scope, _ pre: inout [Int: Type], _ name: String, at span: Span) -> Bool {
    guard case .fn(let ps, _) = f.scheme.type, let want = ps.first?.head, ["Keyed", "Windowed", "Stream"].contains(want) else { return false }
    let t0 = infer(firstArg, scope)
    pre[firstArg.id] = t0
    guard let have = t0.head, ["Keyed", "Windowed", "Stream"].contains(have), have != want else { return false }
    if want == "Stream" && have == "Keyed" { return false }
    reportNoForm(name, t0, [f], firstArg, at: span)
    return true
  }

  func reportNoForm(_ name: String, _ t0: Type, _ fs: [FunctionSymbol], _ firstArg: Expr, at span: Span) {
    let p = TypePrinter()
    let kinds = Set(fs.compactMap { f -> String? in
      guard case .fn(let ps, _) = f.scheme.type else { return nil }
      return ps.first?.head
    })
    let have = t0.head ?? "?"
    let streamKinds: Set<String> = ["Stream", "Keyed", "Windowed"]
    if streamKinds.contains(have), !kinds.intersection(streamKinds).isEmpty {
      let wanted = kinds.intersection(streamKinds).sorted().map { $0 == "Keyed" ? "a keyed stream (Keyed)" : $0 == "Windowed" ? "a windowed stream (Windowed)" : "a stream" }
      var notes: [String] = []
      if have == "Stream" && kinds.contains("Keyed") {
        notes.append("help: key the stream first: `|> keyBy(x => ...) |> \(name)(...)`")
      } else if have == "Stream" && kinds.contains("Windowed") {
        notes.append("help: key and window the stream first: `|> keyBy(x => ...) |> window(tumbling(10s)) |> \(name)(...)`")
      } else if have == "Windowed" {
        notes.append("help: aggregate the windows first, e.g. `|> count()` or `|> aggregate({ ... })`")
      } else if have == "Keyed" && kinds.contains("Windowed") {
        notes.append("help: window the keyed stream first: `|> window(tumbling(10s))`")
      }
      error("E0501", "'\(name)' needs \(wanted.joined(separator: " or ")), but it is given \(p.print(t0))", at: span, notes: notes)
      return
    }
    var notes = fs.map { "note: \(signature($0))" }
    // `length(t.note)` with `note: String?`: say that the null case is the problem.
    if case .optional(let inner) = t0.resolved, fs.contains(where: { f in
      guard case .fn(let ps, _) = instantiate(f.scheme), let p0 = ps.first else { return false }
      return (try? probe { try self.coerce(inner, to: p0) }) == true
    }) {
      notes.append("help: this value may be null; give a default with `?? value`, or check `!= null` first")
    }
    error("E0313", "no form of '\(name)' accepts \(p.print(t0)) as its first argument", at: span, notes: notes)
  }

  /// Checks the arguments of a chosen function: plain values first, then
  /// lambdas, so that lambda parameters know their types.
  private func apply(_ chosen: (FunctionSymbol, [Expr?]), _ e: Expr, _ callee: Expr, _ scope: Scope, _ pre: [Int: Type]) -> Type {
    let (f, slots) = chosen
    let t = instantiate(f.scheme)
    guard case .fn(let ps, let r) = t else { return fresh() }
    let order = slots.indices.sorted { a, b in
      let la = slots[a].map(isLambda) ?? false, lb = slots[b].map(isLambda) ?? false
      return la == lb ? a < b : !la
    }
    var pipedFailed = false
    for i in order {
      guard let arg = slots[i], i < ps.count else { continue }
      let site = argumentSite(arg, e, callee), before = diagnostics.count
      if let known = pre[arg.id] {
        coerce(known, to: ps[i], at: site, argumentContext(f, i))
      } else {
        checkArgument(arg, ps[i], scope, f, i, at: site)
      }
      if site != arg.span && diagnostics.count > before { pipedFailed = true }
    }
    calls[e.id] = ResolvedCall(function: f, arguments: slots)
    // `stream |> take(2)`: the piped value did not fit, so the declared
    // result (a List) says nothing about this step; do not let the next
    // step of the pipeline report it again.
    if pipedFailed { return fresh() }
    return r
  }

  private func checkArgument(_ arg: Expr, _ expected: Type, _ scope: Scope, _ f: FunctionSymbol, _ i: Int, at site: Span) {
    let before = diagnostics.count
    check(arg, expected, scope)
    // Name the parameter in a plain mismatch, so the user knows which one,
    // and show it at the operator when the argument is the piped value.
    if diagnostics.count == before + 1, diagnostics[before].code == "E0301", diagnostics[before].span == arg.span {
      diagnostics[before].message = "\(argumentContext(f, i)): " + diagnostics[before].message
      diagnostics[before].span = site
    }
  }

  private func argumentContext(_ f: FunctionSymbol, _ i: Int) -> String {
    "argument '\(f.paramNames[i] ?? "#\(i + 1)")' of '\(f.name)'"
  }

  func isLambda(_ e: Expr) -> Bool {
    if case .lambda = e.kind { return true }
    return false
  }
}
