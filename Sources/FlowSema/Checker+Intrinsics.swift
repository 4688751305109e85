import FlowSyntax

/// Standard operators whose types depend on a record's fields or on a
/// literal name, beyond what a plain signature can say. Their declarations
/// in `std/prelude.flow` document them; their typing rules live here.
extension Checker {
  static let intrinsicNames: Set<String> = ["aggregate", "sql", "begin", "next", "followedBy", "followedByAny", "notNext", "notFollowedBy", "lateEvents"]

  func intrinsic(_ name: String, _ e: Expr, _ callee: Expr, _ args: [Arg], _ scope: Scope) -> Type? {
    guard Checker.intrinsicNames.contains(name) else { return nil }
    switch name {
    case "aggregate": return aggregateCall(e, callee, args, scope)
    case "lateEvents": return lateEventsCall(e, callee, args, scope)
    case "sql": return sqlCall(e, callee, args, scope)
    case "begin": return patternPart(e, nil, args, scope, name: name)
    default:
      guard let first = args.first else {
        error("E0305", "'\(name)' needs a pattern to extend, a name and a condition", at: callSite(e))
        return fresh()
      }
      return patternPart(e, first.value, Array(args.dropFirst()), scope, name: name)
    }
  }

  /// `keyed |> aggregate({ n: count(), total: sum(b => b.price) })` produces
  /// `{ key, n, total }`; on windows also `start` and `end`.
  private func aggregateCall(_ e: Expr, _ callee: Expr, _ args: [Arg], _ scope: Scope) -> Type {
    guard args.count == 2 else {
      error("E0305", "'aggregate' takes a keyed or windowed stream and a record of aggregates, e.g. `|> aggregate({ n: count(), total: sum(x => x.v) })`", at: callSite(e))
      for a in args { infer(a.value, scope) }
      return fresh()
    }
    let st = infer(args[0].value, scope).resolved
    let k: Type, t: Type
    var windowed = false, grouped = false
    switch st {
    case .con("Keyed", let a) where a.count == 2: k = a[0]; t = a[1]
    case .con("Grouped", let a) where a.count == 2: k = a[0]; t = a[1]; grouped = true
    case .con("Windowed", let a) where a.count == 2: k = a[0]; t = a[1]; windowed = true
    default:
      error("E0501", "'aggregate' needs a keyed, windowed or grouped stream, but it is given \(TypePrinter().print(st))", at: argumentSite(args[0].value, e, callee), notes: ["help: key the stream first: `|> keyBy(x => ...) |> aggregate({ ... })`"])
      infer(args[1].value, scope)
      return fresh()
    }
    var out: [(String, Type)] = [("key", k)]
    if windowed { out += [("start", .time), ("end", .time)] }
    let aggs = args[1].value
    guard case .record(let fields) = aggs.kind else {
      error("E0504", "'aggregate' takes a record literal of aggregates", at: aggs.span, notes: ["help: write `aggregate({ n: count(), total: sum(x => x.v) })`"])
      infer(aggs, scope)
      return fresh()
    }
    for f in fields {
      if out.contains(where: { $0.0 == f.name.text }) || (grouped && f.name.text == "rowKind") {
        error("E0504", "the aggregate name '\(f.name.text)' is taken by the output's own field", at: f.name.span, notes: ["help: rename it; the output already has key\(windowed ? ", start and end" : grouped ? " and rowKind" : "")"])
        continue
      }
      let r = fresh()
      check(f.value, .con("Agg", [t, r]), scope)
      out.append((f.name.text, r))
    }
    exprTypes[aggs.id] = .record(out, tail: nil)
    // A changelog: each row says what it does to the result (+I, -U, +U, -D).
    if grouped { return .stream(.record(out + [("rowKind", .string)], tail: nil)) }
    return .stream(.record(out, tail: nil))
  }

  /// Pattern parts: `begin("name", cond)` and `p |> followedBy("name", cond)`.
  /// The match so far is a record with one `List<T>` per named part, so a
  /// condition can look at earlier events as `m.small[0]`.
  private func patternPart(_ e: Expr, _ base: Expr?, _ args: [Arg], _ scope: Scope, name: String) -> Type {
    let t: Type
    var parts: [(String, Type)] = []
    if let b = base {
      let bt = infer(b, scope).resolved
      switch bt {
      case .con("Pattern", let a) where a.count == 2:
        t = a[0]
        if case .record(let fs, _) = a[1].resolved { parts = fs }
      default:
        let tt = fresh()
        unify(.con("Pattern", [tt, .record([], tail: nil)]), bt, at: b.span, "pattern")
        t = tt
      }
    } else {
      t = fresh()
    }
    let negative = name == "notNext" || name == "notFollowedBy"
    if args.count == 1, !negative, args[0].label == nil, !isStringLiteral(args[0].value) {
      return patternGroup(args[0].value, t, parts, scope, name: name)
    }
    guard args.count == 2, case .string(let pieces) = args[0].value.kind, pieces.count <= 1,
          case .text(let partName)? = pieces.first ?? .text("") else {
      // With two arguments, the name is the one that is wrong: show it, and
      // do not also report a bare `small` (meant as "small") as unknown.
      error("E0503", "'\(name)' takes a part name as a string literal and a condition, e.g. `\(name)(\"big\", t => t.amount > 100.0)`", at: args.count == 2 ? args[0].value.span : callSite(e))
      for a in args.dropFirst(args.count == 2 ? 1 : 0) { infer(a.value, scope) }
      return .con("Pattern", [t, .record(parts, tail: nil)])
    }
    if parts.contains(where: { $0.0 == partName }) {
      error("E0503", "the pattern already has a part named '\(partName)'", at: args[0].value.span)
    }
    let withThis = negative ? parts : parts + [(partName, Type.list(t))]
    let matched = Type.record(withThis, tail: nil)
    let cond = args[1].value
    if case .lambda(let ps, _) = cond.kind, ps.count == 1 {
      check(cond, .fn([t], .bool), scope)
    } else {
      check(cond, .fn([t, matched], .bool), scope)
    }
    return .con("Pattern", [t, matched])
  }

  private func isStringLiteral(_ e: Expr) -> Bool {
    if case .string = e.kind { return true }
    return false
  }

  /// A group part: `p |> next(begin("b", ...) |> followedBy("c", ...))`
  /// adds the group's parts to the match record.
  private func patternGroup(_ g: Expr, _ t: Type, _ parts: [(String, Type)], _ scope: Scope, name: String) -> Type {
    let gt = infer(g, scope).resolved
    guard case .con("Pattern", let a) = gt, a.count == 2, case .record(let gfs, _) = a[1].resolved else {
      error("E0503", "'\(name)' takes a part name and a condition, or a pattern to match as a group, e.g. `\(name)(begin(\"b\", t => t.ok) |> next(\"c\", t => !t.ok))`", at: g.span)
      return .con("Pattern", [t, .record(parts, tail: nil)])
    }
    unify(t, a[0], at: g.span, "pattern group")
    for f in gfs where parts.contains(where: { $0.0 == f.0 }) {
      error("E0503", "the pattern already has a part named '\(f.0)'", at: g.span)
    }
    return .con("Pattern", [t, .record(parts + gfs, tail: nil)])
  }

  /// `lateEvents(windowed)` and `lateEvents(matches)`: the events that came
  /// behind the watermark. For a pattern's matches (records of `List<T>`,
  /// one per part) they are the input events `T`.
  private func lateEventsCall(_ e: Expr, _ callee: Expr, _ args: [Arg], _ scope: Scope) -> Type {
    guard args.count == 1 else {
      error("E0305", "'lateEvents' takes one argument: a windowed stream or the matches of `pattern(...)`", at: callSite(e))
      for a in args { infer(a.value, scope) }
      return fresh()
    }
    let st = infer(args[0].value, scope).resolved
    switch st {
    case .con("Windowed", let a) where a.count == 2: return .stream(a[1])
    case .con("Stream", let a) where a.count == 1:
      if case .record(let fs, _) = a[0].resolved, !fs.isEmpty,
         fs.allSatisfy({ if case .con("List", _) = $0.1.resolved { return true } else { return false } }) {
        let t = fresh()
        for f in fs { unify(.list(t), f.1, at: args[0].value.span, "lateEvents") }
        return .stream(t)
      }
    default: break
    }
    error("E0501", "'lateEvents' needs a windowed stream (Windowed) or the matches of `pattern(...)`, but it is given \(TypePrinter().print(st))", at: argumentSite(args[0].value, e, callee), notes: ["help: read late events from `keyed |> window(...)` or from `keyed |> pattern(...)`"])
    return fresh()
  }
}
