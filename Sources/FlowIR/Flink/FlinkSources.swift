import FlowSyntax
import FlowSema
import FlowRuntime

/// Sources: file tables with a converting view, event time as the source
/// table's WATERMARK, and the Nexmark connector.
extension FlinkPlanCompiler {
  /// `withTimestamps` becomes the source table's WATERMARK clause: Flink
  /// SQL defines event time only on tables, so it must follow the source,
  /// with at most filters in between (they do not change event times).
  mutating func withTimestamps(_ n: PlanNode, _ time: FunctionValue, _ watermark: WatermarkSpec) throws -> Rel {
    var filters: [(PlanNode, FunctionValue)] = []
    var cur = n.inputs[0]
    while true {
      if case .filter(let f) = cur.kind { filters.append((cur, f)); cur = cur.inputs[0]; continue }
      if case .fused(let stages) = cur.kind {
        var fs: [FunctionValue] = []
        for case .filter(let f) in stages { fs.append(f) }
        if fs.count == stages.count {
          for f in fs.reversed() { filters.append((cur, f)) }
          cur = cur.inputs[0]
          continue
        }
      }
      break
    }
    guard case .source(let spec) = cur.kind else {
      throw refuse(n, "Flink SQL sets event time on source tables only: withTimestamps must come right after the source (filters may come between)")
    }
    var r = try source(cur, spec, time: (n, time, watermark))
    for (node, f) in filters.reversed() { r = try filter(node, f, r) }
    return r
  }

  /// The CREATE TABLE of a source, and a view that converts its columns to
  /// the Flow types (and, for CSV, drops the header line).
  mutating func source(_ n: PlanNode, _ spec: SourceSpec, time: (PlanNode, FunctionValue, WatermarkSpec)?) throws -> Rel {
    guard let c = spec.connector else {
      throw refuse(n, "the source \(spec.description) has no Flink connector (see the connector table in Language/flink.md)")
    }
    let csv: Bool
    switch c.name {
    case "readCsv": csv = true
    case "readJsonl": csv = false
    case "nexmarkBids": return try nexmarkBids(n, c, time: time)
    case "nexmark":
      throw refuse(n, "the source nexmark has no Flink connector counterpart: its { person, auction, bid } records of optional records have no column form yet (nexmarkBids translates)")
    default:
      throw refuse(n, "the source \(c.name) has no Flink connector counterpart that reads the same events (see Language/flink.md)")
    }
    var physical: [String] = []
    var converted: [String: String] = [:]
    var columns: [FlinkColumn] = []
    for (name, type) in c.columns {
      guard let sqlType = FlinkColumn.sqlType(type) else {
        throw refuse(n, "column '\(name)' has type \(type), which has no Flink SQL column type")
      }
      let base = type.hasSuffix("?") ? String(type.dropLast()) : type
      let col = quote(name)
      // CSV columns are read as text and converted here (Flink's CSV format
      // has no header option and reads no ISO-8601 'Z' times); JSON keeps
      // its numbers and booleans, times are converted from text.
      let readAsText = csv || base == "Time"
      physical.append("  \(col) \(readAsText ? "STRING" : sqlType)")
      var conv: String
      switch base {
      case "Time": conv = "TRY_CAST(REPLACE(REPLACE(\(col), 'T', ' '), 'Z', '') AS TIMESTAMP(3))"
      case "String": conv = type.hasSuffix("?") && csv ? "NULLIF(\(col), '')" : col
      default: conv = readAsText ? "TRY_CAST(\(col) AS \(sqlType))" : col
      }
      converted[name] = conv
      columns.append(FlinkColumn(name: name, type: type))
    }
    var computed: [String] = []
    var rowtime = false
    if let (tsNode, f, wm) = time {
      let syntax = try lambdaSyntax(f, tsNode, "time function")
      guard syntax.params.count == 1, case .bind(let p) = syntax.params[0].pattern.kind else {
        throw refuse(tsNode, "only one-parameter lambdas translate")
      }
      let t = FlinkExpressionTranslator(lowering: lowering, operatorName: tsNode.name)
      let ts = try t.sql(syntax.body, [p: .row(converted)])
      guard case .boundedDelay(let delay) = wm else { throw refuse(tsNode, "unknown watermark") }
      // Flink's streaming mode needs a non-null event time; the CSV header
      // row (dropped by the view) and unreadable times get the epoch.
      computed.append("  \(quote("__rowtime")) AS COALESCE(\(ts), TIMESTAMP '1970-01-01 00:00:00.000')")
      // Flow's watermark is the largest time seen minus the delay minus 1 ms.
      computed.append("  WATERMARK FOR \(quote("__rowtime")) AS \(quote("__rowtime")) - \(interval(delay + 1))")
      rowtime = true
    }
    let path = c.options["path"] ?? ""
    var options = ["'connector' = 'filesystem'", "'path' = \(sqlString(path))", "'format' = '\(csv ? "csv" : "json")'"]
    if csv, let d = c.options["delimiter"], d != "," { options.append("'csv.field-delimiter' = \(sqlString(d))") }
    if c.options["follow"] == "true" { options.append("'source.monitor-interval' = '1s'") }
    let table = uniqueName("src\(n.id)_\(csv ? "csv" : "jsonl")")
    job.origins[table] = "\(c.name)(\"\(path)\") at \(n.location)"
    job.definitions.append("CREATE TEMPORARY TABLE \(quote(table)) (\n\((physical + computed).joined(separator: ",\n"))\n) WITH (\n  \(options.joined(separator: ",\n  "))\n)")
    var select = c.columns.map { "\(converted[$0.name] ?? quote($0.name)) AS \(quote($0.name))" }
    if rowtime { select.append(quote("__rowtime")) }
    var query = "SELECT \(select.joined(separator: ", "))\nFROM \(quote(table))"
    if csv && c.options["header"] != "false" && !c.columns.isEmpty {
      // The header line: every field equal to its column's name.
      query += "\nWHERE NOT (" + c.columns.map { "\(quote($0.name)) = \(sqlString($0.name))" }.joined(separator: " AND ") + ")"
    }
    var r = Rel(name: "", columns: columns, rowtime: rowtime)
    r.name = define(time?.0 ?? n, "source", query)
    return r
  }

  /// `nexmarkBids` as the Nexmark benchmark's own Flink connector
  /// (`'connector' = 'nexmark'`, from github.com/nexmark/nexmark; its jar
  /// must be on Flink's classpath) and the benchmark's `bid` view. It
  /// generates other events than Flow's generator: same schema and
  /// distributions, different values, and no seed.
  mutating func nexmarkBids(_ n: PlanNode, _ c: ConnectorInfo, time: (PlanNode, FunctionValue, WatermarkSpec)?) throws -> Rel {
    let bidFields: [(String, String)] = [("auction", "Int"), ("bidder", "Int"), ("price", "Int"), ("channel", "String"), ("url", "String"), ("dateTime", "Time"), ("extra", "String")]
    var converted: [String: String] = [:]
    for (name, _) in bidFields { converted[name] = "\(quote("bid")).\(quote(name))" }
    var physical = [
      "  `event_type` INT",
      "  `person` ROW<`id` BIGINT, `name` STRING, `emailAddress` STRING, `creditCard` STRING, `city` STRING, `state` STRING, `dateTime` TIMESTAMP(3), `extra` STRING>",
      "  `auction` ROW<`id` BIGINT, `itemName` STRING, `description` STRING, `initialBid` BIGINT, `reserve` BIGINT, `dateTime` TIMESTAMP(3), `expires` TIMESTAMP(3), `seller` BIGINT, `category` BIGINT, `extra` STRING>",
      "  `bid` ROW<`auction` BIGINT, `bidder` BIGINT, `price` BIGINT, `channel` STRING, `url` STRING, `dateTime` TIMESTAMP(3), `extra` STRING>",
    ]
    var rowtime = false
    if let (tsNode, f, wm) = time {
      let syntax = try lambdaSyntax(f, tsNode, "time function")
      guard syntax.params.count == 1, case .bind(let p) = syntax.params[0].pattern.kind, case .boundedDelay(let delay) = wm else {
        throw refuse(tsNode, "only one-parameter lambdas translate")
      }
      let t = FlinkExpressionTranslator(lowering: lowering, operatorName: operatorName(tsNode))
      let ts = try t.sql(syntax.body, [p: .row(converted)])
      // Person and auction events (filtered out below) get the epoch.
      physical.append("  \(quote("__rowtime")) AS CASE WHEN `event_type` = 2 THEN \(ts) ELSE TIMESTAMP '1970-01-01 00:00:00.000' END")
      physical.append("  WATERMARK FOR \(quote("__rowtime")) AS \(quote("__rowtime")) - \(interval(delay + 1))")
      rowtime = true
    }
    let events = c.options["events"] ?? "0", rate = c.options["rate"] ?? "0"
    // Unpaced (rate 0) in Flow: as fast as the connector goes.
    let tps = rate == "0" ? "10000000" : rate
    let options = ["'connector' = 'nexmark'", "'first-event.rate' = '\(tps)'", "'next-event.rate' = '\(tps)'", "'events.num' = '\(events)'"]
    let table = uniqueName("src\(n.id)_nexmark")
    job.origins[table] = "nexmarkBids at \(n.location)"
    job.definitions.append("CREATE TEMPORARY TABLE \(quote(table)) (\n\(physical.joined(separator: ",\n"))\n) WITH (\n  \(options.joined(separator: ",\n  "))\n)")
    var select = bidFields.map { "\(converted[$0.0] ?? quote($0.0)) AS \(quote($0.0))" }
    if rowtime { select.append(quote("__rowtime")) }
    // The connector's source is unbounded in Flink's eyes: streaming mode.
    nexmarkSources = true
    var r = Rel(name: "", columns: bidFields.map { FlinkColumn(name: $0.0, type: $0.1) }, rowtime: rowtime)
    r.name = define(time?.0 ?? n, "source", "SELECT \(select.joined(separator: ", "))\nFROM \(quote(table))\nWHERE `event_type` = 2")
    return r
  }
}
