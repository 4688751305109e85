/// The matching engine of one key: a set of partial matches (runs) advanced
/// event by event in event-time order.
///
/// Matched events are kept in a shared buffer: each run points at the last
/// node of an immutable linked list of (part, event) nodes, so runs that
/// branch from a common prefix share it instead of copying it.
final class MatchNode {
  let part: Int
  let event: Value
  let seq: Int
  let prev: MatchNode?
  init(part: Int, event: Value, seq: Int, prev: MatchNode?) {
    self.part = part
    self.event = event
    self.seq = seq
    self.prev = prev
  }
}

struct Run {
  /// The part being filled and how many events it holds.
  var part: Int
  var count: Int
  var last: MatchNode
  var startSeq: Int
  var startTime: Int64
  /// `notNext` after this part has been checked against the next event.
  var notNextChecked = false
  var id: Int
}

public final class NFA {
  let spec: PatternSpec
  let shape: Shape
  var runs: [Run] = []
  var nextRunID = 0
  /// Parts that appear in matches, and their slot in the match record.
  let slots: [Int?]

  public init(spec: PatternSpec) {
    self.spec = spec
    self.shape = Shape(spec.matchedNames)
    var s: [Int?] = []
    var k = 0
    for p in spec.parts {
      if p.negation == .none { s.append(k); k += 1 } else { s.append(nil) }
    }
    self.slots = s
  }

  var isEmpty: Bool { runs.isEmpty }

  /// The match record of a run: one list of events per named part.
  func record(_ last: MatchNode?) -> Value {
    var lists = Array(repeating: [Value](), count: shape.fields.count)
    var n = last
    while let node = n {
      if let s = slots[node.part] { lists[s].append(node.event) }
      n = node.prev
    }
    return .record(Record(shape: shape, values: lists.map { .list($0.reversed()) }))
  }

  func events(_ last: MatchNode) -> [MatchNode] {
    var out: [MatchNode] = []
    var n: MatchNode? = last
    while let node = n { out.append(node); n = node.prev }
    return out.reversed()
  }

  func accepts(_ p: PatternSpec.Part, _ e: Value, _ last: MatchNode?, part: Int, seq: Int) throws -> Bool {
    let r: Value
    if p.conditionArity == 2 {
      let tentative = MatchNode(part: part, event: e, seq: seq, prev: last)
      r = try p.condition.call([e, record(tentative)])
    } else {
      r = try p.condition.apply1(e)
    }
    if case .bool(true) = r { return true }
    return false
  }

  /// Whether parts after `i` are all optional (so a run at `i` is complete).
  func restOptional(after i: Int) -> Bool {
    var j = i + 1
    while j < spec.parts.count {
      let p = spec.parts[j]
      if p.negation == .none && p.min > 0 { return false }
      if p.negation == .notFollowedBy && j == spec.parts.count - 1 { return false }
      j += 1
    }
    return true
  }

  /// A trailing `notFollowedBy` completes only when `within` expires.
  var endsWithNotFollowedBy: Bool { spec.parts.last?.negation == .notFollowedBy }

  struct Outcome {
    var matches: [(Value, Run)] = []
  }

  /// Advances every run with event `e`; returns completed matches in order.
  func advance(_ e: Value, seq: Int, ts: Int64) throws -> [(Value, Run)] {
    var next: [Run] = []
    var matches: [(Value, Run)] = []
    func emitIfComplete(_ r: Run) {
      let p = spec.parts[r.part]
      if r.count >= p.min && restOptional(after: r.part) && !endsWithNotFollowedBy {
        matches.append((record(r.last), r))
      }
    }
    func canLoopLater(_ r: Run) -> Bool {
      let p = spec.parts[r.part]
      return (p.max.map { r.count < $0 } ?? true) && !p.consecutive
    }
    for var r in runs {
      let p = spec.parts[r.part]
      var taken = false
      var tookLoop = false
      var killed = false
      // Negative parts right after the current one.
      var j = r.part + 1
      var target: Int? = nil
      var blockedByNegation = false
      while j < spec.parts.count {
        let q = spec.parts[j]
        if q.negation == .notNext {
          if r.count >= p.min && !r.notNextChecked && seq == r.last.seq + 1 {
            if try accepts(q, e, r.last, part: j, seq: seq) { blockedByNegation = true }
          }
          j += 1
          continue
        }
        if q.negation == .notFollowedBy {
          if r.count >= p.min, try accepts(q, e, r.last, part: j, seq: seq) { killed = true }
          j += 1
          continue
        }
        target = j
        break
      }
      // 1. Loop: take into the current part.
      if let until = p.until, case .bool(true) = try until.apply1(e) {
        // `until` closes the loop: the event is not taken into it.
      } else if (p.max.map { r.count < $0 } ?? true),
                !(p.consecutive && seq != r.last.seq + 1),
                try accepts(p, e, r.last, part: r.part, seq: seq) {
        var n = r
        n.count += 1
        n.last = MatchNode(part: r.part, event: e, seq: seq, prev: r.last)
        n.notNextChecked = false
        next.append(n)
        emitIfComplete(n)
        taken = true
        tookLoop = true
      }
      // 2. Proceed to the next part (skipping optional ones).
      if r.count >= p.min, !blockedByNegation, !killed, var t = target {
        while t < spec.parts.count {
          let q = spec.parts[t]
          if q.negation != .none { t += 1; continue }
          let strictOK = q.contiguity != .strict || seq == r.last.seq + 1
          if strictOK, !(p.greedy && tookLoop), try accepts(q, e, r.last, part: t, seq: seq) {
            nextRunID += 1
            let n = Run(part: t, count: 1, last: MatchNode(part: t, event: e, seq: seq, prev: r.last), startSeq: r.startSeq, startTime: r.startTime, id: nextRunID)
            next.append(n)
            emitIfComplete(n)
            taken = true
          }
          if q.min == 0 { t += 1 } else { break }
        }
      }
      if killed { continue }
      // 3. Ignore the event and stay, if the run can still progress: a
      // relaxed loop skips events it does not take; a relaxed next part
      // skips events it does not take; `followedByAny` also branches past
      // events it takes.
      if r.count >= p.min && seq == r.last.seq + 1 { r.notNextChecked = true }
      let nextContiguity = target.map { spec.parts[$0].contiguity } ?? .relaxed
      var stay: Bool
      if tookLoop {
        stay = false
      } else if taken {
        stay = canLoopLater(r) || nextContiguity == .any
      } else if r.count < p.min {
        stay = !p.consecutive
      } else {
        stay = canLoopLater(r) || (target != nil && nextContiguity != .strict && !blockedByNegation)
      }
      if stay { next.append(r) }
    }
    // A new run starting at this event.
    if let first = spec.parts.first, try accepts(first, e, nil, part: 0, seq: seq) {
      nextRunID += 1
      let n = Run(part: 0, count: 1, last: MatchNode(part: 0, event: e, seq: seq, prev: nil), startSeq: seq, startTime: ts, id: nextRunID)
      next.append(n)
      emitIfComplete(n)
    }
    // Drop runs that completed and can go no further.
    runs = next.filter { r in
      let p = spec.parts[r.part]
      let complete = r.count >= p.min && r.part == spec.parts.count - 1
      return !(complete && !(p.max.map { r.count < $0 } ?? true))
    }
    return matches
  }

  /// Checkpoint support: each run with its matched events (shared prefixes
  /// are written once per run; they are not shared again after a restore).
  func save(_ w: inout StateWriter) throws {
    w.int(nextRunID)
    w.int(runs.count)
    for r in runs {
      w.int(r.part); w.int(r.count); w.int(r.startSeq); w.int(r.startTime); w.bool(r.notNextChecked); w.int(r.id)
      let evs = events(r.last)
      w.int(evs.count)
      for e in evs { w.int(e.part); w.int(e.seq); try w.value(e.event) }
    }
  }

  func load(_ r: inout StateReader) throws {
    nextRunID = Int(try r.int())
    let n = try r.count()
    runs = []
    for _ in 0..<n {
      let part = Int(try r.int()), count = Int(try r.int()), startSeq = Int(try r.int())
      let startTime = try r.int()
      let checked = try r.bool()
      let id = Int(try r.int())
      let c = try r.count()
      var last: MatchNode? = nil
      for _ in 0..<c {
        let p = Int(try r.int()), sq = Int(try r.int())
        last = MatchNode(part: p, event: try r.value(), seq: sq, prev: last)
      }
      guard let l = last else { continue }
      var run = Run(part: part, count: count, last: l, startSeq: startSeq, startTime: startTime, id: id)
      run.notNextChecked = checked
      runs.append(run)
    }
  }

  /// Whether the after-match strategy discards run `c` once the match of
  /// run `m` has been emitted.
  func discards(_ c: Run, after m: Run, _ strategy: AfterMatch) -> Bool {
    switch strategy {
    case .noSkip: return false
    case .toNext: return c.startSeq == m.startSeq
    case .pastLastEvent: return c.startSeq <= m.last.seq
    case .toFirst(let name), .toLast(let name):
      guard let idx = spec.parts.firstIndex(where: { $0.name == name }) else { return false }
      let inPart = events(m.last).filter { $0.part == idx }
      let isFirst: Bool
      if case .toFirst = strategy { isFirst = true } else { isFirst = false }
      guard let pivot = (isFirst ? inPart.first : inPart.last)?.seq else { return false }
      return c.startSeq < pivot
    }
  }

  func skip(after m: Run, _ strategy: AfterMatch) {
    runs.removeAll { discards($0, after: m, strategy) }
  }

  /// Runs older than `within` at time `now`: removed; returned so that they
  /// can go to the timed-out side stream (or complete a trailing
  /// `notFollowedBy`).
  func expire(now: Int64) -> [Run] {
    guard let w = spec.within else { return [] }
    var gone: [Run] = []
    runs.removeAll { r in
      if now - r.startTime > w { gone.append(r); return true }
      return false
    }
    return gone
  }
}
