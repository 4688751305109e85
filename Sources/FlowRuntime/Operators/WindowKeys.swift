/// The life cycle of a window operator's key ids.
///
/// A key gets a small integer id when first seen; its state (panes, slices,
/// sessions, pending firings) is indexed by it. With an unbounded key space
/// (a session id, an auction id that never comes back) keeping every id
/// forever would grow memory without bound, so ids of keys whose state is
/// all gone are freed and reused.
///
/// Freeing is done in bulk: cleanup notes keys that may have lost their
/// last state (`idleCandidates`), and once they are at least
/// `freeThreshold` and half the live keys, one pass marks the ids
/// still referenced by any state and frees the others. The pass costs time
/// in proportion to the candidates, so it is amortized over them, and
/// memory stays within a constant factor of the keys with state.
///
/// Results of one window end come in the order their keys were first seen;
/// a freed key that comes back counts as new. Jobs with fewer than
/// `freeThreshold` keys never free one, so their order is unaffected.
extension WindowOperator {
  static let freeThreshold = 4096

  /// Sorts key ids (with repeats) into first-seen order.
  @inline(__always)
  func sortByFirstSeen(_ keys: inout [Int]) {
    if reusedIDs {
      let order = keyOrder
      keys.sort { order[$0] < order[$1] }
    } else {
      keys.sort()
    }
  }

  /// Frees the candidates that hold no state, if there are enough of them.
  func freeIdleKeys() {
    let live = keyList.count - freeIDs.count
    // Candidates are at most the live keys, and at least half of them once
    // the keys that still hold state are fewer than the idle ones.
    guard idleCandidates.count >= Swift.max(Self.freeThreshold, (live + 1) / 2) else { return }
    var held = [Bool](repeating: false, count: keyList.count)
    for pk in panes.keys { held[pk.key] = true }
    for ids in pending.values { for k in ids { held[k] = true } }
    for k in sessions.keys { held[k] = true }
    for (k, ks) in slices.enumerated() where !(ks?.isEmpty ?? true) { held[k] = true }
    for k in freeIDs { held[k] = true }
    for k in idleCandidates where !held[k] {
      held[k] = true  // a repeat is not freed twice
      free(k)
    }
    idleCandidates = []
  }

  private func free(_ k: Int) {
    let key = keyList[k]
    if case .int(let n) = key {
      if intKeys.get(n) == k { intKeys.remove(n) }
    } else if keySeq[key] == k {
      keySeq.removeValue(forKey: key)
    }
    if lastIntID == k { lastIntID = -1 }
    keyList[k] = .null
    if k < slices.count { slices[k] = nil }
    if k < recentPane.count { recentPane[k] = nil }
    freeIDs.append(k)
  }
}
