import ArgumentParser
import Foundation
import FlowDriver

struct Debug: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Dump an intermediate form of a script: tokens, ast or types.")

  enum Stage: String, ExpressibleByArgument, CaseIterable { case tokens, ast, types }

  @Argument(help: "What to dump: tokens, ast or types.")
  var stage: Stage

  @Argument(help: "The script.")
  var file: String

  func run() throws {
    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
      printErr("flow: error: cannot read '\(file)'")
      throw ExitCode(2)
    }
    switch stage {
    case .tokens: print(DebugDump.tokens(path: file, text: text))
    case .ast: print(DebugDump.ast(path: file, text: text))
    case .types: print(DebugDump.types(path: file, text: text))
    }
  }
}
