import FlowSyntax
import FlowRuntime

/// Recursive descent over SQL tokens. A syntax error abandons the current
/// statement (reported once) and parsing resumes after the next `;`, so any
/// input terminates with every statement's first error.
struct SQLParser {
  var tokens: [SQLToken]
  var pos = 0
  var diagnostics: [Diagnostic] = []

  struct Abort: Error {}

  init(tokens: [SQLToken]) { self.tokens = tokens }

  var peek: SQLToken { tokens[min(pos, tokens.count - 1)] }
  func peek(_ n: Int) -> SQLToken { tokens[min(pos + n, tokens.count - 1)] }
  mutating func advance() -> SQLToken {
    let t = peek
    if pos < tokens.count - 1 { pos += 1 }
    return t
  }
  var previousEnd: Int { pos > 0 ? tokens[pos - 1].span.end : 0 }
  func spanFrom(_ start: Span) -> Span { Span(fileID: start.fileID, start: start.start, end: max(start.start, previousEnd)) }

  mutating func fail(_ message: String, at span: Span? = nil, notes: [String] = []) -> Abort {
    diagnostics.append(.error("E0801", message, at: span ?? peek.span, notes: notes))
    return Abort()
  }

  /// A construct of Flink SQL that Flow does not support (yet): E0805, with
  /// the nearest supported alternative in `notes`.
  mutating func unsupported(_ message: String, at span: Span? = nil, notes: [String] = []) -> Abort {
    diagnostics.append(.error("E0805", message, at: span ?? peek.span, notes: notes))
    return Abort()
  }

  func describe(_ t: SQLToken) -> String {
    switch t.kind {
    case .ident(let s, _): return "'\(s)'"
    case .number(let s): return "number \(s)"
    case .string(let s): return "string '\(s)'"
    case .symbol(let s): return "'\(s)'"
    case .eof: return "end of input"
    }
  }

  mutating func accept(_ word: String) -> Bool {
    if peek.isKeyword(word) { _ = advance(); return true }
    return false
  }
  mutating func acceptSymbol(_ s: String) -> Bool {
    if peek.isSymbol(s) { _ = advance(); return true }
    return false
  }
  mutating func expect(_ word: String) throws {
    guard accept(word) else { throw fail("expected \(word), found \(describe(peek))") }
  }
  mutating func expectSymbol(_ s: String, _ context: String = "") throws {
    guard acceptSymbol(s) else { throw fail("expected '\(s)'\(context), found \(describe(peek))") }
  }

  /// Words that end an expression or a select item, so they are never taken as aliases.
  static let reserved: Set<String> = [
    "SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "UNION", "ALL", "AS", "ON", "JOIN", "INNER", "LEFT", "RIGHT",
    "FULL", "CROSS", "ORDER", "LIMIT", "AND", "OR", "NOT", "IS", "NULL", "IN", "BETWEEN", "LIKE", "CASE", "WHEN", "THEN",
    "ELSE", "END", "FILTER", "OVER", "WINDOW", "INSERT", "INTO", "CREATE", "TABLE", "WITH", "DISTINCT", "MATCH_RECOGNIZE",
    "EXCEPT", "INTERSECT", "NATURAL", "USING", "LATERAL", "FOR", "PARTITION", "QUALIFY",
  ]

  mutating func identifier(_ what: String) throws -> (String, Span) {
    let t = peek
    if case .ident(let s, let quoted) = t.kind, quoted || !Self.reserved.contains(s.uppercased()) {
      _ = advance()
      return (s, t.span)
    }
    throw fail("expected \(what), found \(describe(t))")
  }

  // MARK: statements

  mutating func parseScript() -> [SQLStatement] {
    var out: [SQLStatement] = []
    while true {
      while acceptSymbol(";") {}
      if case .eof = peek.kind { break }
      let before = pos
      do {
        out.append(try parseStatement())
        if !acceptSymbol(";"), peek.kind != .eof {
          throw fail("expected ';' after the statement, found \(describe(peek))", notes: ["help: end each statement with ';'"])
        }
      } catch {
        // Skip to the end of the failed statement.
        while peek.kind != .eof, !peek.isSymbol(";") { _ = advance() }
        if pos == before, peek.kind != .eof { _ = advance() }
      }
    }
    return out
  }

  mutating func parseStatement() throws -> SQLStatement {
    let t = peek
    if accept("CREATE") {
      _ = accept("TEMPORARY")
      if peek.isKeyword("SYSTEM") || peek.isKeyword("FUNCTION") { return .createFunction(try parseCreateFunction(t.span)) }
      if accept("TABLE") { return .createTable(try parseCreateTable()) }
      if accept("VIEW") {
        let (name, _) = try identifier("a view name")
        try expect("AS")
        let q = try parseQuery()
        return .createView(name: name, query: q, span: spanFrom(t.span))
      }
      throw fail("expected TABLE or VIEW after CREATE, found \(describe(peek))", notes: ["help: Flow's SQL supports CREATE TABLE and CREATE VIEW"])
    }
    if accept("INSERT") {
      guard accept("INTO") || accept("OVERWRITE") else { throw fail("expected INTO after INSERT, found \(describe(peek))") }
      let (name, span) = try identifier("a table name")
      if peek.isSymbol("(") {
        throw unsupported("a column list after INSERT INTO is not supported", notes: ["help: select the sink's columns in its order instead: INSERT INTO \(name) SELECT ..."])
      }
      return .insert(table: name, tableSpan: span, query: try parseQuery())
    }
    if peek.isKeyword("SELECT") || peek.isSymbol("(") { return .query(try parseQuery()) }
    if peek.isKeyword("SET"), case .string = peek(1).kind {
      _ = advance()
      let k = advance()
      guard case .string(let key) = k.kind else { throw fail("expected an option name in quotes after SET") }
      try expectSymbol("=")
      let v = peek
      guard case .string(let value) = advance().kind else { throw fail("expected a value in quotes, found \(describe(v))", at: v.span) }
      return .set(key: key, value: value, span: spanFrom(t.span))
    }
    if peek.isKeyword("SET") || peek.isKeyword("USE") || peek.isKeyword("DROP") || peek.isKeyword("ALTER") || peek.isKeyword("EXPLAIN") {
      throw unsupported("\(describe(peek)) statements are not supported", notes: ["help: a SQL file holds CREATE TABLE, CREATE VIEW, INSERT INTO and SELECT statements"])
    }
    throw fail("expected a statement (CREATE TABLE, CREATE VIEW, INSERT INTO or SELECT), found \(describe(peek))")
  }

  mutating func parseCreateTable() throws -> CreateTable {
    let (name, nameSpan) = try identifier("a table name")
    try expectSymbol("(", " after the table name")
    var columns: [SQLColumnDef] = []
    var watermark: (String, Span, SQLExpr)?
    var primaryKey: (columns: [(name: String, span: Span)], span: Span)?
    var computed: [(name: String, expr: SQLExpr, span: Span, index: Int)] = []
    repeat {
      if accept("WATERMARK") {
        try expect("FOR")
        let (col, colSpan) = try identifier("the event-time column")
        try expect("AS")
        watermark = (col, colSpan, try parseExpr())
      } else if peek.isKeyword("PRIMARY") || peek.isKeyword("CONSTRAINT") {
        let start = peek.span
        if accept("CONSTRAINT") { _ = try identifier("a constraint name") }
        try expect("PRIMARY")
        try expect("KEY")
        try expectSymbol("(", " after PRIMARY KEY")
        var keyColumns: [(name: String, span: Span)] = []
        repeat { keyColumns.append(try identifier("a column name")) } while acceptSymbol(",")
        try expectSymbol(")", " after the key columns")
        guard accept("NOT"), accept("ENFORCED") else {
          throw unsupported("only PRIMARY KEY (...) NOT ENFORCED is supported", notes: ["help: add NOT ENFORCED, as Flink requires"])
        }
        primaryKey = (keyColumns, spanFrom(start))
      } else {
        let (col, colSpan) = try identifier("a column name")
        if accept("AS") {
          // A computed column: `pt AS PROCTIME()` (checked in SQLProcessingTime.swift).
          let e = try parseExpr()
          computed.append((col, e, spanFrom(colSpan), columns.count + computed.count))
          continue
        }
        let type = try parseTypeName()
        var notNull = false
        if accept("NOT") { try expect("NULL"); notNull = true } else { _ = accept("NULL") }
        if peek.isKeyword("METADATA") || peek.isKeyword("AS") {
          throw unsupported("computed and metadata columns are not supported", notes: ["help: declare plain columns and compute values in a view or query"])
        }
        columns.append(SQLColumnDef(name: col, type: type, notNull: notNull, span: spanFrom(colSpan)))
      }
    } while acceptSymbol(",")
    try expectSymbol(")", " after the columns")
    let withStart = peek.span
    var options: [(String, String, Span)] = []
    if accept("WITH") {
      try expectSymbol("(", " after WITH")
      repeat {
        let k = peek
        guard case .string(let key) = advance().kind else { throw fail("expected an option name in quotes, found \(describe(k))", at: k.span) }
        try expectSymbol("=")
        let v = peek
        guard case .string(let value) = advance().kind else { throw fail("expected an option value in quotes, found \(describe(v))", at: v.span) }
        options.append((key, value, spanFrom(k.span)))
      } while acceptSymbol(",")
      try expectSymbol(")", " after the options")
    }
    var table = CreateTable(name: name, nameSpan: nameSpan, columns: columns, watermark: watermark, options: options, withSpan: spanFrom(withStart))
    table.primaryKey = primaryKey
    table.computed = computed
    return table
  }

  mutating func parseTypeName() throws -> SQLTypeName {
    let t = peek
    guard case .ident(let n, false) = t.kind else { throw fail("expected a type, found \(describe(t))") }
    _ = advance()
    var name = n.uppercased()
    if name == "DOUBLE" { _ = accept("PRECISION") }
    if name == "CHARACTER" && accept("VARYING") { name = "VARCHAR" }
    if name == "TIMESTAMP_LTZ" { name = "TIMESTAMP" }
    if acceptSymbol("(") {
      // Precision and scale are accepted and ignored (see Language/sql.md).
      repeat {
        guard case .number = advance().kind else { throw fail("expected a number in the type's parentheses") }
      } while acceptSymbol(",")
      try expectSymbol(")")
    }
    if name == "TIMESTAMP", accept("WITH") || accept("WITHOUT") {
      if accept("LOCAL") {}
      try expect("TIME"); try expect("ZONE")
    }
    if peek.isSymbol("<") || name == "ROW" || name == "ARRAY" || name == "MAP" || name == "MULTISET" {
      throw unsupported("type \(name) is not supported", at: spanFrom(t.span), notes: ["help: use scalar columns: BIGINT, INT, DOUBLE, DECIMAL, VARCHAR/STRING, BOOLEAN, TIMESTAMP(3)"])
    }
    return SQLTypeName(name: name, span: spanFrom(t.span))
  }

  // MARK: queries

  mutating func parseQuery() throws -> SQLQuery {
    let start = peek.span
    var parts = [try parseQueryTerm()]
    var distinct: Bool?
    while peek.isKeyword("UNION") || peek.isKeyword("EXCEPT") || peek.isKeyword("INTERSECT") {
      let t = advance()
      if t.isKeyword("UNION") {
        let all = accept("ALL")
        if !all { _ = accept("DISTINCT") }
        if let d = distinct, d == all {
          throw unsupported("mixing UNION and UNION ALL in one query is not supported", at: spanFrom(t.span), notes: ["help: put parentheses around the part that removes duplicates"])
        }
        distinct = !all
        parts.append(try parseQueryTerm())
        continue
      }
      let word = t.isKeyword("EXCEPT") ? "EXCEPT" : "INTERSECT"
      throw unsupported("\(word) is not supported", at: spanFrom(t.span), notes: ["help: use UNION ALL, or UNION to remove duplicates"])
    }
    var query: SQLQuery = distinct == true ? .union(parts, span: spanFrom(start)) : (parts.count == 1 ? parts[0] : .unionAll(parts, span: spanFrom(start)))
    if peek.isKeyword("ORDER") || peek.isKeyword("LIMIT") {
      let orderStart = peek.span
      var order: [(SQLExpr, Bool)] = []
      if accept("ORDER") {
        try expect("BY")
        repeat {
          let e = try parseExpr()
          var desc = false
          if accept("DESC") { desc = true } else { _ = accept("ASC") }
          if peek.isKeyword("NULLS") { throw unsupported("NULLS FIRST/LAST is not supported", notes: ["help: NULLs sort first in ascending and last in descending order"]) }
          order.append((e, desc))
        } while acceptSymbol(",")
      }
      var limit: Int64?
      if accept("LIMIT") {
        let t = peek
        guard case .number(let text) = advance().kind, let n = Int64(text), n >= 0 else { throw fail("LIMIT takes a whole number", at: t.span) }
        limit = n
      }
      query = .ordered(query, order: order, limit: limit, span: spanFrom(orderStart))
    }
    return query
  }

  mutating func parseQueryTerm() throws -> SQLQuery {
    if acceptSymbol("(") {
      let q = try parseQuery()
      try expectSymbol(")", " to close the query")
      return q
    }
    return .select(try parseSelect())
  }

  mutating func parseSelect() throws -> SQLSelect {
    let start = peek.span
    try expect("SELECT")
    let s = SQLSelect(span: start)
    if accept("DISTINCT") { s.distinct = true } else { _ = accept("ALL") }
    repeat {
      if acceptSymbol("*") {
        s.items.append(.star(qualifier: nil, span: tokens[pos - 1].span))
      } else if case .ident(let q, _) = peek.kind, peek(1).isSymbol("."), peek(2).isSymbol("*") {
        let sp = peek.span
        pos += 3
        s.items.append(.star(qualifier: q, span: spanFrom(sp)))
      } else {
        let e = try parseExpr()
        var alias: String?
        if accept("AS") {
          alias = try identifier("a column alias").0
        } else if case .ident(let a, let quoted) = peek.kind, quoted || !Self.reserved.contains(a.uppercased()) {
          _ = advance()
          alias = a
        }
        s.items.append(.expr(e, alias: alias))
      }
    } while acceptSymbol(",")
    if accept("FROM") {
      var from = try parseTableRef()
      while true {
        let start = peek.span
        if accept("JOIN") || (peek.isKeyword("INNER") && peek(1).isKeyword("JOIN")) {
          if peek.isKeyword("INNER") { pos += 2 }
          let right = try parseTableRef()
          try expect("ON")
          let cond = try parseExpr()
          from = .join(from, right, on: cond, span: spanFrom(start))
          continue
        }
        if peek.isSymbol(",") {
          // `FROM a, b WHERE ...`: the WHERE clause is the join condition.
          _ = advance()
          let right = try parseTableRef()
          from = .join(from, right, on: nil, span: spanFrom(start))
          continue
        }
        if let word = ["LEFT", "RIGHT", "FULL"].first(where: { peek.isKeyword($0) }) {
          _ = advance()
          _ = accept("OUTER")
          try expect("JOIN")
          let right = try parseTableRef()
          try expect("ON")
          let cond = try parseExpr()
          from = .outerJoin(kind: word, from, right, on: cond, span: spanFrom(start))
          continue
        }
        for word in ["CROSS", "NATURAL"] where peek.isKeyword(word) {
          throw unsupported("\(word) joins are not supported", notes: ["help: join on equal columns: [INNER | LEFT | RIGHT | FULL] JOIN ... ON a.k = b.k"])
        }
        break
      }
      s.from = from
    }
    if accept("WHERE") { s.whereClause = try parseExpr() }
    if accept("GROUP") {
      try expect("BY")
      repeat { s.groupBy.append(try parseExpr()) } while acceptSymbol(",")
    }
    if accept("HAVING") { s.having = try parseExpr() }
    if peek.isKeyword("WINDOW") || peek.isKeyword("QUALIFY") {
      throw unsupported("\(describe(peek)) is not supported", notes: ["help: Top-N and deduplication (ROW_NUMBER) are not supported yet"])
    }
    s.span = spanFrom(start)
    return s
  }

  mutating func parseTableRef() throws -> SQLTableRef {
    let start = peek.span
    var ref: SQLTableRef
    if acceptSymbol("(") {
      let q = try parseQuery()
      try expectSymbol(")", " to close the subquery")
      ref = .subquery(q, alias: nil, span: spanFrom(start))
    } else if peek.isKeyword("TABLE"), peek(1).isSymbol("(") {
      pos += 2
      ref = .windowTVF(try parseWindowTVF(), alias: nil)
      try expectSymbol(")", " to close TABLE(...)")
    } else if peek.isKeyword("LATERAL") || peek.isKeyword("UNNEST") {
      throw unsupported("\(describe(peek)) is not supported", notes: ["help: use a table, a subquery or a window function (TUMBLE, HOP, SESSION) in FROM"])
    } else {
      let (name, sp) = try identifier("a table name")
      if peek.isKeyword("FOR") {
        ref = try parseVersioned(name, sp)
      } else {
        ref = .table(name: name, alias: nil, span: sp)
      }
    }
    if peek.isKeyword("MATCH_RECOGNIZE") { ref = .matchRecognize(try parseMatchRecognize(ref), alias: nil) }
    var alias: String?
    if accept("AS") {
      alias = try identifier("an alias").0
    } else if case .ident(let a, let quoted) = peek.kind, quoted || !Self.reserved.contains(a.uppercased()) {
      _ = advance()
      alias = a
    }
    if let a = alias {
      switch ref {
      case .table(let n, _, let sp): ref = .table(name: n, alias: a, span: sp)
      case .subquery(let q, _, let sp): ref = .subquery(q, alias: a, span: sp)
      case .windowTVF(let w, _): ref = .windowTVF(w, alias: a)
      case .matchRecognize(let m, _): ref = .matchRecognize(m, alias: a)
      case .versioned(let n, _, let e, let sp): ref = .versioned(name: n, alias: a, asOf: e, span: sp)
      case .join, .outerJoin: break
      }
    }
    return ref
  }

  mutating func parseWindowTVF() throws -> SQLWindowTVF {
    let start = peek.span
    let (fn, fnSpan) = try identifier("a window function (TUMBLE, HOP, CUMULATE, SESSION)")
    let name = fn.uppercased()
    guard ["TUMBLE", "HOP", "CUMULATE", "SESSION"].contains(name) else {
      throw fail("unknown table function '\(fn)'", at: fnSpan, notes: ["help: the window table functions are TUMBLE, HOP, CUMULATE and SESSION"])
    }
    try expectSymbol("(", " after \(name)")
    if case .ident = peek.kind, peek(1).isSymbol("=") {
      throw unsupported("named arguments (DATA => ...) are not supported", notes: ["help: pass the arguments in order: \(name)(TABLE t, DESCRIPTOR(col), INTERVAL ...)"])
    }
    let input: SQLTableRef
    let inStart = peek.span
    if accept("TABLE") {
      let (t, sp) = try identifier("a table name")
      input = .table(name: t, alias: nil, span: sp)
    } else if acceptSymbol("(") {
      let q = try parseQuery()
      try expectSymbol(")", " to close the subquery")
      input = .subquery(q, alias: nil, span: spanFrom(inStart))
    } else {
      throw fail("expected TABLE name as the first argument of \(name), found \(describe(peek))")
    }
    var partition: [SQLExpr] = []
    if accept("PARTITION") {
      try expect("BY")
      partition.append(try parseExpr())
      while peek.isSymbol(","), !peek(1).isKeyword("DESCRIPTOR") {
        _ = advance()
        partition.append(try parseExpr())
      }
    }
    try expectSymbol(",", " after the table")
    try expect("DESCRIPTOR")
    try expectSymbol("(", " after DESCRIPTOR")
    let (col, colSpan) = try identifier("the time column")
    try expectSymbol(")")
    var intervals: [SQLExpr] = []
    while acceptSymbol(",") { intervals.append(try parseExpr()) }
    try expectSymbol(")", " to close \(name)(...)")
    return SQLWindowTVF(function: name, input: input, partitionBy: partition, descriptor: col, descriptorSpan: colSpan, intervals: intervals, span: spanFrom(start))
  }

  // MARK: expressions

  mutating func parseExpr() throws -> SQLExpr { try parseOr() }

  mutating func parseOr() throws -> SQLExpr {
    var l = try parseAnd()
    while accept("OR") {
      let r = try parseAnd()
      l = SQLExpr(.binary("OR", l, r), l.span.to(r.span))
    }
    return l
  }

  mutating func parseAnd() throws -> SQLExpr {
    var l = try parseNot()
    while accept("AND") {
      let r = try parseNot()
      l = SQLExpr(.binary("AND", l, r), l.span.to(r.span))
    }
    return l
  }

  mutating func parseNot() throws -> SQLExpr {
    let t = peek
    if accept("NOT") {
      let e = try parseNot()
      return SQLExpr(.unary("NOT", e), t.span.to(e.span))
    }
    return try parseComparison()
  }

  mutating func parseComparison() throws -> SQLExpr {
    let l = try parseAdditive()
    for op in ["=", "<>", "!=", "<", "<=", ">", ">="] where peek.isSymbol(op) {
      _ = advance()
      let r = try parseAdditive()
      return SQLExpr(.binary(op == "!=" ? "<>" : op, l, r), l.span.to(r.span))
    }
    if accept("IS") {
      let neg = accept("NOT")
      if accept("NULL") { return SQLExpr(.isNull(l, negated: neg), spanFrom(l.span)) }
      if accept("TRUE") { return SQLExpr(.isBool(l, true, negated: neg), spanFrom(l.span)) }
      if accept("FALSE") { return SQLExpr(.isBool(l, false, negated: neg), spanFrom(l.span)) }
      throw fail("expected NULL, TRUE or FALSE after IS, found \(describe(peek))")
    }
    let neg = peek.isKeyword("NOT") && (peek(1).isKeyword("BETWEEN") || peek(1).isKeyword("IN") || peek(1).isKeyword("LIKE"))
    if neg { _ = advance() }
    if accept("BETWEEN") {
      _ = accept("ASYMMETRIC")
      let lo = try parseAdditive()
      try expect("AND")
      let hi = try parseAdditive()
      return SQLExpr(.between(l, lo, hi, negated: neg), l.span.to(hi.span))
    }
    if accept("IN") {
      try expectSymbol("(", " after IN")
      if peek.isKeyword("SELECT") {
        throw unsupported("IN with a subquery is not supported", notes: ["help: list the values: x IN (1, 2, 3)"])
      }
      var xs: [SQLExpr] = []
      repeat { xs.append(try parseExpr()) } while acceptSymbol(",")
      try expectSymbol(")", " to close the IN list")
      return SQLExpr(.inList(l, xs, negated: neg), spanFrom(l.span))
    }
    if accept("LIKE") {
      let p = try parseAdditive()
      return SQLExpr(.like(l, p, negated: neg), l.span.to(p.span))
    }
    return l
  }

  mutating func parseAdditive() throws -> SQLExpr {
    var l = try parseMultiplicative()
    while peek.isSymbol("+") || peek.isSymbol("-") || peek.isSymbol("||") {
      guard case .symbol(let op) = advance().kind else { break }
      let r = try parseMultiplicative()
      l = SQLExpr(.binary(op, l, r), l.span.to(r.span))
    }
    return l
  }

  mutating func parseMultiplicative() throws -> SQLExpr {
    var l = try parseUnary()
    while peek.isSymbol("*") || peek.isSymbol("/") || peek.isSymbol("%") {
      guard case .symbol(let op) = advance().kind else { break }
      let r = try parseUnary()
      l = SQLExpr(.binary(op, l, r), l.span.to(r.span))
    }
    return l
  }

  mutating func parseUnary() throws -> SQLExpr {
    let t = peek
    if acceptSymbol("-") {
      let e = try parseUnary()
      return SQLExpr(.unary("-", e), t.span.to(e.span))
    }
    if acceptSymbol("+") { return try parseUnary() }
    return try parsePrimary()
  }

  static let intervalUnits: [String: Int64] = [
    "MILLISECOND": 1, "MILLISECONDS": 1, "SECOND": 1000, "SECONDS": 1000, "MINUTE": 60_000, "MINUTES": 60_000,
    "HOUR": 3_600_000, "HOURS": 3_600_000, "DAY": 86_400_000, "DAYS": 86_400_000,
  ]

  mutating func parsePrimary() throws -> SQLExpr {
    let t = peek
    switch t.kind {
    case .number(let s):
      _ = advance()
      if !s.contains("."), !s.lowercased().contains("e"), let i = Int64(s) { return SQLExpr(.literal(.int(i), .bigint), t.span) }
      if let d = Double(s) { return SQLExpr(.literal(.float(d), .double), t.span) }
      throw fail("number \(s) is out of range", at: t.span)
    case .string(let s):
      _ = advance()
      return SQLExpr(.literal(.string(s), .string), t.span)
    case .symbol("("):
      _ = advance()
      if peek.isKeyword("SELECT") {
        throw unsupported("subqueries in expressions are not supported", notes: ["help: subqueries are supported in FROM"])
      }
      let e = try parseExpr()
      try expectSymbol(")", " to close the parenthesis")
      return SQLExpr(e.kind, spanFrom(t.span))
    case .ident(let name, let quoted):
      let upper = name.uppercased()
      if !quoted {
        switch upper {
        case "NULL": _ = advance(); return SQLExpr(.literal(.null, .null), t.span)
        case "TRUE": _ = advance(); return SQLExpr(.literal(.bool(true), .boolean), t.span)
        case "FALSE": _ = advance(); return SQLExpr(.literal(.bool(false), .boolean), t.span)
        case "INTERVAL": return try parseInterval()
        case "TIMESTAMP" where peek(1).kind != .symbol("(") && { if case .string = peek(1).kind { return true } else { return false } }():
          _ = advance()
          guard case .string(let text) = advance().kind else { throw fail("expected a timestamp literal") }
          guard let ms = parseSQLTimestamp(text) else {
            throw fail("'\(text)' is not a timestamp", at: spanFrom(t.span), notes: ["help: write TIMESTAMP 'yyyy-MM-dd HH:mm:ss[.SSS]'"])
          }
          return SQLExpr(.literal(.time(ms), .timestamp), spanFrom(t.span))
        case "CASE": return try parseCase()
        case "CAST", "TRY_CAST": return try parseCast()
        case "EXISTS": throw unsupported("EXISTS subqueries are not supported", notes: ["help: subqueries are supported in FROM"])
        default:
          if Self.reserved.contains(upper) { throw fail("expected an expression, found \(describe(t))") }
        }
      }
      _ = advance()
      if acceptSymbol(".") {
        let (col, _) = try identifier("a column name after '.'")
        return SQLExpr(.column(qualifier: name, name: col), spanFrom(t.span))
      }
      if peek.isSymbol("(") { return try parseCall(name, t.span) }
      return SQLExpr(.column(qualifier: nil, name: name), t.span)
    default:
      throw fail("expected an expression, found \(describe(t))")
    }
  }

  mutating func parseInterval() throws -> SQLExpr {
    let start = advance().span
    let t = peek
    let amountText: String
    switch t.kind {
    case .string(let s): amountText = s.trimmingCharactersSpaces()
    case .number(let s): amountText = s
    default: throw fail("expected the interval's amount in quotes, as in INTERVAL '10' SECOND")
    }
    _ = advance()
    let u = peek
    guard case .ident(let unitName, false) = u.kind, let unit = Self.intervalUnits[unitName.uppercased()] else {
      throw fail("expected a time unit (SECOND, MINUTE, HOUR, DAY, MILLISECOND) after the interval's amount, found \(describe(u))")
    }
    _ = advance()
    if peek.isKeyword("TO") { throw unsupported("interval ranges (... TO ...) are not supported", notes: ["help: write one unit: INTERVAL '90' SECOND"]) }
    guard let amount = Int64(amountText) else {
      throw fail("'\(amountText)' is not a whole number of \(unitName.lowercased())s", at: t.span)
    }
    let (ms, overflow) = amount.multipliedReportingOverflow(by: unit)
    if overflow { throw fail("interval '\(amountText)' \(unitName) is too long", at: spanFrom(start)) }
    return SQLExpr(.literal(.duration(ms), .interval), spanFrom(start))
  }

  mutating func parseCase() throws -> SQLExpr {
    let start = advance().span
    var operand: SQLExpr?
    if !peek.isKeyword("WHEN") { operand = try parseExpr() }
    var whens: [(SQLExpr, SQLExpr)] = []
    while accept("WHEN") {
      let c = try parseExpr()
      try expect("THEN")
      whens.append((c, try parseExpr()))
    }
    if whens.isEmpty { throw fail("expected WHEN in CASE, found \(describe(peek))") }
    var elseExpr: SQLExpr?
    if accept("ELSE") { elseExpr = try parseExpr() }
    try expect("END")
    return SQLExpr(.caseWhen(operand: operand, whens: whens, elseExpr: elseExpr), spanFrom(start))
  }

  mutating func parseCast() throws -> SQLExpr {
    let start = advance().span
    try expectSymbol("(", " after CAST")
    let e = try parseExpr()
    try expect("AS")
    let type = try parseTypeName()
    try expectSymbol(")", " to close CAST")
    return SQLExpr(.cast(e, type), spanFrom(start))
  }

  mutating func parseCall(_ name: String, _ start: Span) throws -> SQLExpr {
    try expectSymbol("(")
    var args: [SQLExpr] = []
    var distinct = false, star = false
    let upper = name.uppercased()
    if acceptSymbol("*") {
      star = true
    } else if !peek.isSymbol(")") {
      distinct = accept("DISTINCT")
      if !distinct { _ = accept("ALL") }
      args.append(try parseExpr())
      if (upper == "SUBSTRING" || upper == "SUBSTR"), accept("FROM") {
        args.append(try parseExpr())
        if accept("FOR") { args.append(try parseExpr()) }
      } else if upper == "EXTRACT" || upper == "POSITION" || upper == "TRIM" || upper == "OVERLAY" {
        if peek.isKeyword("FROM") || peek.isKeyword("IN") || peek.isKeyword("PLACING") {
          throw unsupported("\(upper)(... \(describe(peek)) ...) is not supported", notes: ["help: see Language/sql.md for the supported functions"])
        }
      }
      while acceptSymbol(",") { args.append(try parseExpr()) }
    }
    try expectSymbol(")", " to close the call of \(name)")
    var filter: SQLExpr?
    if accept("FILTER") {
      try expectSymbol("(", " after FILTER")
      try expect("WHERE")
      filter = try parseExpr()
      try expectSymbol(")", " to close FILTER")
    }
    if peek.isKeyword("OVER") {
      let over = advance()
      let isAggregate = ["COUNT", "SUM", "MIN", "MAX", "AVG"].contains(upper)
      guard (upper == "ROW_NUMBER" && args.isEmpty && !star) || isAggregate, !distinct, filter == nil else {
        throw unsupported("\(upper)(...) OVER (...) is not supported", at: Span(fileID: start.fileID, start: start.start, end: over.span.end),
                          notes: ["help: OVER takes ROW_NUMBER() and the aggregates COUNT, SUM, MIN, MAX and AVG (without DISTINCT or FILTER)"])
      }
      try expectSymbol("(", " after OVER")
      var partition: [SQLExpr] = []
      if accept("PARTITION") {
        try expect("BY")
        repeat { partition.append(try parseExpr()) } while acceptSymbol(",")
      }
      var order: [(SQLExpr, Bool)] = []
      if accept("ORDER") {
        try expect("BY")
        repeat {
          let e = try parseExpr()
          var desc = false
          if accept("DESC") { desc = true } else { _ = accept("ASC") }
          if peek.isKeyword("NULLS") { throw unsupported("NULLS FIRST/LAST is not supported", notes: ["help: NULLs sort first in ascending and last in descending order"]) }
          order.append((e, desc))
        } while acceptSymbol(",")
      }
      // The frame: RANGE UNBOUNDED PRECEDING (SQL's default) unless given.
      var frame = SQLFrame.range(preceding: nil)
      if peek.isKeyword("ROWS") || peek.isKeyword("RANGE") {
        let rows = advance().isKeyword("ROWS")
        try expect("BETWEEN")
        var amount: SQLExpr?
        if !accept("UNBOUNDED") { amount = try parseAdditive() }
        try expect("PRECEDING")
        try expect("AND")
        try expect("CURRENT")
        try expect("ROW")
        if rows {
          var n: Int64?
          if let a = amount {
            guard case .literal(.int(let k), _) = a.kind, k >= 0 else { throw fail("ROWS BETWEEN n PRECEDING takes a whole number", at: a.span) }
            n = k
          }
          frame = .rows(preceding: n)
        } else {
          var d: Int64?
          if let a = amount {
            guard case .literal(.duration(let ms), _) = a.kind, ms >= 0 else { throw fail("RANGE BETWEEN ... PRECEDING takes an INTERVAL", at: a.span, notes: ["help: RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW"]) }
            d = ms
          }
          frame = .range(preceding: d)
        }
      }
      try expectSymbol(")", " to close OVER (...)")
      if order.isEmpty {
        throw unsupported("\(upper)(...) OVER (...) needs ORDER BY", at: spanFrom(start), notes: ["help: OVER (PARTITION BY k ORDER BY t)"])
      }
      if upper == "ROW_NUMBER" {
        return SQLExpr(.rowNumber(partition: partition, order: order), spanFrom(start))
      }
      let call = SQLExpr(.call(name: name, args: args, distinct: false, star: star, filter: nil), spanFrom(start))
      return SQLExpr(.overAggregate(call, partition: partition, order: order, frame: frame), spanFrom(start))
    }
    return SQLExpr(.call(name: name, args: args, distinct: distinct, star: star, filter: filter), spanFrom(start))
  }
}

extension String {
  func trimmingCharactersSpaces() -> String {
    var s = Substring(self)
    while s.first == " " { s.removeFirst() }
    while s.last == " " { s.removeLast() }
    return String(s)
  }
}
