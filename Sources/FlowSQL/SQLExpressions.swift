import Foundation
import FlowSyntax
import FlowRuntime

/// A bound and compiled SQL expression: its type and a closure from the
/// input row (a record) to the value.
struct Typed {
  var type: SQLType
  var eval: (Value) throws -> Value
  /// Input columns it reads (for projection pruning in the optimizer).
  var reads: Set<String>
  /// True when it reads no column and calls nothing that varies.
  var isConstant: Bool
  var span: Span

  static func constant(_ v: Value, _ type: SQLType, _ span: Span) -> Typed {
    Typed(type: type, eval: { _ in v }, reads: [], isConstant: true, span: span)
  }
}

/// A column visible to expressions: its name, type, slot in the row record
/// and the names that may qualify it (table name, alias).
struct SQLColumn {
  var name: String
  var type: SQLType
  var qualifiers: Set<String>
}

/// Binds expressions against the columns of one relation. In an aggregate
/// query, `aggregate` is set and expressions are evaluated on the
/// aggregation's output row instead (group keys, window bounds, results).
final class ExprBinder {
  let columns: [SQLColumn]
  let diagnostics: DiagnosticSink
  var aggregate: AggregateScope?
  /// Functions declared with CREATE FUNCTION, by upper-cased name.
  var functions: [String: SQLUserFunction] = [:]
  /// A location for runtime errors, `file:line:col` of the expression.
  let locate: (Span) -> String

  init(columns: [SQLColumn], diagnostics: DiagnosticSink, locate: @escaping (Span) -> String) {
    self.columns = columns
    self.diagnostics = diagnostics
    self.locate = locate
  }

  func error(_ code: String, _ message: String, _ span: Span, label: String? = nil, notes: [String] = []) -> Typed {
    diagnostics.add(.error(code, message, at: span, label: label, notes: notes))
    // NULL fits every context, so one mistake is reported once.
    return .constant(.null, .null, span)
  }

  /// The slot of a column reference, or a diagnostic.
  func resolve(_ qualifier: String?, _ name: String, _ span: Span) -> Int? {
    let matches = columns.indices.filter { i in
      columns[i].name == name && (qualifier.map { columns[i].qualifiers.contains($0) } ?? true)
    }
    if matches.count == 1 { return matches[0] }
    if matches.count > 1 {
      diagnostics.add(.error("E0803", "column '\(name)' is ambiguous", at: span, notes: ["help: qualify it with its table's name or alias"]))
      return nil
    }
    if let q = qualifier, !columns.contains(where: { $0.qualifiers.contains(q) }) {
      let quals = Set(columns.flatMap(\.qualifiers)).sorted()
      var notes = ["note: the tables in scope are: \(quals.joined(separator: ", "))"]
      if let m = closestMatch(to: q, in: quals) { notes.insert("help: did you mean '\(m)'?", at: 0) }
      diagnostics.add(.error("E0803", "unknown table or alias '\(q)'", at: span, notes: notes))
      return nil
    }
    // Identifiers are case-sensitive in Flink SQL; a case-only difference gets its own hint.
    let names = columns.map(\.name)
    var notes = ["note: available columns: \(names.joined(separator: ", "))"]
    if let exact = names.first(where: { $0.lowercased() == name.lowercased() }) {
      notes.insert("help: names are case-sensitive; did you mean '\(exact)'?", at: 0)
    } else if let m = closestMatch(to: name, in: names) {
      notes.insert("help: did you mean '\(m)'?", at: 0)
    }
    diagnostics.add(.error("E0803", "unknown column '\(name)'", at: span, label: "not a column of \(qualifier ?? "the input")", notes: notes))
    return nil
  }

  func column(_ slot: Int, _ span: Span) -> Typed {
    let name = columns[slot].name
    return Typed(type: columns[slot].type, eval: { row in
      if case .record(let r) = row, slot < r.values.count { return r.values[slot] }
      return .null
    }, reads: [name], isConstant: false, span: span)
  }

  /// Binds some expressions itself first (MATCH_RECOGNIZE's navigation:
  /// `A.price`, `LAST(A.price)`, `PREV(price)`), or nil to bind as usual.
  var intercept: ((SQLExpr) -> Typed?)?

  func bind(_ e: SQLExpr) -> Typed {
    if let i = intercept, let t = i(e) { return t }
    if let agg = aggregate, let t = agg.lookup(e, binder: self) { return t }
    switch e.kind {
    case .column(let q, let name):
      if let agg = aggregate {
        // Any column left here is neither grouped nor inside an aggregate.
        guard resolve(q, name, e.span) != nil else { return .constant(.null, .null, e.span) }
        return error("E0807", "column '\(name)' must appear in GROUP BY or be used in an aggregate function", e.span,
                     notes: ["help: add it to GROUP BY, or aggregate it: MAX(\(name)), COUNT(\(name)), ..."] + (agg.windowed ? [] : []))
      }
      guard let slot = resolve(q, name, e.span) else { return .constant(.null, .null, e.span) }
      return column(slot, e.span)
    case .literal(let v, let t):
      return .constant(v, t, e.span)
    case .unary(let op, let x):
      let a = bind(x)
      if op == "NOT" {
        guard expect(a, [.boolean], "NOT") else { return .constant(.null, .null, e.span) }
        let f = a.eval
        return Typed(type: .boolean, eval: { row in
          if case .bool(let b) = try f(row) { return .bool(!b) }
          return .null
        }, reads: a.reads, isConstant: a.isConstant, span: e.span)
      }
      guard a.type.isNumeric || a.type == .interval else {
        return error("E0804", "cannot negate a value of type \(a.type)", e.span, notes: ["help: '-' applies to numbers and intervals"])
      }
      let f = a.eval, loc = locate(e.span)
      return Typed(type: a.type, eval: { row in
        switch try f(row) {
        case .int(let i):
          guard i != Int64.min else { throw RuntimeError("integer overflow in -(\(i))", at: loc) }
          return .int(-i)
        case .float(let d): return .float(-d)
        case .duration(let d): return .duration(-d)
        default: return .null
        }
      }, reads: a.reads, isConstant: a.isConstant, span: e.span)
    case .binary(let op, let l, let r):
      return bindBinary(op, bind(l), bind(r), e.span)
    case .isNull(let x, let neg):
      let a = bind(x), f = a.eval
      return Typed(type: .boolean, eval: { row in
        if case .null = try f(row) { return .bool(!neg) }
        return .bool(neg)
      }, reads: a.reads, isConstant: a.isConstant, span: e.span)
    case .isBool(let x, let want, let neg):
      let a = bind(x)
      guard expect(a, [.boolean], "IS \(want ? "TRUE" : "FALSE")") else { return .constant(.null, .null, e.span) }
      let f = a.eval
      return Typed(type: .boolean, eval: { row in
        if case .bool(let b) = try f(row) { return .bool((b == want) != neg) }
        return .bool(neg)
      }, reads: a.reads, isConstant: a.isConstant, span: e.span)
    case .between(let x, let lo, let hi, let neg):
      let a = bind(x)
      let ge = bindBinary(">=", a, bind(lo), e.span), le = bindBinary("<=", a, bind(hi), e.span)
      let both = bindBinary("AND", ge, le, e.span)
      return neg ? notOf(both) : both
    case .inList(let x, let items, let neg):
      let a = bind(x)
      var any: Typed?
      for item in items {
        let eq = bindBinary("=", a, bind(item), item.span)
        any = any.map { bindBinary("OR", $0, eq, e.span) } ?? eq
      }
      guard let result = any else { return .constant(.null, .null, e.span) }
      return neg ? notOf(result) : result
    case .like(let x, let p, let neg):
      let a = bind(x), b = bind(p)
      guard expect(a, [.string], "LIKE"), expect(b, [.string], "LIKE") else { return .constant(.null, .null, e.span) }
      let f = a.eval, g = b.eval
      var cache: (String, [Character])?
      return Typed(type: .boolean, eval: { row in
        guard case .string(let s) = try f(row), case .string(let pat) = try g(row) else { return .null }
        let compiled: [Character]
        if let c = cache, c.0 == pat { compiled = c.1 } else { compiled = Array(pat); cache = (pat, compiled) }
        return .bool(likeMatch(Array(s), compiled) != neg)
      }, reads: a.reads.union(b.reads), isConstant: a.isConstant && b.isConstant, span: e.span)
    case .caseWhen(let operand, let whens, let elseExpr):
      return bindCase(operand, whens, elseExpr, e.span)
    case .cast(let x, let typeName):
      let a = bind(x)
      guard let target = SQLType.named(typeName.name) else {
        return error("E0805", "CAST to \(typeName.name) is not supported", typeName.span, notes: ["help: cast to BIGINT, INT, DOUBLE, DECIMAL, STRING, VARCHAR, BOOLEAN or TIMESTAMP(3)"])
      }
      return castTo(a, target, e.span)
    case .call(let name, let args, let distinct, let star, let filter):
      let upper = name.uppercased()
      if SQLAggregateKind(rawValue: upper) != nil {
        if aggregate == nil {
          return error("E0805", "aggregate function \(upper) is not allowed here", e.span, notes: ["help: aggregates belong in SELECT or HAVING of a query with GROUP BY, not in WHERE, GROUP BY or inside another aggregate"])
        }
        return error("E0805", "aggregate function \(upper) is not allowed here", e.span)
      }
      if distinct || star || filter != nil {
        return error("E0805", "\(distinct ? "DISTINCT" : star ? "*" : "FILTER") is only allowed in aggregate functions (COUNT, SUM, MIN, MAX, AVG)", e.span)
      }
      return bindFunction(upper, name, args.map { bind($0) }, e.span)
    case .unsupported(let what, let hint):
      return error("E0805", "\(what) is not supported", e.span, notes: ["help: \(hint)"])
    case .rowNumber, .overAggregate:
      return error("E0805", "OVER (...) is only supported on a column of a SELECT list without GROUP BY", e.span,
                   notes: ["help: select it with an alias in a subquery and filter on it outside: SELECT * FROM (SELECT *, ROW_NUMBER() OVER (...) AS rn FROM t) WHERE rn <= 3"])
    }
  }

  /// Reports a type error unless `a` has one of the types (NULL always fits).
  func expect(_ a: Typed, _ types: [SQLType], _ context: String) -> Bool {
    if a.type == .null || types.contains(a.type) { return true }
    if types.contains(.double) && a.type == .bigint { return true }
    let want = types.map(\.description).joined(separator: " or ")
    diagnostics.add(.error("E0804", "\(context) expects \(want), found \(a.type)", at: a.span, label: "this is \(a.type)"))
    return false
  }

  func notOf(_ a: Typed) -> Typed {
    let f = a.eval
    return Typed(type: .boolean, eval: { row in
      if case .bool(let b) = try f(row) { return .bool(!b) }
      return .null
    }, reads: a.reads, isConstant: a.isConstant, span: a.span)
  }

  func bindBinary(_ op: String, _ a: Typed, _ b: Typed, _ span: Span) -> Typed {
    let f = a.eval, g = b.eval, loc = locate(span)
    let reads = a.reads.union(b.reads), constant = a.isConstant && b.isConstant
    func make(_ type: SQLType, _ body: @escaping (Value, Value) throws -> Value) -> Typed {
      Typed(type: type, eval: { row in try body(try f(row), try g(row)) }, reads: reads, isConstant: constant, span: span)
    }
    switch op {
    case "AND", "OR":
      guard expect(a, [.boolean], op), expect(b, [.boolean], op) else { return .constant(.null, .null, span) }
      let isAnd = op == "AND"
      // Three-valued logic; the right side is evaluated only when it matters.
      return Typed(type: .boolean, eval: { row in
        let x = try f(row)
        if case .bool(let p) = x, p != isAnd { return x }
        let y = try g(row)
        if case .bool(let q) = y, q != isAnd { return y }
        if case .null = x { return .null }
        if case .null = y { return .null }
        return .bool(isAnd)
      }, reads: reads, isConstant: constant, span: span)
    case "=", "<>", "<", "<=", ">", ">=":
      guard SQLType.common(a.type, b.type) != nil else {
        return error("E0804", "cannot compare \(a.type) with \(b.type)", span, notes: ["help: CAST one side, e.g. CAST(x AS \(a.type))"])
      }
      return make(.boolean) { x, y in
        if case .null = x { return .null }
        if case .null = y { return .null }
        let c = compareValues(x, y)
        switch op {
        case "=": return .bool(c == 0)
        case "<>": return .bool(c != 0)
        case "<": return .bool(c < 0)
        case "<=": return .bool(c <= 0)
        case ">": return .bool(c > 0)
        default: return .bool(c >= 0)
        }
      }
    case "||":
      guard expect(a, [.string], "||"), expect(b, [.string], "||") else { return .constant(.null, .null, span) }
      return make(.string) { x, y in
        guard case .string(let s) = x, case .string(let t) = y else { return .null }
        return .string(s + t)
      }
    default:
      // + - * / %: numbers, and TIMESTAMP ± INTERVAL.
      if (a.type == .timestamp || a.type == .interval) && (op == "+" || op == "-") {
        let resultType: SQLType
        switch (a.type, b.type, op) {
        case (.timestamp, .interval, _), (.timestamp, .null, _): resultType = .timestamp
        case (.interval, .interval, _), (.interval, .null, _): resultType = .interval
        case (.interval, .timestamp, "+"): resultType = .timestamp
        default:
          return error("E0804", "cannot apply '\(op)' to \(a.type) and \(b.type)", span, notes: ["help: add or subtract an INTERVAL, e.g. ts - INTERVAL '5' SECOND"])
        }
        return make(resultType) { x, y in
          switch (x, y) {
          case let (.time(t), .duration(d)): return .time(op == "+" ? t &+ d : t &- d)
          case let (.duration(d), .time(t)): return .time(t &+ d)
          case let (.duration(p), .duration(q)): return .duration(op == "+" ? p &+ q : p &- q)
          default: return .null
          }
        }
      }
      if a.type == .interval || b.type == .interval || a.type == .timestamp || b.type == .timestamp || !a.type.isNumeric || !b.type.isNumeric {
        let bad = !a.type.isNumeric ? a : b
        return error("E0804", "'\(op)' expects numbers, found \(a.type) \(op) \(b.type)", bad.span, label: "this is \(bad.type)",
                     notes: bad.type == .string && op == "+" ? ["help: concatenate strings with || or CONCAT(a, b)"] : ["help: CAST it to a number first"])
      }
      let type: SQLType = a.type == .double || b.type == .double ? .double : (a.type == .null && b.type == .null ? .null : (a.type == .null ? b.type : (b.type == .null ? a.type : .bigint)))
      return make(type) { x, y in try arithmetic(op, x, y, loc) }
    }
  }

  func bindCase(_ operand: SQLExpr?, _ whens: [(SQLExpr, SQLExpr)], _ elseExpr: SQLExpr?, _ span: Span) -> Typed {
    let op = operand.map { bind($0) }
    var conds: [Typed] = []
    var results: [Typed] = []
    for (c, r) in whens {
      let bc = bind(c)
      if let o = op {
        conds.append(bindBinary("=", o, bc, c.span))
      } else {
        _ = expect(bc, [.boolean], "WHEN")
        conds.append(bc)
      }
      results.append(bind(r))
    }
    let elseT = elseExpr.map { bind($0) } ?? .constant(.null, .null, span)
    var type = SQLType.null
    for r in results + [elseT] {
      guard let t = SQLType.common(type, r.type) else {
        return error("E0804", "CASE branches have different types: \(type) and \(r.type)", r.span, label: "this is \(r.type)", notes: ["help: CAST the branches to one type"])
      }
      type = t
    }
    let cs = conds.map(\.eval)
    let rs = results.map { coerce($0, to: type).eval }
    let el = coerce(elseT, to: type).eval
    var reads = elseT.reads
    for t in conds + results { reads.formUnion(t.reads) }
    return Typed(type: type, eval: { row in
      for i in 0..<cs.count {
        if case .bool(true) = try cs[i](row) { return try rs[i](row) }
      }
      return try el(row)
    }, reads: reads, isConstant: false, span: span)
  }

  /// BIGINT into DOUBLE where a DOUBLE is expected; other types unchanged.
  func coerce(_ a: Typed, to type: SQLType) -> Typed {
    guard type == .double, a.type == .bigint else { return a }
    let f = a.eval
    var out = a
    out.type = .double
    out.eval = { row in
      if case .int(let i) = try f(row) { return .float(Double(i)) }
      return try f(row)
    }
    return out
  }

  func castTo(_ a: Typed, _ target: SQLType, _ span: Span) -> Typed {
    let f = a.eval, loc = locate(span), from = a.type
    let allowed: Bool
    switch (from, target) {
    case (.null, _), (_, .string): allowed = true
    case (.bigint, .bigint), (.bigint, .double), (.double, .bigint), (.double, .double): allowed = true
    case (.string, _): allowed = true
    case (.boolean, .boolean), (.bigint, .boolean), (.boolean, .bigint): allowed = true
    case (.timestamp, .timestamp), (.bigint, .timestamp), (.timestamp, .bigint): allowed = true
    default: allowed = false
    }
    guard allowed else { return error("E0804", "cannot CAST \(from) to \(target)", span) }
    return Typed(type: target, eval: { row in
      let v = try f(row)
      if case .null = v { return .null }
      switch (v, target) {
      case (_, .string): return .string(sqlString(v))
      case (.int(let i), .double): return .float(Double(i))
      case (.float(let d), .bigint):
        guard d.isFinite, abs(d) < 9.2e18 else { throw RuntimeError("CAST(\(d) AS BIGINT): out of range", at: loc) }
        return .int(Int64(d))
      case (.int(let i), .boolean): return .bool(i != 0)
      case (.bool(let b), .bigint): return .int(b ? 1 : 0)
      case (.int(let i), .timestamp): return .time(i)
      case (.time(let t), .bigint): return .int(t)
      case (.string(let s), _):
        let t = s.trimmingCharactersSpaces()
        switch target {
        case .bigint: if let i = Int64(t) { return .int(i) }
        case .double: if let d = Double(t) { return .float(d) }
        case .boolean:
          if t.lowercased() == "true" { return .bool(true) }
          if t.lowercased() == "false" { return .bool(false) }
        case .timestamp: if let ms = parseSQLTimestamp(t) { return .time(ms) }
        default: break
        }
        throw RuntimeError("CAST('\(s)' AS \(target)): not a valid \(target)", at: loc)
      default: return v
      }
    }, reads: a.reads, isConstant: a.isConstant, span: span)
  }
}

/// Receives diagnostics from every stage of one SQL compilation.
final class DiagnosticSink {
  var items: [Diagnostic] = []
  func add(_ d: Diagnostic) { items.append(d) }
  var hasErrors: Bool { errorCount > 0 }
  var errorCount: Int { items.reduce(0) { $0 + ($1.severity == .error ? 1 : 0) } }
}

func arithmetic(_ op: String, _ x: Value, _ y: Value, _ loc: String) throws -> Value {
  switch (x, y) {
  case let (.int(p), .int(q)):
    let r: (Int64, Bool)
    switch op {
    case "+": r = p.addingReportingOverflow(q)
    case "-": r = p.subtractingReportingOverflow(q)
    case "*": r = p.multipliedReportingOverflow(by: q)
    case "/":
      guard q != 0 else { throw RuntimeError("division by zero", at: loc) }
      r = p.dividedReportingOverflow(by: q)
    default:
      guard q != 0 else { throw RuntimeError("division by zero (MOD/% by 0)", at: loc) }
      r = p.remainderReportingOverflow(dividingBy: q)
    }
    if r.1 { throw RuntimeError("integer overflow in \(p) \(op) \(q)", at: loc) }
    return .int(r.0)
  case (.null, _), (_, .null): return .null
  default:
    guard let p = numeric(x), let q = numeric(y) else { return .null }
    switch op {
    case "+": return .float(p + q)
    case "-": return .float(p - q)
    case "*": return .float(p * q)
    case "/":
      guard q != 0 else { throw RuntimeError("division by zero", at: loc) }
      return .float(p / q)
    default:
      guard q != 0 else { throw RuntimeError("division by zero (MOD/% by 0)", at: loc) }
      return .float(fmod(p, q))
    }
  }
}

func numeric(_ v: Value) -> Double? {
  switch v {
  case .int(let i): return Double(i)
  case .float(let d): return d
  default: return nil
  }
}

/// A value as CAST(... AS STRING) and CONCAT write it.
func sqlString(_ v: Value) -> String {
  switch v {
  case .string(let s): return s
  case .int(let i): return String(i)
  case .float(let d): return d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : "\(d)"
  case .bool(let b): return b ? "TRUE" : "FALSE"
  case .time(let t): return formatSQLTimestamp(t)
  case .duration(let d): return "\(d) ms"
  case .null: return "NULL"
  default: return "\(v)"
  }
}

/// `yyyy-MM-dd HH:mm:ss.SSS`, as Flink prints a TIMESTAMP(3).
func formatSQLTimestamp(_ ms: Int64) -> String { formatDate(ms, pattern: parseDatePattern("yyyy-MM-dd HH:mm:ss.SSS")) }

/// SQL LIKE: `%` any run, `_` one character (no ESCAPE clause).
func likeMatch(_ s: [Character], _ p: [Character]) -> Bool {
  var si = 0, pi = 0
  var star = -1, mark = 0
  while si < s.count {
    if pi < p.count && (p[pi] == "_" || p[pi] == s[si]) {
      si += 1; pi += 1
    } else if pi < p.count && p[pi] == "%" {
      star = pi; mark = si; pi += 1
    } else if star >= 0 {
      pi = star + 1; mark += 1; si = mark
    } else {
      return false
    }
  }
  while pi < p.count && p[pi] == "%" { pi += 1 }
  return pi == p.count
}
