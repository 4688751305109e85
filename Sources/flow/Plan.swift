import ArgumentParser
import Foundation
import FlowDriver

struct Plan: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print the dataflow plan of a script.",
    discussion: """
      One numbered line per operator, inputs indented below their consumer,
      with each operator's output schema, stage, script position and stable
      uid. Fused operators are named `filter -> map`. Exit codes as for
      `flow run`.
      """)

  @Argument(help: "The script.")
  var file: String

  @Flag(help: "Show the plan before optimization.")
  var unoptimized = false

  @Flag(help: "Print Graphviz dot instead of text (`flow plan --dot f.flow | dot -Tsvg > plan.svg`).")
  var dot = false

  @Flag(help: "List the optimizer rules that fired.")
  var explain = false

  func run() throws {
    var d = PlanDriver()
    d.optimize = !unoptimized
    d.format = dot ? .dot : .text
    d.explain = explain
    switch d.plan(path: file) {
    case .success(let text):
      print(text)
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
