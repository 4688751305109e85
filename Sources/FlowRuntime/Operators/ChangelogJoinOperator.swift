/// A regular (non-windowed) join that emits a changelog, as Flink's
/// streaming join: each row is paired with the other side's rows of its key
/// as it arrives (`+I` pairs); a retracted row (`-U`/`-D` from an updating
/// input) retracts its pairs (`-D`). Outer joins emit a row without a
/// partner padded with null (`+I[row, null]`), retract that padded row when
/// the first partner arrives, and emit it again when the last partner is
/// retracted. Each side's rows are kept per key (a multiset) until
/// retracted, or until the key's state outlives the TTL.
public final class ChangelogJoinOperator: Operator {
  let leftKey: FunctionValue
  let rightKey: FunctionValue
  let type: ChangelogSpec.JoinType
  let nullKeysMatch: Bool
  let shape = Shape(["key", "left", "right", ChangeKind.field])
  /// Per side, per key: the rows (a multiset: a row added twice is there
  /// twice), in arrival order. Appending is O(1); only a retraction
  /// searches.
  var sides: [[Value: [Value]]] = [[:], [:]]
  var ttl: [TTLClock]?
  var strip: [ObjectIdentifier: Shape] = [:]

  public init(left: FunctionValue, right: FunctionValue, type: ChangelogSpec.JoinType, ttl: StateTTL?, nullKeysMatch: Bool, location: String) {
    self.leftKey = left
    self.rightKey = right
    self.type = type
    self.nullKeysMatch = nullKeysMatch
    self.ttl = ttl.map { [TTLClock(ttl: $0), TTLClock(ttl: $0)] }
    super.init(name: "\(type == .inner ? "" : type.rawValue + " outer ")join (changelog)", location: location)
    inputCount = 2
  }

  func out(_ k: Value, _ side: Int, _ row: Value, _ other: Value, _ kind: ChangeKind, ts: Int64) throws {
    let pair = side == 0 ? [k, row, other, .string(kind.rawValue)] : [k, other, row, .string(kind.rawValue)]
    try emit(.record(Record(shape: shape, values: pair)), ts: ts)
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    let s = port == 0 ? 0 : 1, o = 1 - s
    let (row, kind) = ChangeKind.split(v, strip: &strip)
    let k: Value
    do { k = try (s == 0 ? leftKey : rightKey).apply1(row) } catch { throw fail(error) }
    let outerS = type.preserves(s), outerO = type.preserves(o)
    if !nullKeysMatch && containsNull(k) {
      // SQL: a NULL key has no partner, ever; nothing to keep.
      if outerS { try out(k, s, row, .null, kind.isAccumulate ? .insert : .delete, ts: ts) }
      return
    }
    expire(k, side: s, ts: ts)
    let others = sides[o][k] ?? []
    if kind.isAccumulate {
      let wasAlone = sides[s][k]?.isEmpty ?? true
      if others.isEmpty {
        if outerS { try out(k, s, row, .null, .insert, ts: ts) }
      } else {
        for m in others {
          if outerO && wasAlone { try out(k, o, m, .null, .delete, ts: ts) }
          try out(k, s, row, m, .insert, ts: ts)
        }
      }
      // In place: no copy of the key's rows.
      sides[s][k, default: []].append(row)
    } else {
      // A retraction of a row never seen (or expired) changes nothing.
      guard let i = sides[s][k]?.firstIndex(of: row) else { return }
      sides[s][k]?.remove(at: i)
      let nowAlone = sides[s][k]?.isEmpty ?? true
      if nowAlone { sides[s][k] = nil }
      if others.isEmpty {
        if outerS { try out(k, s, row, .null, .delete, ts: ts) }
      } else {
        for m in others {
          try out(k, s, row, m, .delete, ts: ts)
          if outerO && nowAlone { try out(k, o, m, .null, .insert, ts: ts) }
        }
      }
    }
  }

  /// Drops this key's state on either side if it outlived the TTL (silently,
  /// as Flink does), and sweeps other expired keys now and then.
  func expire(_ k: Value, side: Int, ts: Int64) {
    guard var clocks = ttl else { return }
    let now = clocks[0].now(ts: ts, watermark: currentWatermark, clock: clock)
    for i in 0..<2 {
      if clocks[i].expired(k, now: now) { sides[i][k] = nil; clocks[i].lastAccess[k] = nil }
      for dead in clocks[i].sweep(now: now) { sides[i][dead] = nil }
    }
    if now != Int64.min { clocks[side].lastAccess[k] = now }
    ttl = clocks
  }

  override public func onWatermark(_ wm: Int64) throws {
    guard var clocks = ttl, clocks[0].ttl.eventTime else { return }
    for i in 0..<2 { for dead in clocks[i].sweep(now: wm) { sides[i][dead] = nil } }
    ttl = clocks
  }

  override public func snapshotState(_ w: inout StateWriter) throws {
    try super.snapshotState(&w)
    for side in sides {
      let keys = side.keys.sorted { compareValues($0, $1) < 0 }
      w.int(keys.count)
      for k in keys {
        try w.value(k)
        try w.value(.list(side[k] ?? []))
      }
    }
    w.bool(ttl != nil)
    if let t = ttl { try t[0].save(&w); try t[1].save(&w) }
  }

  override public func restoreState(_ r: inout StateReader) throws {
    try super.restoreState(&r)
    for i in 0..<2 {
      var side: [Value: [Value]] = [:]
      let n = try r.count()
      for _ in 0..<n {
        let k = try r.value()
        guard case .list(let rows) = try r.value() else { throw RuntimeError("corrupt join state", at: location) }
        side[k] = rows
      }
      sides[i] = side
    }
    if try r.bool() {
      var clocks = ttl ?? [TTLClock(ttl: StateTTL(millis: 0, eventTime: false)), TTLClock(ttl: StateTTL(millis: 0, eventTime: false))]
      try clocks[0].load(&r)
      try clocks[1].load(&r)
      if ttl != nil { ttl = clocks }
    }
  }
}
