/// Restoring a checkpoint at any parallelism (rescaling).
///
/// A checkpoint holds one section per operator and subtask: `uid` when the
/// operator ran as one subtask, `uid#0` ... `uid#(P-1)` when it ran as P.
/// When the operator now runs as the same number of subtasks, subtask s
/// reads section s as it was. Otherwise subtask s of Q reads every old
/// section with a key filter: it keeps the keys whose key group
/// (`KeyGroups`, the assignment the hash exchange uses) it owns at
/// parallelism Q, and operators merge what they read (keyed state is
/// disjoint across old subtasks; watermarks take the minimum). Splittable
/// sources re-split their unread input (`SplitState.resplit`). A keyed
/// aggregate also takes in the state of the combiners that fed it (which
/// start empty after a restore), so a checkpoint taken with combiners
/// restores into a job without them and back.
enum Rescale {
  /// The old sections of the operator with plan uid `uid`, by subtask.
  static func sections(of uid: String, in snap: CheckpointStore.Snapshot) -> [String] {
    if snap.sections[uid] != nil { return [uid] }
    var out: [String] = []
    while snap.sections["\(uid)#\(out.count)"] != nil { out.append("\(uid)#\(out.count)") }
    return out
  }

  /// The old combiners' sections of the keyed aggregate `uid`.
  static func combinerSections(of uid: String, in snap: CheckpointStore.Snapshot) -> [String] {
    var out: [String] = []
    while snap.sections["\(uid)#combiner#\(out.count)"] != nil { out.append("\(uid)#combiner#\(out.count)") }
    return out
  }

  static func isCombiner(_ op: Operator) -> Bool {
    (op as? KeyedAggregateOperator)?.role == .combine || (op as? WindowOperator)?.role == .combine
  }

  /// Restores `op`, subtask `subtask` of `parallelism` of the plan node
  /// with uid `uid`. Returns false when the checkpoint has no state for it;
  /// adds the sections it read to `used`.
  static func restore(_ op: Operator, uid: String, subtask: Int, parallelism: Int, from snap: CheckpointStore.Snapshot, used: inout Set<String>) throws -> Bool {
    // A combiner's partial state went to its aggregate (below).
    if isCombiner(op) { return true }
    let names = sections(of: uid, in: snap)
    let extra = op is KeyedAggregateOperator || op is WindowOperator ? combinerSections(of: uid, in: snap) : []
    used.formUnion(names)
    used.formUnion(extra)
    if names.isEmpty && extra.isEmpty { return false }
    let owns: (Value) -> Bool = { KeyGroups.subtask(for: $0, parallelism: parallelism) == subtask }
    func read(_ name: String, filtered: Bool) throws {
      guard let bytes = snap.sections[name] else { return }
      var r = StateReader(bytes)
      if filtered {
        r.keyFilter = owns
        r.primary = subtask == 0
      }
      try op.restoreState(&r)
    }
    if names.count == parallelism {
      try read(names[subtask], filtered: false)
    } else {
      for name in names { try read(name, filtered: true) }
      if let src = op as? SourceOperator, src.spec.splittable {
        if src.restoredWithoutSplit {
          throw RuntimeError("source '\(src.spec.description)' was checkpointed while paced by `rate:`, so its position cannot be split over \(parallelism) subtasks", at: op.location, notes: ["help: restore it with --parallelism 1"])
        }
        src.resumeSplit = SplitState.resplit(src.restoredSplits, subtask: subtask, count: parallelism)
      } else if let src = op as? SourceOperator, names.count > 1 {
        // Not splittable, yet read by several subtasks: nothing to re-split.
        throw RuntimeError("source '\(src.spec.description)' was read by \(names.count) subtasks and cannot be re-split", at: op.location)
      }
    }
    for name in extra { try read(name, filtered: true) }
    return true
  }
}
