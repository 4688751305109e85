import FlowSyntax
import FlowRuntime

/// OVER aggregates on unbounded input (or in streaming mode), as Flink
/// runs them: `agg(x) OVER (PARTITION BY k ORDER BY t frame)` where `t` is
/// the input's event-time or processing-time attribute, ascending.
///
/// Event time: each row waits, per partition, until the watermark passes
/// its time; then the rows of that time are emitted in time order, each
/// with its aggregates over the frame (ROWS: the n rows before it and
/// itself; RANGE: the rows whose time is at most the interval before its
/// own, and all rows of its time, which share the result). Rows behind the
/// watermark on arrival are dropped, as in Flink. Processing time: each row
/// is emitted as it arrives, its time being its PROCTIME() value.
///
/// It runs on Flow's `process` (keyed state and event-time timers): a
/// partition's state is the rows waiting for the watermark, the rows a
/// bounded frame may still need (older ones are dropped as time passes),
/// and one running accumulator per UNBOUNDED PRECEDING aggregate.
extension SQLCompiler {
  /// Whether the OVER clause can run on unbounded input: aggregates only,
  /// ordered by the time attribute.
  func isStreamingOver(_ s: SQLSelect, _ order: [(SQLExpr, Bool)], _ rel: Relation) -> Bool {
    guard order.count == 1, !order[0].1, case .column(_, let c) = order[0].0.kind, c == rel.rowtime || c == rel.proctime else { return false }
    return !s.items.contains { item in
      if case .expr(let e, _) = item, case .rowNumber = e.kind { return true }
      return false
    }
  }

  func planStreamingOver(_ s: SQLSelect, _ rel: Relation, _ b: ExprBinder, _ whereT: Typed?, _ whereClause: SQLExpr?, _ errorsBefore: Int,
                         partition partitionExprs: [SQLExpr], order: SQLExpr, span overSpan: Span) -> Relation? {
    guard case .column(_, let timeColumn) = order.kind, let timeSlot = rel.columns.firstIndex(where: { $0.name == timeColumn }) else { return nil }
    let eventTime = timeColumn == rel.rowtime
    let partition = partitionExprs.map { b.bind($0) }
    var ext = rel.columns
    var aggs: [OverAggregate] = []
    var slots: [Int?] = []
    for item in s.items {
      guard case .expr(let e, _) = item, case .overAggregate(let call, _, _, let frame) = e.kind,
            case .call(let name, let args, _, let star, _) = call.kind, let kind = SQLAggregateKind(rawValue: name.uppercased()) else {
        slots.append(nil)
        continue
      }
      guard let agg = self.typedOverAggregate(kind, args, star: star, frame: frame, span: call.span, b) else { return nil }
      aggs.append(agg)
      ext.append(SQLColumn(name: "$over\(aggs.count - 1)", type: agg.type, qualifiers: []))
      slots.append(ext.count - 1)
    }
    let eb = binder(ext)
    var exprs: [(SQLExpr?, String?, String?)] = []
    var outs: [Typed] = []
    for (i, item) in s.items.enumerated() {
      switch item {
      case .star(let q, let span):
        for c in rel.columns.indices where (q.map { rel.columns[c].qualifiers.contains($0) } ?? true) && rel.columns[c].name != Self.procTimeColumn {
          exprs.append((nil, nil, rel.columns[c].name))
          outs.append(eb.column(c, span))
        }
      case .expr(let e, let alias):
        exprs.append((e, alias, nil))
        outs.append(slots[i].map { eb.column($0, e.span) } ?? eb.bind(e))
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
    node = makeNode(.keyBy(keyFn), [node], "partition by", overSpan, node.schema)
    let frames = OverFrames(aggs: aggs, shape: Shape(ext.map(\.name)))
    let stepShape = Shape(["state", "emit", "timers"])
    func step(_ state: OverState, _ emit: [Value], _ timers: [Value]) -> Value {
      .record(Record(shape: stepShape, values: [frames.isIdle(state) ? .null : state.value, .list(emit), .list(timers)]))
    }
    let onEvent = FunctionValue(arity: 3, info: FunctionInfo(text: "OVER", fieldsRead: nil, constant: nil, updatedFields: nil)) { args in
      var st = OverState(args[0], aggregates: aggs.count)
      guard case .record(let ctx) = args[2], ctx.values.count == 4 else { return step(st, [], []) }
      if eventTime {
        // Wait for the watermark; a row already behind it is late and dropped.
        guard case .time(let t) = ctx.values[1], case .time(let wm) = ctx.values[2], t > wm else { return step(st, [], []) }
        st.pending.append((t, args[1]))
        return step(st, [], [.time(t)])
      }
      guard case .record(let r) = args[1], timeSlot < r.values.count, case .time(let t) = r.values[timeSlot] else { return step(st, [], []) }
      let out = try frames.emit([(t, args[1])], at: t, &st)
      return step(st, out, [])
    }
    let onTimer = FunctionValue(arity: 3, info: nil) { args in
      var st = OverState(args[0], aggregates: aggs.count)
      guard case .time(let t) = args[1] else { return step(st, [], []) }
      // The rows of this time (and any earlier ones still waiting), in time
      // order; rows of one time keep their arrival order.
      let due = st.pending.enumerated().filter { $0.element.0 <= t }.sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element)
      st.pending.removeAll { $0.0 <= t }
      var out: [Value] = []
      var i = 0
      while i < due.count {
        var j = i
        while j < due.count && due[j].0 == due[i].0 { j += 1 }
        out += try frames.emit(Array(due[i..<j]), at: due[i].0, &st)
        i = j
      }
      return step(st, out, [])
    }
    let spec = ProcessSpec(initial: .null, onEvent: onEvent, onTimer: onTimer, ttlMillis: 0)
    node = makeNode(.process(spec), [node], "over", overSpan, flowSchema(ext.map { ($0.name, $0.type) }))
    let names = outputNames(exprs)
    node = projectNode(node, names, outs, s.span)
    var rowtime: String?, proctime: String?
    for (i, (e, _, given)) in exprs.enumerated() {
      let col: String? = given ?? { if let e = e, case .column(_, let c) = e.kind { return c }; return nil }()
      if let c = col, c == rel.rowtime { rowtime = names[i] }
      if let c = col, c == rel.proctime { proctime = names[i] }
    }
    let out = Relation(columns: zip(names, outs).map { SQLColumn(name: $0.0, type: $0.1.type, qualifiers: []) }, node: node, rowtime: rowtime)
    out.proctime = proctime
    return out
  }
}

/// A partition's state, kept by `process` as a Value: the rows waiting for
/// the watermark, the rows bounded frames may still need, and the running
/// accumulators (count, value) of UNBOUNDED frames.
struct OverState {
  var pending: [(Int64, Value)] = []
  var history: [(Int64, Value)] = []
  var runs: [(Int64, Value)]

  init(_ v: Value, aggregates: Int) {
    runs = Array(repeating: (0, .null), count: aggregates)
    guard case .list(let parts) = v, parts.count == 3, case .list(let p) = parts[0], case .list(let h) = parts[1], case .list(let r) = parts[2] else { return }
    func pairs(_ xs: [Value]) -> [(Int64, Value)] {
      xs.compactMap { x in
        guard case .list(let two) = x, two.count == 2 else { return nil }
        switch two[0] {
        case .time(let t), .int(let t): return (t, two[1])
        default: return nil
        }
      }
    }
    pending = pairs(p)
    history = pairs(h)
    let rs = pairs(r)
    if rs.count == aggregates { runs = rs }
  }

  var value: Value {
    func list(_ xs: [(Int64, Value)], time: Bool) -> Value { .list(xs.map { .list([time ? .time($0.0) : .int($0.0), $0.1]) }) }
    return .list([list(pending, time: true), list(history, time: true), list(runs, time: false)])
  }
}

/// The frames of a SELECT's OVER aggregates.
struct OverFrames {
  let aggs: [SQLCompiler.OverAggregate]
  let shape: Shape
  /// The most rows (ROWS n) and the longest interval (RANGE) a frame looks back.
  let keepRows: Int
  let keepMillis: Int64?

  init(aggs: [SQLCompiler.OverAggregate], shape: Shape) {
    self.aggs = aggs
    self.shape = shape
    var rows = 0
    var millis: Int64?
    for a in aggs {
      switch a.frame {
      case .rows(let n?): rows = max(rows, Int(min(n, 1 << 40)))
      case .range(let d?): millis = max(millis ?? 0, d)
      default: break
      }
    }
    keepRows = rows
    keepMillis = millis
  }

  func isIdle(_ s: OverState) -> Bool {
    s.pending.isEmpty && s.history.isEmpty && !aggs.contains { a in
      switch a.frame {
      case .rows(nil), .range(nil): return true
      default: return false
      }
    }
  }

  func accumulator(_ a: SQLCompiler.OverAggregate) -> SQLAccumulator { SQLAccumulator(kind: a.kind, arg: a.arg, filter: nil, distinct: false) }

  /// The output rows of `group`, rows of one time `t` in arrival order.
  func emit(_ group: [(Int64, Value)], at t: Int64, _ s: inout OverState) throws -> [Value] {
    var columns: [[Value]] = []
    for (j, a) in aggs.enumerated() {
      var values: [Value] = []
      switch a.frame {
      case .rows(let n?):
        for i in group.indices {
          let acc = accumulator(a)
          let fromGroup = group[...i].map(\.1)
          let need = Int(min(n, 1 << 40)) + 1
          let before = need > fromGroup.count ? s.history.suffix(need - fromGroup.count).map(\.1) : []
          for r in (before + fromGroup).suffix(need) { try acc.add(r) }
          values.append(try acc.result())
        }
      case .range(let d?):
        let acc = accumulator(a)
        for (u, r) in s.history where u >= t &- d { try acc.add(r) }
        for (_, r) in group { try acc.add(r) }
        let v = try acc.result()
        values = Array(repeating: v, count: group.count)
      case .rows(nil), .range(nil):
        let acc = accumulator(a)
        acc.count = s.runs[j].0
        acc.acc = s.runs[j].1
        let peers: Bool
        if case .range = a.frame { peers = true } else { peers = false }
        if peers {
          for (_, r) in group { try acc.add(r) }
          values = Array(repeating: try acc.result(), count: group.count)
        } else {
          for (_, r) in group {
            try acc.add(r)
            values.append(try acc.result())
          }
        }
        s.runs[j] = (acc.count, acc.acc)
      }
      columns.append(values)
    }
    var out: [Value] = []
    for (i, (_, row)) in group.enumerated() {
      guard case .record(let x) = row else { continue }
      out.append(.record(Record(shape: shape, values: x.values + columns.map { $0[i] })))
    }
    // Keep what later frames may need: the last rows of ROWS frames, the
    // rows within RANGE frames' interval of the latest time.
    s.history += group
    let cutoff = keepMillis.map { t &- $0 }
    var drop = 0
    while drop < s.history.count - keepRows, !(cutoff.map { s.history[drop].0 >= $0 } ?? false) { drop += 1 }
    if drop > 0 { s.history.removeFirst(drop) }
    return out
  }
}
