import Foundation

/// One operator's part of a checkpoint: its encoded state, or a captured
/// copy of it (copy-on-write arrays) still to be encoded, off the thread
/// that runs the operator (see `Operator.captureState`).
enum SnapshotSection {
  case bytes([UInt8])
  case deferred(() throws -> [UInt8])

  /// Captures `op`'s state for a checkpoint: deferred when it can.
  static func capture(_ op: Operator) throws -> SnapshotSection {
    if let later = try op.captureState() { return .deferred(later) }
    var w = StateWriter()
    try op.snapshotState(&w)
    return .bytes(w.bytes)
  }

  func encoded() throws -> [UInt8] {
    switch self {
    case .bytes(let b): return b
    case .deferred(let f): return try f()
    }
  }
}

/// Encodes and writes checkpoints on a background thread, one at a time,
/// for the serial executor: the job goes on processing while a checkpoint
/// is encoded, checksummed, written and fsynced. The executor commits its
/// sinks when it learns (`finished`) that the checkpoint is durable, and
/// waits for the one in progress before capturing the next, so a sink has
/// prepared at most one checkpoint's output that is not committed yet.
final class AsyncCheckpointWriter: @unchecked Sendable {
  let store: CheckpointStore
  private let lock = NSCondition()
  private var running = false
  /// The outcome of the checkpoint written, until the executor takes it.
  private var outcome: (id: Int, error: Error?)?

  init(store: CheckpointStore) {
    self.store = store
  }

  /// A checkpoint submitted and not yet taken by `finished`/`wait`.
  var pending: Bool {
    lock.lock()
    defer { lock.unlock() }
    return running || outcome != nil
  }

  /// Starts writing checkpoint `id` (the previous one must have been taken).
  func submit(id: Int, sections: [(String, SnapshotSection)], files: [String]) {
    lock.lock()
    running = true
    lock.unlock()
    let store = self.store
    Thread.detachNewThread { [self] in
      var error: Error?
      do {
        let encoded = try sections.map { ($0.0, try $0.1.encoded()) }
        _ = try store.write(id: id, sections: encoded, files: files)
      } catch let e {
        error = e
      }
      lock.lock()
      running = false
      outcome = (id, error)
      lock.broadcast()
      lock.unlock()
    }
  }

  /// The checkpoint that finished since the last call, if any.
  func finished() -> (id: Int, error: Error?)? {
    lock.lock()
    defer { lock.unlock() }
    let o = outcome
    outcome = nil
    return o
  }

  /// Waits for the checkpoint in progress, if any, and returns its outcome.
  func wait() -> (id: Int, error: Error?)? {
    lock.lock()
    defer { lock.unlock() }
    while running { lock.wait() }
    let o = outcome
    outcome = nil
    return o
  }
}
