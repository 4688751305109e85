/// The states and edges a pattern compiles to, built back to front the way
/// FlinkCEP builds its NFA: each state has TAKE edges (consume the event
/// into the match), IGNORE edges (skip it and wait) and PROCEED edges
/// (epsilon moves, evaluated on the same event). Quantifiers become copies
/// of a part's state (`times`) or a self-loop (`oneOrMore`); groups become
/// copies of their sub-pattern's states. A PROCEED into the stop state kills
/// a partial match (`notNext`, `notFollowedBy`).
final class NFAGraph {
  enum Action: UInt8 { case take, ignore, proceed }
  enum Kind: UInt8 { case normal, final, stop, pending }
  indirect enum Cond {
    case always
    /// Leaf condition `i` (a part's condition or an `until`).
    case leaf(Int)
    case not(Cond)
    case and(Cond, Cond)
  }
  struct Edge {
    var action: Action
    var target: Int
    var cond: Cond
    /// A stop edge from a `notFollowedBy` before an optional part.
    var fromNot = false
  }
  struct State {
    /// The match-record field a TAKE from this state fills (-1: none).
    var slot: Int
    var kind: Kind
    var edges: [Edge] = []
  }
  /// A class, not a struct: reading a `FunctionValue` out of an array
  /// copies (retains) every closure it holds, once per condition call.
  final class Leaf {
    let fn: FunctionValue
    /// 2: the condition also sees the match so far.
    let arity: Int
    init(fn: FunctionValue, arity: Int) {
      self.fn = fn
      self.arity = arity
    }
  }

  typealias Part = PatternSpec.Part
  private(set) var states: [State] = []
  private(set) var leaves: [Leaf] = []
  let names: [String]
  let finalState: Int
  let stopState: Int
  private(set) var start = 0

  init(_ spec: PatternSpec) {
    names = spec.matchedNames
    finalState = 0
    stopState = 1
    states = [State(slot: -1, kind: .final), State(slot: -1, kind: .stop)]
    start = compileSequence(spec.parts, sink: finalState, head: nil)
    flatten()
  }

  // MARK: the flat form the engine runs

  /// An edge with its condition as a slice of `code`: plain integers, so
  /// walking edges touches no reference counts.
  struct FlatEdge {
    var action: Action
    var target: Int32
    var codeStart: Int32
    var codeCount: Int32
  }
  /// Postfix condition code: a leaf index (>= 0), or one of these.
  static let opTrue: Int32 = -1, opNot: Int32 = -2, opAnd: Int32 = -3
  private(set) var flatEdges: [FlatEdge] = []
  /// The edges of state `s` are `flatEdges[edgeStart[s] ..< edgeStart[s + 1]]`.
  private(set) var edgeStart: [Int32] = []
  private(set) var code: [Int32] = []

  private func flatten() {
    func emit(_ c: Cond) {
      switch c {
      case .always: code.append(NFAGraph.opTrue)
      case .leaf(let i): code.append(Int32(i))
      case .not(let x): emit(x); code.append(NFAGraph.opNot)
      case .and(let a, let b): emit(a); emit(b); code.append(NFAGraph.opAnd)
      }
    }
    for st in states {
      edgeStart.append(Int32(flatEdges.count))
      for e in st.edges {
        let c0 = code.count
        if case .always = e.cond {} else { emit(e.cond) }
        flatEdges.append(FlatEdge(action: e.action, target: Int32(e.target), codeStart: Int32(c0), codeCount: Int32(code.count - c0)))
      }
    }
    edgeStart.append(Int32(flatEdges.count))
  }

  var usesMatchSoFar: Bool { leaves.contains { $0.arity == 2 } }

  // MARK: building

  private func add(_ slot: Int, _ kind: Kind = .normal) -> Int {
    states.append(State(slot: slot, kind: kind))
    return states.count - 1
  }

  private func edge(_ from: Int, _ a: Action, _ to: Int, _ c: Cond, fromNot: Bool = false) {
    states[from].edges.append(Edge(action: a, target: to, cond: c, fromNot: fromNot))
  }

  private func leaf(_ f: FunctionValue, _ arity: Int) -> Cond {
    leaves.append(Leaf(fn: f, arity: arity))
    return .leaf(leaves.count - 1)
  }

  private func condition(_ p: Part) -> Cond {
    guard let c = p.condition else { return .always }
    return leaf(c, p.conditionArity)
  }

  /// Compiles `parts` so that completing them leads to `sink`; returns the
  /// entry state. `head` overrides how the first part follows what comes
  /// before (for groups: the group's own contiguity).
  private func compileSequence(_ parts: [Part], sink: Int, head: PatternSpec.Contiguity?) -> Int {
    var sink = sink
    // Conditions compiled once per part (copies share them).
    var conds: [Cond?] = parts.map { $0.negation == .none ? nil : condition($0) }
    for i in stride(from: parts.count - 1, through: 0, by: -1) {
      let p = parts[i]
      switch p.negation {
      case .notFollowedBy:
        // As the last part (with `within`): a pending state that completes
        // when the time runs out. Elsewhere it becomes stop edges on the
        // states of the next part (see `notsBefore`).
        if states[sink].kind == .final, let c = conds[i] {
          let s = add(-1, .pending)
          edge(s, .proceed, stopState, c)
          edge(s, .ignore, s, .not(c))
          sink = s
        }
      case .notNext:
        guard let c = conds[i] else { continue }
        let s = add(-1)
        // Before the end, the event goes on to the next part; at the end
        // it is skipped into the final state (a PROCEED would complete the
        // match before the next event was seen).
        edge(s, states[sink].kind == .final ? .ignore : .proceed, sink, .not(c))
        edge(s, .proceed, stopState, c)
        sink = s
      case .none:
        let nots = notsBefore(parts, i, &conds)
        var followingNot: Cond? = nil
        if i + 1 < parts.count, parts[i + 1].negation == .notFollowedBy { followingNot = conds[i + 1] }
        let contiguity = i == 0 ? (head ?? p.contiguity) : p.contiguity
        if let g = p.group {
          sink = convertGroup(p, g, sink: sink, contiguity: contiguity, nots: nots)
        } else {
          sink = convertPart(p, sink: sink, contiguity: contiguity, nots: nots, followingNot: followingNot)
        }
      }
    }
    return sink
  }

  /// The `notFollowedBy` conditions right before part `i` (looking past
  /// optional parts): no such event may come while waiting for part `i`.
  private func notsBefore(_ parts: [Part], _ i: Int, _ conds: inout [Cond?]) -> [Cond] {
    var out: [Cond] = []
    var j = i - 1
    while j >= 0, parts[j].negation == .notFollowedBy || parts[j].min == 0 {
      if parts[j].negation == .notFollowedBy, let c = conds[j] { out.append(c) }
      j -= 1
    }
    return out
  }

  private func addStops(_ s: Int, _ nots: [Cond]) {
    for c in nots { edge(s, .proceed, stopState, c, fromNot: true) }
  }

  /// Once an optional part takes an event, the `notFollowedBy` before it
  /// no longer applies to what follows: a copy of `sink` without those stops.
  private func withoutNots(_ sink: Int) -> Int {
    var s = states[sink]
    s.edges.removeAll { $0.fromNot }
    states.append(s)
    return states.count - 1
  }

  private func ignoreCond(_ c: PatternSpec.Contiguity, _ take: Cond) -> Cond? {
    switch c {
    case .strict: return nil
    case .relaxed: return .not(take)
    case .any: return .always
    }
  }

  private func convertPart(_ p: Part, sink: Int, contiguity: PatternSpec.Contiguity, nots: [Cond], followingNot: Cond?) -> Int {
    let slot = names.firstIndex(of: p.name) ?? -1
    let base = condition(p)
    let untilCond = p.until.map { leaf($0, 1) }
    let take: Cond = untilCond.map { .and(base, .not($0)) } ?? base
    var inner: Cond? = p.consecutive ? nil : .not(base)
    if let u = untilCond, let i = inner { inner = .and(i, .not(u)) }
    let outer = ignoreCond(contiguity, base)
    let optional = p.min == 0
    let takeSink = optional && !nots.isEmpty ? withoutNots(sink) : sink
    let from = max(p.min, 1)
    var last = takeSink
    if p.looping {
      last = looping(slot, sink: takeSink, take: take, inner: inner, greedy: p.greedy, followingNot: followingNot)
    } else if p.greedy, let mx = p.max, from != mx {
      greedyGuard(sink, take)
    }
    let to = p.max ?? from
    for _ in stride(from: from, to: to, by: 1) {
      last = singleton(slot, sink: last, proceed: sink, take: take, ignore: inner, optional: true, greedy: p.greedy, nots: [])
      if let n = followingNot { edge(last, .proceed, stopState, n) }
    }
    for _ in stride(from: 0, to: from - 1, by: 1) {
      last = singleton(slot, sink: last, proceed: nil, take: take, ignore: inner, optional: false, greedy: false, nots: [])
      if let n = followingNot { edge(last, .proceed, stopState, n) }
    }
    let first = singleton(slot, sink: last, proceed: sink, take: take, ignore: outer, optional: optional, greedy: p.greedy, nots: nots)
    addStops(first, nots)
    return first
  }

  private func singleton(_ slot: Int, sink: Int, proceed: Int?, take: Cond, ignore: Cond?, optional: Bool, greedy: Bool, nots: [Cond]) -> Int {
    let s = add(slot)
    edge(s, .take, sink, take)
    if optional, let pr = proceed { edge(s, .proceed, pr, greedy ? .not(take) : .always) }
    if let ig = ignore {
      // An optional part that skipped an event must not also proceed
      // (that path exists already): its waiting state has no PROCEED.
      var target = s
      if optional {
        target = add(slot)
        edge(target, .take, sink, take)
        edge(target, .ignore, target, ig)
        addStops(target, nots)
      }
      edge(s, .ignore, target, ig)
    }
    return s
  }

  private func looping(_ slot: Int, sink: Int, take: Cond, inner: Cond?, greedy: Bool, followingNot: Cond?) -> Int {
    let s = add(slot)
    if greedy {
      edge(s, .proceed, sink, .not(take))
      greedyGuard(sink, take)
    } else {
      edge(s, .proceed, sink, .always)
    }
    edge(s, .take, s, take)
    if let n = followingNot { edge(s, .proceed, stopState, n) }
    if let ig = inner {
      let w = add(slot)
      edge(w, .take, s, take)
      edge(w, .ignore, w, ig)
      if let n = followingNot { edge(w, .proceed, stopState, n) }
      edge(s, .ignore, w, ig)
    }
    return s
  }

  /// `greedy`: the part after a loop may not take an event the loop can.
  private func greedyGuard(_ s: Int, _ take: Cond) {
    guard states[s].kind == .normal else { return }
    for k in states[s].edges.indices where states[s].edges[k].target != stopState {
      states[s].edges[k].cond = .and(states[s].edges[k].cond, .not(take))
    }
  }

  /// A group: its sub-pattern compiled once per repetition, the first copy
  /// waiting with the group's contiguity, later ones with its inner one.
  private func convertGroup(_ p: Part, _ g: PatternSpec, sink: Int, contiguity: PatternSpec.Contiguity, nots: [Cond]) -> Int {
    let inner: PatternSpec.Contiguity = p.consecutive ? .strict : .relaxed
    let from = max(p.min, 1)
    var last = sink
    if p.looping {
      // After each pass: go round again or leave.
      let again = add(-1)
      let body = compileSequence(g.parts, sink: again, head: inner)
      optionalEntry(body, proceedTo: sink)
      edge(again, .proceed, body, .always)
      last = body
    }
    let to = p.max ?? from
    for _ in stride(from: from, to: to, by: 1) {
      let body = compileSequence(g.parts, sink: last, head: inner)
      optionalEntry(body, proceedTo: sink)
      last = body
    }
    for _ in stride(from: 0, to: from - 1, by: 1) {
      last = compileSequence(g.parts, sink: last, head: inner)
    }
    let first = compileSequence(g.parts, sink: last, head: contiguity)
    if p.min == 0 { optionalEntry(first, proceedTo: sink) }
    addStops(first, nots)
    return first
  }

  /// Makes entry state `s` skippable: a PROCEED to `proceedTo`, and its
  /// waiting (IGNORE) edges moved to a copy without that PROCEED, so that
  /// "skip an event, then proceed" is not a second path to the same match.
  private func optionalEntry(_ s: Int, proceedTo: Int) {
    if states[s].edges.contains(where: { $0.action == .ignore && $0.target == s }) {
      var w = states[s]
      states.append(w)
      let wi = states.count - 1
      for k in w.edges.indices where w.edges[k].action == .ignore && w.edges[k].target == s { w.edges[k].target = wi }
      states[wi] = w
      for k in states[s].edges.indices where states[s].edges[k].action == .ignore && states[s].edges[k].target == s {
        states[s].edges[k].target = wi
      }
    }
    edge(s, .proceed, proceedTo, .always)
  }
}

/// What the engine reads per event, in `let` arrays: an array kept in a
/// `var` of a class is retained and released around every read, and the
/// engine reads edges and condition code several times per event.
final class FlatNFA {
  let edges: [NFAGraph.FlatEdge]
  /// The edges of state `s` are `edges[edgeStart[s] ..< edgeStart[s + 1]]`.
  let edgeStart: [Int32]
  let code: [Int32]
  let kinds: [NFAGraph.Kind]
  let slots: [Int]
  let leaves: [NFAGraph.Leaf]
  let start: Int
  let finalState: Int
  let stopState: Int
  /// Bound on the states one PROCEED walk visits (a guard against cycles).
  let walkLimit: Int

  init(_ g: NFAGraph) {
    edges = g.flatEdges
    edgeStart = g.edgeStart
    code = g.code
    kinds = g.states.map(\.kind)
    slots = g.states.map(\.slot)
    leaves = g.leaves
    start = g.start
    finalState = g.finalState
    stopState = g.stopState
    walkLimit = 4 * g.states.count
  }
}
