import ArgumentParser
import Foundation
import FlowDriver

struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check and run a Flow script.",
    discussion: """
      Runs the pipelines of a script until their sources end (bounded input)
      or until Ctrl-C (unbounded input; sinks are flushed). Exit codes: 0
      success, 1 the script has errors (nothing runs), 2 the file cannot be
      read or a flag is wrong, 3 a runtime error or bad input data stopped
      the job (the message names the data file, line and column, or the
      script position).
      """)

  @Argument(help: "The script to run.")
  var file: String

  @Option(name: .customLong("set"), help: ArgumentHelp("Override a top-level `let name = value` of the script (repeatable).", valueName: "name=value"))
  var settings: [String] = []

  @Option(help: ArgumentHelp("Subtasks per keyed operator and splittable source (default: $FLOW_PARALLELISM, else the number of cores). 1 runs everything on one thread, in a deterministic order.", valueName: "n"))
  var parallelism: Int?

  @Flag(help: "Print per-operator statistics (records in/out; with parallelism, busy/backpressured/idle time) and throughput at the end.")
  var stats = false

  @Flag(help: "Run the plan as written, without optimizer rules (to compare results).")
  var noOptimize = false

  @Option(help: ArgumentHelp("Write checkpoints to this directory (exactly-once file output).", valueName: "dir"))
  var checkpointDir: String?

  @Option(help: ArgumentHelp("Time between checkpoints, e.g. 10s or 500ms (0ms: after every batch).", valueName: "duration"))
  var checkpointInterval: String = "10s"

  @Option(help: ArgumentHelp("Restore from the latest checkpoint (`--restore`) or from a checkpoint file (`--restore PATH`).", valueName: "checkpoint"))
  var restore: String?

  @Flag(help: "On Ctrl-C or SIGTERM, take a final checkpoint (a savepoint) before exiting.")
  var savepointOnStop = false

  @Option(help: ArgumentHelp("Where keyed state lives: memory (default) or rocksdb (on disk, for state larger than memory; checkpoints are incremental).", valueName: "backend"))
  var stateBackend: String = "memory"

  @Option(help: ArgumentHelp("With --state-backend rocksdb: the directory of the working databases (default: under --checkpoint-dir, else a temporary directory).", valueName: "dir"))
  var stateDir: String?

  @Option(help: ArgumentHelp("Simulate processing time for deterministic runs: it starts at 1970-01-01T00:00:00Z and advances this much per event read, e.g. 1ms.", valueName: "duration"))
  var clockStep: String?

  @Option(help: ArgumentHelp("Where to run: flow (this process) or flink (compiled to Flink SQL, run by PyFlink or a SQL Gateway; see Language/flink.md).", valueName: "engine"))
  var engine: String = "flow"

  @Option(help: ArgumentHelp("With --engine flink: submit to this Flink SQL Gateway (REST) instead of a local PyFlink.", valueName: "url"))
  var flinkGateway: String?

  @Flag(inversion: .prefixedNo, help: "Show a live progress line on stderr (default: when stderr is a terminal).")
  var progress: Bool? = nil

  func run() throws {
    if engine == "flink" { return try runOnFlink() }
    guard engine == "flow" else {
      printErr("flow: error: unknown engine '\(engine)'; expected flow or flink")
      throw ExitCode(2)
    }
    if flinkGateway != nil {
      printErr("flow: error: --flink-gateway needs --engine flink")
      throw ExitCode(2)
    }
    var options = RunOptions()
    for s in settings {
      guard let eq = s.firstIndex(of: "="), eq != s.startIndex else {
        printErr("flow: error: --set expects name=value, found '\(s)'")
        throw ExitCode(2)
      }
      options.overrides[String(s[..<eq])] = String(s[s.index(after: eq)...])
    }
    if let p = parallelism {
      guard p >= 1 && p <= 128 else {
        printErr("flow: error: --parallelism expects a number from 1 to 128, found \(p)")
        throw ExitCode(2)
      }
      options.parallelism = p
    }
    guard RunOptions.stateBackends.contains(stateBackend) else {
      printErr("flow: error: --state-backend expects memory or rocksdb, found '\(stateBackend)'")
      throw ExitCode(2)
    }
    if stateDir != nil && stateBackend != "rocksdb" {
      printErr("flow: error: --state-dir needs --state-backend rocksdb")
      throw ExitCode(2)
    }
    options.stateBackend = stateBackend
    options.stateDir = stateDir
    options.stats = stats
    options.checkpointDir = checkpointDir
    options.restore = restore
    options.savepointOnStop = savepointOnStop
    guard let interval = parseDuration(checkpointInterval) else {
      printErr("flow: error: --checkpoint-interval expects a duration such as 10s or 500ms, found '\(checkpointInterval)'")
      throw ExitCode(2)
    }
    options.checkpointIntervalMillis = interval
    if let c = clockStep {
      guard let step = parseDuration(c), step > 0 else {
        printErr("flow: error: --clock-step expects a positive duration such as 1ms or 1s, found '\(c)'")
        throw ExitCode(2)
      }
      options.clockStepMillis = step
    }
    options.optimize = !noOptimize
    options.progress = progress ?? (isatty(STDERR_FILENO) == 1)
    options.color = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    let outcome = RunDriver(options: options).run(path: file) { printErr($0) }
    switch outcome {
    case .success: return
    case .compileErrors: throw ExitCode(1)
    case .usage: throw ExitCode(2)
    case .runtimeError: throw ExitCode(3)
    }
  }
}

extension Run {
  func runOnFlink() throws {
    // Flags of Flow's own executor have no meaning on Flink: say so rather
    // than ignore them.
    let flowOnly: [(Bool, String)] = [(parallelism != nil, "--parallelism"), (stats, "--stats"), (checkpointDir != nil, "--checkpoint-dir"),
                                      (restore != nil, "--restore"), (savepointOnStop, "--savepoint-on-stop"),
                                      (stateBackend != "memory", "--state-backend"), (stateDir != nil, "--state-dir")]
    if let (_, flag) = flowOnly.first(where: { $0.0 }) {
      printErr("flow: error: \(flag) applies to --engine flow only (Flink runs with its own settings; see Language/flink.md)")
      throw ExitCode(2)
    }
    var d = FlinkDriver()
    d.overrides = try parseOverrides(settings)
    d.optimize = !noOptimize
    switch d.compile(path: file) {
    case .success(let job):
      switch d.run(job, gateway: flinkGateway, report: { printErr($0) }) {
      case .success: return
      case .compileErrors: throw ExitCode(1)
      case .usage: throw ExitCode(2)
      case .runtimeError: throw ExitCode(3)
      }
    case .failure(let f):
      printErr(f.message)
      switch f.outcome {
      case .compileErrors: throw ExitCode(1)
      case .usage: throw ExitCode(2)
      default: throw ExitCode(3)
      }
    }
  }
}

/// `500ms`, `10s`, `5m`, `1h`, `1d`.
func parseDuration(_ text: String) -> Int64? {
  let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
  for (u, scale) in units where text.hasSuffix(u) {
    guard let n = Int64(text.dropLast(u.count)), n >= 0 else { return nil }
    return n * scale
  }
  return nil
}
