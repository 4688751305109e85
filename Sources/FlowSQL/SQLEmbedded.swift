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

  /// Types (input nil) or plans (input given) a query over one table.
  public static func compile(query: String, table: String, columns: [(name: String, type: String)], input: PlanNode?,
                             location: String, nextID: (() -> Int)? = nil) -> EmbeddedQuery {
    let c = SQLCompiler(path: location, text: query)
    c.idSource = nextID
    c.callLocation = location
    // Its result type has no change kind: grouped queries keep emitting
    // running values per group on unbounded streams (see sql.md).
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
    if !c.diag.hasErrors {
      if statements.count == 1, case .query(let q) = statements[0] {
        if let rel = c.planQuery(q) {
          out.columns = rel.columns.map { ($0.name, $0.type.flowName) }
          out.node = input == nil ? nil : rel.node
        }
      } else {
        c.diag.add(.error("E0805", "an embedded query must be one SELECT query", at: whole,
                          notes: ["help: declare tables and sinks in a .sql file; here the stream is the table '\(table)'"]))
      }
    }
    out.diagnostics = c.diag.items
    if c.diag.hasErrors { out.node = nil }
    return out
  }
}
