import Foundation

/// How an edge between two parallel operators routes events.
enum Partitioner {
  /// Subtask i sends to subtask i (the same parallelism on both sides).
  case forward
  /// Each event to the subtask that owns its key's key group.
  case hash(FunctionValue)
  /// Every event to every subtask (broadcast state).
  case broadcast
  /// Events spread round-robin (a change of parallelism, or many to one).
  case rebalance
}

/// One receiving end of an exchange: a task's inbox and the channel number
/// the receiver knows this sender by.
struct ChannelTarget {
  let inbox: Inbox
  let channel: Int
}

/// The last operator of a task on an edge that leaves it: buffers events per
/// receiving subtask and ships them in batches. Watermarks, checkpoint
/// barriers and the end of input go to every receiver, after the events buffered before them, so
/// each channel stays in order.
final class ExchangeOperator: Operator {
  let partitioner: Partitioner
  /// Receivers in subtask order (for `.forward`, just the one).
  let targets: [ChannelTarget]
  let batch: Int
  private var values: [[Value]]
  private var times: [[Int64]]
  private var marks: [[(at: Int, watermark: Int64)]]
  private var next = 0
  /// Nanoseconds spent blocked on full inboxes (backpressure).
  var blockedNanos: UInt64 = 0

  init(partitioner: Partitioner, targets: [ChannelTarget], batch: Int, location: String) {
    self.partitioner = partitioner
    self.targets = targets
    self.batch = batch
    values = Array(repeating: [], count: targets.count)
    times = Array(repeating: [], count: targets.count)
    marks = Array(repeating: [], count: targets.count)
    super.init(name: "exchange", location: location)
  }

  override func process(_ v: Value, ts: Int64, port: Int) throws {
    switch partitioner {
    case .forward: append(0, v, ts)
    case .hash(let key):
      append(KeyGroups.subtask(for: try key.apply1(v), parallelism: targets.count), v, ts)
    case .broadcast:
      for i in targets.indices { append(i, v, ts) }
    case .rebalance:
      append(next, v, ts)
      next = next + 1 == targets.count ? 0 : next + 1
    }
  }

  @inline(__always) private func append(_ i: Int, _ v: Value, _ ts: Int64) {
    values[i].append(v)
    times[i].append(ts)
    if values[i].count >= batch { ship(i) }
  }

  private func ship(_ i: Int) {
    guard !values[i].isEmpty || !marks[i].isEmpty else { return }
    let t = targets[i]
    blockedNanos += t.inbox.put(Envelope(channel: t.channel, kind: .events, values: values[i], times: times[i], marks: marks[i]))
    marks[i] = []
    values[i] = []
    values[i].reserveCapacity(batch)
    times[i] = []
    times[i].reserveCapacity(batch)
  }

  /// Sends whatever is buffered (end of a source batch, or the task ran out
  /// of input: keeps latency low and lets a checkpoint find nothing in flight).
  func flush() {
    for i in targets.indices { ship(i) }
  }

  /// The watermark joins every receiver's batch at its place in the stream
  /// (a newer one replaces one with no event after it).
  override func onWatermark(_ wm: Int64) throws {
    for i in targets.indices {
      let at = values[i].count
      if let last = marks[i].last, last.at == at {
        marks[i][marks[i].count - 1].watermark = wm
      } else {
        marks[i].append((at, wm))
      }
    }
  }

  /// Checkpoint barrier `id` goes to every receiver after the events and
  /// watermarks buffered before it.
  func barrier(_ id: Int) {
    for i in targets.indices {
      ship(i)
      let t = targets[i]
      blockedNanos += t.inbox.put(Envelope(channel: t.channel, kind: .barrier, barrier: id))
    }
  }

  override func onFinish() throws {
    flush()
    for t in targets { blockedNanos += t.inbox.put(Envelope(channel: t.channel, kind: .end)) }
  }
}
