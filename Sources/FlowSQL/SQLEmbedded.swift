import Foundation
import FlowSyntax
import FlowRuntime

/// A SQL query inside a Flow script: `stream |> sql("bid", "SELECT ...")`.
/// The stream is the table `table`; the query is one SELECT (no DDL).
public struct EmbeddedQuery {
  /// The output columns, with Flow type names (Int, Float, String, Bool, Time).
  public var columns: [(name: String, type: String)]
  /// Errors, with spans inside the query text (file id 0 of `sources`).
  public var diagnostics: [Diagnostic]
  /// The query's output node, when an input node was given and there were no errors.
  public var node: PlanNode?

  static let flowToSQL: [String: SQLType] = ["Int": .bigint, "Float": .double, "String": .string, "Bool": .boolean, "Time": .timestamp]

  /// The type name of the `rowKind` column: a `String` that is never NULL.
  public static let rowKindType = "String!"

  /// Types (input nil) or plans (input given) a query over one table.
  ///
  /// A query that is updating when its input is unbounded (a non-windowed
  /// GROUP BY, a regular join, ROW_NUMBER) has a last column `rowKind`,
  /// whatever the input: on an unbounded stream its rows are the changelog
  /// (+I, -U, +U, -D), on a bounded one its final rows, each "+I" (Flink's
  /// streaming and batch results), so one type serves both.
  public static func compile(query: String, table: String, columns: [(name: String, type: String)], input: PlanNode?,
                             location: String, nextID: (() -> Int)? = nil) -> EmbeddedQuery {
    let first = compileOnce(query: query, table: table, columns: columns, input: input, location: location, nextID: nextID)
    var out = first.0
    let c = first.1, updating = first.2
    guard !c.diag.hasErrors else { return out }
    // Would the query be updating on an unbounded stream? Plan it on a
    // placeholder source that never runs.
    let probeSource = SourceSpec(bounded: false, description: "unbounded probe", key: "sql probe") { _, _ in
      throw RuntimeError("internal: the SQL typing probe was run", at: location)
    }
    let probe = c.makeNode(.source(probeSource), [], "probe", Span(fileID: c.fileID, start: 0, end: 0), "")
    let (_, pc, probeUpdating) = compileOnce(query: query, table: table, columns: columns, input: probe, location: location, nextID: nil)
    guard !pc.diag.hasErrors, probeUpdating else { return out }
    out.columns.append((ChangeKind.field, rowKindType))
    if let node = out.node, !updating {
      // Final rows of a bounded input: each is an insert.
      let kind = Value.string(ChangeKind.insert.rawValue)
      var shapes: [ObjectIdentifier: Shape] = [:]
      let lock = NSLock()
      let add = FunctionValue(info: FunctionInfo(text: "row => { ...row, rowKind: \"+I\" }", fieldsRead: nil, constant: nil, updatedFields: nil), unary: { v in
        guard case .record(let r) = v else { return v }
        lock.lock()
        let shape: Shape
        if let known = shapes[ObjectIdentifier(r.shape)] { shape = known } else {
          shape = Shape(r.shape.fields + [ChangeKind.field])
          shapes[ObjectIdentifier(r.shape)] = shape
        }
        lock.unlock()
        return .record(Record(shape: shape, values: r.values + [kind]))
      })
      out.node = c.makeNode(.map(add), [node], "insert kind", Span(fileID: c.fileID, start: 0, end: query.utf8.count), "")
    }
    return out
  }

  /// One compilation; also says whether the result is a changelog.
  static func compileOnce(query: String, table: String, columns: [(name: String, type: String)], input: PlanNode?,
                          location: String, nextID: (() -> Int)?) -> (EmbeddedQuery, SQLCompiler, Bool) {
    let c = SQLCompiler(path: location, text: query)
    c.idSource = nextID
    c.callLocation = location
    c.changes.embedded = true
    // `line:col` of the call, as Flow's own uids have it.
    c.uidPrefix = "sql@\(location.split(separator: ":").suffix(2).joined(separator: ":"))/"
    let whole = Span(fileID: c.fileID, start: 0, end: query.utf8.count)
    var cols: [(name: String, type: SQLType)] = []
    for col in columns {
      guard let t = flowToSQL[col.type] else {
        c.diag.add(.error("E0804", "column '\(col.name)' has Flow type \(col.type), which SQL has no type for", at: whole))
        continue
      }
      cols.append((col.name, t))
    }
    c.tables[table] = TableDef(name: table, columns: cols, rowtime: nil, connector: .stream(input), span: whole)
    var lexer = SQLLexer(c.file, fileID: c.fileID)
    let tokens = lexer.tokenize()
    for d in lexer.diagnostics { c.diag.add(d) }
    var parser = SQLParser(tokens: tokens)
    let statements = parser.parseScript()
    for d in parser.diagnostics { c.diag.add(d) }
    var out = EmbeddedQuery(columns: [], diagnostics: [], node: nil)
    var updating = false
    if !c.diag.hasErrors {
      if statements.count == 1, case .query(let q) = statements[0] {
        if let rel = c.planQuery(q) {
          out.columns = rel.columns.map { ($0.name, $0.type.flowName) }
          out.node = input == nil ? nil : rel.node
          updating = c.isUpdating(rel.node)
        }
      } else {
        c.diag.add(.error("E0805", "an embedded query must be one SELECT query", at: whole,
                          notes: ["help: declare tables and sinks in a .sql file; here the stream is the table '\(table)'"]))
      }
    }
    out.diagnostics = c.diag.items
    if c.diag.hasErrors { out.node = nil }
    return (out, c, updating)
  }
}
