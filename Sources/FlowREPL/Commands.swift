import Foundation
import FlowSyntax
import FlowSema
import FlowIR
import FlowRuntime

/// The `:commands`, with their one-line help.
let replCommands: [(name: String, args: String, help: String)] = [
  (":help", "", "this list"),
  (":type", "EXPR", "the type of an expression, without evaluating it"),
  (":plan", "EXPR", "the optimized dataflow plan of a pipeline"),
  (":illustrate", "EXPR", "run a pipeline on a sample and show records leaving each operator"),
  (":load", "FILE", "add a script's declarations to the session and run its pipelines"),
  (":reload", "", "read the loaded scripts again"),
  (":env", "", "what the session defines, with types"),
  (":set", "[rows N | parallelism N | sample N]", "show or change settings"),
  (":reset", "", "forget every declaration of the session"),
  (":quit", "", "leave (also Ctrl-D)"),
]

extension Shell {
  func command(_ text: String) {
    let name = String(text.prefix { !$0.isWhitespace })
    let arg = text.dropFirst(name.count).trimmingCharacters(in: .whitespacesAndNewlines)
    switch name {
    case ":help", ":h", ":?": help()
    case ":quit", ":q", ":exit": quit = true
    case ":type", ":t": withExpression(arg, name) { typeOf($0) }
    case ":plan", ":p": withExpression(arg, name) { plan($0) }
    case ":illustrate", ":i": withExpression(arg, name) { illustrate($0) }
    case ":load", ":l":
      guard !arg.isEmpty else { return error(":load needs a file, e.g. `:load Examples/wordcount.flow`") }
      load(unquote(arg))
    case ":reload", ":r": reload()
    case ":env": env()
    case ":set": set(arg)
    case ":reset":
      session = []
      loadedFiles = []
      lastExpression = nil
      sessionNames = []
      namespaces = [:]
      Console.line("(the session is empty)")
    default:
      let known = replCommands.map(\.name)
      let suggestion = closestMatch(to: name, in: known)
      error("unknown command '\(name)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "") + " (:help lists commands)")
    }
  }

  func withExpression(_ arg: String, _ name: String, _ body: (Entry) -> Void) {
    guard !arg.isEmpty else { return error("\(name) needs an expression, e.g. `\(name) sequence(from: 1, to: 3)`") }
    var text = arg
    if arg.hasPrefix("|>"), let last = lastExpression { text = last + "\n" + arg }
    body(Entry(kind: .input, path: SessionProgram.path, text: text))
  }

  func unquote(_ s: String) -> String {
    if s.count >= 2, (s.hasPrefix("\"") && s.hasSuffix("\"")) || (s.hasPrefix("'") && s.hasSuffix("'")) {
      return String(s.dropFirst().dropLast())
    }
    return s
  }

  func help() {
    var lines = [
      "Type a declaration (let, fn, type, import) to add it to the session, an",
      "expression to evaluate it, or a pipeline to run it (the first rows show as",
      "a table; an unbounded stream runs until Ctrl-C). Commands:",
    ]
    let width = replCommands.map { ($0.name + " " + $0.args).count }.max() ?? 0
    for c in replCommands {
      let head = c.args.isEmpty ? c.name : c.name + " " + c.args
      lines.append("  " + head.padding(toLength: width + 2, withPad: " ", startingAt: 0) + c.help)
    }
    lines += [
      "Keys: Tab completes names, fields after `expr.`, modules after `import`;",
      "Up/Down and Ctrl-R search the history; Ctrl-C stops a running pipeline.",
      "An unclosed bracket, a line ending in |>, = or =>, or a next line starting",
      "with |> continues the input. The manual: Language/repl.md.",
    ]
    for l in lines { Console.line(l) }
  }

  func typeOf(_ input: Entry) {
    guard let (_, t) = checkExpression(input) else { return }
    Console.line(TypePrinter().print(t))
  }

  func plan(_ input: Entry) {
    guard let (_, t) = checkExpression(input) else { return }
    let k = kind(of: t)
    guard k == .sink || k == .stream else {
      return error("`:plan` shows the plan of a pipeline; this is a value of type \(TypePrinter().print(t))")
    }
    guard let (program, sinks) = buildPlan(input, kind: k, capture: CaptureSink(keep: 0)) else { return }
    var plan = LogicalPlan(sinks: sinks)
    do {
      _ = try Optimizer().optimize(&plan)
    } catch {
      return Console.line(program.remapLocations(describeError(error)))
    }
    for n in plan.nodes {
      n.location = program.remapLocations(n.location)
      n.uid = remapUID(n.uid, program)
    }
    Console.line(PlanPrinter().text(plan))
  }

  /// Plan uids carry `name@LINE:COL` of the generated program: give the
  /// line in the input instead.
  func remapUID(_ uid: String, _ program: SessionProgram) -> String {
    guard let at = uid.lastIndex(of: "@") else { return uid }
    let tail = uid[uid.index(after: at)...]
    let digits = tail.prefix { $0.isNumber }
    guard let line = Int(digits), tail.dropFirst(digits.count).hasPrefix(":"), let i = program.entryIndex(atLine: line) else { return uid }
    let e = program.nearestUserEntry(i)
    let mapped = program.entries[e].kind == .wrapper ? 1 : line - program.firstLines[e] + 1
    return String(uid[..<uid.index(after: at)]) + "\(mapped)" + tail.dropFirst(digits.count)
  }

  // MARK: - Files

  /// The declarations of a file as a session entry (positions kept; its
  /// pipelines and module header blanked; relative imports made absolute),
  /// and its pipelines.
  func fileParts(_ path: String) -> (decls: Entry, pipelines: [Entry], text: String)? {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
      error("cannot read '\(path)'")
      return nil
    }
    let (program, diagnostics) = parse(text, path: path)
    let errors = diagnostics.filter { $0.severity == .error }
    if !errors.isEmpty {
      Console.line(renderStandalone(errors, text: text, path: path))
      return nil
    }
    var keep: [Range<Int>] = []
    var pipelines: [Entry] = []
    var fileImports: [(Span, String)] = []
    for item in program.items {
      let s = itemSpan(item)
      switch item {
      case .expr:
        pipelines.append(Entry(kind: .input, path: path, text: blank(text, keeping: [s.start..<s.end]), loadedFrom: path))
      case .importDecl(let imp):
        keep.append(s.start..<s.end)
        if case .file(let rel) = imp.target, !rel.hasPrefix("/") { fileImports.append((s, rel)) }
      default:
        keep.append(s.start..<s.end)
      }
    }
    var declText = blank(text, keeping: keep)
    // `import "./x.flow"` is relative to the file, not to the shell's folder.
    let dir = ((path as NSString).deletingLastPathComponent as NSString)
    for (span, rel) in fileImports.reversed() {
      var bytes = Array(declText.utf8)
      let literal = Array("\"\(rel)\"".utf8)
      let absolute = (dir.appendingPathComponent(rel) as NSString).standardizingPath
      let abs = absolute.hasPrefix("/") ? absolute : FileManager.default.currentDirectoryPath + "/" + absolute
      var i = span.start
      while i + literal.count <= min(span.end, bytes.count) {
        if Array(bytes[i..<i + literal.count]) == literal {
          bytes.replaceSubrange(i..<i + literal.count, with: Array("\"\(abs)\"".utf8))
          break
        }
        i += 1
      }
      declText = String(decoding: bytes, as: UTF8.self)
    }
    return (Entry(kind: .decl, path: path, text: declText, loadedFrom: path), pipelines, text)
  }

  func load(_ path: String) {
    guard let (decls, pipelines, _) = fileParts(path) else { return }
    if !isBlank(decls.text) {
      // A file loaded again replaces its earlier declarations.
      let saved = session
      session.removeAll { $0.loadedFrom == path }
      guard declare(decls, echo: true) else {
        session = saved
        return
      }
    }
    if !loadedFiles.contains(path) { loadedFiles.append(path) }
    Console.line("(loaded \(path): \(plural(pipelines.count, "pipeline")) to run)")
    for p in pipelines {
      evaluateExpression(p, original: p.text)
    }
  }

  func reload() {
    guard !loadedFiles.isEmpty else { return error("no file is loaded (`:load FILE` first)") }
    var fresh: [String: (decls: Entry, pipelines: [Entry], text: String)] = [:]
    for f in loadedFiles {
      guard let parts = fileParts(f) else { return }
      fresh[f] = parts
    }
    // Each file's declarations are replaced where they were.
    var candidate: [Entry] = []
    var placed = Set<String>()
    for e in session {
      if let f = e.loadedFrom, let parts = fresh[f] {
        if placed.insert(f).inserted, !isBlank(parts.decls.text) { candidate.append(parts.decls) }
      } else {
        candidate.append(e)
      }
    }
    for f in loadedFiles where !placed.contains(f) {
      if let parts = fresh[f], !isBlank(parts.decls.text) { candidate.insert(parts.decls, at: 0) }
    }
    let checked = CheckedProgram(SessionProgram(candidate))
    if !checked.errors.isEmpty {
      Console.line(checked.render(checked.errors, color: color))
      return error("the reloaded files do not check; the session is unchanged")
    }
    do {
      if let m = checked.module { _ = try Lowering(checker: checked.checker).lower(m) }
    } catch {
      Console.line(checked.program.remapLocations(describeError(error)))
      return
    }
    session = candidate
    refreshCompletion(checked)
    for f in loadedFiles {
      guard let parts = fresh[f] else { continue }
      Console.line("(reloaded \(f): \(plural(parts.pipelines.count, "pipeline")) to run)")
      for p in parts.pipelines { evaluateExpression(p, original: p.text) }
    }
  }

  // MARK: - Environment and settings

  func env() {
    guard !session.isEmpty else { return Console.line("(nothing is defined yet)") }
    let checked = CheckedProgram(SessionProgram(session))
    var lastFile: String?
    for i in session.indices {
      let origin = session[i].loadedFrom
      if origin != lastFile, let f = origin { Console.line("-- from \(f)") }
      if origin == nil && lastFile != nil { Console.line("-- typed") }
      lastFile = origin
      for line in describeEntry(i, in: checked) { Console.line(line) }
    }
  }

  func set(_ arg: String) {
    let parts = arg.split(whereSeparator: { $0.isWhitespace }).map(String.init)
    if parts.isEmpty {
      Console.line("rows = \(rowLimit)")
      Console.line("sample = \(sampleSize)")
      Console.line("parallelism = \(parallelism)")
      return
    }
    guard parts.count == 2, let n = Int(parts[1]), n >= 1 else {
      return error("usage: :set rows N | :set parallelism N | :set sample N (N a positive whole number)")
    }
    switch parts[0] {
    case "rows":
      rowLimit = n
      Console.line("rows = \(n)")
    case "parallelism":
      parallelism = n
      Console.line("parallelism = \(n) (stored; the REPL runs jobs on one thread: use `flow run --parallelism N` for parallel runs)")
    case "sample":
      sampleSize = n
      Console.line("sample = \(n) (input events per source for :illustrate)")
    default:
      error("unknown setting '\(parts[0])' (rows, parallelism, sample)")
    }
  }
}
