import ArgumentParser
import Foundation
import FlowDriver
import FlowFormat
import FlowSyntax

struct Fmt: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Format Flow scripts in place, in the one canonical layout.",
    discussion: """
      Formats each .flow file under the given files and folders (recursively),
      rewriting only the files that change. `-` formats standard input to
      standard output. Line breaks are kept (runs of blank lines become one);
      indentation is two spaces per open bracket and for continuation lines
      such as `|> ...`; spacing around operators, commas and colons is
      normalized; comments are kept. A file with syntax errors is reported
      as `flow check` does and left unchanged.
      With --check nothing is written: the files that would change are listed.
      Exit codes: 0 success (with --check: every file is formatted), 1 a file
      has syntax errors (with --check: or would change), 2 a path cannot be
      read or written.
      """)

  @Argument(help: "Files or folders to format, or - for standard input.")
  var paths: [String]

  @Flag(help: "Write nothing; list the files that are not formatted and exit 1 if there are any.")
  var check = false

  func run() throws {
    var ioError = false
    var syntaxErrors = 0
    var changed: [String] = []
    var seen = 0
    let color = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    func format(_ text: String, path: String) -> String? {
      let sources = SourceMap()
      let id = sources.add(SourceFile(path: path, text: text))
      switch FlowFormatter.format(text, path: path, fileID: id) {
      case .success(let out):
        return out
      case .failure(.syntaxErrors(let diagnostics)):
        let renderer = DiagnosticRenderer(sources: sources, color: color)
        for d in diagnostics { printErr(renderer.text(d) + "\n") }
        syntaxErrors += 1
        return nil
      case .failure(.internalError(let why)):
        printErr("flow: error: cannot format '\(path)': \(why) (this is a bug in flow fmt; the file is left unchanged)")
        syntaxErrors += 1
        return nil
      }
    }

    var files: [String] = []
    var fileArgs: [String] = []
    for p in paths {
      if p == "-" { files.append(p) } else { fileArgs.append(p) }
    }
    let (found, missing) = FlowFiles.collect(fileArgs)
    files += found
    for m in missing {
      printErr("flow: error: no such file or folder: \(m)")
      ioError = true
    }

    for f in files {
      seen += 1
      if f == "-" {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        guard let text = String(data: data, encoding: .utf8) else {
          printErr("flow: error: standard input is not valid UTF-8 text")
          ioError = true
          continue
        }
        guard let out = format(text, path: "<stdin>") else { continue }
        if out != text { changed.append("<stdin>") }
        if !check { FileHandle.standardOutput.write(Data(out.utf8)) }
        continue
      }
      guard let data = FileManager.default.contents(atPath: f) else {
        printErr("flow: error: cannot read '\(f)'")
        ioError = true
        continue
      }
      guard let text = String(data: data, encoding: .utf8) else {
        printErr("flow: error: '\(f)' is not valid UTF-8 text")
        ioError = true
        continue
      }
      guard let out = format(text, path: f) else { continue }
      guard out != text else { continue }
      changed.append(f)
      if check {
        print(f)
      } else if !FileManager.default.isWritableFile(atPath: f) || (try? Data(out.utf8).write(to: URL(fileURLWithPath: f), options: .atomic)) == nil {
        printErr("flow: error: cannot write '\(f)'")
        ioError = true
      }
    }

    if !(files.count == 1 && files[0] == "-") {
      let n = "\(seen) file\(seen == 1 ? "" : "s")"
      let errors = syntaxErrors > 0 ? ", \(syntaxErrors) with errors (left unchanged)" : ""
      if check {
        printErr(changed.isEmpty ? "checked \(n): all formatted\(errors)" : "checked \(n): \(changed.count) not formatted\(errors)")
      } else {
        printErr("formatted \(n): \(changed.count) changed\(errors)")
      }
    }
    if ioError { throw ExitCode(2) }
    if syntaxErrors > 0 || (check && !changed.isEmpty) { throw ExitCode(1) }
  }
}
