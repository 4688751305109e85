/// Decides, for a job run with parallelism P, how many subtasks each plan
/// node gets and which nodes share a thread.
///
/// - Keyed operators (aggregates, windows, process, joins, patterns) run P
///   subtasks (or their `parallelism(n)` override); their inputs arrive
///   partitioned by key group, or broadcast for `withBroadcast`'s rules.
/// - Sources run P subtasks when they can be split (generators read every
///   P-th block of events), else one.
/// - Element-wise operators run as many subtasks as their input, in the
///   same thread as it (forward edges stay fused).
/// - Sinks run one subtask, so a file gets one writer; so does an
///   iteration, which holds every round's whole data set.
///
/// Nodes form regions: a region starts at a source, a keyed operator, a node
/// with several inputs, or a change of parallelism, and takes in every node
/// below it with a single forward input. Each (region, subtask) is one task
/// on its own thread; edges between regions are channels. Regions of a DAG
/// form a DAG, so bounded channels cannot deadlock.
struct ParallelLayout {
  /// Subtasks per node id (window nodes included: they share their input's).
  var parallelism: [Int: Int] = [:]
  /// The head node id of each node's region.
  var region: [Int: Int] = [:]
  /// The node whose operator produces a node's events (windows are not
  /// operators: their keyed input produces for them).
  var producer: [Int: PlanNode] = [:]

  init(order: [PlanNode], defaultParallelism p: Int) {
    // Subtasks per node, inputs first.
    for n in order {
      producer[n.id] = ParallelLayout.producerNode(n)
      var par: Int
      switch n.kind {
      case .source(let spec): par = spec.splittable ? (n.parallelism ?? p) : 1
      case .sink: par = 1
      // An iteration holds the whole data set of every round: one subtask.
      case .iterate: par = 1
      case .lateEvents:
        // Late events leave the aggregate that runs the window.
        let m = ParallelLayout.windowOperator(of: n, in: order)
        par = m.map { $0.parallelism ?? p } ?? 1
      case .timedOut: par = n.inputs.first.flatMap { parallelism[$0.id] } ?? 1
      case .window: par = n.inputs.first.flatMap { parallelism[$0.id] } ?? 1
      default:
        let widest = n.inputs.map { parallelism[$0.id] ?? 1 }.max() ?? 1
        par = ParallelLayout.isKeyed(n) ? (n.parallelism ?? p) : (n.parallelism ?? widest)
      }
      parallelism[n.id] = max(1, min(par, KeyGroups.maxParallelism))
    }
    // Regions, inputs first.
    for n in order {
      switch n.kind {
      case .source: region[n.id] = n.id
      case .window: region[n.id] = n.inputs.first.map { region[$0.id] ?? $0.id } ?? n.id
      case .lateEvents:
        // The window's aggregate may come later in `order` (a lateEvents
        // pipeline written first): its region is known from its input.
        guard let m = ParallelLayout.windowOperator(of: n, in: order) else { region[n.id] = n.id; continue }
        if let r = region[m.id] {
          region[n.id] = r
        } else if forwardKeyed(m) {
          let src = producer[m.inputs[0].id] ?? m.inputs[0]
          region[n.id] = region[src.id] ?? src.id
        } else {
          region[n.id] = m.id
        }
      case .timedOut: region[n.id] = n.inputs.first.map { region[$0.id] ?? $0.id } ?? n.id
      default:
        if ParallelLayout.isKeyed(n) && forwardKeyed(n) {
          // Already partitioned by its key: runs in its input's subtasks.
          let src = producer[n.inputs[0].id] ?? n.inputs[0]
          region[n.id] = region[src.id] ?? src.id
        } else if ParallelLayout.isKeyed(n) || n.inputs.count != 1 {
          region[n.id] = n.id
        } else {
          let src = producer[n.inputs[0].id] ?? n.inputs[0]
          let forward = (parallelism[src.id] ?? 1) == (parallelism[n.id] ?? 1)
          region[n.id] = forward ? (region[src.id] ?? src.id) : n.id
        }
      }
    }
  }

  /// The operator a `lateEvents` node reads late events from: a `pattern`
  /// (its input), or the aggregate that runs the window it reads.
  static func windowOperator(of n: PlanNode, in order: [PlanNode]) -> PlanNode? {
    guard let w = n.inputs.first else { return nil }
    if case .pattern = w.kind { return w }
    return order.first { $0.inputs.first === w && isKeyed($0) }
  }

  /// True for operators whose inputs are partitioned by key.
  static func isKeyed(_ n: PlanNode) -> Bool {
    switch n.kind {
    case .aggregate, .reduce, .process, .pattern, .windowJoin, .intervalJoin, .join, .changelog, .lookup, .connect, .withBroadcast: return true
    default: return false
    }
  }

  /// Whether keyed operator `n` reads a stream already partitioned by its
  /// key (a `keyBy` marked by redundant exchange removal, directly or under
  /// a window) with the same number of subtasks, so the edge is forward.
  /// At a different parallelism the edge stays a hash exchange.
  func forwardKeyed(_ n: PlanNode) -> Bool {
    guard n.inputs.count == 1 else { return false }
    var k = n.inputs[0]
    if case .window = k.kind, let i = k.inputs.first { k = i }
    guard case .keyBy = k.kind, k.alreadyPartitioned else { return false }
    let src = producer[k.id] ?? k
    return (parallelism[src.id] ?? 1) == (parallelism[n.id] ?? 1)
  }

  /// The node whose operator emits `n`'s events.
  static func producerNode(_ n: PlanNode) -> PlanNode {
    if case .window = n.kind, let i = n.inputs.first { return producerNode(i) }
    return n
  }

  /// How events travel from `input` into port `port` of `n`.
  /// `view` gives the sender subtask's copy of a node: the key function is
  /// called in the sender's thread.
  func partitioner(into n: PlanNode, port: Int, view: (PlanNode) -> PlanNode) -> Partitioner {
    let input = n.inputs[port]
    if ParallelLayout.isKeyed(n) {
      if case .broadcast = input.kind { return .broadcast }
      // `input` (a keyBy, or a window or `latest` over one) is in the
      // sender's region, so the sender's copy has it.
      if let key = OperatorFactory.keyFunction(view(input)) { return .hash(key) }
    }
    let src = producer[input.id] ?? input
    return (parallelism[src.id] ?? 1) == (parallelism[n.id] ?? 1) ? .forward : .rebalance
  }

  /// Why the plan must run on one thread, if it must: processing time
  /// (processing-time windows and triggers, idle-input timeouts) is driven
  /// by one job-wide clock that the single-threaded executor polls.
  static func needsOneThread(_ order: [PlanNode]) -> String? {
    for n in order {
      switch n.kind {
      case .withTimestamps(_, _, let idle) where idle > 0:
        return "an idle timeout (withTimestamps idle:) at \(n.location)"
      case .window(let spec, let trigger, _):
        if case .processingTime = spec { return "a processing-time window at \(n.location)" }
        if case .processingTime = trigger { return "a processingTime trigger at \(n.location)" }
      default: break
      }
    }
    return nil
  }

  /// The number of tasks the job would run.
  var taskCount: Int {
    region.filter { $0.key == $0.value }.keys.reduce(0) { $0 + (parallelism[$1] ?? 1) }
  }
}
