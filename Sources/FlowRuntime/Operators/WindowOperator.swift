/// Event-time windows per key with incremental aggregates.
///
/// Tumbling windows keep one accumulator set per (key, window). Sliding
/// windows keep one per (key, slice) where a slice is gcd(size, slide) long,
/// and merge the slices of a window when it fires, so the cost per event
/// does not grow with size/slide. Session windows merge as events arrive.
/// A window fires when the watermark reaches its end - 1 ms; with allowed
/// lateness its state is kept that much longer and late events re-fire it.
/// Events later than that go to `late` (the `lateEvents` side stream).
public final class WindowOperator: Operator {
  let keyFn: FunctionValue
  let spec: WindowSpec
  let trigger: TriggerSpec
  let lateness: Int64
  let output: AggregateOutput
  /// Side output for late events, if the script asked for it.
  public var late: Operator?
  public private(set) var droppedLate = 0

  struct PaneKey: Hashable {
    let key: Value
    let start: Int64
  }

  final class Pane {
    var accs: [Accumulator]
    let end: Int64
    var fired = false
    var count = 0
    init(accs: [Accumulator], end: Int64) {
      self.accs = accs
      self.end = end
    }
  }

  /// Panes: windows (tumbling), slices (sliding) or sessions.
  var panes: [PaneKey: Pane] = [:]
  /// Keys in first-seen order, for a deterministic output order.
  var keySeq: [Value: Int] = [:]
  /// Window ends waiting to fire, each with the keys that have data in it.
  var pending: [Int64: [Value]] = [:]
  var pendingEnds: [Int64] = []
  /// Sessions per key, sorted by start.
  var sessions: [Value: [(start: Int64, end: Int64)]] = [:]
  let sliceSize: Int64
  /// The earliest time at which some pane expires.
  var nextCleanup = Int64.max

  public init(key: FunctionValue, spec: WindowSpec, trigger: TriggerSpec, lateness: Int64, output: AggregateOutput, name: String, location: String) {
    self.keyFn = key
    self.spec = spec
    self.trigger = trigger
    self.lateness = max(0, lateness)
    self.output = output
    switch spec {
    case .sliding(let size, let slide): sliceSize = gcd(size, slide)
    case .tumbling(let size, _): sliceSize = size
    default: sliceSize = 0
    }
    super.init(name: name, location: location)
  }

  func newAccs() -> [Accumulator] {
    switch output {
    case .record(_, let specs): return specs.map { $0.make() }
    case .reduced(let f): return [ReduceAcc(f)]
    }
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    if ts == Int64.min, case .global = spec {} else if ts == Int64.min {
      throw RuntimeError("a window needs event times, but this stream has none", at: location, notes: ["help: add `|> withTimestamps(x => x.time)` before keyBy"])
    }
    let k = try keyFn.apply1(v)
    if keySeq[k] == nil { keySeq[k] = keySeq.count }
    switch spec {
    case .tumbling(let size, let offset):
      let start = floorDiv(ts - offset, size) * size + offset
      try addToWindow(k, v, start: start, end: start + size, ts: ts)
    case .sliding(let size, let slide):
      let start = floorDiv(ts, sliceSize) * sliceSize
      // The last window holding this slice ends at the first multiple of the
      // slide at or after start + size.
      let lastEnd = floorDiv(start + size + slide - 1, slide) * slide
      if lastEnd - 1 + lateness <= currentWatermark { return try lateEvent(v, ts) }
      let pk = PaneKey(key: k, start: start)
      let pane: Pane
      if let p = panes[pk] {
        pane = p
      } else {
        pane = Pane(accs: newAccs(), end: start + sliceSize)
        panes[pk] = pane
        track(pane.end)
        // Register the key with every window end this slice belongs to.
        var e = floorDiv(start + slide, slide) * slide
        while e - size < start + sliceSize && e <= lastEnd {
          if e - size <= start { register(end: e, key: k) }
          e += slide
        }
      }
      for a in pane.accs { try a.add(v) }
      // A window that already fired but is within its lateness fires again.
      if lateness > 0 {
        var e = floorDiv(start + slide, slide) * slide
        while e <= lastEnd {
          if e - size <= start, e - 1 <= currentWatermark { try fireSliding(end: e, key: k, size: size) }
          e += slide
        }
      }
    case .session(let gap):
      try addToSession(k, v, ts: ts, gap: gap)
    case .global:
      let pk = PaneKey(key: k, start: Int64.min)
      let pane = panes[pk] ?? { let p = Pane(accs: newAccs(), end: Int64.max); panes[pk] = p; return p }()
      for a in pane.accs { try a.add(v) }
      pane.count += 1
      if case .count(let n) = trigger, n > 0, pane.count % n == 0 {
        try emitPane(k, start: Int64.min, end: Int64.max, accs: pane.accs, ts: ts)
      }
    }
  }

  private func lateEvent(_ v: Value, _ ts: Int64) throws {
    droppedLate += 1
    if let l = late {
      l.recordsIn += 1
      try l.process(v, ts: ts, port: 0)
    }
  }

  private func register(end: Int64, key: Value) {
    if pending[end] == nil {
      pending[end] = [key]
      // Keep ends sorted; new ends are usually the largest.
      var i = pendingEnds.count
      while i > 0 && pendingEnds[i - 1] > end { i -= 1 }
      pendingEnds.insert(end, at: i)
    } else {
      pending[end]?.append(key)
    }
  }

  private func addToWindow(_ k: Value, _ v: Value, start: Int64, end: Int64, ts: Int64) throws {
    if end - 1 + lateness <= currentWatermark { return try lateEvent(v, ts) }
    let pk = PaneKey(key: k, start: start)
    let pane: Pane
    if let p = panes[pk] {
      pane = p
    } else {
      pane = Pane(accs: newAccs(), end: end)
      panes[pk] = pane
      track(end)
      register(end: end, key: k)
    }
    for a in pane.accs { try a.add(v) }
    if pane.fired { try emitPane(k, start: start, end: end, accs: pane.accs, ts: end - 1) }
  }

  private func addToSession(_ k: Value, _ v: Value, ts: Int64, gap: Int64) throws {
    var start = ts, end = ts + gap
    if end - 1 + lateness <= currentWatermark { return try lateEvent(v, ts) }
    var list = sessions[k] ?? []
    var accs = newAccs()
    for a in accs { try a.add(v) }
    var kept: [(start: Int64, end: Int64)] = []
    var wasFired = false
    for s in list {
      if s.start < end && start < s.end {
        // Overlap: merge the older session into the new one.
        if let p = panes.removeValue(forKey: PaneKey(key: k, start: s.start)) {
          for (mine, theirs) in zip(p.accs, accs) { try mine.merge(theirs) }
          accs = p.accs
          wasFired = wasFired || p.fired
        }
        start = min(start, s.start)
        end = max(end, s.end)
      } else {
        kept.append(s)
      }
    }
    kept.append((start, end))
    kept.sort { $0.start < $1.start }
    list = kept
    sessions[k] = list
    let pane = Pane(accs: accs, end: end)
    pane.fired = wasFired
    panes[PaneKey(key: k, start: start)] = pane
    track(end)
    register(end: end, key: k)
    if end - 1 <= currentWatermark { try emitPane(k, start: start, end: end, accs: accs, ts: end - 1); pane.fired = true }
  }

  override public func onWatermark(_ wm: Int64) throws {
    if case .global = spec {
      if case .continuous = trigger {} else if wm == Int64.max, case .onWatermark = trigger {
        // A global window with the default trigger fires once, at the end.
        for (k, _) in keySeq.sorted(by: { $0.value < $1.value }) {
          if let p = panes[PaneKey(key: k, start: Int64.min)] { try emitPane(k, start: Int64.min, end: Int64.max, accs: p.accs, ts: Int64.max) }
        }
      }
      return
    }
    while let end = pendingEnds.first, end - 1 <= wm {
      pendingEnds.removeFirst()
      let keys = pending.removeValue(forKey: end) ?? []
      let ordered = dedupe(keys).sorted { (keySeq[$0] ?? 0) < (keySeq[$1] ?? 0) }
      for k in ordered {
        switch spec {
        case .tumbling(let size, _):
          if let p = panes[PaneKey(key: k, start: end - size)], !p.fired {
            try emitPane(k, start: end - size, end: end, accs: p.accs, ts: end - 1)
            p.fired = true
          }
        case .sliding(let size, _):
          try fireSliding(end: end, key: k, size: size)
        case .session:
          if let list = sessions[k], let s = list.first(where: { $0.end == end }), let p = panes[PaneKey(key: k, start: s.start)], !p.fired {
            try emitPane(k, start: s.start, end: end, accs: p.accs, ts: end - 1)
            p.fired = true
          }
        case .global: break
        }
      }
    }
    cleanup(wm)
  }

  private func fireSliding(end: Int64, key k: Value, size: Int64) throws {
    var merged: [Accumulator]? = nil
    var s = end - size
    while s < end {
      if let p = panes[PaneKey(key: k, start: floorDiv(s, sliceSize) * sliceSize)] {
        if let m = merged {
          for (a, b) in zip(m, p.accs) { try a.merge(b) }
        } else {
          merged = p.accs.map { $0.copy() }
        }
      }
      s += sliceSize
    }
    if let m = merged { try emitPane(k, start: end - size, end: end, accs: m, ts: end - 1) }
  }

  /// How long after its end a pane is kept: its lateness, and for sliding
  /// windows the size (a slice serves windows that end later).
  var horizon: Int64 {
    if case .sliding(let size, _) = spec { return lateness + size }
    return lateness
  }

  /// Notes a new pane's expiry so `cleanup` knows when it has work.
  func track(_ end: Int64) {
    let expiry = end &- 1 &+ horizon
    if expiry < nextCleanup { nextCleanup = expiry }
  }

  /// Drops state no window can need any more. Scanning the panes happens
  /// only when the watermark has passed the earliest expiry, not on every
  /// watermark step.
  private func cleanup(_ wm: Int64) {
    guard wm != Int64.min, wm >= nextCleanup else { return }
    let horizon = self.horizon
    var dead: [PaneKey] = []
    var next = Int64.max
    for (pk, p) in panes {
      let expiry = p.end - 1 + horizon
      if expiry <= wm && expiry < Int64.max { dead.append(pk) } else if expiry < next { next = expiry }
    }
    nextCleanup = next
    for pk in dead {
      panes.removeValue(forKey: pk)
      if case .session = spec {
        sessions[pk.key]?.removeAll { $0.start == pk.start }
        if sessions[pk.key]?.isEmpty == true { sessions.removeValue(forKey: pk.key) }
      }
    }
  }

  private func dedupe(_ keys: [Value]) -> [Value] {
    var seen = Set<Value>()
    return keys.filter { seen.insert($0).inserted }
  }

  override public func snapshotState(_ w: inout StateWriter) throws {
    try super.snapshotState(&w)
    w.int(droppedLate)
    let keys = keySeq.sorted { $0.value < $1.value }.map(\.key)
    try w.value(.list(keys))
    // Panes in a fixed order so that equal state gives equal files.
    let ordered = panes.sorted { a, b in
      a.key.start != b.key.start ? a.key.start < b.key.start : (keySeq[a.key.key] ?? 0) < (keySeq[b.key.key] ?? 0)
    }
    w.int(ordered.count)
    for (pk, pane) in ordered {
      try w.value(pk.key)
      w.int(pk.start)
      w.int(pane.end)
      w.bool(pane.fired)
      w.int(pane.count)
      for a in pane.accs { try a.save(&w) }
    }
    w.int(pendingEnds.count)
    for e in pendingEnds {
      w.int(e)
      try w.value(.list(pending[e] ?? []))
    }
    w.int(sessions.count)
    for (k, list) in sessions.sorted(by: { (keySeq[$0.key] ?? 0) < (keySeq[$1.key] ?? 0) }) {
      try w.value(k)
      w.int(list.count)
      for x in list { w.int(x.start); w.int(x.end) }
    }
  }

  override public func restoreState(_ r: inout StateReader) throws {
    try super.restoreState(&r)
    droppedLate = Int(try r.int())
    if case .list(let keys) = try r.value() {
      for (i, k) in keys.enumerated() { keySeq[k] = i }
    }
    let n = try r.count()
    for _ in 0..<n {
      let k = try r.value()
      let start = try r.int()
      let pane = Pane(accs: newAccs(), end: try r.int())
      pane.fired = try r.bool()
      pane.count = Int(try r.int())
      for a in pane.accs { try a.load(&r) }
      panes[PaneKey(key: k, start: start)] = pane
      track(pane.end)
    }
    let m = try r.count()
    for _ in 0..<m {
      let e = try r.int()
      pendingEnds.append(e)
      if case .list(let ks) = try r.value() { pending[e] = ks }
    }
    let q = try r.count()
    for _ in 0..<q {
      let k = try r.value()
      let c = try r.count()
      var list: [(start: Int64, end: Int64)] = []
      for _ in 0..<c { let a = try r.int(); list.append((a, try r.int())) }
      sessions[k] = list
    }
  }

  private func emitPane(_ k: Value, start: Int64, end: Int64, accs: [Accumulator], ts: Int64) throws {
    switch output {
    case .record(let shape, _):
      var values: [Value] = [k, .time(start), .time(end)]
      for a in accs { values.append(try a.result()) }
      try emit(.record(Record(shape: shape, values: values)), ts: ts)
    case .reduced:
      try emit(accs.first.map { try $0.result() } ?? .null, ts: ts)
    }
  }
}

@inline(__always)
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
  let q = a / b
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q
}

func gcd(_ a: Int64, _ b: Int64) -> Int64 {
  var x = abs(a), y = abs(b)
  while y != 0 { (x, y) = (y, x % y) }
  return max(1, x)
}
