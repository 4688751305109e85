import FlowSyntax
import FlowRuntime

/// A SQL script: statements separated by `;`.
public enum SQLStatement {
  case createTable(CreateTable)
  case createView(name: String, query: SQLQuery, span: Span)
  case insert(table: String, tableSpan: Span, query: SQLQuery)
  case query(SQLQuery)
  /// `SET 'key' = 'value'` (see SQLChangelog.swift for the keys).
  case set(key: String, value: String, span: Span)
  /// `CREATE [TEMPORARY] [SYSTEM] FUNCTION name AS 'class'` (SQLFunctionsDDL.swift).
  case createFunction(SQLCreateFunction)
}

public struct SQLColumnDef {
  public var name: String
  public var type: SQLTypeName
  public var notNull: Bool
  public var span: Span
}

public struct SQLTypeName {
  /// Upper-cased, e.g. `BIGINT`, `VARCHAR`, `TIMESTAMP`.
  public var name: String
  public var span: Span
}

public struct CreateTable {
  public var name: String
  public var nameSpan: Span
  public var columns: [SQLColumnDef]
  /// `WATERMARK FOR column AS expr`.
  public var watermark: (column: String, columnSpan: Span, expr: SQLExpr)?
  public var options: [(key: String, value: String, span: Span)]
  public var withSpan: Span
  /// `PRIMARY KEY (a, b) NOT ENFORCED`: the key of a versioned table, or
  /// the columns a sink upserts by.
  public var primaryKey: (columns: [(name: String, span: Span)], span: Span)? = nil
  /// Computed columns `name AS expr`, with their position among the
  /// columns (SQLProcessingTime.swift: only `AS PROCTIME()`).
  public var computed: [(name: String, expr: SQLExpr, span: Span, index: Int)] = []
}

/// A query: one SELECT, or several joined by UNION ALL.
public indirect enum SQLQuery {
  case select(SQLSelect)
  case unionAll([SQLQuery], span: Span)
  /// UNION (DISTINCT): the rows of all parts, each distinct row once.
  case union([SQLQuery], span: Span)
  /// `query ORDER BY ... [LIMIT n]` (bounded input); `span` covers the clause.
  case ordered(SQLQuery, order: [(SQLExpr, Bool)], limit: Int64?, span: Span)

  var span: Span {
    switch self {
    case .select(let s): return s.span
    case .unionAll(_, let sp), .union(_, let sp): return sp
    case .ordered(let q, _, _, _): return q.span
    }
  }
}

public final class SQLSelect {
  public var items: [SQLSelectItem] = []
  /// SELECT DISTINCT.
  public var distinct = false
  public var from: SQLTableRef?
  public var whereClause: SQLExpr?
  public var groupBy: [SQLExpr] = []
  public var having: SQLExpr?
  public var span: Span
  init(span: Span) { self.span = span }
}

public enum SQLSelectItem {
  case star(qualifier: String?, span: Span)
  case expr(SQLExpr, alias: String?)
}

public indirect enum SQLTableRef {
  case table(name: String, alias: String?, span: Span)
  case subquery(SQLQuery, alias: String?, span: Span)
  /// `TABLE(TUMBLE(TABLE t, DESCRIPTOR(col), INTERVAL ...))`.
  case windowTVF(SQLWindowTVF, alias: String?)
  /// `left [INNER] JOIN right ON condition`; `on` is nil for `FROM a, b`,
  /// whose condition is the WHERE clause.
  case join(SQLTableRef, SQLTableRef, on: SQLExpr?, span: Span)
  /// `input MATCH_RECOGNIZE (...) [AS alias]` (SQLMatchRecognize.swift).
  case matchRecognize(SQLMatchRecognize, alias: String?)
  /// `left LEFT | RIGHT | FULL [OUTER] JOIN right ON condition`
  /// (SQLWindowJoins.swift): `kind` is LEFT, RIGHT or FULL.
  case outerJoin(kind: String, SQLTableRef, SQLTableRef, on: SQLExpr, span: Span)
  /// `name FOR SYSTEM_TIME AS OF left.ts [AS alias]`: a versioned table,
  /// the right side of a temporal join (SQLTemporalJoins.swift).
  case versioned(name: String, alias: String?, asOf: SQLExpr, span: Span)
}

public struct SQLWindowTVF {
  /// Upper-cased: TUMBLE, HOP, CUMULATE or SESSION.
  public var function: String
  public var input: SQLTableRef
  /// SESSION's `PARTITION BY` columns.
  public var partitionBy: [SQLExpr]
  public var descriptor: String
  public var descriptorSpan: Span
  /// The interval arguments after the descriptor.
  public var intervals: [SQLExpr]
  public var span: Span
}

/// The rows an OVER aggregate sees, up to the current row: the `n` (or
/// all, nil) rows before it, or the rows whose ORDER BY value is at most
/// `preceding` ms (or any, nil) before the current row's, with its peers.
public enum SQLFrame: CustomStringConvertible {
  case rows(preceding: Int64?)
  case range(preceding: Int64?)
  public var description: String {
    switch self {
    case .rows(let n): return "ROWS \(n.map(String.init) ?? "UNBOUNDED") PRECEDING"
    case .range(let d): return "RANGE \(d.map { "\($0) ms" } ?? "UNBOUNDED") PRECEDING"
    }
  }
}

public final class SQLExpr {
  public indirect enum Kind {
    case column(qualifier: String?, name: String)
    case literal(Value, SQLType)
    /// `a op b`; op is upper-cased for words (AND, OR, LIKE) and the symbol otherwise.
    case binary(String, SQLExpr, SQLExpr)
    /// `-x`, `NOT x`.
    case unary(String, SQLExpr)
    case isNull(SQLExpr, negated: Bool)
    case isBool(SQLExpr, Bool, negated: Bool)
    case between(SQLExpr, SQLExpr, SQLExpr, negated: Bool)
    case inList(SQLExpr, [SQLExpr], negated: Bool)
    case like(SQLExpr, SQLExpr, negated: Bool)
    case caseWhen(operand: SQLExpr?, whens: [(SQLExpr, SQLExpr)], elseExpr: SQLExpr?)
    case cast(SQLExpr, SQLTypeName)
    /// A function call; `star` for COUNT(*); `filter` for `FILTER (WHERE ...)`.
    case call(name: String, args: [SQLExpr], distinct: Bool, star: Bool, filter: SQLExpr?)
    /// Something parsed only to be reported as unsupported.
    case unsupported(String, hint: String)
    /// `ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ... [DESC])`.
    case rowNumber(partition: [SQLExpr], order: [(SQLExpr, Bool)])
    /// `SUM(x) OVER (PARTITION BY ... ORDER BY ... [frame])`; `call` is the aggregate call.
    case overAggregate(SQLExpr, partition: [SQLExpr], order: [(SQLExpr, Bool)], frame: SQLFrame)
  }
  public let kind: Kind
  public let span: Span
  init(_ kind: Kind, _ span: Span) {
    self.kind = kind
    self.span = span
  }

  /// A canonical text, to match SELECT expressions with GROUP BY ones.
  var canonical: String {
    switch kind {
    case .column(let q, let n): return q.map { "\($0).\(n)" } ?? n
    case .literal(let v, _): return "lit(\(v))"
    case .binary(let op, let a, let b): return "(\(a.canonical) \(op) \(b.canonical))"
    case .unary(let op, let a): return "(\(op) \(a.canonical))"
    case .isNull(let a, let n): return "(\(a.canonical) IS \(n ? "NOT " : "")NULL)"
    case .isBool(let a, let b, let n): return "(\(a.canonical) IS \(n ? "NOT " : "")\(b))"
    case .between(let a, let b, let c, let n): return "(\(a.canonical) \(n ? "NOT " : "")BETWEEN \(b.canonical) AND \(c.canonical))"
    case .inList(let a, let xs, let n): return "(\(a.canonical) \(n ? "NOT " : "")IN (\(xs.map(\.canonical).joined(separator: ", "))))"
    case .like(let a, let b, let n): return "(\(a.canonical) \(n ? "NOT " : "")LIKE \(b.canonical))"
    case .caseWhen(let o, let ws, let e):
      return "CASE \(o?.canonical ?? "") " + ws.map { "WHEN \($0.0.canonical) THEN \($0.1.canonical)" }.joined(separator: " ") + " ELSE \(e?.canonical ?? "NULL") END"
    case .cast(let a, let t): return "CAST(\(a.canonical) AS \(t.name))"
    case .call(let n, let args, let d, let s, let f):
      return "\(n.uppercased())(\(d ? "DISTINCT " : "")\(s ? "*" : args.map(\.canonical).joined(separator: ", ")))" + (f.map { " FILTER \($0.canonical)" } ?? "")
    case .unsupported(let what, _): return "unsupported \(what) \(span.start)"
    case .overAggregate(let c, let p, let o, let f):
      return c.canonical + " OVER (PARTITION BY \(p.map(\.canonical).joined(separator: ", ")) ORDER BY \(o.map { $0.0.canonical + ($0.1 ? " DESC" : "") }.joined(separator: ", ")) \(f))"
    case .rowNumber(let p, let o):
      return "ROW_NUMBER() OVER (PARTITION BY \(p.map(\.canonical).joined(separator: ", ")) ORDER BY \(o.map { $0.0.canonical + ($0.1 ? " DESC" : "") }.joined(separator: ", ")))"
    }
  }
}
