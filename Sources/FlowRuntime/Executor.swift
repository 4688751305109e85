import Foundation

/// Turns a plan into running operators and runs it on one thread: sources
/// are read in turns, a batch at a time, and each event is pushed through
/// the operators downstream of it.
public final class Executor {
  public let sinks: [PlanNode]
  var operators: [Int: Operator] = [:]
  var order: [PlanNode] = []
  var sources: [(PlanNode, SourceOperator)] = []
  /// Set from a signal handler to stop reading (Ctrl-C).
  public static let cancelFlag = CancelFlag()
  /// Called about every 100 ms with (events read, fraction done if known).
  public var onProgress: ((Int, Double?) -> Void)?
  public var batchSize = 1024
  /// Whether sources hand their batches downstream whole (`emitBatch`);
  /// false sends them event by event (for benchmarks comparing the two).
  nonisolated(unsafe) public static var batchAtATime = true
  /// Checkpointing: where, how often (ms of wall-clock time), and what to
  /// restore from.
  public var checkpoints: CheckpointStore?
  public var checkpointIntervalMillis: Int64 = 10_000
  public var restoreFrom: CheckpointStore.Snapshot?
  /// Where keyed state lives (memory, or RocksDB on disk).
  public var stateBackend = StateBackend.memory
  /// Take a final checkpoint (a savepoint) when stopped by a signal.
  public var savepointOnStop = false
  /// Testing aids: exit abruptly (like kill -9) right after this many
  /// checkpoints have been written, or after this many source events.
  public var crashAfterCheckpoints: Int?
  public var crashAfterEvents: Int?
  /// Messages for the user (warnings), e.g. a source that cannot be replayed.
  public var onWarning: ((String) -> Void)?
  public private(set) var checkpointsTaken = 0
  /// Processing time for every operator (the wall clock unless a test or
  /// `--clock-step` gives a simulated one).
  public var clock = ProcessingClock()
  var nextCheckpointID = 1
  /// Writes checkpoints in the background (made at the first one).
  var writer: AsyncCheckpointWriter?

  public init(sinks: [PlanNode]) {
    self.sinks = sinks
  }

  /// Builds the operator graph. Throws for plan shapes the runtime cannot run.
  public func build() throws {
    var visited = Set<Int>()
    func visit(_ n: PlanNode) {
      guard visited.insert(n.id).inserted else { return }
      for i in n.inputs { visit(i) }
      order.append(n)
    }
    for s in sinks { visit(s) }
    for n in order {
      let op = try makeOperator(n)
      op.bounded = n.isBounded
      op.uid = n.uid
      op.clock = clock
      op.stateBackend = stateBackend
      operators[n.id] = op
      if let src = op as? SourceOperator { sources.append((n, src)) }
    }
    for n in order {
      guard let op = operators[n.id] else { continue }
      if case .timedOut = n.kind {
        if let p = n.inputs.first, let pop = operators[p.id] as? PatternOperator { pop.timedOut = op }
        continue
      }
      if case .lateEvents = n.kind {
        // Late events come from the operator that runs the window: the
        // aggregate reading the window node.
        if let w = n.inputs.first {
          if let pop = operators[w.id] as? PatternOperator { pop.late = op }
          for m in order where m.inputs.first === w {
            if let wop = operators[m.id] as? WindowOperator { wop.late = op }
          }
        }
        continue
      }
      op.inputCount = n.inputs.count
      for (port, input) in n.inputs.enumerated() {
        // A window node runs inside its aggregate; keyBy feeds its consumer.
        guard let src = upstreamOperator(input) else { continue }
        src.connect(to: op, port: port)
      }
    }
  }

  /// The operator that produces the events of `n`: window nodes are not
  /// operators of their own (their aggregate runs the window).
  func upstreamOperator(_ n: PlanNode) -> Operator? {
    if case .window = n.kind, let i = n.inputs.first { return upstreamOperator(i) }
    return operators[n.id]
  }

  func makeOperator(_ n: PlanNode) throws -> Operator {
    try OperatorFactory(exactlyOnce: checkpoints != nil).make(n)
  }

  /// Runs until every source ends (or is cancelled). On an error, what the
  /// sinks received so far is flushed before the error is rethrown.
  public func run() throws {
    // Code without an operator (SQL's PROCTIME()) reads the simulated clock.
    if clock.isSimulated { clock.makeCurrent() }
    defer { if clock.isSimulated { ProcessingClock.clearCurrent() } }
    do {
      try runLoop()
    } catch {
      for n in order where operators[n.id] is SinkOperator { try? operators[n.id]?.onFinish(); try? operators[n.id]?.close() }
      throw error
    }
  }

  private func runLoop() throws {
    for n in order { try operators[n.id]?.open() }
    if let snap = restoreFrom { try restore(snap) }
    var active = sources.map { $0.1 }
    for s in active { try s.start() }
    if checkpoints != nil {
      for s in active where s.reader?.position == nil {
        onWarning?("warning: \(s.spec.description) cannot be replayed: after a restore it continues from where it is (at-least-once)")
      }
    }
    var lastCheckpoint = DispatchTime.now().uptimeNanoseconds
    var total = 0
    var lastReport = DispatchTime.now().uptimeNanoseconds
    while !active.isEmpty {
      if Executor.cancelFlag.isSet {
        for s in active { s.reader?.stop() }
        if savepointOnStop && checkpoints != nil {
          try takeCheckpoint()
          try completeCheckpoint(wait: true)
        }
        break
      }
      var still: [SourceOperator] = []
      for s in active {
        let more = try s.pump(max: crashAfterEvents.map { Swift.max(1, Swift.min(batchSize, $0 - total)) } ?? batchSize)
        total += s.lastBatch
        if let c = crashAfterEvents, total >= c { _exit(137) }
        if more { still.append(s) } else { try s.end() }
      }
      active = still
      if !clock.isSimulated { try clock.poll() }
      if checkpoints != nil { try completeCheckpoint(wait: false) }
      if checkpoints != nil && !active.isEmpty {
        let now = DispatchTime.now().uptimeNanoseconds
        if Int64(now - lastCheckpoint) >= checkpointIntervalMillis * 1_000_000 {
          try takeCheckpoint()
          lastCheckpoint = DispatchTime.now().uptimeNanoseconds
        }
      }
      if let cb = onProgress {
        let now = DispatchTime.now().uptimeNanoseconds
        if now - lastReport > 100_000_000 {
          lastReport = now
          let fractions = sources.compactMap { $0.1.reader?.progress }
          cb(total, fractions.isEmpty ? nil : fractions.reduce(0, +) / Double(fractions.count))
        }
      }
    }
    // The job ended: the rest of the output becomes visible.
    if checkpoints != nil {
      try completeCheckpoint(wait: true)
      for n in order {
        guard let sink = operators[n.id] as? SinkOperator else { continue }
        var w = StateWriter()
        try sink.snapshotState(&w)
        try sink.commit()
      }
    }
    for n in order { try operators[n.id]?.close() }
  }

  /// A consistent snapshot: taken between batches, when every event read so
  /// far has been fully processed, so no event is in flight. The state is
  /// captured here (operators that can, copy-on-write; see
  /// `Operator.captureState`); encoding, checksum, write and fsync run on
  /// the writer's thread while the job goes on (`AsyncCheckpointWriter`).
  func takeCheckpoint() throws {
    guard let store = checkpoints else { return }
    // One checkpoint at a time: the sinks commit the previous one first.
    try completeCheckpoint(wait: true)
    let w = writer ?? AsyncCheckpointWriter(store: store)
    writer = w
    stateBackend.beginCheckpoint(id: nextCheckpointID, root: store.dir)
    var sections: [(String, SnapshotSection)] = []
    for n in order {
      guard let op = operators[n.id] else { continue }
      sections.append((op.uid, try SnapshotSection.capture(op)))
    }
    w.submit(id: nextCheckpointID, sections: sections, files: stateBackend.endCheckpoint())
    nextCheckpointID += 1
  }

  /// Once the checkpoint being written is durable (waiting for it with
  /// `wait`), phase two: the sinks publish its output.
  func completeCheckpoint(wait: Bool) throws {
    guard let w = writer, let done = wait ? w.wait() : w.finished() else { return }
    if let e = done.error { throw e }
    checkpointsTaken += 1
    for n in order { try (operators[n.id] as? SinkOperator)?.commit() }
    if let c = crashAfterCheckpoints, checkpointsTaken >= c { _exit(137) }
  }

  /// Restores every operator; a checkpoint taken by the parallel executor
  /// (at any parallelism) is merged into one subtask (see `Rescale`).
  func restore(_ snap: CheckpointStore.Snapshot) throws {
    nextCheckpointID = snap.id + 1
    stateBackend.restoreRoot = (snap.path as NSString).deletingLastPathComponent
    var used: Set<String> = ["job"]
    for n in order {
      guard let op = operators[n.id] else { continue }
      let found: Bool
      do {
        found = try Rescale.restore(op, uid: n.uid, subtask: 0, parallelism: 1, from: snap, used: &used)
      } catch {
        throw RuntimeError("cannot restore operator '\(op.name)' (uid \(op.uid)) from \(snap.path): \((error as? RuntimeError)?.message ?? "\(error)")", at: op.location, notes: ["help: the operator changed incompatibly; start without --restore"])
      }
      if !found && Executor.needsState(op) {
        throw RuntimeError("the checkpoint has no state for operator '\(op.name)' (uid \(op.uid)); the script changed in a way that cannot be restored", at: op.location, notes: ["help: keep operator ids stable with `|> uid(\"name\")`, or start without --restore"])
      }
    }
    let unused = Set(snap.sections.keys).subtracting(used)
    if !unused.isEmpty {
      onWarning?("warning: the checkpoint has state for operators no longer in the script: \(unused.sorted().joined(separator: ", ")) (ignored)")
    }
  }

  /// Whether a restore must find state for `op`: stateless element-wise
  /// operators may be added to a script between runs.
  static func needsState(_ op: Operator) -> Bool {
    if Rescale.isCombiner(op) { return false }
    return op is SourceOperator || op is SinkOperator || !(op is ForwardOperator || op is MapOperator || op is FilterOperator || op is FlatMapOperator || op is FusedOperator)
  }

  /// Per-operator counts, in plan order, for `--stats`.
  public var stats: [(name: String, location: String, inCount: Int, outCount: Int)] {
    order.compactMap { n in
      guard let op = operators[n.id] else { return nil }
      return (op.name, op.location, op.recordsIn, op.recordsOut)
    }
  }

  public var skippedRows: Int { sources.reduce(0) { $0 + ($1.1.reader?.skippedRows ?? 0) } }
  public var lateEventsDropped: Int { operators.values.compactMap { $0 as? WindowOperator }.reduce(0) { $0 + $1.droppedLate } }
}

/// Reads a source and pushes its events downstream.
public final class SourceOperator: Operator {
  let spec: SourceSpec
  var reader: SourceReader?
  var buffer: [Value] = []
  var lastBatch = 0
  /// Where to start reading (set by a restore).
  var startPosition: Int64 = 0
  /// In a parallel job, which share of a splittable source this subtask reads.
  var split: (subtask: Int, count: Int)?

  init(spec: SourceSpec, location: String) {
    self.spec = spec
    super.init(name: "source \(spec.description)", location: location)
    inputCount = 0
  }

  /// A splittable source's position as the checkpoint had it (one per old
  /// subtask read by `restoreState`), and the one this subtask resumes from.
  var restoredSplits: [SplitState] = []
  var resumeSplit: SplitState?
  /// Restored from a section without a split: the source was checkpointed
  /// while paced (`rate:`, not splittable), and resumes at its own position.
  var restoredWithoutSplit = false

  func start() throws {
    let (s, n) = split ?? (0, 1)
    if spec.splittable && !restoredWithoutSplit {
      // Even read whole, a split reader: its position counts the events it
      // delivered, which is what a re-split needs (a generator's own
      // position may count events it skipped, e.g. nexmarkBids).
      reader = SplitReader(inner: try spec.open(spec.columns, 0), state: resumeSplit ?? SplitState(subtask: s, count: n))
    } else {
      reader = try spec.open(spec.columns, startPosition)
    }
  }

  /// Where reading stands, after the operator's own state: the reader's
  /// position (-1: cannot be replayed) and, for a splittable source, its
  /// split (so that a restore at another parallelism can re-split it).
  /// Snapshots are taken after `start`, restores happen before it.
  override public func snapshotState(_ w: inout StateWriter) throws {
    try super.snapshotState(&w)
    let position = reader?.position
    w.int(position ?? -1)
    if let r = reader as? SplitReader {
      w.bool(true)
      r.current.write(&w)
    } else {
      w.bool(false)
    }
  }

  override public func restoreState(_ r: inout StateReader) throws {
    try super.restoreState(&r)
    startPosition = max(0, try r.int())
    // A paced generator's section (same uid, `rate:` changed) has no split.
    guard !r.atEnd, try r.bool() else {
      restoredWithoutSplit = true
      return
    }
    let state = try SplitState.read(&r)
    restoredSplits.append(state)
    resumeSplit = state
  }

  func pump(max: Int) throws -> Bool {
    guard let r = reader else { return false }
    buffer.removeAll(keepingCapacity: true)
    let more = try r.read(max: max, into: &buffer)
    lastBatch = buffer.count
    if clock.isSimulated {
      // Timers may fire between any two events: one at a time.
      for v in buffer {
        try clock.eventRead()
        try emit(v, ts: Int64.min)
      }
    } else if Executor.batchAtATime {
      try emitBatch(buffer, ts: Int64.min)
    } else {
      for v in buffer { try emit(v, ts: Int64.min) }
    }
    return more
  }

  /// End of input: the final watermark, then `finish` downstream.
  func end() throws {
    try forwardWatermark(Int64.max)
    for (op, port) in outputs { try op.finish(port: port) }
  }
}

/// A flag a signal handler may set.
public final class CancelFlag: @unchecked Sendable {
  private var value: Int32 = 0
  public init() {}
  public var isSet: Bool { value != 0 }
  public func set() { value = 1 }
  public func reset() { value = 0 }
}
