import FlowSyntax
import FlowSema
import FlowRuntime

/// What a name stands for while translating an expression: an event whose
/// fields are SQL expressions, or one SQL expression.
enum SQLBinding {
  /// Fields by path: `price`, or `left.price` for a join's nested records.
  case row([String: String])
  case value(String)
  /// `split(s, d)` bound by a `let`: only indexing it translates
  /// (`SPLIT_INDEX`).
  case split(String, String)
}

/// Translates checked Flow expressions to Flink SQL expressions: literals,
/// field access, arithmetic, comparisons, boolean operators, `??`,
/// `if`/`then`/`else` (CASE), blocks of `let`s, calls of the user's own
/// functions (inlined) and of the string and number built-ins listed in
/// Language/flink.md. Anything else is refused, with the operator and the
/// script position of the offending expression.
struct FlinkExpressionTranslator {
  let lowering: Lowering
  let checker: Checker
  /// The operator whose function is being translated, for refusals.
  let operatorName: String
  var depth = 0

  init(lowering: Lowering, operatorName: String) {
    self.lowering = lowering
    self.checker = lowering.checker
    self.operatorName = operatorName
  }

  func refuse(_ e: Expr, _ reason: String) -> FlinkRefusal {
    FlinkRefusal(operatorName: operatorName, location: lowering.location(e.span), reason: reason)
  }

  /// The Flow type of an expression as a column type (`Int`, `String?`),
  /// or nil when it is not one Flink SQL has.
  func columnType(_ e: Expr) -> String? {
    guard let t = checker.exprTypes[e.id] else { return nil }
    return Self.columnType(t)
  }

  static func columnType(_ t: Type) -> String? {
    switch t.resolved {
    case .con(let name, let args) where args.isEmpty && FlinkColumn.sqlType(name) != nil: return name
    case .optional(let inner):
      guard let s = columnType(inner), !s.hasSuffix("?") else { return nil }
      return s + "?"
    default: return nil
    }
  }

  func isType(_ e: Expr, _ name: String) -> Bool {
    guard let t = columnType(e) else { return false }
    return t == name || t == name + "?"
  }

  /// The SQL for `e` with the given names in scope.
  func sql(_ e: Expr, _ env: [String: SQLBinding]) throws -> String {
    switch e.kind {
    case .int(let v):
      if isType(e, "Float") { return floatLiteral(Double(v)) }
      return v > Int64(Int32.max) || v < Int64(Int32.min) ? "CAST(\(v) AS BIGINT)" : "\(v)"
    case .float(let v): return floatLiteral(v)
    case .bool(let b): return b ? "TRUE" : "FALSE"
    case .null: return "NULL"
    case .string(let parts):
      var pieces: [String] = []
      for p in parts {
        switch p {
        case .text(let t): pieces.append(sqlString(t))
        case .expr(let x):
          let inner = try sql(x, env)
          pieces.append(isType(x, "String") ? inner : "CAST(\(inner) AS STRING)")
        }
      }
      if pieces.isEmpty { return "''" }
      return pieces.count == 1 ? pieces[0] : "(" + pieces.joined(separator: " || ") + ")"
    case .time(let ms):
      return "TIMESTAMP '\(sqlTimestamp(ms))'"
    case .name(let n):
      if let b = env[n] {
        if case .value(let s) = b { return s }
        throw refuse(e, "the event '\(n)' is used as a whole; only its fields (\(n).field) translate to SQL columns")
      }
      if case .value(let sym)? = checker.references[e.id], sym.module != nil {
        // A top-level constant of the script: its value is known now.
        let v = try lowering.globalValue(sym)
        if let lit = literal(v) { return lit }
        throw refuse(e, "'\(n)' is not a number, string, boolean or time constant")
      }
      throw refuse(e, "'\(n)' has no SQL counterpart here")
    case .field, .optionalField, .tupleIndex:
      if let (fields, key) = columnPath(e, env) {
        if let s = fields[key] { return s }
        throw refuse(e, "'\(key)' is not a column of the input (whole nested records do not translate, only their fields)")
      }
      throw refuse(e, "only fields of the operator's event translate")
    case .index(let list, let i):
      if let (fields, key) = columnPath(e, env), let s = fields[key] { return s }
      // `split(s, d)[i]` (or a `let` bound to `split(s, d)`), a String?:
      // Flink's SPLIT_INDEX, also NULL past the last part.
      let index = try sql(i, env)
      if case .name(let n) = list.kind, case .split(let str, let d)? = env[n] {
        return "SPLIT_INDEX(\(str), \(d), CAST(\(index) AS INT))"
      }
      if let (str, d) = try splitCall(list, env) {
        return "SPLIT_INDEX(\(str), \(d), CAST(\(index) AS INT))"
      }
      throw refuse(e, "indexing translates only for split(s, d)[i]")
    case .unary(.neg, let x): return "(-\(try sql(x, env)))"
    case .unary(.not, let x): return "(NOT \(try sql(x, env)))"
    case .binary(let op, let l, let r):
      let a = try sql(l, env), b = try sql(r, env)
      switch op {
      case .add:
        if isType(l, "String") { return "(\(a) || \(b))" }
        if isType(l, "Time") || isType(r, "Time") { throw refuse(e, "time arithmetic does not translate yet") }
        return "(\(a) + \(b))"
      case .sub:
        if isType(l, "Time") || isType(r, "Time") { throw refuse(e, "time arithmetic does not translate yet") }
        return "(\(a) - \(b))"
      case .mul: return "(\(a) * \(b))"
      // Flink's `/` on BIGINTs truncates toward zero, as Flow's Int division does.
      case .div: return "(\(a) / \(b))"
      case .mod: return "MOD(\(a), \(b))"
      case .eq: return "(\(a) = \(b))"
      case .ne: return "(\(a) <> \(b))"
      case .lt: return "(\(a) < \(b))"
      case .le: return "(\(a) <= \(b))"
      case .gt: return "(\(a) > \(b))"
      case .ge: return "(\(a) >= \(b))"
      case .and: return "(\(a) AND \(b))"
      case .or: return "(\(a) OR \(b))"
      case .coalesce: return "COALESCE(\(a), \(b))"
      }
    case .ifThen(let c, let a, let b):
      return "CASE WHEN \(try sql(c, env)) THEN \(try sql(a, env)) ELSE \(try sql(b, env)) END"
    case .block(let lets, let result):
      var inner = env
      for l in lets {
        guard case .bind(let n) = l.pattern.kind else { throw refuse(l.value, "only simple `let name = ...` translates") }
        inner[n] = try bind(l.value, inner)
      }
      return try sql(result, inner)
    case .call, .pipe:
      return try call(e, env)
    case .record:
      throw refuse(e, "a record translates only as the whole result of a map (its columns)")
    case .match(let scrutinee, let arms):
      let cases = try matchArms(scrutinee, arms, env)
      var out = "CASE"
      for c in cases {
        let body = try sql(c.body, c.env)
        if let cond = c.condition {
          out += " WHEN \(cond) THEN \(body)"
        } else {
          out += " ELSE \(body)"
        }
      }
      return out + " END"
    case .lambda: throw refuse(e, "functions inside the function do not translate to SQL")
    case .list, .map, .tuple:
      throw refuse(e, "lists, maps and tuples have no SQL column counterpart")
    case .duration: throw refuse(e, "durations outside window sizes do not translate yet")
    default:
      throw refuse(e, "this expression does not translate to SQL")
    }
  }

  /// The arms of a `match` as SQL conditions (nil: matches anything), each
  /// with its bindings. Patterns: `null`, literals, `_` and a name; guards.
  func matchArms(_ scrutinee: Expr, _ arms: [MatchArm], _ env: [String: SQLBinding]) throws -> [(condition: String?, env: [String: SQLBinding], body: Expr)] {
    // An event matched whole keeps its fields.
    var whole: SQLBinding? = nil
    if case .name(let n) = scrutinee.kind, case .row? = env[n] { whole = env[n] }
    let scr = whole == nil ? try sql(scrutinee, env) : ""
    var out: [(condition: String?, env: [String: SQLBinding], body: Expr)] = []
    for arm in arms {
      var armEnv = env
      var cond: String?
      switch arm.pattern.kind {
      case .wildcard: cond = nil
      case .bind(let n): armEnv[n] = whole ?? .value(scr); cond = nil
      case .null where whole == nil: cond = "(\(scr) IS NULL)"
      case .literal(let lit) where whole == nil: cond = "(\(scr) = \(try sql(lit, env)))"
      default:
        throw refuse(arm.body, "only `null`, literal, `_` and name patterns translate to SQL (as CASE)")
      }
      if let g = arm.guardExpr {
        let gs = try sql(g, armEnv)
        cond = cond.map { "(\($0) AND \(gs))" } ?? gs
      }
      out.append((cond, armEnv, arm.body))
      if cond == nil { break }
    }
    return out
  }

  /// The columns of the event an expression reads and the path within it:
  /// `b.price` (`price`), `j.left.price` on a join's nested records
  /// (`left.price`), `r.key.0` of a tuple key (`key.0`), `j.right?.amount`
  /// (NULL when there is no right), and on a pattern's match `m.p[0]?.f`
  /// (`p.first.f`), `reverse(m.p)[0]?.f` (`p.last.f`).
  func columnPath(_ e: Expr, _ env: [String: SQLBinding]) -> ([String: String], String)? {
    switch e.kind {
    case .name(let n):
      if case .row(let fields)? = env[n] { return (fields, "") }
      return nil
    case .field(let base, let name), .optionalField(let base, let name):
      guard let (f, p) = columnPath(base, env) else { return nil }
      return (f, p.isEmpty ? name.text : p + "." + name.text)
    case .tupleIndex(let base, let i):
      guard let (f, p) = columnPath(base, env) else { return nil }
      return (f, p.isEmpty ? "\(i)" : p + ".\(i)")
    case .index(let list, let i):
      guard case .int(0) = i.kind else { return nil }
      var base = list, end = "first"
      if case .call(let callee, let args) = list.kind, case .name("reverse") = callee.kind, args.count == 1 {
        base = args[0].value
        end = "last"
      }
      guard let (f, p) = columnPath(base, env), f[p + ".count"] != nil else { return nil }
      return (f, p + "." + end)
    default:
      return nil
    }
  }

  /// What a `let` binds: a split list stays symbolic for indexing.
  func bind(_ value: Expr, _ env: [String: SQLBinding]) throws -> SQLBinding {
    if let (s, d) = try splitCall(value, env) { return .split(s, d) }
    return .value(try sql(value, env))
  }

  /// The string and delimiter of a `split(s, d)` call.
  func splitCall(_ e: Expr, _ env: [String: SQLBinding]) throws -> (String, String)? {
    guard case .call = e.kind, let c = checker.calls[e.id], c.function.isExtern, c.function.name == "split",
          c.arguments.count == 2, let s = c.arguments[0], let d = c.arguments[1], isType(s, "String") else { return nil }
    return (try sql(s, env), try sql(d, env))
  }

  func floatLiteral(_ v: Double) -> String {
    var s = v.description
    if s.contains("e") {
      s = s.replacingOccurrences(of: "e+", with: "E").replacingOccurrences(of: "e", with: "E")
      return s.contains(".") || s.hasPrefix("-") ? s : s
    }
    return s + "E0"
  }

  func literal(_ v: Value) -> String? {
    switch v {
    case .int(let i): return "\(i)"
    case .float(let d): return floatLiteral(d)
    case .bool(let b): return b ? "TRUE" : "FALSE"
    case .string(let s): return sqlString(s)
    case .time(let ms): return "TIMESTAMP '\(sqlTimestamp(ms))'"
    default: return nil
    }
  }

  /// A call of a built-in with a SQL counterpart, or of the user's own
  /// function, inlined (its parameters bound to the argument's SQL).
  func call(_ e: Expr, _ env: [String: SQLBinding]) throws -> String {
    guard let resolved = checker.calls[e.id] else {
      if case .call(let callee, _) = e.kind, case .constructor? = checker.references[callee.id] {
        throw refuse(e, "values of sum types (constructors) have no SQL column counterpart")
      }
      throw refuse(e, "only calls of named functions translate")
    }
    let f = resolved.function
    var args: [Expr] = []
    for (i, a) in resolved.arguments.enumerated() {
      if let a { args.append(a) } else if let d = f.defaults[i] { args.append(d) } else {
        throw refuse(e, "a missing argument of '\(f.name)'")
      }
    }
    if f.isExtern {
      return try builtin(f.name, args, e, env)
    }
    guard let body = f.decl.body else { throw refuse(e, "'\(f.name)' has no body") }
    guard depth < 16 else { throw refuse(e, "'\(f.name)' calls itself too deeply to inline into SQL") }
    var inner: [String: SQLBinding] = [:]
    for (p, a) in zip(f.decl.params, args) {
      guard case .bind(let n) = p.pattern.kind else { throw refuse(e, "parameter patterns of '\(f.name)' do not translate") }
      // An event passed on whole keeps its fields.
      if case .name(let an) = a.kind, case .row(let fields)? = env[an] {
        inner[n] = .row(fields)
      } else {
        inner[n] = .value(try sql(a, env))
      }
    }
    var sub = self
    sub.depth += 1
    do {
      return try sub.sql(body, inner)
    } catch let r as FlinkRefusal {
      throw FlinkRefusal(operatorName: operatorName, location: r.location, reason: r.reason + " (in '\(f.name)', called at \(lowering.location(e.span)))")
    }
  }
}
