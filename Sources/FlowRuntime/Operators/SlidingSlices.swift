/// The slices of one key of a sliding window, and the windows assembled
/// from them.
///
/// Each event updates exactly one slice accumulator (a slice is
/// gcd(size, slide) long). Windows fire in increasing end order, so the
/// slices of consecutive windows form a queue: slices enter at the back as
/// windows move forward and leave at the front. The queue is aggregated with
/// two stacks: the back keeps one running merge of its slices, the front
/// keeps suffix merges (front slice i merged with every front slice after
/// it). A window's result is then one front suffix merged with the back's
/// running merge, and every slice is merged at most twice in its life: the
/// cost per window does not grow with size / slide.
///
/// A slice that changes after it entered the stacks (a late event within
/// `allowedLateness`, or a slice inserted out of order) invalidates the
/// stacks, which are rebuilt at the next window; re-fired (late) windows
/// merge their slices directly.
final class KeySlices {
  /// Slice starts, ascending, with their accumulators. Indices below `head`
  /// were dropped (their storage is released) and are compacted away now
  /// and then.
  var starts: [Int64] = []
  var accs: [[Accumulator]] = []
  var head = 0
  /// Two-stack state over slice indices: the front is [viewHead, mid) with
  /// `suffix`, the back is [mid, top) with `back`.
  private var suffix: [[Accumulator]?] = []
  private var viewHead = 0
  private var mid = 0
  private var top = 0
  private var back: [Accumulator]?
  /// The largest window end registered for this key, and the last end fired.
  var registeredUpTo = Int64.min
  var lastFired = Int64.min

  var isEmpty: Bool { head >= starts.count }

  /// The index of the slice starting at `start`, or nil.
  @inline(__always)
  func find(_ start: Int64) -> Int? {
    let n = starts.count
    if n > head, starts[n - 1] == start { return n - 1 }
    if n == head || starts[n - 1] < start { return nil }
    let i = position(start)
    return i < n && starts[i] == start ? i : nil
  }

  /// Where a slice starting at `start` is or would go, among live slices.
  private func position(_ start: Int64) -> Int {
    var lo = head, hi = starts.count
    while lo < hi {
      let m = (lo + hi) / 2
      if starts[m] < start { lo = m + 1 } else { hi = m }
    }
    return lo
  }

  /// Adds a slice (not present) with its accumulators; returns its index.
  func insert(_ start: Int64, _ a: [Accumulator]) -> Int {
    let n = starts.count
    if n == head || starts[n - 1] < start {
      append(start, a)
      return n
    }
    // Out of order.
    let lo = position(start)
    starts.insert(start, at: lo)
    accs.insert(a, at: lo)
    suffix.insert(nil, at: lo)
    if lo < viewHead { viewHead += 1 }
    if lo < top { invalidate() }
    return lo
  }

  private func append(_ start: Int64, _ a: [Accumulator]) {
    starts.append(start)
    accs.append(a)
    suffix.append(nil)
  }

  /// A slice already merged into the stacks changed.
  func touched(_ index: Int) {
    if index < top { invalidate() }
  }

  private func invalidate() {
    mid = viewHead
    top = viewHead
    back = nil
  }

  /// Appends the results of the window [end - size, end) to `out`, one
  /// per accumulator; false (nothing appended) when it holds no slice.
  /// `end` must not be below the previous call's.
  func window(end: Int64, size: Int64, into out: inout [Value]) throws -> Bool {
    let lo = end - size
    if viewHead < head { viewHead = head }
    while viewHead < starts.count && starts[viewHead] < lo { viewHead += 1 }
    var reach = max(top, viewHead)
    while reach < starts.count && starts[reach] < end { reach += 1 }
    if viewHead >= mid {
      // The front is empty: the window's slices become the front, with
      // suffix merges, and the back starts over.
      mid = viewHead
      top = viewHead
      back = nil
      guard reach > viewHead else { return false }
      var i = reach - 1
      var acc = accs[i].map { $0.copy() }
      suffix[i] = acc
      while i > viewHead {
        i -= 1
        let s = accs[i].map { $0.copy() }
        for (x, y) in zip(s, acc) { try x.merge(y) }
        suffix[i] = s
        acc = s
      }
      mid = reach
      top = reach
    } else {
      // Slices that the window now reaches enter the back.
      while top < reach {
        if let b = back {
          for (x, y) in zip(b, accs[top]) { try x.merge(y) }
        } else {
          back = accs[top].map { $0.copy() }
        }
        top += 1
      }
    }
    guard let front = suffix[viewHead] else { return false }
    if let b = back {
      for (x, y) in zip(front, b) { out.append(try x.mergedResult(y)) }
    } else {
      for x in front { out.append(try x.result()) }
    }
    return true
  }

  /// The window [end - size, end) merged directly from its slices (for
  /// windows that fire again within their allowed lateness).
  func mergedDirectly(end: Int64, size: Int64) throws -> [Accumulator]? {
    var out: [Accumulator]? = nil
    var i = head
    while i < starts.count && starts[i] < end {
      if starts[i] >= end - size {
        if let o = out {
          for (x, y) in zip(o, accs[i]) { try x.merge(y) }
        } else {
          out = accs[i].map { $0.copy() }
        }
      }
      i += 1
    }
    return out
  }

  /// Drops the slices at the front whose every window has expired.
  func dropExpired(_ dead: (Int64) -> Bool) {
    while head < starts.count && head < viewHead && dead(starts[head]) {
      accs[head] = []
      suffix[head] = nil
      head += 1
    }
    if head > 64 && head * 2 > starts.count { compact() }
  }

  /// Drops every slice for which `dead` holds (used by the full cleanup).
  func dropAll(where dead: (Int64) -> Bool) {
    while head < starts.count && dead(starts[head]) {
      accs[head] = []
      suffix[head] = nil
      head += 1
    }
    if viewHead < head { viewHead = head }
    if mid < viewHead { mid = viewHead }
    if top < mid { top = mid; back = nil }
    if head > 64 && head * 2 > starts.count || head == starts.count { compact() }
  }

  private func compact() {
    let h = head
    starts.removeFirst(h)
    accs.removeFirst(h)
    suffix.removeFirst(h)
    head = 0
    viewHead = max(0, viewHead - h)
    mid = max(0, mid - h)
    top = max(0, top - h)
  }
}
