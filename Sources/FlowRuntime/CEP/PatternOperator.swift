/// Matches a pattern on each key. Events with event times are buffered and
/// fed to the key's NFA in time order once the watermark passes them (so
/// out-of-order input matches as if it were ordered); events behind the
/// watermark are late: counted, and sent to `late` when the script reads
/// `lateEvents(matches)`. Partial matches older than `within` are dropped,
/// or sent to `timedOut` when the script reads it.
public final class PatternOperator: Operator {
  let keyFn: FunctionValue
  let program: NFAProgram
  var nfas = NFATable()
  /// Keys without partial matches share this engine until one starts.
  private var idle: NFA
  private var buffer = EventBuffer()
  private var deadlines = DeadlineQueue()
  public var timedOut: Operator?
  public var late: Operator?
  public private(set) var droppedLate = 0

  public init(key: FunctionValue, spec: PatternSpec, skip: AfterMatch, location: String) {
    self.keyFn = key
    self.keyField = key.info?.projectedField
    self.program = NFAProgram(spec: spec, skip: skip)
    self.idle = NFA(program: program)
    super.init(name: "pattern", location: location)
  }

  /// For a key function `t => t.field`: the field, and its slot in the
  /// last record shape seen (reading it is the whole function).
  private let keyField: String?
  private var keyShape: Shape?
  private var keySlot = 0

  @inline(__always)
  private func key(of v: Value) throws -> Value {
    if let name = keyField, case .record(let r) = v {
      if let s = keyShape, s === r.shape { return r.values[keySlot] }
      if let i = r.shape.slot(of: name) {
        keyShape = r.shape
        keySlot = i
        return r.values[i]
      }
    }
    return try keyFn.apply1(v)
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    let k = try key(of: v)
    if ts == Int64.min {
      try feed(k, v, ts: ts)
      return
    }
    if ts <= currentWatermark {
      droppedLate += 1
      if let l = late {
        l.recordsIn += 1
        try l.process(v, ts: ts, port: 0)
      }
      return
    }
    buffer.append(ts: ts, key: k, value: v)
  }

  override public func onWatermark(_ wm: Int64) throws {
    while let d = buffer.popDue(wm) { try feed(d.key, d.value, ts: d.ts) }
    try expire(upTo: wm)
  }

  private func feed(_ k: Value, _ v: Value, ts: Int64) throws {
    let nfa = nfas[k] ?? idle
    if ts != Int64.min && !nfa.runs.isEmpty { try handleExpired(nfa, nfa.expire(now: ts, keepTimedOut: timedOut != nil), now: ts) }
    let matches = try nfa.advance(v, ts: ts)
    for m in matches { try emit(m, ts: ts) }
    try settle(k, nfa)
  }

  /// Stores or forgets a key's engine after it changed, and schedules its
  /// next `within` deadline.
  private func settle(_ k: Value, _ nfa: NFA) throws {
    if nfa.isEmpty {
      if nfa !== idle { nfas[k] = nil }
      idle.seq = 0
      return
    }
    if nfa === idle {
      nfas[k] = nfa
      idle = NFA(program: program)
    }
    if let w = program.within, let s = nfa.earliestStart, s != Int64.min {
      let d = s &+ w
      if d < nfa.scheduled {
        nfa.scheduled = d
        deadlines.push(d, k)
      }
    }
  }

  private func expire(upTo wm: Int64) throws {
    guard program.within != nil, wm != Int64.min else { return }
    while let (d, k) = deadlines.popDue(wm) {
      guard let nfa = nfas[k], nfa.scheduled == d else { continue }
      nfa.scheduled = Int64.max
      try handleExpired(nfa, nfa.expire(now: wm, keepTimedOut: timedOut != nil), now: wm)
      try settle(k, nfa)
    }
  }

  /// Timed-out partial matches go out at their deadline; matches completed
  /// by the expiry (a trailing `notFollowedBy`) at `now`, which is ahead of
  /// the watermark downstream operators have seen.
  private func handleExpired(_ nfa: NFA, _ r: (matches: [Value], timedOut: [(Value, Int64)]), now: Int64) throws {
    for (m, t) in r.timedOut {
      guard let out = timedOut else { break }
      out.recordsIn += 1
      try out.process(m, ts: t, port: 0)
    }
    for m in r.matches { try emit(m, ts: now) }
  }

  override public func snapshotState(_ w: inout StateWriter) throws {
    try super.snapshotState(&w)
    w.int(droppedLate)
    try buffer.save(&w)
    let keys = nfas.keys.sorted { compareValues($0, $1) < 0 }
    w.int(keys.count)
    for k in keys {
      try w.value(k)
      try nfas[k]?.save(&w)
    }
  }

  override public func restoreState(_ r: inout StateReader) throws {
    try super.restoreState(&r)
    let dropped = Int(try r.int())
    if r.primary { droppedLate += dropped }
    try buffer.load(&r)
    let m = try r.count()
    for _ in 0..<m {
      let k = try r.value()
      let nfa = NFA(program: program)
      try nfa.load(&r)
      guard r.keeps(k) else { continue }
      nfas[k] = nfa
      try settle(k, nfa)
    }
  }
}

extension Executor {
  /// Events that arrived behind the watermark at `pattern` operators.
  public var patternLateEvents: Int { operators.values.compactMap { $0 as? PatternOperator }.reduce(0) { $0 + $1.droppedLate } }
}
