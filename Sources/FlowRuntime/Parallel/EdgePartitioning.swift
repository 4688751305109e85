/// How events travel on one edge of the plan when the job runs in parallel,
/// as `flow plan` prints it. Computed from the same `ParallelLayout` the
/// parallel executor runs, so the printed plan and the running job agree.
public enum EdgePartitioning {
  /// Subtask i to subtask i, in the same thread (no exchange).
  case forward
  /// Each event to the subtask owning its key's key group.
  case hash(FunctionValue)
  /// Every event to every subtask.
  case broadcast
  /// Round-robin: a change of parallelism, or many subtasks into one.
  case rebalance

  /// Every edge's partitioning (see `ParallelLayout.edgePartitioning`).
  public static func of(_ sinks: [PlanNode]) -> [PlanEdge: EdgePartitioning] {
    ParallelLayout.edgePartitioning(sinks)
  }
}

/// An edge: input `port` of the node with id `consumer`.
public struct PlanEdge: Hashable {
  public let consumer: Int
  public let port: Int
  public init(consumer: Int, port: Int) {
    self.consumer = consumer
    self.port = port
  }
}

extension ParallelLayout {
  /// The partitioning of every edge above `sinks` at a parallelism above 1
  /// that no `parallelism(n)` in the plan sets (with `--parallelism 1`
  /// every edge is forward). A window is not an operator: it runs inside
  /// the keyed operator that reads it, so the exchange is shown on the edge
  /// into the window and the edge out of it is forward.
  static func edgePartitioning(_ sinks: [PlanNode]) -> [PlanEdge: EdgePartitioning] {
    let order = ParallelExecutor.topological(sinks)
    let explicit = Set(order.compactMap(\.parallelism))
    let p = (2...KeyGroups.maxParallelism).first { !explicit.contains($0) } ?? 2
    let layout = ParallelLayout(order: order, defaultParallelism: p)
    func raw(_ n: PlanNode, _ port: Int) -> EdgePartitioning {
      switch n.kind {
      case .window, .lateEvents, .timedOut: return .forward
      default: break
      }
      if case .window = n.inputs[port].kind { return .forward }
      return layout.region[n.id] == n.id ? rawExchange(layout, n, port) : .forward
    }
    var out: [PlanEdge: EdgePartitioning] = [:]
    for n in order {
      for port in n.inputs.indices {
        let edge = PlanEdge(consumer: n.id, port: port)
        guard case .window = n.kind else {
          out[edge] = raw(n, port)
          continue
        }
        // The keyed operator reading this window decides its input edge.
        let reader = order.first { isKeyed($0) && $0.inputs.contains { $0 === n } }
        if let r = reader, let q = r.inputs.firstIndex(where: { $0 === n }) {
          out[edge] = layout.region[r.id] == r.id ? rawExchange(layout, r, q) : .forward
        } else {
          out[edge] = .forward
        }
      }
    }
    return out
  }

  static func rawExchange(_ layout: ParallelLayout, _ n: PlanNode, _ port: Int) -> EdgePartitioning {
    switch layout.partitioner(into: n, port: port, view: { $0 }) {
    case .forward: return .forward
    case .hash(let f): return .hash(f)
    case .broadcast: return .broadcast
    case .rebalance: return .rebalance
    }
  }
}
