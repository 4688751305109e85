import Foundation
import FlowSyntax
import FlowRuntime
import FlowIR

/// The result of compiling a SQL file: its source map (for rendering
/// diagnostics), every diagnostic, and the plan's sinks when there were no
/// errors.
public struct SQLCompilation {
  public var sources: SourceMap
  public var diagnostics: [Diagnostic]
  public var sinks: [PlanNode]
  public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Rows flowing between plan nodes: records whose fields are `columns`.
final class Relation {
  var columns: [SQLColumn]
  var node: PlanNode
  /// The column holding each row's event time (its timestamp), if any.
  var rowtime: String?
  /// The column holding each row's processing time (a PROCTIME()
  /// attribute, SQLProcessingTime.swift), if any.
  var proctime: String?
  /// For a window table function: what window aggregation runs on instead
  /// of the row-per-window `node`.
  var window: WindowSource?

  init(columns: [SQLColumn], node: PlanNode, rowtime: String?) {
    self.columns = columns
    self.node = node
    self.rowtime = rowtime
  }
}

struct WindowSource {
  var function: String
  var input: Relation
  /// Nil for CUMULATE, which has no window operator: it is aggregated per
  /// assigned window like a GROUP BY key.
  var spec: WindowSpec?
}

/// Compiles a SQL script (Flink SQL dialect subset, see Language/sql.md)
/// into the same plan IR as Flow scripts: parse, bind each statement
/// against the declared tables, lower queries to plan nodes.
public final class SQLCompiler {
  let sources = SourceMap()
  let fileID: Int
  let file: SourceFile
  let diag = DiagnosticSink()
  var tables: [String: TableDef] = [:]
  var views: [String: (SQLQuery, Span)] = [:]
  /// Functions declared with CREATE FUNCTION (SQLFunctionsDDL.swift).
  var functions: [String: SQLUserFunction] = [:]
  var nextID = 0
  var uidCounts: [String: Int] = [:]
  /// The WHERE clause of the SELECT whose FROM is a comma join being planned.
  var pendingWhere: SQLExpr?
  /// Streaming mode, state TTL and which nodes carry change kinds.
  let changes = ChangelogState()

  init(path: String, text: String) {
    file = SourceFile(path: path, text: text)
    fileID = sources.add(file)
  }

  /// Compiles the SQL file at `path`.
  public static func compile(path: String) -> SQLCompilation {
    guard let data = FileManager.default.contents(atPath: path) else {
      let c = SQLCompiler(path: path, text: "")
      return SQLCompilation(sources: c.sources, diagnostics: [.error("E0400", "cannot read \(path)", at: .none)], sinks: [])
    }
    return compile(path: path, text: String(decoding: data, as: UTF8.self))
  }

  public static func compile(path: String, text: String) -> SQLCompilation {
    let c = SQLCompiler(path: path, text: text)
    let sinks = c.run()
    // In text order (WHERE is bound before the SELECT list, for one).
    let ordered = c.diag.items.enumerated().sorted { ($0.element.span.start, $0.offset) < ($1.element.span.start, $1.offset) }.map(\.element)
    return SQLCompilation(sources: c.sources, diagnostics: ordered, sinks: c.diag.hasErrors ? [] : sinks)
  }

  func run() -> [PlanNode] {
    var lexer = SQLLexer(file, fileID: fileID)
    let tokens = lexer.tokenize()
    for d in lexer.diagnostics { diag.add(d) }
    var parser = SQLParser(tokens: tokens)
    let statements = parser.parseScript()
    for d in parser.diagnostics { diag.add(d) }
    var sinks: [PlanNode] = []
    for s in statements {
      switch s {
      case .createTable(let t): define(t)
      case .createView(let name, let q, let span):
        if tables[name] != nil || views[name] != nil {
          diag.add(.error("E0808", "table '\(name)' is already defined", at: span))
        } else {
          // Checked now (errors point into the view), planned at each use.
          _ = planQuery(q)
          views[name] = (q, span)
        }
      case .insert(let table, let span, let q):
        guard let rel = planQuery(q) else { continue }
        guard let def = tables[table] else {
          unknownTable(table, span)
          continue
        }
        guard def.connector.isSink || !def.connector.isSource || isFileTable(def) else {
          diag.add(.error("E0808", "table '\(table)' cannot be written", at: span))
          continue
        }
        if let n = insertNode(def, rel, q, span) { sinks.append(n) }
      case .set(let key, let value, let span):
        applySet(key, value, span)
      case .createFunction(let f):
        defineFunction(f)
      case .query(let q):
        guard let rel = planQuery(q) else { continue }
        if isUpdating(rel.node) {
          if let n = changelogSink(nil, rel.node, q.span, columns: rel.columns.map(\.name)) { sinks.append(n) }
          continue
        }
        let spec = SinkSpec(description: "print") { _ in SharedStdout() }
        sinks.append(makeNode(.sink(spec), [rel.node], "print", q.span, ""))
      }
    }
    if statements.isEmpty && !diag.hasErrors {
      diag.add(Diagnostic(.warning, code: "E0502", message: "the SQL file has no query, so nothing runs", span: Span(fileID: fileID, start: 0, end: 0), notes: ["help: add `SELECT ... FROM table;` or `INSERT INTO sink SELECT ...;`"]))
    }
    return sinks
  }

  func isFileTable(_ d: TableDef) -> Bool {
    switch d.connector {
    case .csv, .json: return true
    default: return false
    }
  }

  // MARK: nodes and locations

  /// Node ids must be unique in the whole plan: an embedded query draws
  /// them from the Flow lowering's counter.
  var idSource: (() -> Int)?

  func makeNode(_ kind: NodeKind, _ inputs: [PlanNode], _ name: String, _ span: Span, _ schema: String) -> PlanNode {
    nextID = idSource?() ?? nextID + 1
    let l = file.location(of: span.start)
    var uid = "\(uidPrefix)\(name)@\(l.line):\(l.column)"
    let seen = uidCounts[uid, default: 0]
    uidCounts[uid] = seen + 1
    if seen > 0 { uid += "#\(seen + 1)" }
    return PlanNode(id: nextID, kind: kind, inputs: inputs, location: location(span), name: name, schema: schema, uid: uid)
  }

  /// For an embedded query: its call's location, and a uid prefix that
  /// keeps two queries of one script apart.
  var callLocation: String?
  var uidPrefix = ""

  func location(_ span: Span) -> String {
    if let c = callLocation { return c }
    let l = file.location(of: span.start)
    return "\(file.path):\(l.line):\(l.column)"
  }

  func binder(_ columns: [SQLColumn]) -> ExprBinder {
    let b = ExprBinder(columns: columns, diagnostics: diag, locate: { [file] span in
      let l = file.location(of: span.start)
      return "\(file.path):\(l.line):\(l.column)"
    })
    b.functions = functions
    return b
  }

  func unknownTable(_ name: String, _ span: Span) {
    let known = (Array(tables.keys) + Array(views.keys)).sorted()
    var notes = [known.isEmpty ? "note: no table is defined yet; declare it with CREATE TABLE before the query" : "note: the tables are: \(known.joined(separator: ", "))"]
    if let m = closestMatch(to: name, in: known) { notes.insert("help: did you mean '\(m)'?", at: 0) }
    diag.add(.error("E0802", "unknown table '\(name)'", at: span, notes: notes))
  }

  /// A map node turning each row into a record of `outputs`.
  func projectNode(_ input: PlanNode, _ names: [String], _ outputs: [Typed], _ span: Span, name: String = "select", changes: Bool = false) -> PlanNode {
    // Rows of a changelog keep their kind (the last field); `changes` makes
    // an append-only input's rows inserts.
    let carry = isUpdating(input), insert = changes && !carry
    let shape = Shape(names + (carry || insert ? [ChangeKind.field] : []))
    var fs = outputs.map(\.eval)
    if carry { fs.append { row in if case .record(let r) = row, let k = r.values.last { return k }; return .null } }
    if insert { fs.append { _ in .string(ChangeKind.insert.rawValue) } }
    var reads = Set<String>()
    for o in outputs { reads.formUnion(o.reads) }
    let info = FunctionInfo(text: "SELECT " + names.joined(separator: ", "), fieldsRead: reads, constant: nil, updatedFields: nil)
    let f = FunctionValue(info: info, unary: { row in
      var values: [Value] = []
      values.reserveCapacity(fs.count)
      for g in fs { values.append(try g(row)) }
      return .record(Record(shape: shape, values: values))
    })
    let node = makeNode(.map(f), [input], name, span, flowSchema(zip(names, outputs).map { ($0.0, $0.1.type) }))
    return carry || insert ? markUpdating(node) : node
  }

  func filterNode(_ input: PlanNode, _ cond: Typed, _ span: Span, name: String = "where") -> PlanNode {
    let g = cond.eval
    let info = FunctionInfo(text: name.uppercased(), fieldsRead: cond.reads, constant: nil, updatedFields: nil)
    let f = FunctionValue(info: info, unary: { row in
      if case .bool(true) = try g(row) { return .bool(true) }
      return .bool(false)
    })
    let node = makeNode(.filter(f), [input], name, span, input.schema)
    return isUpdating(input) ? markUpdating(node) : node
  }
}
