/// What an aggregating operator emits per key (and window).
public enum AggregateOutput {
  /// A record: `key`, then `start` and `end` for windows, then one field per aggregate.
  case record(Shape, [AggSpec])
  /// `reduce(f)`: the reduced value itself.
  case reduced(FunctionValue)
}

/// Aggregation per key without windows: running results on unbounded input,
/// one final result per key (in first-seen order) on bounded input.
public final class KeyedAggregateOperator: Operator {
  let keyFn: FunctionValue
  let output: AggregateOutput
  var state: [Value: KeyState] = [:]
  var order: [Value] = []

  final class KeyState {
    var accs: [Accumulator]
    var reduced: Value?
    init(accs: [Accumulator]) { self.accs = accs }
  }

  public init(key: FunctionValue, output: AggregateOutput, name: String, location: String) {
    self.keyFn = key
    self.output = output
    super.init(name: name, location: location)
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    let k = try keyFn.call([v])
    let s: KeyState
    if let existing = state[k] {
      s = existing
    } else {
      if case .record(_, let specs) = output { s = KeyState(accs: specs.map { $0.make() }) } else { s = KeyState(accs: []) }
      state[k] = s
      order.append(k)
    }
    switch output {
    case .record:
      for a in s.accs { try a.add(v) }
    case .reduced(let f):
      s.reduced = try s.reduced.map { try f.call([$0, v]) } ?? v
    }
    if !bounded { try emit(result(k, s), ts: ts) }
  }

  func result(_ k: Value, _ s: KeyState) throws -> Value {
    switch output {
    case .record(let shape, _):
      var values = [k]
      values.reserveCapacity(shape.fields.count)
      for a in s.accs { values.append(try a.result()) }
      return .record(Record(shape: shape, values: values))
    case .reduced:
      return s.reduced ?? .null
    }
  }

  override public func onFinish() throws {
    guard bounded else { return }
    for k in order {
      if let s = state[k] { try emit(result(k, s), ts: Int64.max) }
    }
  }
}

/// A `reduce(f)` accumulator, so windows can reduce like they aggregate.
final class ReduceAcc: Accumulator {
  let f: FunctionValue
  var value: Value?
  init(_ f: FunctionValue) { self.f = f }
  func add(_ v: Value) throws { value = try value.map { try f.call([$0, v]) } ?? v }
  func merge(_ o: Accumulator) throws {
    guard let o = o as? ReduceAcc, let x = o.value else { return }
    value = try value.map { try f.call([$0, x]) } ?? x
  }
  func result() throws -> Value { value ?? .null }
  func copy() -> Accumulator { let c = ReduceAcc(f); c.value = value; return c }
}
