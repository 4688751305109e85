import FlowRuntime

/// Constant folding at the plan level. Lowering folds constant expressions
/// (and `if` with a constant condition) inside functions; this rule acts on
/// what that leaves constant for a whole operator, using the folded value
/// lowering records for each lambda (`FunctionInfo.constant`):
/// - a filter whose predicate is always `true` is removed;
/// - a filter whose predicate is always `false` makes its branch dead: the
///   operators between it and the sink are removed and the sink reads the
///   filter, which passes no event. The filter, its input and the sink
///   stay, so sources are still read (their errors, watermarks and end are
///   unchanged) and output files are still created, empty.
/// Only a chain of single-input operators that emit nothing when they
/// receive nothing is cut (element-wise, keyed, windowed, `process`,
/// `pattern`), and only when every operator in it has one reader; unions,
/// joins and iterations keep their inputs.
struct ConstantFilters: PlanRule {
  let name = "constant folding"

  func apply(_ plan: inout LogicalPlan) -> Int {
    var rewrites = 0
    for n in plan.nodes {
      guard case .filter(let p) = n.kind, case .bool(true)? = p.info?.constant,
            n.inputs.count == 1, n.inputs[0].schema == n.schema, n.parallelism == nil else { continue }
      plan.replace(n, with: n.inputs[0])
      rewrites += 1
    }
    let consumers = plan.consumers
    for sink in plan.sinks {
      guard let top = sink.inputs.first, let dead = deadFilter(above: top, consumers), dead !== top else { continue }
      // The filter passes nothing, so it can stand for any stream type.
      dead.schema = top.schema
      sink.inputs[0] = dead
      rewrites += 1
    }
    return rewrites
  }

  /// The always-false filter at the head of the chain that ends in `n`, if
  /// every operator from it down to `n` only passes on (or derives from)
  /// what it receives and has no other reader.
  func deadFilter(above n: PlanNode, _ consumers: [Int: [PlanNode]]) -> PlanNode? {
    var cur = n
    while true {
      guard consumers[cur.id]?.count == 1, cur.inputs.count == 1 else { return nil }
      if case .filter(let p) = cur.kind, case .bool(false)? = p.info?.constant { return cur }
      guard emitsNothingFromNothing(cur) else { return nil }
      cur = cur.inputs[0]
    }
  }

  func emitsNothingFromNothing(_ n: PlanNode) -> Bool {
    switch n.kind {
    case .map, .filter, .flatMap, .fused, .keyBy, .window, .withTimestamps, .lateEvents, .timedOut, .reduce, .process, .pattern:
      return true
    case .aggregate:
      // Keyed and windowed aggregates only: no key, no row.
      guard let i = n.inputs.first else { return false }
      switch i.kind {
      case .keyBy, .window: return true
      default: return false
      }
    default:
      return false
    }
  }
}
