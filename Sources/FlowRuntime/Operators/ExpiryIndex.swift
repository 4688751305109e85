/// Keys grouped by the time at which their state expires (a window's end,
/// a slice's or a buffered event's expiry), with the times kept in
/// ascending order.
///
/// Operators that free state as the watermark passes ask it for the keys
/// that are due instead of scanning every key they hold, so the cost of a
/// watermark step grows with the state it frees, not with the state kept.
/// A key may be added under several times; each time is visited once.
struct ExpiryIndex<Key> {
  private var keys: [Int64: [Key]] = [:]
  private var times: [Int64] = []

  /// How many keys are held, counting repeats.
  private(set) var count = 0
  /// The earliest time still held, or nil.
  var first: Int64? { times.first }

  /// Notes that `key` has state expiring at `time`. Keys added under one
  /// time come back in the order they were added.
  mutating func add(_ key: Key, at time: Int64) {
    if keys[time] == nil {
      // State mostly arrives in time order, so the place is at or near the
      // back and the search is short.
      var i = times.count
      while i > 0 && times[i - 1] > time { i -= 1 }
      times.insert(time, at: i)
    }
    keys[time, default: []].append(key)
    count += 1
  }

  /// Removes and returns the keys of every time <= `limit`, by time and
  /// then in the order they were added.
  mutating func popDue(upTo limit: Int64) -> [Key] {
    popDueEntries(upTo: limit).flatMap { $0.keys }
  }

  /// Removes and returns every time <= `limit` with its keys, by time.
  mutating func popDueEntries(upTo limit: Int64) -> [(time: Int64, keys: [Key])] {
    var due = 0
    while due < times.count && times[due] <= limit { due += 1 }
    guard due > 0 else { return [] }
    var out: [(time: Int64, keys: [Key])] = []
    out.reserveCapacity(due)
    for t in times[0..<due] {
      let ks = keys.removeValue(forKey: t) ?? []
      count -= ks.count
      out.append((t, ks))
    }
    times.removeFirst(due)
    return out
  }

  /// Every key with its time, in time order (for snapshots).
  var entries: [(time: Int64, keys: [Key])] { times.map { ($0, keys[$0] ?? []) } }
}
