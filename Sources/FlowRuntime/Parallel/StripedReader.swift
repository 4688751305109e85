/// One subtask's share of a splittable source: blocks of `block` events
/// from input index `base` on,
/// subtask s of P reading blocks s, s+P, s+2P, ... so every event is read by
/// exactly one subtask and each subtask's events keep their order (and so
/// their event-time order, for generators whose time grows with the index).
final class StripedReader: SourceReader {
  let inner: SourceReader
  let subtask: Int64
  let count: Int64
  let block: Int64
  let base: Int64
  /// Events this subtask has consumed: its checkpoint position.
  private(set) var consumed: Int64
  private var done = false

  /// `consumed`: where a restore resumes (0: the start).
  init(inner: SourceReader, subtask: Int, count: Int, block: Int = 1024, consumed: Int64, base: Int64 = 0) {
    self.inner = inner
    self.base = base
    self.subtask = Int64(subtask)
    self.count = Int64(count)
    self.block = Int64(block)
    self.consumed = consumed
    if !inner.seek(to: globalIndex(consumed)) { done = true }
  }

  /// The input index of this subtask's `n`th event.
  private func globalIndex(_ n: Int64) -> Int64 {
    let (b, off) = n.quotientAndRemainder(dividingBy: block)
    return base &+ (b &* count &+ subtask) &* block &+ off
  }

  var position: Int64? { consumed }

  func read(max: Int, into: inout [Value]) throws -> Bool {
    guard !done else { return false }
    var got = 0
    while got < max {
      let inBlock = consumed % block
      let want = Swift.min(Int64(max - got), block - inBlock)
      let before = into.count
      let more = try inner.read(max: Int(want), into: &into)
      let n = into.count - before
      got += n
      consumed += Int64(n)
      if !more || Int64(n) < want {
        // The input ended inside our block; later blocks start past the end.
        if !more { done = true; return false }
        if n == 0 { return true }  // an unbounded input with nothing yet
      }
      // One stripe of one subtask is the whole input: no gaps to skip.
      if count > 1 && consumed % block == 0 && !inner.seek(to: globalIndex(consumed)) {
        done = true
        return false
      }
    }
    return true
  }

  var progress: Double? { inner.progress }
  var skippedRows: Int { inner.skippedRows }
  func stop() { inner.stop() }
}
