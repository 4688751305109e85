import FlowSyntax
import FlowRuntime

/// Joins whose state ends with event time, so they can be append-only and
/// free their rows as the watermark passes:
///
/// - window joins: both sides are window table functions (TUMBLE, HOP,
///   CUMULATE) joined on `window_start` and `window_end`; a window's pairs
///   (and, for an outer join, its unmatched rows padded with NULLs) are
///   emitted once, when the watermark passes the window's end;
/// - interval outer joins: a LEFT / RIGHT / FULL join with an interval
///   join's time bounds; pairs are emitted at once, and a row that found no
///   partner is emitted padded with NULLs when the watermark passes the
///   last time a partner could have had.
///
/// Both run on Flow's keyed `process` operator (state per key as a value,
/// event-time timers): the two sides are tagged, merged and keyed by the
/// join key. A regular outer join, whose rows never expire, would need
/// retractions and is refused.
extension SQLCompiler {
  struct PlannedJoin {
    var relation: Relation?
  }

  // swiftlint:disable:next function_parameter_count
  func planTimedJoin(_ kind: String, _ left: Relation, _ right: Relation, _ leftKeys: [Typed], _ rightKeys: [Typed],
                     _ interval: (lower: Int64, upper: Int64)?, _ residual: [SQLExpr], _ both: ExprBinder,
                     _ on: SQLExpr, _ span: Span) -> PlannedJoin? {
    let leftEnd = left.columns.firstIndex { $0.name == "window_end" }
    let rightEnd = right.columns.firstIndex { $0.name == "window_end" }
    let keyReads = leftKeys.map(\.reads).reduce(Set<String>()) { $0.union($1) }
    let rightKeyReads = rightKeys.map(\.reads).reduce(Set<String>()) { $0.union($1) }
    let isWindowJoin = left.window != nil && right.window != nil && leftEnd != nil && rightEnd != nil
      && ["window_start", "window_end"].allSatisfy { keyReads.contains($0) && rightKeyReads.contains($0) }
    if !isWindowJoin && kind == "INNER" { return nil }
    // A regular outer join updates its results: a changelog join
    // (SQLChangelog.swift) plans it.
    if !isWindowJoin && interval == nil { return nil }
    if isWindowJoin && (left.window?.function == "SESSION" || right.window?.function == "SESSION") {
      diag.add(.error("E0805", "a window join of SESSION windows is not supported", at: span, notes: ["help: use TUMBLE, HOP or CUMULATE windows"]))
      return PlannedJoin(relation: nil)
    }
    var condition: ((Value) throws -> Value)?
    if !residual.isEmpty {
      var c = both.bind(residual[0])
      for r in residual.dropFirst() { c = both.bindBinary("AND", c, both.bind(r), r.span) }
      condition = c.eval
    }
    let columns = left.columns + right.columns
    let shape = Shape(columns.map(\.name))
    let nl = left.columns.count, nr = right.columns.count
    let keepLeft = kind == "LEFT" || kind == "FULL", keepRight = kind == "RIGHT" || kind == "FULL"
    func joined(_ l: Value?, _ r: Value?) -> Value {
      var values: [Value] = []
      values.reserveCapacity(nl + nr)
      if case .record(let a)? = l { values.append(contentsOf: a.values.prefix(nl)) } else { values.append(contentsOf: Array(repeating: .null, count: nl)) }
      if case .record(let b)? = r { values.append(contentsOf: b.values.prefix(nr)) } else { values.append(contentsOf: Array(repeating: .null, count: nr)) }
      return .record(Record(shape: shape, values: values))
    }
    func matches(_ l: Value, _ r: Value) throws -> Bool {
      guard let c = condition else { return true }
      if case .bool(true) = try c(joined(l, r)) { return true }
      return false
    }

    // The two sides tagged (0 left, 1 right), merged and keyed by the join key.
    let lf = leftKeys.map(\.eval), rf = rightKeys.map(\.eval)
    let tagShape = Shape(["side", "row"])
    func tagged(_ rel: Relation, _ side: Int) -> PlanNode {
      let f = FunctionValue(info: FunctionInfo(text: side == 0 ? "LEFT ROW" : "RIGHT ROW", fieldsRead: nil, constant: nil, updatedFields: nil)) { row in
        .record(Record(shape: tagShape, values: [.int(Int64(side)), row]))
      }
      return makeNode(.map(f), [rel.node], side == 0 ? "left side" : "right side", span, "")
    }
    let merged = makeNode(.union, [tagged(left, 0), tagged(right, 1)], "join sides", span, "")
    let key = FunctionValue(info: FunctionInfo(text: "JOIN KEY", fieldsRead: nil, constant: nil, updatedFields: nil)) { v in
      guard case .record(let t) = v, t.values.count == 2, case .int(let side) = t.values[0] else { return .null }
      return .list(try (side == 0 ? lf : rf).map { try $0(t.values[1]) })
    }
    let keyed = makeNode(.keyBy(key), [merged], "join key", span, "")
    let stepShape = Shape(["state", "emit", "timers"])
    func step(_ state: Value, _ emit: [Value], _ timers: [Int64]) -> Value {
      .record(Record(shape: stepShape, values: [state, .list(emit), .list(timers.map { .time($0) })]))
    }
    func unpack(_ v: Value) -> (side: Int, row: Value)? {
      guard case .record(let t) = v, t.values.count == 2, case .int(let side) = t.values[0] else { return nil }
      return (Int(side), t.values[1])
    }
    func watermark(_ ctx: Value) -> Int64 {
      if case .record(let c) = ctx, case .time(let w)? = c["watermark"] { return w }
      return Int64.min
    }
    func nullKey(_ ctx: Value) -> Bool {
      if case .record(let c) = ctx, let k = c["key"] { return hasNull(k) }
      return false
    }

    let spec: ProcessSpec
    let name: String
    if isWindowJoin, let le = leftEnd, let re = rightEnd {
      // State per key and window: [left rows, right rows]; one timer at the window's last millisecond.
      let onEvent = FunctionValue(arity: 3, info: FunctionInfo(text: "WINDOW JOIN", fieldsRead: nil, constant: nil, updatedFields: nil)) { a in
        guard a.count == 3, let (side, row) = unpack(a[1]), case .record(let r) = row else { return step(a[0], [], []) }
        let slot = side == 0 ? le : re
        guard slot < r.values.count, case .time(let end) = r.values[slot], end - 1 > watermark(a[2]) else {
          return step(a[0], [], []) // late for its window: dropped, as in Flink
        }
        var ls: [Value] = [], rs: [Value] = []
        if case .list(let s) = a[0], s.count == 2, case .list(let x) = s[0], case .list(let y) = s[1] { ls = x; rs = y }
        if side == 0 { ls.append(row) } else { rs.append(row) }
        return step(.list([.list(ls), .list(rs)]), [], [end - 1])
      }
      let onTimer = FunctionValue(arity: 3, info: FunctionInfo(text: "WINDOW JOIN END", fieldsRead: nil, constant: nil, updatedFields: nil)) { a in
        guard a.count == 3, case .list(let s) = a[0], s.count == 2, case .list(let ls) = s[0], case .list(let rs) = s[1] else { return step(.null, [], []) }
        let noKey = nullKey(a[2])
        var out: [Value] = []
        var rightMatched = Array(repeating: false, count: rs.count)
        for l in ls {
          var found = false
          if !noKey {
            for (j, r) in rs.enumerated() where try matches(l, r) {
              out.append(joined(l, r))
              found = true
              rightMatched[j] = true
            }
          }
          if !found && keepLeft { out.append(joined(l, nil)) }
        }
        if keepRight { for (j, r) in rs.enumerated() where !rightMatched[j] { out.append(joined(nil, r)) } }
        return step(.null, out, [])
      }
      spec = ProcessSpec(initial: .null, onEvent: onEvent, onTimer: onTimer, ttlMillis: 0)
      name = kind == "INNER" ? "window join" : "window \(kind.lowercased()) join"
    } else if let iv = interval, let lt = left.rowtime, let rt = right.rowtime,
              let ls = left.columns.firstIndex(where: { $0.name == lt }), let rsl = right.columns.firstIndex(where: { $0.name == rt }) {
      // State per key: [lefts, rights], each entry [row, time, matched].
      // A left row at t meets right rows in [t + lower, t + upper]; a right
      // row at t meets left rows in [t - upper, t - lower].
      func time(_ row: Value, _ slot: Int) -> Int64? {
        if case .record(let r) = row, slot < r.values.count, case .time(let t) = r.values[slot] { return t }
        return nil
      }
      func entries(_ v: Value) -> [[Value]] {
        guard case .list(let xs) = v else { return [] }
        return xs.compactMap { if case .list(let e) = $0, e.count == 3 { return e }; return nil }
      }
      func pack(_ ls: [[Value]], _ rs: [[Value]]) -> Value {
        ls.isEmpty && rs.isEmpty ? .null : .list([.list(ls.map { .list($0) }), .list(rs.map { .list($0) })])
      }
      let onEvent = FunctionValue(arity: 3, info: FunctionInfo(text: "INTERVAL JOIN", fieldsRead: nil, constant: nil, updatedFields: nil)) { a in
        guard a.count == 3, let (side, row) = unpack(a[1]), let t = time(row, side == 0 ? ls : rsl) else { return step(a[0], [], []) }
        // A row behind the watermark is late: dropped, as in Flink (its
        // partners may already have been freed).
        guard t > watermark(a[2]) else { return step(a[0], [], []) }
        let expiry = side == 0 ? t &+ iv.upper : t &- iv.lower
        var lefts: [[Value]] = [], rights: [[Value]] = []
        if case .list(let s) = a[0], s.count == 2 { lefts = entries(s[0]); rights = entries(s[1]) }
        var out: [Value] = []
        var matched = false
        if !nullKey(a[2]) {
          if side == 0 {
            for i in rights.indices {
              guard case .time(let u) = rights[i][1], u - t >= iv.lower, u - t <= iv.upper, try matches(row, rights[i][0]) else { continue }
              out.append(joined(row, rights[i][0]))
              rights[i][2] = .bool(true)
              matched = true
            }
          } else {
            for i in lefts.indices {
              guard case .time(let u) = lefts[i][1], t - u >= iv.lower, t - u <= iv.upper, try matches(lefts[i][0], row) else { continue }
              out.append(joined(lefts[i][0], row))
              lefts[i][2] = .bool(true)
              matched = true
            }
          }
        }
        if side == 0 { lefts.append([row, .time(t), .bool(matched)]) } else { rights.append([row, .time(t), .bool(matched)]) }
        return step(pack(lefts, rights), out, [expiry])
      }
      let onTimer = FunctionValue(arity: 3, info: FunctionInfo(text: "INTERVAL JOIN EXPIRY", fieldsRead: nil, constant: nil, updatedFields: nil)) { a in
        guard a.count == 3, case .time(let now) = a[1], case .list(let s) = a[0], s.count == 2 else { return step(a[0], [], []) }
        var out: [Value] = []
        var lefts: [[Value]] = [], rights: [[Value]] = []
        for e in entries(s[0]) {
          guard case .time(let t) = e[1], t &+ iv.upper <= now else { lefts.append(e); continue }
          if keepLeft, case .bool(false) = e[2] { out.append(joined(e[0], nil)) }
        }
        for e in entries(s[1]) {
          guard case .time(let t) = e[1], t &- iv.lower <= now else { rights.append(e); continue }
          if keepRight, case .bool(false) = e[2] { out.append(joined(nil, e[0])) }
        }
        return step(pack(lefts, rights), out, [])
      }
      spec = ProcessSpec(initial: .null, onEvent: onEvent, onTimer: onTimer, ttlMillis: 0)
      name = "interval \(kind.lowercased()) join"
    } else {
      return nil
    }
    let node = makeNode(.process(spec), [keyed], name, span, flowSchema(columns.map { ($0.name, $0.type) }))
    return PlannedJoin(relation: Relation(columns: columns, node: node, rowtime: nil))
  }
}
