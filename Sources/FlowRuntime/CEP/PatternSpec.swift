/// A CEP pattern: a sequence of parts, each with a condition (or a group:
/// a sub-pattern used as one step), a quantifier and how it may follow the
/// part before it. Built at plan time by `begin`, `next`, `followedBy`, ...,
/// `times`, `within`; compiled to an NFA by `NFAGraph`.
public final class PatternSpec: OpaqueValue, @unchecked Sendable {
  public enum Contiguity: String {
    /// `next`: the very next event.
    case strict
    /// `followedBy`: a later event; non-matching events in between are skipped.
    case relaxed
    /// `followedByAny`: any later event, also branching past matching ones.
    case any
  }

  public enum Negation {
    case none
    /// `notNext`: the event right after the previous part must not match.
    case notNext
    /// `notFollowedBy`: no matching event may come before the next part.
    case notFollowedBy
  }

  public struct Part {
    /// The field of the match record (empty for a group).
    public var name: String
    /// nil for a group.
    public var condition: FunctionValue?
    /// 1: `t => ...`; 2: `(t, m) => ...` sees the parts matched so far.
    public var conditionArity: Int
    /// A group part: the sub-pattern matched as one step.
    public var group: PatternSpec?
    public var contiguity: Contiguity
    public var negation: Negation = .none
    public var min = 1
    /// nil: unbounded (`oneOrMore`, `timesOrMore`).
    public var max: Int? = 1
    public var consecutive = false
    public var greedy = false
    public var until: FunctionValue?

    public init(name: String, condition: FunctionValue, conditionArity: Int, contiguity: Contiguity, negation: Negation) {
      self.name = name
      self.condition = condition
      self.conditionArity = conditionArity
      self.contiguity = contiguity
      self.negation = negation
    }

    public init(group: PatternSpec, contiguity: Contiguity) {
      self.name = ""
      self.condition = nil
      self.conditionArity = 1
      self.group = group
      self.contiguity = contiguity
    }

    var looping: Bool { max == nil }
  }

  public let parts: [Part]
  public let within: Int64?

  public init(parts: [Part], within: Int64?) {
    self.parts = parts
    self.within = within
  }

  /// A copy with the last part changed (quantifiers apply to the last part).
  public func withLast(_ change: (inout Part) -> Void) -> PatternSpec {
    var ps = parts
    if !ps.isEmpty { change(&ps[ps.count - 1]) }
    return PatternSpec(parts: ps, within: within)
  }

  public func appending(_ p: Part) -> PatternSpec { PatternSpec(parts: parts + [p], within: within) }
  public func within(_ d: Int64) -> PatternSpec { PatternSpec(parts: parts, within: d) }

  /// Names of the parts that appear in a match, groups flattened (negative
  /// parts do not appear).
  public var matchedNames: [String] {
    parts.filter { $0.negation == .none }.flatMap { p in p.group?.matchedNames ?? [p.name] }
  }

  /// A one-line description for `flow plan`.
  public var summary: String {
    parts.map { p in
      var s = p.group.map { "(" + $0.summary + ")" } ?? p.name
      if p.negation == .notNext { s = "notNext " + s } else if p.negation == .notFollowedBy { s = "notFollowedBy " + s }
      if p.min != 1 || p.max != 1 { s += "{\(p.min),\(p.max.map(String.init) ?? "")}" }
      return s
    }.joined(separator: " -> ")
  }
}

/// Where matching resumes after a match (FlinkCEP's after-match skip).
public enum AfterMatch {
  case noSkip
  case toNext
  case pastLastEvent
  case toFirst(String)
  case toLast(String)
}
