/// Iterations over bounded data. The iterate operator materializes its
/// inputs; when they end it runs the body sub-plan once per round, each
/// round on fresh operators (so keyed state starts empty every round), and
/// then emits the final data. Rounds run inside `onFinish`, between source
/// batches, so a checkpoint never sees a half-finished round.
public final class IterationOperator: Operator {
  struct Event {
    let value: Value
    let ts: Int64
  }
  let spec: IterationSpec
  var buffers: [[Event]] = []
  /// Rounds run (for tests and `--stats`).
  public private(set) var roundsRun = 0

  public init(spec: IterationSpec, inputs: Int, location: String) {
    self.spec = spec
    super.init(name: "iterate", location: location)
    inputCount = inputs
    buffers = Array(repeating: [], count: inputs)
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    guard port < buffers.count else { return }
    buffers[port].append(Event(value: v, ts: ts))
  }

  override public func onFinish() throws {
    var feeds: [Int: [Event]] = [:]
    for (i, b) in buffers.enumerated() { feeds[i] = b }
    buffers = Array(repeating: [], count: buffers.count)
    let result: [Event]
    switch spec.mode {
    case .bulk(let until): result = try bulk(feeds, until: until)
    case .delta(let key): result = try delta(feeds, key: key)
    }
    for e in result { try emit(e.value, ts: e.ts) }
  }

  func bulk(_ initial: [Int: [Event]], until: PlanNode?) throws -> [Event] {
    var feeds = initial
    var current = initial[0] ?? []
    for _ in 0..<spec.maxRounds {
      feeds[0] = current
      let next = try BodyRunner.run(spec.outputs, feeds: feeds)[0]
      roundsRun += 1
      if let u = until {
        feeds[IterationSpec.nextSlot] = next
        let verdict = try BodyRunner.run([u], feeds: feeds)[0]
        feeds[IterationSpec.nextSlot] = nil
        current = next
        if verdict.contains(where: { if case .bool(true) = $0.value { return true } else { return false } }) { break }
      } else {
        current = next
      }
    }
    return current
  }

  /// The solution set keeps first-insertion order, so output is
  /// deterministic.
  func delta(_ initial: [Int: [Event]], key: FunctionValue) throws -> [Event] {
    var feeds = initial
    var solution: [Event] = []
    var index: [Value: Int] = [:]
    func merge(_ events: [Event]) throws {
      for e in events {
        let k: Value
        do { k = try key.apply1(e.value) } catch { throw fail(error) }
        if let i = index[k] { solution[i] = e } else { index[k] = solution.count; solution.append(e) }
      }
    }
    try merge(initial[0] ?? [])
    var workset = initial[1] ?? []
    var round = 0
    while !workset.isEmpty && round < spec.maxRounds {
      feeds[0] = solution
      feeds[1] = workset
      let out = try BodyRunner.run(spec.outputs, feeds: feeds)
      try merge(out[0])
      workset = out.count > 1 ? out[1] : []
      round += 1
      roundsRun += 1
    }
    return solution
  }

  override public func snapshotState(_ w: inout StateWriter) throws {
    try super.snapshotState(&w)
    w.int(buffers.count)
    for b in buffers {
      w.int(b.count)
      for e in b { w.int(e.ts); try w.value(e.value) }
    }
  }

  override public func restoreState(_ r: inout StateReader) throws {
    try super.restoreState(&r)
    let n = try r.count()
    var bs: [[Event]] = []
    for _ in 0..<n {
      let c = try r.count()
      var b: [Event] = []
      b.reserveCapacity(c)
      for _ in 0..<c { let ts = try r.int(); b.append(Event(value: try r.value(), ts: ts)) }
      bs.append(b)
    }
    if bs.count == buffers.count { buffers = bs }
  }
}

/// Inside an iteration body: pushes one round's events of its slot.
final class FeedbackOperator: Operator {
  let slot: Int
  init(slot: Int, location: String) {
    self.slot = slot
    super.init(name: "feedback", location: location)
    inputCount = 0
  }
}

/// Collects what an iteration body produces.
final class CollectOperator: Operator {
  var events: [IterationOperator.Event] = []
  init() { super.init(name: "collect", location: "") }
  override func process(_ v: Value, ts: Int64, port: Int) throws {
    events.append(IterationOperator.Event(value: v, ts: ts))
  }
}

/// Runs a body sub-plan once over in-memory inputs.
enum BodyRunner {
  static func run(_ outputs: [PlanNode], feeds: [Int: [IterationOperator.Event]]) throws -> [[IterationOperator.Event]] {
    let ex = Executor(sinks: outputs)
    try ex.build()
    var collectors: [CollectOperator] = []
    for o in outputs {
      let c = CollectOperator()
      try c.open()
      ex.upstreamOperator(o)?.connect(to: c, port: 0)
      collectors.append(c)
    }
    for n in ex.order { try ex.operators[n.id]?.open() }
    for n in ex.order {
      guard let f = ex.operators[n.id] as? FeedbackOperator else { continue }
      for e in feeds[f.slot] ?? [] { try f.emit(e.value, ts: e.ts) }
      try f.forwardWatermark(Int64.max)
      for (op, port) in f.outputs { try op.finish(port: port) }
    }
    for n in ex.order { try ex.operators[n.id]?.close() }
    return collectors.map(\.events)
  }
}
