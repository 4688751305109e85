import ArgumentParser
import Foundation
import FlowDriver

struct Compile: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compile a script to another engine's language (Flink SQL).",
    discussion: """
      Writes the Flink SQL for the script's pipelines: CREATE TABLE for its
      sources and sinks, a view per operator, and the INSERT statements.
      An operator without a translation is refused with its script position
      and the reason (see Language/flink.md). Exit codes as for `flow check`:
      0 written, 1 the script has errors or does not translate, 2 a file or
      flag problem.
      """)

  @Argument(help: "The script.")
  var file: String

  @Option(help: ArgumentHelp("The target language; only flink-sql.", valueName: "target"))
  var target: String = "flink-sql"

  @Option(name: .shortAndLong, help: ArgumentHelp("Write the SQL to this file instead of standard output.", valueName: "file"))
  var output: String?

  @Option(name: .customLong("set"), help: ArgumentHelp("Override a top-level `let name = value` of the script (repeatable).", valueName: "name=value"))
  var settings: [String] = []

  func run() throws {
    guard target == "flink-sql" else {
      printErr("flow: error: unknown target '\(target)'; the only target is flink-sql")
      throw ExitCode(2)
    }
    var d = FlinkDriver()
    d.overrides = try parseOverrides(settings)
    switch d.compile(path: file) {
    case .success(let job):
      let sql = job.script()
      if let output {
        do {
          try Data(sql.utf8).write(to: URL(fileURLWithPath: output))
        } catch {
          printErr("flow: error: cannot write \(output): \(error.localizedDescription)")
          throw ExitCode(2)
        }
      } else {
        print(sql, terminator: "")
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

func parseOverrides(_ settings: [String]) throws -> [String: String] {
  var out: [String: String] = [:]
  for s in settings {
    guard let eq = s.firstIndex(of: "="), eq != s.startIndex else {
      printErr("flow: error: --set expects name=value, found '\(s)'")
      throw ExitCode(2)
    }
    out[String(s[..<eq])] = String(s[s.index(after: eq)...])
  }
  return out
}
