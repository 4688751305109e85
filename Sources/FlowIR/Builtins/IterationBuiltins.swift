import FlowRuntime

/// `iterate` and `iterateDelta`: the step function is called once, at plan
/// time, on placeholder (`feedback`) nodes; the plan it returns is the loop
/// body, which the iterate operator runs once per round.
extension Builtins {
  /// The most rounds a script may ask for (a guard against a typo, not a
  /// limit of the runtime: rounds are not unrolled).
  static let maxIterationRounds: Int64 = 100_000_000

  static func registerIterations(_ t: inout [String: Builtin]) {
    t["iterate/Stream"] = { site, a in
      let initial = try planNode(a[0], site)
      let rounds = try roundCount(a[1], "iterate", site)
      let step = try function(a[2], site)
      let body = BodyBuilder(site: site, loopInputs: [initial])
      let current = try body.placeholder(0, like: initial)
      let next = try body.cut(try planNode(try step.apply1(.opaque(current)), site))
      var until: PlanNode?
      if case .function(let u) = a[3] {
        let previous = try body.placeholder(0, like: initial)
        let following = try body.placeholder(IterationSpec.nextSlot, like: initial)
        until = try body.cut(try planNode(try u.call([.opaque(previous), .opaque(following)]), site))
      }
      let spec = IterationSpec(mode: .bulk(until: until), outputs: [next], loopInputs: 1, maxRounds: rounds)
      return try body.node(.iterate(spec), "iterate")
    }
    t["iterateDelta/Stream"] = { site, a in
      let solution = try planNode(a[0], site), workset = try planNode(a[1], site)
      let key = try function(a[2], site)
      let rounds = try roundCount(a[3], "iterateDelta", site)
      let step = try function(a[4], site)
      let body = BodyBuilder(site: site, loopInputs: [solution, workset])
      let s = try body.placeholder(0, like: solution), w = try body.placeholder(1, like: workset)
      guard case .tuple(let pair) = try step.call([.opaque(s), .opaque(w)]), pair.count == 2 else {
        throw RuntimeError("iterateDelta: the step must return (solution delta, next workset)", at: site.location)
      }
      let outputs = [try body.cut(try planNode(pair[0], site)), try body.cut(try planNode(pair[1], site))]
      let spec = IterationSpec(mode: .delta(key: key), outputs: outputs, loopInputs: 2, maxRounds: rounds)
      return try body.node(.iterate(spec), "iterateDelta")
    }
  }

  static func roundCount(_ v: Value, _ name: String, _ site: CallSite) throws -> Int {
    let n = try int(v, site)
    guard n >= 0, n <= maxIterationRounds else {
      throw RuntimeError("\(name): times must be between 0 and \(maxIterationRounds), found \(n)", at: site.location)
    }
    return Int(n)
  }
}

/// Separates a loop body from the plan around it. Whatever the body reads
/// that does not depend on the loop (an edge list, a constant table) is cut
/// out: it becomes an input of the iterate node, read and materialized
/// once, and the body reads it through a feedback slot.
final class BodyBuilder {
  let site: CallSite
  /// The iterate node's inputs: loop variables first, then invariants.
  private(set) var inputs: [PlanNode]
  private var slotOf: [Int: Int] = [:]
  private var dependsOnLoop: [Int: Bool] = [:]
  private var rewritten = Set<Int>()

  init(site: CallSite, loopInputs: [PlanNode]) {
    self.site = site
    self.inputs = loopInputs
  }

  func placeholder(_ slot: Int, like n: PlanNode) throws -> PlanNode {
    let p = try make(.feedback(slot), [], "feedback")
    p.schema = n.schema
    dependsOnLoop[p.id] = true
    return p
  }

  /// The iterate node itself; its inputs must end.
  func node(_ kind: NodeKind, _ name: String) throws -> Value {
    for i in inputs where !i.isBounded {
      throw RuntimeError("\(name) runs over bounded data: '\(i.name)' at \(i.location) never ends", at: site.location,
                         notes: ["help: iterate over a file or a finite generator; for unbounded input keep state with `process`"])
    }
    let n = try make(kind, inputs, name)
    return .opaque(n)
  }

  /// Rewrites the body below `root` so that every input that does not
  /// depend on the loop is read through a feedback slot.
  func cut(_ root: PlanNode) throws -> PlanNode {
    if !loopDependent(root) { return try invariant(root) }
    try rewrite(root)
    return root
  }

  private func loopDependent(_ n: PlanNode) -> Bool {
    if let d = dependsOnLoop[n.id] { return d }
    let d = n.inputs.contains { loopDependent($0) }
    dependsOnLoop[n.id] = d
    return d
  }

  /// Body nodes are made by the step call, so they belong to this body
  /// alone and are rewritten in place.
  private func rewrite(_ n: PlanNode) throws {
    guard rewritten.insert(n.id).inserted else { return }
    n.inputs = try n.inputs.map { i in
      if loopDependent(i) { try rewrite(i); return i }
      return try invariant(i)
    }
  }

  /// A reference to invariant node `n` from inside the body. Nodes that
  /// carry a key or a window for their consumer (keyBy, window, latest) are
  /// copied into the body, since operators find their key there; the cut
  /// is made below them.
  private func invariant(_ n: PlanNode) throws -> PlanNode {
    switch n.kind {
    case .keyBy, .window, .latest:
      let copy = try make(n.kind, n.inputs.map { try invariant($0) }, n.name)
      copy.schema = n.schema
      copy.location = n.location
      dependsOnLoop[copy.id] = false
      return copy
    default:
      let slot: Int
      if let s = slotOf[n.id] {
        slot = s
      } else {
        inputs.append(n)
        slot = inputs.count - 1
        slotOf[n.id] = slot
      }
      let p = try make(.feedback(slot), [], "feedback")
      p.schema = n.schema
      dependsOnLoop[p.id] = false
      return p
    }
  }

  private func make(_ kind: NodeKind, _ inputs: [PlanNode], _ name: String) throws -> PlanNode {
    try planNode(site.lowering.node(kind, inputs, site, name), site)
  }
}
