/// The matching engine of one key: partial matches (runs) advanced event by
/// event, in event-time order, over the states of an `NFAGraph`.
///
/// Matched events are kept in a shared buffer: each run points at the last
/// node of an immutable linked list of (field, event) nodes, so runs that
/// branch from a common prefix share it instead of copying it.
final class MatchNode {
  /// The match-record field the event belongs to.
  let slot: Int
  let event: Value
  /// The event's position in the key's input.
  let seq: Int
  let prev: MatchNode?
  /// The match record ending at this node, built on first use by an
  /// iterative condition: the chain never changes, so every later event
  /// the partial match sees reuses it.
  var record: Value? = nil
  init(slot: Int, event: Value, seq: Int, prev: MatchNode?) {
    self.slot = slot
    self.event = event
    self.seq = seq
    self.prev = prev
  }
}

struct Run {
  var state: Int
  /// nil only for the start run, which is never stored.
  var last: MatchNode?
  var startSeq: Int
  var startTime: Int64
}

/// Working space of `NFA.advance`, reused across events and shared by the
/// engines of all keys (one operator runs one event at a time), so that a
/// key's engine allocates nothing but its runs.
final class NFAScratch {
  var next: [Run] = []
  var found: [Run] = []
  /// Leaf condition results for the current run and event: 0 unknown, 1 true, 2 false.
  var cache: [UInt8]
  var stack: [Int] = []
  /// The first `edgeCount` entries are the edges `decide` found.
  var edges: [(NFAGraph.FlatEdge, Int)] = []
  var edgeCount = 0
  var bools: [Bool] = []
  var todo: [Int] = []
  init(leaves: Int) { cache = Array(repeating: 0, count: leaves) }

  @inline(__always)
  func addEdge(_ e: NFAGraph.FlatEdge, _ from: Int) {
    if edgeCount < edges.count { edges[edgeCount] = (e, from) } else { edges.append((e, from)) }
    edgeCount += 1
  }
}

/// The shared part of every key's NFA: read-only, but for the scratch space.
final class NFAProgram {
  let graph: NFAGraph
  let shape: Shape
  let skip: AfterMatch
  let within: Int64?
  /// The field a `toFirst` / `toLast` strategy names (-1: none).
  let skipSlot: Int
  let scratch: NFAScratch
  let flat: FlatNFA

  init(spec: PatternSpec, skip: AfterMatch) {
    graph = NFAGraph(spec)
    shape = Shape(graph.names)
    self.skip = skip
    within = spec.within
    scratch = NFAScratch(leaves: graph.leaves.count)
    flat = FlatNFA(graph)
    switch skip {
    case .toFirst(let n), .toLast(let n): skipSlot = graph.names.firstIndex(of: n) ?? -1
    default: skipSlot = -1
    }
  }

  /// The match record with nothing matched yet.
  private(set) lazy var emptyRecord: Value = record(nil)

  /// The match record ending at `last`, cached in the node.
  @inline(__always)
  func matchSoFar(_ last: MatchNode?) -> Value {
    guard let node = last else { return emptyRecord }
    if let r = node.record { return r }
    let r = record(node)
    node.record = r
    return r
  }

  /// The match record of a run: one list of events per named part.
  func record(_ last: MatchNode?) -> Value {
    let fields = shape.fields.count
    var lists = Array(repeating: [Value](), count: fields)
    var n = last
    while let node = n {
      if node.slot >= 0 && node.slot < fields { lists[node.slot].append(node.event) }
      n = node.prev
    }
    var values: [Value] = []
    values.reserveCapacity(fields)
    for i in 0..<fields {
      // Collected last to first; reversed in place (no second array).
      lists[i].reverse()
      values.append(.list(lists[i]))
    }
    return .record(Record(shape: shape, values: values))
  }
}

public final class NFA {
  let program: NFAProgram
  var graph: NFAGraph { program.graph }
  var runs: [Run] = []
  /// Completed matches waiting for earlier-starting partial matches to
  /// finish (skip strategies other than `noSkip` emit in start order).
  var completed: [Run] = []
  /// Events seen by this key.
  var seq = 0
  /// The `within` deadline queued for this key (Int64.max: none).
  var scheduled = Int64.max

  /// Scratch space, shared by all keys' engines of one operator.
  private let sc: NFAScratch
  private let flat: FlatNFA

  init(program: NFAProgram) {
    self.program = program
    sc = program.scratch
    flat = program.flat
  }

  var isEmpty: Bool { runs.isEmpty && completed.isEmpty }

  /// The earliest start time of a stored partial match.
  var earliestStart: Int64? { runs.lazy.map(\.startTime).min() }

  // MARK: conditions

  /// Leaf condition `i` for event `e`, evaluated at most once per run and event.
  @inline(__always)
  private func leaf(_ i: Int, _ e: Value, _ last: MatchNode?) throws -> Bool {
    let k = sc.cache[i]
    if k != 0 { return k == 1 }
    let l = flat.leaves[i]
    let ok: Bool
    if l.arity == 2 {
      ok = try l.fn.test(e, program.matchSoFar(last))
    } else {
      ok = try l.fn.test(e)
    }
    sc.cache[i] = ok ? 1 : 2
    return ok
  }

  /// Runs the postfix condition code of an edge.
  private func holds(_ edge: NFAGraph.FlatEdge, _ e: Value, _ last: MatchNode?) throws -> Bool {
    let n = Int(edge.codeCount)
    if n == 0 { return true }
    let c0 = Int(edge.codeStart)
    let code = flat.code
    if n == 1 { return try leaf(Int(code[c0]), e, last) }
    if n == 2 && code[c0 + 1] == NFAGraph.opNot && code[c0] >= 0 { return try !leaf(Int(code[c0]), e, last) }
    sc.bools.removeAll(keepingCapacity: true)
    for k in c0..<(c0 + n) {
      let op = code[k]
      switch op {
      case NFAGraph.opTrue: sc.bools.append(true)
      case NFAGraph.opNot: sc.bools[sc.bools.count - 1].toggle()
      case NFAGraph.opAnd:
        let b = sc.bools.removeLast()
        sc.bools[sc.bools.count - 1] = sc.bools[sc.bools.count - 1] && b
      default: sc.bools.append(try leaf(Int(op), e, last))
      }
    }
    return sc.bools.last ?? true
  }

  /// TAKE and IGNORE edges reachable from `state` through PROCEED edges
  /// whose conditions hold for `e`; false when a stop state is reached
  /// (the partial match is dead).
  private func decide(_ state: Int, _ e: Value, _ last: MatchNode?) throws -> Bool {
    sc.edgeCount = 0
    if !sc.stack.isEmpty { sc.stack.removeAll(keepingCapacity: true) }
    sc.stack.append(state)
    let g = flat
    let stop = Int32(g.stopState)
    var steps = 0
    while let s = sc.stack.popLast() {
      steps += 1
      if steps > g.walkLimit { break }
      for k in Int(g.edgeStart[s])..<Int(g.edgeStart[s + 1]) {
        let edge = g.edges[k]
        guard try holds(edge, e, last) else { continue }
        switch edge.action {
        case .proceed:
          if edge.target == stop { return false }
          sc.stack.append(Int(edge.target))
        case .take, .ignore:
          sc.addEdge(edge, s)
        }
      }
    }
    return true
  }

  /// Whether the final state is reachable from `state` by PROCEED edges.
  private func reachesFinal(_ state: Int, _ e: Value, _ last: MatchNode?) throws -> Bool {
    let g = flat
    if !sc.todo.isEmpty { sc.todo.removeAll(keepingCapacity: true) }
    sc.todo.append(state)
    var steps = 0
    while let s = sc.todo.popLast() {
      steps += 1
      if steps > g.walkLimit { return false }
      for k in Int(g.edgeStart[s])..<Int(g.edgeStart[s + 1]) {
        let edge = g.edges[k]
        guard edge.action == .proceed, try holds(edge, e, last) else { continue }
        if Int(edge.target) == g.finalState { return true }
        if Int(edge.target) != g.stopState { sc.todo.append(Int(edge.target)) }
      }
    }
    return false
  }

  // MARK: advancing

  /// Advances every partial match with event `e`; returns the matches to
  /// emit now, in order.
  func advance(_ e: Value, ts: Int64) throws -> [Value] {
    seq += 1
    if !sc.next.isEmpty { sc.next.removeAll(keepingCapacity: true) }
    if !sc.found.isEmpty { sc.found.removeAll(keepingCapacity: true) }
    for r in runs { try step(r, e, ts: ts, isStart: false) }
    try step(Run(state: flat.start, last: nil, startSeq: seq, startTime: ts), e, ts: ts, isStart: true)
    swap(&runs, &sc.next)
    return emitFound()
  }

  private func step(_ r: Run, _ e: Value, ts: Int64, isStart: Bool) throws {
    for i in sc.cache.indices { sc.cache[i] = 0 }
    guard try decide(r.state, e, r.last) else { return }
    let count = sc.edgeCount
    if count == 0 { return }
    for k in 0..<count {
      let (edge, from) = sc.edges[k]
      let target = Int(edge.target)
      let kind = flat.kinds[target]
      switch edge.action {
      case .take:
        let node = MatchNode(slot: flat.slots[from], event: e, seq: seq, prev: r.last)
        let n = Run(state: target, last: node, startSeq: r.startSeq, startTime: r.startTime)
        if kind == .final {
          sc.found.append(n)
        } else {
          sc.next.append(n)
          if try reachesFinal(target, e, r.last) { sc.found.append(n) }
        }
      case .ignore:
        if isStart { continue }
        let n = Run(state: target, last: r.last, startSeq: r.startSeq, startTime: r.startTime)
        if kind == .final { sc.found.append(n) } else { sc.next.append(n) }
      case .proceed:
        break
      }
    }
  }

  /// Emits completed matches: all of them with `noSkip`; otherwise in
  /// start order, once no earlier-starting partial match is pending, each
  /// emitted match discarding what its skip strategy says.
  private func emitFound() -> [Value] {
    if sc.found.isEmpty && completed.isEmpty { return [] }
    if case .noSkip = program.skip {
      let out = stableByStart(sc.found).map { program.record($0.last) }
      sc.found.removeAll(keepingCapacity: true)
      return out
    }
    completed = stableByStart(completed + sc.found)
    sc.found.removeAll(keepingCapacity: true)
    var out: [Value] = []
    while let m = completed.first {
      let earliest = runs.lazy.map(\.startSeq).min() ?? Int.max
      guard m.startSeq <= earliest else { break }
      completed.removeFirst()
      out.append(program.record(m.last))
      if let (pivot, inclusive) = pruning(m) {
        let gone: (Run) -> Bool = { inclusive ? $0.startSeq <= pivot : $0.startSeq < pivot }
        runs.removeAll(where: gone)
        completed.removeAll(where: gone)
      }
    }
    return out
  }

  private func stableByStart(_ rs: [Run]) -> [Run] {
    rs.enumerated().sorted { ($0.element.startSeq, $0.offset) < ($1.element.startSeq, $1.offset) }.map(\.element)
  }

  /// The event position before (or at, when inclusive) which partial
  /// matches are discarded after match `m`.
  private func pruning(_ m: Run) -> (Int, Bool)? {
    switch program.skip {
    case .noSkip: return nil
    case .toNext: return (m.startSeq, true)
    case .pastLastEvent: return m.last.map { ($0.seq, true) }
    case .toFirst, .toLast:
      var first: Int? = nil, last: Int? = nil
      var n = m.last
      while let node = n {
        if node.slot == program.skipSlot {
          if last == nil { last = node.seq }
          first = node.seq
        }
        n = node.prev
      }
      if case .toFirst = program.skip { return first.map { ($0, false) } }
      return last.map { ($0, false) }
    }
  }

  /// Partial matches older than `within` at time `now` are removed: those
  /// waiting out a trailing `notFollowedBy` complete (returned first), the
  /// others are returned as timed out when `keepTimedOut` (nobody reads
  /// them otherwise, and building their records is not free).
  func expire(now: Int64, keepTimedOut: Bool) -> (matches: [Value], timedOut: [(Value, Int64)]) {
    guard let w = program.within else { return ([], []) }
    // A run started by an event without event time (Int64.min) never expires.
    func old(_ r: Run) -> Bool { r.startTime != Int64.min && now &- r.startTime >= w }
    guard runs.contains(where: old) else { return ([], []) }
    var timedOut: [(Value, Int64)] = []
    runs.removeAll { r in
      guard old(r) else { return false }
      if graph.states[r.state].kind == .pending {
        sc.found.append(r)
      } else if keepTimedOut {
        timedOut.append((program.record(r.last), r.startTime &+ w))
      }
      return true
    }
    return (emitFound(), timedOut)
  }

  // MARK: checkpoints

  /// Writes runs and waiting matches; shared match prefixes are written
  /// once and stay shared after a restore.
  func save(_ w: inout StateWriter) throws {
    var ids: [ObjectIdentifier: Int] = [:]
    var nodes: [MatchNode] = []
    func collect(_ n: MatchNode?) {
      var chain: [MatchNode] = []
      var c = n
      while let x = c, ids[ObjectIdentifier(x)] == nil { chain.append(x); c = x.prev }
      for x in chain.reversed() { ids[ObjectIdentifier(x)] = nodes.count; nodes.append(x) }
    }
    for r in runs { collect(r.last) }
    for r in completed { collect(r.last) }
    w.int(seq)
    w.int(nodes.count)
    for n in nodes {
      w.int(n.slot); w.int(n.seq)
      w.int(n.prev.flatMap { ids[ObjectIdentifier($0)] } ?? -1)
      try w.value(n.event)
    }
    for list in [runs, completed] {
      w.int(list.count)
      for r in list {
        w.int(r.state); w.int(r.startSeq); w.int(r.startTime)
        w.int(r.last.flatMap { ids[ObjectIdentifier($0)] } ?? -1)
      }
    }
  }

  func load(_ r: inout StateReader) throws {
    seq = Int(try r.int())
    let n = try r.count()
    var nodes: [MatchNode] = []
    for _ in 0..<n {
      let slot = Int(try r.int()), sq = Int(try r.int()), prev = Int(try r.int())
      let v = try r.value()
      guard prev < nodes.count else { throw RuntimeError("corrupt CEP checkpoint", at: "") }
      nodes.append(MatchNode(slot: slot, event: v, seq: sq, prev: prev >= 0 ? nodes[prev] : nil))
    }
    var lists: [[Run]] = []
    for _ in 0..<2 {
      let c = try r.count()
      var list: [Run] = []
      for _ in 0..<c {
        let st = Int(try r.int()), ss = Int(try r.int()), t = try r.int(), l = Int(try r.int())
        guard st >= 0, st < graph.states.count, l < nodes.count else { throw RuntimeError("corrupt CEP checkpoint", at: "") }
        list.append(Run(state: st, last: l >= 0 ? nodes[l] : nil, startSeq: ss, startTime: t))
      }
      lists.append(list)
    }
    runs = lists[0]
    completed = lists[1]
  }
}
