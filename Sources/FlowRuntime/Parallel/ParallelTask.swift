import Foundation

/// One subtask of one region: the operators it runs in its own thread, the
/// channels that feed its first operator, and the exchanges its events
/// leave by.
final class ParallelTask {
  let name: String
  let subtask: Int
  /// The region's first operator: a source, or the receiver of every channel.
  let head: Operator
  let inbox: Inbox?
  /// Per input channel: the head's port, its latest watermark, whether it ended.
  var channelPort: [Int] = []
  var channelWatermark: [Int64] = []
  var channelEnded: [Bool] = []
  /// Channel numbers per port of the head.
  var portChannels: [[Int]] = []
  var portWatermark: [Int64] = []
  var exchanges: [ExchangeOperator] = []
  /// Side outputs (late events, timed-out matches) that end with the head.
  var sideOutputs: [Operator] = []
  /// Every operator of the task with its plan node, for checkpoints and stats.
  var operators: [(node: PlanNode, op: Operator)] = []
  /// Wall-clock accounting for `--stats`.
  var idleNanos: UInt64 = 0
  var startNanos: UInt64 = 0
  var endNanos: UInt64 = 0
  /// Set once a source task has read all of its input.
  var sourceDone = false

  init(name: String, subtask: Int, head: Operator, inbox: Inbox?) {
    self.name = name
    self.subtask = subtask
    self.head = head
    self.inbox = inbox
  }

  /// Adds an input channel on `port`; returns its number.
  func addChannel(port: Int) -> Int {
    let c = channelPort.count
    channelPort.append(port)
    channelWatermark.append(.min)
    channelEnded.append(false)
    while portChannels.count <= port {
      portChannels.append([])
      portWatermark.append(.min)
    }
    portChannels[port].append(c)
    return c
  }

  var backpressureNanos: UInt64 { exchanges.reduce(0) { $0 + $1.blockedNanos } }

  func flush() {
    for e in exchanges { e.flush() }
  }

  /// Where checkpoint barriers are triggered and acknowledged (nil: the
  /// job takes no checkpoints); this task's number there.
  var barriers: CheckpointBarriers?
  var index = 0
  /// The newest barrier this task passed on.
  private var lastBarrier = 0
  /// Per checkpoint, for FLOW_DEBUG_CHECKPOINTS: envelopes set aside while aligning.
  var alignedEnvelopes = 0

  /// Snapshots every operator of the task for checkpoint `id`, hands the
  /// state in, and sends the barrier on down every outgoing channel.
  private func checkpoint(_ id: Int) throws {
    // Operators that can capture their state copy-on-write leave the
    // encoding to the coordinator's thread.
    var sections: [(String, SnapshotSection)] = []
    for (_, op) in operators { sections.append((op.uid, try SnapshotSection.capture(op))) }
    lastBarrier = id
    barriers?.acknowledge(task: index, id: id, sections: sections)
    for x in exchanges { x.barrier(id) }
  }

  /// A source task: reads a batch, pushes it through, ships it; sends a
  /// checkpoint barrier between two batches when one was triggered (and
  /// stops after a savepoint's). `sourceCheckpointGate` parks it only for
  /// the drained snapshot that a savepoint falls back to.
  func runSource(_ source: SourceOperator, job: JobControl, batchSize: Int, crashAfterEvents: Int?) throws {
    defer {
      sourceDone = true
      job.poke()
    }
    while !job.aborted {
      job.sourceCheckpointGate()
      if job.aborted { break }
      if let b = barriers?.pending(after: lastBarrier) {
        try checkpoint(b.id)
        if b.final { return }
      }
      let more = try source.pump(max: batchSize)
      job.eventsRead.add(source.lastBatch)
      if let c = crashAfterEvents, job.eventsRead.current >= c { _exit(137) }
      flush()
      if !more {
        if let b = barriers?.sourceEnding(after: lastBarrier) {
          try checkpoint(b.id)
          if b.final { return }
        }
        try source.end()
        try finishSideOutputs()
        flush()
        break
      }
    }
  }

  /// A receiving task: takes envelopes until every channel has ended,
  /// aligning checkpoint barriers across its channels.
  func runReceiver(job: JobControl) throws {
    guard let inbox = inbox else { return }
    var open = channelPort.count
    var align = BarrierAligner(channels: channelPort.count)
    while open > 0 {
      let e: Envelope
      if let r = align.nextReplayed() {
        e = r
      } else {
        guard let t = inbox.take(waited: &idleNanos) else { return }
        e = t
      }
      if align.holds(e) {
        alignedEnvelopes += 1
        continue
      }
      let port = channelPort[e.channel]
      switch e.kind {
      case .events:
        head.recordsIn += e.values.count
        var next = 0
        for i in e.values.indices {
          while next < e.marks.count && e.marks[next].at == i {
            try watermark(e.marks[next].watermark, channel: e.channel, port: port)
            next += 1
          }
          try head.process(e.values[i], ts: e.times[i], port: port)
        }
        while next < e.marks.count {
          try watermark(e.marks[next].watermark, channel: e.channel, port: port)
          next += 1
        }
      case .barrier:
        if e.barrier > lastBarrier { align.barrier(e.barrier, channel: e.channel) }
      case .end:
        channelEnded[e.channel] = true
        open -= 1
        if portChannels[port].allSatisfy({ channelEnded[$0] }) {
          try head.finish(port: port)
          if open == 0 { try finishSideOutputs() }
        }
      }
      // Every channel delivered the barrier (or ended, which it only does
      // after the barriers triggered before): the state now reflects
      // exactly the events before the barrier.
      if align.aligned(ended: channelEnded) {
        try checkpoint(align.aligning)
        align.release()
      }
      if !align.replaying && inbox.isEmpty { flush() }
      job.inFlight.add(-1)
    }
    flush()
  }

  /// A channel's watermark advanced: the head's port moves to the minimum
  /// over that port's channels.
  private func watermark(_ wm: Int64, channel: Int, port: Int) throws {
    guard wm > channelWatermark[channel] else { return }
    channelWatermark[channel] = wm
    let m = portChannels[port].reduce(Int64.max) { min($0, channelWatermark[$1]) }
    if m > portWatermark[port] {
      portWatermark[port] = m
      try head.watermark(m, port: port)
    }
  }

  private func finishSideOutputs() throws {
    for s in sideOutputs { try s.finish(port: 0) }
  }
}
