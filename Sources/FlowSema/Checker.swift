import Foundation
import FlowSyntax

/// The result of checking one file and everything it imports.
public struct CheckResult {
  public let diagnostics: [Diagnostic]
  public let sources: SourceMap
  public let module: ModuleSymbol?
  public let checker: Checker
  public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// The type checker: Hindley-Milner inference with let-polymorphism, row
/// polymorphism for records, rigid declared type parameters, subsumption of
/// `T` into `T?` and of `Keyed<K, T>` into `Stream<T>`, overloads for
/// `extern fn`s chosen by their first argument, and flow-sensitive null
/// narrowing. It reports every error it finds and keeps going.
///
/// **Architecture invariant:** the checker never stops at the first error.
/// A failed expression gets a fresh type variable, so one mistake does not
/// cascade into a page of follow-on errors.
public final class Checker {
  public let sources: SourceMap
  let ids: NodeIDs
  var diagnostics: [Diagnostic] = []
  var level = 0
  var varCounter = 0
  var symbolCounter = 0
  /// Bounds of declared type parameters (`T: Num`), by parameter id.
  var paramBounds: [Int: Set<String>] = [:]
  var trail: [TrailEntry] = []
  var trailDepth = 0

  /// The type of every expression, by node id (for lowering and hovers).
  public internal(set) var exprTypes: [Int: Type] = [:]
  /// What each name expression refers to, by node id.
  public internal(set) var references: [Int: Binding] = [:]
  /// Every declared function, by the id of its declaration.
  public internal(set) var functionSymbols: [Int: FunctionSymbol] = [:]
  /// The type bound to each variable pattern, by pattern id.
  public internal(set) var bindings: [Int: Type] = [:]
  /// Call sites resolved to a declared function: callee and argument order.
  public internal(set) var calls: [Int: ResolvedCall] = [:]

  var modules: [String: ModuleSymbol] = [:]
  /// Sum types by qualified name, for exhaustiveness.
  var sumTypes: [String: TypeSymbol] = [:]
  var loading: [(key: String, span: Span)] = []
  var prelude: ModuleSymbol?
  var preludeScopeCache: Scope?
  /// Every module's top-level scope, kept alive for the checker's lifetime:
  /// `TypeSymbol.scope` is weak, and a type alias (say the prelude's `Bid`
  /// in `schema: Bid`) is resolved in its module's scope after that module
  /// was checked. Without this, `schema: Bid` was "unknown type 'Bid'".
  var moduleScopes: [Scope] = []
  /// Type aliases being expanded, innermost last, and the alias cycles
  /// already reported (see `resolveType`).
  var aliasStack: [String] = []
  var reportedAliasCycles = Set<String>()
  /// How many type constructors (`Stream<...>`) deep unification is.
  var conNesting = 0
  let stdlib: [String: String]
  var currentModule = "main"
  var currentFile = ""

  public init(stdlib: [String: String] = EmbeddedStdlib.modules, sources: SourceMap = SourceMap(), ids: NodeIDs = NodeIDs()) {
    self.stdlib = stdlib
    self.sources = sources
    self.ids = ids
  }

  /// Checks a file on disk and everything it imports.
  public func check(path: String) -> CheckResult {
    guard let data = FileManager.default.contents(atPath: path) else {
      diagnostics.append(.error("E0400", "cannot read '\(path)'", at: .none))
      return CheckResult(diagnostics: diagnostics, sources: sources, module: nil, checker: self)
    }
    guard let text = String(data: data, encoding: .utf8) else {
      diagnostics.append(.error("E0400", "'\(path)' is not valid UTF-8 text", at: .none))
      return CheckResult(diagnostics: diagnostics, sources: sources, module: nil, checker: self)
    }
    return check(path: path, text: text)
  }

  /// Checks source text as if it were the file at `path`.
  public func check(path: String, text: String) -> CheckResult {
    loadPrelude()
    let file = SourceFile(path: path, text: text)
    let id = sources.add(file)
    let (program, parseDiags) = Parser.parse(file, fileID: id, ids: ids)
    diagnostics.append(contentsOf: parseDiags)
    let name = program.module?.dotted ?? "main"
    let module: ModuleSymbol
    if name == "std.prelude", let p = prelude {
      module = p  // checking Stdlib/std/prelude.flow itself: already done
    } else {
      // The entry file is on the import stack too, so that `a.flow -> b.flow
      // -> a.flow` is reported once, at the import that closes the cycle,
      // instead of checking a second copy of the entry file as a module.
      let key = canonicalPath(path)
      loading.append((key, Span(fileID: id, start: 0, end: 0)))
      module = checkModule(program, name: name, key: key, isEntry: true)
      loading.removeLast()
    }
    return CheckResult(diagnostics: sortedDiagnostics(), sources: sources, module: module, checker: self)
  }

  func sortedDiagnostics() -> [Diagnostic] {
    var seen = Set<String>()
    return diagnostics.enumerated().sorted { a, b in
      let x = a.element.span, y = b.element.span
      if x.fileID != y.fileID { return x.fileID > y.fileID ? false : true }
      if x.start != y.start { return x.start < y.start }
      return a.offset < b.offset
    }.map(\.element).filter { d in
      // The same message at the same place twice is one problem.
      seen.insert("\(d.span.fileID):\(d.span.start):\(d.code):\(d.message)").inserted
    }
  }

  // MARK: - Modules

  func loadPrelude() {
    guard prelude == nil else { return }
    guard let text = stdlib["std.prelude"] else { return }
    let file = SourceFile(path: "<stdlib>/std/prelude.flow", text: text)
    let id = sources.add(file)
    let (program, diags) = Parser.parse(file, fileID: id, ids: ids)
    diagnostics.append(contentsOf: diags)
    let m = checkModule(program, name: "std.prelude", key: "std.prelude", isEntry: false, isPrelude: true)
    prelude = m
  }

  /// Loads `import std.x` (embedded standard library, or a `.flow` file under
  /// the importing file's folder) or `import "./file.flow"`.
  func loadModule(_ decl: ImportDecl, from importer: String) -> ModuleSymbol? {
    let baseDir = (importer as NSString).deletingLastPathComponent
    var key: String
    var text: String?
    var path: String
    var expectedName: String?
    switch decl.target {
    case .module(let parts):
      let dotted = parts.map(\.text).joined(separator: ".")
      key = dotted
      expectedName = dotted
      path = "<stdlib>/" + parts.map(\.text).joined(separator: "/") + ".flow"
      if let t = stdlib[dotted] {
        text = t
      } else {
        let local = (baseDir as NSString).appendingPathComponent(parts.map(\.text).joined(separator: "/") + ".flow")
        if let data = FileManager.default.contents(atPath: local) {
          text = String(data: data, encoding: .utf8)
          path = local
          key = canonicalPath(local)
        } else {
          let known = stdlib.keys.filter { $0 != "std.prelude" }.sorted()
          let suggestion = closestMatch(to: dotted, in: known)
          diagnostics.append(.error("E0401", "unknown module '\(dotted)'", at: decl.span, label: suggestion.map { "did you mean '\($0)'?" }, notes: ["note: standard modules: \(known.joined(separator: ", "))", "help: a local module `a.b` is the file a/b.flow beside this script"]))
          return nil
        }
      }
    case .file(let rel):
      path = rel.hasPrefix("/") ? rel : (baseDir as NSString).appendingPathComponent(rel)
      key = canonicalPath(path)
      guard let data = FileManager.default.contents(atPath: path) else {
        diagnostics.append(.error("E0402", "cannot find the file '\(rel)' to import", at: decl.span, notes: ["note: looked for \(path)", "help: a relative import is resolved from the folder of the importing file"]))
        return nil
      }
      text = String(data: data, encoding: .utf8)
    }
    if let m = modules[key] { return m }
    if let i = loading.firstIndex(where: { $0.key == key }) {
      let cycle = loading[i...].map { displayKey($0.key) } + [displayKey(key)]
      diagnostics.append(.error("E0403", "import cycle: \(cycle.joined(separator: " -> "))", at: decl.span, notes: ["help: move the shared declarations into a third module that both import"]))
      return nil
    }
    guard let source = text else {
      diagnostics.append(.error("E0400", "'\(path)' is not valid UTF-8 text", at: decl.span))
      return nil
    }
    let file = SourceFile(path: path, text: source)
    let id = sources.add(file)
    let (program, diags) = Parser.parse(file, fileID: id, ids: ids)
    diagnostics.append(contentsOf: diags)
    if let expected = expectedName, let header = program.module, header.dotted != expected {
      diagnostics.append(.error("E0404", "module '\(expected)' declares itself as '\(header.dotted)'", at: header.span))
    }
    loading.append((key, decl.span))
    defer { loading.removeLast() }
    let name = program.module?.dotted ?? expectedName ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    return checkModule(program, name: name, key: key, isEntry: false)
  }

  func displayKey(_ key: String) -> String {
    key.hasPrefix("/") ? (key as NSString).lastPathComponent : key
  }

  func canonicalPath(_ p: String) -> String {
    let abs = p.hasPrefix("/") ? p : FileManager.default.currentDirectoryPath + "/" + p
    return (abs as NSString).standardizingPath
  }

  // MARK: - Helpers

  func newSymbolID() -> Int {
    symbolCounter += 1
    return symbolCounter
  }

  func error(_ code: String, _ message: String, at span: Span, label: String? = nil, notes: [String] = []) {
    diagnostics.append(.error(code, message, at: span, label: label, notes: notes))
  }
}

/// A call to a declared function, with each parameter's argument expression
/// (nil where the default is used).
public struct ResolvedCall {
  public let function: FunctionSymbol
  public let arguments: [Expr?]
}

extension Checker {
  /// The printed type of an expression (type variables as A, B, ...).
  public func typeString(ofExpr id: Int) -> String {
    guard let t = exprTypes[id] else { return "?" }
    return TypePrinter().print(t)
  }

  public func typeString(ofFunction declID: Int) -> String {
    guard let f = functionSymbols[declID] else { return "?" }
    return TypePrinter().print(f.scheme.type)
  }
}
