import ArgumentParser
import Foundation
import FlowDriver

struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Parse and type-check Flow scripts without running them.",
    discussion: """
      Checks each .flow file under the given files and folders (recursively),
      including everything it imports, and reports every error with its
      location. Exit code 0 when all files are clean, 1 when any has an error
      (all files are still checked), 2 when a path cannot be read.
      Use it as a pre-commit hook or CI step:  flow check --format github scripts/
      """)

  @Argument(help: "Files or folders to check.")
  var paths: [String]

  @Option(help: "Output format: text, json (one object per line) or github (Actions annotations).")
  var format: DiagnosticFormat = .text

  @Flag(help: "Do not report warnings.")
  var noWarnings = false

  @Flag(help: "Colour the output (default: when stderr is a terminal).")
  var color = false

  func run() throws {
    let useColor = color || (format == .text && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
    let driver = CheckDriver(format: format, color: useColor, showWarnings: !noWarnings)
    let report = driver.run(paths: paths) { print($0) }
    for m in report.ioErrors { printErr("flow: error: no such file or folder: \(m)") }
    if format == .text && (report.filesChecked > 0 || report.ioErrors.isEmpty) {
      let files = "\(report.filesChecked) file\(report.filesChecked == 1 ? "" : "s")"
      if report.errors == 0 {
        printErr("checked \(files): no errors\(report.warnings > 0 ? ", \(report.warnings) warning\(report.warnings == 1 ? "" : "s")" : "")")
      } else {
        printErr("checked \(files): \(report.errors) error\(report.errors == 1 ? "" : "s")\(report.warnings > 0 ? ", \(report.warnings) warning\(report.warnings == 1 ? "" : "s")" : "")")
      }
    }
    if !report.ioErrors.isEmpty { throw ExitCode(2) }
    if report.errors > 0 { throw ExitCode(1) }
  }
}

struct Explain: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Explain a diagnostic code, e.g. `flow explain E0213`.")

  @Argument(help: "A diagnostic code such as E0213.")
  var code: String

  func run() throws {
    guard let page = FlowDriver.Explain.page(for: code) else {
      printErr("flow: error: unknown diagnostic code '\(code)'; codes look like E0213 (see Language/diagnostics.md)")
      throw ExitCode(2)
    }
    print(page)
  }
}
