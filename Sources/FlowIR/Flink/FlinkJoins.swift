import FlowSyntax
import FlowSema
import FlowRuntime

/// Interval, window and regular joins, and lookups as temporal joins.
extension FlinkPlanCompiler {
  /// `intervalJoin` (an interval join on the two event times),
  /// `windowJoin` (a window join: both sides through the same window TVF,
  /// joined on key, window_start and window_end) and `join` (a regular
  /// inner join on the key). The output's `left` and
  /// `right` records become columns `left.<field>` and `right.<field>`.
  mutating func join(_ n: PlanNode, interval: (Int64, Int64)?, window: WindowSpec?) throws -> Rel {
    let l = try rel(n.inputs[0]), r = try rel(n.inputs[1])
    guard let keyTypes = l.keyTypes, let rightKeys = r.keyTypes, rightKeys.count == keyTypes.count else { throw refuse(n, "joins need two keyed streams with keys of the same shape") }
    let regular = interval == nil && window == nil
    guard regular || (l.rowtime && r.rowtime) else { throw refuse(n, "joins need event time on both sides: add withTimestamps right after each source") }
    var select = zip(l.keyColumns, l.keyNames).map { "L.\(quote($0)) AS \(quote($1))" }
    var columns = zip(l.keyNames, keyTypes).map { FlinkColumn(name: $0, type: $1) }
    for (side, alias, input) in [("left", "L", l), ("right", "R", r)] {
      if input.scalar {
        select.append("\(alias).\(quote("value")) AS \(quote(side))")
        columns.append(FlinkColumn(name: side, type: input.columns[0].type))
        continue
      }
      for c in input.columns {
        guard !c.name.contains(".") else { throw refuse(n, "a join of join results (nested records) does not translate") }
        select.append("\(alias).\(quote(c.name)) AS \(quote(side + "." + c.name))")
        columns.append(FlinkColumn(name: side + "." + c.name, type: c.type))
      }
    }
    let time = quote("__rowtime")
    let keysEqual = l.keyColumns.map { "L.\(quote($0)) = R.\(quote($0))" }.joined(separator: " AND ")
    var query: String
    if let (lower, upper) = interval {
      // Flow: right time in [left time + lower, left time + upper].
      query = "SELECT \(select.joined(separator: ", "))\nFROM \(quote(l.name)) AS L, \(quote(r.name)) AS R\n"
        + "WHERE \(keysEqual) AND R.\(time) BETWEEN L.\(time) \(signedInterval(lower)) AND L.\(time) \(signedInterval(upper))"
    } else if let w = window {
      func windowed(_ name: String) throws -> String {
        switch w {
        case .tumbling(let size, let offset):
          return "TABLE(TUMBLE(TABLE \(quote(name)), DESCRIPTOR(\(time)), \(FlowIR.interval(size))\(offset != 0 ? ", \(FlowIR.interval(offset))" : "")))"
        case .sliding(let size, let slide):
          return "TABLE(HOP(TABLE \(quote(name)), DESCRIPTOR(\(time)), \(FlowIR.interval(slide)), \(FlowIR.interval(size))))"
        default:
          throw refuse(n, "window joins translate for tumbling and sliding windows only")
        }
      }
      query = "SELECT \(select.joined(separator: ", "))\nFROM (SELECT * FROM \(try windowed(l.name))) AS L\n"
        + "JOIN (SELECT * FROM \(try windowed(r.name))) AS R\n"
        + "ON \(keysEqual) AND L.window_start = R.window_start AND L.window_end = R.window_end"
    } else {
      // A regular inner join: every pair with equal keys.
      query = "SELECT \(select.joined(separator: ", "))\nFROM \(quote(l.name)) AS L\nJOIN \(quote(r.name)) AS R\nON \(keysEqual)"
    }
    var out = Rel(name: "", columns: columns)
    out.name = define(n, n.name, query)
    return out
  }

  /// `lookup(latest(...))`: an event-time temporal join (streaming mode):
  /// each left row with the version of the right key valid at its time, or
  /// none. Columns `left.<f>`, `right.<f>` and a marker `right.__present`
  /// that the runner uses to print `right: null`.
  mutating func lookup(_ n: PlanNode) throws -> Rel {
    let l = try rel(n.inputs[0]), r = try rel(n.inputs[1])
    guard let keyTypes = l.keyTypes, r.keyTypes?.count == keyTypes.count, l.rowtime else {
      throw refuse(n, "lookup needs a keyed stream with event time and latest(...) of one with the same key shape")
    }
    guard !l.scalar, !r.scalar else { throw refuse(n, "lookup of plain values (not records) does not translate") }
    var select = zip(l.keyColumns, l.keyNames).map { "L.\(quote($0)) AS \(quote($1))" }
    var columns = zip(l.keyNames, keyTypes).map { FlinkColumn(name: $0, type: $1) }
    for c in l.columns {
      select.append("L.\(quote(c.name)) AS \(quote("left." + c.name))")
      columns.append(FlinkColumn(name: "left." + c.name, type: c.type))
    }
    for c in r.columns {
      select.append("R.\(quote(c.name)) AS \(quote("right." + c.name))")
      columns.append(FlinkColumn(name: "right." + c.name, type: c.type.hasSuffix("?") ? c.type : c.type + "?"))
    }
    select.append("R.\(quote(r.keyColumns[0])) IS NOT NULL AS \(quote("right.__present"))")
    columns.append(FlinkColumn(name: "right.__present", type: "Bool"))
    let keysEqual = zip(l.keyColumns, r.keyColumns).map { "L.\(quote($0)) = R.\(quote($1))" }.joined(separator: " AND ")
    temporalJoins = true
    var out = Rel(name: "", columns: columns)
    out.name = define(n, "lookup", "SELECT \(select.joined(separator: ", "))\nFROM \(quote(l.name)) AS L\nLEFT JOIN \(quote(r.name)) FOR SYSTEM_TIME AS OF L.\(quote("__rowtime")) AS R\nON \(keysEqual)")
    return out
  }
}
