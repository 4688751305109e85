import Foundation
import FlowSyntax
import FlowRuntime
import FlowConnectors

/// Lookup joins, `l [LEFT] JOIN t FOR SYSTEM_TIME AS OF l.pt [AS r] ON l.k =
/// r.k`, where `pt` is a processing-time attribute and `t` a filesystem
/// table: each left row is joined with the rows of `t` that match it when
/// it is processed. The file is read when the first row needs it and kept
/// in memory, indexed by the join key; with 'lookup.cache.ttl' it is read
/// again by the first row processed that long after the last read (the
/// row's processing time decides, so `--clock-step` makes reloads
/// reproducible). INNER drops a left row without a match; LEFT pads it
/// with NULLs. The table's rows are not state: a restored job reads the
/// file again.
extension SQLCompiler {
  func planLookupJoin(_ left: Relation, _ def: TableDef, alias: String, _ on: SQLExpr, _ span: Span, _ vspan: Span, kind: String) -> Relation? {
    let fileFormat: (path: String, open: (String, Schema) throws -> RowSource)
    switch def.connector {
    case .csv(let path, let header, let delim, let skip):
      fileFormat = (path, { p, s in try CSVReader(path: p, schema: s, header: header, delimiter: delim, policy: skip ? .skip : .fail) })
    case .json(let path, let skip):
      fileFormat = (path, { p, s in try JSONLinesReader(path: p, schema: s, policy: skip ? .skip : .fail) })
    default:
      diag.add(.error("E0805", "a lookup join needs a filesystem table (CSV or JSON Lines) on its right side, not '\(def.name)'", at: vspan,
                      notes: ["help: declare '\(def.name)' with 'connector' = 'filesystem'; or join AS OF an event-time column for a temporal join"]))
      return nil
    }
    if refuseUpdating(left.node, "a lookup join", span, help: "join the rows before they are aggregated or joined into a changelog") { return nil }
    let rightColumns = def.columns.map { SQLColumn(name: $0.name, type: $0.type, qualifiers: [alias]) }
    let columns = left.columns + rightColumns
    let both = binder(columns), lb = binder(left.columns), rb = binder(rightColumns)
    let errorsBefore = diag.errorCount
    let whole = both.bind(on)
    guard diag.errorCount == errorsBefore, both.expect(whole, [.boolean], "ON") else { return nil }
    // Equalities between the two sides are the lookup key; the rest is
    // checked on each joined row.
    var leftKeys: [Typed] = [], rightKeys: [Typed] = []
    var residual: [SQLExpr] = []
    for c in conjuncts(on) {
      if case .binary("=", let a, let b) = c.kind {
        func onlyLeft(_ x: SQLExpr) -> Bool { silentOK(lb, x) && !silentOK(rb, x) }
        func onlyRight(_ x: SQLExpr) -> Bool { silentOK(rb, x) && !silentOK(lb, x) }
        if let (le, re) = onlyLeft(a) && onlyRight(b) ? (a, b) : (onlyLeft(b) && onlyRight(a) ? (b, a) : nil) {
          var lt = lb.bind(le), rt = rb.bind(re)
          guard let t = SQLType.common(lt.type, rt.type) else {
            diag.add(.error("E0804", "cannot join \(lt.type) with \(rt.type)", at: c.span, notes: ["help: CAST one side"]))
            return nil
          }
          lt = lb.coerce(lt, to: t)
          rt = rb.coerce(rt, to: t)
          leftKeys.append(lt)
          rightKeys.append(rt)
          continue
        }
      }
      residual.append(c)
    }
    guard !leftKeys.isEmpty else {
      diag.add(.error("E0805", "a lookup join's condition must equate a column of '\(alias)' with the left input", at: on.span,
                      notes: ["help: ... FOR SYSTEM_TIME AS OF o.pt AS \(alias) ON o.id = \(alias).id"]))
      return nil
    }
    var condition: ((Value) throws -> Value)?
    if !residual.isEmpty {
      var c = both.bind(residual[0])
      for r in residual.dropFirst() { c = both.bindBinary("AND", c, both.bind(r), r.span) }
      condition = c.eval
    }
    guard let ptSlot = left.columns.firstIndex(where: { $0.name == left.proctime }) else { return nil }
    let schema = Schema(def.columns.map { ($0.name, $0.type.columnType.optionalized) })
    let table = LookupTable(path: fileFormat.path, ttl: def.lookupTTL, location: location(vspan)) { p in try fileFormat.open(p, schema) }
    let lkeys = leftKeys.map(\.eval), rkeys = rightKeys.map(\.eval)
    func key(_ fs: [(Value) throws -> Value], _ row: Value) throws -> Value {
      fs.count == 1 ? try fs[0](row) : .list(try fs.map { try $0(row) })
    }
    let shape = Shape(columns.map(\.name))
    let nl = left.columns.count, nr = rightColumns.count
    let keep = kind == "LEFT"
    var reads = Set<String>()
    for k in leftKeys { reads.formUnion(k.reads) }
    let info = FunctionInfo(text: "LOOKUP JOIN \(def.name)", fieldsRead: nil, constant: nil, updatedFields: nil)
    let join = FunctionValue(info: info) { v in
      guard case .record(let l) = v else { return .list([]) }
      let now: Int64
      if ptSlot < l.values.count, case .time(let t) = l.values[ptSlot] { now = t } else { now = 0 }
      let k = try key(lkeys, v)
      var out: [Value] = []
      let values = Array(l.values.prefix(nl))
      if !hasNull(k) {
        for r in try table.rows(for: k, at: now, key: { try key(rkeys, .record($0)) }) {
          let row = Record(shape: shape, values: values + r.values.prefix(nr))
          if let c = condition {
            guard case .bool(true) = try c(.record(row)) else { continue }
          }
          out.append(.record(row))
        }
      }
      if out.isEmpty && keep { out.append(.record(Record(shape: shape, values: values + Array(repeating: .null, count: nr)))) }
      return .list(out)
    }
    let node = makeNode(.flatMap(join), [left.node], "lookup join \(def.name)", span, flowSchema(columns.map { ($0.name, $0.type) }))
    let unique = { (n: String?) in n.flatMap { c in columns.filter { $0.name == c }.count == 1 ? c : nil } }
    let out = Relation(columns: columns, node: node, rowtime: unique(left.rowtime))
    out.proctime = unique(left.proctime)
    return out
  }
}

/// The rows of a lookup table's file by join key, read on first use and
/// again once `ttl` ms of processing time have passed. Parallel subtasks
/// share it, hence the lock.
final class LookupTable: @unchecked Sendable {
  let path: String
  let ttl: Int64?
  let location: String
  let open: (String) throws -> RowSource
  private let lock = NSLock()
  private var byKey: [Value: [Record]] = [:]
  private var loadedAt: Int64?

  init(path: String, ttl: Int64?, location: String, open: @escaping (String) throws -> RowSource) {
    self.path = path
    self.ttl = ttl
    self.location = location
    self.open = open
  }

  func rows(for k: Value, at now: Int64, key: (Record) throws -> Value) throws -> [Record] {
    lock.lock()
    defer { lock.unlock() }
    if let t = loadedAt, ttl.map({ now &- t < $0 }) ?? true { return byKey[k] ?? [] }
    var fresh: [Value: [Record]] = [:]
    do {
      let src = try open(path)
      while let r = try src.next() {
        let rk = try key(r)
        if !hasNull(rk) { fresh[rk, default: []].append(r) }
      }
    } catch let e as RuntimeError {
      throw e
    } catch {
      throw RuntimeError("cannot read the lookup table '\(path)': \(error)", at: location)
    }
    byKey = fresh
    loadedAt = now
    return byKey[k] ?? []
  }
}
