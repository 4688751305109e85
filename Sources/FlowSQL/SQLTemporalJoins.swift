import FlowSyntax
import FlowRuntime

extension SQLParser {
  /// `FOR SYSTEM_TIME AS OF expr` after a table name.
  mutating func parseVersioned(_ name: String, _ span: Span) throws -> SQLTableRef {
    try expect("FOR")
    try expect("SYSTEM_TIME")
    try expect("AS")
    try expect("OF")
    let e = try parseAdditive()
    return .versioned(name: name, alias: nil, asOf: e, span: spanFrom(span))
  }
}

/// Event-time temporal joins, `l JOIN v FOR SYSTEM_TIME AS OF l.ts ON l.k
/// = v.k`: each left row with the version of `v` (a versioned table: one
/// with a PRIMARY KEY and a WATERMARK) that was current at the left row's
/// time, on Flow's `lookup` operator (`lookup(left, latest(right))`). A row
/// waits until the watermarks of both inputs pass its time; versions older
/// than the newest one behind the watermark are dropped. INNER drops a
/// row without a version; LEFT pads it with NULLs.
extension SQLCompiler {
  func planTemporalJoin(_ leftRef: SQLTableRef, _ rightRef: SQLTableRef, _ on: SQLExpr, _ span: Span, kind: String) -> Relation? {
    guard case .versioned(let name, let alias, let asOf, let vspan) = rightRef else { return nil }
    guard kind == "INNER" || kind == "LEFT" else {
      diag.add(.error("E0805", "a temporal join is INNER or LEFT, not \(kind)", at: span, notes: ["help: write LEFT JOIN \(name) FOR SYSTEM_TIME AS OF ..."]))
      return nil
    }
    guard let left = planTableRef(leftRef) else { return nil }
    guard let def = tables[name] else {
      if views[name] != nil {
        diag.add(.error("E0805", "a versioned view is not supported in FOR SYSTEM_TIME AS OF", at: vspan, notes: ["help: join a table declared with PRIMARY KEY and WATERMARK FOR"]))
      } else {
        unknownTable(name, vspan)
      }
      return nil
    }
    // AS OF a processing-time attribute: a lookup join (SQLLookupJoins.swift).
    if case .column(_, let c) = asOf.kind, c == left.proctime, c != left.rowtime {
      return planLookupJoin(left, def, alias: alias ?? name, on, span, vspan, kind: kind)
    }
    let asOfOK: Bool
    if case .column(_, let c) = asOf.kind, c == left.rowtime, silentOK(binder(left.columns), asOf) { asOfOK = true } else { asOfOK = false }
    guard asOfOK else {
      _ = binder(left.columns).bind(asOf)
      diag.add(.error("E0805", "FOR SYSTEM_TIME AS OF must name the left input's event-time column\(left.rowtime.map { " '\($0)'" } ?? "")", at: asOf.span,
                      notes: ["note: AS OF a processing-time attribute (a PROCTIME() column) makes a lookup join",
                              "help: declare the event time of both tables (WATERMARK FOR) and join AS OF the left one's"]))
      return nil
    }
    guard !(def.primaryKey ?? []).isEmpty, def.rowtime != nil else {
      diag.add(.error("E0805", "'\(name)' is not a versioned table: it needs a PRIMARY KEY and a WATERMARK", at: vspan,
                      notes: ["help: CREATE TABLE \(name) (..., PRIMARY KEY (id) NOT ENFORCED, WATERMARK FOR ts AS ts) WITH (...)"]))
      return nil
    }
    let right = sourceRelation(def, qualifier: alias ?? name, span: vspan)
    let columns = left.columns + right.columns
    let both = binder(columns), lb = binder(left.columns), rb = binder(right.columns)
    let errorsBefore = diag.errorCount
    let whole = both.bind(on)
    guard diag.errorCount == errorsBefore, both.expect(whole, [.boolean], "ON") else { return nil }
    var leftKeys: [String: Typed] = [:], rightSlots: [String: Typed] = [:]
    var residual: [SQLExpr] = []
    for c in conjuncts(on) {
      if case .binary("=", let a, let b) = c.kind {
        func onlyLeft(_ x: SQLExpr) -> Bool { silentOK(lb, x) && !silentOK(rb, x) }
        func onlyRight(_ x: SQLExpr) -> Bool { silentOK(rb, x) && !silentOK(lb, x) }
        let sides: (SQLExpr, SQLExpr)? = onlyLeft(a) && onlyRight(b) ? (a, b) : (onlyLeft(b) && onlyRight(a) ? (b, a) : nil)
        if let (le, re) = sides, case .column(_, let rc) = re.kind, (def.primaryKey ?? []).contains(rc), leftKeys[rc] == nil {
          var lt = lb.bind(le), rt = rb.bind(re)
          guard let t = SQLType.common(lt.type, rt.type) else {
            diag.add(.error("E0804", "cannot join \(lt.type) with \(rt.type)", at: c.span, notes: ["help: CAST one side"]))
            return nil
          }
          lt = lb.coerce(lt, to: t)
          rt = rb.coerce(rt, to: t)
          leftKeys[rc] = lt
          rightSlots[rc] = rt
          continue
        }
      }
      residual.append(c)
    }
    guard leftKeys.count == (def.primaryKey ?? []).count else {
      let missing = (def.primaryKey ?? []).filter { leftKeys[$0] == nil }
      diag.add(.error("E0805", "a temporal join's condition must equate every PRIMARY KEY column of '\(name)' with the left input", at: on.span,
                      notes: ["note: missing: \(missing.map { "\(alias ?? name).\($0)" }.joined(separator: ", "))"]))
      return nil
    }
    func keyFunction(_ ks: [Typed], _ text: String) -> FunctionValue {
      let fs = ks.map(\.eval)
      return FunctionValue(info: FunctionInfo(text: text, fieldsRead: ks.reduce(Set<String>()) { $0.union($1.reads) }, constant: nil, updatedFields: nil)) { row in
        fs.count == 1 ? try fs[0](row) : .list(try fs.map { try $0(row) })
      }
    }
    let order = def.primaryKey ?? []
    let lk = makeNode(.keyBy(keyFunction(order.compactMap { leftKeys[$0] }, "JOIN KEY")), [left.node], "join key", span, left.node.schema)
    let rk = makeNode(.keyBy(keyFunction(order.compactMap { rightSlots[$0] }, "PRIMARY KEY")), [right.node], "primary key", vspan, right.node.schema)
    let versions = makeNode(.latest, [rk], "versions", vspan, "")
    let lookup = makeNode(.lookup, [lk, versions], "temporal join", span, "")
    var condition: ((Value) throws -> Value)?
    if !residual.isEmpty {
      var c = both.bind(residual[0])
      for r in residual.dropFirst() { c = both.bindBinary("AND", c, both.bind(r), r.span) }
      condition = c.eval
    }
    let shape = Shape(columns.map(\.name))
    let nl = left.columns.count, nr = right.columns.count
    let keep = kind == "LEFT"
    let flatten = FunctionValue(info: FunctionInfo(text: "TEMPORAL JOIN ROW", fieldsRead: nil, constant: nil, updatedFields: nil)) { v in
      guard case .record(let pair) = v, pair.values.count == 3, case .record(let a) = pair.values[1] else { return .list([]) }
      var values = Array(a.values.prefix(nl))
      // A changelog source's version deleted by then (-D) is no version.
      if !hasNull(pair.values[0]), case .record(let b) = pair.values[2], !isDeletedVersion(b, nr) {
        let row = Record(shape: shape, values: values + b.values.prefix(nr))
        if let c = condition, case .bool(true) = try c(.record(row)) {
          return .list([.record(row)])
        } else if condition == nil {
          return .list([.record(row)])
        }
      }
      guard keep else { return .list([]) }
      values.append(contentsOf: Array(repeating: .null, count: nr))
      return .list([.record(Record(shape: shape, values: values))])
    }
    let node = makeNode(.flatMap(flatten), [lookup], "join row", span, flowSchema(columns.map { ($0.name, $0.type) }))
    // The left input's event time goes on (as in Flink), when its name is unambiguous.
    let rowtime = left.rowtime.flatMap { rt in columns.filter { $0.name == rt }.count == 1 ? rt : nil }
    return Relation(columns: columns, node: node, rowtime: rowtime)
  }
}
