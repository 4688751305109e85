import ArgumentParser
import Foundation
import FlowREPL

struct Repl: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "An interactive shell: declarations, expressions and pipelines, evaluated as you type.",
    discussion: """
      On a terminal: line editing, history (saved in $FLOW_HISTORY, else
      $XDG_STATE_HOME/flow/history or ~/.local/state/flow/history), Ctrl-R
      search and Tab completion. With stdin not a terminal, lines are read
      plainly and echoed, so sessions can be scripted. :help lists the
      commands; the manual is Language/repl.md.
      """)

  @Argument(help: "Scripts to :load when the shell starts.")
  var files: [String] = []

  @Flag(help: "With stdin not a terminal, do not echo the input lines.")
  var noEcho = false

  func run() throws {
    var options = ReplOptions()
    options.files = files
    options.echo = !noEcho
    options.color = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    let code = ReplMain.run(options)
    if code != 0 { throw ExitCode(code) }
  }
}
