import FlowSyntax
import FlowRuntime

/// `a [INNER] JOIN b ON a.k = b.k [AND ...]`: an inner equi-join. The
/// equalities between one side and the other are the key. With bounds
/// between the two event times it runs on Flow's interval join (rows kept
/// only while a partner can arrive); otherwise on the hash join (every pair
/// with equal keys, emitted as soon as both are there; state kept for the
/// whole run). The rest of ON filters the pairs.
extension SQLCompiler {
  func conjuncts(_ e: SQLExpr) -> [SQLExpr] {
    if case .binary("AND", let a, let b) = e.kind { return conjuncts(a) + conjuncts(b) }
    return [e]
  }

  func planJoin(_ leftRef: SQLTableRef, _ rightRef: SQLTableRef, _ on: SQLExpr, _ span: Span, kind: String = "INNER") -> Relation? {
    if case .versioned = rightRef { return planTemporalJoin(leftRef, rightRef, on, span, kind: kind) }
    let type = ChangelogSpec.JoinType(rawValue: kind.lowercased()) ?? .inner
    let l = planTableRef(leftRef), r = planTableRef(rightRef)
    guard let left = l, let right = r else { return nil }
    let columns = left.columns + right.columns
    let both = binder(columns)
    let leftBinder = binder(left.columns), rightBinder = binder(right.columns)
    // Bind the whole condition once for its errors (unknown columns, types).
    let errorsBefore = diag.errorCount
    let whole = both.bind(on)
    guard diag.errorCount == errorsBefore else { return nil }
    guard both.expect(whole, [.boolean], "ON") else { return nil }

    /// Which side's columns an expression reads: 0 left, 1 right, nil both or none.
    func side(_ e: SQLExpr) -> Int? {
      let reads = silent(both) { both.bind(e) }.reads
      // Reads are names; resolve by binding against each side alone.
      let inLeft = silentOK(leftBinder, e), inRight = silentOK(rightBinder, e)
      if reads.isEmpty { return nil }
      if inLeft && !inRight { return 0 }
      if inRight && !inLeft { return 1 }
      return nil
    }
    var leftKeys: [Typed] = [], rightKeys: [Typed] = []
    var residual: [SQLExpr] = []
    for c in conjuncts(on) {
      if case .binary("=", let a, let b) = c.kind, let sa = side(a), let sb = side(b), sa != sb {
        let (le, re) = sa == 0 ? (a, b) : (b, a)
        var lt = leftBinder.bind(le), rt = rightBinder.bind(re)
        guard let t = SQLType.common(lt.type, rt.type) else {
          diag.add(.error("E0804", "cannot join \(lt.type) with \(rt.type)", at: c.span, notes: ["help: CAST one side"]))
          return nil
        }
        lt = leftBinder.coerce(lt, to: t)
        rt = rightBinder.coerce(rt, to: t)
        leftKeys.append(lt)
        rightKeys.append(rt)
      } else {
        residual.append(c)
      }
    }
    guard !leftKeys.isEmpty else {
      diag.add(.error("E0805", "a join without an equality between its two sides is not supported", at: on.span,
                      notes: ["help: join on equal columns: ON a.k = b.k (interval, temporal and cross joins are not supported yet)"]))
      return nil
    }
    func keyFunction(_ keys: [Typed]) -> FunctionValue {
      let fs = keys.map(\.eval)
      var reads = Set<String>()
      for k in keys { reads.formUnion(k.reads) }
      let info = FunctionInfo(text: "JOIN KEY", fieldsRead: reads, constant: nil, updatedFields: nil)
      if fs.count == 1 { return FunctionValue(info: info, unary: fs[0]) }
      return FunctionValue(info: info, unary: { row in .list(try fs.map { try $0(row) }) })
    }
    // Bounds between the two event times make it an interval join, which
    // keeps each row only as long as a partner can still arrive.
    var interval: (lower: Int64, upper: Int64)?
    if let lt = left.rowtime, let rt = right.rowtime,
       let li = left.columns.firstIndex(where: { $0.name == lt }), let ri = right.columns.firstIndex(where: { $0.name == rt }) {
      var lower: Int64?, upper: Int64?
      var rest: [SQLExpr] = []
      for c in residual {
        guard let bounds = timeBounds(c, leftTime: li, rightTime: left.columns.count + ri, columns: columns) else {
          rest.append(c)
          continue
        }
        if let l = bounds.lower { lower = max(lower ?? l, l) }
        if let u = bounds.upper { upper = min(upper ?? u, u) }
      }
      if let l = lower, let u = upper {
        guard l <= u else {
          diag.add(.error("E0804", "the join's time bounds leave no interval (right time - left time from \(formatDuration(l)) to \(formatDuration(u)))", at: on.span))
          return nil
        }
        interval = (l, u)
        residual = rest
      }
    }
    // Window joins and outer joins (SQLWindowJoins.swift).
    if let special = planTimedJoin(kind, left, right, leftKeys, rightKeys, interval, residual, both, on, span) { return special.relation }
    let lk = makeNode(.keyBy(keyFunction(leftKeys)), [left.node], "join key", span, left.node.schema)
    let rk = makeNode(.keyBy(keyFunction(rightKeys)), [right.node], "join key", span, right.node.schema)
    if type != .inner || emitsChanges([left.node, right.node]) {
      return planChangelogJoin(left, right, lk, rk, type, interval: interval != nil, residual: residual, binder: both, on, span)
    }
    let joined = interval.map { makeNode(.intervalJoin(lower: $0.lower, upper: $0.upper), [lk, rk], "interval join", span, "") }
      ?? makeNode(.join, [lk, rk], "join", span, "")
    // SQL NULL never equals anything: a pair whose key holds a NULL is dropped.
    let shape = Shape(columns.map(\.name))
    let nl = left.columns.count, nr = right.columns.count
    let flatten = FunctionValue(info: FunctionInfo(text: "JOIN ROW", fieldsRead: nil, constant: nil, updatedFields: nil), unary: { v in
      guard case .record(let pair) = v, pair.values.count == 3,
            case .record(let a) = pair.values[1], case .record(let b) = pair.values[2] else { return .list([]) }
      if hasNull(pair.values[0]) { return .list([]) }
      var values = Array(a.values.prefix(nl))
      values.append(contentsOf: b.values.prefix(nr))
      return .list([.record(Record(shape: shape, values: values))])
    })
    var node = makeNode(.flatMap(flatten), [joined], "join row", span, flowSchema(columns.map { ($0.name, $0.type) }))
    if !residual.isEmpty {
      var cond = both.bind(residual[0])
      for c in residual.dropFirst() { cond = both.bindBinary("AND", cond, both.bind(c), c.span) }
      node = filterNode(node, cond, on.span, name: "on")
    }
    // A regular join's output has no event-time column (as in Flink).
    return Relation(columns: columns, node: node, rowtime: nil)
  }

  /// A condition bounding `right time - left time`: `r.t BETWEEN l.t - I AND
  /// l.t + J`, or a comparison of the two times with constant intervals
  /// (`r.t >= l.t - INTERVAL '5' SECOND`, `l.t < r.t`). Nil for anything else.
  func timeBounds(_ e: SQLExpr, leftTime: Int, rightTime: Int, columns: [SQLColumn]) -> (lower: Int64?, upper: Int64?)? {
    /// `column ± INTERVAL` as (slot, offset).
    func linear(_ x: SQLExpr) -> (Int, Int64)? {
      switch x.kind {
      case .column(let q, let n):
        let m = columns.indices.filter { i in columns[i].name == n && (q.map { columns[i].qualifiers.contains($0) } ?? true) }
        return m.count == 1 ? (m[0], 0) : nil
      case .binary(let op, let a, let b) where op == "+" || op == "-":
        if let (slot, off) = linear(a), case .literal(.duration(let d), _) = b.kind { return (slot, op == "+" ? off + d : off - d) }
        if op == "+", let (slot, off) = linear(b), case .literal(.duration(let d), _) = a.kind { return (slot, off + d) }
        return nil
      default: return nil
      }
    }
    /// `a op b` as bounds on right - left.
    func compare(_ a: SQLExpr, _ op: String, _ b: SQLExpr) -> (lower: Int64?, upper: Int64?)? {
      guard let (sa, oa) = linear(a), let (sb, ob) = linear(b) else { return nil }
      // a - b op 0  <=>  col_a - col_b op ob - oa
      var k = ob - oa
      var o = op
      if sa == rightTime && sb == leftTime {
        // right - left op k
      } else if sa == leftTime && sb == rightTime {
        // left - right op k  <=>  right - left (flipped op) -k
        k = -k
        o = ["<": ">", "<=": ">=", ">": "<", ">=": "<="][op] ?? op
      } else {
        return nil
      }
      switch o {
      case ">=": return (k, nil)
      case ">": return (k + 1, nil)
      case "<=": return (nil, k)
      case "<": return (nil, k - 1)
      case "=": return (k, k)
      default: return nil
      }
    }
    switch e.kind {
    case .binary(let op, let a, let b) where ["<", "<=", ">", ">=", "="].contains(op):
      return compare(a, op, b)
    case .between(let x, let lo, let hi, false):
      guard let l = compare(x, ">=", lo), let u = compare(x, "<=", hi) else { return nil }
      return (l.lower ?? u.lower, u.upper ?? l.upper)
    default:
      return nil
    }
  }

  /// Runs `body` without keeping its diagnostics.
  func silent<T>(_ b: ExprBinder, _ body: () -> T) -> T {
    let saved = diag.items
    let out = body()
    diag.items = saved
    return out
  }

  /// True when `e` binds without errors against `b`'s columns alone.
  func silentOK(_ b: ExprBinder, _ e: SQLExpr) -> Bool {
    let saved = diag.items
    let before = diag.errorCount
    _ = b.bind(e)
    let ok = diag.errorCount == before
    diag.items = saved
    return ok
  }
}

func hasNull(_ v: Value) -> Bool {
  switch v {
  case .null: return true
  case .list(let xs): return xs.contains { hasNull($0) }
  default: return false
  }
}
