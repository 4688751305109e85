import FlowRuntime

/// Local pre-aggregation: a keyed aggregate behind a hash exchange gets a
/// combiner, the same aggregate run per key in each sending subtask, so
/// that one partial result per key crosses the exchange instead of every
/// event. Legal where partial results can be merged at the receiver
/// without changing what it emits:
/// - a keyed aggregate (`count`, `sum`, `aggregate`, `reduce`) on bounded
///   input: it emits once, at the end;
/// - a tumbling event-time window that fires once at the watermark, with
///   no allowed lateness and no `lateEvents` stream (which needs the late
///   events themselves).
/// Not where the exchange was removed (no exchange to save). Only the
/// parallel executor runs combiners; a serial run has no exchange.
struct Combiners: PlanRule {
  let name = "combiners"

  func apply(_ plan: inout LogicalPlan) -> Int {
    let nodes = plan.nodes
    var placed = 0
    for n in nodes where !n.combiner && Combiners.combinable(n, in: nodes) {
      n.combiner = true
      placed += 1
    }
    return placed
  }

  static func combinable(_ n: PlanNode, in nodes: [PlanNode]) -> Bool {
    switch n.kind {
    case .aggregate, .reduce: break
    default: return false
    }
    guard n.inputs.count == 1 else { return false }
    let input = n.inputs[0]
    switch input.kind {
    case .keyBy: return n.isBounded && !input.alreadyPartitioned
    case .window(.tumbling, .onWatermark, 0):
      guard let k = input.inputs.first, case .keyBy = k.kind, !k.alreadyPartitioned else { return false }
      return !nodes.contains { m in
        if case .lateEvents = m.kind, m.inputs.first === input { return true }
        return false
      }
    default: return false
    }
  }
}
