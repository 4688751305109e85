import Foundation
import FlowSyntax
import FlowSema
import FlowIR
import FlowRuntime
import FlowConnectors
import FlowSQL

/// `flow run`: check the script, build its plan, and execute it.
public struct RunOptions {
  public var overrides: [String: String] = [:]
  public var stats = false
  public var progress = false
  public var color = false
  /// Off: run the plan exactly as lowered (to compare results).
  public var optimize = true
  /// Checkpoints: directory, interval in ms (0: after every batch), restore
  /// ("latest" or a checkpoint file), and a savepoint on SIGINT/SIGTERM.
  public var checkpointDir: String?
  public var checkpointIntervalMillis: Int64 = 10_000
  public var restore: String?
  public var savepointOnStop = false
  /// Subtasks per keyed operator and splittable source (nil: the
  /// FLOW_PARALLELISM environment variable, else the number of cores).
  public var parallelism: Int?
  /// Simulated processing time (`--clock-step`): ms per event read; 0 for
  /// the wall clock.
  public var clockStepMillis: Int64 = 0
  /// Where keyed state lives: memory (default) or rocksdb; and the RocksDB
  /// working directory (nil: under the checkpoint directory, else a
  /// temporary one).
  public var stateBackend = "memory"
  public var stateDir: String?
  /// The values `stateBackend` may take.
  public static let stateBackends = StateBackend.Kind.allCases.map(\.rawValue)
  public init() {}
}

public enum RunOutcome: Equatable {
  case success
  /// The program has errors (exit code 1).
  case compileErrors
  /// A file could not be read, or a usage problem (exit code 2).
  case usage
  /// A runtime fault or bad data stopped the job (exit code 3).
  case runtimeError
}

public struct RunDriver {
  public var options: RunOptions
  public init(options: RunOptions) { self.options = options }

  /// Runs the script at `path`; messages go to `err`.
  public func run(path: String, err: @escaping (String) -> Void) -> RunOutcome {
    guard FileManager.default.fileExists(atPath: path) else {
      err("flow: error: no such file: \(path)")
      return .usage
    }
    SQLBridge.install()
    if path.hasSuffix(".sql") { return runSQL(path: path, err: err) }
    let checker = Checker()
    let result = checker.check(path: path)
    let renderer = DiagnosticRenderer(sources: result.sources, color: options.color)
    let errors = result.diagnostics.filter { $0.severity == .error }
    if !errors.isEmpty {
      for d in result.diagnostics where d.severity == .error { err(renderer.text(d) + "\n") }
      err("flow: \(errors.count) error\(errors.count == 1 ? "" : "s"); nothing was run")
      return .compileErrors
    }
    guard let module = result.module else { return .usage }
    let lowering = Lowering(checker: checker, overrides: options.overrides)
    let sinks: [PlanNode]
    do {
      sinks = try lowering.lower(module)
    } catch let e as LoweringError {
      err(e.description)
      return e.location == nil ? .usage : .runtimeError
    } catch {
      err(describe(error))
      return .runtimeError
    }
    if sinks.isEmpty {
      err("flow: warning: the script has no sink, so nothing runs (end a pipeline with `|> writeStdout()`)")
      return .success
    }
    let overrides = options.overrides
    var keepAlive: [Lowering] = []
    defer { withExtendedLifetime(keepAlive) {} }
    return execute(sinks: sinks, err: err) {
      // Compiled code refers back to its lowering (unowned), so each copy's
      // lowering must live as long as the job.
      let l = Lowering(checker: checker, overrides: overrides)
      keepAlive.append(l)
      return try l.lower(module)
    }
  }

  /// `flow run query.sql`: compile the SQL file to a plan and run it like a script's.
  func runSQL(path: String, err: @escaping (String) -> Void) -> RunOutcome {
    let result = SQLCompiler.compile(path: path)
    let renderer = DiagnosticRenderer(sources: result.sources, color: options.color)
    if result.hasErrors {
      let errors = result.diagnostics.filter { $0.severity == .error }
      for d in errors { err(renderer.text(d) + "\n") }
      err("flow: \(errors.count) error\(errors.count == 1 ? "" : "s"); nothing was run")
      return .compileErrors
    }
    for d in result.diagnostics { err(renderer.text(d) + "\n") }
    if result.sinks.isEmpty { return .success }
    // Bad rows are skipped by a table option in SQL, not by `onError:`.
    let flowHelp = "pass `onError: skip` or `onError: deadLetter(\"bad.csv\")` to the source to keep going past bad rows"
    let sqlHelp = "set 'csv.ignore-parse-errors' = 'true' (or 'json.ignore-parse-errors', 'debezium-json.ignore-parse-errors', ...: the format's name) on the table to skip bad rows"
    let sqlErr: (String) -> Void = { err($0.replacingOccurrences(of: flowHelp, with: sqlHelp)) }
    return execute(sinks: result.sinks, err: sqlErr) {
      // Each parallel plan copy gets its own compiled closures.
      SQLCompiler.compile(path: path).sinks
    }
  }

  /// Optimizes and runs a plan; `copy` builds a fresh plan for each
  /// parallel subtask (compiled code must not be shared between threads).
  func execute(sinks: [PlanNode], err: @escaping (String) -> Void, copy makeCopy: @escaping () throws -> [PlanNode]) -> RunOutcome {
    var plan = LogicalPlan(sinks: sinks)
    if options.optimize {
      do { _ = try Optimizer().optimize(&plan) } catch {
        err(describe(error))
        return .runtimeError
      }
    }
    let env = ProcessInfo.processInfo.environment
    let parallelism = options.parallelism ?? env["FLOW_PARALLELISM"].flatMap(Int.init).map { max(1, $0) } ?? ProcessInfo.processInfo.activeProcessorCount
    let job: JobRunner
    if parallelism > 1 {
      let optimize = options.optimize
      let p = ParallelExecutor(sinks: plan.sinks, parallelism: parallelism) {
        var copy = LogicalPlan(sinks: try makeCopy())
        if optimize { _ = try Optimizer().optimize(&copy) }
        return copy.sinks
      }
      // A combiner holds every key of its subtask in memory: with RocksDB
      // the keyed aggregate takes the events themselves.
      p.combiners = options.optimize && options.stateBackend == StateBackend.Kind.memory.rawValue
      // Processing time (a simulated clock, processing-time windows and
      // triggers, idle timeouts) is driven by one job-wide clock: such jobs
      // run on one thread.
      let serial = options.clockStepMillis > 0 || p.serialReason != nil
      job = p.taskCount > 1 && !serial ? .parallel(p) : .serial(Executor(sinks: plan.sinks))
    } else {
      job = .serial(Executor(sinks: plan.sinks))
    }
    job.onWarning = { err("flow: " + $0) }
    if options.stateBackend == StateBackend.Kind.rocksdb.rawValue {
      job.stateBackend = .rocksdb(stateDir: options.stateDir, checkpointDir: options.checkpointDir)
      if let n = env["FLOW_STATE_CACHE"].flatMap(Int.init), n > 0 { job.stateBackend.cacheEntries = n }
    }
    let backend = job.stateBackend
    defer { backend.cleanUp() }
    if options.clockStepMillis > 0, case .serial(let e) = job.engine { e.clock = ProcessingClock(start: 0, step: options.clockStepMillis) }
    if let b = env["FLOW_BATCH_SIZE"].flatMap(Int.init), b > 0 { job.batchSize = b }
    if let dir = options.checkpointDir {
      do {
        let store = try CheckpointStore(dir: dir)
        job.checkpoints = store
        job.checkpointIntervalMillis = options.checkpointIntervalMillis
        job.savepointOnStop = options.savepointOnStop
        job.crashAfterCheckpoints = env["FLOW_CRASH_AFTER_CHECKPOINTS"].flatMap(Int.init)
        job.crashAfterEvents = env["FLOW_CRASH_AFTER_EVENTS"].flatMap(Int.init)
        if let r = options.restore {
          if r == "latest" {
            // No checkpoint yet (the job stopped before its first): nothing
            // was committed, so starting from the beginning is exact.
            if let snap = try store.latest(warn: { err("flow: " + $0) }) {
              job.restoreFrom = snap
            } else {
              err("flow: warning: --restore: no checkpoint in '\(dir)' yet; starting from the beginning")
            }
          } else {
            job.restoreFrom = try store.load(r)
          }
          if let s = job.restoreFrom { err("flow: restoring from \(s.path)") }
        }
      } catch {
        err(describe(error))
        return .usage
      }
    } else if options.restore != nil {
      err("flow: error: --restore needs --checkpoint-dir")
      return .usage
    }
    let start = DispatchTime.now().uptimeNanoseconds
    var lastLine = ""
    if options.progress {
      job.onProgress = { n, fraction in
        let secs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let rate = secs > 0 ? Double(n) / secs : 0
        var line = "\r\(n) events in, \(formatRate(rate)) events/s"
        if let f = fraction { line += String(format: ", %.0f%% read", f * 100) }
        lastLine = line
        FileHandle.standardError.write(Data(line.utf8))
      }
    }
    installInterruptHandler()
    defer {
      if !lastLine.isEmpty { FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: lastLine.count) + "\r").utf8)) }
    }
    do {
      try job.build()
      try job.run()
    } catch {
      if !lastLine.isEmpty { FileHandle.standardError.write(Data("\n".utf8)) }
      lastLine = ""
      err(describe(error))
      return .runtimeError
    }
    let secs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    if options.stats {
      if !lastLine.isEmpty { FileHandle.standardError.write(Data("\n".utf8)); lastLine = "" }
      err(statsTable(job, seconds: secs))
    }
    if job.skippedRows > 0 {
      err("flow: \(job.skippedRows) malformed row\(job.skippedRows == 1 ? " was" : "s were") skipped (onError policy)")
    }
    if Executor.cancelFlag.isSet {
      err("flow: interrupted; sinks were flushed")
    }
    return .success
  }

  func statsTable(_ job: JobRunner, seconds: Double) -> String {
    let rows = job.stats
    let parallel = rows.contains { $0.subtasks > 1 } || job.isParallel
    var header = "operator                                   records in   records out"
    if parallel { header += "  subtasks   busy  backpr.  idle" }
    var lines = [header + "   location"]
    for s in rows {
      let name = s.name.count > 40 ? String(s.name.prefix(39)) + "…" : s.name
      var line = name.padding(toLength: 42, withPad: " ", startingAt: 0) + String(s.inCount).leftPad(13) + String(s.outCount).leftPad(14)
      if parallel {
        line += String(s.subtasks).leftPad(10) + percent(s.busy).leftPad(7) + percent(s.backpressured).leftPad(9) + percent(s.idle).leftPad(6)
      }
      lines.append(line + "   " + s.location)
    }
    let total = rows.filter { $0.name.hasPrefix("source") }.reduce(0) { $0 + $1.outCount }
    lines.append(String(format: "%.3f s, %@ events/s from sources", seconds, formatRate(seconds > 0 ? Double(total) / seconds : 0)) + (job.isParallel ? ", parallelism \(job.parallelism)" : "") + ", peak memory \(peakMemoryMB()) MB")
    if job.lateEventsDropped > 0 { lines.append("\(job.lateEventsDropped) late event(s) were dropped or sent to lateEvents") }
    if job.patternLateEvents > 0 { lines.append("\(job.patternLateEvents) late event(s) reached a pattern and were dropped or sent to lateEvents") }
    return lines.joined(separator: "\n")
  }

  /// The process's peak resident set size (Linux reports it in KiB).
  func peakMemoryMB() -> Int {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Int(u.ru_maxrss) / 1024
  }

  func percent(_ x: Double) -> String { String(format: "%.0f%%", min(100, max(0, x * 100))) }
}

/// A readable message for an error thrown while running.
func describe(_ error: Error) -> String {
  switch error {
  case let r as RuntimeError: return "flow: " + r.description
  case let d as DataError: return "flow: \(d.description)\n  = help: pass `onError: skip` or `onError: deadLetter(\"bad.csv\")` to the source to keep going past bad rows"
  case let c as ConnectorError: return "flow: error: \(c)"
  case let l as LoweringError: return l.description
  default: return "flow: error: \(error)"
  }
}

func formatRate(_ r: Double) -> String {
  if r >= 1e6 { return String(format: "%.2fM", r / 1e6) }
  if r >= 1e3 { return String(format: "%.1fk", r / 1e3) }
  return String(format: "%.0f", r)
}

extension String {
  func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}

/// Ctrl-C (or SIGTERM) asks the job to stop reading; a second one exits at once.
func installInterruptHandler() {
  for sig in [SIGINT, SIGTERM] {
    signal(sig) { _ in
      if Executor.cancelFlag.isSet { _exit(130) }
      Executor.cancelFlag.set()
    }
  }
}
