/// The dataflow plan: a DAG of logical operators whose functions are
/// already-compiled closures. Lowering builds it by evaluating the script;
/// the executor turns it into running operators.
///
/// A `PlanNode` is also the plan-time value of a `Stream`, `Keyed` or
/// `Windowed` expression, carried in `Value.opaque`.
public final class PlanNode: OpaqueValue, @unchecked Sendable {
  public let id: Int
  /// Optimizer rules rewrite the plan in place.
  public var kind: NodeKind
  public var inputs: [PlanNode]
  /// Script position of the call that made it, `file:line:col`.
  public var location: String
  /// Operator name as written (`map`, `filter`, ...), for plans and stats.
  public var name: String
  /// The type of the events it produces, as the checker printed it.
  public var schema: String
  /// A user-given stable id (`uid`), else one derived from the program:
  /// the operator's name and script position. Checkpoints key state by it.
  public var uid: String
  /// Subtasks for this operator when the job runs in parallel, as set by
  /// `parallelism(n)` in the script (nil: the job's parallelism).
  public var parallelism: Int?
  /// For a Table API `groupBy`: the state TTL of the changelog aggregate or
  /// join that reads it (nil: state kept for the whole run).
  public var stateTTL: StateTTL?
  /// On a keyed aggregate: each sending subtask pre-aggregates per key
  /// before the hash exchange (set by the optimizer's combiners rule; the
  /// parallel executor builds the combiner from it).
  public var combiner = false
  /// On a `keyBy`: the stream is already partitioned by this key (set by
  /// redundant exchange removal), so the keyed operator reading it takes its
  /// events on a forward edge, in the same subtask, without hashing.
  public var alreadyPartitioned = false

  public init(id: Int, kind: NodeKind, inputs: [PlanNode], location: String, name: String, schema: String = "", uid: String = "") {
    self.id = id
    self.kind = kind
    self.inputs = inputs
    self.location = location
    self.name = name
    self.schema = schema
    self.uid = uid
  }

  /// True when every source upstream ends: final results are then emitted
  /// once at the end instead of as running updates.
  public var isBounded: Bool {
    if case .source(let s) = kind { return s.bounded }
    return inputs.allSatisfy { $0.isBounded }
  }
}

public enum NodeKind {
  case source(SourceSpec)
  case map(FunctionValue)
  case filter(FunctionValue)
  case flatMap(FunctionValue)
  case union
  case keyBy(FunctionValue)
  case withTimestamps(time: FunctionValue, watermark: WatermarkSpec, idleMillis: Int64)
  case window(WindowSpec, TriggerSpec, latenessMillis: Int64)
  case lateEvents
  /// Keyed or windowed aggregation; `fields` name the aggregates in order.
  case aggregate(fields: [(String, AggSpec)], shape: Shape)
  /// `count()`/`sum(f)` on keyed or windowed streams: one named aggregate.
  case reduce(FunctionValue)
  case process(ProcessSpec)
  case sink(SinkSpec)
  /// Element-wise operators fused into one stage by the optimizer.
  case fused([FusedStage])
  /// Two keyed inputs joined per key and window: inner pairs, or (coGroup)
  /// both sides' events as lists, even when one side is empty.
  case windowJoin(WindowSpec, coGroup: Bool)
  /// Pairs of left and right events with equal keys whose times differ by
  /// `lower` to `upper` (right time - left time).
  case intervalJoin(lower: Int64, upper: Int64)
  /// The latest value per key of a keyed stream (input of `lookup`).
  case latest
  /// Each left event with the latest right value of its key.
  case lookup
  /// Two keyed streams sharing one state per key.
  case connect(ConnectSpec)
  /// A stream every key sees (input of `withBroadcast`).
  case broadcast
  case withBroadcast(ConnectSpec)
  /// CEP: matches of a pattern on each key.
  case pattern(PatternSpec, AfterMatch)
  /// Partial matches of a pattern node that timed out (`within`).
  case timedOut
  /// A regular inner join of two keyed streams (no window): every pair of
  /// events with equal keys, emitted as soon as both are there.
  case join
  /// A non-windowed aggregate (one keyed input) or regular join (two)
  /// that emits a changelog: rows tagged +I/-U/+U/-D (see Changelog.swift).
  case changelog(ChangelogSpec)
  /// A loop over bounded data: inputs are the loop's initial values, then
  /// the invariant inputs its body reads; see `IterationSpec`.
  case iterate(IterationSpec)
  /// Inside an iteration body: the events of input `slot` in this round.
  case feedback(Int)
}

/// State functions of `connect` (onLeft, onRight) and `withBroadcast`
/// (onEvent with the rules seen so far).
public final class ConnectSpec {
  public let initial: Value
  public let onLeft: FunctionValue
  public let onRight: FunctionValue?
  public init(initial: Value, onLeft: FunctionValue, onRight: FunctionValue?) {
    self.initial = initial
    self.onLeft = onLeft
    self.onRight = onRight
  }
}

/// One step of a fused element-wise stage.
public enum FusedStage {
  case map(FunctionValue)
  case filter(FunctionValue)
  case flatMap(FunctionValue)
}

/// A source: how to open it, and whether it ends.
public final class SourceSpec {
  public let bounded: Bool
  public let description: String
  /// Everything that determines what it reads: two sources with equal keys
  /// read the same events, so the optimizer may share one.
  public let key: String
  /// For record sources that can skip decoding columns: the fields the
  /// plan uses (nil: all). Set by projection pruning.
  public var columns: Set<String>?
  public let supportsProjection: Bool
  /// Whether parallel subtasks may each read a share of it: its readers can
  /// `seek` to any event index (generators).
  public var splittable = false
  /// Opens the source with the column projection, at a position taken by
  /// a checkpoint (0: the start); called once per job.
  public let open: (Set<String>?, Int64) throws -> SourceReader
  /// What it reads, in terms another engine can map (`flow compile`); nil
  /// for sources that have no counterpart elsewhere.
  public var connector: ConnectorInfo?
  public init(bounded: Bool, description: String, key: String, supportsProjection: Bool = false, open: @escaping (Set<String>?, Int64) throws -> SourceReader) {
    self.bounded = bounded
    self.description = description
    self.key = key
    self.supportsProjection = supportsProjection
    self.open = open
  }
}

/// What the executor needs of a source.
public protocol SourceReader: AnyObject {
  /// Where the next unread event is (a byte offset, an event index), for
  /// checkpoints; nil for sources that cannot be replayed (stdin, sockets).
  var position: Int64? { get }
  /// Appends up to `max` values; returns false when the input is over.
  func read(max: Int, into: inout [Value]) throws -> Bool
  /// Fraction of a bounded input consumed, 0...1, if known.
  var progress: Double? { get }
  /// Rows skipped by an `onError: skip` or dead-letter policy.
  var skippedRows: Int { get }
  /// Asks a following (unbounded) source to stop.
  func stop()
  /// Moves to the event with this index (counted from the start of the
  /// input); false when the source cannot. Split sources need it.
  func seek(to index: Int64) -> Bool
}

extension SourceReader {
  public func seek(to index: Int64) -> Bool { false }
}

public final class SinkSpec {
  public let description: String
  /// Where it writes, for `flow compile`; nil when there is no counterpart.
  public var connector: ConnectorInfo?
  /// Opens the sink; `exactlyOnce` asks file sinks for two-phase commits.
  public let open: (_ exactlyOnce: Bool) throws -> SinkWriter
  public init(description: String, open: @escaping (_ exactlyOnce: Bool) throws -> SinkWriter) {
    self.description = description
    self.open = open
  }
}

/// A source or sink described by name and arguments rather than by a
/// closure, so that `flow compile` can map it to another engine's
/// connector: `readCsv` with `path`, `header`, `delimiter`, `follow`.
public struct ConnectorInfo: Sendable {
  /// The Flow built-in: `readCsv`, `readJsonl`, `nexmarkBids`, `writeStdout`, ...
  public let name: String
  public let options: [String: String]
  /// Record columns in order, with their Flow types as written (`Int`,
  /// `Time`, `String?`); empty for sinks and schemaless sources.
  public let columns: [(name: String, type: String)]
  public init(name: String, options: [String: String] = [:], columns: [(name: String, type: String)] = []) {
    self.name = name
    self.options = options
    self.columns = columns
  }
}

public protocol SinkWriter: AnyObject {
  func write(_ v: Value) throws
  /// Writes a batch, in order (by default one `write` per value).
  func writeBatch(_ vs: [Value]) throws
  func flush() throws
  func close() throws
  /// Two-phase commit for exactly-once output: `prepareCommit` makes the
  /// data written so far durable but not yet visible and returns what a
  /// restore needs; `commit` makes it visible once the checkpoint is
  /// complete; `restore` rolls the output back to a checkpoint.
  func prepareCommit() throws -> [UInt8]
  func commit() throws
  func restore(_ state: [UInt8]) throws
}

extension SinkWriter {
  public func writeBatch(_ vs: [Value]) throws {
    for v in vs { try write(v) }
  }
  public func prepareCommit() throws -> [UInt8] { [] }
  public func commit() throws {}
  public func restore(_ state: [UInt8]) throws {}
}

public enum WatermarkSpec {
  /// Watermark = largest event time seen minus `delay` minus 1 ms.
  case boundedDelay(Int64)
  /// Punctuated: after each event, the function may return a watermark
  /// (a Time) or null.
  case punctuated(FunctionValue)
}

public enum WindowSpec: CustomStringConvertible {
  case tumbling(size: Int64, offset: Int64)
  case sliding(size: Int64, slide: Int64)
  case session(gap: Int64)
  case global
  /// The same windows cut by processing time instead of event time
  /// (tumbling and sliding only).
  indirect case processingTime(WindowSpec)

  public var description: String {
    switch self {
    case .processingTime(let w): return "inProcessingTime(\(w))"
    case .tumbling(let s, let o): return o == 0 ? "tumbling(\(formatDuration(s)))" : "tumbling(\(formatDuration(s)), offset: \(formatDuration(o)))"
    case .sliding(let s, let e): return "sliding(size: \(formatDuration(s)), every: \(formatDuration(e)))"
    case .session(let g): return "session(gap: \(formatDuration(g)))"
    case .global: return "global()"
    }
  }
}

public enum TriggerSpec {
  case onWatermark
  case count(Int)
  /// Early results every `interval` of event time (continuous event time).
  case continuous(Int64)
  /// Early results every `interval` of processing time.
  case processingTime(Int64)
}

/// `process`: state as a value, with event-time timers.
public final class ProcessSpec {
  public let initial: Value
  public let onEvent: FunctionValue
  public let onTimer: FunctionValue
  public let ttlMillis: Int64
  public init(initial: Value, onEvent: FunctionValue, onTimer: FunctionValue, ttlMillis: Int64) {
    self.initial = initial
    self.onEvent = onEvent
    self.onTimer = onTimer
    self.ttlMillis = ttlMillis
  }
}

/// A source, operator or sink spec wrapped as a plan-time value.
public final class PlanValue<T>: OpaqueValue, @unchecked Sendable {
  public let value: T
  public init(_ value: T) { self.value = value }
}

/// `10s`, `500ms`, `1m30s`, `1d2h`, `1500ms`, `0ms`, `-5s`: whole seconds in
/// the largest units first (zero parts omitted), anything with a millisecond
/// part in `ms`. Used by plans and by the printed form of values.
public func formatDuration(_ ms: Int64) -> String {
  if ms == 0 { return "0ms" }
  var rest = ms.magnitude
  let sign = ms < 0 ? "-" : ""
  if rest % 1000 != 0 { return "\(sign)\(rest)ms" }
  rest /= 1000
  var out = sign
  let units: [(UInt64, String)] = [(86400, "d"), (3600, "h"), (60, "m"), (1, "s")]
  for (size, name) in units where rest >= size {
    out += "\(rest / size)\(name)"
    rest %= size
  }
  return out
}
