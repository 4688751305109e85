/// A non-windowed aggregate that emits a changelog (Flink's group
/// aggregate): the first row of a key emits `+I[result]`; each later row
/// that changes the result emits `-U[old]` then `+U[new]`; a key whose rows
/// have all been retracted emits `-D[old]`. Its input may itself be a
/// changelog: `+I`/`+U` rows are added to the accumulators, `-U`/`-D` rows
/// retracted from them. It emits the same way on bounded and unbounded
/// input (the changelog's final state is the batch result).
public final class ChangelogAggregateOperator: Operator {
  final class Group {
    var accs: [Accumulator]
    /// Rows added minus rows retracted: 0 means the group is gone.
    var rows: Int64 = 0
    /// The aggregate values last emitted (nil: nothing emitted yet).
    var emitted: [Value]?
    init(accs: [Accumulator]) { self.accs = accs }
  }

  let keyFn: FunctionValue
  let specs: [AggSpec]
  let outShape: Shape
  var groups: [Value: Group] = [:]
  var ttl: TTLClock?
  var strip: [ObjectIdentifier: Shape] = [:]

  public init(key: FunctionValue, fields: [(String, AggSpec)], shape: Shape, ttl: StateTTL?, location: String) {
    self.keyFn = key
    self.specs = fields.map(\.1)
    self.outShape = Shape(shape.fields + [ChangeKind.field])
    self.ttl = ttl.map { TTLClock(ttl: $0) }
    super.init(name: "changelog aggregate", location: location)
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    let (row, kind) = ChangeKind.split(v, strip: &strip)
    let k = try keyFn.apply1(row)
    if var t = ttl {
      let now = t.now(ts: ts, watermark: currentWatermark, clock: clock)
      // Expired state is dropped silently, as in Flink: the key starts over.
      if t.expired(k, now: now) { groups[k] = nil }
      for dead in t.sweep(now: now) where dead != k { groups[dead] = nil }
      if now != Int64.min { t.lastAccess[k] = now }
      ttl = t
    }
    let g: Group
    if let known = groups[k] {
      g = known
    } else {
      // A retraction for a key with no state (expired, or never seen) has
      // nothing to take back.
      guard kind.isAccumulate else { return }
      g = Group(accs: specs.map { $0.make() })
      groups[k] = g
    }
    if kind.isAccumulate {
      for a in g.accs { try a.add(row) }
      g.rows += 1
    } else {
      for (i, a) in g.accs.enumerated() {
        guard let r = a as? RetractableAccumulator else {
          throw RuntimeError("'\(specs[i].name)' cannot take back a retracted row (\(kind.rawValue)) of its updating input; count, sum and avg can", at: location)
        }
        try r.retract(row)
      }
      g.rows -= 1
    }
    if g.rows <= 0 {
      groups[k] = nil
      if let old = g.emitted { try emit(tagged(k, old, .delete), ts: ts) }
      return
    }
    var values: [Value] = []
    values.reserveCapacity(g.accs.count)
    for a in g.accs { values.append(try a.result()) }
    if let old = g.emitted {
      // An unchanged result is not re-emitted (as Flink without TTL).
      if old == values { return }
      try emit(tagged(k, old, .updateBefore), ts: ts)
      g.emitted = values
      try emit(tagged(k, values, .updateAfter), ts: ts)
    } else {
      g.emitted = values
      try emit(tagged(k, values, .insert), ts: ts)
    }
  }

  func tagged(_ k: Value, _ values: [Value], _ kind: ChangeKind) -> Value {
    var out = [k]
    out.reserveCapacity(values.count + 2)
    out.append(contentsOf: values)
    out.append(.string(kind.rawValue))
    return .record(Record(shape: outShape, values: out))
  }

  override public func onWatermark(_ wm: Int64) throws {
    guard var t = ttl, t.ttl.eventTime else { return }
    for dead in t.sweep(now: wm) { groups[dead] = nil }
    ttl = t
  }

  override public func snapshotState(_ w: inout StateWriter) throws {
    try super.snapshotState(&w)
    let keys = groups.keys.sorted { compareValues($0, $1) < 0 }
    w.int(keys.count)
    for k in keys {
      guard let g = groups[k] else { continue }
      try w.value(k)
      w.int(g.rows)
      try w.value(g.emitted.map { .list($0) } ?? .null)
      for a in g.accs { try a.save(&w) }
    }
    w.bool(ttl != nil)
    if let t = ttl { try t.save(&w) }
  }

  override public func restoreState(_ r: inout StateReader) throws {
    try super.restoreState(&r)
    let n = try r.count()
    for _ in 0..<n {
      let k = try r.value()
      let g = Group(accs: specs.map { $0.make() })
      g.rows = try r.int()
      if case .list(let xs) = try r.value() { g.emitted = xs }
      for a in g.accs { try a.load(&r) }
      groups[k] = g
    }
    if try r.bool() {
      var t = ttl ?? TTLClock(ttl: StateTTL(millis: 0, eventTime: false))
      try t.load(&r)
      if ttl != nil { ttl = t }
    }
  }
}
