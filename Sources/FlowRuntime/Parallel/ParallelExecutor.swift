import Foundation

/// Runs a plan on several threads: each region of the plan (see
/// `ParallelLayout`) runs as one task per subtask, tasks exchange events
/// through bounded inboxes, and the calling thread coordinates: progress,
/// checkpoints and the end of the job.
///
/// Checkpoints use aligned barriers (see `CheckpointBarriers`): the
/// sources mark a cut in their output between two batches and keep
/// reading; each task snapshots when the mark has come on all of its
/// channels, so every snapshot reflects exactly the events read before the
/// cut, while later events are already in flight. The coordinator writes
/// the checkpoint (encode, checksum, fsync) and commits the sinks when
/// every task has acknowledged, while the tasks run on.
public final class ParallelExecutor {
  public let sinks: [PlanNode]
  public let parallelism: Int
  public var batchSize = 1024
  /// Events per channel batch, and envelopes an inbox holds per channel.
  public var channelBatch = 512
  public var inboxSlotsPerChannel = 4
  /// Run the combiners the optimizer placed in the plan (`PlanNode.combiner`,
  /// the combiners rule); off: none, e.g. for the RocksDB state backend.
  public var combiners = true
  public var checkpoints: CheckpointStore?
  public var checkpointIntervalMillis: Int64 = 10_000
  public var restoreFrom: CheckpointStore.Snapshot?
  /// Where keyed state lives (memory, or RocksDB on disk).
  public var stateBackend = StateBackend.memory
  public var savepointOnStop = false
  public var crashAfterCheckpoints: Int?
  public var crashAfterEvents: Int?
  public var onWarning: ((String) -> Void)?
  public var onProgress: ((Int, Double?) -> Void)?
  public private(set) var checkpointsTaken = 0
  var nextCheckpointID = 1

  var order: [PlanNode] = []
  var layout = ParallelLayout(order: [], defaultParallelism: 1)
  /// Operators per plan node, one per subtask.
  var instances: [Int: [Operator]] = [:]
  var tasks: [ParallelTask] = []
  let job = JobControl()
  var barriers: CheckpointBarriers?
  let debugCheckpoints = ProcessInfo.processInfo.environment["FLOW_DEBUG_CHECKPOINTS"] != nil

  /// Makes another copy of the plan (lowered and optimized again). Each
  /// task runs operators from its own copy: compiled code keeps per-call
  /// caches (reused frames, field slots, lazily evaluated globals) that are
  /// not safe to share between threads, and a copy per thread needs no locks.
  let replan: () throws -> [PlanNode]

  public init(sinks: [PlanNode], parallelism: Int, replan: @escaping () throws -> [PlanNode]) {
    self.sinks = sinks
    self.parallelism = max(1, parallelism)
    self.replan = replan
    order = ParallelExecutor.topological(sinks)
    layout = ParallelLayout(order: order, defaultParallelism: self.parallelism)
  }

  /// The nodes above `sinks`, inputs before the nodes that read them.
  static func topological(_ sinks: [PlanNode]) -> [PlanNode] {
    var order: [PlanNode] = []
    var visited = Set<Int>()
    func visit(_ n: PlanNode) {
      guard visited.insert(n.id).inserted else { return }
      for i in n.inputs { visit(i) }
      order.append(n)
    }
    for s in sinks { visit(s) }
    return order
  }

  /// How many threads the plan would use at this parallelism (1: running it
  /// in parallel gains nothing, e.g. a single unsplittable source feeding
  /// element-wise operators).
  public var taskCount: Int { layout.taskCount }

  /// Why this plan runs on one thread whatever the parallelism (nil: it
  /// can run in parallel).
  public var serialReason: String? { ParallelLayout.needsOneThread(order) }

  public func build() throws {
    let factory = OperatorFactory(exactlyOnce: checkpoints != nil)
    // One plan copy per task: task k of the job runs nodes of copy k.
    var heads: [(node: PlanNode, subtask: Int)] = []
    for n in order where layout.region[n.id] == n.id {
      for s in 0..<(layout.parallelism[n.id] ?? 1) { heads.append((n, s)) }
    }
    var copies: [[Int: PlanNode]] = [Dictionary(order.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })]
    while copies.count < heads.count {
      let other = ParallelExecutor.topological(try replan())
      guard other.count == order.count, zip(other, order).allSatisfy({ $0.id == $1.id && $0.name == $1.name }) else {
        throw RuntimeError("internal: the plan did not lower the same way twice; run with --parallelism 1")
      }
      copies.append(Dictionary(other.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }))
    }
    var copyOf: [Int: [Int]] = [:]  // head id -> copy index per subtask
    for (k, h) in heads.enumerated() { copyOf[h.node.id, default: []].append(k) }
    /// The node `n` as seen by subtask `s` (in the copy of its task).
    func view(_ n: PlanNode, _ s: Int) -> PlanNode {
      guard let head = layout.region[n.id], let ks = copyOf[head], s < ks.count else { return n }
      return copies[ks[s]][n.id] ?? n
    }

    // Operators: one per node and subtask (windows run inside their aggregate).
    for n in order {
      if case .window = n.kind { continue }
      let par = layout.parallelism[n.id] ?? 1
      var ops: [Operator] = []
      for s in 0..<par {
        let op = try factory.make(view(n, s))
        op.bounded = n.isBounded
        op.uid = par == 1 ? n.uid : "\(n.uid)#\(s)"
        op.inputCount = max(1, n.inputs.count)
        op.stateBackend = stateBackend
        if let src = op as? SourceOperator { src.split = (s, par) }
        ops.append(op)
      }
      instances[n.id] = ops
    }

    // Tasks: one per region head and subtask.
    var taskOf: [Int: [ParallelTask]] = [:]
    for n in order where layout.region[n.id] == n.id {
      guard let ops = instances[n.id] else { continue }
      let channels = n.inputs.reduce(0) { $0 + (layout.parallelism[(layout.producer[$1.id] ?? $1).id] ?? 1) }
      taskOf[n.id] = ops.enumerated().map { s, op in
        let inbox = op is SourceOperator ? nil : Inbox(capacity: max(4, channels * inboxSlotsPerChannel), job: job)
        return ParallelTask(name: ops.count == 1 ? op.name : "\(op.name) [\(s + 1)/\(ops.count)]", subtask: s, head: op, inbox: inbox)
      }
    }
    for n in order {
      guard let ops = instances[n.id], let head = layout.region[n.id], let ts = taskOf[head] else { continue }
      for (s, op) in ops.enumerated() where s < ts.count { ts[s].operators.append((n, op)) }
    }

    // Edges: direct calls inside a region, exchanges between regions.
    for n in order {
      guard let consumers = instances[n.id] else { continue }
      switch n.kind {
      case .lateEvents:
        if let m = ParallelLayout.windowOperator(of: n, in: order), let wops = instances[m.id], let ts = taskOf[layout.region[m.id] ?? m.id] {
          for (s, w) in wops.enumerated() where s < consumers.count {
            (w as? WindowOperator)?.late = consumers[s]
            (w as? PatternOperator)?.late = consumers[s]
            ts[s].sideOutputs.append(consumers[s])
          }
        }
        continue
      case .timedOut:
        if let p = n.inputs.first, let pops = instances[p.id], let ts = taskOf[layout.region[p.id] ?? p.id] {
          for (s, pop) in pops.enumerated() where s < consumers.count {
            (pop as? PatternOperator)?.timedOut = consumers[s]
            ts[s].sideOutputs.append(consumers[s])
          }
        }
        continue
      default: break
      }
      for (port, input) in n.inputs.enumerated() {
        let src = layout.producer[input.id] ?? input
        guard let producers = instances[src.id] else { continue }
        if layout.region[n.id] != n.id {
          // Same region: subtask s calls subtask s directly.
          for (s, p) in producers.enumerated() where s < consumers.count { p.connect(to: consumers[s], port: port) }
          continue
        }
        guard let receivers = taskOf[n.id], let senders = taskOf[layout.region[src.id] ?? src.id] else {
          throw RuntimeError("internal: no task for '\(n.name)'", at: n.location)
        }
        let combine = combiners && n.combiner
        if combine {
          for c in consumers {
            (c as? KeyedAggregateOperator)?.role = .mergePartials
            (c as? WindowOperator)?.role = .mergePartials
          }
        }
        for (s, p) in producers.enumerated() {
          // The key function runs in the sender's thread: take its copy.
          var partitioner = layout.partitioner(into: n, port: port, view: { view($0, s) })
          var p = p
          if combine, let c = try makeCombiner(view(n, s), subtask: s) {
            p.connect(to: c, port: 0)
            senders[s].operators.append((ParallelExecutor.combinerNode(n), c))
            p = c
            partitioner = .hash(FunctionValue(unary: { v in
              if case .opaque(let o) = v, let part = o as? PartialAggregate { return part.key }
              return .null
            }))
          }
          var targets: [ChannelTarget] = []
          if case .forward = partitioner {
            let r = receivers[s % receivers.count]
            guard let inbox = r.inbox else { throw RuntimeError("internal: '\(n.name)' has no inbox", at: n.location) }
            targets = [ChannelTarget(inbox: inbox, channel: r.addChannel(port: port))]
          } else {
            for r in receivers {
              guard let inbox = r.inbox else { throw RuntimeError("internal: '\(n.name)' has no inbox", at: n.location) }
              targets.append(ChannelTarget(inbox: inbox, channel: r.addChannel(port: port)))
            }
          }
          let x = ExchangeOperator(partitioner: partitioner, targets: targets, batch: channelBatch, location: n.location)
          p.connect(to: x, port: 0)
          senders[s].exchanges.append(x)
        }
      }
    }
    tasks = order.flatMap { taskOf[$0.id] ?? [] }
    if checkpoints != nil {
      let b = CheckpointBarriers(taskCount: tasks.count)
      for (i, t) in tasks.enumerated() {
        t.index = i
        t.barriers = b
      }
      barriers = b
    }
    for t in tasks where t.inbox == nil && !(t.head is SourceOperator) {
      throw RuntimeError("internal: task '\(t.name)' has no input", at: t.head.location)
    }
  }

  var allOperators: [(node: PlanNode, op: Operator)] { tasks.flatMap { $0.operators } }

  /// The combiner for subtask `s`: the same aggregate, emitting partials.
  func makeCombiner(_ n: PlanNode, subtask s: Int) throws -> Operator? {
    guard let input = n.inputs.first, let key = OperatorFactory.keyFunction(input) else { return nil }
    let output: AggregateOutput
    switch n.kind {
    case .aggregate(let fields, let shape): output = .record(shape, fields.map { $0.1 })
    case .reduce(let f): output = .reduced(f)
    default: return nil
    }
    if case .window(let spec, let trigger, let lateness) = input.kind {
      let w = WindowOperator(key: key, spec: spec, trigger: trigger, lateness: lateness, output: output, name: "window \(spec) -> \(n.name) (combiner)", location: n.location)
      w.role = .combine
      w.bounded = n.isBounded
      w.uid = "\(n.uid)#combiner#\(s)"
      return w
    }
    let c = KeyedAggregateOperator(key: key, output: output, name: "\(n.name) (combiner)", location: n.location)
    c.role = .combine
    c.bounded = true
    c.uid = "\(n.uid)#combiner#\(s)"
    return c
  }

  /// A stand-in plan node for a combiner's row in `--stats`.
  static func combinerNode(_ n: PlanNode) -> PlanNode {
    PlanNode(id: -n.id - 1, kind: n.kind, inputs: [], location: n.location, name: n.name + " (combiner)", schema: n.schema, uid: n.uid + "#combiner")
  }
  var sourceTasks: [ParallelTask] { tasks.filter { $0.head is SourceOperator } }

  /// Runs until every source ends, or Ctrl-C. On an error, what the sinks
  /// received so far is flushed before the error is rethrown.
  public func run() throws {
    do {
      try runJob()
    } catch {
      job.abort(error)
      for (_, op) in allOperators where op is SinkOperator { try? op.onFinish(); try? op.close() }
      throw error
    }
  }

  private func runJob() throws {
    if ProcessInfo.processInfo.environment["FLOW_DEBUG_TASKS"] != nil { FileHandle.standardError.write(Data((taskDescription + "\n").utf8)) }
    for (_, op) in allOperators { try op.open() }
    for t in tasks { for x in t.exchanges { try x.open() } }
    if let snap = restoreFrom { try restore(snap) }
    for t in sourceTasks { try (t.head as? SourceOperator)?.start() }
    if checkpoints != nil {
      for t in sourceTasks where (t.head as? SourceOperator)?.reader?.position == nil {
        onWarning?("warning: \((t.head as? SourceOperator)?.spec.description ?? "a source") cannot be replayed: after a restore it continues from where it is (at-least-once)")
      }
    }
    let started = DispatchTime.now().uptimeNanoseconds
    let done = DispatchGroup()
    for t in tasks {
      done.enter()
      t.startNanos = started
      let thread = Thread { [job, batchSize, crashAfterEvents] in
        defer {
          t.endNanos = DispatchTime.now().uptimeNanoseconds
          done.leave()
          job.poke()
        }
        do {
          if let src = t.head as? SourceOperator {
            try t.runSource(src, job: job, batchSize: batchSize, crashAfterEvents: crashAfterEvents)
          } else {
            try t.runReceiver(job: job)
          }
        } catch {
          job.abort(error)
          for x in self.tasks { x.inbox?.wakeAll() }
        }
      }
      thread.stackSize = 8 << 20
      thread.name = t.name
      thread.start()
    }
    try coordinate(until: done)
    if let e = job.error { throw e }
    // The job ended: the rest of the output becomes visible.
    if checkpoints != nil {
      for (_, op) in allOperators {
        guard let sink = op as? SinkOperator else { continue }
        var w = StateWriter()
        try sink.snapshotState(&w)
        try sink.commit()
      }
    }
    for (_, op) in allOperators { try op.close() }
  }

  /// A checkpoint whose barriers are on their way.
  private struct InProgress {
    let id: Int
    let final: Bool
    let started: UInt64
    /// Envelopes in flight and events read when it was triggered (for
    /// FLOW_DEBUG_CHECKPOINTS: proof that nothing was drained or paused).
    let inFlight: Int
    let eventsRead: Int
  }

  /// The coordinator's loop: progress reports, checkpoints, Ctrl-C.
  private func coordinate(until done: DispatchGroup) throws {
    var lastCheckpoint = DispatchTime.now().uptimeNanoseconds
    var lastReport = lastCheckpoint
    let tick = checkpoints != nil && checkpointIntervalMillis < 20 ? 1 : 20
    var current: InProgress?
    var stopping = false
    while done.wait(timeout: .now() + .milliseconds(current == nil ? tick : 0)) == .timedOut {
      if job.aborted { break }
      if let c = current {
        // Acknowledgements wake us early.
        barriers?.wait(millis: tick)
        if let sections = barriers?.collect(c.id) {
          try complete(c, sections: sections)
          current = nil
          lastCheckpoint = DispatchTime.now().uptimeNanoseconds
          if c.final {
            job.abort(nil)
            for t in tasks { t.inbox?.wakeAll() }
            break
          }
        }
        // Ctrl-C waits for the checkpoint in progress: draining now would
        // wait for envelopes held back by tasks aligning its barrier.
        continue
      }
      if Executor.cancelFlag.isSet && !stopping {
        stopping = true
        if savepointOnStop, checkpoints != nil, let c = triggerCheckpoint(final: true) {
          // The sources stop at the savepoint's barrier (a following
          // reader waiting for input is woken by `stop`).
          current = c
          for t in sourceTasks { (t.head as? SourceOperator)?.reader?.stop() }
          continue
        }
        // No savepoint, or a source already ended (no barrier can follow
        // its end): park what still runs, let in-flight data reach the
        // sinks, and snapshot the drained job.
        for t in sourceTasks { (t.head as? SourceOperator)?.reader?.stop() }
        if drain() {
          if savepointOnStop && checkpoints != nil { try takeDrainedCheckpoint() }
        }
        job.abort(nil)
        for t in tasks { t.inbox?.wakeAll() }
        break
      }
      let now = DispatchTime.now().uptimeNanoseconds
      if checkpoints != nil, Int64(now - lastCheckpoint) >= checkpointIntervalMillis * 1_000_000 {
        current = triggerCheckpoint(final: false)
        if current == nil { lastCheckpoint = now }
      }
      if let cb = onProgress, now - lastReport > 100_000_000 {
        lastReport = now
        let fractions = sourceTasks.compactMap { ($0.head as? SourceOperator)?.reader?.progress }
        cb(job.eventsRead.current, fractions.isEmpty ? nil : fractions.reduce(0, +) / Double(fractions.count))
      }
    }
    done.wait()
    // The job ended with a checkpoint under way: every task acknowledged it
    // before ending (a source sends a pending barrier before its end), so
    // it completes; if the job failed, its RocksDB files are not listed.
    if let c = current, !job.aborted, let sections = barriers?.collect(c.id) {
      try complete(c, sections: sections)
    } else if current != nil {
      _ = stateBackend.endCheckpoint()
    }
  }

  /// Sends barriers for the next checkpoint from every source; nil when a
  /// source has ended (its end went downstream, and a restore would replay
  /// it: checkpoints stop there).
  private func triggerCheckpoint(final: Bool) -> InProgress? {
    guard let b = barriers, let store = checkpoints else { return nil }
    stateBackend.beginCheckpoint(id: nextCheckpointID, root: store.dir)
    let inFlight = job.inFlight.current, read = job.eventsRead.current
    guard b.trigger(nextCheckpointID, final: final) else {
      _ = stateBackend.endCheckpoint()
      return nil
    }
    return InProgress(id: nextCheckpointID, final: final, started: DispatchTime.now().uptimeNanoseconds, inFlight: inFlight, eventsRead: read)
  }

  /// Every task acknowledged: write the checkpoint, then let the sinks
  /// publish what they prepared for it.
  private func complete(_ c: InProgress, sections: [(String, SnapshotSection)]) throws {
    guard let store = checkpoints else { return }
    let encoded = try sections.map { ($0.0, try $0.1.encoded()) }
    _ = try store.write(id: c.id, sections: [("job", parallelismSection())] + encoded, files: stateBackend.endCheckpoint())
    nextCheckpointID = c.id + 1
    checkpointsTaken += 1
    // The sink tasks prepared this checkpoint's output at its barrier and
    // prepare the next only at the next barrier, which is triggered after
    // this returns: committing here publishes exactly this checkpoint's.
    for (_, op) in allOperators { try (op as? SinkOperator)?.commit() }
    if debugCheckpoints {
      let ms = Double(DispatchTime.now().uptimeNanoseconds - c.started) / 1e6
      let set = tasks.reduce(0) { $0 + $1.alignedEnvelopes }
      FileHandle.standardError.write(Data("checkpoint \(c.id): \(String(format: "%.1f", ms)) ms, \(c.inFlight) envelopes in flight at the trigger, \(job.eventsRead.current - c.eventsRead) events read meanwhile, \(set) envelopes set aside while aligning so far\n".utf8))
    }
    if let k = crashAfterCheckpoints, checkpointsTaken >= k { _exit(137) }
  }

  /// Parks the sources and waits until nothing is in flight. False when
  /// the job failed meanwhile.
  private func drain() -> Bool {
    guard job.pauseSources(running: { sourceTasks.filter { !$0.sourceDone }.count }) else { return false }
    while job.inFlight.current > 0 {
      if job.aborted { return false }
      usleep(200)
    }
    return !job.aborted
  }

  /// Writes every operator's state from this thread, all tasks parked or
  /// idle: only for a savepoint on stop after a source ended.
  func takeDrainedCheckpoint() throws {
    guard let store = checkpoints else { return }
    stateBackend.beginCheckpoint(id: nextCheckpointID, root: store.dir)
    var sections: [(String, [UInt8])] = [("job", parallelismSection())]
    for (_, op) in allOperators {
      var w = StateWriter()
      try op.snapshotState(&w)
      sections.append((op.uid, w.bytes))
    }
    _ = try store.write(id: nextCheckpointID, sections: sections, files: stateBackend.endCheckpoint())
    nextCheckpointID += 1
    checkpointsTaken += 1
    for (_, op) in allOperators { try (op as? SinkOperator)?.commit() }
  }

  private func parallelismSection() -> [UInt8] {
    var w = StateWriter()
    w.int(Int64(parallelism))
    return w.bytes
  }

  /// Restores every subtask of every operator, at this run's parallelism
  /// whatever the checkpoint's (see `Rescale`).
  func restore(_ snap: CheckpointStore.Snapshot) throws {
    nextCheckpointID = snap.id + 1
    stateBackend.restoreRoot = (snap.path as NSString).deletingLastPathComponent
    var used: Set<String> = ["job"]
    for n in order {
      // A window node runs inside its aggregate here; the serial executor
      // gives it a stateless operator of its own.
      if case .window = n.kind { used.formUnion(Rescale.sections(of: n.uid, in: snap)) }
      guard let ops = instances[n.id] else { continue }
      for (s, op) in ops.enumerated() {
        let found: Bool
        do {
          found = try Rescale.restore(op, uid: n.uid, subtask: s, parallelism: ops.count, from: snap, used: &used)
        } catch {
          throw RuntimeError("cannot restore operator '\(op.name)' (uid \(op.uid)) from \(snap.path): \((error as? RuntimeError)?.message ?? "\(error)")", at: op.location, notes: ["help: the operator changed incompatibly; start without --restore"])
        }
        if !found && Executor.needsState(op) {
          throw RuntimeError("the checkpoint has no state for operator '\(op.name)' (uid \(op.uid)); the script changed in a way that cannot be restored", at: op.location, notes: ["help: keep operator ids stable with `|> uid(\"name\")`, or start without --restore"])
        }
      }
    }
    // Combiners are not in `instances`: their old state went to their aggregate.
    let unused = Set(snap.sections.keys).subtracting(used)
    if !unused.isEmpty {
      onWarning?("warning: the checkpoint has state for operators no longer in the script: \(unused.sorted().joined(separator: ", ")) (ignored)")
    }
  }

  /// Per operator (subtasks summed), in plan order, for `--stats`: records
  /// in and out, and how the threads running it spent their time.
  public var stats: [OperatorStats] {
    var out: [OperatorStats] = []
    var byNode: [Int: Int] = [:]
    for t in tasks {
      let wall = Double(max(1, t.endNanos &- t.startNanos))
      let idle = Double(t.idleNanos) / wall
      let bp = Double(t.backpressureNanos) / wall
      for (n, op) in t.operators {
        if let i = byNode[n.id] {
          out[i].inCount += op.recordsIn
          out[i].outCount += op.recordsOut
          out[i].busy += max(0, 1 - idle - bp)
          out[i].backpressured += bp
          out[i].idle += idle
          out[i].subtasks += 1
        } else {
          byNode[n.id] = out.count
          out.append(OperatorStats(name: op.name, location: op.location, inCount: op.recordsIn, outCount: op.recordsOut, subtasks: 1, busy: max(0, 1 - idle - bp), backpressured: bp, idle: idle))
        }
      }
    }
    return out.map { s in
      var s = s
      let k = Double(s.subtasks)
      s.busy /= k
      s.backpressured /= k
      s.idle /= k
      return s
    }
  }

  public var skippedRows: Int { sourceTasks.reduce(0) { $0 + ((($1.head as? SourceOperator)?.reader?.skippedRows) ?? 0) } }
  public var lateEventsDropped: Int { allOperators.compactMap { $0.op as? WindowOperator }.reduce(0) { $0 + $1.droppedLate } }
  public var patternLateEvents: Int { allOperators.compactMap { $0.op as? PatternOperator }.reduce(0) { $0 + $1.droppedLate } }
}

/// One row of `--stats`.
public struct OperatorStats {
  public var name: String
  public var location: String
  public var inCount: Int
  public var outCount: Int
  public var subtasks: Int
  /// Fractions of the wall-clock time of the threads running it (averaged
  /// over its subtasks): working, blocked on a full downstream inbox, and
  /// waiting for input.
  public var busy: Double
  public var backpressured: Double
  public var idle: Double

  public init(name: String, location: String, inCount: Int, outCount: Int, subtasks: Int, busy: Double, backpressured: Double, idle: Double) {
    self.name = name
    self.location = location
    self.inCount = inCount
    self.outCount = outCount
    self.subtasks = subtasks
    self.busy = busy
    self.backpressured = backpressured
    self.idle = idle
  }
}

extension ParallelExecutor {
  /// A description of the tasks and their channels (FLOW_DEBUG_TASKS=1).
  public var taskDescription: String {
    tasks.map { t in
      "\(t.name): ops \(t.operators.map { $0.op.name }) channels per port \(t.portChannels.map { $0.count }) exchanges \(t.exchanges.map { "\($0.partitioner)->\($0.targets.count)" })"
    }.joined(separator: "\n")
  }
}
