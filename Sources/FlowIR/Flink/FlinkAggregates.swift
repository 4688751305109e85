import FlowSyntax
import FlowSema
import FlowRuntime

/// Keyed and windowed aggregates: GROUP BY and the window TVFs.
extension FlinkPlanCompiler {
  mutating func aggregate(_ n: PlanNode, _ fields: [(String, AggSpec)], _ input: Rel) throws -> Rel {
    guard let keyTypes = input.keyTypes else { throw refuse(n, "aggregates translate on keyed streams (keyBy) only") }
    var select = zip(input.keyColumns, input.keyNames).map { "\(quote($0)) AS \(quote($1))" }
    var columns = zip(input.keyNames, keyTypes).map { FlinkColumn(name: $0, type: $1) }
    var from = quote(input.name)
    var group = input.keyColumns.map(quote)
    if let w = input.window {
      let time = "DESCRIPTOR(\(quote("__rowtime")))"
      switch w {
      case .tumbling(let size, let offset):
        from = "TABLE(TUMBLE(TABLE \(from), \(time), \(interval(size))\(offset != 0 ? ", \(interval(offset))" : "")))"
      case .sliding(let size, let slide):
        from = "TABLE(HOP(TABLE \(from), \(time), \(interval(slide)), \(interval(size))))"
      case .session(let gap):
        sessionWindows = true
        from = "TABLE(SESSION(TABLE \(from) PARTITION BY \(input.keyColumns.map(quote).joined(separator: ", ")), \(time), \(interval(gap))))"
      case .global:
        throw refuse(n, "global windows have no Flink SQL window table function")
      case .processingTime:
        throw refuse(n, "processing-time windows do not translate: Flink SQL windows here run on the event-time attribute")
      }
      select += ["window_start AS \(quote("start"))", "window_end AS \(quote("end"))"]
      columns += [FlinkColumn(name: "start", type: "Time"), FlinkColumn(name: "end", type: "Time")]
      group += ["window_start", "window_end", "window_time"]
    }
    for (name, spec) in fields {
      let (expr, type) = try aggregateSQL(n, spec, input)
      select.append("\(expr) AS \(quote(name))")
      columns.append(FlinkColumn(name: name, type: type))
    }
    // A window's results carry the window's last instant as their event
    // time, as in Flow (window_time = window_end - 1 ms).
    let windowed = input.window != nil
    if windowed { select.append("window_time AS \(quote("__rowtime"))") }
    var r = Rel(name: "", columns: columns, rowtime: windowed)
    r.name = define(n, "aggregate", "SELECT \(select.joined(separator: ", "))\nFROM \(from)\nGROUP BY \(group.joined(separator: ", "))")
    return r
  }

  func aggregateSQL(_ n: PlanNode, _ spec: AggSpec, _ input: Rel) throws -> (String, String) {
    switch spec.kind {
    case .count: return ("COUNT(*)", "Int")
    case .sum(let f):
      let (e, t) = try translate(f, over: input, n, "sum function")
      return ("SUM(\(e))", t)
    case .min(let f):
      let (e, t) = try translate(f, over: input, n, "min function")
      return ("MIN(\(e))", t)
    case .max(let f):
      let (e, t) = try translate(f, over: input, n, "max function")
      return ("MAX(\(e))", t)
    case .avg(let f):
      let (e, _) = try translate(f, over: input, n, "avg function")
      return ("AVG(CAST(\(e) AS DOUBLE))", "Float")
    case .countDistinct(let f):
      let (e, _) = try translate(f, over: input, n, "countDistinct function")
      return ("COUNT(DISTINCT \(e))", "Int")
    default:
      throw refuse(n, "the aggregate '\(spec.name)' has no Flink SQL counterpart (count, sum, min, max, avg and countDistinct do)")
    }
  }
}
