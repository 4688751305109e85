import FlowRuntime

/// An optimizer rule: a rewrite of the plan that keeps every sink's output
/// the same. `apply` returns how many rewrites it made (0: nothing to do).
public protocol PlanRule {
  var name: String { get }
  func apply(_ plan: inout LogicalPlan) -> Int
}

/// The rules, in order. Ordering constraints:
/// - shared sources first, so later rules see each source once;
/// - constant folding before filter pushdown and projection pruning: a
///   filter it removes is neither moved nor counted as a reader;
/// - filter pushdown before projection pruning, since a filter moved
///   closer to its source changes which fields are read where;
/// - projection pruning before fusion, because it reads the functions of
///   single map/filter nodes (it also understands fused stages, for safety);
/// - redundant exchange removal before combiners: an exchange that is
///   gone needs no combiner (both read fused stages too);
/// - fusion last: it merges the nodes the other rules reason about.
public enum PlanRules {
  public static let all: [PlanRule] = [
    SharedSources(), ConstantFilters(), FilterPushdown(), ProjectionPruning(),
    RedundantExchanges(), Combiners(), OperatorFusion(),
  ]
}

/// Applies the rules to a fixed point (bounded), checking after every rule
/// that no sink's output schema changed.
public struct Optimizer {
  public var rules: [PlanRule]
  public var maxPasses = 10

  public init(rules: [PlanRule] = PlanRules.all) { self.rules = rules }

  /// Optimizes in place; returns each rule that fired with its count.
  public func optimize(_ plan: inout LogicalPlan) throws -> [(rule: String, rewrites: Int)] {
    var fired: [String: Int] = [:]
    let sinkSchemas = plan.sinks.map { $0.inputs.first?.schema ?? "" }
    for _ in 0..<maxPasses {
      var changed = false
      for r in rules {
        let n = r.apply(&plan)
        if n > 0 {
          changed = true
          fired[r.name, default: 0] += n
          let now = plan.sinks.map { $0.inputs.first?.schema ?? "" }
          guard now == sinkSchemas else {
            throw RuntimeError("internal: optimizer rule '\(r.name)' changed a sink's schema (\(sinkSchemas) -> \(now))")
          }
        }
      }
      if !changed { break }
    }
    return rules.compactMap { r in fired[r.name].map { (r.name, $0) } }
  }
}
