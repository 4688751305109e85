import Foundation
import FlowSyntax
import FlowSema
import FlowIR
import FlowRuntime
import FlowConnectors
import FlowDriver

/// Options of `flow repl`.
public struct ReplOptions {
  /// Echo input lines when stdin is not a terminal (transcripts).
  public var echo = true
  /// Colored diagnostics (terminal only).
  public var color = false
  /// Scripts to `:load` first.
  public var files: [String] = []
  /// Environment (for the history file path).
  public var environment: [String: String] = ProcessInfo.processInfo.environment
  public init() {}
}

/// `flow repl`: reads inputs and evaluates them until `:quit` or the end
/// of input. Returns the process exit code (always 0: errors are shown and
/// the session goes on).
public enum ReplMain {
  public static func run(_ options: ReplOptions) -> Int32 {
    let interactive = isatty(STDIN_FILENO) == 1
    let source: LineSource = interactive
      ? EditLineSource(historyPath: historyFilePath(environment: options.environment))
      : PlainLineSource(echo: options.echo)
    let shell = Shell(color: interactive && options.color)
    activeCompleter = { [unowned shell] before, word in shell.complete(before: before, word: word) }
    installReplInterruptHandler()
    if interactive {
      Console.line("Flow interactive shell. :help lists commands; Ctrl-D quits.")
    }
    for f in options.files { shell.load(f) }
    shell.run(source)
    activeCompleter = nil
    return 0
  }
}

/// The session and the evaluation of inputs.
///
/// The session is the list of accepted declaration texts. Every input is
/// checked as a fresh program: the session's declarations, then the input
/// (an expression is wrapped as `let __it = (...)`), so each input re-checks
/// and re-evaluates the whole session. That keeps the shell a thin layer
/// over the checker and lowering, at the cost of recomputing expensive
/// top-level values on every input.
final class Shell {
  var session: [Entry] = []
  var loadedFiles: [String] = []
  var rowLimit = 20
  var parallelism = 1
  var sampleSize = 1000
  var color: Bool
  var quit = false
  /// The previous expression input: a line starting with `|>` extends it.
  var lastExpression: String?
  /// Lines of a multi-line input typed so far (completion context).
  var pendingLines: [String] = []
  /// The error of the last job, when the caller prints it.
  var failure: String?
  /// The lowering of the last plan built (its closures refer to it).
  var liveLowering: Lowering?
  /// Completion caches, refreshed when the session changes.
  var sessionNames: [String] = []
  var namespaces: [String: [String]] = [:]
  lazy var preludeNames: [String] = {
    let c = Checker()
    _ = c.check(path: SessionProgram.path, text: "")
    return Array(c.preludeModule?.values.keys ?? [:].keys).sorted()
  }()

  init(color: Bool) { self.color = color }

  // MARK: - The loop

  func run(_ source: LineSource) {
    var lines: [String] = []
    while !quit {
      pendingLines = lines
      let event = source.readLine(prompt: lines.isEmpty ? "flow> " : "...> ")
      switch event {
      case .endOfInput:
        if !lines.isEmpty { submit(lines.joined(separator: "\n")) }
        if source.isInteractive { Console.line("") }
        return
      case .interrupted:
        lines = []
        Console.line("")
      case .line(let line):
        if lines.isEmpty && line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
        lines.append(line)
        let text = lines.joined(separator: "\n")
        if Continuation.needsMore(text) { continue }
        // Scripted input: a next line starting with `|>` continues this one.
        if let next = source.peekLine(), next.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("|>") { continue }
        lines = []
        source.addHistory(text)
        submit(text)
      }
    }
  }

  func submit(_ text: String) {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed.isEmpty { return }
    if trimmed.hasPrefix(":") {
      command(trimmed)
      return
    }
    var input = text
    if startsWithPipe(text) {
      guard let last = lastExpression else {
        Console.line("error: nothing to continue: a line starting with `|>` extends the previous expression")
        return
      }
      input = last + "\n" + text
    }
    evaluate(input, path: SessionProgram.path, loadedFrom: nil)
  }

  /// The first token (after comments) is `|>`.
  func startsWithPipe(_ text: String) -> Bool {
    let (tokens, _) = Lexer.tokenize(SourceFile(path: SessionProgram.path, text: text), fileID: 0)
    return tokens.first?.isPunct(.pipe) ?? false
  }

  // MARK: - Inputs

  /// Evaluates typed text (or a loaded file's text): declarations join the
  /// session, each expression is evaluated.
  func evaluate(_ text: String, path: String, loadedFrom: String?) {
    let (program, diagnostics) = parse(text, path: path)
    if diagnostics.contains(where: { $0.severity == .error }) {
      Console.line(renderStandalone(diagnostics.filter { $0.severity == .error }, text: text, path: path))
      return
    }
    if let header = program.module {
      Console.line(renderStandalone([.error("E0900", "a `module` header cannot be typed at the prompt", at: header.span, notes: ["help: `:load` a module file, or `import` it"])], text: text, path: path))
      return
    }
    var declSpans: [Range<Int>] = []
    func flushDeclarations() -> Bool {
      guard !declSpans.isEmpty else { return true }
      defer { declSpans = [] }
      return declare(Entry(kind: .decl, path: path, text: blank(text, keeping: declSpans), loadedFrom: loadedFrom), echo: true)
    }
    for item in program.items {
      let span = itemSpan(item)
      if case .expr = item {
        guard flushDeclarations() else { return }
        evaluateExpression(Entry(kind: .input, path: path, text: blank(text, keeping: [span.start..<span.end]), loadedFrom: loadedFrom), original: text)
      } else {
        declSpans.append(span.start..<span.end)
      }
    }
    _ = flushDeclarations()
  }

  /// Adds declarations to the session. A name declared again replaces its
  /// earlier definition: first in place (so declarations that use it see
  /// the new one), else at the end; the session must still check.
  @discardableResult
  func declare(_ entry: Entry, echo: Bool) -> Bool {
    let (newProgram, _) = parse(entry.text, path: entry.path)
    var names = Set<String>()
    for item in newProgram.items { names.formUnion(declaredNames(item)) }
    var kept: [Entry] = []
    var inPlace: Int?
    for e in session {
      let (p, _) = parse(e.text, path: e.path)
      var keep: [Range<Int>] = []
      var removed = false
      for item in p.items {
        let s = itemSpan(item)
        if declaredNames(item).isDisjoint(with: names) { keep.append(s.start..<s.end) } else { removed = true }
      }
      guard removed else {
        kept.append(e)
        continue
      }
      var rest = e
      rest.text = blank(e.text, keeping: keep)
      if !isBlank(rest.text) { kept.append(rest) }
      if inPlace == nil { inPlace = kept.count }
    }
    var candidates: [[Entry]] = []
    if let i = inPlace {
      var c = kept
      c.insert(entry, at: i)
      candidates.append(c)
    }
    candidates.append(kept + [entry])
    var lastFailure: (() -> Void)?
    for candidate in candidates {
      let checked = CheckedProgram(SessionProgram(candidate))
      let index = candidate.firstIndex { $0.text == entry.text && $0.path == entry.path && $0.kind == entry.kind } ?? candidate.count - 1
      if !checked.errors.isEmpty {
        lastFailure = { Console.line(checked.render(checked.visibleDiagnostics(inputEntries: [index]), color: self.color)) }
        continue
      }
      do {
        if let m = checked.module { _ = try Lowering(checker: checked.checker).lower(m) }
      } catch {
        lastFailure = { Console.line(checked.program.remapLocations(describeError(error))) }
        continue
      }
      let warnings = checked.result.diagnostics.filter { $0.severity != .error }
      let shown = checked.visibleDiagnostics(inputEntries: [index]).filter { d in warnings.contains { $0.span == d.span && $0.code == d.code } }
      if !shown.isEmpty { Console.line(checked.render(shown, color: color)) }
      session = candidate
      refreshCompletion(checked)
      if echo {
        for line in describeEntry(index, in: checked) { Console.line(line) }
      }
      return true
    }
    lastFailure?()
    return false
  }

  /// `name : Type` for what entry `i` declares.
  func describeEntry(_ i: Int, in checked: CheckedProgram) -> [String] {
    var out: [String] = []
    let checker = checked.checker
    for item in checked.items(inEntry: i) {
      switch item {
      case .letDecl(let l):
        for (name, pattern) in boundPatterns(l.pattern) where !name.hasPrefix("__") {
          let t = checker.bindings[pattern.id] ?? (boundPatterns(l.pattern).count == 1 ? checker.exprTypes[l.value.id] : nil)
          out.append("\(name) : \(t.map { TypePrinter().print($0) } ?? "?")")
        }
      case .fnDecl(let f):
        out.append("\(f.name.text) : \(checker.typeString(ofFunction: f.id))")
      case .typeDecl(let t):
        var line = "type \(t.name.text)"
        if !t.params.isEmpty { line += "<\(t.params.map(\.text).joined(separator: ", "))>" }
        if case .sum(let variants) = t.body { line += " = " + variants.map(\.name.text).joined(separator: " | ") }
        out.append(line)
      case .importDecl(let imp):
        if case .file(let path) = imp.target {
          // Shown relative to the shell's folder (`:load` made it absolute).
          let cwd = FileManager.default.currentDirectoryPath + "/"
          out.append("import \"\(path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path)\"")
        } else {
          out.append(sourceText(imp.span, checked).trimmingCharacters(in: .whitespaces))
        }
      case .expr:
        break
      }
    }
    return out
  }

  func sourceText(_ span: Span, _ checked: CheckedProgram) -> String {
    let bytes = Array(checked.program.text.utf8)
    guard span.start <= span.end, span.end <= bytes.count else { return "" }
    return String(decoding: bytes[span.start..<span.end], as: UTF8.self)
  }

  // MARK: - Expressions

  enum Kind { case sink, stream, windowed, value }

  /// An input checked as `let __it = (input)`: its type, or nil after
  /// showing its errors.
  func checkExpression(_ input: Entry) -> (CheckedProgram, Type)? {
    let entries = session + [
      Entry(kind: .wrapper, path: input.path, text: "let __it = ("),
      input,
      Entry(kind: .wrapper, path: input.path, text: ")"),
    ]
    let checked = CheckedProgram(SessionProgram(entries))
    let shown = checked.visibleDiagnostics(inputEntries: [session.count + 1])
    if !shown.isEmpty { Console.line(checked.render(shown, color: color)) }
    if !checked.errors.isEmpty { return nil }
    for item in checked.items(inEntry: session.count) {
      if case .letDecl(let l) = item, let t = checked.checker.exprTypes[l.value.id] ?? checked.checker.bindings[l.pattern.id] {
        return (checked, t)
      }
    }
    Console.line("error: internal: no type for the input")
    return nil
  }

  func kind(of t: Type) -> Kind {
    switch t.head {
    case "Sink": return .sink
    case "Stream", "Keyed": return .stream
    case "Windowed": return .windowed
    default: return .value
    }
  }

  /// The plan of an input: its sinks, and for a stream or a value the
  /// shell's own sink (last), whose writer is `capture`.
  func buildPlan(_ input: Entry, kind: Kind, capture: CaptureSink?) -> (SessionProgram, [PlanNode])? {
    var entries = session
    switch kind {
    case .sink:
      entries.append(input)
    case .stream, .windowed:
      entries += [Entry(kind: .wrapper, path: input.path, text: "let __it = ("), input, Entry(kind: .wrapper, path: input.path, text: ")"),
                  Entry(kind: .wrapper, path: input.path, text: "__it |> discard()")]
    case .value:
      entries += [Entry(kind: .wrapper, path: input.path, text: "let __it = ("), input, Entry(kind: .wrapper, path: input.path, text: ")"),
                  Entry(kind: .wrapper, path: input.path, text: "sequence(from: 1, to: 1) |> map(_ => __it) |> discard()")]
    }
    let checked = CheckedProgram(SessionProgram(entries))
    if !checked.errors.isEmpty {
      Console.line(checked.render(checked.visibleDiagnostics(inputEntries: [session.count, session.count + 1]), color: color))
      return nil
    }
    guard let module = checked.module else { return nil }
    let sinks: [PlanNode]
    do {
      // Compiled closures refer to the lowering: keep it until the next plan.
      let lowering = Lowering(checker: checked.checker)
      liveLowering = lowering
      sinks = try lowering.lower(module)
    } catch {
      Console.line(checked.program.remapLocations(describeError(error)))
      return nil
    }
    if kind != .sink, let mine = sinks.last, let capture = capture {
      mine.kind = .sink(capture.spec("repl"))
      mine.name = "repl"
      mine.location = SessionProgram.path
      mine.uid = "repl"
    }
    return (checked.program, sinks)
  }

  func evaluateExpression(_ input: Entry, original: String) {
    guard let (_, type) = checkExpression(input) else { return }
    if input.loadedFrom == nil { lastExpression = original }
    let typeText = TypePrinter().print(type)
    switch kind(of: type) {
    case .sink:
      guard let (program, sinks) = buildPlan(input, kind: .sink, capture: nil) else { return }
      let before = interrupts.count
      execute(sinks, program: program)
      if interrupts.count != before { Console.line("\n(interrupted; sinks were flushed)") }
    case .windowed:
      Console.line("<windowed stream> : \(typeText)")
      Console.line("  = help: aggregate it to see results, e.g. `|> count()` or `|> aggregate({ n: count() })`")
    case .stream:
      runStream(input, typeText: typeText)
    case .value:
      let capture = CaptureSink(keep: 1)
      guard let (program, sinks) = buildPlan(input, kind: .value, capture: capture) else { return }
      guard execute(sinks, program: program) else { return }
      guard let v = capture.values.first else {
        Console.line("(no value: the evaluation was interrupted)")
        return
      }
      Console.line("\(valueText(v, type: type)) : \(typeText)")
    }
  }

  func valueText(_ v: Value, type: Type) -> String {
    if case .opaque = v { return "<\(type.head.map(displayName) ?? "value")>" }
    return render(v, quoted: true)
  }

  /// A pipeline: bounded ones show their first rows as a table (the job
  /// stops at the row limit); unbounded ones print rows as they arrive
  /// until Ctrl-C.
  func runStream(_ input: Entry, typeText: String) {
    let capture = CaptureSink(keep: 0)
    guard let (program, sinks) = buildPlan(input, kind: .stream, capture: capture), let mine = sinks.last else { return }
    if mine.isBounded {
      capture.keep = rowLimit
      capture.stopAfter = rowLimit + 1
      let before = interrupts.count
      let ok = execute(sinks, program: program, deferErrors: true)
      if interrupts.count != before { Console.line("") }  // after the terminal's ^C
      for line in formatRows(capture.values) { Console.line(line) }
      if let f = failure {
        Console.line(f)
      } else if capture.truncated {
        Console.line("(first \(plural(capture.values.count, "row")); stopped at the row limit: `:set rows N` shows more)")
      } else if interrupts.count != before {
        Console.line("(\(plural(capture.values.count, "row")) before Ctrl-C)")
      } else if ok {
        Console.line("(\(plural(capture.values.count, "row")))")
      }
    } else {
      Console.line("(unbounded: rows are shown as they arrive; Ctrl-C stops the stream)")
      capture.onValue = { v in Console.line(cellText(v)) }
      let before = interrupts.count
      let ok = execute(sinks, program: program)
      if interrupts.count != before { Console.line("") }  // after the terminal's ^C
      if ok { Console.line("(stopped after \(plural(capture.total, "row")))") }
    }
  }

  /// Optimizes and runs a plan; errors are printed (`deferErrors`: left
  /// for the caller, to print after the rows). False on an error.
  @discardableResult
  func execute(_ sinks: [PlanNode], program: SessionProgram, deferErrors: Bool = false) -> Bool {
    failure = nil
    var plan = LogicalPlan(sinks: sinks)
    do {
      _ = try Optimizer().optimize(&plan)
    } catch {
      report(program.remapLocations(describeError(error)), deferErrors)
      return false
    }
    let runner = JobRunner()
    runner.instrumentSources(plan)
    let executor = Executor(sinks: plan.sinks)
    // Unbounded input: hand each event on at once, not a batch at a time.
    if !plan.sinks.allSatisfy({ $0.isBounded }) { executor.batchSize = 1 }
    fflush(stdout)
    do {
      try runner.run(executor)
    } catch {
      fflush(stdout)
      report(program.remapLocations(describeError(error)), deferErrors)
      return false
    }
    fflush(stdout)
    if executor.skippedRows > 0 {
      Console.line("(\(plural(executor.skippedRows, "malformed row")) skipped by the onError policy)")
    }
    return true
  }

  func report(_ message: String, _ deferred: Bool) {
    if deferred { failure = message } else { Console.line(message) }
  }

  // MARK: - Rendering

  func renderStandalone(_ diagnostics: [Diagnostic], text: String, path: String) -> String {
    let map = SourceMap()
    map.add(SourceFile(path: path, text: text))
    let r = DiagnosticRenderer(sources: map, color: color)
    return diagnostics.map { r.text($0) }.joined(separator: "\n\n")
  }

  func error(_ message: String) {
    Console.line("error: " + message)
  }
}

/// A readable message for an error thrown while building or running a job
/// (as `flow run` prints it).
func describeError(_ error: Error) -> String {
  switch error {
  case let r as RuntimeError: return "flow: " + r.description
  case let d as DataError: return "flow: \(d.description)\n  = help: pass `onError: skip` or `onError: deadLetter(\"bad.csv\")` to the source to keep going past bad rows"
  case let c as ConnectorError: return "flow: error: \(c)"
  case let l as LoweringError: return l.description
  default: return "flow: error: \(error)"
  }
}
