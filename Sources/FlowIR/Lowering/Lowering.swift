import Foundation
import FlowSyntax
import FlowSema
import FlowRuntime

/// A problem found while building the plan: an operator `flow run` does not
/// implement yet, a bad `--set` value, or an error while evaluating a
/// top-level binding. It names the script position.
public struct LoweringError: Error, CustomStringConvertible {
  public var message: String
  public var location: String?
  public var notes: [String]
  public init(_ message: String, at location: String? = nil, notes: [String] = []) {
    self.message = message
    self.location = location
    self.notes = notes
  }
  public var description: String {
    var s = (location.map { "\($0): " } ?? "") + "error: " + message
    for n in notes { s += "\n  = \(n)" }
    return s
  }
}

/// Lowering evaluates a checked program to build its dataflow plan.
///
/// Expressions are compiled once into closures over frames (`Code`), with
/// variables resolved to slots at compile time. Top-level bindings are
/// evaluated on first use; stream operators called at plan time return
/// `PlanNode`s, so a script's pipelines become a DAG whose lambdas are
/// compiled closures. Scalar built-ins run inside those closures at run time.
public final class Lowering {
  let checker: Checker
  let sources: SourceMap
  var nextNodeID = 0
  /// The sinks of the entry script, in statement order.
  public private(set) var sinks: [PlanNode] = []
  var letValues: [Int: [String: Value]] = [:]
  var letsInProgress = Set<Int>()
  var functionValues: [Int: Value] = [:]
  var overrides: [String: String]
  var usedOverrides = Set<String>()
  var entryFileID = -1
  var uidCounts: [String: Int] = [:]
  /// Expressions folded to constants or branches eliminated (for `flow plan --explain`).
  public internal(set) var foldedConstants = 0

  public init(checker: Checker, overrides: [String: String] = [:]) {
    self.checker = checker
    self.sources = checker.sources
    self.overrides = overrides
  }

  /// Evaluates the entry module's statements and returns its sinks.
  public func lower(_ module: ModuleSymbol) throws -> [PlanNode] {
    guard let program = module.program else { return [] }
    entryFileID = program.fileID
    for name in overrides.keys {
      let declared = program.items.contains { item in
        if case .letDecl(let l) = item, case .bind(let n) = l.pattern.kind { return n == name }
        return false
      }
      if !declared {
        throw LoweringError("--set \(name)=...: the script has no top-level `let \(name)`", notes: ["help: --set overrides a top-level `let name = value` of the script"])
      }
    }
    for item in program.items {
      switch item {
      case .letDecl(let l):
        // Evaluate eagerly so that errors show in statement order.
        _ = try letValue(l)
      case .expr(let e):
        let v = try evaluate(e)
        if case .opaque(let o) = v, let n = o as? PlanNode, case .sink = n.kind { sinks.append(n) }
      default:
        continue
      }
    }
    return sinks
  }

  /// Evaluates a top-level expression.
  func evaluate(_ e: Expr) throws -> Value {
    let scope = FnScope(parent: nil)
    let code = try compile(e, scope)
    let frame = Frame(size: scope.size, parent: nil)
    do {
      return try code(frame)
    } catch let r as RuntimeError {
      throw LoweringError(r.message, at: r.location ?? location(e.span), notes: r.notes)
    }
  }

  /// The values bound by a top-level `let` (evaluated once).
  func letValue(_ l: LetDecl) throws -> [String: Value] {
    if let v = letValues[l.id] { return v }
    guard letsInProgress.insert(l.id).inserted else {
      throw LoweringError("this binding refers to itself while it is being computed", at: location(l.span))
    }
    defer { letsInProgress.remove(l.id) }
    var value: Value
    if case .bind(let n) = l.pattern.kind, let text = overrides[n], isEntry(l) {
      value = try parseOverride(text, for: l, name: n)
      usedOverrides.insert(n)
    } else {
      value = try evaluate(l.value)
    }
    let scope = FnScope(parent: nil)
    let matcher = compilePattern(l.pattern, scope, optionalScrutinee: false)
    let frame = Frame(size: scope.size, parent: nil)
    guard try matcher(value, frame) else {
      throw LoweringError("the value does not match the pattern of this 'let'", at: location(l.pattern.span))
    }
    var out: [String: Value] = [:]
    for (name, slot) in scope.allNames() { out[name] = frame.slots[slot] }
    letValues[l.id] = out
    return out
  }

  func isEntry(_ l: LetDecl) -> Bool { l.span.fileID == entryFileID }

  /// `--set name=value`: the text is read as a value of the binding's type.
  func parseOverride(_ text: String, for l: LetDecl, name: String) throws -> Value {
    let t = checker.exprTypes[l.value.id]?.resolved
    let fail = { LoweringError("--set \(name)=\(text): expected \(t.map { TypePrinter().print($0) } ?? "a value")") }
    switch t {
    case .con("String", _)?: return .string(text)
    case .con("Int", _)?:
      guard let v = Int64(text.replacingOccurrences(of: "_", with: "")) else { throw fail() }
      return .int(v)
    case .con("Float", _)?:
      guard let v = Double(text) else { throw fail() }
      return .float(v)
    case .con("Bool", _)?:
      guard text == "true" || text == "false" else { throw fail() }
      return .bool(text == "true")
    case .con("Time", _)?:
      guard let v = parseTimeLiteral(text.hasPrefix("@") ? String(text.dropFirst()) : text) else { throw fail() }
      return .time(v)
    case .con("Duration", _)?:
      let (tokens, diags) = Lexer.tokenize(SourceFile(path: "--set", text: text), fileID: -1)
      guard diags.isEmpty, tokens.count == 2, case .duration(let ms) = tokens[0].kind else { throw fail() }
      return .duration(ms)
    default:
      throw LoweringError("--set \(name)=...: only String, Int, Float, Bool, Time and Duration bindings can be set from the command line")
    }
  }

  /// The value of a top-level binding or function, by symbol.
  func globalValue(_ sym: ValueSymbol) throws -> Value {
    guard let l = sym.letDecl else {
      throw LoweringError("internal: '\(sym.name)' has no definition")
    }
    guard let v = try letValue(l)[sym.name] else {
      throw LoweringError("internal: '\(sym.name)' is not bound by its 'let'", at: location(l.span))
    }
    return v
  }

  func functionValue(_ f: FunctionSymbol) throws -> Value {
    if let v = functionValues[f.decl.id] { return v }
    guard let body = f.decl.body else { throw LoweringError("internal: '\(f.name)' has no body") }
    let scope = FnScope(parent: nil)
    var matchers: [Matcher] = []
    for p in f.decl.params { matchers.append(compilePattern(p.pattern, scope, optionalScrutinee: false)) }
    let code = try compile(body, scope)
    let size = scope.size
    let arity = matchers.count
    let loc = location(f.decl.span)
    let value = Value.function(FunctionValue(arity: arity) { args in
      let frame = Frame(size: size, parent: nil)
      for (m, a) in zip(matchers, args) {
        guard try m(a, frame) else { throw RuntimeError("argument does not match the parameter pattern", at: loc) }
      }
      return try code(frame)
    })
    functionValues[f.decl.id] = value
    return value
  }

  // MARK: - Plan nodes

  func node(_ kind: NodeKind, _ inputs: [PlanNode], _ site: CallSite, _ name: String) -> Value {
    nextNodeID += 1
    var t = checker.exprTypes[site.expr.id]?.resolved
    if case .tuple(let items)? = t, let first = items.first { t = first.resolved }
    let schema = t.map { TypePrinter().print($0) } ?? ""
    // A stable id from the program: operator name and call position, plus a
    // counter when one call makes several operators (e.g. split).
    var uid = "\(name)@\(shortLocation(site.span))"
    let seen = uidCounts[uid, default: 0]
    uidCounts[uid] = seen + 1
    if seen > 0 { uid += "#\(seen + 1)" }
    let n = PlanNode(id: nextNodeID, kind: kind, inputs: inputs, location: site.location, name: name, schema: schema, uid: uid)
    return .opaque(n)
  }

  /// `line:col` of a span, with the file name when it is not the entry file.
  func shortLocation(_ span: Span) -> String {
    guard let f = sources.file(span.fileID) else { return "?" }
    let l = f.location(of: span.start)
    if span.fileID == entryFileID { return "\(l.line):\(l.column)" }
    return "\((f.path as NSString).lastPathComponent):\(l.line):\(l.column)"
  }

  /// `file:line:col` of a span.
  func location(_ span: Span) -> String {
    guard let f = sources.file(span.fileID) else { return "<unknown>" }
    let l = f.location(of: span.start)
    return "\(f.path):\(l.line):\(l.column)"
  }
}

/// Compile-time scope: variable names to frame slots. Each function body
/// has one frame; blocks and match arms add slots to it.
final class FnScope {
  let parent: FnScope?
  private(set) var size = 0
  private var blocks: [[String: Int]] = [[:]]

  init(parent: FnScope?) { self.parent = parent }

  func declare(_ name: String) -> Int {
    let slot = size
    size += 1
    blocks[blocks.count - 1][name] = slot
    return slot
  }

  func hidden() -> Int {
    size += 1
    return size - 1
  }

  func push() { blocks.append([:]) }
  func pop() { if blocks.count > 1 { blocks.removeLast() } }

  /// (frames outward, slot) of a visible variable.
  func lookup(_ name: String) -> (Int, Int)? {
    for b in blocks.reversed() { if let s = b[name] { return (0, s) } }
    guard let p = parent?.lookup(name) else { return nil }
    return (p.0 + 1, p.1)
  }

  func allNames() -> [(String, Int)] { blocks.flatMap { $0.map { ($0.key, $0.value) } } }
}

/// Static facts about one call site, handed to built-ins.
public struct CallSite {
  let location: String
  /// The callee's span (the operator's name in the script).
  let span: Span
  let lowering: Lowering
  /// The call expression, for built-ins that need types from the checker.
  let expr: Expr
}
