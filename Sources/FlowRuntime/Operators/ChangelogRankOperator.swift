/// ROW_NUMBER over a partition that keeps changing (Flink's updating
/// Top-N): each partition's rows are kept sorted; a new row is emitted with
/// its number (`+I`), and every row it pushes down is updated (`-U` with the
/// old number, `+U` with the new one); a retracted row is deleted (`-D`) and
/// the rows below it move up. An outer `WHERE rn <= N` then keeps the
/// changes of the first N. Its input may be a changelog.
public final class ChangelogRankOperator: Operator {
  let keyFn: FunctionValue
  let sortKey: FunctionValue
  let descending: [Bool]
  /// Per partition: rows (without kind) and their sort keys, in rank order.
  var partitions: [Value: [(key: [Value], row: Value)]] = [:]
  var ttl: TTLClock?
  var strip: [ObjectIdentifier: Shape] = [:]
  var shapes: [ObjectIdentifier: Shape] = [:]
  /// Top-N: only rows ranked 1...limit are emitted (nil: all).
  public var limit: Int?
  /// With a limit and an input without retractions, a partition keeps only
  /// its first `limit` rows (a row pushed out can never return).
  public var appendOnly = false

  public init(key: FunctionValue, sortKey: FunctionValue, descending: [Bool], ttl: StateTTL?, location: String) {
    self.keyFn = key
    self.sortKey = sortKey
    self.descending = descending
    self.ttl = ttl.map { TTLClock(ttl: $0) }
    super.init(name: "changelog rank", location: location)
  }

  /// True when `a` sorts before `b`.
  func before(_ a: [Value], _ b: [Value]) -> Bool {
    for (i, desc) in descending.enumerated() where i < a.count && i < b.count {
      let c = compareValues(a[i], b[i])
      if c != 0 { return desc ? c > 0 : c < 0 }
    }
    return false
  }

  /// Where a row with sort key `sk` goes in partition `k`: after the rows
  /// that sort before it or tie with it (binary search).
  func insertionIndex(_ sk: [Value], in k: Value) -> Int {
    guard let rows = partitions[k] else { return 0 }
    var lo = 0, hi = rows.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if before(sk, rows[mid].key) { hi = mid } else { lo = mid + 1 }
    }
    return lo
  }

  func out(_ row: Value, _ rank: Int, _ kind: ChangeKind, ts: Int64) throws {
    if let n = limit, rank > n { return }
    guard case .record(let r) = row else { return }
    let id = ObjectIdentifier(r.shape)
    let shape: Shape
    if let s = shapes[id] { shape = s } else {
      shape = Shape(r.shape.fields + ["$rank", ChangeKind.field])
      shapes[id] = shape
    }
    try emit(.record(Record(shape: shape, values: r.values + [.int(Int64(rank)), .string(kind.rawValue)])), ts: ts)
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    let (row, kind) = ChangeKind.split(v, strip: &strip)
    let k = try keyFn.apply1(row)
    if var t = ttl {
      let now = t.now(ts: ts, watermark: currentWatermark, clock: clock)
      if t.expired(k, now: now) { partitions[k] = nil }
      for dead in t.sweep(now: now) where dead != k { partitions[dead] = nil }
      if now != Int64.min { t.lastAccess[k] = now }
      ttl = t
    }
    if kind.isAccumulate {
      guard case .list(let sk) = try sortKey.apply1(row) else { throw RuntimeError("internal: ROW_NUMBER sort key", at: location) }
      // After every row that sorts before it or ties with it: ties keep
      // their arrival order. Changed in place (no copy of the partition).
      let i = insertionIndex(sk, in: k)
      if appendOnly, let n = limit, i >= n { return }
      partitions[k, default: []].insert((sk, row), at: i)
      let rows = partitions[k] ?? []
      try out(row, i + 1, .insert, ts: ts)
      // Each row below moves down one place; past the limit nothing shows.
      let last = min(rows.count - 1, limit ?? rows.count)
      if i + 1 <= last {
        for j in (i + 1)...last {
          try out(rows[j].row, j, .updateBefore, ts: ts)
          try out(rows[j].row, j + 1, .updateAfter, ts: ts)
        }
      }
      // The row pushed past the limit has had its -U; without retractions
      // it can never come back.
      if appendOnly, let n = limit, rows.count > n { partitions[k]?.removeLast(rows.count - n) }
    } else {
      guard let i = partitions[k]?.firstIndex(where: { $0.row == row }) else { return }
      partitions[k]?.remove(at: i)
      let rows = partitions[k] ?? []
      if rows.isEmpty { partitions[k] = nil }
      try out(row, i + 1, .delete, ts: ts)
      // Each row below moves up one place; past the limit nothing shows.
      let last = min(rows.count, limit ?? rows.count)
      if i < last {
        for j in i..<last {
          try out(rows[j].row, j + 2, .updateBefore, ts: ts)
          try out(rows[j].row, j + 1, .updateAfter, ts: ts)
        }
      }
    }
  }

  override public func onWatermark(_ wm: Int64) throws {
    guard var t = ttl, t.ttl.eventTime else { return }
    for dead in t.sweep(now: wm) { partitions[dead] = nil }
    ttl = t
  }

  override public func snapshotState(_ w: inout StateWriter) throws {
    try super.snapshotState(&w)
    let keys = partitions.keys.sorted { compareValues($0, $1) < 0 }
    w.int(keys.count)
    for k in keys {
      let rows = partitions[k] ?? []
      try w.value(k)
      w.int(rows.count)
      for (sk, row) in rows { try w.value(.list(sk)); try w.value(row) }
    }
    w.bool(ttl != nil)
    if let t = ttl { try t.save(&w) }
  }

  override public func restoreState(_ r: inout StateReader) throws {
    try super.restoreState(&r)
    let n = try r.count()
    for _ in 0..<n {
      let k = try r.value()
      let m = try r.count()
      var rows: [(key: [Value], row: Value)] = []
      for _ in 0..<m {
        guard case .list(let sk) = try r.value() else { throw RuntimeError("corrupt ROW_NUMBER state", at: location) }
        rows.append((sk, try r.value()))
      }
      partitions[k] = rows
    }
    if try r.bool() {
      var t = ttl ?? TTLClock(ttl: StateTTL(millis: 0, eventTime: false))
      try t.load(&r)
      if ttl != nil { ttl = t }
    }
  }
}
