import FlowSyntax
import FlowSema
import FlowRuntime

/// Matches a value against a pattern, storing bound variables in the frame.
typealias Matcher = (Value, Frame) throws -> Bool

extension Lowering {
  /// `optionalScrutinee`: matching a `T?` value, where every pattern but
  /// `null` and `_` only matches a present value.
  func compilePattern(_ p: Pattern, _ s: FnScope, optionalScrutinee: Bool) -> Matcher {
    let inner = compilePatternInner(p, s)
    guard optionalScrutinee else { return inner }
    switch p.kind {
    case .null, .wildcard, .error: return inner
    default:
      return { v, f in
        if case .null = v { return false }
        return try inner(v, f)
      }
    }
  }

  private func compilePatternInner(_ p: Pattern, _ s: FnScope) -> Matcher {
    switch p.kind {
    case .wildcard, .error:
      return { _, _ in true }
    case .bind(let n):
      let slot = s.declare(n)
      return { v, f in
        f.slots[slot] = v
        return true
      }
    case .null:
      return { v, _ in if case .null = v { return true }; return false }
    case .literal(let e):
      let lit: Value
      switch e.kind {
      case .int(let i): lit = .int(i)
      case .float(let d): lit = .float(d)
      case .bool(let b): lit = .bool(b)
      case .duration(let d): lit = .duration(d)
      case .time(let t): lit = .time(t)
      case .string(let parts):
        lit = .string(parts.map { if case .text(let t) = $0 { return t }; return "" }.joined())
      default: lit = .null
      }
      return { v, _ in v == lit }
    case .constructor(let name, let args):
      let subs = args.map { compilePatternInner($0, s) }
      let tag = name.text
      return { v, f in
        guard case .variant(let t, let payload) = v, t == tag, payload.count == subs.count else { return false }
        for (m, x) in zip(subs, payload) where try !m(x, f) { return false }
        return true
      }
    case .tuple(let items):
      let subs = items.map { compilePatternInner($0, s) }
      return { v, f in
        guard case .tuple(let xs) = v, xs.count == subs.count else { return false }
        for (m, x) in zip(subs, xs) where try !m(x, f) { return false }
        return true
      }
    case .record(let fields, _):
      let subs = fields.map { (FieldGetter($0.name.text), compilePatternInner($0.pattern, s)) }
      return { v, f in
        guard case .record(let r) = v else { return false }
        for (g, m) in subs where try !m(g.get(r), f) { return false }
        return true
      }
    }
  }

  func compileMatch(_ e: Expr, _ scrutinee: Expr, _ arms: [MatchArm], _ s: FnScope) throws -> Code {
    let sc = try compile(scrutinee, s)
    var isOptional = false
    if case .optional? = checker.exprTypes[scrutinee.id]?.resolved { isOptional = true }
    var compiled: [(Matcher, Code?, Code)] = []
    for arm in arms {
      s.push()
      let m = compilePattern(arm.pattern, s, optionalScrutinee: isOptional)
      let g = try arm.guardExpr.map { try compile($0, s) }
      let body = try compile(arm.body, s)
      s.pop()
      compiled.append((m, g, body))
    }
    let loc = location(e.span)
    return { f in
      let v = try sc(f)
      for (m, g, body) in compiled {
        guard try m(v, f) else { continue }
        if let g = g, case .bool(false) = try g(f) { continue }
        return try body(f)
      }
      throw RuntimeError("no arm of this match accepts the value", at: loc)
    }
  }
}
