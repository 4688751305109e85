import Foundation
import FlowSyntax
import FlowRuntime

/// MATCH_RECOGNIZE on Flow's CEP engine (the `pattern` operator), with
/// Flink's translation: PARTITION BY is the key, the variables of PATTERN
/// are parts in strict contiguity (`next`), a quantified variable loops over
/// consecutive rows, greedily unless reluctant, and each DEFINE is an
/// iterative condition that sees the rows matched so far. ONE ROW PER MATCH
/// turns each match into the partition columns and the MEASURES.
///
/// Expressions in DEFINE and MEASURES are evaluated on a pair
/// `[current row, match so far]`: the match is the CEP match record (one
/// list of rows per variable), and the binder's `intercept` resolves
/// `A.price`, `FIRST`, `LAST`, `PREV`, aggregates and `MATCH_ROWTIME()`
/// against it; everything else binds as in any SQL expression.
extension SQLCompiler {
  func planMatchRecognize(_ m: SQLMatchRecognize) -> Relation? {
    guard let input = planTableRef(m.input) else { return nil }
    // As in Flink: a retraction cannot undo a match already emitted.
    if refuseUpdating(input.node, "MATCH_RECOGNIZE", m.span, help: "match the rows of an append-only table (MATCH_RECOGNIZE needs insert-only input, as in Flink)") { return nil }
    func unsupported(_ message: String, _ span: Span, _ help: String) -> Relation? {
      diag.add(.error("E0805", message, at: span, notes: ["help: \(help)"]))
      return nil
    }
    // Rows are matched in event-time order: ORDER BY names the event time.
    guard let rowtime = input.rowtime, let timeSlot = input.columns.firstIndex(where: { $0.name == rowtime }) else {
      return unsupported("MATCH_RECOGNIZE needs an input with an event-time column", m.span,
                         "declare one in the table: WATERMARK FOR ts AS ts - INTERVAL '1' SECOND, and ORDER BY ts")
    }
    guard m.orderBy.count == 1, case .column(_, let orderName) = m.orderBy[0].0.kind, orderName == rowtime, !m.orderBy[0].1 else {
      return unsupported("MATCH_RECOGNIZE must be ORDER BY the event-time column '\(rowtime)', ascending", m.orderBy.first?.0.span ?? m.span,
                         "write ORDER BY \(rowtime) (rows with equal times keep their arrival order)")
    }
    let pattern = spliceGroups(m.pattern)
    // A variable may appear several times (A B A): each occurrence is its
    // own CEP part, `A`, `A#2`, ..., and the variable's rows are theirs.
    var variables: [String] = []
    for t in leafTerms(pattern) where !variables.contains(t.name) { variables.append(t.name) }
    if let (t, inGroup) = greedyEnd(pattern, inGroup: false) {
      let help = "add a variable after it that matches the row ending the run (PATTERN (A B* C) DEFINE C AS NOT <B's condition>), or make it reluctant: \(t.name)*?"
      return unsupported(inGroup ? "a greedy quantifier cannot end a group" : "a greedy quantifier cannot end the pattern", t.span, help)
    }
    if let g = greedyGroup(pattern) {
      return unsupported("a greedy quantifier on a group is not supported", g.span,
                         "make it reluctant, (A B)+? or (A B){2,4}?, so each repetition ends as soon as what follows can match; or repeat the group a fixed number of times: (A B){3}")
    }
    for t in allTerms(pattern) where t.reluctant && t.min == 0 && t.max == 1 {
      return unsupported("the reluctant optional quantifier (\(t.name.isEmpty ? "(...)" : t.name)??) is not supported", t.span, "use \(t.name.isEmpty ? "(...)" : t.name)? (greedy)")
    }
    var seen: [String: Int] = [:]
    let parts0 = renameOccurrences(pattern, &seen)
    let partNames = leafTerms(parts0).map(\.name)
    let repeated = seen.values.contains { $0 > 1 }
    let hasGroups = repeated || allTerms(pattern).contains { $0.group != nil }
    let layout = MatchLayout(variables: variables, parts: partNames, timeSlot: hasGroups ? timeSlot : nil)
    var defined: [String: SQLExpr] = [:]
    for d in m.defines {
      guard variables.contains(d.name) else {
        diag.add(.error("E0803", "'\(d.name)' is not a variable of PATTERN", at: d.span, notes: ["note: the pattern variables are: \(variables.joined(separator: ", "))"]))
        return nil
      }
      guard defined[d.name] == nil else {
        diag.add(.error("E0801", "'\(d.name)' is defined twice", at: d.span))
        return nil
      }
      defined[d.name] = d.condition
    }
    let skip: AfterMatch
    switch m.skip {
    case "TO NEXT ROW": skip = .toNext
    case "TO FIRST", "TO LAST":
      guard let (v, sp) = m.skipVariable, variables.contains(v) else {
        let sp = m.skipVariable?.1 ?? m.span
        diag.add(.error("E0803", "'\(m.skipVariable?.0 ?? "")' is not a variable of PATTERN", at: sp, notes: ["note: the pattern variables are: \(variables.joined(separator: ", "))"]))
        return nil
      }
      if (seen[v] ?? 1) > 1 {
        return unsupported("AFTER MATCH SKIP \(m.skip) '\(v)' is not supported: '\(v)' appears \(seen[v] ?? 1) times in PATTERN", sp, "skip to a variable that appears once, or SKIP PAST LAST ROW")
      }
      skip = m.skip == "TO FIRST" ? .toFirst(v) : .toLast(v)
    default: skip = .pastLastEvent
    }
    var within: Int64?
    if let w = m.within {
      guard let ms = intervalArgument(w, "WITHIN") else { return nil }
      within = ms
    }

    // Columns of a row, visible under the input's names and every variable.
    let rowColumns = input.columns.map { SQLColumn(name: $0.name, type: $0.type, qualifiers: $0.qualifiers.union(variables)) }
    let rows = binder(rowColumns)
    let errorsBefore = diag.errorCount
    var keyNames: [String] = []
    var keys: [Typed] = []
    for p in m.partitionBy {
      guard case .column(_, let name) = p.kind else {
        return unsupported("PARTITION BY takes columns", p.span, "compute the expression in a subquery and partition by its column")
      }
      keys.append(rows.bind(p))
      keyNames.append(name)
    }
    guard diag.errorCount == errorsBefore else { return nil }

    var conditions: [String: (FunctionValue, Int)] = [:]
    for v in variables {
      if let d = defined[v] {
        let nav = navigationBinder(rowColumns, layout, defining: v, timeSlot: timeSlot)
        let c = nav.bind(d)
        guard nav.expect(c, [.boolean], "DEFINE") else { return nil }
        let f = c.eval
        conditions[v] = (FunctionValue(arity: 2, info: FunctionInfo(text: "DEFINE \(v)", fieldsRead: nil, constant: nil, updatedFields: nil)) { args in
          guard args.count == 2, case .bool(true) = try f(.list(args)) else { return .bool(false) }
          return .bool(true)
        }, 2)
      } else {
        // A variable without DEFINE matches any row.
        conditions[v] = (FunctionValue(info: FunctionInfo(text: "true", fieldsRead: [], constant: .bool(true), updatedFields: nil)) { _ in .bool(true) }, 1)
      }
    }
    guard diag.errorCount == errorsBefore else { return nil }
    for p in partNames where conditions[p] == nil { conditions[p] = conditions[layout.variable(p)] }
    let parts = cepParts(parts0, conditions)
    guard diag.errorCount == errorsBefore else { return nil }

    let nav = navigationBinder(rowColumns, layout, defining: nil, timeSlot: timeSlot)
    var names = keyNames, outputs: [Typed] = []
    var outputRowtime: String?
    for (e, alias) in m.measures {
      let t = nav.bind(e)
      if case .call(let n, let args, _, _, _) = e.kind, n.uppercased() == "MATCH_ROWTIME", args.isEmpty { outputRowtime = alias }
      names.append(alias)
      outputs.append(t)
    }
    guard diag.errorCount == errorsBefore else { return nil }
    if let dup = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
      diag.add(.error("E0805", "MATCH_RECOGNIZE has two output columns named '\(dup)'", at: m.span, notes: ["help: rename the measure"]))
      return nil
    }

    let keyFns = keys.map(\.eval)
    let keyFn = FunctionValue(info: FunctionInfo(text: "PARTITION BY " + keyNames.joined(separator: ", "), fieldsRead: Set(keyNames), constant: nil, updatedFields: nil)) { row in
      switch keyFns.count {
      case 0: return .int(0)
      case 1: return try keyFns[0](row)
      default: return .list(try keyFns.map { try $0(row) })
      }
    }
    let keyed = makeNode(.keyBy(keyFn), [input.node], "partition by", m.span, input.node.schema)
    let spec = PatternSpec(parts: parts, within: within)
    let matched = makeNode(.pattern(spec, skip), [keyed], "match_recognize", m.span, "")
    let shape = Shape(names)
    let outFns = outputs.map(\.eval)
    let measure = FunctionValue(info: FunctionInfo(text: "MEASURES " + names.joined(separator: ", "), fieldsRead: nil, constant: nil, updatedFields: nil)) { match in
      let first = layout.rows(match).first?.1 ?? .null
      var values: [Value] = []
      values.reserveCapacity(shape.fields.count)
      for k in keyFns { values.append(try k(first)) }
      let pair = Value.list([.null, match])
      for f in outFns { values.append(try f(pair)) }
      return .record(Record(shape: shape, values: values))
    }
    let types = keys.map(\.type) + outputs.map(\.type)
    let node = makeNode(.map(measure), [matched], "measures", m.span, flowSchema(Array(zip(names, types))))
    let columns = zip(names, types).map { SQLColumn(name: $0.0, type: $0.1, qualifiers: []) }
    return Relation(columns: columns, node: node, rowtime: outputRowtime)
  }

  /// A binder for DEFINE (of variable `defining`) or MEASURES (`defining`
  /// nil) expressions, evaluated on `[current row, match so far]`.
  func navigationBinder(_ rowColumns: [SQLColumn], _ layout: MatchLayout, defining: String?, timeSlot: Int) -> ExprBinder {
    let variables = layout.variables
    let nav = binder(rowColumns)
    let rows = binder(rowColumns)
    let d = diag
    func fail(_ message: String, _ span: Span, _ help: String) -> Typed {
      d.add(.error("E0805", message, at: span, notes: ["help: \(help)"]))
      return .constant(.null, .null, span)
    }
    /// The one pattern variable `e` refers to, nil for none (the universal
    /// variable: every row of the match); `.failure` when several.
    func variable(_ e: SQLExpr) -> Result<String?, SQLVariableError> {
      let vs = patternVariables(e, variables)
      if vs.count > 1 { return .failure(SQLVariableError()) }
      return .success(vs.first)
    }
    /// The rows an expression over variable `v` sees: in DEFINE, the
    /// current row counts as mapped to the variable being defined.
    func rowsOf(_ v: String?, _ pair: Value) -> [Value] {
      guard case .list(let p) = pair, p.count == 2 else { return [] }
      var out: [Value]
      if let v = v {
        out = layout.rows(of: v, p[1])
        if v == defining { out.append(p[0]) }
      } else {
        out = layout.rows(p[1]).map(\.1)
        if defining != nil { out.append(p[0]) }
      }
      return out
    }
    nav.intercept = { e in
      switch e.kind {
      case .column(let q, let name):
        guard let slot = rows.resolve(q, name, e.span) else { return .constant(.null, .null, e.span) }
        let v = q.flatMap { variables.contains($0) ? $0 : nil }
        let type = rowColumns[slot].type
        if defining != nil && (v == nil || v == defining) {
          return Typed(type: type, eval: { pair in
            guard case .list(let p) = pair, p.count == 2, case .record(let r) = p[0], slot < r.values.count else { return .null }
            return r.values[slot]
          }, reads: [name], isConstant: false, span: e.span)
        }
        // Another variable (or, in MEASURES, any): its last row.
        return Typed(type: type, eval: { pair in
          guard case .record(let r)? = rowsOf(v, pair).last, slot < r.values.count else { return .null }
          return r.values[slot]
        }, reads: [name], isConstant: false, span: e.span)
      case .call(let name, let args, let distinct, let star, let filter):
        let upper = name.uppercased()
        switch upper {
        case "FIRST", "LAST", "PREV":
          guard args.count == 1 || args.count == 2, !star, !distinct, filter == nil else {
            return fail("\(upper) takes a column expression and an optional offset", e.span, "\(upper)(A.price) or \(upper)(A.price, 1)")
          }
          var offset = upper == "PREV" ? 1 : 0
          if args.count == 2 {
            guard case .literal(.int(let n), _) = args[1].kind, n >= 0, n < 1_000_000 else {
              return fail("the offset of \(upper) must be a whole number", args[1].span, "\(upper)(A.price, 1)")
            }
            offset = Int(n)
          }
          if upper == "PREV" && defining == nil {
            return fail("PREV is only supported in DEFINE", e.span, "in MEASURES, use LAST(A.price, 1) for the row before the last of A")
          }
          guard case .success(let v) = variable(args[0]) else {
            return fail("\(upper) may refer to one pattern variable", args[0].span, "navigate each variable separately: \(upper)(A.x) - \(upper)(B.y)")
          }
          let t = rows.bind(args[0])
          let f = t.eval
          if upper == "PREV" {
            // The row `offset` places before the current one, within the match.
            return Typed(type: t.type, eval: { pair in
              let all = rowsOf(nil, pair)
              let i = all.count - 1 - offset
              return i >= 0 && i < all.count ? try f(all[i]) : .null
            }, reads: t.reads, isConstant: false, span: e.span)
          }
          let fromStart = upper == "FIRST"
          return Typed(type: t.type, eval: { pair in
            let rs = rowsOf(v, pair)
            let i = fromStart ? offset : rs.count - 1 - offset
            return i >= 0 && i < rs.count ? try f(rs[i]) : .null
          }, reads: t.reads, isConstant: false, span: e.span)
        case "NEXT":
          return fail("NEXT is not supported: a row after the current one is not known yet", e.span, "use PREV in the DEFINE of the following variable")
        case "MATCH_ROWTIME":
          guard defining == nil, args.isEmpty else { return fail("MATCH_ROWTIME() is only supported in MEASURES, without arguments", e.span, "MEASURES MATCH_ROWTIME() AS t") }
          return Typed(type: .timestamp, eval: { pair in
            guard case .record(let r)? = rowsOf(nil, pair).last, timeSlot < r.values.count else { return .null }
            return r.values[timeSlot]
          }, reads: [], isConstant: false, span: e.span)
        case "CLASSIFIER":
          guard args.isEmpty, !star else { return fail("CLASSIFIER() takes no arguments", e.span, "MEASURES CLASSIFIER() AS last_variable") }
          if let v = defining { return .constant(.string(v), .string, e.span) }
          // The variable of the match's last row.
          return Typed(type: .string, eval: { pair in
            guard case .list(let p) = pair, p.count == 2, let last = layout.rows(p[1]).last else { return .null }
            return .string(variables[last.0])
          }, reads: [], isConstant: false, span: e.span)
        case "MATCH_PROCTIME":
          guard defining == nil, args.isEmpty, !star else { return fail("MATCH_PROCTIME() is only supported in MEASURES, without arguments", e.span, "MEASURES MATCH_PROCTIME() AS t") }
          return Typed(type: .timestamp, eval: { _ in .time(Int64(Date().timeIntervalSince1970 * 1000)) }, reads: [], isConstant: false, span: e.span)
        case "MATCH_NUMBER", "RUNNING", "FINAL":
          return fail("\(upper) is not supported in MATCH_RECOGNIZE", e.span, "use FIRST, LAST, PREV, aggregates over a variable, CLASSIFIER(), MATCH_ROWTIME() and MATCH_PROCTIME()")
        default:
          guard let kind = SQLAggregateKind(rawValue: upper) else { return nil }
          guard filter == nil else { return fail("FILTER is not supported in MATCH_RECOGNIZE", e.span, "put the condition in the variable's DEFINE") }
          if star && kind != .COUNT { return fail("\(upper)(*) is not valid", e.span, "only COUNT takes *") }
          if !star && args.count != 1 { return fail("\(upper) takes one argument, found \(args.count)", e.span, "\(upper)(A.price)") }
          var v: String?
          var arg: Typed?
          if !star {
            guard case .success(let x) = variable(args[0]) else {
              return fail("\(upper) may refer to one pattern variable", args[0].span, "aggregate each variable separately")
            }
            v = x
            arg = rows.bind(args[0])
          }
          var type = SQLType.bigint
          if let a = arg {
            switch kind {
            case .COUNT: type = .bigint
            case .SUM, .AVG:
              guard rows.expect(a, [.double], upper) else { return .constant(.null, .null, e.span) }
              type = a.type == .null ? .bigint : a.type
            case .MIN, .MAX:
              if a.type == .boolean || a.type == .interval { return fail("\(upper) of \(a.type) is not supported", e.span, "aggregate a number, string or timestamp") }
              type = a.type
            }
          }
          let f = arg?.eval
          return Typed(type: type, eval: { pair in
            let acc = SQLAccumulator(kind: kind, arg: f, filter: nil, distinct: distinct)
            for r in rowsOf(v, pair) { try acc.add(r) }
            return try acc.result()
          }, reads: arg?.reads ?? [], isConstant: false, span: e.span)
        }
      case .overAggregate, .rowNumber:
        return fail("OVER is not supported in MATCH_RECOGNIZE", e.span, "aggregate over a pattern variable: AVG(A.price)")
      default:
        return nil
      }
    }
    return nav
  }

  /// The pattern variables that qualify a column somewhere in `e`.
  func patternVariables(_ e: SQLExpr, _ variables: [String]) -> Set<String> {
    var out = Set<String>()
    func walk(_ x: SQLExpr) {
      switch x.kind {
      case .column(let q, _): if let q = q, variables.contains(q) { out.insert(q) }
      case .literal, .unsupported: break
      case .binary(_, let a, let b), .like(let a, let b, _): walk(a); walk(b)
      case .unary(_, let a), .isNull(let a, _), .isBool(let a, _, _), .cast(let a, _): walk(a)
      case .between(let a, let b, let c, _): walk(a); walk(b); walk(c)
      case .inList(let a, let xs, _): walk(a); xs.forEach(walk)
      case .caseWhen(let o, let ws, let el):
        o.map(walk)
        for (c, r) in ws { walk(c); walk(r) }
        el.map(walk)
      case .call(_, let args, _, _, let f): args.forEach(walk); f.map(walk)
      case .rowNumber(let p, let o): p.forEach(walk); o.forEach { walk($0.0) }
      case .overAggregate(let c, let p, let o, _): walk(c); p.forEach(walk); o.forEach { walk($0.0) }
      }
    }
    walk(e)
    return out
  }
}

struct SQLVariableError: Error {}

