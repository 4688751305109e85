/// Asynchronous checkpoints of `KeyedAggregateOperator` (see
/// `Operator.captureState`): the keys, counts and reduced values are arrays
/// of value types, so capturing them is taking a reference (copy-on-write:
/// the operator copies an array only when it next changes it), and the
/// encoding runs later on the checkpoint writer's thread. Accumulator
/// objects are mutable references and RocksDB state is snapshotted by
/// RocksDB: those stay synchronous.
extension KeyedAggregateOperator {
  func captureCopyOnWrite() throws -> (() throws -> [UInt8])? {
    guard disk == nil else { return nil }
    let reducing: Bool
    switch output {
    case .reduced: reducing = true
    case .record: reducing = false
    }
    guard countOnly || reducing else { return nil }
    var head = StateWriter()
    try super.snapshotState(&head)
    let keys = index.keys, counts = self.counts, reduced = self.reduced
    let countOnly = self.countOnly
    // The same bytes as `snapshotState`.
    return {
      var w = head
      w.int(keys.count)
      for i in 0..<keys.count {
        try w.value(keys[i])
        if countOnly { w.int(counts[i]) } else { try w.value(reduced[i]) }
      }
      return w.bytes
    }
  }
}
