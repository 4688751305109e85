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

  @Flag(help: "Print per-operator statistics (records in/out) and throughput at the end.")
  var stats = false

  @Flag(help: "Run the plan as written, without optimizer rules (to compare results).")
  var noOptimize = false

  @Flag(inversion: .prefixedNo, help: "Show a live progress line on stderr (default: when stderr is a terminal).")
  var progress: Bool? = nil

  func run() throws {
    var options = RunOptions()
    for s in settings {
      guard let eq = s.firstIndex(of: "="), eq != s.startIndex else {
        printErr("flow: error: --set expects name=value, found '\(s)'")
        throw ExitCode(2)
      }
      options.overrides[String(s[..<eq])] = String(s[s.index(after: eq)...])
    }
    options.stats = stats
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
