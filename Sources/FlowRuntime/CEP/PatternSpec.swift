/// A CEP pattern: a sequence of named parts, each with a condition, a
/// quantifier and how it may follow the part before it. Built at plan time
/// by `begin`, `next`, `followedBy`, ..., `times`, `within`.
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
    public var name: String
    public var condition: FunctionValue
    /// 1: `t => ...`; 2: `(t, m) => ...` sees the parts matched so far.
    public var conditionArity: Int
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

  /// Names of the parts that appear in a match (negative parts do not).
  public var matchedNames: [String] { parts.filter { $0.negation == .none }.map(\.name) }
}

/// Where matching resumes after a match (FlinkCEP's after-match skip).
public enum AfterMatch {
  case noSkip
  case toNext
  case pastLastEvent
  case toFirst(String)
  case toLast(String)
}
