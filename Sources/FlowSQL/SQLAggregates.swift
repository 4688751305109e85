import FlowSyntax
import FlowRuntime

enum SQLAggregateKind: String {
  case COUNT, SUM, MIN, MAX, AVG
}

/// What an aggregate query's SELECT and HAVING may refer to: the group keys,
/// the window bounds (window aggregation) and aggregate calls, each read from
/// the aggregation's output row `{key, [start, end,] a0, a1, ...}`.
final class AggregateScope {
  struct Key {
    var expr: SQLExpr
    var slot: Int?
    var typed: Typed
  }
  let rowBinder: ExprBinder
  var keys: [Key] = []
  let windowed: Bool
  /// TUMBLE, HOP or SESSION for a legacy group window (`GROUP BY TUMBLE(...)`).
  var legacyWindow: String?
  /// The aggregates found so far, by canonical text (each computed once).
  var calls: [(canonical: String, spec: AggSpec, type: SQLType)] = []
  var firstAggSlot: Int { windowed ? 3 : 1 }
  /// A changelog aggregate: accumulators that can take rows back.
  var retractable = false

  init(rowBinder: ExprBinder, windowed: Bool) {
    self.rowBinder = rowBinder
    self.windowed = windowed
  }

  func silentSlot(_ e: SQLExpr) -> Int? {
    guard case .column(let q, let name) = e.kind else { return nil }
    let m = rowBinder.columns.indices.filter { i in rowBinder.columns[i].name == name && (q.map { rowBinder.columns[i].qualifiers.contains($0) } ?? true) }
    return m.count == 1 ? m[0] : nil
  }

  func addKey(_ e: SQLExpr) {
    keys.append(Key(expr: e, slot: silentSlot(e), typed: rowBinder.bind(e)))
  }

  /// The key value of a row: the single key itself, or a list of them.
  var keyFunction: (Value) throws -> Value {
    let fs = keys.map(\.typed.eval)
    switch fs.count {
    case 0: return { _ in .int(0) }
    case 1: return fs[0]
    default: return { row in .list(try fs.map { try $0(row) }) }
    }
  }

  func lookup(_ e: SQLExpr, binder: ExprBinder) -> Typed? {
    if case .call(let name, let args, let distinct, let star, let filter) = e.kind, let kind = SQLAggregateKind(rawValue: name.uppercased()) {
      return bindAggregate(kind, args, distinct: distinct, star: star, filter: filter, e)
    }
    // TUMBLE_START(ts, ...), HOP_END(...), SESSION_ROWTIME(...): the bounds
    // of the legacy group window (its arguments repeat the GROUP BY's).
    if let w = legacyWindow, case .call(let name, _, _, _, _) = e.kind {
      let upper = name.uppercased()
      for (suffix, slot, minus) in [("_START", 1, Int64(0)), ("_END", 2, 0), ("_ROWTIME", 2, 1)] where upper == w + suffix {
        return Typed(type: .timestamp, eval: { row in
          guard case .record(let r) = row, case .time(let t) = r.values[slot] else { return .null }
          return .time(t - minus)
        }, reads: [], isConstant: false, span: e.span)
      }
    }
    let slot = silentSlot(e)
    let canonical = e.canonical
    for (i, k) in keys.enumerated() where (slot != nil && k.slot == slot) || k.expr.canonical == canonical {
      let single = keys.count == 1
      return Typed(type: k.typed.type, eval: { row in
        guard case .record(let r) = row else { return .null }
        if single { return r.values[0] }
        if case .list(let xs) = r.values[0], i < xs.count { return xs[i] }
        return .null
      }, reads: [], isConstant: false, span: e.span)
    }
    if windowed, case .column(_, let name) = e.kind, ["window_start", "window_end", "window_time"].contains(name), slot != nil {
      let i = name == "window_start" ? 1 : 2
      let minus: Int64 = name == "window_time" ? 1 : 0
      return Typed(type: .timestamp, eval: { row in
        guard case .record(let r) = row, case .time(let t) = r.values[i] else { return .null }
        return .time(t - minus)
      }, reads: [], isConstant: false, span: e.span)
    }
    return nil
  }

  func bindAggregate(_ kind: SQLAggregateKind, _ args: [SQLExpr], distinct: Bool, star: Bool, filter: SQLExpr?, _ e: SQLExpr) -> Typed {
    let d = rowBinder.diagnostics
    func fail(_ message: String, _ notes: [String] = []) -> Typed {
      d.add(.error("E0805", message, at: e.span, notes: notes))
      return .constant(.null, .null, e.span)
    }
    if star && kind != .COUNT { return fail("\(kind.rawValue)(*) is not valid", ["help: only COUNT takes *"]) }
    if !star && args.count != 1 { return fail("\(kind.rawValue) takes one argument, found \(args.count)") }
    // Arguments are row expressions: nested aggregates are rejected there.
    let arg = star ? nil : rowBinder.bind(args[0])
    var type: SQLType = .bigint
    if let a = arg {
      switch kind {
      case .COUNT: type = .bigint
      case .SUM, .AVG:
        guard rowBinder.expect(a, [.double], kind.rawValue) else { return .constant(.null, .null, e.span) }
        type = a.type == .null ? .bigint : a.type
      case .MIN, .MAX:
        if a.type == .boolean || a.type == .interval { return fail("\(kind.rawValue) of \(a.type) is not supported") }
        type = a.type
      }
    }
    var filterFn: ((Value) throws -> Value)?
    var filterReads = Set<String>()
    if let f = filter {
      let t = rowBinder.bind(f)
      filterReads = t.reads
      _ = rowBinder.expect(t, [.boolean], "FILTER (WHERE ...)")
      filterFn = t.eval
    }
    let canonical = e.canonical
    let index: Int
    if let i = calls.firstIndex(where: { $0.canonical == canonical }) {
      index = i
    } else {
      let argFn = arg?.eval
      let reads = (arg?.reads ?? []).union(filterReads)
      let spec = retractable
        ? AggSpec(.custom(make: { RetractableSQLAccumulator(kind: kind, arg: argFn, filter: filterFn, distinct: distinct) }, fieldsRead: reads), name: kind.rawValue.lowercased())
        : AggSpec(.custom(make: { SQLAccumulator(kind: kind, arg: argFn, filter: filterFn, distinct: distinct) }, fieldsRead: reads), name: kind.rawValue.lowercased())
      calls.append((canonical, spec, type))
      index = calls.count - 1
    }
    let slot = firstAggSlot + index
    return Typed(type: type, eval: { row in
      guard case .record(let r) = row, slot < r.values.count else { return .null }
      return r.values[slot]
    }, reads: [], isConstant: false, span: e.span)
  }

  /// The aggregation node's fields and output shape.
  var fields: [(String, AggSpec)] { calls.enumerated().map { ("a\($0.offset)", $0.element.spec) } }
  var shape: Shape { Shape(["key"] + (windowed ? ["start", "end"] : []) + calls.indices.map { "a\($0)" }) }
}

/// SQL aggregate semantics: NULL arguments are skipped, FILTER keeps only
/// rows where the condition is TRUE, DISTINCT counts each value once. SUM,
/// MIN, MAX and AVG of no values are NULL; COUNT of none is 0. AVG of
/// integers is an integer (truncated), as in Flink.
final class SQLAccumulator: Accumulator {
  let kind: SQLAggregateKind
  let arg: ((Value) throws -> Value)?
  let filter: ((Value) throws -> Value)?
  let distinct: Bool
  var count: Int64 = 0
  /// SUM/AVG running total, MIN/MAX current extreme; NULL before any value.
  var acc: Value = .null
  var seen: Set<Value> = []

  init(kind: SQLAggregateKind, arg: ((Value) throws -> Value)?, filter: ((Value) throws -> Value)?, distinct: Bool) {
    self.kind = kind
    self.arg = arg
    self.filter = filter
    self.distinct = distinct
  }

  func add(_ row: Value) throws {
    if let f = filter {
      guard case .bool(true) = try f(row) else { return }
    }
    guard let a = arg else {
      count += 1
      return
    }
    let v = try a(row)
    if case .null = v { return }
    if distinct {
      guard seen.insert(v).inserted else { return }
    }
    try fold(v, 1)
  }

  func fold(_ v: Value, _ n: Int64) throws {
    count += n
    switch kind {
    case .COUNT: break
    case .SUM, .AVG: acc = isNull(acc) ? v : try addNumbers(acc, v)
    case .MIN: if isNull(acc) || compareValues(v, acc) < 0 { acc = v }
    case .MAX: if isNull(acc) || compareValues(v, acc) > 0 { acc = v }
    }
  }

  func merge(_ other: Accumulator) throws {
    guard let o = other as? SQLAccumulator else { return }
    if distinct {
      for v in o.seen where seen.insert(v).inserted { try fold(v, 1) }
      return
    }
    if arg == nil || kind == .COUNT {
      count += o.count
      return
    }
    if !isNull(o.acc) { try fold(o.acc, o.count) }
  }

  func result() throws -> Value {
    switch kind {
    case .COUNT: return .int(count)
    case .SUM, .MIN, .MAX: return acc
    case .AVG:
      guard count > 0 else { return .null }
      switch acc {
      case .int(let s): return .int(s / count)
      case .float(let s): return .float(s / Double(count))
      default: return .null
      }
    }
  }

  func save(_ w: inout StateWriter) throws {
    w.int(count)
    try w.value(acc)
    try w.value(.list(Array(seen)))
  }

  func load(_ r: inout StateReader) throws {
    count = try r.int()
    acc = try r.value()
    if case .list(let xs) = try r.value() { seen = Set(xs) }
  }

  func copy() -> Accumulator {
    let c = SQLAccumulator(kind: kind, arg: arg, filter: filter, distinct: distinct)
    c.count = count
    c.acc = acc
    c.seen = seen
    return c
  }
}
