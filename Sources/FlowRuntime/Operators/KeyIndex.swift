/// Maps keys to dense indexes (first-seen order), with a fast path for
/// integer keys, the most common kind. Per-key state then lives in arrays.
struct KeyIndex {
  private var ints = IntKeyTable()
  private var others: [Value: Int] = [:]
  private(set) var keys: [Value] = []

  /// The index of `k`, and whether it was just added.
  @inline(__always)
  mutating func index(of k: Value) -> (Int, Bool) {
    if case .int(let i) = k {
      if let s = ints.get(i) { return (s, false) }
      ints.insert(i, keys.count)
    } else {
      if let s = others[k] { return (s, false) }
      others[k] = keys.count
    }
    keys.append(k)
    return (keys.count - 1, true)
  }

  var count: Int { keys.count }
}
