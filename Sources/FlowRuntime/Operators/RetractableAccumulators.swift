/// Flow's own `count()`, `sum(f)` and `avg(f)` can take rows back, so a
/// Table API aggregate over a changelog retracts exactly; `min`, `max` and
/// the others cannot (the changelog aggregate reports it when a retraction
/// reaches them).
extension CountAcc: RetractableAccumulator {
  func retract(_ v: Value) throws { n -= 1 }
}

extension SumAcc: RetractableAccumulator {
  func retract(_ v: Value) throws {
    switch (total, try f.apply1(v)) {
    case let (.int(a), .int(b)): total = .int(a &- b)
    case let (.float(a), .float(b)): total = .float(a - b)
    case let (.float(a), .int(b)): total = .float(a - Double(b))
    case let (.int(a), .float(b)): total = .float(Double(a) - b)
    case let (.duration(a), .duration(b)): total = .duration(a &- b)
    case let (a, b): throw RuntimeError("cannot subtract \(b) from \(a)")
    }
  }
}

extension AvgAcc: RetractableAccumulator {
  func retract(_ v: Value) throws {
    sum -= try asDouble(f.apply1(v))
    n -= 1
  }
}
