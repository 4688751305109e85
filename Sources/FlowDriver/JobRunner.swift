import FlowRuntime

/// The executor a `flow run` uses: the single-threaded one, or the parallel
/// one when the plan has work to spread over threads. Both take the same
/// settings and report the same statistics.
final class JobRunner {
  enum Engine {
    case serial(Executor)
    case parallel(ParallelExecutor)
  }
  let engine: Engine

  static func serial(_ e: Executor) -> JobRunner { JobRunner(.serial(e)) }
  static func parallel(_ e: ParallelExecutor) -> JobRunner { JobRunner(.parallel(e)) }
  private init(_ engine: Engine) { self.engine = engine }

  var isParallel: Bool { if case .parallel = engine { return true } else { return false } }
  var parallelism: Int {
    switch engine {
    case .serial: return 1
    case .parallel(let p): return p.parallelism
    }
  }

  var onWarning: ((String) -> Void)? {
    get { switch engine { case .serial(let e): return e.onWarning; case .parallel(let p): return p.onWarning } }
    set { switch engine { case .serial(let e): e.onWarning = newValue; case .parallel(let p): p.onWarning = newValue } }
  }
  var onProgress: ((Int, Double?) -> Void)? {
    get { switch engine { case .serial(let e): return e.onProgress; case .parallel(let p): return p.onProgress } }
    set { switch engine { case .serial(let e): e.onProgress = newValue; case .parallel(let p): p.onProgress = newValue } }
  }
  var batchSize: Int {
    get { switch engine { case .serial(let e): return e.batchSize; case .parallel(let p): return p.batchSize } }
    set { switch engine { case .serial(let e): e.batchSize = newValue; case .parallel(let p): p.batchSize = newValue } }
  }
  var checkpoints: CheckpointStore? {
    get { switch engine { case .serial(let e): return e.checkpoints; case .parallel(let p): return p.checkpoints } }
    set { switch engine { case .serial(let e): e.checkpoints = newValue; case .parallel(let p): p.checkpoints = newValue } }
  }
  var checkpointIntervalMillis: Int64 {
    get { switch engine { case .serial(let e): return e.checkpointIntervalMillis; case .parallel(let p): return p.checkpointIntervalMillis } }
    set { switch engine { case .serial(let e): e.checkpointIntervalMillis = newValue; case .parallel(let p): p.checkpointIntervalMillis = newValue } }
  }
  var savepointOnStop: Bool {
    get { switch engine { case .serial(let e): return e.savepointOnStop; case .parallel(let p): return p.savepointOnStop } }
    set { switch engine { case .serial(let e): e.savepointOnStop = newValue; case .parallel(let p): p.savepointOnStop = newValue } }
  }
  var crashAfterCheckpoints: Int? {
    get { switch engine { case .serial(let e): return e.crashAfterCheckpoints; case .parallel(let p): return p.crashAfterCheckpoints } }
    set { switch engine { case .serial(let e): e.crashAfterCheckpoints = newValue; case .parallel(let p): p.crashAfterCheckpoints = newValue } }
  }
  var crashAfterEvents: Int? {
    get { switch engine { case .serial(let e): return e.crashAfterEvents; case .parallel(let p): return p.crashAfterEvents } }
    set { switch engine { case .serial(let e): e.crashAfterEvents = newValue; case .parallel(let p): p.crashAfterEvents = newValue } }
  }
  var stateBackend: StateBackend {
    get { switch engine { case .serial(let e): return e.stateBackend; case .parallel(let p): return p.stateBackend } }
    set { switch engine { case .serial(let e): e.stateBackend = newValue; case .parallel(let p): p.stateBackend = newValue } }
  }
  var restoreFrom: CheckpointStore.Snapshot? {
    get { switch engine { case .serial(let e): return e.restoreFrom; case .parallel(let p): return p.restoreFrom } }
    set { switch engine { case .serial(let e): e.restoreFrom = newValue; case .parallel(let p): p.restoreFrom = newValue } }
  }

  func build() throws {
    switch engine { case .serial(let e): try e.build(); case .parallel(let p): try p.build() }
  }
  func run() throws {
    switch engine { case .serial(let e): try e.run(); case .parallel(let p): try p.run() }
  }

  var stats: [OperatorStats] {
    switch engine {
    case .serial(let e):
      return e.stats.map { OperatorStats(name: $0.name, location: $0.location, inCount: $0.inCount, outCount: $0.outCount, subtasks: 1, busy: 1, backpressured: 0, idle: 0) }
    case .parallel(let p): return p.stats
    }
  }
  var skippedRows: Int { switch engine { case .serial(let e): return e.skippedRows; case .parallel(let p): return p.skippedRows } }
  var patternLateEvents: Int { switch engine { case .serial(let e): return e.patternLateEvents; case .parallel(let p): return p.patternLateEvents } }
  var lateEventsDropped: Int { switch engine { case .serial(let e): return e.lateEventsDropped; case .parallel(let p): return p.lateEventsDropped } }
}
