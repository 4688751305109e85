import Foundation
import FlowSyntax
import FlowSema

/// One checked version of a document, and the questions an editor asks of
/// it: the innermost expression at a position, what a name refers to, which
/// names are in scope.
final class Analysis {
  let result: CheckResult
  var checker: Checker { result.checker }
  /// The document as the checker saw it.
  let file: SourceFile
  let fileID: Int
  /// The document's syntax tree (checked, unless it declares itself the prelude).
  let program: SourceProgram
  /// Whether the checker's side tables describe `program` (they do not for
  /// the prelude's own file, which is parsed again on its own).
  let typed: Bool
  /// Every expression, pattern and type expression, in source order.
  private(set) var exprs: [Expr] = []
  private(set) var patterns: [Pattern] = []
  private(set) var types: [TypeExpr] = []
  /// The expression each expression is a direct part of.
  private(set) var parent: [Int: Expr] = [:]

  init(path: String, text: String) {
    let checker = Checker()
    let result = checker.check(path: path, text: text)
    self.result = result
    if let p = result.module?.program, p.file.path == path, p.file.text == text {
      program = p
      typed = true
    } else {
      typed = false
      // The prelude itself, or a failed read: parse for the syntax alone.
      let id = result.sources.files.lastIndex { $0.path == path && $0.text == text } ?? result.sources.add(SourceFile(path: path, text: text))
      let f = result.sources.file(id) ?? SourceFile(path: path, text: text)
      program = Parser.parse(f, fileID: id, ids: NodeIDs()).0
    }
    file = program.file
    fileID = program.fileID
    var exprs: [Expr] = [], patterns: [Pattern] = [], types: [TypeExpr] = []
    var parent: [Int: Expr] = [:]
    let walker = SyntaxWalker(
      onExpr: { e in
        exprs.append(e)
        for c in Analysis.children(e) { parent[c.id] = e }
      },
      onType: { types.append($0) },
      onPattern: { patterns.append($0) })
    walker.walk(program)
    self.exprs = exprs
    self.patterns = patterns
    self.types = types
    self.parent = parent
  }

  static func children(_ e: Expr) -> [Expr] {
    switch e.kind {
    case .call(let c, let args): return [c] + args.map(\.value)
    case .pipe(let l, let r): return [l, r]
    case .field(let b, _), .optionalField(let b, _), .tupleIndex(let b, _): return [b]
    default: return []
    }
  }

  // MARK: - Side tables

  func type(_ exprID: Int) -> Type? { typed ? checker.exprTypes[exprID] : nil }
  func reference(_ id: Int) -> Binding? { typed ? checker.references[id] : nil }
  func binding(_ patternID: Int) -> Type? { typed ? checker.bindings[patternID] : nil }
  func call(_ id: Int) -> ResolvedCall? { typed ? checker.calls[id] : nil }
  func function(_ declID: Int) -> FunctionSymbol? { typed ? checker.functionSymbols[declID] : nil }

  // MARK: - Positions

  func contains(_ span: Span, _ offset: Int) -> Bool {
    span.fileID == fileID && span.start <= offset && offset < span.end
  }

  /// The expressions containing `offset`, innermost first.
  func exprs(at offset: Int) -> [Expr] {
    exprs.filter { contains($0.span, offset) }.sorted { ($0.span.end - $0.span.start) < ($1.span.end - $1.span.start) }
  }

  func pattern(at offset: Int) -> Pattern? {
    patterns.filter { contains($0.span, offset) }.min { ($0.span.end - $0.span.start) < ($1.span.end - $1.span.start) }
  }

  func typeExpr(at offset: Int) -> TypeExpr? {
    types.filter { contains($0.span, offset) }.min { ($0.span.end - $0.span.start) < ($1.span.end - $1.span.start) }
  }

  /// The declared function at `offset` of its name, if any.
  func fnDecl(namedAt offset: Int) -> FnDecl? {
    for item in program.items {
      if case .fnDecl(let f) = item, contains(f.name.span, offset) { return f }
    }
    return nil
  }

  func typeDecl(namedAt offset: Int) -> TypeDecl? {
    for item in program.items {
      if case .typeDecl(let t) = item, contains(t.name.span, offset) { return t }
    }
    return nil
  }

  // MARK: - Resolution

  /// The call that `e` is the callee of (directly, or as `a |> f(...)` or `a |> f`).
  func resolvedCall(of e: Expr) -> ResolvedCall? {
    guard let p = parent[e.id] else { return nil }
    if case .call(let c, _) = p.kind, c === e {
      if let r = call(p.id) { return r }
      if let pp = parent[p.id], case .pipe(_, let rhs) = pp.kind, rhs === p { return call(pp.id) }
    }
    if case .pipe(_, let rhs) = p.kind, rhs === e { return call(p.id) }
    return nil
  }

  /// A type visible from the document by name (declared in it, imported,
  /// or in the prelude): the spans of its name and of its declaration.
  func typeDeclaration(named name: String) -> (name: Span, decl: Span)? {
    for item in program.items {
      if case .typeDecl(let t) = item, t.name.text == name { return (t.name.span, t.span) }
    }
    var found: TypeSymbol? = nil
    for m in importedModules() where found == nil { found = m.types[name] }
    if found == nil { found = checker.preludeModule?.types[name] }
    guard let t = found else { return nil }
    return (typeDeclNameSpan(t), t.span)
  }

  /// The span of a type declaration's name, given its symbol.
  func typeDeclNameSpan(_ t: TypeSymbol) -> Span {
    for p in allPrograms() {
      for item in p.items {
        if case .typeDecl(let d) = item, d.span == t.span { return d.name.span }
      }
    }
    return t.span
  }

  /// The span of a constructor's name in its type declaration.
  func constructorSpan(_ c: ConstructorSymbol) -> Span {
    for p in allPrograms() {
      for item in p.items {
        if case .typeDecl(let d) = item, d.span == c.type.span, case .sum(let vs) = d.body, c.index < vs.count {
          return vs[c.index].name.span
        }
      }
    }
    return c.type.span
  }

  func allPrograms() -> [SourceProgram] {
    var out = [program]
    if let p = checker.preludeModule?.program { out.append(p) }
    for m in checker.loadedModules.values { if let p = m.program { out.append(p) } }
    return out
  }

  /// The modules the document imports (that loaded), with their imports.
  func importedModules() -> [ModuleSymbol] {
    imports().compactMap(\.module)
  }

  func imports() -> [(decl: ImportDecl, module: ModuleSymbol?)] {
    program.items.compactMap { item in
      guard case .importDecl(let d) = item else { return nil }
      return (d, checker.importedModule(d, from: file.path))
    }
  }

  /// The module a namespace name (`import std.graph` binds `graph`) refers to.
  func namespace(_ name: String) -> ModuleSymbol? {
    for (d, m) in imports() where d.names == nil {
      switch d.target {
      case .module(let parts):
        if (d.alias?.text ?? parts.last?.text) == name { return m }
      case .file:
        if d.alias?.text == name { return m }
      }
    }
    return nil
  }
}

