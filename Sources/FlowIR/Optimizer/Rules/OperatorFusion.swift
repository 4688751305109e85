import FlowRuntime

/// Chains of element-wise operators (map, filter, flatMap) become one stage
/// that runs every step in one call per event. Legality guards:
/// - every node but the last in a chain has exactly one consumer (a node
///   whose output is shared must stay materialized for its other readers);
/// - only element-wise nodes fuse: keyed, windowed and timestamp operators
///   have state or watermarks of their own.
struct OperatorFusion: PlanRule {
  let name = "operator fusion"

  func stage(_ n: PlanNode) -> [FusedStage]? {
    switch n.kind {
    case .map(let f): return [.map(f)]
    case .filter(let f): return [.filter(f)]
    case .flatMap(let f): return [.flatMap(f)]
    case .fused(let s): return s
    default: return nil
    }
  }

  func apply(_ plan: inout LogicalPlan) -> Int {
    let consumers = plan.consumers
    var fused = 0
    for n in plan.nodes {
      // n is the last node of a chain; walk up while the input is fusible
      // and read only by the chain.
      guard let own = stage(n), let input = n.inputs.first, n.inputs.count == 1,
            let above = stage(input), consumers[input.id]?.count == 1 else { continue }
      n.kind = .fused(above + own)
      n.name = input.name + " -> " + n.name
      n.inputs = input.inputs
      fused += 1
    }
    return fused
  }
}
