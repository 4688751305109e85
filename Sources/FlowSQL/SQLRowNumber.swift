import FlowSyntax
import FlowRuntime

/// `ROW_NUMBER() OVER (PARTITION BY p ORDER BY o [DESC])` in a SELECT list,
/// the form of Flink's Top-N and deduplication queries (`WHERE rn <= N`
/// outside). Rows are ranked per partition once the (bounded) input has
/// ended: a keyed aggregate collects each partition's rows, sorted, and a
/// flatMap gives every row its number. Top-N on unbounded input needs
/// retractions, which the runtime does not have yet.
extension SQLCompiler {
  func planRowNumber(_ s: SQLSelect, _ rel: Relation, _ b: ExprBinder, _ whereT: Typed?, _ whereClause: SQLExpr?, _ errorsBefore: Int) -> Relation? {
    var spec: (partition: [SQLExpr], order: [(SQLExpr, Bool)], span: Span)?
    for item in s.items {
      guard case .expr(let e, _) = item, case .rowNumber(let p, let o) = e.kind else { continue }
      if let first = spec {
        if SQLExpr(.rowNumber(partition: first.partition, order: first.order), first.span).canonical != e.canonical {
          diag.add(.error("E0805", "several different ROW_NUMBER() OVER (...) in one SELECT are not supported", at: e.span))
          return nil
        }
      } else {
        spec = (p, o, e.span)
      }
    }
    guard let over = spec else { return nil }
    guard rel.node.isBounded else {
      diag.add(.error("E0805", "ROW_NUMBER() OVER (...) on an unbounded input is not supported", at: over.span,
                      notes: ["help: Top-N over an unbounded stream needs retractions; rank within windows instead (GROUP BY window_start, window_end) or read a bounded source"]))
      return nil
    }
    let partition = over.partition.map { b.bind($0) }
    let order = over.order.map { (b.bind($0.0), $0.1) }
    for (t, _) in order where t.type == .boolean || t.type == .interval {
      diag.add(.error("E0804", "cannot ORDER BY a \(t.type)", at: t.span))
    }
    // The rows with their rank: the input's columns, then the rank.
    let rankName = "$rank"
    let ext = rel.columns + [SQLColumn(name: rankName, type: .bigint, qualifiers: [])]
    let eb = binder(ext)
    var exprs: [(SQLExpr?, String?, String?)] = []
    var outs: [Typed] = []
    for item in s.items {
      switch item {
      case .star(let q, let span):
        let cols = rel.columns.indices.filter { i in q.map { rel.columns[i].qualifiers.contains($0) } ?? true }
        for i in cols {
          exprs.append((nil, nil, rel.columns[i].name))
          outs.append(eb.column(i, span))
        }
      case .expr(let e, let alias):
        exprs.append((e, alias, nil))
        if case .rowNumber = e.kind { outs.append(eb.column(ext.count - 1, e.span)) } else { outs.append(eb.bind(e)) }
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
    // Whole rows are kept, so every field may be read.
    let agg = AggSpec(.custom(make: { SortedRows(order: orderFns, descending: desc) }, fieldsRead: nil), name: "rows")
    node = makeNode(.aggregate(fields: [("rows", agg)], shape: Shape(["key", "rows"])), [node], "row_number", over.span, "")
    let shape = Shape(ext.map(\.name))
    let number = FunctionValue(info: FunctionInfo(text: "ROW_NUMBER", fieldsRead: nil, constant: nil, updatedFields: nil), unary: { v in
      guard case .record(let r) = v, r.values.count == 2, case .list(let rows) = r.values[1] else { return .list([]) }
      var out: [Value] = []
      out.reserveCapacity(rows.count)
      for (i, row) in rows.enumerated() {
        guard case .record(let x) = row else { continue }
        out.append(.record(Record(shape: shape, values: x.values + [.int(Int64(i + 1))])))
      }
      return .list(out)
    })
    node = makeNode(.flatMap(number), [node], "rank", over.span, flowSchema(ext.map { ($0.name, $0.type) }))
    let names = outputNames(exprs)
    node = projectNode(node, names, outs, s.span)
    return Relation(columns: zip(names, outs).map { SQLColumn(name: $0.0, type: $0.1.type, qualifiers: []) }, node: node, rowtime: nil)
  }
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
