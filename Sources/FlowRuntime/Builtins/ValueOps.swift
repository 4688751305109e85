/// Arithmetic and ordering on runtime values, shared by compiled operators
/// and aggregates. The checker has proved the operand types, so a mismatch
/// here is an internal error, reported rather than crashed on.
public func asDouble(_ v: Value) throws -> Double {
  switch v {
  case .int(let i): return Double(i)
  case .float(let d): return d
  case .duration(let d): return Double(d)
  default: throw RuntimeError("expected a number, found \(v)")
  }
}

public func addNumbers(_ a: Value, _ b: Value) throws -> Value {
  switch (a, b) {
  case let (.int(x), .int(y)):
    let (r, o) = x.addingReportingOverflow(y)
    if o { throw RuntimeError("integer overflow in \(x) + \(y)") }
    return .int(r)
  case let (.float(x), .float(y)): return .float(x + y)
  case let (.int(x), .float(y)): return .float(Double(x) + y)
  case let (.float(x), .int(y)): return .float(x + Double(y))
  case let (.duration(x), .duration(y)): return .duration(x &+ y)
  default: throw RuntimeError("cannot add \(a) and \(b)")
  }
}

/// Total order used by min, max, topK, sort and comparisons: numbers by
/// value (Int and Float mixed), strings by Unicode scalars, times and
/// durations by milliseconds, null first.
public func compareValues(_ a: Value, _ b: Value) -> Int {
  func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
  switch (a, b) {
  case let (.int(x), .int(y)): return cmp(x, y)
  case let (.float(x), .float(y)): return cmp(x, y)
  case let (.int(x), .float(y)): return cmp(Double(x), y)
  case let (.float(x), .int(y)): return cmp(x, Double(y))
  case let (.string(x), .string(y)): return cmp(x, y)
  case let (.time(x), .time(y)): return cmp(x, y)
  case let (.duration(x), .duration(y)): return cmp(x, y)
  case let (.bool(x), .bool(y)): return cmp(x ? 1 : 0, y ? 1 : 0)
  case (.null, .null): return 0
  case (.null, _): return -1
  case (_, .null): return 1
  case let (.tuple(x), .tuple(y)), let (.list(x), .list(y)):
    for (p, q) in zip(x, y) {
      let c = compareValues(p, q)
      if c != 0 { return c }
    }
    return cmp(x.count, y.count)
  default: return 0
  }
}
