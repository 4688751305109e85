import FlowSyntax
import FlowRuntime

/// Processing time in SQL: `PROCTIME()` in a SELECT list and the computed
/// column `pt AS PROCTIME()` of CREATE TABLE make a processing-time
/// attribute (`Relation.proctime`). Its value is the time on the job's
/// processing clock when the row passes (the wall clock, or the simulated
/// clock of `flow run --clock-step`, `ProcessingClock.currentTime()`),
/// written into the row by a map. Window table functions and
/// GROUP BY windows over it run on Flow's processing-time windows
/// (`inProcessingTime`); `FOR SYSTEM_TIME AS OF` it is a lookup join.
extension SQLCompiler {
  /// The hidden column that PROCTIME() in a SELECT list reads.
  static let procTimeColumn = "$proctime"

  /// The rows of `rel` with their processing time inserted as column
  /// `name` at position `index`.
  func withProcTime(_ rel: Relation, name: String, at index: Int, _ span: Span) -> Relation {
    var columns = rel.columns
    let at = min(max(0, index), columns.count)
    columns.insert(SQLColumn(name: name, type: .timestamp, qualifiers: rel.columns.first?.qualifiers ?? []), at: at)
    let updating = isUpdating(rel.node)
    let shape = Shape(columns.map(\.name) + (updating ? [ChangeKind.field] : []))
    // A record update that only adds `name`: projection pruning sees through it.
    let info = FunctionInfo(text: "PROCTIME() AS \(name)", fieldsRead: [], constant: nil, updatedFields: [name])
    let stamp = FunctionValue(info: info, unary: { row in
      guard case .record(let r) = row else { return row }
      var values = r.values
      values.insert(.time(ProcessingClock.currentTime()), at: min(at, values.count))
      return .record(Record(shape: shape, values: values))
    })
    var node = makeNode(.map(stamp), [rel.node], "proctime", span, flowSchema(columns.map { ($0.name, $0.type) }))
    if updating { node = markUpdating(node) }
    let out = Relation(columns: columns, node: node, rowtime: rel.rowtime)
    out.proctime = name
    return out
  }

  /// Whether the SELECT list calls PROCTIME() (anywhere in an item).
  func selectsProcTime(_ s: SQLSelect) -> Bool {
    s.items.contains { item in
      if case .expr(let e, _) = item { return callsFunction(e, "PROCTIME") }
      return false
    }
  }

  /// Whether a SELECT item passes on a processing-time attribute: the
  /// attribute itself or a PROCTIME() call.
  func isProcTimeAttribute(_ e: SQLExpr, _ rel: Relation) -> Bool {
    switch e.kind {
    case .column(_, let c): return c == rel.proctime && c != Self.procTimeColumn
    case .call(let n, let args, _, _, _): return n.uppercased() == "PROCTIME" && args.isEmpty
    default: return false
    }
  }

  func callsFunction(_ e: SQLExpr, _ name: String) -> Bool {
    switch e.kind {
    case .call(let n, let args, _, _, let f):
      return n.uppercased() == name || args.contains { callsFunction($0, name) } || (f.map { callsFunction($0, name) } ?? false)
    case .column, .literal, .unsupported, .rowNumber: return false
    case .overAggregate(let c, _, _, _): return callsFunction(c, name)
    case .binary(_, let a, let b), .like(let a, let b, _): return callsFunction(a, name) || callsFunction(b, name)
    case .unary(_, let a), .isNull(let a, _), .isBool(let a, _, _), .cast(let a, _): return callsFunction(a, name)
    case .between(let a, let b, let c, _): return callsFunction(a, name) || callsFunction(b, name) || callsFunction(c, name)
    case .inList(let a, let xs, _): return callsFunction(a, name) || xs.contains { callsFunction($0, name) }
    case .caseWhen(let o, let ws, let el):
      return (o.map { callsFunction($0, name) } ?? false) || ws.contains { callsFunction($0.0, name) || callsFunction($0.1, name) }
        || (el.map { callsFunction($0, name) } ?? false)
    }
  }

  /// The processing-time form of a window: Flow's processing-time windows
  /// are tumbling or sliding; CUMULATE (nil) assigns windows from the
  /// column's value; SESSION has no processing-time form.
  func processingTimeWindow(_ spec: WindowSpec?, _ function: String, _ span: Span) -> WindowSpec?? {
    guard let s = spec else { return .some(nil) }
    switch s {
    case .tumbling, .sliding: return .some(.processingTime(s))
    default:
      diag.add(.error("E0805", "\(function) windows on a processing-time attribute are not supported", at: span,
                      notes: ["help: use TUMBLE or HOP over PROCTIME(), or a SESSION window over an event-time column (WATERMARK FOR)"]))
      return nil
    }
  }

  /// CREATE TABLE's computed columns (only `name AS PROCTIME()`) and lookup
  /// options; false when the table is not defined.
  func defineExtras(_ t: CreateTable, _ def: inout TableDef, _ columns: [String], _ opts: [String: (String, Span)]) -> Bool {
    for (i, c) in t.computed.enumerated() {
      guard case .call(let n, let args, false, false, nil) = c.expr.kind, n.uppercased() == "PROCTIME", args.isEmpty else {
        diag.add(.error("E0805", "computed column '\(c.name)' is not supported: only `\(c.name) AS PROCTIME()` is", at: c.expr.span,
                        notes: ["help: declare plain columns and compute values in a view or query: CREATE VIEW v AS SELECT *, expr AS \(c.name) FROM \(t.name)"]))
        return false
      }
      guard i == 0 else {
        diag.add(.error("E0805", "a table may have one PROCTIME() column", at: c.span))
        return false
      }
      guard !columns.contains(c.name) else {
        diag.add(.error("E0808", "column '\(c.name)' is declared twice", at: c.span))
        return false
      }
      guard def.connector.isSource else {
        diag.add(.error("E0808", "a sink table cannot have a PROCTIME() column", at: c.span, notes: ["help: remove the column from '\(t.name)'"]))
        return false
      }
      def.proctime = (c.name, c.index)
    }
    for key in ["lookup.cache.ttl", "lookup.join.cache.ttl"] {
      guard let (v, span) = opts[key] else { continue }
      guard let ms = parseTTL(v) else {
        diag.add(.error("E0808", "'\(key)' must be a duration such as '10 min', '30 s' or '500 ms'", at: span))
        return false
      }
      def.lookupTTL = ms > 0 ? ms : nil
    }
    return true
  }
}

extension ExprBinder {
  /// PROCTIME() and the functions declared with CREATE FUNCTION; nil for
  /// an unknown name.
  func bindOtherFunction(_ upper: String, _ written: String, _ args: [Typed], _ span: Span) -> Typed? {
    if upper == "PROCTIME" {
      guard args.isEmpty else {
        return error("E0806", "PROCTIME takes no arguments, found \(args.count)", span, notes: ["help: PROCTIME()"])
      }
      guard aggregate == nil, let slot = columns.firstIndex(where: { $0.name == SQLCompiler.procTimeColumn }) else {
        return error("E0805", "PROCTIME() is only supported as an item of a SELECT list without GROUP BY, or as a computed column", span,
                     notes: ["help: SELECT *, PROCTIME() AS pt FROM t, or CREATE TABLE t (..., pt AS PROCTIME()) WITH (...)"])
      }
      return column(slot, span)
    }
    if let f = functions[upper] { return f.bind(self, written, args, span) }
    return nil
  }
}
