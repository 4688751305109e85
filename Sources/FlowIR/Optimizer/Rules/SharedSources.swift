import FlowRuntime

/// Two pipelines reading the same source (equal source keys: same file and
/// options) read it once: the duplicate's consumers move to the first.
struct SharedSources: PlanRule {
  let name = "shared sources"

  func apply(_ plan: inout LogicalPlan) -> Int {
    var firstByKey: [String: PlanNode] = [:]
    var merged = 0
    for n in plan.nodes {
      guard case .source(let spec) = n.kind else { continue }
      if let first = firstByKey[spec.key], first !== n {
        plan.replace(n, with: first)
        merged += 1
      } else {
        firstByKey[spec.key] = n
      }
    }
    return merged
  }
}
