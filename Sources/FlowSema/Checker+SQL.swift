import FlowSyntax

/// What the SQL front end says about an embedded query: the result's
/// columns (name and Flow type name), or its errors with byte offsets
/// inside the query text.
public enum EmbeddedSQLTyping {
  public struct Problem {
    public var code: String
    public var message: String
    public var start: Int
    public var end: Int
    public var notes: [String]
    public init(code: String, message: String, start: Int, end: Int, notes: [String]) {
      self.code = code
      self.message = message
      self.start = start
      self.end = end
      self.notes = notes
    }
  }
  case columns([(name: String, type: String)])
  case problems([Problem])
}

/// `stream |> sql("bid", "SELECT ... FROM bid ...")`: a SQL query over a
/// stream of records (Language/sql.md). The SQL front end lives above the
/// checker (it compiles to plans), so the driver installs it here.
extension Checker {
  /// Types a query over one table; set by FlowDriver. Without it (a tool
  /// that does not link the SQL front end) the result's row type is left open.
  nonisolated(unsafe) public static var sqlTyper: ((_ query: String, _ table: String, _ columns: [(name: String, type: String)]) -> EmbeddedSQLTyping)?

  func sqlCall(_ e: Expr, _ callee: Expr, _ args: [Arg], _ scope: Scope) -> Type {
    guard args.count == 3 else {
      error("E0305", "'sql' takes a stream of records, the table name the query uses for it, and the query, e.g. `bids |> sql(\"bid\", \"SELECT auction FROM bid\")`", at: callSite(e))
      for a in args { infer(a.value, scope) }
      return fresh()
    }
    let st = infer(args[0].value, scope).resolved
    var rowType: Type?
    switch st {
    case .con("Stream", let a) where a.count == 1: rowType = a[0].resolved
    case .con("Keyed", let a) where a.count == 2: rowType = a[1].resolved
    default: break
    }
    var columns: [(name: String, type: String)] = []
    if case .record(let fields, nil)? = rowType {
      for (name, t) in fields {
        var base = t.resolved
        if case .optional(let inner) = base { base = inner.resolved }
        guard case .con(let head, let ps) = base, ps.isEmpty, ["Int", "Float", "String", "Bool", "Time"].contains(head) else {
          error("E0303", "field '\(name)' has type \(TypePrinter().print(t)), which SQL has no column type for", at: argumentSite(args[0].value, e, callee),
                notes: ["help: map the stream to Int, Float, String, Bool and Time fields (optional or not) first"])
          return fresh()
        }
        columns.append((name, head))
      }
    } else {
      error("E0303", "'sql' needs a stream of records with known fields, but it is given \(TypePrinter().print(st))", at: argumentSite(args[0].value, e, callee),
            notes: ["help: the stream's events must be records, e.g. from readCsv with a schema or a map to { ... }"])
      infer(args[1].value, scope)
      infer(args[2].value, scope)
      return fresh()
    }
    guard let (table, _) = literal(args[1].value, scope), let (query, base) = literal(args[2].value, scope) else {
      return fresh()
    }
    guard let typer = Checker.sqlTyper else { return .stream(fresh()) }
    switch typer(query, table, columns) {
    case .columns(let out):
      // Every SQL value may be NULL, so every field is optional, except a
      // changelog's `rowKind` (its type name ends with `!`).
      let fields: [(String, Type)] = out.map { c in
        c.type.hasSuffix("!") ? (c.name, .con(String(c.type.dropLast()), [])) : (c.name, .optional(.con(c.type, [])))
      }
      return .stream(.record(fields, tail: nil))
    case .problems(let ps):
      let lit = args[2].value.span
      for p in ps {
        // Offsets map into the script when the literal holds no escapes.
        let span = base.map { Span(fileID: lit.fileID, start: $0 + p.start, end: $0 + max(p.end, p.start + 1)) } ?? lit
        error(p.code, p.message, at: span, notes: p.notes)
      }
      return fresh()
    }
  }

  /// The text of a plain string literal argument, and the source offset of
  /// its first character when the text is written without escapes.
  private func literal(_ x: Expr, _ scope: Scope) -> (String, Int?)? {
    check(x, .string, scope)
    guard case .string(let parts) = x.kind, parts.count <= 1 else {
      error("E0303", "the table name and query of 'sql' must be string literals (no interpolation)", at: x.span)
      return nil
    }
    var text = ""
    if case .text(let t)? = parts.first { text = t }
    let n = text.utf8.count, len = x.span.end - x.span.start
    let base: Int? = len == n + 2 ? x.span.start + 1 : (len == n + 6 ? x.span.start + 3 : nil)
    return (text, base)
  }
}
