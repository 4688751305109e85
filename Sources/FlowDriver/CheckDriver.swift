import Foundation
import FlowSyntax
import FlowSema
import FlowSQL

/// `flow check`: finds the `.flow` files under the given paths, checks each
/// (with its imports) and reports every diagnostic.
public struct CheckReport {
  public var filesChecked = 0
  public var errors = 0
  public var warnings = 0
  /// Paths that could not be read or do not exist.
  public var ioErrors: [String] = []
}

public enum FlowFiles {
  /// Expands files and folders (recursively) into `.flow` files, sorted.
  public static func collect(_ paths: [String]) -> (files: [String], missing: [String]) {
    var files: [String] = []
    var missing: [String] = []
    let fm = FileManager.default
    for p in paths {
      var isDir: ObjCBool = false
      guard fm.fileExists(atPath: p, isDirectory: &isDir) else {
        missing.append(p)
        continue
      }
      if isDir.boolValue {
        guard let e = fm.enumerator(atPath: p) else { continue }
        var found: [String] = []
        while let rel = e.nextObject() as? String {
          if rel.hasSuffix(".flow") {
            found.append(p.hasSuffix("/") ? p + rel : p + "/" + rel)
          }
        }
        files += found.sorted()
      } else {
        files.append(p)
      }
    }
    return (files, missing)
  }
}

public struct CheckDriver {
  public var format: DiagnosticFormat
  public var color: Bool
  public var showWarnings: Bool

  public init(format: DiagnosticFormat = .text, color: Bool = false, showWarnings: Bool = true) {
    self.format = format
    self.color = color
    self.showWarnings = showWarnings
  }

  /// Checks every file, writing diagnostics to `out` as they are found.
  public func run(paths: [String], out: (String) -> Void) -> CheckReport {
    SQLBridge.install()
    var report = CheckReport()
    let (files, missing) = FlowFiles.collect(paths)
    report.ioErrors = missing
    for f in files {
      report.filesChecked += 1
      let diagnostics: [Diagnostic]
      let renderer: DiagnosticRenderer
      if f.hasSuffix(".sql") {
        // A SQL file is checked by compiling it to a plan (nothing runs).
        let result = SQLCompiler.compile(path: f)
        diagnostics = result.diagnostics
        renderer = DiagnosticRenderer(sources: result.sources, color: color)
      } else {
        let result = Checker().check(path: f)
        diagnostics = result.diagnostics
        renderer = DiagnosticRenderer(sources: result.sources, color: color)
      }
      for d in diagnostics {
        if d.severity == .warning && !showWarnings { continue }
        if d.severity == .error { report.errors += 1 } else if d.severity == .warning { report.warnings += 1 }
        out(renderer.render(d, format: format))
        if format == .text { out("") }
      }
    }
    return report
  }
}
