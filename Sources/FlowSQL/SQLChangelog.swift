import Foundation
import FlowSyntax
import FlowRuntime
import FlowConnectors
import FlowIR

/// Updating results (changelogs): which relations carry a change kind, the
/// `SET` options that govern them, the plan nodes of changelog aggregates
/// and joins, and the sinks that apply a changelog.
///
/// A non-windowed GROUP BY or a regular join emits a changelog when its input
/// is unbounded, when its input is itself a changelog, or in streaming mode
/// (`SET 'execution.runtime-mode' = 'streaming'`, Flink's default, where a
/// bounded file is read like a stream). Otherwise (batch mode on bounded
/// input) it gives final rows, as before. The rows of an updating relation
/// carry their kind as a last `rowKind` field (ChangeKind), which every SQL
/// projection and filter passes through.
final class ChangelogState {
  var streaming = false
  var ttl: StateTTL?
  var ttlEventTime = false
  /// Plan nodes whose rows carry a `rowKind` field.
  var updating = Set<ObjectIdentifier>()
  /// An embedded `sql(...)` query: a changelog on an unbounded stream,
  /// final rows on a bounded one (SQLEmbedded.swift gives both a `rowKind`).
  var embedded = false
  /// Updating ROW_NUMBER results: the node of each, its rank node's spec
  /// and which output column is the row number (for Top-N limits).
  var rankOutputs: [ObjectIdentifier: (spec: ChangelogSpec, column: Int)] = [:]
}

extension SQLCompiler {
  func isUpdating(_ n: PlanNode) -> Bool { changes.updating.contains(ObjectIdentifier(n)) }

  @discardableResult
  func markUpdating(_ n: PlanNode) -> PlanNode {
    changes.updating.insert(ObjectIdentifier(n))
    return n
  }

  /// Whether a non-windowed aggregate or regular join over these inputs
  /// must emit a changelog rather than final rows.
  func emitsChanges(_ inputs: [PlanNode]) -> Bool {
    return changes.streaming || inputs.contains { !$0.isBounded || isUpdating($0) }
  }

  // MARK: SET

  func applySet(_ key: String, _ value: String, _ span: Span) {
    switch key {
    case "execution.runtime-mode":
      switch value.lowercased() {
      case "streaming": changes.streaming = true
      case "batch": changes.streaming = false
      default: diag.add(.error("E0808", "'execution.runtime-mode' must be 'streaming' or 'batch'", at: span))
      }
    case "table.exec.state.ttl":
      guard let ms = parseTTL(value) else {
        diag.add(.error("E0808", "'table.exec.state.ttl' must be a duration such as '1 h', '30 min', '10 s' or '500 ms'", at: span))
        return
      }
      changes.ttl = ms > 0 ? StateTTL(millis: ms, eventTime: changes.ttlEventTime) : nil
    case "table.exec.state.ttl.time":
      switch value.lowercased() {
      case "event-time": changes.ttlEventTime = true
      case "processing-time": changes.ttlEventTime = false
      default:
        diag.add(.error("E0808", "'table.exec.state.ttl.time' must be 'processing-time' or 'event-time'", at: span))
        return
      }
      if let t = changes.ttl { changes.ttl = StateTTL(millis: t.millis, eventTime: changes.ttlEventTime) }
    default:
      diag.add(Diagnostic(.warning, code: "E0805", message: "option '\(key)' is not supported and is ignored", span: span,
                          notes: ["note: the options are: 'execution.runtime-mode', 'table.exec.state.ttl', 'table.exec.state.ttl.time'"]))
    }
  }

  /// Flink's duration syntax: a number and an optional unit (ms, s, min, h,
  /// d and their long forms); a bare number is milliseconds.
  func parseTTL(_ text: String) -> Int64? {
    let t = text.trimmingCharacters(in: .whitespaces).lowercased()
    let digits = t.prefix { $0.isNumber }
    guard let n = Int64(digits) else { return nil }
    let unit = t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
    let units: [String: Int64] = [
      "": 1, "ms": 1, "milli": 1, "millis": 1, "millisecond": 1, "milliseconds": 1,
      "s": 1000, "sec": 1000, "secs": 1000, "second": 1000, "seconds": 1000,
      "min": 60_000, "m": 60_000, "minute": 60_000, "minutes": 60_000,
      "h": 3_600_000, "hour": 3_600_000, "hours": 3_600_000,
      "d": 86_400_000, "day": 86_400_000, "days": 86_400_000,
    ]
    guard let u = units[unit] else { return nil }
    let (r, o) = n.multipliedReportingOverflow(by: u)
    return o ? nil : r
  }

  // MARK: plan nodes

  /// The changelog aggregate replacing `.aggregate` for a non-windowed GROUP BY.
  func changelogAggregateNode(_ keyed: PlanNode, _ scope: AggregateScope, _ span: Span) -> PlanNode {
    let spec = ChangelogSpec(.aggregate(fields: scope.fields, shape: scope.shape), ttl: changes.ttl)
    return markUpdating(makeNode(.changelog(spec), [keyed], "changelog aggregate", span, ""))
  }

  /// A regular join emitting a changelog; its rows are the two sides'
  /// columns (NULL on the padded side of an outer join) and the kind.
  func changelogJoin(_ lk: PlanNode, _ rk: PlanNode, _ type: ChangelogSpec.JoinType, columns: [SQLColumn], nl: Int, nr: Int, _ span: Span) -> PlanNode {
    let spec = ChangelogSpec(.join(type), ttl: changes.ttl, nullKeysMatch: false)
    let joined = makeNode(.changelog(spec), [lk, rk], "\(type == .inner ? "" : type.rawValue + " ")join", span, "")
    let shape = Shape(columns.map(\.name) + [ChangeKind.field])
    let flatten = FunctionValue(info: FunctionInfo(text: "JOIN ROW", fieldsRead: nil, constant: nil, updatedFields: nil), unary: { v in
      guard case .record(let pair) = v, pair.values.count == 4 else { return .null }
      var values: [Value] = []
      values.reserveCapacity(nl + nr + 1)
      if case .record(let a) = pair.values[1] { values.append(contentsOf: a.values.prefix(nl)) } else { values.append(contentsOf: repeatElement(.null, count: nl)) }
      if case .record(let b) = pair.values[2] { values.append(contentsOf: b.values.prefix(nr)) } else { values.append(contentsOf: repeatElement(.null, count: nr)) }
      values.append(pair.values[3])
      return .record(Record(shape: shape, values: values))
    })
    return markUpdating(makeNode(.map(flatten), [joined], "join row", span, flowSchema(columns.map { ($0.name, $0.type) })))
  }

  /// Batch mode: a changelog over bounded input applied at its end, giving
  /// the final rows (in the order they were first inserted).
  func materialize(_ node: PlanNode, _ span: Span) -> PlanNode {
    let one = FunctionValue(info: FunctionInfo(text: "ALL ROWS", fieldsRead: [], constant: nil, updatedFields: nil), unary: { _ in .int(0) })
    var n = makeNode(.keyBy(one), [node], "final rows", span, node.schema)
    let agg = AggSpec(.custom(make: { FinalRows() }, fieldsRead: nil), name: "rows")
    n = makeNode(.aggregate(fields: [("rows", agg)], shape: Shape(["key", "rows"])), [n], "apply changelog", span, "")
    let unpack = FunctionValue(info: FunctionInfo(text: "FINAL ROWS", fieldsRead: nil, constant: nil, updatedFields: nil), unary: { v in
      guard case .record(let x) = v, x.values.count == 2, case .list(let rows) = x.values[1] else { return .list([]) }
      return .list(rows)
    })
    return makeNode(.flatMap(unpack), [n], "final rows", span, node.schema)
  }

  /// `+I[1001, 3]`: a change row printed as Flink's print connector does.
  func printChangesNode(_ node: PlanNode, _ span: Span) -> PlanNode {
    let f = FunctionValue(info: FunctionInfo(text: "CHANGE ROW", fieldsRead: nil, constant: nil, updatedFields: nil), unary: { v in
      guard case .record(let r) = v, let kind = r.values.last else { return v }
      let fields = r.values.dropLast().map { x -> String in
        if case .time(let t) = x { return flinkTimestamp(t) }
        return render(x, quoted: false)
      }
      return .string(render(kind, quoted: false) + "[" + fields.joined(separator: ", ") + "]")
    })
    return makeNode(.map(f), [node], "change kind", span, "String")
  }

  /// The sink of a query or INSERT INTO: updating rows are printed with
  /// their kind, upserted into a keyed file, or refused by an append-only one.
  func changelogSink(_ def: TableDef?, _ node: PlanNode, _ span: Span, columns: [String]) -> PlanNode? {
    guard isUpdating(node) else { return nil }
    if def == nil || def?.connector.isPrint == true {
      let spec = SinkSpec(description: "print (changelog)") { _ in SharedStdout() }
      return makeNode(.sink(spec), [printChangesNode(node, span)], "print", span, "")
    }
    guard let def = def else { return nil }
    if case .blackhole = def.connector {
      return makeNode(.sink(SinkSpec(description: "blackhole") { _ in ValueSinkWriter(DiscardSink()) }), [node], "sink \(def.name)", span, "")
    }
    guard let key = def.primaryKey else {
      diag.add(.error("E0820", "table '\(def.name)' is append-only, but the query's result is updating (its rows are changed and retracted: -U, +U, -D)", at: span,
                      notes: ["help: declare a key so the file holds the latest row per key: PRIMARY KEY (\(def.columns.first?.name ?? "k")) NOT ENFORCED", "note: or write to a 'print' table, which prints each change with its kind"]))
      return nil
    }
    let slots = key.compactMap { k in def.columns.firstIndex { $0.name == k } }
    let names = def.columns.map(\.name)
    let spec: SinkSpec
    switch def.connector {
    case .csv(let path, _, let delim, _):
      spec = SinkSpec(description: "upsert filesystem csv '\(path)'") { exactlyOnce in UpsertFileSink(path: path, format: .csv(delim), key: slots, columns: names, twoPhase: exactlyOnce) }
    case .json(let path, _):
      spec = SinkSpec(description: "upsert filesystem json '\(path)'") { exactlyOnce in UpsertFileSink(path: path, format: .json, key: slots, columns: names, twoPhase: exactlyOnce) }
    default:
      return nil
    }
    return makeNode(.sink(spec), [node], "sink \(def.name)", span, "")
  }

  /// Refuses what has no meaning on a changelog yet.
  func refuseUpdating(_ node: PlanNode, _ what: String, _ span: Span, help: String) -> Bool {
    guard isUpdating(node) else { return false }
    diag.add(.error("E0805", "\(what) over an updating result (a changelog) is not supported", at: span, notes: ["help: \(help)"]))
    return true
  }
}

/// `2015-07-15T00:00:01` (milliseconds only when there are some), as Flink prints TIMESTAMP(3).
func flinkTimestamp(_ ms: Int64) -> String {
  let d = Date(timeIntervalSince1970: Double(ms) / 1000)
  var c = Calendar(identifier: .gregorian)
  c.timeZone = TimeZone(identifier: "UTC") ?? c.timeZone
  let p = c.dateComponents([.year, .month, .day, .hour, .minute, .second], from: d)
  let msPart = ((ms % 1000) + 1000) % 1000
  let base = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", p.year ?? 0, p.month ?? 0, p.day ?? 0, p.hour ?? 0, p.minute ?? 0, p.second ?? 0)
  return msPart == 0 ? base : base + String(format: ".%03d", Int(msPart))
}

/// Applies a changelog to a multiset of rows, for the final rows of a
/// bounded changelog (batch mode).
final class FinalRows: Accumulator {
  var order: [Value] = []
  var counts: [Value: Int] = [:]
  var strip: [ObjectIdentifier: Shape] = [:]

  func add(_ v: Value) throws {
    let (row, kind) = ChangeKind.split(v, strip: &strip)
    if kind.isAccumulate {
      if counts[row] == nil { order.append(row) }
      counts[row, default: 0] += 1
    } else if let c = counts[row] {
      counts[row] = c - 1
    }
  }

  func merge(_ other: Accumulator) throws {
    guard let o = other as? FinalRows else { return }
    for r in o.order {
      if counts[r] == nil { order.append(r) }
      counts[r, default: 0] += o.counts[r] ?? 0
    }
  }

  func result() throws -> Value {
    var out: [Value] = []
    for r in order { for _ in 0..<max(0, counts[r] ?? 0) { out.append(r) } }
    return .list(out)
  }

  func save(_ w: inout StateWriter) throws {
    w.int(order.count)
    for r in order { try w.value(r); w.int(counts[r] ?? 0) }
  }

  func load(_ r: inout StateReader) throws {
    let n = try r.count()
    for _ in 0..<n {
      let row = try r.value()
      order.append(row)
      counts[row] = Int(try r.int())
    }
  }

  func copy() -> Accumulator {
    let c = FinalRows()
    c.order = order
    c.counts = counts
    return c
  }
}

extension SQLCompiler {
  /// A regular join as a changelog join (see `emitsChanges`), or an outer
  /// join on bounded input in batch mode: its changelog applied at the end.
  func planChangelogJoin(_ left: Relation, _ right: Relation, _ lk: PlanNode, _ rk: PlanNode, _ type: ChangelogSpec.JoinType,
                         interval: Bool, residual: [SQLExpr], binder both: ExprBinder, _ on: SQLExpr, _ span: Span) -> Relation? {
    if interval {
      if type != .inner {
        diag.add(.error("E0805", "\(type.rawValue.uppercased()) OUTER interval joins are not supported", at: span, notes: ["help: an inner interval join, or an outer join without time bounds"]))
      } else {
        diag.add(.error("E0805", "an interval join over an updating result (a changelog) is not supported", at: span, notes: ["help: join the rows before they are aggregated"]))
      }
      return nil
    }
    if type != .inner && !residual.isEmpty {
      diag.add(.error("E0805", "the ON condition of an outer join may only hold equalities between the two sides", at: on.span,
                      notes: ["help: filter one side in a subquery before joining, or filter the joined rows in WHERE"]))
      return nil
    }
    let columns = left.columns + right.columns
    var node = changelogJoin(lk, rk, type, columns: columns, nl: left.columns.count, nr: right.columns.count, span)
    if !residual.isEmpty {
      var cond = both.bind(residual[0])
      for c in residual.dropFirst() { cond = both.bindBinary("AND", cond, both.bind(c), c.span) }
      node = filterNode(node, cond, on.span, name: "on")
    }
    if !emitsChanges([left.node, right.node]) {
      guard left.node.isBounded && right.node.isBounded else {
        diag.add(.error("E0805", "an outer join of an unbounded stream in an embedded sql(...) query is not supported", at: span,
                        notes: ["help: use the Table API: leftJoin(a |> groupBy(...), b |> groupBy(...)) (operators.md)"]))
        return nil
      }
      node = materialize(node, span)
    }
    return Relation(columns: columns, node: node, rowtime: nil)
  }
}

extension SQLCompiler {
  /// A PRIMARY KEY names declared columns, once each, of a filesystem table
  /// (the upsert file sink; other connectors have no use for it).
  func checkPrimaryKey(_ key: [(name: String, span: Span)], _ columns: [String], connector: String, span: Span) -> Bool {
    guard connector == "filesystem" else {
      diag.add(.error("E0808", "PRIMARY KEY is supported on filesystem tables only (an upsert file sink)", at: span, notes: ["help: drop the constraint; 'print' shows every change with its kind"]))
      return false
    }
    var seen = Set<String>()
    for (name, sp) in key {
      guard columns.contains(name) else {
        diag.add(.error("E0803", "unknown column '\(name)' in PRIMARY KEY", at: sp, notes: ["note: available columns: \(columns.joined(separator: ", "))"]))
        return false
      }
      guard seen.insert(name).inserted else {
        diag.add(.error("E0808", "column '\(name)' appears twice in PRIMARY KEY", at: sp))
        return false
      }
    }
    return true
  }
}
