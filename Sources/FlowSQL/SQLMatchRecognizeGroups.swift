import FlowRuntime

/// The shape of a MATCH_RECOGNIZE PATTERN with groups, and its translation
/// onto CEP parts: a quantified group `(A B)+?` becomes a group part of the
/// CEP engine (its sub-pattern matched as one step, repetitions in strict
/// contiguity); a group without a quantifier is only parentheses and is
/// spliced into the sequence around it.
extension SQLCompiler {
  /// `terms` with every unquantified group replaced by its contents.
  func spliceGroups(_ terms: [SQLPatternTerm]) -> [SQLPatternTerm] {
    var out: [SQLPatternTerm] = []
    for t in terms {
      guard let g = t.group else {
        out.append(t)
        continue
      }
      let inner = spliceGroups(g)
      if t.min == 1 && t.max == 1 {
        out.append(contentsOf: inner)
      } else {
        var copy = t
        copy.group = inner
        out.append(copy)
      }
    }
    return out
  }

  /// The variables, in PATTERN order.
  func leafTerms(_ terms: [SQLPatternTerm]) -> [SQLPatternTerm] {
    terms.flatMap { t in t.group.map(leafTerms) ?? [t] }
  }

  /// Every variable and group, outermost first.
  func allTerms(_ terms: [SQLPatternTerm]) -> [SQLPatternTerm] {
    terms.flatMap { t in [t] + (t.group.map(allTerms) ?? []) }
  }

  /// A greedy variable-length quantifier on the last variable of the
  /// pattern or of a group, which the engine cannot end a match with (it
  /// would never know the run is over); and whether it ends a group.
  func greedyEnd(_ terms: [SQLPatternTerm], inGroup: Bool) -> (SQLPatternTerm, Bool)? {
    for t in terms {
      if let g = t.group, let found = greedyEnd(g, inGroup: true) { return found }
    }
    guard let last = terms.last, last.group == nil, last.min != last.max, !last.reluctant else { return nil }
    return (last, inGroup)
  }

  /// A group with a greedy variable-length quantifier: the engine repeats
  /// groups reluctantly (each repetition ends as soon as what follows can
  /// match), so only the reluctant form says what it does.
  func greedyGroup(_ terms: [SQLPatternTerm]) -> SQLPatternTerm? {
    allTerms(terms).first { $0.group != nil && $0.min != $0.max && !$0.reluctant }
  }

  /// CEP parts for `terms`, in strict contiguity; `conditions` gives each
  /// variable's condition and its arity.
  func cepParts(_ terms: [SQLPatternTerm], _ conditions: [String: (FunctionValue, Int)]) -> [PatternSpec.Part] {
    terms.map { t in
      var part: PatternSpec.Part
      if let g = t.group {
        part = PatternSpec.Part(group: PatternSpec(parts: cepParts(g, conditions), within: nil), contiguity: .strict)
      } else {
        let (condition, arity) = conditions[t.name] ?? (FunctionValue(info: FunctionInfo(text: "true", fieldsRead: [], constant: .bool(true), updatedFields: nil)) { _ in .bool(true) }, 1)
        part = PatternSpec.Part(name: t.name, condition: condition, conditionArity: arity, contiguity: .strict, negation: .none)
        part.greedy = t.min != t.max && !t.reluctant
      }
      part.min = t.min
      part.max = t.max
      // Repetitions are consecutive rows.
      if t.max != 1 { part.consecutive = true }
      return part
    }
  }
}

extension SQLCompiler {
  /// `terms` with the second and later occurrences of a variable renamed
  /// `A#2`, `A#3`, ... (CEP parts have unique names); `seen` counts them.
  func renameOccurrences(_ terms: [SQLPatternTerm], _ seen: inout [String: Int]) -> [SQLPatternTerm] {
    var out: [SQLPatternTerm] = []
    for var t in terms {
      if let g = t.group {
        t.group = renameOccurrences(g, &seen)
      } else {
        let n = (seen[t.name] ?? 0) + 1
        seen[t.name] = n
        if n > 1 { t.name += "#\(n)" }
      }
      out.append(t)
    }
    return out
  }
}

/// How the rows of a CEP match record map to MATCH_RECOGNIZE variables.
struct MatchLayout {
  /// The variables, in order of first appearance in PATTERN.
  let variables: [String]
  /// The record's fields (CEP parts): a variable, or `A#2` for a later occurrence of `A`.
  let parts: [String]
  /// Given when rows of different parts can interleave (groups, repeated
  /// variables): the event-time column to put the rows in order by.
  let timeSlot: Int?
  private let partVariable: [Int]
  private let single: Set<String>

  init(variables: [String], parts: [String], timeSlot: Int?) {
    self.variables = variables
    self.parts = parts
    self.timeSlot = timeSlot
    let vs = parts.map { p in p.split(separator: "#").first.map(String.init) ?? p }
    partVariable = vs.map { v in variables.firstIndex(of: v) ?? 0 }
    single = Set(variables.filter { v in vs.filter { $0 == v }.count == 1 })
  }

  /// The variable of CEP part `p`.
  func variable(_ p: String) -> String { p.split(separator: "#").first.map(String.init) ?? p }

  /// Every row of a match with the index of its variable, in match order:
  /// pattern order when parts follow each other once, else by event time
  /// (a stable sort: rows with equal times stay in pattern order).
  func rows(_ match: Value) -> [(Int, Value)] {
    guard case .record(let r) = match else { return [] }
    var out: [(Int, Value)] = []
    for (i, p) in parts.enumerated() {
      if case .list(let xs)? = r[p] { for x in xs { out.append((partVariable[i], x)) } }
    }
    guard let slot = timeSlot, out.count > 1 else { return out }
    func time(_ row: Value) -> Int64 {
      if case .record(let x) = row, slot < x.values.count, case .time(let t) = x.values[slot] { return t }
      return Int64.min
    }
    return out.enumerated().sorted { a, b in
      let ta = time(a.element.1), tb = time(b.element.1)
      return ta != tb ? ta < tb : a.offset < b.offset
    }.map(\.element)
  }

  /// The rows of variable `v`, in match order.
  func rows(of v: String, _ match: Value) -> [Value] {
    if single.contains(v) {
      guard case .record(let r) = match, case .list(let xs)? = r[v] else { return [] }
      return xs
    }
    guard let i = variables.firstIndex(of: v) else { return [] }
    return rows(match).filter { $0.0 == i }.map(\.1)
  }
}
