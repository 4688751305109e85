/// Windows per key with incremental aggregates, in event time or (wrapped in
/// `inProcessingTime`) processing time.
///
/// Tumbling windows keep one accumulator set per (key, window). Sliding
/// windows keep one per (key, slice) where a slice is gcd(size, slide) long,
/// and assemble windows from slices when they fire (`KeySlices`), so the
/// cost per event does not grow with size/slide. Session windows merge as
/// events arrive. A window fires when the watermark reaches its end - 1 ms
/// (a processing-time window when the clock reaches its end); with allowed
/// lateness its state is kept that much longer and late events re-fire it.
/// Events later than that go to `late` (the `lateEvents` side stream).
///
/// Triggers `continuous(i)` and `processingTime(i)` also fire every open
/// window early, each `i` of event time or processing time; the window
/// still fires when it closes.
public final class WindowOperator: Operator {
  let keyFn: FunctionValue
  /// The window shape; `processing` says whether it is cut by processing time.
  let spec: WindowSpec
  let processing: Bool
  let trigger: TriggerSpec
  let lateness: Int64
  let output: AggregateOutput
  /// Side output for late events, if the script asked for it.
  public var late: Operator?
  public internal(set) var droppedLate = 0
  /// In a parallel job, a window combiner (`.combine`) before the hash
  /// exchange and the window that merges its partials (`.mergePartials`):
  /// see WindowCombiner.swift.
  var role = KeyedAggregateOperator.Role.whole

  struct PaneKey: Hashable {
    let key: Int
    let start: Int64
  }

  final class Pane {
    var accs: [Accumulator]
    let end: Int64
    var fired = false
    var count = 0
    /// Continuous trigger: the earliest boundary at which it fires early.
    var nextEarly = Int64.max
    init(accs: [Accumulator], end: Int64) {
      self.accs = accs
      self.end = end
    }
  }

  /// Panes: windows (tumbling), sessions, or the global window.
  var panes: [PaneKey: Pane] = [:]
  /// Sliding windows: the slices of each key, by key id.
  var slices: [KeySlices?] = []
  /// Key ids: a key's id indexes `keyList` (and `slices`, `recentPane`).
  /// Ids of keys whose state is all gone are reused (WindowKeys.swift);
  /// `keyOrder` keeps the first-seen order that results follow.
  var keySeq: [Value: Int] = [:]
  var keyList: [Value] = []
  var keyOrder: [Int] = []
  var nextOrder = 0
  var freeIDs: [Int] = []
  /// Whether an id was ever reused (until then id order is first-seen order).
  var reusedIDs = false
  /// Keys that may have lost their last state (with repeats), checked and
  /// freed in bulk by `freeIdleKeys`.
  var idleCandidates: [Int] = []
  /// Tumbling windows: each key's most recent pane, so that in-order events
  /// find their pane without hashing.
  var recentPane: [Pane?] = []
  let tumbling: Bool
  /// Window ends waiting to fire, each with the ids of keys that have data
  /// in it (possibly repeated).
  var pending: [Int64: [Int]] = [:]
  var pendingEnds: [Int64] = []
  /// Sessions per key id, sorted by start.
  var sessions: [Int: [(start: Int64, end: Int64)]] = [:]
  let sliceSize: Int64
  /// The earliest time at which some pane expires.
  var nextCleanup = Int64.max
  /// Sliding windows: the keys holding a slice that expires at each time,
  /// and those times in ascending order, so that a cleanup visits only the
  /// keys with expired slices, not every key ever seen.
  var sliceExpiries = ExpiryIndex<Int>()
  /// The time windows have been fired up to: the watermark, or for
  /// processing-time windows the clock minus 1 ms.
  var reached = Int64.min
  /// Early-firing interval of `continuous` / `processingTime` (0: none),
  /// and the next processing time at which `processingTime` fires.
  let earlyInterval: Int64
  var nextEarly = Int64.max

  public init(key: FunctionValue, spec: WindowSpec, trigger: TriggerSpec, lateness: Int64, output: AggregateOutput, name: String, location: String) {
    self.keyFn = key
    if case .processingTime(let inner) = spec {
      self.spec = inner
      processing = true
    } else {
      self.spec = spec
      processing = false
    }
    self.trigger = trigger
    self.lateness = processing ? 0 : max(0, lateness)
    self.output = output
    if case .tumbling = self.spec { tumbling = true } else { tumbling = false }
    switch self.spec {
    case .sliding(let size, let slide): sliceSize = gcd(size, slide)
    case .tumbling(let size, _): sliceSize = size
    default: sliceSize = 0
    }
    switch trigger {
    case .continuous(let i), .processingTime(let i): earlyInterval = max(1, i)
    default: earlyInterval = 0
    }
    super.init(name: name, location: location)
  }

  var earlyByProcessingTime: Bool {
    if case .processingTime = trigger { return true }
    return false
  }

  override public func open() throws {
    try super.open()
    if earlyByProcessingTime { scheduleEarly(after: clock.now) }
  }

  func newAccs() -> [Accumulator] {
    switch output {
    case .record(_, let specs): return specs.map { $0.make() }
    case .reduced(let f): return [ReduceAcc(f)]
    }
  }

  /// Integer keys (the common case) are also indexed by their Int64 in an
  /// open-addressing table, which hashes much faster than a `Value`; the
  /// last one is remembered, for runs of one key (a hot auction).
  var intKeys = IntKeyTable()
  var lastInt: Int64 = 0
  var lastIntID = -1

  @inline(__always)
  func keyID(_ k: Value) -> Int {
    if case .int(let n) = k {
      if n == lastInt && lastIntID >= 0 { return lastIntID }
      let i: Int
      if let j = intKeys.get(n) {
        i = j
      } else {
        i = newKey(k)
        intKeys.insert(n, i)
      }
      lastInt = n
      lastIntID = i
      return i
    }
    if let i = keySeq[k] { return i }
    return newKey(k)
  }

  private func newKey(_ k: Value) -> Int {
    let i: Int
    if let f = freeIDs.popLast() {
      i = f
      keyList[i] = k
      keyOrder[i] = nextOrder
      reusedIDs = true
    } else {
      i = keyList.count
      keyList.append(k)
      keyOrder.append(nextOrder)
    }
    nextOrder += 1
    // Integer keys live in `intKeys` only (a stream's keys have one type).
    if case .int = k {} else { keySeq[k] = i }
    return i
  }

  override public func process(_ v: Value, ts eventTime: Int64, port: Int) throws {
    var ts = eventTime
    if processing {
      ts = clock.now
    } else if ts == Int64.min, case .global = spec {} else if ts == Int64.min {
      throw RuntimeError("a window needs event times, but this stream has none", at: location, notes: ["help: add `|> withTimestamps(x => x.time)` before keyBy, or cut the windows by processing time with `inProcessingTime(...)`"])
    }
    if role == .mergePartials, case .opaque(let o) = v, let p = o as? PartialAggregate {
      return try mergePartial(p)
    }
    let k = keyID(try keyFn.apply1(v))
    switch spec {
    case .tumbling(let size, let offset):
      let start = floorDiv(ts - offset, size) * size + offset
      try addToWindow(k, v, start: start, end: start + size, ts: ts)
    case .sliding(let size, let slide):
      try addToSlice(k, v, ts: ts, size: size, slide: slide)
    case .session(let gap):
      try addToSession(k, v, ts: ts, gap: gap)
    case .global:
      let pk = PaneKey(key: k, start: Int64.min)
      let pane = panes[pk] ?? { let p = Pane(accs: newAccs(), end: Int64.max); panes[pk] = p; return p }()
      for a in pane.accs { try a.add(v) }
      pane.count += 1
      if pane.nextEarly == Int64.max { pane.nextEarly = earlyBoundary(after: ts) }
      if case .count(let n) = trigger, n > 0, pane.count % n == 0 {
        try emitPane(k, start: Int64.min, end: Int64.max, accs: pane.accs, ts: ts)
      }
    case .processingTime: break
    }
  }

  /// The first early-firing boundary after `t` (continuous trigger).
  private func earlyBoundary(after t: Int64) -> Int64 {
    guard case .continuous(let i) = trigger, t != Int64.min else { return Int64.max }
    return floorDiv(t, i) * i &+ i
  }

  private func addToSlice(_ k: Int, _ v: Value, ts: Int64, size: Int64, slide: Int64) throws {
    let start = floorDiv(ts, sliceSize) * sliceSize
    // Windows start at the multiples of the slide (as in Flink); the ones
    // holding this slice start in [start + sliceSize - size, start].
    let lastEnd = floorDiv(start, slide) * slide + size
    let firstEnd = -floorDiv(-(start + sliceSize - size), slide) * slide + size
    guard firstEnd <= lastEnd else { return }  // between windows (size < slide)
    if lastEnd - 1 + lateness <= reached { return try lateEvent(v, ts) }
    while slices.count <= k { slices.append(nil) }
    let ks = slices[k] ?? { let s = KeySlices(); slices[k] = s; return s }()
    let i: Int, inserted: Bool
    if let j = ks.find(start) {
      i = j
      inserted = false
    } else {
      i = ks.insert(start, newAccs())
      inserted = true
    }
    for a in ks.accs[i] { try a.add(v) }
    if inserted {
      trackSlice(start + sliceSize, key: k)
      // Register the key with the ends not registered yet (all of them for
      // a slice that arrived out of order; repeats are removed at firing).
      let outOfOrder = i + 1 < ks.starts.count
      var e = outOfOrder ? firstEnd : max(firstEnd, ks.registeredUpTo + slide)
      while e <= lastEnd {
        if e - 1 > reached { register(end: e, key: k) }
        e += slide
      }
      if lastEnd > ks.registeredUpTo { ks.registeredUpTo = lastEnd }
    } else {
      ks.touched(i)
    }
    // A window that already fired but is within its lateness fires again.
    if lateness > 0 && firstEnd - 1 <= reached {
      var e = firstEnd
      while e <= lastEnd && e - 1 <= reached {
        if let m = try ks.mergedDirectly(end: e, size: size) { try emitPane(k, start: e - size, end: e, accs: m, ts: e - 1) }
        e += slide
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

  private func register(end: Int64, key: Int) {
    // In place (`default:`), so that the list is not copied per key.
    var isNew = false
    pending[end, default: { isNew = true; return [] }()].append(key)
    if isNew {
      // Keep ends sorted; new ends are usually the largest.
      var i = pendingEnds.count
      while i > 0 && pendingEnds[i - 1] > end { i -= 1 }
      pendingEnds.insert(end, at: i)
      if processing && (i == 0) { clock.schedule(self, at: end) }
    }
  }

  private func addToWindow(_ k: Int, _ v: Value, start: Int64, end: Int64, ts: Int64) throws {
    if end - 1 + lateness <= reached {
      if role == .combine { return try emitLatePartial(k, v, start: start, ts: ts) }
      return try lateEvent(v, ts)
    }
    let pane = self.pane(k, start: start, end: end, ts: ts)
    for a in pane.accs { try a.add(v) }
    pane.count += 1
    if pane.fired { try emitPane(k, start: start, end: end, accs: pane.accs, ts: end - 1) }
  }

  /// The pane of key `k` and the window [start, end), made if new.
  func pane(_ k: Int, start: Int64, end: Int64, ts: Int64) -> Pane {
    if tumbling, k < recentPane.count, let p = recentPane[k], p.end == end { return p }
    let pk = PaneKey(key: k, start: start)
    let pane: Pane
    if let p = panes[pk] {
      pane = p
    } else {
      pane = Pane(accs: newAccs(), end: end)
      pane.nextEarly = earlyBoundary(after: ts)
      panes[pk] = pane
      track(end)
      register(end: end, key: k)
    }
    if tumbling {
      while recentPane.count <= k { recentPane.append(nil) }
      recentPane[k] = pane
    }
    return pane
  }

  private func addToSession(_ k: Int, _ v: Value, ts: Int64, gap: Int64) throws {
    var start = ts, end = ts + gap
    if end - 1 + lateness <= reached { return try lateEvent(v, ts) }
    var list = sessions[k] ?? []
    var accs = newAccs()
    for a in accs { try a.add(v) }
    var kept: [(start: Int64, end: Int64)] = []
    var wasFired = false
    var early = earlyBoundary(after: ts)
    for s in list {
      if s.start < end && start < s.end {
        // Overlap: merge the older session into the new one.
        if let p = panes.removeValue(forKey: PaneKey(key: k, start: s.start)) {
          for (mine, theirs) in zip(p.accs, accs) { try mine.merge(theirs) }
          accs = p.accs
          wasFired = wasFired || p.fired
          early = min(early, p.nextEarly)
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
    pane.nextEarly = early
    panes[PaneKey(key: k, start: start)] = pane
    track(end)
    register(end: end, key: k)
    if end - 1 <= reached { try emitPane(k, start: start, end: end, accs: accs, ts: end - 1); pane.fired = true }
  }

  override public func onWatermark(_ wm: Int64) throws {
    if processing {
      // Processing-time windows ignore event time, except that the end of
      // the input fires every window still open.
      if wm == Int64.max { try fire(upTo: Int64.max) }
      return
    }
    try fire(upTo: wm)
  }

  /// The late stream is fed from here rather than connected, so it ends
  /// with this operator (a keyed aggregate on it then emits its results).
  override public func onFinish() throws {
    try late?.finish(port: 0)
  }

  override public func onProcessingTime(_ now: Int64) throws {
    if processing { try fire(upTo: now &- 1) }
    if earlyByProcessingTime {
      if now >= nextEarly {
        try fireOpen(boundary: nil)
        nextEarly = floorDiv(now, earlyInterval) * earlyInterval &+ earlyInterval
      }
      clock.schedule(self, at: nextEarly)
    }
    if processing, let e = pendingEnds.first { clock.schedule(self, at: e) }
  }

  private func scheduleEarly(after t: Int64) {
    nextEarly = floorDiv(t, earlyInterval) * earlyInterval &+ earlyInterval
    clock.schedule(self, at: nextEarly)
  }

  /// Fires the windows that end at or before `limit` + 1 ms, then (for a
  /// continuous trigger) the open windows whose boundary `limit` passed.
  private func fire(upTo limit: Int64) throws {
    guard limit > reached else { return }
    let previous = reached
    reached = limit
    if case .global = spec {
      if limit == Int64.max {
        // A global window fires at the end of the input, unless every(n)
        // fired it as it went.
        if case .count = trigger { return }
        for k in keyList.indices {
          if let p = panes[PaneKey(key: k, start: Int64.min)] { try emitPane(k, start: Int64.min, end: Int64.max, accs: p.accs, ts: Int64.max) }
        }
      } else {
        try fireContinuous(from: previous, to: limit)
      }
      return
    }
    while let end = pendingEnds.first, end - 1 <= limit {
      pendingEnds.removeFirst()
      var keys = pending.removeValue(forKey: end) ?? []
      sortByFirstSeen(&keys)
      var last = -1
      for k in keys where k != last {
        last = k
        switch spec {
        case .tumbling(let size, _):
          if let p = panes[PaneKey(key: k, start: end - size)], !p.fired {
            try emitPane(k, start: end - size, end: end, accs: p.accs, ts: end - 1)
            p.fired = true
          }
        case .sliding(let size, _):
          if k < slices.count, let ks = slices[k], ks.lastFired < end {
            ks.lastFired = end
            try emitSliding(k, ks, end: end, size: size)
            let keep = horizon + sliceSize - 1
            ks.dropExpired { $0 + keep <= limit }
          }
        case .session:
          if let list = sessions[k], let s = list.first(where: { $0.end == end }), let p = panes[PaneKey(key: k, start: s.start)], !p.fired {
            try emitPane(k, start: s.start, end: end, accs: p.accs, ts: end - 1)
            p.fired = true
          }
        case .global, .processingTime: break
        }
      }
    }
    if limit != Int64.max { try fireContinuous(from: previous, to: limit) }
    cleanup(limit)
  }

  /// Continuous event-time trigger: when the watermark passes a multiple of
  /// the interval, the open windows with data before it fire (once per
  /// watermark step, however many multiples it passed).
  private func fireContinuous(from previous: Int64, to wm: Int64) throws {
    guard case .continuous(let i) = trigger else { return }
    let boundary = floorDiv(wm, i) * i
    if previous != Int64.min && boundary <= previous { return }
    try fireOpen(boundary: boundary)
  }

  /// Emits the current result of every window that has not closed, in
  /// window-end then key order. With a `boundary` (continuous trigger),
  /// only the windows due at it: as in Flink, a window's first early firing
  /// is at the first multiple of the interval after its first event.
  private func fireOpen(boundary: Int64?) throws {
    let next = boundary.map { b -> Int64 in
      guard case .continuous(let i) = trigger else { return Int64.max }
      return b &+ i
    } ?? Int64.min
    func due(_ p: Pane) -> Bool { boundary.map { p.nextEarly <= $0 } ?? true }
    switch spec {
    case .global:
      for k in keyList.indices {
        if let p = panes[PaneKey(key: k, start: Int64.min)], due(p) {
          p.nextEarly = next
          try emitPane(k, start: Int64.min, end: Int64.max, accs: p.accs, ts: reached)
        }
      }
    case .sliding(let size, _):
      for end in pendingEnds {
        var keys = pending[end] ?? []
        sortByFirstSeen(&keys)
        var last = -1
        for k in keys where k != last {
          last = k
          guard k < slices.count, let ks = slices[k], ks.lastFired < end else { continue }
          // Only windows with data before the boundary.
          let limit = min(end, boundary ?? end)
          guard ks.starts[ks.head...].contains(where: { $0 >= end - size && $0 < limit }) else { continue }
          if let m = try ks.mergedDirectly(end: end, size: size) { try emitPane(k, start: end - size, end: end, accs: m, ts: end - 1) }
        }
      }
    default:
      for end in pendingEnds {
        var keys = pending[end] ?? []
        sortByFirstSeen(&keys)
        var last = -1
        for k in keys where k != last {
          last = k
          let start: Int64
          if case .tumbling(let size, _) = spec {
            start = end - size
          } else if let s = sessions[k]?.first(where: { $0.end == end }) {
            start = s.start
          } else { continue }
          if let p = panes[PaneKey(key: k, start: start)], !p.fired, due(p) {
            p.nextEarly = next
            try emitPane(k, start: start, end: end, accs: p.accs, ts: end - 1)
          }
        }
      }
    }
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

  /// Notes a new slice's expiry and its key (sliding windows).
  func trackSlice(_ end: Int64, key: Int) {
    let expiry = end &- 1 &+ horizon
    sliceExpiries.add(key, at: expiry)
    if expiry < nextCleanup { nextCleanup = expiry }
  }

  /// Drops state no window can need any more. Scanning the panes happens
  /// only when the watermark has passed the earliest expiry, not on every
  /// watermark step.
  private func cleanup(_ wm: Int64) {
    guard wm != Int64.min, wm >= nextCleanup else { return }
    let horizon = self.horizon
    var next = Int64.max
    if case .sliding = spec {
      for k in sliceExpiries.popDue(upTo: wm) {
        slices[k]?.dropAll { $0 + sliceSize - 1 + horizon <= wm }
        if slices[k]?.isEmpty ?? true { idleCandidates.append(k) }
      }
      nextCleanup = sliceExpiries.first ?? Int64.max
      freeIdleKeys()
      return
    }
    var dead: [PaneKey] = []
    for (pk, p) in panes {
      let expiry = p.end - 1 + horizon
      if expiry <= wm && expiry < Int64.max { dead.append(pk) } else if expiry < next { next = expiry }
    }
    nextCleanup = next
    for pk in dead {
      let p = panes.removeValue(forKey: pk)
      if tumbling, pk.key < recentPane.count, let r = recentPane[pk.key], r === p { recentPane[pk.key] = nil }
      if case .session = spec {
        sessions[pk.key]?.removeAll { $0.start == pk.start }
        if sessions[pk.key]?.isEmpty == true { sessions.removeValue(forKey: pk.key) }
      }
      idleCandidates.append(pk.key)
    }
    freeIdleKeys()
  }

  override public func snapshotState(_ w: inout StateWriter) throws {
    try super.snapshotState(&w)
    w.int(droppedLate)
    w.int(reached)
    w.int(nextEarly)
    try w.value(.list(keyList))
    // Panes (and slices, as panes) in a fixed order so that equal state
    // gives equal files.
    var all: [(PaneKey, Pane)] = panes.sorted { a, b in
      a.key.start != b.key.start ? a.key.start < b.key.start : a.key.key < b.key.key
    }
    for (k, ks) in slices.enumerated() {
      guard let ks = ks else { continue }
      for i in ks.head..<ks.starts.count {
        let p = Pane(accs: ks.accs[i], end: ks.starts[i] + sliceSize)
        all.append((PaneKey(key: k, start: ks.starts[i]), p))
      }
    }
    w.int(all.count)
    for (pk, pane) in all {
      w.int(Int64(pk.key))
      w.int(pk.start)
      w.int(pane.end)
      w.bool(pane.fired)
      w.int(pane.count)
      w.int(pane.nextEarly)
      for a in pane.accs { try a.save(&w) }
    }
    w.int(pendingEnds.count)
    for e in pendingEnds {
      w.int(e)
      let ids = pending[e] ?? []
      w.int(ids.count)
      for k in ids { w.int(Int64(k)) }
    }
    w.int(sessions.count)
    for (k, list) in sessions.sorted(by: { $0.key < $1.key }) {
      w.int(Int64(k))
      w.int(list.count)
      for x in list { w.int(x.start); w.int(x.end) }
    }
    w.int(slices.count)
    for ks in slices {
      w.int(ks?.registeredUpTo ?? Int64.min)
      w.int(ks?.lastFired ?? Int64.min)
    }
  }

  override public func restoreState(_ r: inout StateReader) throws {
    try super.restoreState(&r)
    let first = restoredSections == 1
    let dropped = Int(try r.int())
    if r.primary { droppedLate += dropped }
    let wasReached = try r.int(), wasEarly = try r.int()
    // Rescaled: several old subtasks' sections merge; all had fired up to
    // about the same watermark, the minimum is the safe one.
    reached = first ? wasReached : min(reached, wasReached)
    nextEarly = first ? wasEarly : min(nextEarly, wasEarly)
    // The section's key ids become this operator's ids (nil: a key another
    // subtask owns after rescaling, whose state is skipped).
    var ids: [Int?] = []
    if case .list(let keys) = try r.value() {
      ids = keys.map { r.keeps($0) ? keyID($0) : nil }
    }
    func id(_ x: Int64) throws -> Int? {
      guard x >= 0, x < Int64(ids.count) else { throw RuntimeError("bad key id in window state", at: location) }
      return ids[Int(x)]
    }
    let n = try r.count()
    for _ in 0..<n {
      let key = try id(try r.int())
      let start = try r.int()
      let pane = Pane(accs: newAccs(), end: try r.int())
      pane.fired = try r.bool()
      pane.count = Int(try r.int())
      pane.nextEarly = try r.int()
      for a in pane.accs { try a.load(&r) }
      guard let k = key else { continue }
      if case .sliding = spec {
        while slices.count <= k { slices.append(nil) }
        let ks = slices[k] ?? { let s = KeySlices(); slices[k] = s; return s }()
        if let i = ks.find(start) { ks.accs[i] = pane.accs } else { _ = ks.insert(start, pane.accs) }
        trackSlice(pane.end, key: k)
      } else if let had = panes[PaneKey(key: k, start: start)] {
        // A window combiner's pane (folded in on restore) adds to this
        // window's own pane of the same key and window.
        for (a, b) in zip(had.accs, pane.accs) { try a.merge(b) }
        had.count += pane.count
      } else {
        panes[PaneKey(key: k, start: start)] = pane
        track(pane.end)
      }
    }
    let m = try r.count()
    for _ in 0..<m {
      let e = try r.int()
      let c = try r.count()
      var kept: [Int] = []
      for _ in 0..<c { if let k = try id(try r.int()) { kept.append(k) } }
      guard !kept.isEmpty else { continue }
      if pending[e] == nil {
        var i = pendingEnds.count
        while i > 0 && pendingEnds[i - 1] > e { i -= 1 }
        pendingEnds.insert(e, at: i)
      }
      pending[e, default: []].append(contentsOf: kept)
    }
    let q = try r.count()
    for _ in 0..<q {
      let k = try id(try r.int())
      let c = try r.count()
      var list: [(start: Int64, end: Int64)] = []
      for _ in 0..<c { let a = try r.int(); list.append((a, try r.int())) }
      if let k = k { sessions[k] = list }
    }
    let s = try r.count()
    for old in 0..<s {
      let reg = try r.int(), fired = try r.int()
      if old < ids.count, let k = ids[old], k < slices.count, let ks = slices[k] {
        ks.registeredUpTo = reg
        ks.lastFired = fired
      }
    }
    if processing, let e = pendingEnds.first { clock.schedule(self, at: e) }
  }

  /// Emits a sliding window's result, built straight into the record's
  /// slots (no intermediate arrays).
  private func emitSliding(_ k: Int, _ ks: KeySlices, end: Int64, size: Int64) throws {
    switch output {
    case .record(let shape, let specs):
      var values: [Value] = []
      values.reserveCapacity(3 + specs.count)
      values.append(keyList[k])
      values.append(.time(end - size))
      values.append(.time(end))
      if try ks.window(end: end, size: size, into: &values) {
        try emit(.record(Record(shape: shape, values: values)), ts: end - 1)
      }
    case .reduced:
      var values: [Value] = []
      if try ks.window(end: end, size: size, into: &values) { try emit(values.first ?? .null, ts: end - 1) }
    }
  }

  private func emitPane(_ k: Int, start: Int64, end: Int64, accs: [Accumulator], ts: Int64) throws {
    if role == .combine { return try emitPartial(k, start: start, accs: accs, ts: ts) }
    switch output {
    case .record(let shape, _):
      var values: [Value] = [keyList[k], .time(start), .time(end)]
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
