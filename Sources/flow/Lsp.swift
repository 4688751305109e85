import ArgumentParser
import Foundation
import FlowLSP

struct Lsp: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run the Flow language server (LSP over standard input and output).",
    discussion: """
      Speaks the Language Server Protocol (JSON-RPC 2.0 with Content-Length
      framing) on stdin/stdout, for editors: diagnostics as you type, hover
      (the type of the expression under the cursor, a function's signature),
      go to definition (into the standard library too, whose files are
      written to the user's cache folder), completion (names in scope, record
      fields and module members after '.'), document symbols and formatting
      (as `flow fmt`). Start it from the editor, not by hand; see
      Language/tools.md for VS Code, Neovim and Emacs settings.
      Exit codes: 0 after a `shutdown` request and `exit`, 1 otherwise.
      """)

  func run() throws {
    let code = runLanguageServerOnStdio()
    if code != 0 { throw ExitCode(code) }
  }
}
