import FlowRuntime

/// Moves filters toward their sources, so later operators see fewer events:
/// - past a `union`, as one filter on each input;
/// - past a `map` that only updates fields (`r => { r with a: ... }`) when
///   the filter reads none of the updated fields.
/// Only when the moved-past operator has no other consumer, so nobody else
/// sees filtered data. Never past `withTimestamps`: filtering first would
/// change how the watermark advances, and with it which events are late.
struct FilterPushdown: PlanRule {
  let name = "filter pushdown"

  func apply(_ plan: inout LogicalPlan) -> Int {
    var moved = 0
    let consumers = plan.consumers
    var nextID = (plan.nodes.map(\.id).max() ?? 0) + 1
    for f in plan.nodes {
      guard case .filter(let pred) = f.kind, let below = f.inputs.first, consumers[below.id]?.count == 1 else { continue }
      switch below.kind {
      case .map(let m):
        guard let updated = m.info?.updatedFields, let read = pred.info?.fieldsRead, read.isDisjoint(with: updated),
              let source = below.inputs.first else { continue }
        // filter(map(x)) becomes map(filter(x)): swap the two nodes' roles.
        let (mapKind, mapName, mapSchema, mapLoc, mapUID) = (below.kind, below.name, below.schema, below.location, below.uid)
        (below.kind, below.name, below.location, below.uid) = (f.kind, f.name, f.location, f.uid)
        below.schema = source.schema
        (f.kind, f.name, f.schema, f.location, f.uid) = (mapKind, mapName, mapSchema, mapLoc, mapUID)
        moved += 1
      case .union:
        // filter(union(a, b)) becomes union(filter(a), filter(b)).
        var newInputs: [PlanNode] = []
        for (k, input) in below.inputs.enumerated() {
          nextID += 1
          newInputs.append(PlanNode(id: nextID, kind: .filter(pred), inputs: [input], location: f.location, name: f.name, schema: input.schema, uid: f.uid + "#\(k + 1)"))
        }
        below.inputs = newInputs
        plan.replace(f, with: below)
        below.schema = f.schema
        moved += 1
      default:
        continue
      }
    }
    return moved
  }
}
