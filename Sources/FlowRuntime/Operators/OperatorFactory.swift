/// Makes the running operator for one plan node. The single-threaded
/// executor makes one per node; the parallel executor one per subtask.
struct OperatorFactory {
  /// Whether sinks are opened for two-phase (exactly-once) commits.
  let exactlyOnce: Bool

  /// The key function of a keyed stream node (through windows and `latest`).
  static func keyFunction(_ n: PlanNode) -> FunctionValue? {
    switch n.kind {
    case .keyBy(let f): return f
    case .window, .latest: return n.inputs.first.flatMap(Self.keyFunction)
    default: return nil
    }
  }

  func make(_ n: PlanNode) throws -> Operator {
    switch n.kind {
    case .source(let spec): return SourceOperator(spec: spec, location: n.location)
    case .map(let f): return MapOperator(f, location: n.location)
    case .filter(let f): return FilterOperator(f, location: n.location)
    case .flatMap(let f): return FlatMapOperator(f, location: n.location)
    case .union: return ForwardOperator(name: "union", location: n.location)
    case .keyBy: return ForwardOperator(name: "keyBy", location: n.location)
    case .window: return ForwardOperator(name: "window", location: n.location)
    case .lateEvents: return ForwardOperator(name: "lateEvents", location: n.location)
    case .withTimestamps(let f, let wm, let idle):
      switch wm {
      case .boundedDelay(let d): return TimestampOperator(f, delay: d, idleMillis: idle, location: n.location)
      case .punctuated(let p): return TimestampOperator(f, delay: 0, punctuation: p, idleMillis: idle, location: n.location)
      }
    case .aggregate(_, _), .reduce:
      let output: AggregateOutput
      if case .aggregate(let fields, let shape) = n.kind {
        output = .record(shape, fields.map { $0.1 })
      } else if case .reduce(let f) = n.kind {
        output = .reduced(f)
      } else {
        throw RuntimeError("internal: bad aggregate node", at: n.location)
      }
      guard let input = n.inputs.first, let key = Self.keyFunction(input) else {
        throw RuntimeError("'\(n.name)' needs a keyed stream", at: n.location)
      }
      if case .window(let spec, let trigger, let lateness) = input.kind {
        return WindowOperator(key: key, spec: spec, trigger: trigger, lateness: lateness, output: output, name: "window \(spec) -> \(n.name)", location: n.location)
      }
      return KeyedAggregateOperator(key: key, output: output, name: n.name, location: n.location)
    case .process(let spec):
      guard let input = n.inputs.first, let key = Self.keyFunction(input) else {
        throw RuntimeError("'process' needs a keyed stream", at: n.location)
      }
      return ProcessOperator(key: key, spec: spec, location: n.location)
    case .sink(let spec):
      return SinkOperator(try spec.open(exactlyOnce), name: n.name, location: n.location)
    case .fused(let stages):
      return FusedOperator(stages, name: n.name, location: n.location)
    case .latest: return ForwardOperator(name: "latest", location: n.location)
    case .timedOut: return ForwardOperator(name: "timedOut", location: n.location)
    case .pattern(let spec, let skip):
      guard let key = n.inputs.first.flatMap(Self.keyFunction) else { throw RuntimeError("'pattern' needs a keyed stream", at: n.location) }
      return PatternOperator(key: key, spec: spec, skip: skip, location: n.location)
    case .broadcast: return ForwardOperator(name: "broadcast", location: n.location)
    case .windowJoin(let spec, let coGroup):
      let (l, r) = try joinKeys(n)
      return WindowJoinOperator(left: l, right: r, spec: spec, coGroup: coGroup, location: n.location)
    case .intervalJoin(let lower, let upper):
      let (l, r) = try joinKeys(n)
      return IntervalJoinOperator(left: l, right: r, lower: lower, upper: upper, location: n.location)
    case .join:
      let (l, r) = try joinKeys(n)
      return HashJoinOperator(left: l, right: r, location: n.location)
    case .changelog(let spec):
      switch spec.operation {
      case .aggregate(let fields, let shape):
        guard let key = n.inputs.first.flatMap(Self.keyFunction) else { throw RuntimeError("'\(n.name)' needs a keyed stream", at: n.location) }
        return ChangelogAggregateOperator(key: key, fields: fields, shape: shape, ttl: spec.ttl, location: n.location)
      case .rank(let sortKey, let descending):
        guard let key = n.inputs.first.flatMap(Self.keyFunction) else { throw RuntimeError("'\(n.name)' needs a keyed stream", at: n.location) }
        let op = ChangelogRankOperator(key: key, sortKey: sortKey, descending: descending, ttl: spec.ttl, location: n.location)
        op.limit = spec.rankLimit
        op.appendOnly = spec.appendOnlyInput
        return op
      case .join(let type):
        let (l, r) = try joinKeys(n)
        return ChangelogJoinOperator(left: l, right: r, type: type, ttl: spec.ttl, nullKeysMatch: spec.nullKeysMatch, location: n.location)
      }
    case .iterate(let spec):
      return IterationOperator(spec: spec, inputs: n.inputs.count, location: n.location)
    case .feedback(let slot):
      return FeedbackOperator(slot: slot, location: n.location)
    case .lookup:
      let (l, r) = try joinKeys(n)
      return LookupJoinOperator(left: l, right: r, location: n.location)
    case .connect(let spec):
      let (l, r) = try joinKeys(n)
      return ConnectOperator(left: l, right: r, spec: spec, broadcast: false, location: n.location)
    case .withBroadcast(let spec):
      guard let l = n.inputs.first.flatMap(Self.keyFunction) else { throw RuntimeError("withBroadcast needs a keyed stream", at: n.location) }
      return ConnectOperator(left: l, right: nil, spec: spec, broadcast: true, location: n.location)
    }
  }

  func joinKeys(_ n: PlanNode) throws -> (FunctionValue, FunctionValue) {
    guard n.inputs.count == 2, let l = Self.keyFunction(n.inputs[0]), let r = Self.keyFunction(n.inputs[1]) else {
      throw RuntimeError("'\(n.name)' needs two keyed streams", at: n.location)
    }
    return (l, r)
  }
}
