/// Incremental aggregates: each keeps an accumulator, never the events
/// (except `collect` and `topK`, whose results are made of events).
/// Accumulators merge, so sliding windows can share slices.
public final class AggSpec: OpaqueValue, @unchecked Sendable {
  public enum Kind {
    case count
    case sum(FunctionValue)
    case min(FunctionValue)
    case max(FunctionValue)
    case avg(FunctionValue)
    case first(FunctionValue)
    case last(FunctionValue)
    case collect(FunctionValue)
    case countDistinct(FunctionValue)
    case topK(Int, FunctionValue)
    case accumulate(initial: Value, add: FunctionValue, merge: FunctionValue, result: FunctionValue)
    /// An accumulator defined outside the runtime (SQL's null-skipping,
    /// FILTER and DISTINCT aggregates); `make` gives a fresh one. It reads
    /// only `fieldsRead` of each event (nil: it may read any field).
    case custom(make: () -> Accumulator, fieldsRead: Set<String>?)
  }
  public let kind: Kind
  public let name: String

  public init(_ kind: Kind, name: String) {
    self.kind = kind
    self.name = name
  }

  public func make() -> Accumulator {
    switch kind {
    case .count: return CountAcc()
    case .sum(let f): return SumAcc(f)
    case .min(let f): return ExtremeAcc(f, wantMax: false)
    case .max(let f): return ExtremeAcc(f, wantMax: true)
    case .avg(let f): return AvgAcc(f)
    case .first(let f): return FirstLastAcc(f, last: false)
    case .last(let f): return FirstLastAcc(f, last: true)
    case .collect(let f): return CollectAcc(f)
    case .countDistinct(let f): return DistinctAcc(f)
    case .topK(let k, let f): return TopKAcc(k: k, by: f)
    case .accumulate(let i, let a, let m, let r): return UserAcc(initial: i, add: a, merge: m, result: r)
    case .custom(let make, _): return make()
    }
  }
}

public protocol Accumulator: AnyObject {
  /// Checkpoint support: the accumulator's state as values.
  func save(_ w: inout StateWriter) throws
  func load(_ r: inout StateReader) throws
  func add(_ v: Value) throws
  /// Folds `other` (a later part of the same stream) into this one.
  func merge(_ other: Accumulator) throws
  func result() throws -> Value
  func copy() -> Accumulator
  /// The result of this accumulator merged with `other`, leaving both
  /// unchanged (sliding windows assemble results this way).
  func mergedResult(_ other: Accumulator) throws -> Value
}

extension Accumulator {
  public func mergedResult(_ other: Accumulator) throws -> Value {
    let c = copy()
    try c.merge(other)
    return try c.result()
  }
}

final class CountAcc: Accumulator {
  var n: Int64 = 0
  func save(_ w: inout StateWriter) throws { w.int(n) }
  func load(_ r: inout StateReader) throws { n = try r.int() }
  func add(_ v: Value) throws { n += 1 }
  func merge(_ o: Accumulator) throws { if let o = o as? CountAcc { n += o.n } }
  func result() throws -> Value { .int(n) }
  func copy() -> Accumulator { let c = CountAcc(); c.n = n; return c }
  func mergedResult(_ o: Accumulator) throws -> Value { .int(n + ((o as? CountAcc)?.n ?? 0)) }
}

final class SumAcc: Accumulator {
  let f: FunctionValue
  var total: Value = .int(0)
  func save(_ w: inout StateWriter) throws { try w.value(total) }
  func load(_ r: inout StateReader) throws { total = try r.value() }
  init(_ f: FunctionValue) { self.f = f }
  func add(_ v: Value) throws { total = try addNumbers(total, f.apply1(v)) }
  func merge(_ o: Accumulator) throws { if let o = o as? SumAcc { total = try addNumbers(total, o.total) } }
  func result() throws -> Value { total }
  func copy() -> Accumulator { let c = SumAcc(f); c.total = total; return c }
  func mergedResult(_ o: Accumulator) throws -> Value {
    guard let o = o as? SumAcc else { return total }
    return try addNumbers(total, o.total)
  }
}

final class AvgAcc: Accumulator {
  let f: FunctionValue
  var sum = 0.0
  var n: Int64 = 0
  func save(_ w: inout StateWriter) throws { w.double(sum); w.int(n) }
  func load(_ r: inout StateReader) throws { sum = try r.double(); n = try r.int() }
  init(_ f: FunctionValue) { self.f = f }
  func add(_ v: Value) throws {
    sum += try asDouble(f.apply1(v))
    n += 1
  }
  func merge(_ o: Accumulator) throws {
    if let o = o as? AvgAcc { sum += o.sum; n += o.n }
  }
  func result() throws -> Value { .float(n == 0 ? 0 : sum / Double(n)) }
  func copy() -> Accumulator { let c = AvgAcc(f); c.sum = sum; c.n = n; return c }
}

final class ExtremeAcc: Accumulator {
  let f: FunctionValue
  let wantMax: Bool
  var best: Value? = nil
  func save(_ w: inout StateWriter) throws { w.bool(best != nil); if let b = best { try w.value(b) } }
  func load(_ r: inout StateReader) throws { best = try r.bool() ? try r.value() : nil }
  init(_ f: FunctionValue, wantMax: Bool) { self.f = f; self.wantMax = wantMax }
  func offer(_ x: Value) {
    guard let b = best else { best = x; return }
    let c = compareValues(x, b)
    if wantMax ? c > 0 : c < 0 { best = x }
  }
  func add(_ v: Value) throws { offer(try f.apply1(v)) }
  func merge(_ o: Accumulator) throws { if let o = o as? ExtremeAcc, let b = o.best { offer(b) } }
  func result() throws -> Value { best ?? .null }
  func copy() -> Accumulator { let c = ExtremeAcc(f, wantMax: wantMax); c.best = best; return c }
}

final class FirstLastAcc: Accumulator {
  let f: FunctionValue
  let last: Bool
  var value: Value? = nil
  func save(_ w: inout StateWriter) throws { w.bool(value != nil); if let v = value { try w.value(v) } }
  func load(_ r: inout StateReader) throws { value = try r.bool() ? try r.value() : nil }
  init(_ f: FunctionValue, last: Bool) { self.f = f; self.last = last }
  func add(_ v: Value) throws { if last || value == nil { value = try f.apply1(v) } }
  func merge(_ o: Accumulator) throws {
    guard let o = o as? FirstLastAcc, let x = o.value else { return }
    if last || value == nil { value = x }
  }
  func result() throws -> Value { value ?? .null }
  func copy() -> Accumulator { let c = FirstLastAcc(f, last: last); c.value = value; return c }
}

final class CollectAcc: Accumulator {
  let f: FunctionValue
  var items: [Value] = []
  func save(_ w: inout StateWriter) throws { try w.value(.list(items)) }
  func load(_ r: inout StateReader) throws { if case .list(let xs) = try r.value() { items = xs } }
  init(_ f: FunctionValue) { self.f = f }
  func add(_ v: Value) throws { items.append(try f.apply1(v)) }
  func merge(_ o: Accumulator) throws { if let o = o as? CollectAcc { items += o.items } }
  func result() throws -> Value { .list(items) }
  func copy() -> Accumulator { let c = CollectAcc(f); c.items = items; return c }
}

final class DistinctAcc: Accumulator {
  let f: FunctionValue
  var seen = Set<Value>()
  func save(_ w: inout StateWriter) throws { try w.value(.list(Array(seen))) }
  func load(_ r: inout StateReader) throws { if case .list(let xs) = try r.value() { seen = Set(xs) } }
  init(_ f: FunctionValue) { self.f = f }
  func add(_ v: Value) throws { seen.insert(try f.apply1(v)) }
  func merge(_ o: Accumulator) throws { if let o = o as? DistinctAcc { seen.formUnion(o.seen) } }
  func result() throws -> Value { .int(Int64(seen.count)) }
  func copy() -> Accumulator { let c = DistinctAcc(f); c.seen = seen; return c }
}

/// Keeps the k largest by `by`, largest first; ties keep arrival order.
final class TopKAcc: Accumulator {
  let k: Int
  let by: FunctionValue
  var items: [(Value, Value)] = []
  func save(_ w: inout StateWriter) throws { w.int(items.count); for (a, b) in items { try w.value(a); try w.value(b) } }
  func load(_ r: inout StateReader) throws { let n = try r.count(); items = []; for _ in 0..<n { let a = try r.value(); items.append((a, try r.value())) } }
  init(k: Int, by: FunctionValue) { self.k = max(0, k); self.by = by }
  func insert(_ score: Value, _ v: Value) {
    var i = items.count
    while i > 0 && compareValues(items[i - 1].0, score) < 0 { i -= 1 }
    if i >= k { return }
    items.insert((score, v), at: i)
    if items.count > k { items.removeLast() }
  }
  func add(_ v: Value) throws { insert(try by.apply1(v), v) }
  func merge(_ o: Accumulator) throws { if let o = o as? TopKAcc { for (s, v) in o.items { insert(s, v) } } }
  func result() throws -> Value { .list(items.map { $0.1 }) }
  func copy() -> Accumulator { let c = TopKAcc(k: k, by: by); c.items = items; return c }
}

final class UserAcc: Accumulator {
  let initial: Value
  let addF: FunctionValue, mergeF: FunctionValue, resultF: FunctionValue
  var acc: Value
  func save(_ w: inout StateWriter) throws { try w.value(acc) }
  func load(_ r: inout StateReader) throws { acc = try r.value() }
  init(initial: Value, add: FunctionValue, merge: FunctionValue, result: FunctionValue) {
    self.initial = initial
    self.addF = add
    self.mergeF = merge
    self.resultF = result
    self.acc = initial
  }
  func add(_ v: Value) throws { acc = try addF.call([acc, v]) }
  func merge(_ o: Accumulator) throws { if let o = o as? UserAcc { acc = try mergeF.call([acc, o.acc]) } }
  func result() throws -> Value { try resultF.call([acc]) }
  func copy() -> Accumulator {
    let c = UserAcc(initial: initial, add: addF, merge: mergeF, result: resultF)
    c.acc = acc
    return c
  }
}
