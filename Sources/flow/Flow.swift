import ArgumentParser
import Foundation
import FlowDriver

/// The `flow` command. Exit codes: 0 success, 1 errors in the checked or run
/// program, 2 usage or input/output errors, 3 a runtime or data error.
@main
struct Flow: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "flow",
    abstract: "Flow: a typed dataflow language and stream processor.",
    discussion: """
      Exit codes: 0 success; 1 the program has errors; 2 usage or file errors;
      3 a runtime or data error while running.
      Documentation: README.md and the reference manual in Language/.
      """,
    version: "0.1.0",
    subcommands: [Run.self, Check.self, Plan.self, Compile.self, Explain.self, Debug.self, Fmt.self, Lsp.self, Repl.self])

  static func main() {
    do {
      // `--restore` without a value means the latest checkpoint.
      var args = Array(CommandLine.arguments.dropFirst())
      if let i = args.firstIndex(of: "--restore"), i + 1 == args.count || args[i + 1].hasPrefix("-") || args[i + 1].hasSuffix(".flow") && i + 2 > args.count {
        args[i] = "--restore=latest"
      }
      var command = try parseAsRoot(args)
      try command.run()
    } catch let e as ExitCode {
      Foundation.exit(e.rawValue)
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        // --help and --version print to stdout.
        print(fullMessage(for: error))
        Foundation.exit(0)
      }
      FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
      // Usage errors exit 2, like other tools (ArgumentParser would use 64).
      Foundation.exit(code == .validationFailure || code.rawValue == 64 ? 2 : code.rawValue)
    }
  }
}

func printErr(_ s: String) {
  FileHandle.standardError.write(Data((s + "\n").utf8))
}

extension DiagnosticFormat: ExpressibleByArgument {}
