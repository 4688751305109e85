/// An open-addressing hash table from string keys to dense indexes, for the
/// string keys of keyed operators (words, names, ids). It hashes the UTF-8
/// bytes eight at a time with a multiply-xorshift mix instead of `Hasher`'s
/// SipHash over a normalizing iterator, which is most of the cost of a
/// `[Value: Int]` lookup per word.
///
/// Swift compares strings by canonical equivalence, so the bytes hashed
/// must be the same for equal strings: ASCII text is hashed as it is (it is
/// its own normal form), and other text is hashed in its NFC form (see
/// `KeyIndex`). Candidates are confirmed with `String ==`.
struct StringKeyTable {
  /// Per slot: the key's hash and its index + 1 (0 marks an empty slot).
  private var hashes: [UInt64]
  private var indexes: [Int32]
  private var mask: Int
  private(set) var count = 0

  init() {
    hashes = [UInt64](repeating: 0, count: 16)
    indexes = [Int32](repeating: 0, count: 16)
    mask = 15
  }

  /// The hash of `s`'s UTF-8 bytes, and whether they are all ASCII.
  @inline(__always)
  static func hash(_ s: String) -> (UInt64, Bool) {
    var text = s
    return text.withUTF8 { buf -> (UInt64, Bool) in
      var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(buf.count)
      var high: UInt64 = 0
      guard let base = buf.baseAddress else { return (h, true) }
      let n = buf.count
      var i = 0
      while i + 8 <= n {
        let w = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
        high |= w
        h = mix(h ^ w)
        i += 8
      }
      if i < n {
        var w: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
          w |= UInt64(base[i]) << shift
          shift += 8
          i += 1
        }
        high |= w
        h = mix(h ^ w)
      }
      return (mix(h), high & 0x8080_8080_8080_8080 == 0)
    }
  }

  @inline(__always)
  private static func mix(_ x: UInt64) -> UInt64 {
    let m = x &* 0xBF58_476D_1CE4_E5B9
    return m ^ (m >> 31)
  }

  /// The index stored for a key with hash `h` that `matches`, or nil.
  @inline(__always)
  func get(_ h: UInt64, matches: (Int) -> Bool) -> Int? {
    var i = Int(truncatingIfNeeded: h) & mask
    while true {
      let ix = indexes[i]
      if ix == 0 { return nil }
      if hashes[i] == h && matches(Int(ix) - 1) { return Int(ix) - 1 }
      i = (i + 1) & mask
    }
  }

  /// Stores `index` for a key with hash `h`, which must not be present yet.
  mutating func insert(_ h: UInt64, _ index: Int) {
    if (count + 1) * 4 > hashes.count * 3 { grow() }
    place(h, Int32(truncatingIfNeeded: index + 1))
    count += 1
  }

  @inline(__always)
  private mutating func place(_ h: UInt64, _ ix: Int32) {
    var i = Int(truncatingIfNeeded: h) & mask
    while indexes[i] != 0 { i = (i + 1) & mask }
    hashes[i] = h
    indexes[i] = ix
  }

  private mutating func grow() {
    let oldHashes = hashes, oldIndexes = indexes
    hashes = [UInt64](repeating: 0, count: oldHashes.count * 2)
    indexes = [Int32](repeating: 0, count: oldHashes.count * 2)
    mask = hashes.count - 1
    for j in 0..<oldHashes.count where oldIndexes[j] != 0 { place(oldHashes[j], oldIndexes[j]) }
  }
}
