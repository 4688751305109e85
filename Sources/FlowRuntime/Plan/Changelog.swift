/// Changelog streams: the rows of a non-windowed aggregate or regular join
/// on unbounded input are not final, so each one is tagged with what it does
/// to the result table, as Flink's RowKind: `+I` insert, `-U` the old row of
/// an update, `+U` the new row of it, `-D` delete.
///
/// The kind travels as the record's last field, named `rowKind` (a String).
/// Only operators that produce changes add it, so append-only streams carry
/// nothing extra and no operator checks for it; operators that consume
/// changes (changelog aggregates and joins, sinks that apply them) strip it.
/// A Flow script reads it like any field (`r.rowKind == "-U"`).
public enum ChangeKind: String, Sendable {
  case insert = "+I"
  case updateBefore = "-U"
  case updateAfter = "+U"
  case delete = "-D"

  /// True for kinds that add a row (+I, +U), false for retractions.
  public var isAccumulate: Bool { self == .insert || self == .updateAfter }

  /// The name of the field that carries the kind.
  public static let field = "rowKind"

  /// A row and its kind: a record whose last field is `rowKind` loses it;
  /// any other value is an insert (an append-only stream).
  public static func split(_ v: Value, strip: inout [ObjectIdentifier: Shape]) -> (Value, ChangeKind) {
    guard case .record(let r) = v, r.shape.fields.last == field, case .string(let s)? = r.values.last,
          let kind = ChangeKind(rawValue: s) else { return (v, .insert) }
    let id = ObjectIdentifier(r.shape)
    let shape: Shape
    if let known = strip[id] {
      shape = known
    } else {
      shape = Shape(Array(r.shape.fields.dropLast()))
      strip[id] = shape
    }
    return (.record(Record(shape: shape, values: Array(r.values.dropLast()))), kind)
  }
}

/// What a changelog node computes; see `NodeKind.changelog`.
public final class ChangelogSpec {
  public enum Operation {
    /// Per key: `{key, a0, a1, ..., rowKind}` with the named aggregates.
    /// Accumulators must be `RetractableAccumulator`s when the input has
    /// retractions.
    case aggregate(fields: [(String, AggSpec)], shape: Shape)
    /// Two keyed inputs: `{key, left, right, rowKind}`, `left` or `right`
    /// null in the padded rows of outer joins.
    case join(JoinType)
    /// Per key (a partition): each row with its ROW_NUMBER in the order of
    /// `sortKey` (a list of values; `descending` per position; ties in
    /// arrival order), `{...row's fields, rank, rowKind}`; a row that moves
    /// is updated (-U/+U).
    case rank(sortKey: FunctionValue, descending: [Bool])
  }

  public enum JoinType: String, Sendable {
    case inner, left, right, full
    /// Whether the rows of input `side` (0 left, 1 right) are kept without a partner.
    public func preserves(_ side: Int) -> Bool {
      switch self {
      case .inner: return false
      case .left: return side == 0
      case .right: return side == 1
      case .full: return true
      }
    }
  }

  public let operation: Operation
  /// State of a key not touched for this long is dropped (nil: kept forever).
  public let ttl: StateTTL?
  /// SQL: a key holding a NULL matches nothing (joins only).
  public let nullKeysMatch: Bool
  /// Ranks only: the query keeps rows numbered up to this (`WHERE rn <= N`
  /// outside), so changes of rows ranked below it are not emitted.
  public var rankLimit: Int?
  /// Ranks only: the input never retracts, so rows pushed below
  /// `rankLimit` can never come back and are dropped from the state.
  public var appendOnlyInput = false

  public init(_ operation: Operation, ttl: StateTTL?, nullKeysMatch: Bool = true) {
    self.operation = operation
    self.ttl = ttl
    self.nullKeysMatch = nullKeysMatch
  }
}

/// State time-to-live (SQL's `table.exec.state.ttl`): how long a key's state
/// lives after it was last read or written, measured in processing time
/// (as Flink does) or in event time (the watermark against the rows' times).
public struct StateTTL: Sendable, CustomStringConvertible {
  public var millis: Int64
  public var eventTime: Bool
  public init(millis: Int64, eventTime: Bool) {
    self.millis = millis
    self.eventTime = eventTime
  }
  public var description: String { "ttl \(formatDuration(millis))\(eventTime ? " (event time)" : "")" }
}

/// An accumulator that can take rows back out: what an aggregate over a
/// changelog (or emitting one exactly) needs for `-U` and `-D` rows.
public protocol RetractableAccumulator: Accumulator {
  func retract(_ v: Value) throws
}

/// Per-key last-access times and the sweep that drops expired keys.
struct TTLClock {
  let ttl: StateTTL
  var lastAccess: [Value: Int64] = [:]
  var lastSweep = Int64.min

  /// The time TTL is measured in: the row's event time (else the
  /// watermark), or the processing clock.
  func now(ts: Int64, watermark: Int64, clock: ProcessingClock) -> Int64 {
    if !ttl.eventTime { return clock.now }
    return ts != Int64.min ? max(ts, watermark) : watermark
  }

  func expired(_ k: Value, now: Int64) -> Bool {
    guard let t = lastAccess[k], now != Int64.min, t != Int64.min else { return false }
    return now &- t > ttl.millis
  }

  /// Keys to drop now; sweeps at most once per TTL period.
  mutating func sweep(now: Int64) -> [Value] {
    guard now != Int64.min, lastSweep == Int64.min || now &- lastSweep >= ttl.millis else { return [] }
    lastSweep = now
    let dead = lastAccess.filter { now &- $0.value > ttl.millis }.map(\.key)
    for k in dead { lastAccess[k] = nil }
    return dead
  }

  func save(_ w: inout StateWriter) throws {
    w.int(lastSweep)
    let sorted = lastAccess.sorted { compareValues($0.key, $1.key) < 0 }
    w.int(sorted.count)
    for (k, t) in sorted { try w.value(k); w.int(t) }
  }

  mutating func load(_ r: inout StateReader) throws {
    lastSweep = try r.int()
    let n = try r.count()
    for _ in 0..<n { let k = try r.value(); lastAccess[k] = try r.int() }
  }
}

func containsNull(_ v: Value) -> Bool {
  switch v {
  case .null: return true
  case .list(let xs): return xs.contains { containsNull($0) }
  default: return false
  }
}
