/// A chain of element-wise operators run as one stage: each event goes
/// through every step in one call, with no hand-off between operators.
/// The steps are unpacked once into plain closures, so the loop does no
/// enum matching or function-value copying per event.
public final class FusedOperator: Operator {
  enum Kind: UInt8 { case map, filter, flatMap }
  let kinds: [Kind]
  let steps: [(Value) throws -> Value]

  public init(_ stages: [FusedStage], name: String, location: String) {
    var kinds: [Kind] = []
    var steps: [(Value) throws -> Value] = []
    for s in stages {
      let f: FunctionValue
      switch s {
      case .map(let g): kinds.append(.map); f = g
      case .filter(let g): kinds.append(.filter); f = g
      case .flatMap(let g): kinds.append(.flatMap); f = g
      }
      steps.append(f.call1 ?? { v in try f.call([v]) })
    }
    self.kinds = kinds
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
      switch kinds[i] {
      case .map:
        v = try steps[i](v)
      case .filter:
        guard case .bool(true) = try steps[i](v) else { return }
      case .flatMap:
        guard case .list(let xs) = try steps[i](v) else { return }
        for x in xs { try run(x, from: i + 1, ts: ts) }
        return
      }
      i += 1
    }
    try emit(v, ts: ts)
  }
}
