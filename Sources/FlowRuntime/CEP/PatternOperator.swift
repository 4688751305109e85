/// Matches a pattern on each key. Events with event times are buffered and
/// fed to the key's NFA in time order once the watermark passes them (so
/// out-of-order input matches as if it were ordered); events behind the
/// watermark are late and dropped (counted). Partial matches older than
/// `within` are dropped, or sent to `timedOut` when the script reads it.
public final class PatternOperator: Operator {
  let keyFn: FunctionValue
  let spec: PatternSpec
  let skip: AfterMatch
  var nfas: [Value: NFA] = [:]
  /// Per-key event counters: `next` and `consecutive` mean the key's next
  /// event, whatever other keys did in between.
  var keySeq: [Value: Int] = [:]
  var buffer: [(ts: Int64, seq: Int, key: Value, value: Value)] = []
  var seq = 0
  public var timedOut: Operator?
  public private(set) var droppedLate = 0

  public init(key: FunctionValue, spec: PatternSpec, skip: AfterMatch, location: String) {
    self.keyFn = key
    self.spec = spec
    self.skip = skip
    super.init(name: "pattern", location: location)
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    seq += 1
    let k = try keyFn.apply1(v)
    if ts == Int64.min {
      try feed(k, v, ts: ts, seq: seq)
      return
    }
    if ts <= currentWatermark {
      droppedLate += 1
      return
    }
    buffer.append((ts, seq, k, v))
  }

  override public func snapshotState(_ w: inout StateWriter) throws {
    try super.snapshotState(&w)
    w.int(seq)
    w.int(droppedLate)
    w.int(buffer.count)
    for b in buffer { w.int(b.ts); w.int(b.seq); try w.value(b.key); try w.value(b.value) }
    let keys = nfas.keys.sorted { compareValues($0, $1) < 0 }
    w.int(keys.count)
    for k in keys {
      try w.value(k)
      try nfas[k]?.save(&w)
    }
    let counters = keySeq.sorted { compareValues($0.key, $1.key) < 0 }
    w.int(counters.count)
    for (k, n) in counters { try w.value(k); w.int(n) }
  }

  override public func restoreState(_ r: inout StateReader) throws {
    try super.restoreState(&r)
    seq = Int(try r.int())
    droppedLate = Int(try r.int())
    let n = try r.count()
    for _ in 0..<n {
      let ts = try r.int(), sq = Int(try r.int())
      let k = try r.value()
      buffer.append((ts, sq, k, try r.value()))
    }
    let m = try r.count()
    for _ in 0..<m {
      let k = try r.value()
      let nfa = NFA(spec: spec)
      try nfa.load(&r)
      nfas[k] = nfa
    }
    let c = try r.count()
    for _ in 0..<c { let k = try r.value(); keySeq[k] = Int(try r.int()) }
  }

  override public func onWatermark(_ wm: Int64) throws {
    guard !buffer.isEmpty else { return try expireAll(wm) }
    let due = buffer.filter { $0.ts <= wm }.sorted { ($0.ts, $0.seq) < ($1.ts, $1.seq) }
    buffer.removeAll { $0.ts <= wm }
    for d in due { try feed(d.key, d.value, ts: d.ts, seq: d.seq) }
    try expireAll(wm)
  }

  private func expireAll(_ wm: Int64) throws {
    guard spec.within != nil, wm != Int64.min else { return }
    for (k, nfa) in nfas {
      try handleExpired(nfa, nfa.expire(now: wm), key: k)
      if nfa.isEmpty { nfas[k] = nil }
    }
  }

  private func handleExpired(_ nfa: NFA, _ gone: [Run], key: Value) throws {
    for r in gone {
      // A trailing notFollowedBy is satisfied when nothing violated it in time.
      let p = spec.parts[r.part]
      if nfa.endsWithNotFollowedBy && r.count >= p.min && r.part == spec.parts.count - 2 {
        try emit(nfa.record(r.last), ts: r.startTime + (spec.within ?? 0))
      } else if let t = timedOut {
        t.recordsIn += 1
        try t.process(nfa.record(r.last), ts: r.startTime + (spec.within ?? 0), port: 0)
      }
    }
  }

  private func feed(_ k: Value, _ v: Value, ts: Int64, seq _: Int) throws {
    let seq = (keySeq[k] ?? 0) + 1
    keySeq[k] = seq
    let nfa = nfas[k] ?? { let n = NFA(spec: spec); nfas[k] = n; return n }()
    if ts != Int64.min { try handleExpired(nfa, nfa.expire(now: ts), key: k) }
    let matches = try nfa.advance(v, seq: seq, ts: ts)
    var emitted: [Run] = []
    for (m, run) in matches {
      // A match completed by the same event is dropped when an earlier
      // match's skip strategy discards its run.
      if emitted.contains(where: { nfa.discards(run, after: $0, skip) }) { continue }
      try emit(m, ts: ts)
      nfa.skip(after: run, skip)
      emitted.append(run)
    }
    if nfa.isEmpty && spec.within == nil { nfas[k] = nil }
  }
}
