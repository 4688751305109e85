/// The engines of the keys that have partial matches, by key. `Int` keys
/// (card numbers, user ids: the usual case) live in an open-addressing
/// table hashed with one multiply; hashing a `Value` through `Hasher` cost
/// more than the whole NFA step for an idle key. Other keys use a
/// dictionary. Keys are removed as soon as their last partial match ends,
/// so entries are deleted often: deletion shifts later entries back (no
/// tombstones), which keeps probe sequences short however many keys
/// come and go.
struct NFATable {
  /// A key and its engine side by side, so that a probe touches one cache
  /// line (with 100,000 keys most lookups miss the cache); a nil engine
  /// marks an empty slot.
  struct Slot {
    var key: Int64
    var engine: NFA?
  }
  private var slots: [Slot]
  private var shift: UInt64
  private var intCount = 0
  private var others: [Value: NFA] = [:]

  init() {
    slots = [Slot](repeating: Slot(key: 0, engine: nil), count: 16)
    shift = 64 - 4
  }

  var count: Int { intCount + others.count }

  /// Every key, in no particular order.
  var keys: [Value] {
    var out = Array(others.keys)
    for s in slots where s.engine != nil { out.append(.int(s.key)) }
    return out
  }

  subscript(k: Value) -> NFA? {
    get {
      if case .int(let i) = k { return find(i).flatMap { slots[$0].engine } }
      return others[k]
    }
    set {
      guard case .int(let i) = k else {
        others[k] = newValue
        return
      }
      if let nfa = newValue { insert(i, nfa) } else { remove(i) }
    }
  }

  @inline(__always)
  private func home(_ k: Int64) -> Int {
    Int(truncatingIfNeeded: (UInt64(bitPattern: k) &* 0x9E37_79B9_7F4A_7C15) >> shift)
  }

  /// The slot holding `k`, or nil.
  @inline(__always)
  private func find(_ k: Int64) -> Int? {
    let mask = slots.count - 1
    var i = home(k)
    while slots[i].engine != nil {
      if slots[i].key == k { return i }
      i = (i + 1) & mask
    }
    return nil
  }

  private mutating func insert(_ k: Int64, _ nfa: NFA) {
    if let i = find(k) {
      slots[i].engine = nfa
      return
    }
    if (intCount + 1) * 4 > slots.count * 3 { grow() }
    place(k, nfa)
    intCount += 1
  }

  private mutating func place(_ k: Int64, _ nfa: NFA) {
    let mask = slots.count - 1
    var i = home(k)
    while slots[i].engine != nil { i = (i + 1) & mask }
    slots[i] = Slot(key: k, engine: nfa)
  }

  /// Removes `k`, moving back the entries after it that would otherwise
  /// be unreachable from their home slot.
  private mutating func remove(_ k: Int64) {
    guard var hole = find(k) else { return }
    intCount -= 1
    let mask = slots.count - 1
    var j = hole
    while true {
      j = (j + 1) & mask
      guard slots[j].engine != nil else { break }
      let h = home(slots[j].key)
      // The entry at j stays if its home lies cyclically in (hole, j].
      let stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j)
      if stays { continue }
      slots[hole] = slots[j]
      hole = j
    }
    slots[hole].engine = nil
  }

  private mutating func grow() {
    let old = slots
    slots = [Slot](repeating: Slot(key: 0, engine: nil), count: old.count * 2)
    shift -= 1
    for s in old { if let e = s.engine { place(s.key, e) } }
  }
}
