import FlowRuntime

/// A job's plan: the DAG reachable from its sinks.
public struct LogicalPlan {
  public var sinks: [PlanNode]

  public init(sinks: [PlanNode]) { self.sinks = sinks }

  /// Every node, inputs before consumers, each once.
  public var nodes: [PlanNode] {
    var seen = Set<Int>()
    var order: [PlanNode] = []
    func visit(_ n: PlanNode) {
      guard seen.insert(n.id).inserted else { return }
      for i in n.inputs { visit(i) }
      order.append(n)
    }
    for s in sinks { visit(s) }
    return order
  }

  /// The consumers of each node, by node id.
  public var consumers: [Int: [PlanNode]] {
    var out: [Int: [PlanNode]] = [:]
    for n in nodes {
      for i in n.inputs where !(out[i.id]?.contains { $0 === n } ?? false) { out[i.id, default: []].append(n) }
    }
    return out
  }

  /// Replaces every use of `old` as an input by `new`.
  public func replace(_ old: PlanNode, with new: PlanNode) {
    for n in nodes {
      for (i, input) in n.inputs.enumerated() where input === old { n.inputs[i] = new }
    }
  }
}
