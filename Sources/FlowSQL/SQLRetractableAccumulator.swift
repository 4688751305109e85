import FlowRuntime

/// SQL aggregates over a changelog: the same results as `SQLAccumulator`
/// (NULLs skipped, FILTER, DISTINCT), but rows can be taken back out
/// exactly. COUNT, SUM and AVG keep a count and a running sum; MIN, MAX and
/// DISTINCT keep a multiset of the values (value -> how many rows hold it),
/// so retracting the current minimum finds the next one.
final class RetractableSQLAccumulator: RetractableAccumulator {
  let kind: SQLAggregateKind
  let arg: ((Value) throws -> Value)?
  let filter: ((Value) throws -> Value)?
  let distinct: Bool
  /// Values (rows for COUNT(*)) currently counted.
  var count: Int64 = 0
  /// SUM/AVG: the running total; NULL while nothing is counted.
  var sum: Value = .null
  /// MIN, MAX and DISTINCT: each value with its number of rows.
  var values: [Value: Int64] = [:]
  /// MIN/MAX: the current extreme, recomputed when its last row leaves.
  var extreme: Value = .null

  init(kind: SQLAggregateKind, arg: ((Value) throws -> Value)?, filter: ((Value) throws -> Value)?, distinct: Bool) {
    self.kind = kind
    self.arg = arg
    self.filter = filter
    self.distinct = distinct
  }

  var keepsValues: Bool { distinct || kind == .MIN || kind == .MAX }

  /// The value a row contributes, or nil when it does not count.
  func contribution(_ row: Value) throws -> Value? {
    if let f = filter {
      guard case .bool(true) = try f(row) else { return nil }
    }
    guard let a = arg else { return .int(1) }
    let v = try a(row)
    if case .null = v { return nil }
    return v
  }

  func add(_ row: Value) throws {
    guard let v = try contribution(row) else { return }
    if keepsValues {
      let before = values[v, default: 0]
      values[v] = before + 1
      if distinct && before > 0 { return }
    }
    count += 1
    switch kind {
    case .COUNT: break
    case .SUM, .AVG: sum = isNull(sum) ? v : try addNumbers(sum, v)
    case .MIN: if isNull(extreme) || compareValues(v, extreme) < 0 { extreme = v }
    case .MAX: if isNull(extreme) || compareValues(v, extreme) > 0 { extreme = v }
    }
  }

  func retract(_ row: Value) throws {
    guard let v = try contribution(row) else { return }
    if keepsValues {
      guard let before = values[v] else { return }
      values[v] = before > 1 ? before - 1 : nil
      if distinct && before > 1 { return }
    }
    count -= 1
    switch kind {
    case .COUNT: break
    case .SUM, .AVG: sum = count == 0 ? .null : try subtractNumbers(sum, v)
    case .MIN, .MAX:
      if values[v] == nil && v == extreme {
        let want = kind == .MIN ? -1 : 1
        extreme = values.keys.reduce(Value.null) { best, x in isNull(best) || compareValues(x, best) * want > 0 ? x : best }
      }
    }
  }

  func subtractNumbers(_ a: Value, _ b: Value) throws -> Value {
    switch (a, b) {
    case let (.int(x), .int(y)): return .int(x &- y)
    case let (.float(x), .float(y)): return .float(x - y)
    case let (.int(x), .float(y)): return .float(Double(x) - y)
    case let (.float(x), .int(y)): return .float(x - Double(y))
    default: throw RuntimeError("cannot subtract \(b) from \(a)")
    }
  }

  func merge(_ other: Accumulator) throws {
    throw RuntimeError("internal: changelog aggregates are not merged")
  }

  func result() throws -> Value {
    switch kind {
    case .COUNT: return .int(count)
    case .SUM: return count == 0 ? .null : sum
    case .MIN, .MAX: return extreme
    case .AVG:
      guard count > 0 else { return .null }
      switch sum {
      case .int(let s): return .int(s / count)
      case .float(let s): return .float(s / Double(count))
      default: return .null
      }
    }
  }

  func save(_ w: inout StateWriter) throws {
    w.int(count)
    try w.value(sum)
    try w.value(extreme)
    let vs = values.sorted { compareValues($0.key, $1.key) < 0 }
    w.int(vs.count)
    for (v, n) in vs { try w.value(v); w.int(n) }
  }

  func load(_ r: inout StateReader) throws {
    count = try r.int()
    sum = try r.value()
    extreme = try r.value()
    let n = try r.count()
    for _ in 0..<n { let v = try r.value(); values[v] = try r.int() }
  }

  func copy() -> Accumulator {
    let c = RetractableSQLAccumulator(kind: kind, arg: arg, filter: filter, distinct: distinct)
    c.count = count
    c.sum = sum
    c.values = values
    c.extreme = extreme
    return c
  }
}
