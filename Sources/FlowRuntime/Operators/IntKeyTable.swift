/// An open-addressing hash table from Int64 keys to dense indexes, for the
/// integer keys of keyed operators. Compared with `[Int64: Int]` it hashes
/// with one multiply instead of SipHash and probes a flat array, which
/// matters with millions of keys and one lookup per event.
struct IntKeyTable {
  /// Slot contents: key and index + 1 (0 marks an empty slot).
  private var keys: [Int64]
  private var indexes: [Int32]
  private var shift: UInt64
  private(set) var count = 0

  init() {
    keys = [Int64](repeating: 0, count: 16)
    indexes = [Int32](repeating: 0, count: 16)
    shift = 64 - 4
  }

  @inline(__always)
  private func home(_ k: Int64) -> Int {
    Int(truncatingIfNeeded: (UInt64(bitPattern: k) &* 0x9E37_79B9_7F4A_7C15) >> shift)
  }

  /// The index stored for `k`, or nil.
  @inline(__always)
  func get(_ k: Int64) -> Int? {
    let mask = keys.count - 1
    var i = home(k)
    while true {
      let ix = indexes[i]
      if ix == 0 { return nil }
      if keys[i] == k { return Int(ix) - 1 }
      i = (i + 1) & mask
    }
  }

  /// Stores `index` for `k`, which must not be present yet.
  mutating func insert(_ k: Int64, _ index: Int) {
    if (count + 1) * 4 > keys.count * 3 { grow() }
    place(k, Int32(truncatingIfNeeded: index + 1))
    count += 1
  }

  /// Removes `k` if present (backward-shift deletion: the probe chains of
  /// the keys after it stay unbroken without tombstones).
  mutating func remove(_ k: Int64) {
    let mask = keys.count - 1
    var i = home(k)
    while true {
      if indexes[i] == 0 { return }
      if keys[i] == k { break }
      i = (i + 1) & mask
    }
    var j = i
    while true {
      j = (j + 1) & mask
      if indexes[j] == 0 { break }
      let h = home(keys[j])
      // A key whose home lies cyclically in (i, j] is still reachable.
      let reachable = i <= j ? (i < h && h <= j) : (i < h || h <= j)
      if !reachable {
        keys[i] = keys[j]
        indexes[i] = indexes[j]
        i = j
      }
    }
    indexes[i] = 0
    count -= 1
  }

  @inline(__always)
  private mutating func place(_ k: Int64, _ ix: Int32) {
    let mask = keys.count - 1
    var i = home(k)
    while indexes[i] != 0 { i = (i + 1) & mask }
    keys[i] = k
    indexes[i] = ix
  }

  private mutating func grow() {
    let oldKeys = keys, oldIndexes = indexes
    keys = [Int64](repeating: 0, count: oldKeys.count * 2)
    indexes = [Int32](repeating: 0, count: oldKeys.count * 2)
    shift -= 1
    for j in 0..<oldKeys.count where oldIndexes[j] != 0 { place(oldKeys[j], oldIndexes[j]) }
  }
}
