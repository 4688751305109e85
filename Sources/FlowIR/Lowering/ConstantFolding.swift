import FlowSyntax
import FlowSema
import FlowRuntime

/// A lambda's parameters and body as checked, kept in `FunctionInfo.syntax`
/// so that `flow compile` can translate the function to SQL.
public final class LambdaSyntax {
  public let params: [Param]
  public let body: Expr
  /// `file:line:col` of the lambda.
  public let location: String
  init(params: [Param], body: Expr, location: String) {
    self.params = params
    self.body = body
    self.location = location
  }
}

/// Constant folding and dead-branch elimination on expressions: an
/// expression built only from literals is evaluated once at compile time,
/// and `if` with a constant condition compiles to the branch taken.
extension Lowering {
  /// The value of `e` if it is known at compile time. Faults (division by
  /// zero, overflow) are left to run time, where they are reported.
  func constantValue(_ e: Expr) -> Value? {
    switch e.kind {
    case .int(let v):
      if case .con("Float", _)? = checker.exprTypes[e.id]?.resolved { return .float(Double(v)) }
      return .int(v)
    case .float(let v): return .float(v)
    case .bool(let v): return .bool(v)
    case .duration(let v): return .duration(v)
    case .time(let v): return .time(v)
    case .string(let parts):
      var s = ""
      for p in parts {
        guard case .text(let t) = p else { return nil }
        s += t
      }
      return .string(s)
    case .unary(.not, let x):
      if case .bool(let b)? = constantValue(x) { return .bool(!b) }
      return nil
    case .unary(.neg, let x):
      guard let v = constantValue(x) else { return nil }
      return try? negate(v, "")
    case .binary(let op, let l, let r):
      guard let a = constantValue(l), let b = constantValue(r) else { return nil }
      switch op {
      case .and, .or:
        guard case .bool(let x) = a, case .bool(let y) = b else { return nil }
        return .bool(op == .and ? x && y : x || y)
      case .eq: return .bool(a == b)
      case .ne: return .bool(a != b)
      case .lt: return .bool(compareValues(a, b) < 0)
      case .le: return .bool(compareValues(a, b) <= 0)
      case .gt: return .bool(compareValues(a, b) > 0)
      case .ge: return .bool(compareValues(a, b) >= 0)
      case .coalesce: return nil
      default:
        return try? arithmetic(op, a, b, "")
      }
    case .ifThen(let c, let a, let b):
      guard case .bool(let cond)? = constantValue(c) else { return nil }
      return constantValue(cond ? a : b)
    default:
      return nil
    }
  }

  /// Facts about a one-parameter lambda body, for the plan optimizer.
  func functionInfo(_ params: [Param], _ body: Expr, span: Span) -> FunctionInfo {
    let text = sourceText(span)
    var fields: Set<String>? = nil
    var updated: Set<String>? = nil
    if params.count == 1, case .bind(let p) = params[0].pattern.kind {
      fields = fieldsRead(of: p, in: body)
      if case .recordUpdate(let base, let fs) = body.kind, case .name(let n) = base.kind, n == p {
        updated = Set(fs.map(\.name.text))
      }
    }
    let info = FunctionInfo(text: text, fieldsRead: fields, constant: constantValue(body), updatedFields: updated)
    if params.count == 1, case .bind(let p) = params[0].pattern.kind,
       case .field(let base, let f) = body.kind, case .name(let n) = base.kind, n == p {
      info.projectedField = f.text
    }
    info.syntax = LambdaSyntax(params: params, body: body, location: location(span))
    return info
  }

  /// The fields read from variable `p` in `e`, or nil if `p` is used in any
  /// other way (or rebound), so that all of its fields may be needed.
  func fieldsRead(of p: String, in e: Expr) -> Set<String>? {
    var out = Set<String>()
    var escapes = false
    func binds(_ pat: Pattern) -> Bool {
      switch pat.kind {
      case .bind(let n): return n == p
      case .constructor(_, let xs), .tuple(let xs): return xs.contains(where: binds)
      case .record(let fs, _): return fs.contains { binds($0.pattern) }
      default: return false
      }
    }
    func visit(_ e: Expr) {
      if escapes { return }
      switch e.kind {
      case .name(let n): if n == p { escapes = true }
      case .field(let b, let f), .optionalField(let b, let f):
        if case .name(let n) = b.kind, n == p { out.insert(f.text) } else { visit(b) }
      case .int, .float, .bool, .duration, .time, .null, .error: break
      case .string(let parts): for case .expr(let x) in parts { visit(x) }
      case .record(let fs): fs.forEach { visit($0.value) }
      case .recordUpdate(let b, let fs): visit(b); fs.forEach { visit($0.value) }
      case .tuple(let xs), .list(let xs): xs.forEach(visit)
      case .map(let es): es.forEach { visit($0.key); visit($0.value) }
      case .lambda(let ps, let body):
        if ps.contains(where: { binds($0.pattern) }) { escapes = true } else { visit(body) }
      case .call(let c, let args): visit(c); args.forEach { visit($0.value) }
      case .pipe(let a, let b): visit(a); visit(b)
      case .tupleIndex(let b, _): visit(b)
      case .index(let a, let b): visit(a); visit(b)
      case .unary(_, let x): visit(x)
      case .binary(_, let a, let b): visit(a); visit(b)
      case .ifThen(let c, let a, let b): visit(c); visit(a); visit(b)
      case .match(let s, let arms):
        visit(s)
        for a in arms {
          if binds(a.pattern) { escapes = true }
          visit(a.body)
          if let g = a.guardExpr { visit(g) }
        }
      case .block(let lets, let r):
        for l in lets {
          if binds(l.pattern) { escapes = true }
          visit(l.value)
        }
        visit(r)
      }
    }
    visit(e)
    return escapes ? nil : out
  }

  func sourceText(_ span: Span) -> String {
    guard let f = sources.file(span.fileID), span.start < span.end, span.end <= f.bytes.count else { return "" }
    let text = String(decoding: f.bytes[span.start..<span.end], as: UTF8.self)
    // One line for plans: collapse runs of whitespace.
    return text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
  }
}
