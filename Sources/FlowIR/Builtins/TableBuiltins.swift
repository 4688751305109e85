import FlowRuntime

/// The Table API (Language/operators.md, "Table API"): relational operators
/// as Flow functions, lowering to the plan nodes SQL queries use. `select`
/// and `where` are a map and a filter; `groupBy` keys a stream (and carries
/// the state TTL) for a changelog `aggregate` (Compiler+Calls) or a
/// changelog `join`, `leftJoin`, `rightJoin`, `fullJoin`.
extension Builtins {
  static func registerTableAPI(_ t: inout [String: Builtin]) {
    unary(&t, "select/Stream", "select") { .map($0) }
    unary(&t, "where/Stream", "where") { .filter($0) }
    t["groupBy/Stream"] = { site, a in
      let n = try planNode(a[0], site)
      let node = site.lowering.node(.keyBy(try function(a[1], site)), [n], site, "groupBy")
      let ttl = a.count > 2 ? try millis(a[2], site) : 0
      guard ttl >= 0 else { throw RuntimeError("groupBy: the state TTL must not be negative", at: site.location) }
      let eventTime = a.count > 3 ? try bool(a[3], site) : false
      if ttl > 0, case .opaque(let o) = node, let p = o as? PlanNode { p.stateTTL = StateTTL(millis: ttl, eventTime: eventTime) }
      return node
    }
    for (name, type) in [("join", ChangelogSpec.JoinType.inner), ("leftJoin", .left), ("rightJoin", .right), ("fullJoin", .full)] {
      t["\(name)/Grouped"] = { site, a in
        let l = try planNode(a[0], site), r = try planNode(a[1], site)
        let spec = ChangelogSpec(.join(type), ttl: l.stateTTL ?? r.stateTTL)
        return site.lowering.node(.changelog(spec), [l, r], site, name)
      }
    }
  }
}
