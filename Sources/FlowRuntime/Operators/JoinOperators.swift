/// Joins of two keyed inputs: port 0 is the left input, port 1 the right.
/// Each keeps only the state its semantics need and drops it as the
/// watermark passes, so a long-running join does not grow without bound.

/// Window join and co-group: events are buffered per (key, window) and the
/// window's result is emitted when the watermark passes its end.
public final class WindowJoinOperator: Operator {
  let leftKey: FunctionValue
  let rightKey: FunctionValue
  let spec: WindowSpec
  let coGroup: Bool
  let shape = Shape(["key", "left", "right"])

  struct PaneKey: Hashable {
    let key: Value
    let start: Int64
  }
  final class Pane {
    var left: [Value] = []
    var right: [Value] = []
    let end: Int64
    init(end: Int64) { self.end = end }
  }
  var panes: [PaneKey: Pane] = [:]
  /// Pane keys by window end, each end's in first-seen order: a watermark
  /// visits only the windows it closes.
  var byEnd = ExpiryIndex<PaneKey>()
  public private(set) var droppedLate = 0

  public init(left: FunctionValue, right: FunctionValue, spec: WindowSpec, coGroup: Bool, location: String) {
    self.leftKey = left
    self.rightKey = right
    self.spec = spec
    self.coGroup = coGroup
    super.init(name: coGroup ? "coGroup" : "windowJoin", location: location)
    inputCount = 2
  }

  func windows(_ ts: Int64) throws -> [(Int64, Int64)] {
    switch spec {
    case .tumbling(let size, let offset):
      let start = floorDiv(ts - offset, size) * size + offset
      return [(start, start + size)]
    case .sliding(let size, let slide):
      var out: [(Int64, Int64)] = []
      var start = floorDiv(ts, slide) * slide
      while start > ts - size {
        out.append((start, start + size))
        start -= slide
      }
      return out.reversed()
    default:
      throw RuntimeError("window joins support tumbling and sliding windows", at: location)
    }
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    guard ts != Int64.min else {
      throw RuntimeError("a window join needs event times on both inputs", at: location, notes: ["help: add `|> withTimestamps(...)` to each input"])
    }
    let k = try (port == 0 ? leftKey : rightKey).apply1(v)
    for (start, end) in try windows(ts) {
      if end - 1 <= currentWatermark {
        droppedLate += 1
        continue
      }
      let pk = PaneKey(key: k, start: start)
      let pane = panes[pk] ?? { let p = Pane(end: end); add(pk, p); return p }()
      if port == 0 { pane.left.append(v) } else { pane.right.append(v) }
    }
  }

  private func add(_ pk: PaneKey, _ p: Pane) {
    panes[pk] = p
    byEnd.add(pk, at: p.end)
  }

  override public func snapshotState(_ w: inout StateWriter) throws {
    try super.snapshotState(&w)
    w.int(droppedLate)
    w.int(panes.count)
    for (_, keys) in byEnd.entries {
      for pk in keys {
        guard let p = panes[pk] else { continue }
        try w.value(pk.key); w.int(pk.start); w.int(p.end)
        try w.value(.list(p.left)); try w.value(.list(p.right))
      }
    }
  }

  override public func restoreState(_ r: inout StateReader) throws {
    try super.restoreState(&r)
    let dropped = Int(try r.int())
    if r.primary { droppedLate += dropped }
    let n = try r.count()
    for _ in 0..<n {
      let k = try r.value()
      let start = try r.int()
      let p = Pane(end: try r.int())
      if case .list(let l) = try r.value() { p.left = l }
      if case .list(let x) = try r.value() { p.right = x }
      guard r.keeps(k) else { continue }
      add(PaneKey(key: k, start: start), p)
    }
  }

  override public func onWatermark(_ wm: Int64) throws {
    // By window end, then in first-seen order.
    for pk in byEnd.popDue(upTo: wm == Int64.max ? wm : wm + 1) {
      guard let p = panes.removeValue(forKey: pk) else { continue }
      if coGroup {
        try emit(.record(Record(shape: shape, values: [pk.key, .list(p.left), .list(p.right)])), ts: p.end - 1)
      } else {
        for l in p.left {
          for r in p.right { try emit(.record(Record(shape: shape, values: [pk.key, l, r])), ts: p.end - 1) }
        }
      }
    }
  }
}

/// Interval join: a left event at time t joins right events of the same key
/// with times in [t + lower, t + upper]. Both sides are buffered until the
/// watermark shows no partner can still arrive.
public final class IntervalJoinOperator: Operator {
  let leftKey: FunctionValue
  let rightKey: FunctionValue
  let lower: Int64
  let upper: Int64
  let shape = Shape(["key", "left", "right"])
  var leftBuf: [Value: [(Int64, Value)]] = [:]
  var rightBuf: [Value: [(Int64, Value)]] = [:]
  /// Keys by the watermark at which one of their buffered events can be
  /// dropped, so a watermark step visits only those keys.
  var leftExpiry = ExpiryIndex<Value>()
  var rightExpiry = ExpiryIndex<Value>()

  public init(left: FunctionValue, right: FunctionValue, lower: Int64, upper: Int64, location: String) {
    self.leftKey = left
    self.rightKey = right
    self.lower = lower
    self.upper = upper
    super.init(name: "intervalJoin", location: location)
    inputCount = 2
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    guard ts != Int64.min else {
      throw RuntimeError("an interval join needs event times on both inputs", at: location, notes: ["help: add `|> withTimestamps(...)` to each input"])
    }
    if port == 0 {
      let k = try leftKey.apply1(v)
      for (rt, r) in rightBuf[k] ?? [] where rt >= ts + lower && rt <= ts + upper {
        try emit(.record(Record(shape: shape, values: [k, v, r])), ts: max(ts, rt))
      }
      leftBuf[k, default: []].append((ts, v))
      leftExpiry.add(k, at: ts &+ upper &+ 1)
    } else {
      let k = try rightKey.apply1(v)
      for (lt, l) in leftBuf[k] ?? [] where ts >= lt + lower && ts <= lt + upper {
        try emit(.record(Record(shape: shape, values: [k, l, v])), ts: max(ts, lt))
      }
      rightBuf[k, default: []].append((ts, v))
      rightExpiry.add(k, at: ts &- lower &+ 1)
    }
  }

  override public func snapshotState(_ w: inout StateWriter) throws {
    try super.snapshotState(&w)
    try w.timedLists(leftBuf)
    try w.timedLists(rightBuf)
  }

  override public func restoreState(_ r: inout StateReader) throws {
    try super.restoreState(&r)
    let left = try r.timedLists(), right = try r.timedLists()
    leftBuf.merge(left) { a, _ in a }
    rightBuf.merge(right) { a, _ in a }
    for (k, xs) in left { for (t, _) in xs { leftExpiry.add(k, at: t &+ upper &+ 1) } }
    for (k, xs) in right { for (t, _) in xs { rightExpiry.add(k, at: t &- lower &+ 1) } }
  }

  override public func onWatermark(_ wm: Int64) throws {
    // A left event can match no right event later than t + upper; a right
    // event can match no left event later than t - lower.
    for k in leftExpiry.popDue(upTo: wm) {
      guard let xs = leftBuf[k] else { continue }
      let kept = xs.filter { $0.0 + upper >= wm }
      leftBuf[k] = kept.isEmpty ? nil : kept
    }
    for k in rightExpiry.popDue(upTo: wm) {
      guard let xs = rightBuf[k] else { continue }
      let kept = xs.filter { $0.0 - lower >= wm }
      rightBuf[k] = kept.isEmpty ? nil : kept
    }
  }
}

/// Lookup (temporal) join: each left event with the right value of its key
/// that was current at the left event's time: the latest right event with
/// a time at or before it (null when there is none). Left events wait until
/// the watermark of both inputs passes their time, so the answer does not
/// depend on which input happened to be read first. Without event times,
/// each left event takes the latest right value read so far.
public final class LookupJoinOperator: Operator {
  let leftKey: FunctionValue
  let rightKey: FunctionValue
  let shape = Shape(["key", "left", "right"])
  /// Right versions per key, in time order.
  var versions: [Value: [(Int64, Value)]] = [:]
  /// Left events waiting for the watermark, by time and then arrival.
  var waiting = ExpiryIndex<(seq: Int, key: Value, value: Value)>()
  var seq = 0
  /// Keys by the time from which their older versions can be dropped.
  var prunable = ExpiryIndex<Value>()

  public init(left: FunctionValue, right: FunctionValue, location: String) {
    self.leftKey = left
    self.rightKey = right
    super.init(name: "lookup", location: location)
    inputCount = 2
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    if port == 1 {
      let k = try rightKey.apply1(v)
      var list = versions[k] ?? []
      var i = list.count
      while i > 0 && list[i - 1].0 > ts { i -= 1 }
      list.insert((ts, v), at: i)
      versions[k] = list
      if list.count > 1 { prunable.add(k, at: ts) }
      return
    }
    let k = try leftKey.apply1(v)
    if ts == Int64.min {
      try emit(.record(Record(shape: shape, values: [k, v, versions[k]?.last?.1 ?? .null])), ts: ts)
      return
    }
    seq += 1
    waiting.add((seq, k, v), at: ts)
  }

  override public func snapshotState(_ w: inout StateWriter) throws {
    try super.snapshotState(&w)
    w.int(seq)
    try w.timedLists(versions)
    w.int(waiting.count)
    for (ts, xs) in waiting.entries {
      for x in xs { w.int(ts); w.int(x.seq); try w.value(x.key); try w.value(x.value) }
    }
  }

  override public func restoreState(_ r: inout StateReader) throws {
    try super.restoreState(&r)
    seq = max(seq, Int(try r.int()))
    let restoredVersions = try r.timedLists()
    versions.merge(restoredVersions) { a, _ in a }
    for (k, list) in restoredVersions where list.count > 1 { prunable.add(k, at: list[list.count - 1].0) }
    let m = try r.count()
    var restored: [(ts: Int64, seq: Int, key: Value, value: Value)] = []
    for _ in 0..<m {
      let ts = try r.int(), sq = Int(try r.int())
      let k = try r.value()
      let v = try r.value()
      if r.keeps(k) { restored.append((ts, sq, k, v)) }
    }
    for x in restored.sorted(by: { ($0.ts, $0.seq) < ($1.ts, $1.seq) }) { waiting.add((x.seq, x.key, x.value), at: x.ts) }
  }

  override public func onWatermark(_ wm: Int64) throws {
    for (ts, xs) in waiting.popDueEntries(upTo: wm) {
      for d in xs {
        let match = versions[d.key]?.last { $0.0 <= ts }?.1 ?? .null
        try emit(.record(Record(shape: shape, values: [d.key, d.value, match])), ts: ts)
      }
    }
    // Versions older than the newest one at or before the watermark can no
    // longer be the answer for any left event still to come.
    if wm != Int64.max {
      for k in prunable.popDue(upTo: wm) {
        guard let list = versions[k] else { continue }
        if let i = list.lastIndex(where: { $0.0 <= wm }), i > 0 { versions[k] = Array(list[i...]) }
      }
    }
  }
}

/// `connect`: two keyed inputs sharing one state per key, and
/// `withBroadcast`: keyed events processed with every broadcast element
/// seen so far (port 1).
public final class ConnectOperator: Operator {
  let leftKey: FunctionValue
  let rightKey: FunctionValue?
  let spec: ConnectSpec
  let broadcast: Bool
  var state: [Value: Value] = [:]
  var rules: [Value] = []
  let ctxShape = Shape(["key", "time", "watermark", "processingTime"])

  public init(left: FunctionValue, right: FunctionValue?, spec: ConnectSpec, broadcast: Bool, location: String) {
    self.leftKey = left
    self.rightKey = right
    self.spec = spec
    self.broadcast = broadcast
    super.init(name: broadcast ? "withBroadcast" : "connect", location: location)
    inputCount = 2
  }

  func context(_ k: Value, _ ts: Int64) -> Value {
    .record(Record(shape: ctxShape, values: [k, .time(ts), .time(currentWatermark), .time(clock.now)]))
  }

  override public func snapshotState(_ w: inout StateWriter) throws {
    try super.snapshotState(&w)
    try w.valueMap(state)
    try w.value(.list(rules))
  }

  override public func restoreState(_ r: inout StateReader) throws {
    try super.restoreState(&r)
    state.merge(try r.valueMap()) { a, _ in a }
    // Broadcast rules are the same in every old subtask: take them once.
    if case .list(let xs) = try r.value(), restoredSections == 1 { rules = xs }
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    if broadcast && port == 1 {
      rules.append(v)
      return
    }
    let keyFn = port == 0 ? leftKey : (rightKey ?? leftKey)
    let k = try keyFn.apply1(v)
    let s = state[k] ?? spec.initial
    let step: Value
    if broadcast {
      step = try spec.onLeft.call([s, v, .list(rules), context(k, ts)])
    } else {
      let f = port == 0 ? spec.onLeft : (spec.onRight ?? spec.onLeft)
      step = try f.call([s, v, context(k, ts)])
    }
    guard case .record(let r) = step else { throw RuntimeError("step is not a record", at: location) }
    state[k] = r["state"] ?? .null
    if case .list(let out)? = r["emit"] {
      for x in out { try emit(x, ts: ts) }
    }
  }
}
