/// Where one subtask of a splittable source (a generator read by index)
/// stands: explicit ranges of input indexes still to read, then its stripe
/// (see `StripedReader`) of everything from `base` on. A checkpoint stores
/// it per subtask; rescaling (`resplit`) turns the old subtasks' positions
/// into new ones that together read exactly the events not read yet.
struct SplitState: Equatable {
  /// Half-open [from, to) ranges of input indexes, ascending.
  var ranges: [Range<Int64>] = []
  var base: Int64 = 0
  var subtask = 0
  var count = 1
  var block: Int64 = 1024
  /// Events of the stripe read so far.
  var consumed: Int64 = 0

  func write(_ w: inout StateWriter) {
    w.int(ranges.count)
    for r in ranges { w.int(r.lowerBound); w.int(r.upperBound) }
    w.int(base); w.int(subtask); w.int(count); w.int(block); w.int(consumed)
  }

  static func read(_ r: inout StateReader) throws -> SplitState {
    var s = SplitState()
    let n = try r.count()
    for _ in 0..<n {
      let a = try r.int(), b = try r.int()
      guard a <= b else { throw RuntimeError("checkpoint state is damaged (a bad source range)") }
      s.ranges.append(a..<b)
    }
    s.base = try r.int()
    s.subtask = Int(try r.int())
    s.count = Int(try r.int())
    s.block = try r.int()
    s.consumed = try r.int()
    guard s.count >= 1, s.block >= 1, s.subtask >= 0, s.subtask < s.count, s.consumed >= 0 else {
      throw RuntimeError("checkpoint state is damaged (a bad source split)")
    }
    return s
  }

  /// The new subtask `subtask` of `count` after a rescale from `old` (one
  /// state per old subtask). The old stripes' unread parts below the
  /// furthest block any old subtask started become ranges, dealt out in
  /// order; everything from there on is striped anew. Each new subtask
  /// reads in ascending index order, so generators whose event time grows
  /// with the index stay in time order per subtask.
  static func resplit(_ old: [SplitState], subtask: Int, count: Int, block: Int64 = 1024) -> SplitState {
    guard let first = old.first else { return SplitState(subtask: subtask, count: count, block: block) }
    let p = Int64(first.count), b = first.block
    // Blocks (rounds) of the stripe each old subtask has started.
    let rounds = old.map { ($0.consumed + b - 1) / b }
    let top = rounds.max() ?? 0
    var left: [Range<Int64>] = []
    for o in old {
      left.append(contentsOf: o.ranges)
      var k = o.consumed / b
      var off = o.consumed % b
      while k < top {
        let start = first.base + (k * p + Int64(o.subtask)) * b
        if off < b { left.append(start + off..<start + b) }
        k += 1
        off = 0
      }
    }
    left = left.filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
    var mine: [Range<Int64>] = []
    for (i, r) in left.enumerated() where i % count == subtask { mine.append(r) }
    return SplitState(ranges: mine, base: first.base + top * p * b, subtask: subtask, count: count, block: block, consumed: 0)
  }
}

/// Reads a `SplitState`: its ranges, then its stripe.
final class SplitReader: SourceReader {
  let inner: SourceReader
  private var state: SplitState
  private var positioned = false
  private var tail: StripedReader?

  init(inner: SourceReader, state: SplitState) {
    self.inner = inner
    self.state = state
  }

  /// Where this subtask stands now, for a checkpoint.
  var current: SplitState {
    var s = state
    if let t = tail { s.consumed = t.consumed }
    return s
  }

  var position: Int64? { tail?.consumed ?? state.consumed }

  func read(max: Int, into: inout [Value]) throws -> Bool {
    while let r = state.ranges.first {
      if !positioned {
        guard inner.seek(to: r.lowerBound) else { state.ranges.removeFirst(); continue }
        positioned = true
      }
      let before = into.count
      let more = try inner.read(max: Int(Swift.min(Int64(max), Int64(r.count))), into: &into)
      let n = Int64(into.count - before)
      state.ranges[0] = (r.lowerBound + n)..<r.upperBound
      if state.ranges[0].isEmpty || !more || n == 0 {
        state.ranges.removeFirst()
        positioned = false
      }
      if n > 0 { return true }
    }
    if tail == nil {
      tail = StripedReader(inner: inner, subtask: state.subtask, count: state.count, block: Int(state.block), consumed: state.consumed, base: state.base)
    }
    return try tail?.read(max: max, into: &into) ?? false
  }

  var progress: Double? { inner.progress }
  var skippedRows: Int { inner.skippedRows }
  func stop() { inner.stop() }
}
