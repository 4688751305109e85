/// A running operator. Every operator follows one lifecycle: `open`, then
/// `process` for each event and `watermark` as event time advances, and
/// `finish` once every input has ended (bounded input), then `close`.
///
/// Events are pushed downstream with their event-time timestamp
/// (`Int64.min` when the stream has none). A multi-input operator tracks
/// a watermark per input and advances on their minimum.
open class Operator {
  public let name: String
  public let location: String
  public private(set) var outputs: [(Operator, Int)] = []
  public var inputCount = 1
  private var finished = 0
  private var inputWatermarks: [Int64] = []
  public internal(set) var currentWatermark = Int64.min
  /// Events in and out, for `--stats`.
  public var recordsIn = 0
  public var recordsOut = 0
  /// True when every upstream source is bounded.
  public var bounded = true
  /// Stable id from the plan; checkpoints key state by it.
  public var uid = ""
  /// Processing time (the executor gives every operator its job's clock).
  public var clock = ProcessingClock()
  /// Where keyed state lives (operators that support RocksDB look here).
  public var stateBackend = StateBackend.memory
  /// Inputs marked idle (no events for their idle timeout): they do not
  /// hold back the combined watermark until they produce again.
  private var inputIdle: [Bool] = []
  private var isIdle = false

  public init(name: String, location: String) {
    self.name = name
    self.location = location
  }

  public func connect(to op: Operator, port: Int) {
    outputs.append((op, port))
  }

  open func open() throws {
    inputWatermarks = Array(repeating: Int64.min, count: max(1, inputCount))
    inputIdle = Array(repeating: false, count: max(1, inputCount))
  }

  /// Handles one event arriving on input `port`.
  open func process(_ v: Value, ts: Int64, port: Int) throws {
    try emit(v, ts: ts)
  }

  /// Handles a batch of events that arrived together on `port`, all with
  /// timestamp `ts` (a source's batch). The default hands them to `process`
  /// one by one, in order. Fused element-wise stages, pass-through nodes,
  /// sinks and keyed counts override it to run one loop over the batch, so
  /// the per-event virtual calls between operators disappear.
  open func processBatch(_ batch: [Value], ts: Int64, port: Int) throws {
    for v in batch { try process(v, ts: ts, port: port) }
  }

  /// Called when the combined watermark advances.
  open func onWatermark(_ wm: Int64) throws {}

  /// Called when processing time reaches a moment asked for with
  /// `clock.schedule(self, at:)`.
  open func onProcessingTime(_ now: Int64) throws {}

  /// Called once all inputs have ended: emit final results here.
  open func onFinish() throws {}

  open func close() throws {}

  /// Writes the operator's state for a checkpoint. Subclasses with state
  /// call `super` first, then write their own.
  open func snapshotState(_ w: inout StateWriter) throws {
    w.int(currentWatermark)
    w.int(inputWatermarks.count)
    for x in inputWatermarks { w.int(x) }
  }

  /// For asynchronous checkpoints: captures the state now, cheaply
  /// (copy-on-write arrays of value types), and returns its encoding to run
  /// later on another thread, giving the bytes `snapshotState` would. nil:
  /// the operator is snapshotted synchronously with `snapshotState`.
  open func captureState() throws -> (() throws -> [UInt8])? { nil }

  /// Reads what `snapshotState` wrote. When a job is rescaled, a subtask
  /// restores from several old subtasks' sections in turn (each with a key
  /// filter, see `StateReader.keyFilter`): keyed state merges, and
  /// watermarks take the minimum, which every old subtask had passed.
  open func restoreState(_ r: inout StateReader) throws {
    let wm = try r.int()
    let n = try r.count()
    var ws: [Int64] = []
    for _ in 0..<n { ws.append(try r.int()) }
    let first = restoredSections == 0
    restoredSections += 1
    currentWatermark = first ? wm : min(currentWatermark, wm)
    if ws.count == inputWatermarks.count {
      inputWatermarks = first ? ws : zip(inputWatermarks, ws).map { min($0, $1) }
    }
  }
  /// How many checkpoint sections this operator has restored from.
  public private(set) var restoredSections = 0

  @inline(__always)
  public final func emit(_ v: Value, ts: Int64) throws {
    recordsOut += 1
    for (op, port) in outputs {
      op.recordsIn += 1
      try op.process(v, ts: ts, port: port)
    }
  }

  /// Emits a batch of events with one timestamp. A single consumer gets
  /// it whole; several consumers get it event by event, each event to each
  /// consumer in turn as `emit` does, so the order in which consumers see
  /// events (and interleave what they write) is the per-event order.
  public final func emitBatch(_ batch: [Value], ts: Int64) throws {
    if batch.isEmpty { return }
    guard outputs.count == 1 else {
      for v in batch { try emit(v, ts: ts) }
      return
    }
    recordsOut += batch.count
    let (op, port) = outputs[0]
    op.recordsIn += batch.count
    try op.processBatch(batch, ts: ts, port: port)
  }

  public final func watermark(_ wm: Int64, port: Int) throws {
    guard port < inputWatermarks.count else { return }
    if wm <= inputWatermarks[port] { return }
    inputWatermarks[port] = wm
    try combineWatermarks()
  }

  /// The combined watermark: the minimum over the inputs that are not idle.
  private func combineWatermarks() throws {
    var m = Int64.max
    var any = false
    for (i, w) in inputWatermarks.enumerated() where !inputIdle[i] {
      any = true
      if w < m { m = w }
    }
    if any && m > currentWatermark {
      currentWatermark = m
      try onWatermark(m)
      try forwardWatermark(m)
    }
  }

  /// Input `port` became idle or active again. An operator whose inputs
  /// are all idle is idle itself, and says so downstream.
  public final func setIdle(_ idle: Bool, port: Int) throws {
    guard port < inputIdle.count, inputIdle[port] != idle else { return }
    inputIdle[port] = idle
    let all = !inputIdle.contains(false)
    if all != isIdle {
      isIdle = all
      try forwardIdle(all)
    }
    if idle { try combineWatermarks() }
  }

  public final func forwardIdle(_ idle: Bool) throws {
    for (op, port) in outputs { try op.setIdle(idle, port: port) }
  }

  public final func forwardWatermark(_ wm: Int64) throws {
    for (op, port) in outputs { try op.watermark(wm, port: port) }
  }

  public final func finish(port: Int) throws {
    finished += 1
    guard finished == inputCount else { return }
    try watermark(Int64.max, port: port)
    try onFinish()
    for (op, p) in outputs { try op.finish(port: p) }
  }

  /// A runtime error located at this operator's script position.
  public func fail(_ error: Error) -> Error {
    if var r = error as? RuntimeError {
      if r.location == nil { r.location = location }
      return r
    }
    return error
  }
}

/// `map`, `filter`, `flatMap`: one event in, zero or more out.
public final class MapOperator: Operator {
  let f: FunctionValue
  public init(_ f: FunctionValue, location: String) {
    self.f = f
    super.init(name: "map", location: location)
  }
  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    try emit(f.apply1(v), ts: ts)
  }
}

public final class FilterOperator: Operator {
  let f: FunctionValue
  public init(_ f: FunctionValue, location: String) {
    self.f = f
    super.init(name: "filter", location: location)
  }
  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    if try f.test(v) { try emit(v, ts: ts) }
  }
}

public final class FlatMapOperator: Operator {
  let f: FunctionValue
  public init(_ f: FunctionValue, location: String) {
    self.f = f
    super.init(name: "flatMap", location: location)
  }
  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    if case .list(let xs) = try f.apply1(v) {
      for x in xs { try emit(x, ts: ts) }
    }
  }
}

/// `union`, `keyBy` and other pass-through nodes.
public final class ForwardOperator: Operator {
  override public init(name: String, location: String) { super.init(name: name, location: location) }
  override public func processBatch(_ batch: [Value], ts: Int64, port: Int) throws {
    try emitBatch(batch, ts: ts)
  }
}

/// Assigns event times and generates watermarks: the largest time seen
/// minus the allowed delay, minus 1 ms, as in Flink; or, punctuated, the
/// times a user function returns for some events.
///
/// With an idle timeout, an input that has produced nothing for that long
/// (in processing time) is marked idle downstream, so that it does not hold
/// back the watermark of operators that combine it with other inputs; its
/// next event makes it active again.
public final class TimestampOperator: Operator {
  let f: FunctionValue
  let delay: Int64
  let punctuation: FunctionValue?
  let idleTimeout: Int64
  var maxSeen = Int64.min
  private var emitted = Int64.min
  private var lastActive = Int64.min
  private var idle = false

  public init(_ f: FunctionValue, delay: Int64, punctuation: FunctionValue? = nil, idleMillis: Int64 = 0, location: String) {
    self.f = f
    self.delay = delay
    self.punctuation = punctuation
    self.idleTimeout = max(0, idleMillis)
    super.init(name: "withTimestamps", location: location)
  }

  override public func open() throws {
    try super.open()
    if idleTimeout > 0 {
      lastActive = clock.now
      clock.schedule(self, at: lastActive &+ idleTimeout)
    }
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    guard case .time(let t) = try f.apply1(v) else {
      throw RuntimeError("the timestamp function did not return a Time", at: location)
    }
    if idleTimeout > 0 {
      lastActive = clock.now
      if idle {
        idle = false
        try forwardIdle(false)
        clock.schedule(self, at: lastActive &+ idleTimeout)
      }
    }
    try emit(v, ts: t)
    if let p = punctuation {
      switch try p.apply1(v) {
      case .time(let w): try forwardWatermarkOnly(w)
      case .null: break
      default: throw RuntimeError("the watermark function did not return a Time or null", at: location)
      }
      return
    }
    if t > maxSeen {
      maxSeen = t
      let wm = t &- delay &- 1
      if wm > currentWatermark { try forwardWatermarkOnly(wm) }
    }
  }

  override public func onProcessingTime(_ now: Int64) throws {
    guard idleTimeout > 0, !idle else { return }
    if now &- lastActive >= idleTimeout {
      idle = true
      try forwardIdle(true)
    } else {
      clock.schedule(self, at: lastActive &+ idleTimeout)
    }
  }

  override public func snapshotState(_ w: inout StateWriter) throws {
    try super.snapshotState(&w)
    w.int(maxSeen)
    w.int(emitted)
  }

  override public func restoreState(_ r: inout StateReader) throws {
    try super.restoreState(&r)
    let seen = try r.int(), sent = try r.int()
    // Rescaled: the slowest old subtask's progress (events after it are not late).
    maxSeen = restoredSections == 1 ? seen : min(maxSeen, seen)
    emitted = restoredSections == 1 ? sent : min(emitted, sent)
  }

  private func forwardWatermarkOnly(_ wm: Int64) throws {
    guard wm > emitted else { return }
    emitted = wm
    try forwardWatermark(wm)
  }
}

public final class SinkOperator: Operator {
  let writer: SinkWriter
  public init(_ writer: SinkWriter, name: String, location: String) {
    self.writer = writer
    super.init(name: name, location: location)
  }
  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    try writer.write(v)
  }
  override public func processBatch(_ batch: [Value], ts: Int64, port: Int) throws {
    try writer.writeBatch(batch)
  }
  override public func onFinish() throws { try writer.flush() }
  override public func close() throws { try writer.close() }

  override public func snapshotState(_ w: inout StateWriter) throws {
    try super.snapshotState(&w)
    try writer.flush()
    w.raw(try writer.prepareCommit())
  }

  override public func restoreState(_ r: inout StateReader) throws {
    try super.restoreState(&r)
    try writer.restore(try r.raw())
  }

  /// The checkpoint is durable: make its output visible.
  public func commit() throws { try writer.commit() }
}
