import Foundation

/// The meeting point of the coordinator and the tasks for aligned
/// checkpoint barriers (see `ParallelExecutor`).
///
/// The coordinator triggers checkpoint N; each source task, between two
/// batches, snapshots its operators and sends barrier N down every channel
/// after the events it already sent; a receiving task snapshots once barrier
/// N has come on all of its channels (see `BarrierAligner`) and passes it
/// on. Every task hands its state sections in here; checkpoint N is
/// complete when all of them have. One checkpoint is in progress at a time:
/// a sink has prepared at most one checkpoint's output that is not yet
/// committed, so committing it after checkpoint N completes publishes
/// exactly N's output.
final class CheckpointBarriers: @unchecked Sendable {
  private let lock = NSCondition()
  /// The newest checkpoint triggered (0: none yet).
  private var triggered = 0
  /// Whether the sources stop after the newest barrier (a savepoint on stop).
  private var final = false
  /// Sources that ended their input: no barrier can follow their end, so
  /// no checkpoint is triggered after the first of them.
  private var endedSources = 0
  private let taskCount: Int
  /// Per task, its sections for `triggered` (nil: not acknowledged yet).
  private var acks: [[(String, SnapshotSection)]?]
  private var ackCount = 0

  init(taskCount: Int) {
    self.taskCount = taskCount
    acks = Array(repeating: nil, count: taskCount)
  }

  /// Starts checkpoint `id`; false (nothing triggered) once a source ended.
  func trigger(_ id: Int, final: Bool) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    guard endedSources == 0 else { return false }
    triggered = id
    self.final = final
    acks = Array(repeating: nil, count: taskCount)
    ackCount = 0
    return true
  }

  /// For a source task between batches: the barrier it has yet to send.
  func pending(after last: Int) -> (id: Int, final: Bool)? {
    lock.lock()
    defer { lock.unlock() }
    return triggered > last ? (triggered, final) : nil
  }

  /// A source task read all of its input. Returns a barrier it must send
  /// before its end (triggered while it read its last batch). When that
  /// barrier is a savepoint's, the source stops at it instead of ending.
  func sourceEnding(after last: Int) -> (id: Int, final: Bool)? {
    lock.lock()
    defer { lock.unlock() }
    let p: (id: Int, final: Bool)? = triggered > last ? (triggered, final) : nil
    if p?.final != true { endedSources += 1 }
    return p
  }

  /// A task's state for checkpoint `id`.
  func acknowledge(task: Int, id: Int, sections: [(String, SnapshotSection)]) {
    lock.lock()
    defer { lock.unlock() }
    guard id == triggered, task < acks.count, acks[task] == nil else { return }
    acks[task] = sections
    ackCount += 1
    lock.broadcast()
  }

  /// Every task's sections for checkpoint `id` in task order, once all have
  /// acknowledged; nil while some have not.
  func collect(_ id: Int) -> [(String, SnapshotSection)]? {
    lock.lock()
    defer { lock.unlock() }
    guard id == triggered, ackCount == taskCount else { return nil }
    return acks.flatMap { $0 ?? [] }
  }

  /// Waits up to `millis` for acknowledgements (the coordinator's tick).
  func wait(millis: Int) {
    lock.lock()
    _ = lock.wait(until: Date().addingTimeInterval(Double(millis) / 1000))
    lock.unlock()
  }
}

/// Barrier alignment in a receiving task: a channel that delivered the
/// barrier is blocked (what it sends next is set aside) until every channel
/// has delivered it or ended; then the task snapshots, and the set-aside
/// envelopes are processed before anything newer from the inbox.
struct BarrierAligner {
  /// Per channel: delivered the barrier being aligned.
  private(set) var blocked: [Bool]
  /// The barrier being aligned (0: none).
  private(set) var aligning = 0
  /// Envelopes from blocked channels, in arrival order.
  private var stash: [Envelope] = []
  /// Envelopes to process before taking from the inbox again.
  private var replay: [Envelope] = []
  private var replayAt = 0

  init(channels: Int) {
    blocked = Array(repeating: false, count: channels)
  }

  /// The next set-aside envelope to process, if any.
  mutating func nextReplayed() -> Envelope? {
    guard replayAt < replay.count else {
      if !replay.isEmpty { replay = []; replayAt = 0 }
      return nil
    }
    replayAt += 1
    return replay[replayAt - 1]
  }

  var replaying: Bool { replayAt < replay.count }

  /// Sets `e` aside when its channel is blocked.
  mutating func holds(_ e: Envelope) -> Bool {
    guard blocked[e.channel] else { return false }
    stash.append(e)
    return true
  }

  /// Barrier `id` came on `channel`.
  mutating func barrier(_ id: Int, channel: Int) {
    aligning = id
    blocked[channel] = true
  }

  /// Whether every channel delivered the barrier or ended.
  func aligned(ended: [Bool]) -> Bool {
    aligning != 0 && blocked.indices.allSatisfy { blocked[$0] || ended[$0] }
  }

  /// The task snapshotted: unblock, and process what was set aside first
  /// (per channel, it precedes whatever is still waiting to be replayed).
  mutating func release() {
    aligning = 0
    for i in blocked.indices { blocked[i] = false }
    replay = stash + replay[replayAt...]
    replayAt = 0
    stash = []
  }
}
