import FlowSema
import FlowIR
import FlowSQL
import FlowRuntime

/// Connects the checker and the lowering to the SQL front end for queries
/// inside Flow scripts (`sql(...)`): they sit below it in the target order,
/// so they call it through hooks that every driver installs first.
public enum SQLBridge {
  public static func install() {
    Checker.sqlTyper = { query, table, columns in
      let r = EmbeddedQuery.compile(query: query, table: table, columns: columns, input: nil, location: "sql")
      let errors = r.diagnostics.filter { $0.severity == .error }
      if errors.isEmpty { return .columns(r.columns) }
      return .problems(errors.map { .init(code: $0.code, message: $0.message, start: $0.span.start, end: $0.span.end, notes: $0.notes) })
    }
    EmbeddedSQL.planner = { query, table, columns, input, location, nextID in
      let r = EmbeddedQuery.compile(query: query, table: table, columns: columns, input: input, location: location, nextID: nextID)
      guard let node = r.node else {
        throw RuntimeError("internal: the SQL query did not compile: \(r.diagnostics.map(\.message).joined(separator: "; "))", at: location)
      }
      return node
    }
  }
}
