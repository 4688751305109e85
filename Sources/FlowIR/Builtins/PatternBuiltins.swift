import FlowRuntime

/// CEP: pattern builders and the `pattern` operator. `begin`, `next`,
/// `followedBy`, `followedByAny`, `notNext` and `notFollowedBy` are typed by
/// the checker's intrinsic rules and built by `Lowering.compilePatternPart`.
extension Builtins {
  static func registerPatterns(_ t: inout [String: Builtin]) {
    func quantifier(_ key: String, _ change: @escaping ([Value], CallSite, inout PatternSpec.Part) throws -> Void) {
      t[key] = { site, a in
        guard case .opaque(let o) = a[0], let spec = o as? PatternSpec else { throw RuntimeError("internal: expected a pattern", at: site.location) }
        var failure: Error? = nil
        let out = spec.withLast { p in
          do { try change(a, site, &p) } catch { failure = error }
        }
        if let f = failure { throw f }
        return .opaque(out)
      }
    }
    quantifier("times/Pattern") { a, s, p in
      let n = Int(try int(a[1], s))
      guard n >= 1 else { throw RuntimeError("times(n) needs n >= 1", at: s.location) }
      p.min = n; p.max = n
    }
    quantifier("timesRange/Pattern") { a, s, p in
      let lo = Int(try int(a[1], s)), hi = Int(try int(a[2], s))
      guard lo >= 0, hi >= max(lo, 1) else { throw RuntimeError("timesRange(min, max) needs 0 <= min <= max and max >= 1", at: s.location) }
      p.min = lo; p.max = hi
    }
    quantifier("timesOrMore/Pattern") { a, s, p in
      let n = Int(try int(a[1], s))
      guard n >= 1 else { throw RuntimeError("timesOrMore(n) needs n >= 1", at: s.location) }
      p.min = n; p.max = nil
    }
    quantifier("oneOrMore/Pattern") { _, _, p in p.min = 1; p.max = nil }
    quantifier("optional/Pattern") { _, _, p in p.min = 0 }
    quantifier("greedy/Pattern") { _, s, p in
      guard p.group == nil else { throw RuntimeError("greedy applies to a part, not to a group", at: s.location) }
      p.greedy = true
    }
    quantifier("consecutive/Pattern") { _, _, p in p.consecutive = true }
    quantifier("until/Pattern") { a, s, p in
      guard p.group == nil else { throw RuntimeError("until applies to a looping part, not to a group", at: s.location) }
      p.until = try function(a[1], s)
    }
    t["within/Pattern"] = { site, a in
      guard case .opaque(let o) = a[0], let spec = o as? PatternSpec else { throw RuntimeError("internal: expected a pattern", at: site.location) }
      let d = try millis(a[1], site)
      guard d > 0 else { throw RuntimeError("within needs a positive duration", at: site.location) }
      return .opaque(spec.within(d))
    }
    t["pattern/Keyed"] = { site, a in
      let n = try planNode(a[0], site)
      guard case .opaque(let o) = a[1], let spec = o as? PatternSpec else { throw RuntimeError("internal: expected a pattern", at: site.location) }
      if spec.parts.last?.negation == .notFollowedBy && spec.within == nil {
        throw RuntimeError("a pattern that ends with notFollowedBy needs `within(...)`: without a time limit it could never complete", at: site.location)
      }
      if spec.parts.first?.negation != PatternSpec.Negation.none {
        throw RuntimeError("a pattern cannot begin with a negative part", at: site.location)
      }
      return site.lowering.node(.pattern(spec, try afterMatch(a[2], site)), [n], site, "pattern")
    }
    t["timedOut/Stream"] = { site, a in
      let n = try planNode(a[0], site)
      guard case .pattern = n.kind else {
        throw RuntimeError("timedOut takes the output of `pattern(...)` directly", at: site.location)
      }
      return site.lowering.node(.timedOut, [n], site, "timedOut")
    }
  }

  static func afterMatch(_ v: Value, _ site: CallSite) throws -> AfterMatch {
    guard case .variant(let tag, let payload) = v else { return .noSkip }
    switch tag {
    case "SkipToNext": return .toNext
    case "SkipPastLastEvent": return .pastLastEvent
    case "SkipToFirst": if case .string(let s)? = payload.first { return .toFirst(s) }
    case "SkipToLast": if case .string(let s)? = payload.first { return .toLast(s) }
    default: break
    }
    return .noSkip
  }
}
