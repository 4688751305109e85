import FlowSyntax
import FlowRuntime

/// Redundant exchange removal: a `keyBy` whose key is already the stream's
/// partitioning key needs no hash exchange. A keyed aggregate's subtask
/// emits only keys of its own key groups, and its output holds the key in
/// its first field (`key`), so `keyBy(r => r.key)` downstream hashes every
/// row to the subtask that produced it. The edge becomes forward (same
/// subtask, no hashing, no thread hop); the operator stays keyed.
///
/// Only where provably the same partitioning:
/// - the key function is exactly `r => r.<first field>` of the aggregate's
///   output;
/// - between them only filters, `withTimestamps` and maps that update other
///   fields (`r => { r with ... }`), so the field still holds the key;
/// - every operator reading the `keyBy` (directly or through a window) has
///   one input and the aggregate's number of subtasks (no `parallelism(n)`
///   in between), so subtask i feeds subtask i.
/// At run time a different parallelism falls back to the hash exchange.
struct RedundantExchanges: PlanRule {
  let name = "redundant exchange removal"

  func apply(_ plan: inout LogicalPlan) -> Int {
    let consumers = plan.consumers
    var removed = 0
    for k in plan.nodes {
      guard case .keyBy(let f) = k.kind, !k.alreadyPartitioned, k.parallelism == nil, k.inputs.count == 1,
            let field = RedundantExchanges.projectedField(f),
            let upstream = partitioner(of: k.inputs[0], field: field),
            let readers = keyedReaders(of: k, consumers),
            readers.allSatisfy({ $0.parallelism == upstream.parallelism }) else { continue }
      k.alreadyPartitioned = true
      for r in readers { r.combiner = false }
      removed += 1
    }
    return removed
  }

  /// The keyed aggregate whose output partitioning `n`'s events still
  /// have, if `field` holds its key.
  func partitioner(of n: PlanNode, field: String) -> PlanNode? {
    guard n.parallelism == nil || isKeyedAggregate(n) else { return nil }
    switch n.kind {
    case .aggregate(let fields, let shape):
      guard isKeyedAggregate(n), shape.fields.first == field, shape.fields.filter({ $0 == field }).count == 1,
            !fields.contains(where: { $0.0 == field }) else { return nil }
      return n
    case .filter, .withTimestamps:
      return n.inputs.first.flatMap { partitioner(of: $0, field: field) }
    case .map(let m):
      guard keeps(m, field) else { return nil }
      return n.inputs.first.flatMap { partitioner(of: $0, field: field) }
    case .fused(let stages):
      for st in stages {
        switch st {
        case .filter: continue
        case .map(let m): if !keeps(m, field) { return nil }
        case .flatMap: return nil
        }
      }
      return n.inputs.first.flatMap { partitioner(of: $0, field: field) }
    default:
      return nil
    }
  }

  /// A map `r => { r with ... }` that leaves `field` as it is.
  func keeps(_ m: FunctionValue, _ field: String) -> Bool {
    guard let updated = m.info?.updatedFields else { return false }
    return !updated.contains(field)
  }

  /// An aggregate reading a keyed stream (a `keyBy`, or a window over one).
  func isKeyedAggregate(_ n: PlanNode) -> Bool {
    guard case .aggregate = n.kind, n.inputs.count == 1 else { return false }
    var i = n.inputs[0]
    if case .window = i.kind, let k = i.inputs.first { i = k }
    if case .keyBy = i.kind { return true }
    return false
  }

  /// The keyed operators reading `k` (directly or through a window), if
  /// every reader is one with a single input; nil otherwise.
  func keyedReaders(of k: PlanNode, _ consumers: [Int: [PlanNode]]) -> [PlanNode]? {
    var out: [PlanNode] = []
    for c in consumers[k.id] ?? [] {
      if case .window = c.kind {
        guard c.parallelism == nil else { return nil }
        for r in consumers[c.id] ?? [] {
          if case .lateEvents = r.kind { continue }
          guard keyedSingleInput(r) else { return nil }
          out.append(r)
        }
      } else {
        guard keyedSingleInput(c) else { return nil }
        out.append(c)
      }
    }
    return out.isEmpty ? nil : out
  }

  func keyedSingleInput(_ n: PlanNode) -> Bool {
    guard n.inputs.count == 1 else { return false }
    switch n.kind {
    case .aggregate, .reduce, .process, .pattern: return true
    default: return false
    }
  }

  /// `r => r.f` exactly: the field it returns, else nil.
  static func projectedField(_ f: FunctionValue) -> String? {
    guard let syntax = f.info?.syntax as? LambdaSyntax, syntax.params.count == 1,
          case .bind(let p) = syntax.params[0].pattern.kind,
          case .field(let base, let name) = syntax.body.kind,
          case .name(let b) = base.kind, b == p else { return nil }
    return name.text
  }
}
