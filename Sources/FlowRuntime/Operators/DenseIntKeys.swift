/// Direct addressing for small non-negative integer keys: `slots[k]` holds
/// key `k`'s dense index + 1 (0: not present). Ids, counters and `i % n`
/// buckets are usually dense from 0, and for them this is one array read per
/// event, in key order when the keys come in order, where a hash table
/// scatters consecutive keys over the whole table (a cache miss per event
/// once it outgrows the cache).
///
/// It only takes a key below a bound proportional to the number of keys
/// seen (`admit`), so memory stays within a few words per key whatever the
/// keys are; `KeyIndex` puts the others in its hash table.
struct DenseIntKeys {
  private var slots: [Int32] = []

  /// Key `k`'s index + 1, or 0 when it is not stored here.
  @inline(__always)
  func get(_ k: Int64) -> Int32 {
    guard k >= 0 && k < Int64(slots.count) else { return 0 }
    return slots[Int(k)]
  }

  /// Whether `k` may be stored here, growing the array if needed: keys
  /// below 4096, or below four times the number of keys so far.
  mutating func admit(_ k: Int64, keyCount: Int) -> Bool {
    guard k >= 0 else { return false }
    if k < Int64(slots.count) { return true }
    let limit = Int64(Swift.max(4096, 4 * (keyCount + 1)))
    guard k < limit, keyCount < Int(Int32.max) - 1 else { return false }
    var size = Swift.max(4096, slots.count)
    while Int64(size) <= k { size *= 2 }
    slots.append(contentsOf: repeatElement(0, count: size - slots.count))
    return true
  }

  /// Stores `index` for an admitted key.
  @inline(__always)
  mutating func set(_ k: Int64, _ index: Int) {
    slots[Int(k)] = Int32(truncatingIfNeeded: index + 1)
  }
}
