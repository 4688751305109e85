/// A chain of element-wise operators run as one stage: each event goes
/// through every step in one call, with no hand-off between operators.
/// The steps are unpacked once into plain closures, so the loop does no
/// enum matching or function-value copying per event.
public final class FusedOperator: Operator {
  /// `test` is a filter with an unboxed predicate.
  enum Kind: UInt8 { case map, filter, test, flatMap }
  /// One step. The closure sits in a struct field, not directly in an
  /// array: a bare closure array stores its elements at the most general
  /// abstraction, so every call would go through a reabstraction thunk and
  /// copy the `Value` argument through its value witness.
  struct Step {
    let kind: Kind
    let call: (Value) throws -> Value
    /// A `test` step's unboxed predicate (unused by other kinds; not an
    /// optional, for the reason above).
    let test: (Value) throws -> Bool
  }
  let steps: [Step]

  public init(_ stages: [FusedStage], name: String, location: String) {
    var steps: [Step] = []
    for s in stages {
      let kind: Kind, f: FunctionValue
      switch s {
      case .map(let g): kind = .map; f = g
      case .filter(let g): kind = .filter; f = g
      case .flatMap(let g): kind = .flatMap; f = g
      }
      steps.append(Step(kind: kind == .filter && f.hasPredicate ? .test : kind, call: f.unary, test: f.predicate))
    }
    self.steps = steps
    super.init(name: name, location: location)
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    try run(v, from: 0, ts: ts)
  }

  /// The batch path: every event of the batch goes through the steps in
  /// one loop (event by event, so the first runtime error is the one the
  /// per-event path would raise), and the survivors leave as one batch. On
  /// an error, the survivors before the failing event are still handed on
  /// first, as the per-event path would have done.
  override public func processBatch(_ batch: [Value], ts: Int64, port: Int) throws {
    var out = spare
    spare = []
    out.removeAll(keepingCapacity: true)
    do {
      for v in batch { try collect(v, from: 0, into: &out) }
    } catch {
      try emitBatch(out, ts: ts)
      throw error
    }
    try emitBatch(out, ts: ts)
    out.removeAll(keepingCapacity: true)
    spare = out
  }
  /// The output buffer of the last batch, kept for its capacity.
  private var spare: [Value] = []

  private func collect(_ value: Value, from start: Int, into out: inout [Value]) throws {
    var v = value
    var i = start
    let n = steps.count
    while i < n {
      let step = steps[i]
      switch step.kind {
      case .map:
        v = try step.call(v)
      case .filter:
        guard case .bool(true) = try step.call(v) else { return }
      case .test:
        guard try step.test(v) else { return }
      case .flatMap:
        guard case .list(let xs) = try step.call(v) else { return }
        for x in xs { try collect(x, from: i + 1, into: &out) }
        return
      }
      i += 1
    }
    out.append(v)
  }

  private func run(_ value: Value, from start: Int, ts: Int64) throws {
    var v = value
    var i = start
    let n = steps.count
    while i < n {
      let step = steps[i]
      switch step.kind {
      case .map:
        v = try step.call(v)
      case .filter:
        guard case .bool(true) = try step.call(v) else { return }
      case .test:
        guard try step.test(v) else { return }
      case .flatMap:
        guard case .list(let xs) = try step.call(v) else { return }
        for x in xs { try run(x, from: i + 1, ts: ts) }
        return
      }
      i += 1
    }
    try emit(v, ts: ts)
  }
}
