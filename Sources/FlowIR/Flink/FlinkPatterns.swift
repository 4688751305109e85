import FlowSyntax
import FlowSema
import FlowRuntime

/// CEP patterns as MATCH_RECOGNIZE.
extension FlinkPlanCompiler {
  /// `pattern` as MATCH_RECOGNIZE, where it fits: parts joined by `next`
  /// (consecutive rows) or `followedBy` (a gap `G*?` of any rows), conditions
  /// on the event and the earlier parts, loops with `consecutive()`, no groups or negation, skip `pastLastEvent` or
  /// `toNext`. A match's lists become measures per part `p` and input
  /// column `c`: `p.first.c` (FIRST), `p.last.c` (LAST) and `p.count`,
  /// which the translator reads for `m.p[0]?.c`, `reverse(m.p)[0]?.c` and
  /// `length(m.p)`.
  mutating func pattern(_ n: PlanNode, _ spec: PatternSpec, _ skip: AfterMatch) throws -> Rel {
    let input = try rel(n.inputs[0])
    guard input.keyTypes != nil, input.rowtime, !input.scalar else {
      throw refuse(n, "MATCH_RECOGNIZE needs a keyed stream of records with event time")
    }
    var measures: [String] = [], defines: [String] = [], pattern: [String] = []
    var columns: [FlinkColumn] = []
    for (i, part) in spec.parts.enumerated() {
      guard let cond = part.condition, part.group == nil else { throw refuse(n, "group patterns do not translate to MATCH_RECOGNIZE") }
      guard part.negation == .none else { throw refuse(n, "notNext and notFollowedBy do not translate to MATCH_RECOGNIZE") }
      guard i == 0 || part.contiguity != .any else {
        throw refuse(n, "part '\(part.name)' follows with followedByAny, whose branching over every later match has no MATCH_RECOGNIZE form")
      }
      guard part.until == nil else { throw refuse(n, "until does not translate to MATCH_RECOGNIZE") }
      if part.max != 1 && !part.consecutive {
        throw refuse(n, "part '\(part.name)' repeats without consecutive(); MATCH_RECOGNIZE repeats over consecutive rows only")
      }
      let v = "P\(i)"
      let syntax = try lambdaSyntax(cond, n, "condition of part '\(part.name)'")
      guard (1...2).contains(syntax.params.count), case .bind(let pn) = syntax.params[0].pattern.kind else {
        throw refuse(n, "only conditions `e => ...` and `(e, m) => ...` with plain parameter names translate")
      }
      var fields: [String: String] = [:]
      for c in input.columns { fields[c.name] = "\(v).\(quote(c.name))" }
      var scope: [String: SQLBinding] = [pn: .row(fields)]
      if syntax.params.count == 2 {
        // `(e, m) => ... m.p[0]?.c ...`: the parts matched before this one,
        // as MATCH_RECOGNIZE's aggregates over their rows.
        guard case .bind(let mn) = syntax.params[1].pattern.kind else { throw refuse(n, "only plain parameter names translate") }
        var so: [String: String] = [:]
        for (j, earlier) in spec.parts[..<i].enumerated() {
          for c in input.columns {
            so[earlier.name + ".first." + c.name] = "FIRST(P\(j).\(quote(c.name)))"
            so[earlier.name + ".last." + c.name] = "LAST(P\(j).\(quote(c.name)))"
          }
          so[earlier.name + ".count"] = "CAST(COUNT(P\(j).\(quote("__rowtime"))) AS BIGINT)"
        }
        scope[mn] = .row(so)
      }
      let t = FlinkExpressionTranslator(lowering: lowering, operatorName: operatorName(n))
      defines.append("\(v) AS \(try t.sql(syntax.body, scope))")
      // followedBy: any rows may come between (a variable without a DEFINE
      // matches every row), the first that satisfies the part ends the gap.
      if part.contiguity == .relaxed && i > 0 { pattern.append("G\(i)*?") }
      var q: String
      switch (part.min, part.max) {
      case (1, 1?): q = ""
      case (0, 1?): q = "?"
      case (let a, let b?) where a == b: q = "{\(a)}"
      case (let a, let b?): q = "{\(a),\(b)}"
      case (let a, nil): q = a == 1 ? "+" : a == 0 ? "*" : "{\(a),}"
      }
      // FlinkCEP loops are reluctant unless greedy(); so are SQL's `?` forms.
      if part.max != 1 && part.min != part.max && !part.greedy { q += "?" }
      pattern.append(v + q)
      for c in input.columns {
        measures.append("FIRST(\(v).\(quote(c.name))) AS \(quote(part.name + ".first." + c.name))")
        measures.append("LAST(\(v).\(quote(c.name))) AS \(quote(part.name + ".last." + c.name))")
        columns.append(FlinkColumn(name: part.name + ".first." + c.name, type: c.type.hasSuffix("?") ? c.type : c.type + "?"))
        columns.append(FlinkColumn(name: part.name + ".last." + c.name, type: c.type.hasSuffix("?") ? c.type : c.type + "?"))
      }
      measures.append("CAST(COUNT(\(v).\(quote("__rowtime"))) AS BIGINT) AS \(quote(part.name + ".count"))")
      columns.append(FlinkColumn(name: part.name + ".count", type: "Int"))
    }
    let after: String
    switch skip {
    case .pastLastEvent: after = "SKIP PAST LAST ROW"
    case .toNext: after = "SKIP TO NEXT ROW"
    case .toFirst(let p):
      guard let i = spec.parts.firstIndex(where: { $0.name == p }) else { throw refuse(n, "no part '\(p)'") }
      after = "SKIP TO FIRST P\(i)"
    case .toLast(let p):
      guard let i = spec.parts.firstIndex(where: { $0.name == p }) else { throw refuse(n, "no part '\(p)'") }
      after = "SKIP TO LAST P\(i)"
    case .noSkip:
      throw refuse(n, "noSkip (every match, overlapping) has no MATCH_RECOGNIZE form; use skip: pastLastEvent or toNext")
    }
    measures.append("MATCH_ROWTIME() AS \(quote("__rowtime"))")
    let within = spec.within.map { " WITHIN \(interval($0))" } ?? ""
    let keys = input.keyColumns.map(quote).joined(separator: ", ")
    patternNodes = true
    var r = Rel(name: "", columns: columns, rowtime: true)
    r.isMatch = true
    r.name = define(n, "pattern", """
      SELECT *
      FROM \(quote(input.name))
      MATCH_RECOGNIZE (
        PARTITION BY \(keys)
        ORDER BY \(quote("__rowtime"))
        MEASURES \(measures.joined(separator: ",\n    "))
        ONE ROW PER MATCH
        AFTER MATCH \(after)
        PATTERN (\(pattern.joined(separator: " ")))\(within)
        DEFINE \(defines.joined(separator: ",\n    "))
      )
      """)
    return r
  }
}
