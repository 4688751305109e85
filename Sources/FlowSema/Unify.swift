import FlowSyntax

/// Why two types could not be made equal. The caller adds the location.
enum UnifyError: Error {
  case mismatch(Type, Type)
  case missingField(String, in: Type)
  case infinite(Type, Type)
  /// The variable (if any) that refused the type, so that a reported
  /// failure can bind it anyway and not be reported again at each use.
  case notAllowed(Type, Set<String>, TypeVar?)
}

extension Checker {
  func fresh(allowed: Set<String>? = nil) -> Type {
    varCounter += 1
    return .v(TypeVar(id: varCounter, level: level, allowed: allowed))
  }

  func freshRow() -> TypeVar {
    varCounter += 1
    return TypeVar(id: varCounter, level: level, isRow: true)
  }

  /// Makes `a` and `b` the same type, or throws why not.
  func unify(_ a: Type, _ b: Type) throws {
    let x = a.resolved, y = b.resolved
    switch (x, y) {
    case let (.v(t1), .v(t2)):
      if t1 === t2 { return }
      // Keep the more constrained variable's set, intersected.
      if let s1 = t1.allowed, let s2 = t2.allowed {
        let both = s1.intersection(s2)
        if both.isEmpty { throw UnifyError.mismatch(x, y) }
        save(t2)
        t2.allowed = both
      } else if t1.allowed != nil {
        save(t2)
        t2.allowed = t1.allowed
      }
      save(t1); save(t2)
      t2.level = min(t1.level, t2.level)
      t1.binding = y
    case let (.v(tv), other), let (other, .v(tv)):
      try bind(tv, other)
    case let (.con(n1, a1), .con(n2, a2)):
      guard n1 == n2, a1.count == a2.count else { throw UnifyError.mismatch(x, y) }
      conNesting += 1
      defer { conNesting -= 1 }
      for (p, q) in zip(a1, a2) { try unifyInner(p, q, x, y) }
    case let (.fn(p1, r1), .fn(p2, r2)):
      guard p1.count == p2.count else { throw UnifyError.mismatch(x, y) }
      for (p, q) in zip(p1, p2) { try unifyInner(p, q, x, y) }
      try unifyInner(r1, r2, x, y)
    case let (.tuple(i1), .tuple(i2)):
      guard i1.count == i2.count else { throw UnifyError.mismatch(x, y) }
      for (p, q) in zip(i1, i2) { try unifyInner(p, q, x, y) }
    case let (.optional(i1), .optional(i2)):
      try unifyInner(i1, i2, x, y)
    case let (.param(_, id1), .param(_, id2)) where id1 == id2:
      return
    case (.record, .record):
      try unifyRecords(x, y)
    default:
      throw UnifyError.mismatch(x, y)
    }
  }

  /// Unifies parts; a failure deep inside is reported on the whole types,
  /// except for missing fields, which name the field.
  private func unifyInner(_ p: Type, _ q: Type, _ whole1: Type, _ whole2: Type) throws {
    do { try unify(p, q) } catch UnifyError.mismatch {
      throw UnifyError.mismatch(whole1, whole2)
    }
  }

  private func bind(_ tv: TypeVar, _ t: Type) throws {
    if occurs(tv, in: t) { throw UnifyError.infinite(.v(tv), t) }
    if let allowed = tv.allowed {
      switch t {
      case .con(let n, _) where allowed.contains(n): break
      case .param(let n, let id):
        // A bounded type parameter satisfies the constraint if its bound does.
        if let b = paramBounds[id], b.isSubset(of: allowed) { break }
        throw UnifyError.notAllowed(.param(n, id), allowed, tv)
      default: throw UnifyError.notAllowed(t, allowed, tv)
      }
    }
    adjustLevels(t, to: tv.level)
    save(tv)
    tv.binding = t
  }

  private func occurs(_ tv: TypeVar, in t: Type) -> Bool {
    switch t.resolved {
    case .v(let other): return other === tv
    case .con(_, let args): return args.contains { occurs(tv, in: $0) }
    case .fn(let ps, let r): return ps.contains { occurs(tv, in: $0) } || occurs(tv, in: r)
    case .tuple(let items): return items.contains { occurs(tv, in: $0) }
    case .record(let fields, let tail): return fields.contains { occurs(tv, in: $0.1) } || tail === tv
    case .optional(let i): return occurs(tv, in: i)
    case .param: return false
    }
  }

  private func adjustLevels(_ t: Type, to lvl: Int) {
    switch t.resolved {
    case .v(let tv): if tv.level > lvl { save(tv); tv.level = lvl }
    case .con(_, let args): args.forEach { adjustLevels($0, to: lvl) }
    case .fn(let ps, let r): ps.forEach { adjustLevels($0, to: lvl) }; adjustLevels(r, to: lvl)
    case .tuple(let items): items.forEach { adjustLevels($0, to: lvl) }
    case .record(let fields, let tail):
      fields.forEach { adjustLevels($0.1, to: lvl) }
      if let tv = tail, tv.level > lvl { save(tv); tv.level = lvl }
    case .optional(let i): adjustLevels(i, to: lvl)
    case .param: break
    }
  }

  /// Row unification: common fields unify; a field only one side has must be
  /// absorbed by the other side's row variable, or it is a missing field.
  private func unifyRecords(_ x: Type, _ y: Type) throws {
    guard case .record(let f1, let t1) = x, case .record(let f2, let t2) = y else { return }
    var only1: [(String, Type)] = []
    var only2: [(String, Type)] = []
    let d2 = Dictionary(f2.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
    let d1 = Dictionary(f1.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
    for (n, t) in f1 {
      if let u = d2[n] {
        do { try unify(t, u) } catch UnifyError.mismatch(let p, let q) {
          throw UnifyError.mismatch(p, q)
        }
      } else { only1.append((n, t)) }
    }
    for (n, t) in f2 where d1[n] == nil { only2.append((n, t)) }
    // Inside `Stream<...>`, `List<...>`: two closed records with different
    // fields are different element types (`union(orders, payments)`), a
    // mismatch of the whole types rather than one missing field. (A field
    // an open record requires, as from `t => t.kms`, is still named.)
    if conNesting > 0 && t1 == nil && t2 == nil && (!only1.isEmpty || !only2.isEmpty) { throw UnifyError.mismatch(x, y) }
    if !only1.isEmpty && t2 == nil { throw UnifyError.missingField(only1[0].0, in: y) }
    if !only2.isEmpty && t1 == nil { throw UnifyError.missingField(only2[0].0, in: x) }
    switch (t1, t2) {
    case (nil, nil):
      return
    case (let a?, nil):
      try bindRow(a, .record(only2, tail: nil))
    case (nil, let b?):
      try bindRow(b, .record(only1, tail: nil))
    case (let a?, let b?):
      if a === b {
        if !only1.isEmpty || !only2.isEmpty { throw UnifyError.mismatch(x, y) }
        return
      }
      if only1.isEmpty && only2.isEmpty {
        try bindRow(a, .v(b))
        return
      }
      let rest = freshRow()
      rest.level = min(a.level, b.level)
      try bindRow(a, .record(only2, tail: rest))
      try bindRow(b, .record(only1, tail: rest))
    }
  }

  private func bindRow(_ tv: TypeVar, _ t: Type) throws {
    if occurs(tv, in: t) { throw UnifyError.infinite(.v(tv), t) }
    adjustLevels(t, to: tv.level)
    save(tv)
    tv.binding = t
  }

  // MARK: - Coercion

  /// Checks that a value of type `actual` may be used where `expected` is
  /// wanted. Beyond equality it allows `T` where `T?` is expected and
  /// `Keyed<K, T>` where `Stream<T>` is expected.
  func coerce(_ actual: Type, to expected: Type) throws {
    let a = actual.resolved, e = expected.resolved
    switch (a, e) {
    case (.optional, .optional):
      try unify(a, e)
    case (_, .optional(let inner)):
      if case .v(let tv) = a {
        // `A` where `A?` is expected is fine; otherwise the unknown becomes optional.
        if case .v(let tv2) = inner.resolved, tv === tv2 { return }
        try unify(a, e)
        return
      }
      try coerce(a, to: inner)
    case (.con("Keyed", let ka), .con("Stream", let sa)) where ka.count == 2 && sa.count == 1:
      do { try unify(ka[1], sa[0]) } catch UnifyError.mismatch { throw UnifyError.mismatch(e, a) }
    default:
      do { try unify(e, a) }
    }
  }

  /// Coerces and reports a failure at `span`.
  func coerce(_ actual: Type, to expected: Type, at span: Span, _ what: String? = nil) {
    do { try coerce(actual, to: expected) } catch let err as UnifyError {
      report(err, at: span, expected: expected, actual: actual, what: what)
    } catch {}
  }

  func unify(_ a: Type, _ b: Type, at span: Span, _ what: String? = nil) {
    do { try unify(a, b) } catch let err as UnifyError {
      report(err, at: span, expected: a, actual: b, what: what)
    } catch {}
  }

  /// Turns a unification failure into a diagnostic.
  func report(_ err: UnifyError, at span: Span, expected: Type, actual: Type, what: String?) {
    let p = TypePrinter()
    let prefix = what.map { "\($0): " } ?? ""
    switch err {
    case .mismatch:
      var notes: [String] = []
      let e = expected.resolved, a = actual.resolved
      if case .optional(let inner) = a, (try? probe { try self.coerce(inner, to: e) }) == true {
        notes.append("help: this value may be null; supply a default with `?? value` or test it with `match`")
      }
      if case .con("Int", _) = a, case .con("Float", _) = e { notes.append("help: convert with `toFloat(...)`") }
      if case .con("Float", _) = a, case .con("Int", _) = e { notes.append("help: convert with `toInt(...)` (truncates) or `round(...)`") }
      if case .con("Stream", _) = a, case .con("Keyed", _) = e { notes.append("help: key the stream first: `|> keyBy(x => ...)`") }
      diagnostics.append(.error("E0301", "\(prefix)type mismatch: expected \(p.print(expected)), found \(p.print(actual))", at: span, notes: notes))
    case .missingField(let f, let rec):
      let fields = recordFields(rec)
      // Suggest only fields the other side lacks: in `{ x: 1.0 }` given for
      // `{ x: Float, y: Float }`, 'x' is no misspelling of 'y'.
      let other = recordFields(expected) == fields ? recordFields(actual) : recordFields(expected)
      let label = closestMatch(to: f, in: fields.filter { !other.contains($0) }).map { "did you mean '\($0)'?" }
      diagnostics.append(.error("E0213", "\(prefix)record \(p.print(rec)) has no field '\(f)'", at: span, label: label, notes: fields.isEmpty ? [] : ["note: available fields: \(fields.joined(separator: ", "))"]))
    case .infinite(let a, let b):
      diagnostics.append(.error("E0302", "\(prefix)this would need an infinite type (\(p.print(a)) = \(p.print(b)))", at: span, notes: ["help: a function may be applied to itself by mistake; add type annotations to find where"]))
    case .notAllowed(let t, let allowed, let tv):
      // `maxOf(true, false)` with `T: Ord`: say it once, for the first
      // argument; T is Bool from here on, so the second one agrees.
      if let v = tv, v.binding == nil, trailDepth == 0 { v.allowed = nil; v.binding = t }
      diagnostics.append(.error("E0303", "\(prefix)type \(p.print(t)) is not allowed here; expected one of \(allowed.sorted().joined(separator: ", "))", at: span))
    }
  }

  /// Runs a unification speculatively: variables bound during it are undone.
  func probe(_ body: () throws -> Void) throws -> Bool {
    let trail = startTrail()
    defer { undoTrail(trail) }
    do { try body(); return true } catch { return false }
  }

  func recordFields(_ t: Type) -> [String] {
    if case .record(let fs, _) = t.resolved { return fs.map { $0.0 } }
    return []
  }
}

/// Undo log for speculative unification (overload choice, hints).
struct TrailEntry {
  let tv: TypeVar
  let binding: Type?
  let allowed: Set<String>?
  let level: Int
}

extension Checker {
  func save(_ tv: TypeVar) {
    if trailDepth > 0 { trail.append(TrailEntry(tv: tv, binding: tv.binding, allowed: tv.allowed, level: tv.level)) }
  }

  func startTrail() -> Int {
    trailDepth += 1
    return trail.count
  }

  func undoTrail(_ mark: Int) {
    while trail.count > mark {
      let e = trail.removeLast()
      e.tv.binding = e.binding
      e.tv.allowed = e.allowed
      e.tv.level = e.level
    }
    trailDepth -= 1
  }

  /// Keeps the bindings made since `mark` (the speculation succeeded).
  func commitTrail(_ mark: Int) {
    trailDepth -= 1
    if trailDepth == 0 { trail.removeAll(keepingCapacity: true) }
  }
}
