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
