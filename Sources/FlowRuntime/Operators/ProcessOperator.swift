import Foundation

/// `process`: user logic with keyed state as a value and event-time timers.
/// Each call returns `{ state, emit, timers }`; the operator stores the
/// state, emits the list, and registers the timers (deduplicated per key
/// and time). Timers fire in time order as the watermark passes them; at
/// the end of bounded input every remaining timer fires.
public final class ProcessOperator: Operator {
  let keyFn: FunctionValue
  let spec: ProcessSpec
  var state: [Value: Value] = [:]
  var lastAccess: [Value: Int64] = [:]
  var timers = TimerQueue()
  /// With `--state-backend rocksdb`: each key's state and last access (see
  /// ProcessOperator+RocksDB.swift); timers stay in memory.
  var disk: RocksKeyedStore<DiskKeyState>?
  let ctxShape = Shape(["key", "time", "watermark", "processingTime"])

  public init(key: FunctionValue, spec: ProcessSpec, location: String) {
    self.keyFn = key
    self.spec = spec
    super.init(name: "process", location: location)
  }

  func context(_ k: Value, _ time: Int64) -> Value {
    .record(Record(shape: ctxShape, values: [k, .time(time), .time(currentWatermark), .time(clock.now)]))
  }

  override public func open() throws {
    try super.open()
    if stateBackend.kind == .rocksdb { disk = makeDiskStore() }
  }

  override public func close() throws {
    disk?.close()
    try super.close()
  }

  func currentState(_ k: Value, _ ts: Int64) throws -> Value {
    if let d = disk { return try currentStateOnDisk(d, k, ts) }
    if spec.ttlMillis > 0, let last = lastAccess[k], ts != Int64.min, ts - last > spec.ttlMillis {
      // State not touched within its time-to-live starts over.
      state[k] = nil
    }
    if ts != Int64.min { lastAccess[k] = ts }
    return state[k] ?? spec.initial
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    let k = try keyFn.apply1(v)
    let s = try currentState(k, ts)
    let step = try spec.onEvent.call([s, v, context(k, ts)])
    try apply(step, key: k, ts: ts)
  }

  func apply(_ step: Value, key k: Value, ts: Int64) throws {
    guard case .record(let r) = step else { throw RuntimeError("process step is not a record", at: location) }
    let next = r["state"] ?? .null
    if let d = disk {
      try storeOnDisk(d, k, next)
    } else if case .null = next, case .null = spec.initial {
      // Back to the initial state: forget the key (the same to the logic, less memory).
      state[k] = nil
      lastAccess[k] = nil
    } else {
      state[k] = next
    }
    if case .list(let out)? = r["emit"] {
      for x in out { try emit(x, ts: ts) }
    }
    if case .list(let ts)? = r["timers"] {
      for case .time(let t) in ts { timers.add(t, k) }
    }
  }

  override public func snapshotState(_ w: inout StateWriter) throws {
    try super.snapshotState(&w)
    if let d = disk {
      // -1 where the in-memory format has its key count: the state is a
      // RocksDB checkpoint (then the timers, as below).
      w.int(-1)
      try d.snapshot(&w)
      return try snapshotTimers(&w)
    }
    try w.valueMap(state)
    let accessed = lastAccess.sorted { compareValues($0.key, $1.key) < 0 }
    w.int(accessed.count)
    for (k, t) in accessed { try w.value(k); w.int(t) }
    try snapshotTimers(&w)
  }

  func snapshotTimers(_ w: inout StateWriter) throws {
    let pending = timers.all
    w.int(pending.count)
    for (t, k) in pending { w.int(t); try w.value(k) }
  }

  override public func restoreState(_ r: inout StateReader) throws {
    try super.restoreState(&r)
    if try restoreOnDisk(&r) { return try restoreTimers(&r) }
    state.merge(try r.valueMap()) { a, _ in a }
    let m = try r.count()
    for _ in 0..<m {
      let k = try r.value()
      let t = try r.int()
      if r.keeps(k) { lastAccess[k] = t }
    }
    try restoreTimers(&r)
  }

  func restoreTimers(_ r: inout StateReader) throws {
    let q = try r.count()
    for _ in 0..<q {
      let t = try r.int()
      let k = try r.value()
      if r.keeps(k) { timers.add(t, k) }
    }
  }

  override public func onWatermark(_ wm: Int64) throws {
    while let (t, k) = timers.popDue(wm) {
      let s = try disk.map { try storedState($0, k) } ?? state[k] ?? spec.initial
      let step = try spec.onTimer.call([s, .time(t), context(k, t)])
      try apply(step, key: k, ts: t)
    }
  }
}

/// Timers ordered by time, then by registration; one per (key, time).
struct TimerQueue {
  private var heap: [(time: Int64, seq: Int, key: Value)] = []
  private var set = Set<TimerID>()
  private var seq = 0

  struct TimerID: Hashable {
    let time: Int64
    let key: Value
  }

  mutating func add(_ t: Int64, _ k: Value) {
    guard set.insert(TimerID(time: t, key: k)).inserted else { return }
    seq += 1
    heap.append((t, seq, k))
    var i = heap.count - 1
    while i > 0 {
      let p = (i - 1) / 2
      if less(heap[i], heap[p]) { heap.swapAt(i, p); i = p } else { break }
    }
  }

  private func less(_ a: (time: Int64, seq: Int, key: Value), _ b: (time: Int64, seq: Int, key: Value)) -> Bool {
    a.time != b.time ? a.time < b.time : a.seq < b.seq
  }

  /// Every pending timer in firing order (for checkpoints).
  var all: [(Int64, Value)] {
    heap.sorted { less($0, $1) }.map { ($0.time, $0.key) }
  }

  mutating func popDue(_ wm: Int64) -> (Int64, Value)? {
    guard let top = heap.first, top.time <= wm else { return nil }
    let last = heap.removeLast()
    if !heap.isEmpty {
      heap[0] = last
      var i = 0
      while true {
        let l = 2 * i + 1, r = l + 1
        var m = i
        if l < heap.count && less(heap[l], heap[m]) { m = l }
        if r < heap.count && less(heap[r], heap[m]) { m = r }
        if m == i { break }
        heap.swapAt(i, m)
        i = m
      }
    }
    set.remove(TimerID(time: top.time, key: top.key))
    return (top.time, top.key)
  }
}
