import Foundation
import FlowSyntax
import FlowSema
import FlowIR
import FlowRuntime
import FlowConnectors

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
  /// Simulated processing time (`--clock-step`): ms per event read; 0 for
  /// the wall clock.
  public var clockStepMillis: Int64 = 0
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
    var plan = LogicalPlan(sinks: sinks)
    if options.optimize {
      do { _ = try Optimizer().optimize(&plan) } catch {
        err(describe(error))
        return .runtimeError
      }
    }
    let executor = Executor(sinks: plan.sinks)
    executor.onWarning = { err("flow: " + $0) }
    if options.clockStepMillis > 0 { executor.clock = ProcessingClock(start: 0, step: options.clockStepMillis) }
    let env = ProcessInfo.processInfo.environment
    if let b = env["FLOW_BATCH_SIZE"].flatMap(Int.init), b > 0 { executor.batchSize = b }
    if let dir = options.checkpointDir {
      do {
        let store = try CheckpointStore(dir: dir)
        executor.checkpoints = store
        executor.checkpointIntervalMillis = options.checkpointIntervalMillis
        executor.savepointOnStop = options.savepointOnStop
        executor.crashAfterCheckpoints = env["FLOW_CRASH_AFTER_CHECKPOINTS"].flatMap(Int.init)
        executor.crashAfterEvents = env["FLOW_CRASH_AFTER_EVENTS"].flatMap(Int.init)
        if let r = options.restore {
          if r == "latest" {
            // No checkpoint yet (the job stopped before its first): nothing
            // was committed, so starting from the beginning is exact.
            if let snap = try store.latest(warn: { err("flow: " + $0) }) {
              executor.restoreFrom = snap
            } else {
              err("flow: warning: --restore: no checkpoint in '\(dir)' yet; starting from the beginning")
            }
          } else {
            executor.restoreFrom = try store.load(r)
          }
          if let s = executor.restoreFrom { err("flow: restoring from \(s.path)") }
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
      executor.onProgress = { n, fraction in
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
      try executor.build()
      try executor.run()
    } catch {
      if !lastLine.isEmpty { FileHandle.standardError.write(Data("\n".utf8)) }
      lastLine = ""
      err(describe(error))
      return .runtimeError
    }
    let secs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    if options.stats {
      if !lastLine.isEmpty { FileHandle.standardError.write(Data("\n".utf8)); lastLine = "" }
      err(statsTable(executor, seconds: secs))
    }
    if executor.skippedRows > 0 {
      err("flow: \(executor.skippedRows) malformed row\(executor.skippedRows == 1 ? " was" : "s were") skipped (onError policy)")
    }
    if Executor.cancelFlag.isSet {
      err("flow: interrupted; sinks were flushed")
    }
    return .success
  }

  func statsTable(_ e: Executor, seconds: Double) -> String {
    var lines = ["operator                                   records in   records out   location"]
    for s in e.stats {
      let name = s.name.count > 40 ? String(s.name.prefix(39)) + "…" : s.name
      lines.append(name.padding(toLength: 42, withPad: " ", startingAt: 0) + String(s.inCount).leftPad(13) + String(s.outCount).leftPad(14) + "   " + s.location)
    }
    let total = e.stats.first.map { _ in e.stats.filter { $0.name.hasPrefix("source") }.reduce(0) { $0 + $1.outCount } } ?? 0
    lines.append(String(format: "%.3f s, %@ events/s from sources", seconds, formatRate(seconds > 0 ? Double(total) / seconds : 0)))
    if e.lateEventsDropped > 0 { lines.append("\(e.lateEventsDropped) late event(s) were dropped or sent to lateEvents") }
    return lines.joined(separator: "\n")
  }
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
