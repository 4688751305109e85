/// `join`: a regular inner join of two keyed streams, with no window. Both
/// sides are kept in memory per key; each arriving event is paired with the
/// other side's events of its key seen so far, so every matching pair is
/// emitted exactly once, as soon as its second event arrives. Meant for
/// bounded inputs and small or slowly growing unbounded ones (the state is
/// never dropped).
public final class HashJoinOperator: Operator {
  let leftKey: FunctionValue
  let rightKey: FunctionValue
  let shape = Shape(["key", "left", "right"])
  var sides: [[Value: [(Int64, Value)]]] = [[:], [:]]

  public init(left: FunctionValue, right: FunctionValue, location: String) {
    self.leftKey = left
    self.rightKey = right
    super.init(name: "join", location: location)
    inputCount = 2
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    let side = port == 0 ? 0 : 1
    let k: Value
    do { k = try (side == 0 ? leftKey : rightKey).apply1(v) } catch { throw fail(error) }
    sides[side][k, default: []].append((ts, v))
    guard let others = sides[1 - side][k] else { return }
    for (ots, o) in others {
      let pair = side == 0 ? [k, v, o] : [k, o, v]
      try emit(.record(Record(shape: shape, values: pair)), ts: max(ts, ots))
    }
  }

  override public func snapshotState(_ w: inout StateWriter) throws {
    try super.snapshotState(&w)
    try w.timedLists(sides[0])
    try w.timedLists(sides[1])
  }

  override public func restoreState(_ r: inout StateReader) throws {
    try super.restoreState(&r)
    let left = try r.timedLists(), right = try r.timedLists()
    sides[0].merge(left) { a, _ in a }
    sides[1].merge(right) { a, _ in a }
  }
}
