/// `ProcessOperator` with the RocksDB state backend: each key's state value
/// and last access time live in a `RocksKeyedStore` (a bounded cache in
/// front of the database, incremental checkpoints by hard-linked SST
/// files), so the number of keys is not limited by memory. Timers stay in
/// memory and are checkpointed in the state section as with the memory
/// backend.
extension ProcessOperator {
  /// One key's state: the value (nil: the initial state) and when it was
  /// last touched in event time (`Int64.min`: not yet, or no event time).
  struct DiskKeyState {
    var value: Value?
    var lastAccess = Int64.min
  }

  func makeDiskStore() -> RocksKeyedStore<DiskKeyState> {
    RocksKeyedStore(
      backend: stateBackend, uid: uid, ordered: false,
      encode: { s, w in
        if let v = s.value {
          w.u8(1)
          try w.value(v)
        } else {
          w.u8(0)
        }
        w.int(s.lastAccess)
      },
      decode: { r in
        var s = DiskKeyState()
        if try r.u8() != 0 { s.value = try r.value() }
        s.lastAccess = try r.int()
        return s
      })
  }

  /// The state `process` sees for key `k` at event time `ts`, with the
  /// time-to-live applied as in memory.
  func currentStateOnDisk(_ d: RocksKeyedStore<DiskKeyState>, _ k: Value, _ ts: Int64) throws -> Value {
    let (e, _) = try d.entry(for: k, initial: { DiskKeyState() })
    if spec.ttlMillis > 0, e.state.lastAccess != Int64.min, ts != Int64.min, ts - e.state.lastAccess > spec.ttlMillis {
      e.state.value = nil
    }
    if ts != Int64.min { e.state.lastAccess = ts }
    return e.state.value ?? spec.initial
  }

  /// The state of key `k` for a timer (no access recorded).
  func storedState(_ d: RocksKeyedStore<DiskKeyState>, _ k: Value) throws -> Value {
    try d.entry(for: k, initial: { DiskKeyState() }).0.state.value ?? spec.initial
  }

  /// The step's new state for key `k`. Going back to a null initial state
  /// forgets the value and the access time, as in memory (the entry stays,
  /// small, until the job ends).
  func storeOnDisk(_ d: RocksKeyedStore<DiskKeyState>, _ k: Value, _ next: Value) throws {
    let (e, _) = try d.entry(for: k, initial: { DiskKeyState() })
    if case .null = next, case .null = spec.initial {
      e.state = DiskKeyState()
    } else {
      e.state.value = next
    }
  }

  /// Reads the keyed part of a checkpoint when RocksDB is involved: a
  /// RocksDB checkpoint (needs this backend, and the same parallelism), or
  /// a memory-backend checkpoint loaded into RocksDB. False: the memory
  /// format into the memory backend, left unread for the caller.
  func restoreOnDisk(_ r: inout StateReader) throws -> Bool {
    let start = r.pos
    let n = try r.int()
    if n == -1 {
      guard let d = disk else {
        throw RuntimeError("this checkpoint keeps the operator's keyed state in RocksDB: restore with `--state-backend rocksdb`")
      }
      guard r.keyFilter == nil else {
        throw RuntimeError("keyed state in RocksDB restores only at the parallelism the checkpoint was taken at", notes: ["help: restore with that `--parallelism`, or take the checkpoint with `--state-backend memory` to rescale"])
      }
      try d.restore(&r)
      return true
    }
    guard let d = disk else {
      r.pos = start
      return false
    }
    r.pos = start
    for (k, v) in try r.valueMap() {
      try d.entry(for: k, initial: { DiskKeyState() }).0.state.value = v
    }
    let m = try r.count()
    for _ in 0..<m {
      let k = try r.value()
      let t = try r.int()
      if r.keeps(k) { try d.entry(for: k, initial: { DiskKeyState() }).0.state.lastAccess = t }
    }
    return true
  }
}
