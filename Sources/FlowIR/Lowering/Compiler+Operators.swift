import FlowSyntax
import FlowSema
import FlowRuntime
import FlowConnectors

/// Binary operators at run time. Division by zero and integer overflow are
/// runtime errors at the operator's position, never a crash.
extension Lowering {
  func compileBinary(_ op: BinaryOp, _ l: Expr, _ r: Expr, _ e: Expr, _ s: FnScope) throws -> Code {
    let a = try compile(l, s), b = try compile(r, s)
    let loc = location(e.span)
    switch op {
    case .and: return { f in if case .bool(true) = try a(f) { return try b(f) }; return .bool(false) }
    case .or: return { f in if case .bool(true) = try a(f) { return .bool(true) }; return try b(f) }
    case .coalesce: return { f in let v = try a(f); if case .null = v { return try b(f) }; return v }
    case .eq: return { f in .bool(try a(f) == b(f)) }
    case .ne: return { f in .bool(try a(f) != b(f)) }
    case .lt: return { f in .bool(compareValues(try a(f), try b(f)) < 0) }
    case .le: return { f in .bool(compareValues(try a(f), try b(f)) <= 0) }
    case .gt: return { f in .bool(compareValues(try a(f), try b(f)) > 0) }
    case .ge: return { f in .bool(compareValues(try a(f), try b(f)) >= 0) }
    case .add, .sub, .mul, .div, .mod:
      // Integer and float fast paths; everything else goes through the table.
      if case .int(let k) = r.kind, checker.exprTypes[r.id].map({ if case .con("Int", _) = $0.resolved { return true } else { return false } }) == true {
        switch op {
        case .mod where k != 0 && k != -1:
          return { f in if case .int(let x) = try a(f) { return .int(x % k) }; return try arithmetic(op, try a(f), .int(k), loc) }
        case .div where k != 0 && k != -1:
          return { f in if case .int(let x) = try a(f) { return .int(x / k) }; return try arithmetic(op, try a(f), .int(k), loc) }
        default: break
        }
      }
      return { f in
        let x = try a(f), y = try b(f)
        switch (x, y) {
        case let (.int(p), .int(q)):
          switch op {
          case .add: let (v, o) = p.addingReportingOverflow(q); if !o { return .int(v) }
          case .sub: let (v, o) = p.subtractingReportingOverflow(q); if !o { return .int(v) }
          case .mul: let (v, o) = p.multipliedReportingOverflow(by: q); if !o { return .int(v) }
          default: break
          }
        case let (.float(p), .float(q)):
          return .float(floatOp(op, p, q))
        case let (.int(p), .float(q)):
          return .float(floatOp(op, Double(p), q))
        case let (.float(p), .int(q)):
          return .float(floatOp(op, p, Double(q)))
        default: break
        }
        return try arithmetic(op, x, y, loc)
      }
    }
  }
}

@inline(__always)
func arithmetic(_ op: BinaryOp, _ x: Value, _ y: Value, _ loc: String) throws -> Value {
  switch (x, y) {
  case let (.int(a), .int(b)):
    let r: (Int64, Bool)
    switch op {
    case .add: r = a.addingReportingOverflow(b)
    case .sub: r = a.subtractingReportingOverflow(b)
    case .mul: r = a.multipliedReportingOverflow(by: b)
    case .div:
      guard b != 0 else { throw RuntimeError("division by zero", at: loc) }
      r = a.dividedReportingOverflow(by: b)
    case .mod:
      guard b != 0 else { throw RuntimeError("remainder by zero", at: loc) }
      r = a.remainderReportingOverflow(dividingBy: b)
    default: r = (0, false)
    }
    if r.1 { throw RuntimeError("integer overflow in \(a) \(op.rawValue) \(b)", at: loc) }
    return .int(r.0)
  case let (.float(a), .float(b)): return .float(floatOp(op, a, b))
  case let (.int(a), .float(b)): return .float(floatOp(op, Double(a), b))
  case let (.float(a), .int(b)): return .float(floatOp(op, a, Double(b)))
  case let (.string(a), .string(b)) where op == .add: return .string(a + b)
  case let (.time(a), .duration(b)) where op == .add: return .time(a &+ b)
  case let (.duration(a), .time(b)) where op == .add: return .time(a &+ b)
  case let (.time(a), .duration(b)) where op == .sub: return .time(a &- b)
  case let (.time(a), .time(b)) where op == .sub: return .duration(a &- b)
  case let (.duration(a), .duration(b)):
    switch op {
    case .add: return .duration(a &+ b)
    case .sub: return .duration(a &- b)
    case .div:
      guard b != 0 else { throw RuntimeError("division by a zero duration", at: loc) }
      return .float(Double(a) / Double(b))
    case .mod:
      guard b != 0 else { throw RuntimeError("remainder by a zero duration", at: loc) }
      return .duration(a % b)
    default: break
    }
  case let (.duration(a), .int(b)):
    if op == .mul { return .duration(a &* b) }
    if op == .div {
      guard b != 0 else { throw RuntimeError("division by zero", at: loc) }
      return .duration(a / b)
    }
  case let (.int(a), .duration(b)) where op == .mul: return .duration(a &* b)
  case let (.duration(a), .float(b)) where op == .mul: return .duration(Int64((Double(a) * b).rounded()))
  case let (.float(a), .duration(b)) where op == .mul: return .duration(Int64((a * Double(b)).rounded()))
  case let (.vector(a), .vector(b)):
    guard a.count == b.count else { throw RuntimeError("vectors of different sizes (\(a.count) and \(b.count))", at: loc) }
    if op == .add { return .vector(zip(a, b).map { $0 + $1 }) }
    if op == .sub { return .vector(zip(a, b).map { $0 - $1 }) }
  case (.vector(let a), _):
    let k = try asDouble(y)
    if op == .mul { return .vector(a.map { $0 * k }) }
    if op == .div { return .vector(a.map { $0 / k }) }
  case (_, .vector(let b)) where op == .mul:
    let k = try asDouble(x)
    return .vector(b.map { $0 * k })
  default: break
  }
  throw RuntimeError("operator '\(op.rawValue)' cannot be applied to \(render(x, quoted: true)) and \(render(y, quoted: true))", at: loc)
}

@inline(__always)
func floatOp(_ op: BinaryOp, _ a: Double, _ b: Double) -> Double {
  switch op {
  case .add: return a + b
  case .sub: return a - b
  case .mul: return a * b
  case .div: return a / b
  case .mod: return a.truncatingRemainder(dividingBy: b)
  default: return .nan
  }
}
