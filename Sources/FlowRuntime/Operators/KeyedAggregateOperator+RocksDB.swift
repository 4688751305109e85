/// `KeyedAggregateOperator` with the RocksDB state backend: each key's
/// count, accumulators or reduced value is read from the store (through its
/// cache), updated and written back, instead of living in arrays.
extension KeyedAggregateOperator {
  /// One key's state; which field is used depends on the operator's output.
  struct KeyState {
    var count: Int64 = 0
    var accs: [Accumulator] = []
    var reduced: Value = .null
  }

  func makeDiskStore() -> RocksKeyedStore<KeyState> {
    let countOnly = self.countOnly
    let output = self.output
    // The per-key bytes are those of the in-memory checkpoint format.
    return RocksKeyedStore(
      backend: stateBackend, uid: uid, ordered: bounded,
      encode: { s, w in
        if countOnly {
          w.int(s.count)
        } else if case .record = output {
          for a in s.accs { try a.save(&w) }
        } else {
          try w.value(s.reduced)
        }
      },
      decode: { r in
        var s = KeyState()
        if countOnly {
          s.count = try r.int()
        } else if case .record(_, let specs) = output {
          s.accs = specs.map { $0.make() }
          for a in s.accs { try a.load(&r) }
        } else {
          s.reduced = try r.value()
        }
        return s
      })
  }

  func fresh() -> KeyState {
    var s = KeyState()
    if !countOnly, case .record(_, let specs) = output { s.accs = specs.map { $0.make() } }
    return s
  }

  func processOnDisk(_ d: RocksKeyedStore<KeyState>, _ k: Value, _ v: Value, ts: Int64) throws {
    let (e, isNew) = try d.entry(for: k, initial: fresh)
    if countOnly {
      e.state.count += 1
    } else {
      switch output {
      case .record:
        for a in e.state.accs { try a.add(v) }
      case .reduced(let f):
        e.state.reduced = isNew ? v : try f.call([e.state.reduced, v])
      }
    }
    if !bounded { try emit(result(k, e.state), ts: ts) }
  }

  func result(_ key: Value, _ s: KeyState) throws -> Value {
    switch output {
    case .record(let shape, _):
      if countOnly { return .record(Record(shape: shape, values: [key, .int(s.count)])) }
      var values = [key]
      values.reserveCapacity(shape.fields.count)
      for a in s.accs { values.append(try a.result()) }
      return .record(Record(shape: shape, values: values))
    case .reduced:
      return s.reduced
    }
  }

  func finishOnDisk(_ d: RocksKeyedStore<KeyState>) throws {
    if role == .combine {
      try d.forEach { k, s in
        let reducedValue: Value?
        if case .reduced = output { reducedValue = s.reduced } else { reducedValue = nil }
        try emit(.opaque(PartialAggregate(key: k, count: s.count, accs: s.accs, reduced: reducedValue)), ts: Int64.max)
      }
      return
    }
    try d.forEach { k, s in try emit(result(k, s), ts: Int64.max) }
  }

  func mergeOnDisk(_ d: RocksKeyedStore<KeyState>, _ p: PartialAggregate) throws {
    let (e, isNew) = try d.entry(for: p.key, initial: fresh)
    if countOnly {
      e.state.count += p.count
      return
    }
    switch output {
    case .record:
      if isNew { e.state.accs = p.accs } else { for (a, b) in zip(e.state.accs, p.accs) { try a.merge(b) } }
    case .reduced(let f):
      guard let x = p.reduced else { return }
      e.state.reduced = isNew ? x : try f.call([e.state.reduced, x])
    }
  }

  /// A checkpoint taken with the in-memory backend, restored into RocksDB.
  func restoreIntoDisk(_ d: RocksKeyedStore<KeyState>, count n: Int, _ r: inout StateReader) throws {
    for _ in 0..<n {
      let k = try r.value()
      var s = fresh()
      if countOnly {
        s.count = try r.int()
      } else if case .record = output {
        for a in s.accs { try a.load(&r) }
      } else {
        s.reduced = try r.value()
      }
      // Keys another subtask owns after rescaling are dropped; a key
      // already present (a combiner's state folded in) merges.
      guard r.keeps(k) else { continue }
      let (e, isNew) = try d.entry(for: k, initial: { s })
      if isNew { continue }
      e.state.count += s.count
      for (a, b) in zip(e.state.accs, s.accs) { try a.merge(b) }
      if case .reduced = output, case .null = e.state.reduced {
        e.state.reduced = s.reduced
      } else if case .reduced(let f) = output, s.reduced != .null {
        e.state.reduced = try f.call([e.state.reduced, s.reduced])
      }
    }
  }
}
