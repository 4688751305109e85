import FlowSyntax

/// Exhaustiveness and reachability of `match` arms, by the usefulness
/// algorithm over pattern matrices (Maranget, "Warnings for pattern matching").
/// A missing case is reported with an example value that no arm matches.
indirect enum SpacePattern {
  case wild
  case ctor(String, [SpacePattern])
}

extension Checker {
  func checkExhaustive(_ e: Expr, _ t: Type, _ arms: [MatchArm]) {
    // An arm with an unknown constructor was reported already; what it was
    // meant to cover is unknown, so coverage is not judged.
    if arms.contains(where: { hasUnknownConstructor($0.pattern) }) { return }
    var rows: [[SpacePattern]] = []
    for arm in arms {
      let row = [space(arm.pattern, t, top: true)]
      if useful(rows, row, [t]) == nil {
        diagnostics.append(Diagnostic(.warning, code: "E0603", message: "this arm can never match: earlier arms cover every value it matches", span: arm.pattern.span, notes: ["help: remove it, or move it above the arm that covers it"]))
      }
      if arm.guardExpr == nil { rows.append(row) }
    }
    guard !arms.isEmpty else { return }
    if let witness = useful(rows, [.wild], [t]) {
      if case .ctor("some", let inner)? = witness.first, inner.allSatisfy({ if case .wild = $0 { return true } else { return false } }) {
        error("E0601", "this match does not handle every case: a value other than null is not matched", at: e.span, notes: ["help: add an arm `x => ...` (x is the value), or a catch-all `_ => ...`"])
        return
      }
      let missing = witness.first.map { render($0) } ?? "_"
      error("E0601", "this match does not handle every case: \(missing) is not matched", at: e.span, notes: ["help: add an arm `\(missing) => ...`, or a catch-all `_ => ...`"])
    }
  }

  func hasUnknownConstructor(_ p: Pattern) -> Bool {
    switch p.kind {
    case .constructor(_, let args):
      if references[p.id] == nil { return true }
      return args.contains(where: hasUnknownConstructor)
    case .tuple(let items): return items.contains(where: hasUnknownConstructor)
    case .record(let fields, _): return fields.contains { hasUnknownConstructor($0.pattern) }
    default: return false
    }
  }

  /// The constructors of a type when they are finitely many.
  private func constructorSet(_ t: Type) -> [(String, Int)]? {
    switch t.resolved {
    case .con("Bool", _): return [("true", 0), ("false", 0)]
    case .optional: return [("null", 0), ("some", 1)]
    case .tuple(let items): return [("tuple", items.count)]
    case .record(let fields, _): return [("record", fields.count)]
    case .con(let n, _):
      guard let sym = sumTypes[n] else { return nil }
      return sym.constructors.map { ($0.name, $0.arity) }
    default: return nil
    }
  }

  private func argumentTypes(_ t: Type, _ ctor: String, _ arity: Int) -> [Type] {
    let r = t.resolved
    switch (r, ctor) {
    case (.optional(let i), "some"): return [i]
    case (.tuple(let items), "tuple"): return items
    case (.record(let fields, _), "record"): return fields.sorted { $0.0 < $1.0 }.map { $0.1 }
    case (.con(let n, _), _):
      if let sym = sumTypes[n], let c = sym.constructors.first(where: { $0.name == ctor }) {
        if case .fn(let ps, let res) = instantiate(c.scheme) {
          _ = try? probeCommit { try self.unify(res, r) }
          return ps
        }
        return []
      }
    default: break
    }
    return Array(repeating: fresh(), count: arity)
  }

  func space(_ p: Pattern, _ t: Type, top: Bool = false) -> SpacePattern {
    let r = t.resolved
    if case .optional(let inner) = r {
      switch p.kind {
      case .wildcard, .error: return .wild
      // A name binds the value inside, so it matches present values only
      // (`match opt { n => n }` would otherwise type a null as non-null).
      case .bind: return top ? .ctor("some", [.wild]) : .wild
      case .null: return .ctor("null", [])
      default: return .ctor("some", [space(p, inner)])
      }
    }
    switch p.kind {
    case .wildcard, .bind, .error: return .wild
    case .null: return .ctor("null", [])
    case .literal(let e):
      if case .bool(let b) = e.kind { return .ctor(b ? "true" : "false", []) }
      // Equal literals are the same constructor, so a repeated arm is
      // reported as unreachable.
      return .ctor("literal:" + ASTPrinter().print(e), [])
    case .constructor(let name, let args):
      let ats = argumentTypes(r, name.text, args.count)
      // With the wrong number of sub-patterns (reported as E0604) the arm
      // still covers its constructor: missing ones count as `_`.
      return .ctor(name.text, ats.indices.map { i in i < args.count ? space(args[i], ats[i]) : .wild })
    case .tuple(let items):
      var ts: [Type] = []
      if case .tuple(let x) = r { ts = x } else { ts = items.map { _ in fresh() } }
      return .ctor("tuple", zip(items, ts).map { space($0.0, $0.1) })
    case .record(let fields, _):
      guard case .record(let all, _) = r else { return .wild }
      let sorted = all.sorted { $0.0 < $1.0 }
      return .ctor("record", sorted.map { f in
        if let sub = fields.first(where: { $0.name.text == f.0 }) { return space(sub.pattern, f.1) }
        return .wild
      })
    }
  }

  /// A value vector that `q` matches and no row does, or nil.
  func useful(_ rows: [[SpacePattern]], _ q: [SpacePattern], _ types: [Type]) -> [SpacePattern]? {
    guard let first = q.first else { return rows.isEmpty ? [] : nil }
    let t = types.first ?? fresh()
    let restTypes = Array(types.dropFirst())
    switch first {
    case .ctor(let c, let args):
      let sub = argumentTypes(t, c, args.count)
      let spec = rows.compactMap { specialize($0, c, args.count) }
      guard let w = useful(spec, args + q.dropFirst(), sub + restTypes) else { return nil }
      return [.ctor(c, Array(w.prefix(args.count)))] + w.dropFirst(args.count)
    case .wild:
      let used = Set(rows.compactMap { row -> String? in
        if case .ctor(let c, _)? = row.first { return c }
        return nil
      })
      if let all = constructorSet(t), !all.isEmpty, all.allSatisfy({ used.contains($0.0) }) {
        for (c, arity) in all {
          let sub = argumentTypes(t, c, arity)
          let spec = rows.compactMap { specialize($0, c, arity) }
          let q2 = Array(repeating: SpacePattern.wild, count: arity) + q.dropFirst()
          if let w = useful(spec, q2, sub + restTypes) {
            return [.ctor(c, Array(w.prefix(arity)))] + w.dropFirst(arity)
          }
        }
        return nil
      }
      let defaults = rows.compactMap { row -> [SpacePattern]? in
        if case .wild? = row.first { return Array(row.dropFirst()) }
        return nil
      }
      guard let w = useful(defaults, Array(q.dropFirst()), restTypes) else { return nil }
      if let all = constructorSet(t), let missing = all.first(where: { !used.contains($0.0) }) {
        return [.ctor(missing.0, Array(repeating: .wild, count: missing.1))] + w
      }
      return [.wild] + w
    }
  }

  private func specialize(_ row: [SpacePattern], _ c: String, _ arity: Int) -> [SpacePattern]? {
    guard let head = row.first else { return nil }
    switch head {
    case .wild: return Array(repeating: .wild, count: arity) + row.dropFirst()
    case .ctor(let d, let args): return d == c ? args + row.dropFirst() : nil
    }
  }

  func render(_ p: SpacePattern) -> String {
    switch p {
    case .wild: return "_"
    case .ctor("some", let a): return a.first.map(render) ?? "_"
    case .ctor("tuple", let a): return "(" + a.map(render).joined(separator: ", ") + ")"
    case .ctor("record", _): return "{ .. }"
    case .ctor(let c, let a):
      if c.hasPrefix("literal:") { return "_" }
      return a.isEmpty ? c : "\(c)(\(a.map(render).joined(separator: ", ")))"
    }
  }
}
