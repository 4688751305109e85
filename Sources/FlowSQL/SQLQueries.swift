import FlowSyntax
import FlowRuntime

/// Queries to relations: FROM (tables, views, subqueries, window table
/// functions), WHERE, GROUP BY with aggregates and HAVING, SELECT, UNION ALL.
extension SQLCompiler {
  func planQuery(_ q: SQLQuery) -> Relation? {
    switch q {
    case .select(let s):
      guard let r = planSelect(s) else { return nil }
      return s.distinct ? distinctRows(r, s.span) : r
    case .unionAll(let parts, let span): return planUnion(parts, span)
    case .union(let parts, let span): return planUnion(parts, span).map { distinctRows($0, span) }
    case .ordered(let q, let order, let limit, let span):
      guard let r = planQuery(q) else { return nil }
      return sortedRows(r, order, limit, span)
    }
  }

  /// `ORDER BY ... [LIMIT n]` over the query's output columns: all rows are
  /// sorted (stable) when the bounded input ends, by one operator.
  func sortedRows(_ r: Relation, _ order: [(SQLExpr, Bool)], _ limit: Int64?, _ span: Span) -> Relation? {
    if refuseUpdating(r.node, "ORDER BY", span, help: "sort in batch mode (SET 'execution.runtime-mode' = 'batch') on bounded input") { return nil }
    guard r.node.isBounded else {
      diag.add(.error("E0805", "ORDER BY and LIMIT on an unbounded input are not supported", at: span,
                      notes: ["help: rank rows per window with ROW_NUMBER, or read a bounded source"]))
      return nil
    }
    let b = binder(r.columns)
    let before = diag.errorCount
    let keys = order.map { (b.bind($0.0), $0.1) }
    for (t, _) in keys where t.type == .boolean || t.type == .interval {
      diag.add(.error("E0804", "cannot ORDER BY a \(t.type)", at: t.span))
    }
    guard diag.errorCount == before else { return nil }
    let fns = keys.map(\.0.eval), desc = keys.map(\.1)
    let one = FunctionValue(info: FunctionInfo(text: "ORDER BY", fieldsRead: [], constant: nil, updatedFields: nil), unary: { _ in .int(0) })
    var node = makeNode(.keyBy(one), [r.node], "order by", span, r.node.schema)
    let agg = AggSpec(.custom(make: { SortedRows(order: fns, descending: desc) }, fieldsRead: nil), name: "rows")
    node = makeNode(.aggregate(fields: [("rows", agg)], shape: Shape(["key", "rows"])), [node], "sort", span, "")
    let n = limit.map { Int($0) } ?? Int.max
    let unpack = FunctionValue(info: FunctionInfo(text: "ORDER BY ROWS", fieldsRead: nil, constant: nil, updatedFields: nil), unary: { v in
      guard case .record(let x) = v, x.values.count == 2, case .list(let rows) = x.values[1] else { return .list([]) }
      return .list(Array(rows.prefix(n)))
    })
    node = makeNode(.flatMap(unpack), [node], "limit", span, r.node.schema)
    return Relation(columns: r.columns, node: node, rowtime: nil)
  }

  /// Each distinct row once (SELECT DISTINCT, UNION): a GROUP BY of every
  /// column. Like GROUP BY, final rows on bounded input; on unbounded input
  /// a row is emitted again each time it recurs.
  func distinctRows(_ r: Relation, _ span: Span) -> Relation {
    let n = r.columns.count
    let names = r.columns.map(\.name)
    let key = FunctionValue(info: FunctionInfo(text: "DISTINCT", fieldsRead: Set(names), constant: nil, updatedFields: nil), unary: { row in
      guard case .record(let x) = row else { return .null }
      return .list(Array(x.values.prefix(n)))
    })
    var node = makeNode(.keyBy(key), [r.node], "distinct", span, r.node.schema)
    let changelog = emitsChanges([r.node])
    node = changelog ? changelogAggregateNode(node, AggregateScope(rowBinder: binder(r.columns), windowed: false), span)
      : makeNode(.aggregate(fields: [], shape: Shape(["key"])), [node], "distinct rows", span, "")
    let shape = Shape(names + (changelog ? [ChangeKind.field] : []))
    let unpack = FunctionValue(info: FunctionInfo(text: "DISTINCT ROW", fieldsRead: nil, constant: nil, updatedFields: nil), unary: { v in
      guard case .record(let x) = v, case .list(let values)? = x.values.first else { return .null }
      return .record(Record(shape: shape, values: changelog ? values + [x.values[x.values.count - 1]] : values))
    })
    node = makeNode(.map(unpack), [node], "distinct row", span, r.node.schema)
    if changelog { markUpdating(node) }
    return Relation(columns: r.columns, node: node, rowtime: nil)
  }

  func planUnion(_ parts: [SQLQuery], _ span: Span) -> Relation? {
    let rels = parts.map { planQuery($0) }
    guard let first = rels.first ?? nil else { return nil }
    var types = first.columns.map(\.type)
    for (i, r) in rels.enumerated().dropFirst() {
      guard let r = r else { continue }
      guard r.columns.count == first.columns.count else {
        diag.add(.error("E0804", "UNION ALL inputs have different numbers of columns: \(first.columns.count) and \(r.columns.count)", at: parts[i].span, notes: ["help: select the same columns, in the same order, in every branch"]))
        return nil
      }
      for (j, c) in r.columns.enumerated() {
        guard let t = SQLType.common(types[j], c.type) else {
          diag.add(.error("E0804", "UNION ALL column \(j + 1) ('\(first.columns[j].name)') is \(types[j]) in the first branch but \(c.type) here", at: parts[i].span, notes: ["help: CAST it to one type in every branch"]))
          return nil
        }
        types[j] = t
      }
    }
    guard !rels.contains(where: { $0 == nil }) else { return nil }
    let names = first.columns.map(\.name)
    // A changelog and an append-only branch: the latter's rows become inserts.
    let anyUpdating = rels.contains { $0.map { isUpdating($0.node) } ?? false }
    var node: PlanNode?
    for (i, r) in rels.enumerated() {
      guard let r = r else { continue }
      // Each branch is re-shaped to the first one's names and common types.
      let b = binder(r.columns)
      let outs = r.columns.indices.map { b.coerce(b.column($0, parts[i].span), to: types[$0]) }
      let sameShape = r.columns.map(\.name) == names && zip(r.columns, types).allSatisfy { $0.0.type == $0.1 }
      let n = sameShape && isUpdating(r.node) == anyUpdating ? r.node : projectNode(r.node, names, outs, parts[i].span, name: "union input", changes: anyUpdating)
      node = node.map { makeNode(.union, [$0, n], "union all", span, n.schema) } ?? n
      if anyUpdating, let u = node { markUpdating(u) }
    }
    guard let out = node else { return nil }
    let rowtime = rels.allSatisfy { $0?.rowtime == first.rowtime } ? first.rowtime : nil
    return Relation(columns: zip(names, types).map { SQLColumn(name: $0.0, type: $0.1, qualifiers: []) }, node: out, rowtime: rowtime)
  }

  func planTableRef(_ ref: SQLTableRef) -> Relation? {
    switch ref {
    case .table(let name, let alias, let span):
      if let (q, _) = views[name] {
        guard let r = planQuery(q) else { return nil }
        return requalified(r, alias ?? name)
      }
      guard let def = tables[name] else {
        unknownTable(name, span)
        return nil
      }
      return sourceRelation(def, qualifier: alias ?? name, span: span)
    case .subquery(let q, let alias, _):
      guard let r = planQuery(q) else { return nil }
      return alias.map { requalified(r, $0) } ?? r
    case .windowTVF(let w, let alias):
      guard let r = planWindowTVF(w) else { return nil }
      return alias.map { requalified(r, $0) } ?? r
    case .matchRecognize(let m, let alias):
      guard let r = planMatchRecognize(m) else { return nil }
      return alias.map { requalified(r, $0) } ?? r
    case .join(let l, let r, let on, let span):
      guard let cond = on ?? pendingWhere else {
        diag.add(.error("E0805", "a comma join (FROM a, b) needs a WHERE clause with an equality between the two tables", at: span,
                        notes: ["help: FROM a, b WHERE a.k = b.k, or FROM a JOIN b ON a.k = b.k"]))
        return nil
      }
      if on == nil { pendingWhere = nil }
      return planJoin(l, r, cond, span)
    case .outerJoin(let kind, let l, let r, let on, let span):
      return planJoin(l, r, on, span, kind: kind)
    case .versioned(_, _, _, let span):
      diag.add(.error("E0805", "FOR SYSTEM_TIME AS OF is only supported on the right side of a join", at: span,
                      notes: ["help: FROM orders AS o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.currency = r.currency"]))
      return nil
    }
  }

  func isCommaJoin(_ r: SQLTableRef) -> Bool {
    if case .join(_, _, nil, let span) = r {
      diag.add(.error("E0805", "a comma join of more than two tables is not supported", at: span, notes: ["help: write the joins out: FROM a JOIN b ON ... JOIN c ON ..."]))
      return true
    }
    return false
  }

  func requalified(_ r: Relation, _ q: String) -> Relation {
    let out = Relation(columns: r.columns.map { SQLColumn(name: $0.name, type: $0.type, qualifiers: [q]) }, node: r.node, rowtime: r.rowtime)
    out.window = r.window
    out.proctime = r.proctime
    return out
  }

  /// A constant INTERVAL argument, in milliseconds.
  func intervalArgument(_ e: SQLExpr, _ what: String) -> Int64? {
    let t = binder([]).bind(e)
    guard t.type == .interval, t.isConstant, case .duration(let ms)? = try? t.eval(.null) else {
      if t.type != .null { diag.add(.error("E0804", "\(what) must be an INTERVAL constant, found \(t.type)", at: e.span, notes: ["help: write INTERVAL '10' SECOND"])) }
      return nil
    }
    guard ms > 0 else {
      diag.add(.error("E0804", "\(what) must be positive", at: e.span))
      return nil
    }
    return ms
  }

  func planWindowTVF(_ w: SQLWindowTVF) -> Relation? {
    guard let input = planTableRef(w.input) else { return nil }
    guard input.columns.contains(where: { $0.name == w.descriptor }) else {
      diag.add(.error("E0803", "unknown column '\(w.descriptor)' in DESCRIPTOR", at: w.descriptorSpan, notes: ["note: available columns: \(input.columns.map(\.name).joined(separator: ", "))"]))
      return nil
    }
    let onProcTime = input.proctime == w.descriptor && input.rowtime != w.descriptor
    guard input.rowtime == w.descriptor || onProcTime else {
      let isTime = input.columns.first { $0.name == w.descriptor }?.type == .timestamp
      diag.add(.error("E0804", "DESCRIPTOR(\(w.descriptor)) must name the event-time column", at: w.descriptorSpan,
                      notes: [input.rowtime.map { "note: the event-time column of this input is '\($0)'" } ?? "note: this input has no event-time column",
                              isTime ? "help: declare it in the table: WATERMARK FOR \(w.descriptor) AS \(w.descriptor) - INTERVAL '1' SECOND"
                                     : "help: DESCRIPTOR takes the TIMESTAMP(3) column that the table declares with WATERMARK FOR"]))
      return nil
    }
    for c in ["window_start", "window_end", "window_time"] where input.columns.contains(where: { $0.name == c }) {
      diag.add(.error("E0805", "the input of \(w.function) already has a column '\(c)'", at: w.span, notes: ["help: rename that column in a subquery first"]))
      return nil
    }
    let expected: [String: (Int, String)] = ["TUMBLE": (1, "TUMBLE(TABLE t, DESCRIPTOR(ts), size)"), "HOP": (2, "HOP(TABLE t, DESCRIPTOR(ts), slide, size)"),
                                             "CUMULATE": (2, "CUMULATE(TABLE t, DESCRIPTOR(ts), step, max size)"), "SESSION": (1, "SESSION(TABLE t PARTITION BY key, DESCRIPTOR(ts), gap)")]
    let (count, usage) = expected[w.function] ?? (1, "")
    guard w.intervals.count == count else {
      diag.add(.error("E0806", "\(w.function) takes \(count) interval argument\(count == 1 ? "" : "s") after the descriptor, found \(w.intervals.count)", at: w.span, notes: ["help: \(usage)"]))
      return nil
    }
    if w.function != "SESSION" && !w.partitionBy.isEmpty {
      diag.add(.error("E0805", "PARTITION BY is only allowed in SESSION", at: w.partitionBy[0].span))
      return nil
    }
    // Checked for unknown columns; the sessions are per GROUP BY key.
    let before = diag.errorCount
    let pb = binder(input.columns)
    for p in w.partitionBy { _ = pb.bind(p) }
    guard diag.errorCount == before else { return nil }
    let ivs = w.intervals.map { intervalArgument($0, "the window \(w.function == "SESSION" ? "gap" : "size")") }
    guard !ivs.contains(where: { $0 == nil }) else { return nil }
    let ms = ivs.compactMap { $0 }
    var spec: WindowSpec?
    var assign: ((Int64) -> [(Int64, Int64)])?
    switch w.function {
    case "TUMBLE":
      let size = ms[0]
      spec = .tumbling(size: size, offset: 0)
      assign = { t in let s = floorDiv(t, size) * size; return [(s, s + size)] }
    case "HOP":
      let slide = ms[0], size = ms[1]
      guard size % slide == 0 else {
        diag.add(.error("E0804", "HOP's size must be a whole multiple of its slide", at: w.intervals[1].span))
        return nil
      }
      spec = .sliding(size: size, slide: slide)
      assign = { t in
        var out: [(Int64, Int64)] = []
        var s = floorDiv(t, slide) * slide
        while s > t - size { out.append((s, s + size)); s -= slide }
        return out.reversed()
      }
    case "CUMULATE":
      let step = ms[0], maxSize = ms[1]
      guard maxSize % step == 0 else {
        diag.add(.error("E0804", "CUMULATE's max size must be a whole multiple of its step", at: w.intervals[1].span))
        return nil
      }
      spec = nil
      assign = { t in
        let s = floorDiv(t, maxSize) * maxSize
        var out: [(Int64, Int64)] = []
        var e = s + step
        while e <= s + maxSize { if e > t { out.append((s, e)) }; e += step }
        return out
      }
    default:
      spec = .session(gap: ms[0])
      assign = nil
    }
    if onProcTime {
      guard let s = processingTimeWindow(spec, w.function, w.span) else { return nil }
      spec = s
    }
    let columns = input.columns + ["window_start", "window_end", "window_time"].map { SQLColumn(name: $0, type: .timestamp, qualifiers: input.columns.first?.qualifiers ?? []) }
    let names = columns.map(\.name)
    let shape = Shape(names)
    let node: PlanNode
    if let assign = assign, let slot = input.columns.firstIndex(where: { $0.name == w.descriptor }) {
      // Each row once per window it falls in, with the window's bounds.
      let f = FunctionValue(info: FunctionInfo(text: w.function, fieldsRead: nil, constant: nil, updatedFields: nil), unary: { v in
        guard case .record(let r) = v, case .time(let t) = r.values[slot] else { return .list([]) }
        return .list(assign(t).map { (s, e) in .record(Record(shape: shape, values: r.values + [.time(s), .time(e), .time(e - 1)])) })
      })
      node = makeNode(.flatMap(f), [input.node], w.function.lowercased(), w.span, flowSchema(columns.map { ($0.name, $0.type) }))
    } else {
      // SESSION windows exist only once the rows are grouped.
      node = input.node
    }
    let rel = Relation(columns: columns, node: node, rowtime: onProcTime ? input.rowtime : w.descriptor)
    rel.proctime = input.proctime
    rel.window = WindowSource(function: w.function, input: input, spec: spec)
    return rel
  }

  func containsAggregate(_ e: SQLExpr) -> Bool {
    switch e.kind {
    case .call(let name, let args, _, _, _):
      return SQLAggregateKind(rawValue: name.uppercased()) != nil || args.contains { containsAggregate($0) }
    case .column, .literal, .unsupported, .rowNumber, .overAggregate: return false
    case .binary(_, let a, let b), .like(let a, let b, _): return containsAggregate(a) || containsAggregate(b)
    case .unary(_, let a), .isNull(let a, _), .isBool(let a, _, _), .cast(let a, _): return containsAggregate(a)
    case .between(let a, let b, let c, _): return containsAggregate(a) || containsAggregate(b) || containsAggregate(c)
    case .inList(let a, let xs, _): return containsAggregate(a) || xs.contains { containsAggregate($0) }
    case .caseWhen(let o, let ws, let el):
      return (o.map(containsAggregate) ?? false) || ws.contains { containsAggregate($0.0) || containsAggregate($0.1) } || (el.map(containsAggregate) ?? false)
    }
  }

  /// The output column names: aliases, column names, else `EXPR$i` as in
  /// Flink; repeated names get a numeric suffix.
  func outputNames(_ items: [(SQLExpr?, String?, String?)]) -> [String] {
    var names: [String] = []
    for (i, (e, alias, given)) in items.enumerated() {
      var n = alias ?? given ?? "EXPR$\(i)"
      if alias == nil, given == nil, let e = e, case .column(_, let c) = e.kind { n = c }
      if names.contains(n) {
        var k = 0
        while names.contains("\(n)\(k)") { k += 1 }
        n = "\(n)\(k)"
      }
      names.append(n)
    }
    return names
  }

  func planSelect(_ s: SQLSelect) -> Relation? {
    guard let from = s.from else {
      diag.add(.error("E0805", "SELECT without FROM is not supported", at: s.span, notes: ["help: select from a table declared with CREATE TABLE"]))
      return nil
    }
    let errorsBefore = diag.errorCount
    // A comma join takes the WHERE clause as its condition (applied there).
    var whereClause = s.whereClause
    if case .join(_, _, nil, _) = from {
      guard case .join(let l, let r, _, _) = from, !isCommaJoin(l), !isCommaJoin(r) else { return nil }
      pendingWhere = s.whereClause
      whereClause = nil
    }
    let planned = planTableRef(from)
    pendingWhere = nil
    guard var rel = planned else { return nil }
    // PROCTIME() in the SELECT list reads a column of processing times.
    if selectsProcTime(s) { rel = withProcTime(rel, name: Self.procTimeColumn, at: rel.columns.count, s.span) }
    let b = binder(rel.columns)
    var whereT: Typed?
    if let w = whereClause {
      let t = b.bind(w)
      if b.expect(t, [.boolean], "WHERE") { whereT = t }
    }
    let isAggregate = !s.groupBy.isEmpty || s.having != nil || s.items.contains {
      if case .expr(let e, _) = $0 { return containsAggregate(e) }
      return false
    }
    if isAggregate { return planAggregate(s, rel, b, whereT, whereClause, errorsBefore) }
    if s.items.contains(where: { item in
      guard case .expr(let e, _) = item else { return false }
      switch e.kind {
      case .rowNumber, .overAggregate: return true
      default: return false
      }
    }) {
      return planRowNumber(s, rel, b, whereT, whereClause, errorsBefore)
    }
    if let w = rel.window, w.function == "SESSION" {
      diag.add(.error("E0805", "SESSION windows must be aggregated", at: s.span, notes: ["help: GROUP BY window_start, window_end and the PARTITION BY columns"]))
      return nil
    }

    var exprs: [(SQLExpr?, String?, String?)] = []
    var outs: [Typed] = []
    for item in s.items {
      switch item {
      case .star(let q, let span):
        let cols = rel.columns.indices.filter { i in (q.map { rel.columns[i].qualifiers.contains($0) } ?? true) && rel.columns[i].name != Self.procTimeColumn }
        if cols.isEmpty { diag.add(.error("E0803", "unknown table or alias '\(q ?? "")'", at: span)) }
        for i in cols {
          exprs.append((nil, nil, rel.columns[i].name))
          outs.append(b.column(i, span))
        }
      case .expr(let e, let alias):
        exprs.append((e, alias, nil))
        outs.append(b.bind(e))
      }
    }
    guard diag.errorCount == errorsBefore else { return nil }
    var node = rel.node
    if whereT != nil, let wc = whereClause { pushRankLimit(rel, wc) }
    if let w = whereT, let wc = whereClause { node = filterNode(node, w, wc.span) }
    let names = outputNames(exprs)
    node = projectNode(node, names, outs, s.span)
    var rowtime: String?, proctime: String?
    for (i, (e, _, given)) in exprs.enumerated() {
      if let g = given, g == rel.rowtime { rowtime = names[i] }
      if let e = e, case .column(_, let c) = e.kind, c == rel.rowtime { rowtime = names[i] }
      if let g = given, g == rel.proctime { proctime = names[i] }
      if let e = e, isProcTimeAttribute(e, rel) { proctime = names[i] }
    }
    let out = Relation(columns: zip(names, outs).map { SQLColumn(name: $0.0, type: $0.1.type, qualifiers: []) }, node: node, rowtime: rowtime)
    out.proctime = proctime
    return out
  }

  func planAggregate(_ s: SQLSelect, _ rel: Relation, _ rowBinder: ExprBinder, _ whereT: Typed?, _ whereClause: SQLExpr?, _ errorsBefore: Int) -> Relation? {
    // Window aggregation: GROUP BY window_start, window_end of a window TVF.
    func isWindowColumn(_ e: SQLExpr, _ name: String) -> Bool {
      if case .column(_, let c) = e.kind, c == name { return true }
      return false
    }
    let groupsStart = s.groupBy.contains { isWindowColumn($0, "window_start") }
    let groupsEnd = s.groupBy.contains { isWindowColumn($0, "window_end") }
    var windowSpec: WindowSpec?
    var input = rel.node
    if let w = rel.window {
      if groupsStart != groupsEnd {
        diag.add(.error("E0805", "window aggregation must GROUP BY both window_start and window_end", at: s.groupBy[0].span.to(s.groupBy[s.groupBy.count - 1].span), notes: ["help: GROUP BY window_start, window_end, ..."]))
        return nil
      }
      if w.function == "SESSION" && !groupsStart {
        diag.add(.error("E0805", "a SESSION window must be aggregated with GROUP BY window_start, window_end", at: s.span))
        return nil
      }
      if groupsStart, let spec = w.spec {
        windowSpec = spec
        input = w.input.node
        if let wt = whereT, wt.reads.contains(where: { ["window_start", "window_end", "window_time"].contains($0) }) {
          diag.add(.error("E0805", "WHERE on window_start, window_end or window_time is not supported in a window aggregation", at: whereClause?.span ?? s.span, notes: ["help: filter the aggregated rows in an outer query"]))
          return nil
        }
      }
    }
    // Flink's legacy group windows: GROUP BY TUMBLE(ts, size), HOP(ts,
    // slide, size) or SESSION(ts, gap), read with TUMBLE_START(...) etc.
    var legacy: SQLExpr?
    for g in s.groupBy {
      guard case .call(let name, let args, _, _, _) = g.kind, ["TUMBLE", "HOP", "SESSION"].contains(name.uppercased()) else { continue }
      let fn = name.uppercased()
      guard legacy == nil, windowSpec == nil else {
        diag.add(.error("E0805", "one query may group by one window only", at: g.span))
        return nil
      }
      let want = fn == "HOP" ? 3 : 2
      guard args.count == want else {
        diag.add(.error("E0806", "\(fn) in GROUP BY takes the time column and \(want - 1) interval\(want == 3 ? "s" : "")", at: g.span,
                        notes: ["help: GROUP BY \(fn)(dateTime, \(fn == "HOP" ? "INTERVAL '2' SECOND, INTERVAL '10' SECOND" : "INTERVAL '10' SECOND"))"]))
        return nil
      }
      guard case .column(_, let col) = args[0].kind, col == rel.rowtime || col == rel.proctime else {
        diag.add(.error("E0804", "the first argument of \(fn) must be the event-time column", at: args[0].span,
                        notes: [rel.rowtime.map { "note: the event-time column of this input is '\($0)'" } ?? "note: this input has no event-time column (declare WATERMARK FOR)"]))
        return nil
      }
      let ivs = args.dropFirst().map { intervalArgument($0, "the window \(fn == "SESSION" ? "gap" : "size")") }
      guard !ivs.contains(where: { $0 == nil }) else { return nil }
      let ms = ivs.compactMap { $0 }
      switch fn {
      case "TUMBLE": windowSpec = .tumbling(size: ms[0], offset: 0)
      case "HOP":
        guard ms[1] % ms[0] == 0 else {
          diag.add(.error("E0804", "HOP's size must be a whole multiple of its slide", at: args[2].span))
          return nil
        }
        windowSpec = .sliding(size: ms[1], slide: ms[0])
      default: windowSpec = .session(gap: ms[0])
      }
      if col != rel.rowtime {
        guard let s = processingTimeWindow(windowSpec, fn, g.span) else { return nil }
        windowSpec = s
      }
      legacy = g
      input = rel.node
    }
    let scope = AggregateScope(rowBinder: rowBinder, windowed: windowSpec != nil)
    if windowSpec != nil, refuseUpdating(input, "a window aggregation", s.span, help: "aggregate the rows before they are updated, or use a non-windowed GROUP BY") { return nil }
    scope.retractable = windowSpec == nil && emitsChanges([input])
    if let g = legacy, case .call(let name, _, _, _, _) = g.kind { scope.legacyWindow = name.uppercased() }
    for g in s.groupBy {
      if windowSpec != nil, isWindowColumn(g, "window_start") || isWindowColumn(g, "window_end") { continue }
      if let l = legacy, l === g { continue }
      if containsAggregate(g) {
        diag.add(.error("E0805", "aggregate functions are not allowed in GROUP BY", at: g.span))
        continue
      }
      scope.addKey(g)
    }
    let outBinder = binder(rel.columns)
    outBinder.aggregate = scope
    var exprs: [(SQLExpr?, String?, String?)] = []
    var outs: [Typed] = []
    for item in s.items {
      switch item {
      case .star(_, let span):
        diag.add(.error("E0807", "SELECT * is not allowed with GROUP BY", at: span, notes: ["help: select the grouped columns and aggregates by name"]))
      case .expr(let e, let alias):
        exprs.append((e, alias, nil))
        outs.append(outBinder.bind(e))
      }
    }
    var havingT: Typed?
    if let h = s.having {
      let t = outBinder.bind(h)
      if outBinder.expect(t, [.boolean], "HAVING") { havingT = t }
    }
    guard diag.errorCount == errorsBefore else { return nil }
    if let w = whereT, let wc = whereClause { input = filterNode(input, w, wc.span) }
    let keyFn = scope.keyFunction
    var keyReads = Set<String>()
    for k in scope.keys { keyReads.formUnion(k.typed.reads) }
    let keyInfo = FunctionInfo(text: "GROUP BY " + s.groupBy.map(\.canonical).joined(separator: ", "), fieldsRead: keyReads, constant: nil, updatedFields: nil)
    let groupSpan = s.groupBy.first?.span ?? s.span
    var node = makeNode(.keyBy(FunctionValue(info: keyInfo, unary: keyFn)), [input], "group by", groupSpan, input.schema)
    if let spec = windowSpec {
      node = makeNode(.window(spec, .onWatermark, latenessMillis: 0), [node], "window", groupSpan, input.schema)
    }
    node = scope.retractable ? changelogAggregateNode(node, scope, s.span)
      : makeNode(.aggregate(fields: scope.fields, shape: scope.shape), [node], "aggregate", s.span, "")
    if let h = havingT, let hc = s.having { node = filterNode(node, h, hc.span, name: "having") }
    let names = outputNames(exprs)
    node = projectNode(node, names, outs, s.span)
    var rowtime: String?
    for (i, (e, _, _)) in exprs.enumerated() {
      if windowSpec != nil, let e = e, case .column(_, "window_time") = e.kind { rowtime = names[i] }
    }
    return Relation(columns: zip(names, outs).map { SQLColumn(name: $0.0, type: $0.1.type, qualifiers: []) }, node: node, rowtime: rowtime)
  }

  /// `INSERT INTO def <query>`: the query's columns, in order, must fit the
  /// table's column types; rows are renamed to the table's columns.
  func insertNode(_ def: TableDef, _ rel: Relation, _ q: SQLQuery, _ span: Span) -> PlanNode? {
    guard rel.columns.count == def.columns.count else {
      diag.add(.error("E0804", "the query has \(rel.columns.count) column\(rel.columns.count == 1 ? "" : "s") but table '\(def.name)' has \(def.columns.count)", at: q.span,
                      notes: ["note: '\(def.name)' has columns: \(def.columns.map { "\($0.name) \($0.type)" }.joined(separator: ", "))"]))
      return nil
    }
    let b = binder(rel.columns)
    var outs: [Typed] = []
    for (i, (c, d)) in zip(rel.columns, def.columns).enumerated() {
      guard c.type == d.type || c.type == .null || (c.type == .bigint && d.type == .double) else {
        diag.add(.error("E0804", "column \(i + 1) of the query ('\(c.name)') is \(c.type), but column '\(d.name)' of '\(def.name)' is \(d.type)", at: itemSpan(q, i) ?? q.span, notes: ["help: CAST it: CAST(\(c.name) AS \(d.type))"]))
        return nil
      }
      outs.append(b.coerce(b.column(i, span), to: d.type))
    }
    let names = def.columns.map(\.name)
    let same = rel.columns.map(\.name) == names && zip(rel.columns, def.columns).allSatisfy { $0.0.type == $0.1.type }
    let node = same ? rel.node : projectNode(rel.node, names, outs, span, name: "insert into")
    if isUpdating(node) { return changelogSink(def, node, span, columns: names) }
    return sinkNode(def, node, span)
  }

  /// Where the i-th SELECT item is written, for errors about it.
  func itemSpan(_ q: SQLQuery, _ i: Int) -> Span? {
    guard case .select(let s) = q, i < s.items.count else { return nil }
    switch s.items[i] {
    case .star(_, let sp): return sp
    case .expr(let e, _): return e.span
    }
  }
}
