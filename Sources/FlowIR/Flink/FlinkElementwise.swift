import FlowSyntax
import FlowSema
import FlowRuntime

/// Element-wise operators: `map` (a SELECT list), `flatMap` of list
/// literals (filtered SELECTs), `filter` (WHERE).
extension FlinkPlanCompiler {
  mutating func map(_ n: PlanNode, _ f: FunctionValue, _ input: Rel) throws -> Rel {
    let syntax = try lambdaSyntax(f, n, "function")
    let t = FlinkExpressionTranslator(lowering: lowering, operatorName: operatorName(n))
    let (select, columns, scalar) = try selectList(syntax.body, try env(syntax, input, n), t)
    var r = Rel(name: "", columns: columns, scalar: scalar, rowtime: input.rowtime)
    r.name = define(n, "map", "SELECT \(select.joined(separator: ", "))\(hidden(r))\nFROM \(quote(input.name))")
    return r
  }

  /// The SELECT list for a function's result: a record's fields as
  /// columns, or one column `value`.
  func selectList(_ expr: Expr, _ env: [String: SQLBinding], _ t: FlinkExpressionTranslator) throws -> ([String], [FlinkColumn], Bool) {
    var scope = env
    var body = expr
    // `x => { let a = ...; { ... } }`: the lets are in scope of the record.
    while case .block(let lets, let result) = body.kind {
      for l in lets {
        guard case .bind(let name) = l.pattern.kind else { throw t.refuse(l.value, "only simple `let name = ...` translates") }
        scope[name] = try t.bind(l.value, scope)
      }
      body = result
    }
    var select: [String] = []
    var columns: [FlinkColumn] = []
    if case .record(let inits) = body.kind {
      for i in inits {
        guard let type = t.columnType(i.value) else {
          throw t.refuse(i.value, "field '\(i.name.text)' has type \(lowering.checker.typeString(ofExpr: i.value.id)), which has no Flink SQL column type")
        }
        select.append("\(try t.sql(i.value, scope)) AS \(quote(i.name.text))")
        columns.append(FlinkColumn(name: i.name.text, type: type))
      }
      return (select, columns, false)
    }
    guard let type = t.columnType(body) else {
      throw t.refuse(body, "the result type \(lowering.checker.typeString(ofExpr: body.id)) has no Flink SQL column type")
    }
    return (["\(try t.sql(body, scope)) AS \(quote("value"))"], [FlinkColumn(name: "value", type: type)], true)
  }

  /// `flatMap` whose function returns list literals, possibly chosen by
  /// `if` or `match`: each element is a SELECT of the input under the
  /// conditions that lead to it, and the elements are a UNION ALL (one
  /// element keeps the input's order; several interleave differently from
  /// Flow, which emits each event's list in order).
  mutating func flatMap(_ n: PlanNode, _ f: FunctionValue, _ input: Rel) throws -> Rel {
    let syntax = try lambdaSyntax(f, n, "function")
    let t = FlinkExpressionTranslator(lowering: lowering, operatorName: operatorName(n))
    var elements: [(conds: [String], env: [String: SQLBinding], expr: Expr)] = []
    func collect(_ e: Expr, _ env: [String: SQLBinding], _ conds: [String]) throws {
      switch e.kind {
      case .list(let xs):
        for x in xs { elements.append((conds, env, x)) }
      case .ifThen(let c, let a, let b):
        let cs = try t.sql(c, env)
        try collect(a, env, conds + [cs])
        try collect(b, env, conds + ["(NOT \(cs))"])
      case .match(let scrutinee, let arms):
        var earlier: [String] = []
        for arm in try t.matchArms(scrutinee, arms, env) {
          let excluded = earlier.map { "(NOT \($0))" }
          try collect(arm.body, arm.env, conds + excluded + (arm.condition.map { [$0] } ?? []))
          if let c = arm.condition { earlier.append(c) }
        }
      case .block(let lets, let result):
        var inner = env
        for l in lets {
          guard case .bind(let name) = l.pattern.kind else { throw t.refuse(l.value, "only simple `let name = ...` translates") }
          inner[name] = try t.bind(l.value, inner)
        }
        try collect(result, inner, conds)
      default:
        throw t.refuse(e, "flatMap translates when its function returns list literals ([a, b] or []), possibly chosen by if or match")
      }
    }
    try collect(syntax.body, try env(syntax, input, n), [])
    guard !elements.isEmpty else { throw refuse(n, "its function never returns an element") }
    var selects: [String] = []
    var columns: [FlinkColumn]? = nil
    var scalar = false
    for el in elements {
      let (select, cols, isScalar) = try selectList(el.expr, el.env, t)
      if let c = columns {
        guard c.map(\.name) == cols.map(\.name) else { throw t.refuse(el.expr, "every element must have the same fields in the same order") }
      } else {
        columns = cols
        scalar = isScalar
      }
      var q = "SELECT \(select.joined(separator: ", "))\(input.rowtime ? ", \(quote("__rowtime"))" : "")\nFROM \(quote(input.name))"
      if !el.conds.isEmpty { q += "\nWHERE " + el.conds.joined(separator: " AND ") }
      selects.append(q)
    }
    var r = Rel(name: "", columns: columns ?? [], scalar: scalar, rowtime: input.rowtime)
    r.name = define(n, "flatMap", selects.joined(separator: "\nUNION ALL\n"))
    return r
  }

  mutating func filter(_ n: PlanNode, _ f: FunctionValue, _ input: Rel) throws -> Rel {
    let (cond, _) = try translate(f, over: input, n, "predicate")
    var r = input
    r.name = define(n, "filter", "SELECT *\nFROM \(quote(input.name))\nWHERE \(cond)")
    return r
  }
}
