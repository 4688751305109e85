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
  /// `keyFn`'s one-argument entry.
  let keyCall: (Value) throws -> Value
  let output: AggregateOutput
  var index = KeyIndex()
  /// `count()` alone needs no accumulator objects: one counter per key.
  let countOnly: Bool
  var counts: [Int64] = []
  var accs: [[Accumulator]] = []
  var reduced: [Value] = []
  /// With the RocksDB backend, per-key state lives there instead of in the
  /// arrays above (see KeyedAggregateOperator+RocksDB.swift).
  var disk: RocksKeyedStore<KeyState>?

  public init(key: FunctionValue, output: AggregateOutput, name: String, location: String) {
    self.keyFn = key
    self.keyCall = key.unary
    self.output = output
    if case .record(_, let specs) = output, specs.count == 1, case .count = specs[0].kind {
      countOnly = true
    } else {
      countOnly = false
    }
    super.init(name: name, location: location)
  }

  /// The role in a parallel job with a combiner: `.combine` runs before the
  /// hash exchange and, at the end of bounded input, emits one partial
  /// aggregate per key; `.mergePartials` runs after it and merges them.
  enum Role { case whole, combine, mergePartials }
  var role = Role.whole

  override public func open() throws {
    try super.open()
    if stateBackend.kind == .rocksdb { disk = makeDiskStore() }
  }

  override public func close() throws {
    disk?.close()
    try super.close()
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    if role == .mergePartials, case .opaque(let o) = v, let p = o as? PartialAggregate {
      return try merge(p)
    }
    let k = try keyCall(v)
    if let d = disk { return try processOnDisk(d, k, v, ts: ts) }
    let (i, isNew) = index.index(of: k)
    if countOnly {
      if isNew { counts.append(1) } else { counts[i] += 1 }
    } else {
      switch output {
      case .record(_, let specs):
        if isNew { accs.append(specs.map { $0.make() }) }
        for a in accs[i] { try a.add(v) }
      case .reduced(let f):
        if isNew { reduced.append(v) } else { reduced[i] = try f.call([reduced[i], v]) }
      }
    }
    if !bounded { try emit(result(i), ts: ts) }
  }

  /// A batch for `count()` on bounded input, the common shape (word
  /// counts, key histograms): one key call and one table probe per event,
  /// no per-event dispatch. Other shapes take the per-event path.
  override public func processBatch(_ batch: [Value], ts: Int64, port: Int) throws {
    guard countOnly, bounded, disk == nil, role == .whole else {
      for v in batch { try process(v, ts: ts, port: port) }
      return
    }
    for v in batch {
      let (i, isNew) = index.index(of: try keyCall(v))
      if isNew { counts.append(1) } else { counts[i] += 1 }
    }
  }

  func result(_ i: Int) throws -> Value {
    switch output {
    case .record(let shape, _):
      if countOnly { return .record(Record(shape: shape, values: [index.keys[i], .int(counts[i])])) }
      var values = [index.keys[i]]
      values.reserveCapacity(shape.fields.count)
      for a in accs[i] { values.append(try a.result()) }
      return .record(Record(shape: shape, values: values))
    case .reduced:
      return reduced[i]
    }
  }

  override public func onFinish() throws {
    guard bounded else { return }
    if let d = disk { return try finishOnDisk(d) }
    if role == .combine {
      for i in 0..<index.count { try emit(.opaque(partial(i)), ts: Int64.max) }
      return
    }
    for i in 0..<index.count { try emit(result(i), ts: Int64.max) }
  }

  func partial(_ i: Int) -> PartialAggregate {
    if countOnly { return PartialAggregate(key: index.keys[i], count: counts[i], accs: [], reduced: nil) }
    switch output {
    case .record: return PartialAggregate(key: index.keys[i], count: 0, accs: accs[i], reduced: nil)
    case .reduced: return PartialAggregate(key: index.keys[i], count: 0, accs: [], reduced: reduced[i])
    }
  }

  func merge(_ p: PartialAggregate) throws {
    if let d = disk { return try mergeOnDisk(d, p) }
    let (i, isNew) = index.index(of: p.key)
    if countOnly {
      if isNew { counts.append(p.count) } else { counts[i] += p.count }
      return
    }
    switch output {
    case .record:
      if isNew { accs.append(p.accs) } else { for (a, b) in zip(accs[i], p.accs) { try a.merge(b) } }
    case .reduced(let f):
      guard let x = p.reduced else { return }
      if isNew { reduced.append(x) } else { reduced[i] = try f.call([reduced[i], x]) }
    }
  }

  override public func captureState() throws -> (() throws -> [UInt8])? { try captureCopyOnWrite() }

  override public func snapshotState(_ w: inout StateWriter) throws {
    try super.snapshotState(&w)
    if let d = disk {
      // -1 where the in-memory format has its key count: the state is a
      // RocksDB checkpoint.
      w.int(-1)
      return try d.snapshot(&w)
    }
    w.int(index.count)
    for i in 0..<index.count {
      try w.value(index.keys[i])
      if countOnly {
        w.int(counts[i])
      } else if case .record = output {
        for a in accs[i] { try a.save(&w) }
      } else {
        try w.value(reduced[i])
      }
    }
  }

  override public func restoreState(_ r: inout StateReader) throws {
    try super.restoreState(&r)
    let n = try r.int()
    if n == -1 {
      guard let d = disk else {
        throw RuntimeError("this checkpoint keeps the operator's keyed state in RocksDB: restore with `--state-backend rocksdb`")
      }
      // The RocksDB checkpoint is opened whole: it cannot be split among
      // or merged from other subtasks.
      guard r.keyFilter == nil else {
        throw RuntimeError("keyed state in RocksDB restores only at the parallelism the checkpoint was taken at", notes: ["help: restore with that `--parallelism`, or take the checkpoint with `--state-backend memory` to rescale"])
      }
      return try d.restore(&r)
    }
    guard n >= 0 else { throw RuntimeError("checkpoint state is damaged (a negative key count)") }
    if let d = disk { return try restoreIntoDisk(d, count: Int(n), &r) }
    for _ in 0..<n {
      // Keys another subtask owns after rescaling are read and dropped; a
      // key already present (a combiner's partial state folded in on
      // restore) merges like a partial aggregate.
      let k = try r.value()
      let p: PartialAggregate
      if countOnly {
        p = PartialAggregate(key: k, count: try r.int(), accs: [], reduced: nil)
      } else if case .record(_, let specs) = output {
        let a = specs.map { $0.make() }
        for x in a { try x.load(&r) }
        p = PartialAggregate(key: k, count: 0, accs: a, reduced: nil)
      } else {
        p = PartialAggregate(key: k, count: 0, accs: [], reduced: try r.value())
      }
      if r.keeps(k) { try merge(p) }
    }
  }
}

/// One key's partial aggregate, from a combiner to the final aggregate of a
/// parallel job. It travels only between subtasks, never to a sink.
/// From a window combiner it is one (key, window)'s partial aggregate and
/// `count` is the number of events in it.
final class PartialAggregate: OpaqueValue, @unchecked Sendable {
  let key: Value
  let count: Int64
  let accs: [Accumulator]
  let reduced: Value?
  /// The window's start, for a window combiner's partial.
  let windowStart: Int64
  init(key: Value, count: Int64, accs: [Accumulator], reduced: Value?, windowStart: Int64 = Int64.min) {
    self.key = key
    self.count = count
    self.accs = accs
    self.reduced = reduced
    self.windowStart = windowStart
  }
}

/// A `reduce(f)` accumulator, so windows can reduce like they aggregate.
final class ReduceAcc: Accumulator {
  let f: FunctionValue
  var value: Value?
  init(_ f: FunctionValue) { self.f = f }
  func save(_ w: inout StateWriter) throws { w.bool(value != nil); if let v = value { try w.value(v) } }
  func load(_ r: inout StateReader) throws { value = try r.bool() ? try r.value() : nil }
  func add(_ v: Value) throws { value = try value.map { try f.call([$0, v]) } ?? v }
  func merge(_ o: Accumulator) throws {
    guard let o = o as? ReduceAcc, let x = o.value else { return }
    value = try value.map { try f.call([$0, x]) } ?? x
  }
  func result() throws -> Value { value ?? .null }
  func copy() -> Accumulator { let c = ReduceAcc(f); c.value = value; return c }
}
