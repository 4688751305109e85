import Foundation
import FlowSyntax
import FlowSema
import FlowFormat

/// `flow lsp`: a Language Server Protocol server. It keeps the text of open
/// documents, re-checks a document on every change (with its path, so that
/// relative imports resolve), and answers hover, definition, completion,
/// document symbol and formatting requests from the checker's side tables.
///
/// It is transport-agnostic: `handle` takes one message body and `send`
/// receives each outgoing message; `runStdio` connects it to stdin/stdout.
public final class LanguageServer {
  public enum ErrorCode: Int {
    case parseError = -32700, invalidRequest = -32600, methodNotFound = -32601, invalidParams = -32602
    case internalError = -32603, serverNotInitialized = -32002, requestFailed = -32803
  }

  final class Document {
    let uri: String
    let path: String
    var text: String
    var version: Int
    private var cached: Analysis?
    init(uri: String, path: String, text: String, version: Int) {
      self.uri = uri
      self.path = path
      self.text = text
      self.version = version
    }
    var analysis: Analysis {
      if let a = cached { return a }
      let a = Analysis(path: path, text: text)
      cached = a
      return a
    }
    func update(_ text: String, version: Int) {
      self.text = text
      self.version = version
      cached = nil
    }
  }

  private let send: ([String: Any]) -> Void
  private var documents: [String: Document] = [:]
  private var initialized = false
  private var shutdownRequested = false
  /// Set when the client sent `exit`: the process exit code.
  public private(set) var exitCode: Int32? = nil

  public init(send: @escaping ([String: Any]) -> Void) {
    self.send = send
  }

  // MARK: - Messages

  /// Handles one message body (JSON). Never throws: bad input gets an error
  /// response where a response is due.
  public func handle(_ body: Data) {
    guard let json = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else {
      respondError(id: NSNull(), .parseError, "the message is not valid JSON")
      return
    }
    guard let msg = json as? [String: Any] else {
      respondError(id: NSNull(), .invalidRequest, "a message must be a JSON object")
      return
    }
    let id = msg["id"]
    guard let method = msg["method"] as? String else {
      // A response to a request of ours (we send none), or garbage.
      if id != nil && msg["result"] == nil && msg["error"] == nil {
        respondError(id: id ?? NSNull(), .invalidRequest, "a request needs a 'method'")
      }
      return
    }
    let params = msg["params"] as? [String: Any] ?? [:]
    if let id = id {
      request(id: id, method: method, params: params)
    } else {
      notification(method: method, params: params)
    }
  }

  private func request(id: Any, method: String, params: [String: Any]) {
    if method == "initialize" {
      initialized = true
      respond(id: id, result: initializeResult())
      return
    }
    guard initialized else {
      respondError(id: id, .serverNotInitialized, "the server has not been initialized")
      return
    }
    if shutdownRequested {
      respondError(id: id, .invalidRequest, "the server is shutting down")
      return
    }
    switch method {
    case "shutdown":
      shutdownRequested = true
      respond(id: id, result: NSNull())
    case "textDocument/hover":
      withPosition(id, params) { doc, offset in self.hover(doc, offset) }
    case "textDocument/definition":
      withPosition(id, params) { doc, offset in self.definition(doc, offset) }
    case "textDocument/completion":
      withPosition(id, params) { doc, offset in self.completion(doc, offset) }
    case "textDocument/documentSymbol":
      guard let doc = document(params) else { return respondError(id: id, .invalidParams, "unknown or missing textDocument") }
      respond(id: id, result: documentSymbols(doc))
    case "textDocument/formatting":
      guard let doc = document(params) else { return respondError(id: id, .invalidParams, "unknown or missing textDocument") }
      switch FlowFormatter.format(doc.text, path: doc.path) {
      case .success(let out):
        if out == doc.text { return respond(id: id, result: [Any]()) }
        let file = doc.analysis.file
        respond(id: id, result: [["range": LSP.range(file, 0, file.bytes.count), "newText": out]])
      case .failure(.syntaxErrors(let ds)):
        respondError(id: id, .requestFailed, "cannot format: the file has \(ds.count) syntax error\(ds.count == 1 ? "" : "s")")
      case .failure(.internalError(let why)):
        respondError(id: id, .requestFailed, "cannot format: \(why)")
      }
    default:
      respondError(id: id, .methodNotFound, "unsupported method '\(method)'")
    }
  }

  private func notification(method: String, params: [String: Any]) {
    switch method {
    case "exit":
      exitCode = shutdownRequested ? 0 : 1
    case "initialized", "$/cancelRequest", "$/setTrace", "textDocument/didSave", "workspace/didChangeConfiguration":
      break
    case "textDocument/didOpen":
      guard initialized, let td = params["textDocument"] as? [String: Any], let uri = td["uri"] as? String,
            let text = td["text"] as? String else { return }
      let doc = Document(uri: uri, path: LanguageServer.path(for: uri), text: text, version: td["version"] as? Int ?? 0)
      documents[uri] = doc
      publishDiagnostics(doc)
    case "textDocument/didChange":
      guard initialized, let td = params["textDocument"] as? [String: Any], let uri = td["uri"] as? String,
            let doc = documents[uri], let changes = params["contentChanges"] as? [[String: Any]] else { return }
      var text = doc.text
      for change in changes {
        guard let newText = change["text"] as? String else { continue }
        if let range = change["range"] as? [String: Any], let (s, e) = offsets(range, in: text) {
          var bytes = Array(text.utf8)
          bytes.replaceSubrange(s..<e, with: Array(newText.utf8))
          text = String(decoding: bytes, as: UTF8.self)
        } else {
          text = newText
        }
      }
      doc.update(text, version: td["version"] as? Int ?? doc.version + 1)
      publishDiagnostics(doc)
    case "textDocument/didClose":
      guard let td = params["textDocument"] as? [String: Any], let uri = td["uri"] as? String else { return }
      if documents.removeValue(forKey: uri) != nil {
        send(["jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": ["uri": uri, "diagnostics": [Any]()]])
      }
    default:
      break  // Unknown notifications are ignored, as the protocol asks.
    }
  }

  private func initializeResult() -> [String: Any] {
    [
      "capabilities": [
        "textDocumentSync": 1,
        "hoverProvider": true,
        "definitionProvider": true,
        "completionProvider": ["triggerCharacters": ["."], "resolveProvider": false],
        "documentSymbolProvider": true,
        "documentFormattingProvider": true,
      ] as [String: Any],
      "serverInfo": ["name": "flow", "version": "0.1.0"],
    ]
  }

  private func respond(id: Any, result: Any) {
    send(["jsonrpc": "2.0", "id": id, "result": result])
  }

  private func respondError(id: Any, _ code: ErrorCode, _ message: String) {
    send(["jsonrpc": "2.0", "id": id, "error": ["code": code.rawValue, "message": message]])
  }

  // MARK: - Documents and positions

  static func path(for uri: String) -> String {
    if let p = LSP.path(fromURI: uri) { return p }
    // An unsaved buffer: imports resolve from the working folder.
    let name = uri.split(separator: "/").last.map(String.init) ?? "untitled"
    return FileManager.default.currentDirectoryPath + "/" + (name.hasSuffix(".flow") ? name : name + ".flow")
  }

  private func document(_ params: [String: Any]) -> Document? {
    guard let td = params["textDocument"] as? [String: Any], let uri = td["uri"] as? String else { return nil }
    return documents[uri]
  }

  private func withPosition(_ id: Any, _ params: [String: Any], _ body: (Document, Int) -> Any) {
    guard let doc = document(params) else { return respondError(id: id, .invalidParams, "unknown or missing textDocument") }
    guard let pos = params["position"] as? [String: Any], let line = pos["line"] as? Int, let ch = pos["character"] as? Int else {
      return respondError(id: id, .invalidParams, "missing position")
    }
    let offset = doc.analysis.file.offset(line: line, character: ch)
    respond(id: id, result: body(doc, offset))
  }

  /// Byte offsets of an LSP range in `text`.
  private func offsets(_ range: [String: Any], in text: String) -> (Int, Int)? {
    guard let s = range["start"] as? [String: Any], let e = range["end"] as? [String: Any],
          let sl = s["line"] as? Int, let sc = s["character"] as? Int, let el = e["line"] as? Int, let ec = e["character"] as? Int else { return nil }
    let f = SourceFile(path: "", text: text)
    let a = f.offset(line: sl, character: sc), b = f.offset(line: el, character: ec)
    return a <= b ? (a, b) : (b, a)
  }

  /// The LSP location of a span in any file the checker loaded.
  private func location(_ span: Span, _ a: Analysis, _ doc: Document) -> [String: Any]? {
    if span.fileID == a.fileID { return ["uri": doc.uri, "range": LSP.range(a.file, span)] }
    guard let f = a.checker.sources.file(span.fileID) else { return nil }
    var path = f.path
    if path.hasPrefix("<stdlib>/") {
      guard let cached = StdlibCache.file(for: path, text: f.text) else { return nil }
      path = cached
    }
    return ["uri": LSP.uri(fromPath: path), "range": LSP.range(f, span)]
  }

  // MARK: - Diagnostics

  private func publishDiagnostics(_ doc: Document) {
    let a = doc.analysis
    var out: [[String: Any]] = []
    for d in a.result.diagnostics {
      var range: [String: Any]
      var message = d.message
      if d.span.fileID == a.fileID {
        range = LSP.range(a.file, d.span)
      } else {
        // In an imported file: shown at the import that brought it in.
        let imp = a.imports().first { $0.module?.program?.fileID == d.span.fileID } ?? a.imports().first
        range = imp.map { LSP.range(a.file, $0.decl.span) } ?? LSP.range(a.file, 0, 0)
        if let f = a.checker.sources.file(d.span.fileID) {
          let l = f.location(of: d.span.start)
          message = "\(f.path):\(l.line):\(l.column): \(message)"
        }
      }
      if let label = d.label { message += " (\(label))" }
      for n in d.notes { message += "\n" + n }
      let severity: Int
      switch d.severity {
      case .error: severity = 1
      case .warning: severity = 2
      case .note: severity = 3
      }
      out.append(["range": range, "severity": severity, "code": d.code, "source": "flow", "message": message])
    }
    send(["jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
          "params": ["uri": doc.uri, "version": doc.version, "diagnostics": out] as [String: Any]])
  }

  // MARK: - Hover

  private func hover(_ doc: Document, _ offset: Int) -> Any {
    let a = doc.analysis
    guard let (text, span) = hoverText(a, offset) else { return NSNull() }
    return ["contents": ["kind": "markdown", "value": text], "range": LSP.range(a.file, span)]
  }

  private func code(_ s: String) -> String { "```flow\n\(s)\n```" }

  private func hoverText(_ a: Analysis, _ offset: Int) -> (String, Span)? {
    if let f = a.fnDecl(namedAt: offset), let sym = a.function(f.id) {
      return (describe([sym], a), f.name.span)
    }
    if let t = a.typeDecl(namedAt: offset) {
      return (code(sourceText(t.span, a) ?? t.name.text), t.name.span)
    }
    if let te = a.typeExpr(at: offset), case .named(let n, _) = te.kind, a.contains(n.span, offset),
       let decl = a.typeDeclaration(named: n.text) {
      return (code(sourceText(decl.decl, a) ?? n.text), n.span)
    }
    // A name bound by a pattern (`let`, a parameter, a match arm).
    if let p = a.pattern(at: offset) {
      switch p.kind {
      case .bind(let n):
        if let t = a.binding(p.id) { return (code("\(n): \(TypePrinter().print(t))"), p.span) }
      case .constructor(let n, _):
        if a.contains(n.span, offset), case .constructor(let ctor)? = a.reference(p.id) {
          return (describe(ctor), n.span)
        }
      default:
        break
      }
    }
    let candidates = a.exprs(at: offset)
    for e in candidates {
      switch e.kind {
      case .name(let n):
        if let b = a.reference(e.id) { return (describe(b, n, e, a), e.span) }
        if let t = a.type(e.id) {
          if case .con("Schema", _) = t.resolved, let decl = a.typeDeclaration(named: n) {
            return (code(sourceText(decl.decl, a) ?? n), e.span)
          }
          return (code("\(n): \(TypePrinter().print(t))"), e.span)
        }
      case .field(_, let name), .optionalField(_, let name):
        if let b = a.reference(e.id) { return (describe(b, name.text, e, a), e.span) }
        if let t = a.type(e.id) { return (code("\(name.text): \(TypePrinter().print(t))"), e.span) }
      default:
        if let t = a.type(e.id) { return (code(TypePrinter().print(t)), e.span) }
      }
    }
    return nil
  }

  private func describe(_ b: Binding, _ name: String, _ e: Expr, _ a: Analysis) -> String {
    switch b {
    case .value(let v):
      let t = a.type(e.id) ?? v.scheme.type
      return code("\(name): \(TypePrinter().print(t))")
    case .functions(let fs):
      var chosen = fs
      if let call = a.resolvedCall(of: e) { chosen = [call.function] }
      var s = describe(chosen, a)
      if chosen.count == 1, let t = a.type(e.id) { s += "\n\nhere: `\(TypePrinter().print(t))`" }
      if fs.count > 1 && chosen.count == 1 { s += "\n\n(\(fs.count) overloads)" }
      return s
    case .constructor(let ctor):
      return describe(ctor)
    case .module(let m):
      return code("module \(m.name)")
    }
  }

  private func describe(_ ctor: ConstructorSymbol) -> String {
    code("\(ctor.name): \(TypePrinter().print(ctor.scheme.type))") + "\n\nconstructor of `\(displayName(ctor.type.qualifiedName))`"
  }

  /// Signatures as declared, each with its doc comment.
  private func describe(_ fs: [FunctionSymbol], _ a: Analysis) -> String {
    fs.map { f in
      var s = code(signature(f.decl, a))
      if let doc = docComment(f.decl.span, a), !doc.isEmpty { s += "\n\n" + doc }
      return s
    }.joined(separator: "\n\n---\n\n")
  }

  func signature(_ f: FnDecl, _ a: Analysis) -> String {
    var s = "fn \(f.name.text)"
    if !f.typeParams.isEmpty {
      s += "<" + f.typeParams.map { $0.name.text + ($0.bound.map { ": " + $0.text } ?? "") }.joined(separator: ", ") + ">"
    }
    s += "(" + f.params.map { sourceText($0.span, a) ?? ($0.name ?? "_") }.joined(separator: ", ") + ")"
    if let r = f.returnType { s += " -> " + (sourceText(r.span, a) ?? "?") }
    return s
  }

  /// The text of a span in any loaded file, on one line.
  func sourceText(_ span: Span, _ a: Analysis) -> String? {
    guard let f = a.checker.sources.file(span.fileID), span.start >= 0, span.end <= f.bytes.count else { return nil }
    let s = String(decoding: f.bytes[span.start..<span.end], as: UTF8.self)
    return s.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
  }

  /// The `///` lines just above a declaration.
  func docComment(_ span: Span, _ a: Analysis) -> String? {
    guard let f = a.checker.sources.file(span.fileID) else { return nil }
    var line = f.location(of: span.start).line - 1
    var lines: [String] = []
    while line >= 1 {
      let t = f.lineText(line).trimmingCharacters(in: .whitespaces)
      guard t.hasPrefix("///") else { break }
      var body = t.dropFirst(3)
      if body.hasPrefix(" ") { body = body.dropFirst() }
      lines.insert(String(body), at: 0)
      line -= 1
    }
    return lines.isEmpty ? nil : lines.joined(separator: "\n")
  }

  // MARK: - Definition

  private func definition(_ doc: Document, _ offset: Int) -> Any {
    let a = doc.analysis
    var spans: [Span] = []
    func add(_ b: Binding) {
      switch b {
      case .value(let v): spans.append(v.span)
      case .functions(let fs): spans += fs.map(\.decl.name.span)
      case .constructor(let ctor): spans.append(a.constructorSpan(ctor))
      case .module(let m):
        if let p = m.program { spans.append(Span(fileID: p.fileID, start: 0, end: 0)) }
      }
    }
    if let p = a.pattern(at: offset), case .constructor(let n, _) = p.kind, a.contains(n.span, offset), let b = a.reference(p.id) {
      add(b)
    } else if let te = a.typeExpr(at: offset), case .named(let n, _) = te.kind, a.contains(n.span, offset) {
      if let d = a.typeDeclaration(named: n.text) { spans.append(d.name) }
    } else if let imp = a.imports().first(where: { a.contains($0.decl.span, offset) }) {
      if let p = imp.module?.program { spans.append(Span(fileID: p.fileID, start: 0, end: 0)) }
    } else {
      for e in a.exprs(at: offset) {
        if let b = a.reference(e.id) {
          // For a call, prefer the overload the checker chose.
          if case .functions = b, let call = a.resolvedCall(of: e) {
            spans.append(call.function.decl.name.span)
          } else {
            add(b)
          }
          break
        }
        if case .name(let n) = e.kind, let d = a.typeDeclaration(named: n) {
          spans.append(d.name)
          break
        }
        if case .name = e.kind { break }
      }
    }
    let locations = spans.compactMap { location($0, a, doc) }
    if locations.isEmpty { return NSNull() }
    return locations
  }

  // MARK: - Completion

  private func completion(_ doc: Document, _ offset: Int) -> Any {
    let bytes = Array(doc.text.utf8)
    let off = min(max(0, offset), bytes.count)
    func ident(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 }
    var start = off
    while start > 0 && ident(bytes[start - 1]) { start -= 1 }
    let prefix = String(decoding: bytes[start..<off], as: UTF8.self)
    var items: [[String: Any]]
    if start > 0 && bytes[start - 1] == UInt8(ascii: ".") && !(start > 1 && bytes[start - 2] == UInt8(ascii: ".")) {
      items = memberCompletions(doc, prefixStart: start, offset: off)
    } else {
      items = scopeCompletions(doc.analysis, offset: off)
    }
    if !prefix.isEmpty {
      let p = prefix.lowercased()
      items = items.filter { (($0["label"] as? String) ?? "").lowercased().hasPrefix(p) }
    }
    return ["isIncomplete": false, "items": items]
  }

  static let completionHole = "flowCompletionHole"

  /// After `x.`: the fields of x's record type, or the public members of
  /// the module `x` names. The document is checked again with a placeholder
  /// field name at the cursor, so that `x.` (not yet a valid program) has
  /// the structure it will have once the name is typed.
  private func memberCompletions(_ doc: Document, prefixStart: Int, offset: Int) -> [[String: Any]] {
    var bytes = Array(doc.text.utf8)
    bytes.replaceSubrange(prefixStart..<offset, with: Array(LanguageServer.completionHole.utf8))
    let a = Analysis(path: doc.path, text: String(decoding: bytes, as: UTF8.self))
    var base: Expr? = nil
    for e in a.exprs {
      switch e.kind {
      case .field(let b, let n), .optionalField(let b, let n):
        if n.span.start == prefixStart && n.text == LanguageServer.completionHole && n.span.fileID == a.fileID { base = b }
      default:
        break
      }
      if base != nil { break }
    }
    guard let b = base else { return [] }
    if case .name(let n) = b.kind, a.reference(b.id) == nil, let m = a.namespace(n) {
      return moduleMembers(m, a)
    }
    guard let t = a.type(b.id) else { return [] }
    var resolved = t.resolved
    if case .optional(let inner) = resolved { resolved = inner.resolved }
    let printer = TypePrinter()
    switch resolved {
    case .record(let fields, _):
      return fields.map { ["label": $0.0, "kind": 5, "detail": printer.print($0.1)] }
    case .tuple(let items):
      return items.enumerated().map { ["label": "\($0.offset)", "kind": 5, "detail": printer.print($0.element)] }
    default:
      return []
    }
  }

  private func moduleMembers(_ m: ModuleSymbol, _ a: Analysis) -> [[String: Any]] {
    var items: [[String: Any]] = []
    for name in m.values.keys.sorted() {
      guard let b = m.values[name] else { continue }
      items.append(item(name, b, a))
    }
    for name in m.types.keys.sorted() { items.append(["label": name, "kind": 22, "detail": "type"]) }
    return items
  }

  private func item(_ name: String, _ b: Binding, _ a: Analysis) -> [String: Any] {
    switch b {
    case .functions(let fs):
      var it: [String: Any] = ["label": name, "kind": 3, "detail": signature(fs[0].decl, a) + (fs.count > 1 ? " (+\(fs.count - 1) overloads)" : "")]
      if let d = docComment(fs[0].decl.span, a) { it["documentation"] = d }
      return it
    case .value(let v):
      return ["label": name, "kind": 6, "detail": TypePrinter().print(v.scheme.type)]
    case .constructor(let c):
      return ["label": name, "kind": 20, "detail": TypePrinter().print(c.scheme.type)]
    case .module(let m):
      return ["label": name, "kind": 9, "detail": "module \(m.name)"]
    }
  }

  /// Names in scope at `offset`: locals, the document's declarations, its
  /// imports, the prelude and the keywords (in that order of precedence).
  private func scopeCompletions(_ a: Analysis, offset: Int) -> [[String: Any]] {
    var items: [[String: Any]] = []
    var seen = Set<String>()
    func add(_ it: [String: Any]) {
      guard let label = it["label"] as? String, !label.isEmpty, label != LanguageServer.completionHole, seen.insert(label).inserted else { return }
      items.append(it)
    }
    let c = a.checker
    var bindPatterns: [Int: Pattern] = [:]
    for p in a.patterns { if case .bind = p.kind { bindPatterns[p.span.start] = p } }
    func local(_ n: Name) {
      var it: [String: Any] = ["label": n.text, "kind": 6]
      if let p = bindPatterns[n.span.start], let t = a.binding(p.id) { it["detail"] = TypePrinter().print(t) }
      add(it)
    }
    func inside(_ s: Span) -> Bool { s.fileID == a.fileID && s.start <= offset && offset <= s.end }
    // Locals, innermost first.
    var scopes: [(Int, [Name])] = []
    for e in a.exprs where inside(e.span) {
      switch e.kind {
      case .lambda(let ps, _):
        scopes.append((e.span.start, ps.flatMap(\.pattern.boundNames)))
      case .block(let lets, _):
        scopes.append((e.span.start, lets.filter { $0.span.end <= offset }.flatMap(\.pattern.boundNames)))
      case .match(_, let arms):
        for arm in arms where arm.pattern.span.start <= offset && offset <= arm.body.span.end {
          scopes.append((arm.pattern.span.start, arm.pattern.boundNames))
        }
      default:
        break
      }
    }
    for item in a.program.items {
      if case .fnDecl(let f) = item, inside(f.span) { scopes.append((f.span.start, f.params.flatMap(\.pattern.boundNames))) }
    }
    for (_, names) in scopes.sorted(by: { $0.0 > $1.0 }) { names.forEach(local) }
    // The document's declarations.
    for item in a.program.items {
      switch item {
      case .fnDecl(let f):
        var it: [String: Any] = ["label": f.name.text, "kind": 3, "detail": signature(f, a)]
        if let d = docComment(f.span, a) { it["documentation"] = d }
        add(it)
      case .letDecl(let l):
        l.pattern.boundNames.forEach(local)
      case .typeDecl(let t):
        add(["label": t.name.text, "kind": 22, "detail": "type"])
        if case .sum(let vs) = t.body { for v in vs { add(["label": v.name.text, "kind": 20, "detail": t.name.text]) } }
      case .importDecl, .expr:
        break
      }
    }
    // Imports.
    for (d, m) in a.imports() {
      guard let m = m else { continue }
      if let names = d.names {
        for n in names {
          if let b = m.values[n.text] { add(item(n.text, b, a)) } else if m.types[n.text] != nil { add(["label": n.text, "kind": 22, "detail": "type"]) }
        }
        continue
      }
      switch d.target {
      case .module(let parts):
        add(["label": d.alias?.text ?? parts.last?.text ?? m.name, "kind": 9, "detail": "module \(m.name)"])
      case .file:
        if let alias = d.alias {
          add(["label": alias.text, "kind": 9, "detail": "module \(m.name)"])
        } else {
          for name in m.values.keys.sorted() { if let b = m.values[name] { add(item(name, b, a)) } }
          for name in m.types.keys.sorted() { add(["label": name, "kind": 22, "detail": "type"]) }
        }
      }
    }
    // The prelude.
    if let p = c.preludeModule {
      for name in p.values.keys.sorted() { if let b = p.values[name] { add(item(name, b, a)) } }
      for name in p.types.keys.sorted() { add(["label": name, "kind": 22, "detail": "type"]) }
    }
    for t in ["Int", "Float", "Bool", "String", "Time", "Duration", "List", "Map", "Vector"] {
      add(["label": t, "kind": 22, "detail": "built-in type"])
    }
    for k in Keyword.allCases { add(["label": k.rawValue, "kind": 14]) }
    return items
  }

  // MARK: - Document symbols

  private func documentSymbols(_ doc: Document) -> [[String: Any]] {
    let a = doc.analysis
    var out: [[String: Any]] = []
    func symbol(_ name: String, _ kind: Int, _ range: Span, _ selection: Span, detail: String? = nil, children: [[String: Any]] = []) -> [String: Any] {
      var s: [String: Any] = ["name": name, "kind": kind, "range": LSP.range(a.file, range.to(selection)), "selectionRange": LSP.range(a.file, selection)]
      if let d = detail { s["detail"] = d }
      if !children.isEmpty { s["children"] = children }
      return s
    }
    var bindPatterns: [Int: Pattern] = [:]
    for p in a.patterns { if case .bind = p.kind { bindPatterns[p.span.start] = p } }
    for item in a.program.items {
      switch item {
      case .fnDecl(let f):
        let detail = a.function(f.id).map { TypePrinter().print($0.scheme.type) }
        out.append(symbol(f.name.text, 12, f.span, f.name.span, detail: detail))
      case .letDecl(let l):
        for n in l.pattern.boundNames {
          let detail = bindPatterns[n.span.start].flatMap { a.binding($0.id) }.map { TypePrinter().print($0) }
          out.append(symbol(n.text, 13, l.span, n.span, detail: detail))
        }
      case .typeDecl(let t):
        var children: [[String: Any]] = []
        var kind = 23
        switch t.body {
        case .sum(let vs):
          kind = 10
          children = vs.map { symbol($0.name.text, 22, $0.name.span, $0.name.span) }
        case .alias(let te):
          if case .record(let fields, _) = te.kind {
            children = fields.map { symbol($0.name.text, 8, $0.name.span.to($0.type.span), $0.name.span, detail: sourceText($0.type.span, a)) }
          }
        case .opaque:
          kind = 5
        }
        out.append(symbol(t.name.text, kind, t.span, t.name.span, children: children))
      case .importDecl, .expr:
        break
      }
    }
    return out
  }
}

/// Runs a server on standard input and output until `exit` or the end of
/// input; returns the process exit code (0 after `shutdown`, else 1).
public func runLanguageServerOnStdio() -> Int32 {
  signal(SIGPIPE, SIG_IGN)
  let server = LanguageServer { message in
    let data = frameMessage(message)
    data.withUnsafeBytes { raw in
      guard let base = raw.baseAddress else { return }
      var written = 0
      while written < raw.count {
        let n = write(1, base + written, raw.count - written)
        if n <= 0 { break }
        written += n
      }
    }
  }
  var reader = MessageReader()
  var buffer = [UInt8](repeating: 0, count: 65536)
  while server.exitCode == nil {
    let n = read(0, &buffer, buffer.count)
    if n <= 0 {
      if n < 0 && errno == EINTR { continue }
      break
    }
    reader.append(Array(buffer[0..<n]))
    while server.exitCode == nil, let frame = reader.next() {
      switch frame {
      case .message(let body): server.handle(body)
      case .malformed: break
      }
    }
  }
  return server.exitCode ?? 1
}
