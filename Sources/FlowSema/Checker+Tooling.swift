import Foundation
import FlowSyntax

/// Read-only access for tools (the language server): the prelude and the
/// modules a check loaded, which completion and go-to-definition need.
extension Checker {
  /// The standard prelude every script sees without an import.
  public var preludeModule: ModuleSymbol? { prelude }

  /// Every module loaded by the last check (imports, transitively), by the
  /// key it was loaded under: a dotted name for the standard library, a
  /// canonical path for a local file.
  public var loadedModules: [String: ModuleSymbol] { modules }

  /// The module that `decl`, written in the file `importer`, loaded, if it
  /// loaded.
  public func importedModule(_ decl: ImportDecl, from importer: String) -> ModuleSymbol? {
    let baseDir = (importer as NSString).deletingLastPathComponent
    switch decl.target {
    case .module(let parts):
      let dotted = parts.map(\.text).joined(separator: ".")
      if let m = modules[dotted] { return m }
      let local = (baseDir as NSString).appendingPathComponent(parts.map(\.text).joined(separator: "/") + ".flow")
      return modules[canonicalPath(local)]
    case .file(let rel):
      let path = rel.hasPrefix("/") ? rel : (baseDir as NSString).appendingPathComponent(rel)
      return modules[canonicalPath(path)]
    }
  }
}
