/// Events waiting for the watermark, released in (time, arrival) order.
/// Input that is already in time order (the usual case) is never sorted.
struct EventBuffer {
  /// A concrete struct, not a tuple: tuples of enums are copied through
  /// generic value witnesses, which showed in profiles.
  struct Item {
    var ts: Int64
    var seq: Int
    var key: Value
    var value: Value
  }
  private var items: [Item] = []
  private var head = 0
  private var sorted = true
  private var seq = 0

  mutating func append(ts: Int64, key: Value, value: Value) {
    seq += 1
    if let l = items.last, head < items.count, ts < l.ts { sorted = false }
    items.append(Item(ts: ts, seq: seq, key: key, value: value))
  }

  mutating func popDue(_ wm: Int64) -> Item? {
    if !sorted {
      items.removeFirst(head)
      head = 0
      items.sort { ($0.ts, $0.seq) < ($1.ts, $1.seq) }
      sorted = true
    }
    guard head < items.count, items[head].ts <= wm else { return nil }
    let e = items[head]
    head += 1
    // Released items are dropped in batches, not one by one.
    if head >= 256 && head * 2 >= items.count {
      items.removeFirst(head)
      head = 0
    }
    return e
  }

  func save(_ w: inout StateWriter) throws {
    w.int(seq)
    w.int(items.count - head)
    for e in items[head...] { w.int(e.ts); w.int(e.seq); try w.value(e.key); try w.value(e.value) }
  }

  mutating func load(_ r: inout StateReader) throws {
    // Rescaled: events of several old subtasks merge, those of keys this
    // subtask owns; one key's events keep their order (by time, then seq).
    seq = max(seq, Int(try r.int()))
    let n = try r.count()
    items = Array(items[head...])
    head = 0
    for _ in 0..<n {
      let ts = try r.int(), sq = Int(try r.int())
      let k = try r.value()
      let v = try r.value()
      if r.keeps(k) { items.append(Item(ts: ts, seq: sq, key: k, value: v)) }
    }
    sorted = false
  }
}

/// `within` deadlines of keys, earliest first (a binary min-heap). Entries
/// are not removed when a key's deadline changes; stale ones are skipped.
struct DeadlineQueue {
  private var heap: [(Int64, Value)] = []

  mutating func push(_ d: Int64, _ k: Value) {
    heap.append((d, k))
    var i = heap.count - 1
    while i > 0 {
      let p = (i - 1) / 2
      if heap[p].0 <= heap[i].0 { break }
      heap.swapAt(p, i)
      i = p
    }
  }

  mutating func popDue(_ now: Int64) -> (Int64, Value)? {
    // Compare before copying the entry out (a copy retains its key).
    guard !heap.isEmpty, heap[0].0 <= now else { return nil }
    let top = heap[0]
    let last = heap.removeLast()
    if !heap.isEmpty {
      heap[0] = last
      var i = 0
      while true {
        let l = 2 * i + 1, r = l + 1
        var m = i
        if l < heap.count && heap[l].0 < heap[m].0 { m = l }
        if r < heap.count && heap[r].0 < heap[m].0 { m = r }
        if m == i { break }
        heap.swapAt(i, m)
        i = m
      }
    }
    return top
  }
}
