import FlowSyntax
import FlowRuntime

/// `ROW_NUMBER() OVER (PARTITION BY p ORDER BY o [DESC])` in a SELECT list,
/// the form of Flink's Top-N and deduplication queries (`WHERE rn <= N`
/// outside). Rows are ranked per partition once the (bounded) input has
/// ended: a keyed aggregate collects each partition's rows, sorted, and a
/// flatMap gives every row its number. In streaming mode (or on unbounded
/// or updating input) it is an updating Top-N instead: a changelog rank
/// node (`ChangelogRankOperator`) whose rank changes the outer WHERE filters.
extension SQLCompiler {
  /// An OVER aggregate of the SELECT list, bound.
  struct OverAggregate {
    var kind: SQLAggregateKind
    var arg: ((Value) throws -> Value)?
    var frame: SQLFrame
    var type: SQLType
  }

  /// The OVER aggregate `kind(args)` (or `COUNT(*)`): its argument bound
  /// and type-checked, and its result type; nil once an error is reported.
  func typedOverAggregate(_ kind: SQLAggregateKind, _ args: [SQLExpr], star: Bool, frame: SQLFrame, span: Span, _ b: ExprBinder) -> OverAggregate? {
    if !star && args.count != 1 {
      diag.add(.error("E0806", "\(kind.rawValue) takes one argument, found \(args.count)", at: span))
      return nil
    }
    if star && kind != .COUNT {
      diag.add(.error("E0805", "\(kind.rawValue)(*) is not valid", at: span, notes: ["help: only COUNT takes *"]))
      return nil
    }
    let arg = star ? nil : b.bind(args[0])
    var type = SQLType.bigint
    if let a = arg, kind != .COUNT {
      if kind == .SUM || kind == .AVG { guard b.expect(a, [.double], kind.rawValue) else { return nil } }
      if a.type == .boolean || a.type == .interval {
        diag.add(.error("E0805", "\(kind.rawValue) of \(a.type) is not supported", at: a.span))
        return nil
      }
      type = a.type == .null ? .bigint : a.type
    }
    return OverAggregate(kind: kind, arg: arg?.eval, frame: frame, type: type)
  }

  func planRowNumber(_ s: SQLSelect, _ rel: Relation, _ b: ExprBinder, _ whereT: Typed?, _ whereClause: SQLExpr?, _ errorsBefore: Int) -> Relation? {
    // Every OVER of one SELECT shares its PARTITION BY and ORDER BY.
    var spec: (partition: [SQLExpr], order: [(SQLExpr, Bool)], span: Span)?
    for item in s.items {
      guard case .expr(let e, _) = item else { continue }
      let p: [SQLExpr], o: [(SQLExpr, Bool)]
      switch e.kind {
      case .rowNumber(let pp, let oo): p = pp; o = oo
      case .overAggregate(_, let pp, let oo, _): p = pp; o = oo
      default: continue
      }
      let key = SQLExpr(.rowNumber(partition: p, order: o), e.span).canonical
      if let first = spec {
        if SQLExpr(.rowNumber(partition: first.partition, order: first.order), first.span).canonical != key {
          diag.add(.error("E0805", "OVER clauses with different PARTITION BY or ORDER BY in one SELECT are not supported", at: e.span,
                          notes: ["help: compute them in separate subqueries"]))
          return nil
        }
      } else {
        spec = (p, o, e.span)
      }
    }
    guard let over = spec else { return nil }
    // Aggregates ordered by a time attribute run as rows arrive (SQLOverWindows.swift).
    if emitsChanges([rel.node]) || !rel.node.isBounded, !isUpdating(rel.node), isStreamingOver(s, over.order, rel) {
      return planStreamingOver(s, rel, b, whereT, whereClause, errorsBefore, partition: over.partition, order: over.order[0].0, span: over.span)
    }
    // In streaming mode, on unbounded or updating input: an updating Top-N.
    let updating = emitsChanges([rel.node])
    if updating, let e = s.items.lazy.compactMap({ item -> SQLExpr? in
      if case .expr(let e, _) = item, case .overAggregate = e.kind { return e }
      return nil
    }).first {
      diag.add(.error("E0805", "OVER aggregates in streaming mode or over an unbounded or updating input need ORDER BY the input's time attribute", at: e.span,
                      notes: [isUpdating(rel.node) ? "note: over an updating input (a changelog) they are not supported" : "help: ORDER BY the event-time column (WATERMARK FOR)\(rel.rowtime.map { " '\($0)'" } ?? "") or a PROCTIME() attribute, ascending",
                              "help: or aggregate per window (GROUP BY window_start, window_end), or run in batch mode on bounded input"]))
      return nil
    }
    guard updating || rel.node.isBounded else {
      diag.add(.error("E0805", "OVER (...) on an unbounded input is not supported", at: over.span,
                      notes: ["help: Top-N over an unbounded stream needs retractions; rank within windows instead (GROUP BY window_start, window_end) or read a bounded source"]))
      return nil
    }
    let partition = over.partition.map { b.bind($0) }
    let order = over.order.map { (b.bind($0.0), $0.1) }
    for (t, _) in order where t.type == .boolean || t.type == .interval {
      diag.add(.error("E0804", "cannot ORDER BY a \(t.type)", at: t.span))
    }
    // The rows with their OVER values: the input's columns, the row number,
    // then one column per OVER aggregate.
    var ext = rel.columns + [SQLColumn(name: "$rank", type: .bigint, qualifiers: [])]
    var aggs: [OverAggregate] = []
    var exprs: [(SQLExpr?, String?, String?)] = []
    var outs: [Typed] = []
    var slots: [Int?] = []
    for item in s.items {
      guard case .expr(let e, _) = item, case .overAggregate(let call, _, _, let frame) = e.kind,
            case .call(let name, let args, _, let star, _) = call.kind, let kind = SQLAggregateKind(rawValue: name.uppercased()) else {
        slots.append(nil)
        continue
      }
      if case .range(let d?) = frame, d >= 0 {
        guard order.count == 1, !order[0].1, order[0].0.type == .timestamp else {
          diag.add(.error("E0805", "RANGE BETWEEN INTERVAL ... PRECEDING needs one ascending TIMESTAMP in ORDER BY", at: e.span))
          return nil
        }
      }
      guard let agg = self.typedOverAggregate(kind, args, star: star, frame: frame, span: call.span, b) else { return nil }
      aggs.append(agg)
      ext.append(SQLColumn(name: "$over\(aggs.count - 1)", type: agg.type, qualifiers: []))
      slots.append(ext.count - 1)
    }
    let eb = binder(ext)
    for (i, item) in s.items.enumerated() {
      switch item {
      case .star(let q, let span):
        let cols = rel.columns.indices.filter { i in q.map { rel.columns[i].qualifiers.contains($0) } ?? true }
        for i in cols {
          exprs.append((nil, nil, rel.columns[i].name))
          outs.append(eb.column(i, span))
        }
      case .expr(let e, let alias):
        exprs.append((e, alias, nil))
        if case .rowNumber = e.kind {
          outs.append(eb.column(rel.columns.count, e.span))
        } else if let slot = slots[i] {
          outs.append(eb.column(slot, e.span))
        } else {
          outs.append(eb.bind(e))
        }
      }
    }
    guard diag.errorCount == errorsBefore else { return nil }
    var node = rel.node
    if let w = whereT, let wc = whereClause { node = filterNode(node, w, wc.span) }
    let pf = partition.map(\.eval)
    var reads = Set<String>()
    for t in partition { reads.formUnion(t.reads) }
    let keyFn = FunctionValue(info: FunctionInfo(text: "PARTITION BY", fieldsRead: reads, constant: nil, updatedFields: nil), unary: { row in
      switch pf.count {
      case 0: return .int(0)
      case 1: return try pf[0](row)
      default: return .list(try pf.map { try $0(row) })
      }
    })
    node = makeNode(.keyBy(keyFn), [node], "partition by", over.span, node.schema)
    let orderFns = order.map(\.0.eval), desc = order.map(\.1)
    if updating {
      let sortKey = FunctionValue(info: FunctionInfo(text: "ORDER BY", fieldsRead: nil, constant: nil, updatedFields: nil), unary: { row in
        .list(try orderFns.map { try $0(row) })
      })
      let spec = ChangelogSpec(.rank(sortKey: sortKey, descending: desc), ttl: changes.ttl)
      spec.appendOnlyInput = !isUpdating(rel.node)
      node = markUpdating(makeNode(.changelog(spec), [node], "row number", over.span, flowSchema(ext.map { ($0.name, $0.type) })))
      let names = outputNames(exprs)
      node = projectNode(node, names, outs, s.span)
      if let rn = exprs.firstIndex(where: { if case .rowNumber? = $0.0?.kind { return true } else { return false } }) {
        changes.rankOutputs[ObjectIdentifier(node)] = (spec, rn)
      }
      return Relation(columns: zip(names, outs).map { SQLColumn(name: $0.0, type: $0.1.type, qualifiers: []) }, node: node, rowtime: nil)
    }
    // Whole rows are kept, so every field may be read.
    let agg = AggSpec(.custom(make: { SortedRows(order: orderFns, descending: desc) }, fieldsRead: nil), name: "rows")
    node = makeNode(.aggregate(fields: [("rows", agg)], shape: Shape(["key", "rows"])), [node], "over", over.span, "")
    let shape = Shape(ext.map(\.name))
    let number = FunctionValue(info: FunctionInfo(text: "OVER", fieldsRead: nil, constant: nil, updatedFields: nil), unary: { v in
      guard case .record(let r) = v, r.values.count == 2, case .list(let rows) = r.values[1] else { return .list([]) }
      let keys: [[Value]] = aggs.isEmpty ? [] : try rows.map { row in try orderFns.map { try $0(row) } }
      var columns: [[Value]] = []
      for a in aggs { columns.append(try overValues(a, rows, keys)) }
      var out: [Value] = []
      out.reserveCapacity(rows.count)
      for (i, row) in rows.enumerated() {
        guard case .record(let x) = row else { continue }
        var values = x.values
        values.append(.int(Int64(i + 1)))
        for c in columns { values.append(c[i]) }
        out.append(.record(Record(shape: shape, values: values)))
      }
      return .list(out)
    })
    node = makeNode(.flatMap(number), [node], "over rows", over.span, flowSchema(ext.map { ($0.name, $0.type) }))
    let names = outputNames(exprs)
    node = projectNode(node, names, outs, s.span)
    return Relation(columns: zip(names, outs).map { SQLColumn(name: $0.0, type: $0.1.type, qualifiers: []) }, node: node, rowtime: nil)
  }
}

/// One OVER aggregate's value for each row of a sorted partition. A frame
/// that starts at the first row is computed with one running accumulator.
func overValues(_ a: SQLCompiler.OverAggregate, _ rows: [Value], _ keys: [[Value]]) throws -> [Value] {
  func fresh() -> SQLAccumulator { SQLAccumulator(kind: a.kind, arg: a.arg, filter: nil, distinct: false) }
  func peersEnd(_ i: Int) -> Int {
    var j = i
    while j + 1 < rows.count, zip(keys[j + 1], keys[i]).allSatisfy({ compareValues($0, $1) == 0 }) { j += 1 }
    return j
  }
  var out: [Value] = []
  out.reserveCapacity(rows.count)
  let running = fresh()
  var added = 0
  for i in rows.indices {
    var lo = 0, hi = i
    switch a.frame {
    case .rows(let n): if let n = n { lo = max(0, i - Int(min(n, Int64(rows.count)))) }
    case .range(let d):
      hi = peersEnd(i)
      if let d = d, case .time(let t) = keys[i].first ?? .null {
        while lo < i, case .time(let u) = keys[lo].first ?? .null, u < t - d { lo += 1 }
      }
    }
    if lo == 0 {
      while added <= hi { try running.add(rows[added]); added += 1 }
      out.append(try running.result())
    } else {
      let acc = fresh()
      for j in lo...hi { try acc.add(rows[j]) }
      out.append(try acc.result())
    }
  }
  return out
}

/// The rows of one partition, kept in arrival order and sorted by the
/// ORDER BY keys when the result is read (a stable sort: ties keep their
/// arrival order). NULLs sort first ascending, last descending.
final class SortedRows: Accumulator {
  let order: [(Value) throws -> Value]
  let descending: [Bool]
  var rows: [([Value], Value)] = []

  init(order: [(Value) throws -> Value], descending: [Bool]) {
    self.order = order
    self.descending = descending
  }

  func add(_ v: Value) throws { rows.append((try order.map { try $0(v) }, v)) }
  func merge(_ other: Accumulator) throws { if let o = other as? SortedRows { rows += o.rows } }

  func result() throws -> Value {
    let indexed = rows.enumerated().sorted { a, b in
      for (i, desc) in descending.enumerated() {
        let c = compareValues(a.element.0[i], b.element.0[i])
        if c != 0 { return desc ? c > 0 : c < 0 }
      }
      return a.offset < b.offset
    }
    return .list(indexed.map { $0.element.1 })
  }

  func save(_ w: inout StateWriter) throws {
    w.int(rows.count)
    for (k, v) in rows {
      try w.value(.list(k))
      try w.value(v)
    }
  }

  func load(_ r: inout StateReader) throws {
    let n = try r.count()
    rows = []
    for _ in 0..<n {
      guard case .list(let k) = try r.value() else { continue }
      rows.append((k, try r.value()))
    }
  }

  func copy() -> Accumulator {
    let c = SortedRows(order: order, descending: descending)
    c.rows = rows
    return c
  }
}
