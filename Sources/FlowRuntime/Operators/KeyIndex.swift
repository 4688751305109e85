import Foundation

/// Maps keys to dense indexes (first-seen order), with fast paths for
/// integer and string keys, the most common kinds. Per-key state then lives
/// in arrays. A small non-negative integer key lives in `dense` or in
/// `ints` (whichever took it when it was new), never in both.
struct KeyIndex {
  private var dense = DenseIntKeys()
  private var ints = IntKeyTable()
  private var strings = StringKeyTable()
  private var others: [Value: Int] = [:]
  private(set) var keys: [Value] = []

  /// The index of `k`, and whether it was just added.
  @inline(__always)
  mutating func index(of k: Value) -> (Int, Bool) {
    switch k {
    case .int(let i):
      let d = dense.get(i)
      if d != 0 { return (Int(d) - 1, false) }
      if ints.count > 0, let s = ints.get(i) { return (s, false) }
      if dense.admit(i, keyCount: keys.count) {
        dense.set(i, keys.count)
      } else {
        ints.insert(i, keys.count)
      }
    case .string(let s):
      return index(ofString: s, k)
    default:
      if let s = others[k] { return (s, false) }
      others[k] = keys.count
    }
    keys.append(k)
    return (keys.count - 1, true)
  }

  /// String keys: equal strings (canonically equivalent, as `String ==`
  /// decides) must hash alike, so text that is not ASCII is hashed in its
  /// NFC form (ASCII text is already in it; a few non-ASCII characters,
  /// such as the Kelvin sign, are equivalent to ASCII ones).
  private mutating func index(ofString s: String, _ k: Value) -> (Int, Bool) {
    var (h, ascii) = StringKeyTable.hash(s)
    if !ascii { h = StringKeyTable.hash(s.precomposedStringWithCanonicalMapping).0 }
    let found = keys.withUnsafeBufferPointer { ks in
      strings.get(h) { i in
        if case .string(let t) = ks[i] { return t == s }
        return false
      }
    }
    if let i = found { return (i, false) }
    strings.insert(h, keys.count)
    keys.append(k)
    return (keys.count - 1, true)
  }

  var count: Int { keys.count }
}
