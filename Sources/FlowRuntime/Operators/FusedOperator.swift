/// A chain of element-wise operators run as one stage: each event goes
/// through every step in one call, with no hand-off between operators.
public final class FusedOperator: Operator {
  let stages: [FusedStage]

  public init(_ stages: [FusedStage], name: String, location: String) {
    self.stages = stages
    super.init(name: name, location: location)
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    try run(v, from: 0, ts: ts)
  }

  @inline(__always)
  private func run(_ value: Value, from start: Int, ts: Int64) throws {
    var v = value
    var i = start
    while i < stages.count {
      switch stages[i] {
      case .map(let f):
        v = try f.apply1(v)
      case .filter(let f):
        guard case .bool(true) = try f.apply1(v) else { return }
      case .flatMap(let f):
        guard case .list(let xs) = try f.apply1(v) else { return }
        for x in xs { try run(x, from: i + 1, ts: ts) }
        return
      }
      i += 1
    }
    try emit(v, ts: ts)
  }
}
