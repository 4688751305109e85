import FlowSyntax
import FlowSema
import FlowRuntime

/// Compiles an optimized plan to Flink SQL: one temporary view per operator
/// (`v<id>_<operator>`), in the plan's order, and one query per sink. Every
/// relation carries the event's time as a hidden `__rowtime` column once
/// `withTimestamps` has set it, and keyed relations their key as `__key`.
/// Operators without a translation are refused (`FlinkRefusal`).
public struct FlinkPlanCompiler {
  let lowering: Lowering

  /// A translated operator: the view (or table) holding its events.
  struct Rel {
    var name: String
    /// Visible columns, in order.
    var columns: [FlinkColumn]
    /// Events are plain values in one column `value`, not records.
    var scalar = false
    var rowtime = false
    /// The key's column types: one for a plain key (`__key`), several for
    /// a tuple key (`__key0`, `__key1`, ...).
    var keyTypes: [String]? = nil
    var keyColumns: [String] {
      guard let ts = keyTypes else { return [] }
      return ts.count == 1 ? ["__key"] : ts.indices.map { "__key\($0)" }
    }
    /// The output names of the key: `key`, or `key.0`, `key.1` for a tuple.
    var keyNames: [String] {
      guard let ts = keyTypes else { return [] }
      return ts.count == 1 ? ["key"] : ts.indices.map { "key.\($0)" }
    }
    var window: WindowSpec? = nil
    /// A pattern's matches: columns are measures (`p.first.c`), read only
    /// through the match's lists.
    var isMatch = false
  }

  var job: FlinkJob
  var rels: [Int: Rel] = [:]
  var tableNames = Set<String>()
  var sessionWindows = false
  var nexmarkSources = false
  var temporalJoins = false
  var patternNodes = false

  public init(lowering: Lowering) {
    self.lowering = lowering
    self.job = FlinkJob(batch: true)
  }

  public mutating func compile(_ plan: LogicalPlan) throws -> FlinkJob {
    job = FlinkJob(batch: plan.sinks.allSatisfy { $0.isBounded })
    for sink in plan.sinks { try compileSink(sink) }
    // Flink's batch mode has no session windows; in streaming mode over
    // bounded files the final watermark closes every window, so the window
    // results are the same.
    if sessionWindows || nexmarkSources || temporalJoins || patternNodes { job.batch = false }
    return job
  }

  func refuse(_ n: PlanNode, _ reason: String) -> FlinkRefusal {
    FlinkRefusal(operatorName: operatorName(n), location: n.location, reason: reason)
  }

  /// The operator as the script calls it (an aggregate node is named after
  /// its fields in plans).
  func operatorName(_ n: PlanNode) -> String {
    if case .aggregate = n.kind { return "aggregate" }
    return n.name
  }

  mutating func uniqueName(_ base: String) -> String {
    var name = base, i = 2
    while !tableNames.insert(name).inserted { name = "\(base)_\(i)"; i += 1 }
    return name
  }

  mutating func define(_ n: PlanNode, _ label: String, _ query: String) -> String {
    let name = uniqueName("v\(n.id)_\(label)")
    job.origins[name] = "\(operatorName(n)) at \(n.location)"
    job.definitions.append("CREATE TEMPORARY VIEW \(quote(name)) AS\n\(query)")
    return name
  }

  /// The SQL of a one-parameter lambda over `input`'s columns.
  func lambdaSyntax(_ f: FunctionValue, _ n: PlanNode, _ what: String) throws -> LambdaSyntax {
    guard let syntax = f.info?.syntax as? LambdaSyntax else {
      throw refuse(n, "its \(what) is not a lambda written in the script (a named function or built-in passed as a value does not translate; write `x => f(x)`)")
    }
    return syntax
  }

  func env(_ syntax: LambdaSyntax, _ input: Rel, _ n: PlanNode) throws -> [String: SQLBinding] {
    guard syntax.params.count == 1, case .bind(let p) = syntax.params[0].pattern.kind else {
      throw FlinkRefusal(operatorName: operatorName(n), location: syntax.location, reason: "only one-parameter lambdas with a plain parameter name translate")
    }
    if input.scalar { return [p: .value(quote("value"))] }
    var fields: [String: String] = [:]
    for c in input.columns { fields[c.name] = quote(c.name) }
    return [p: .row(fields)]
  }

  func translate(_ f: FunctionValue, over input: Rel, _ n: PlanNode, _ what: String) throws -> (sql: String, type: String) {
    let syntax = try lambdaSyntax(f, n, what)
    let t = FlinkExpressionTranslator(lowering: lowering, operatorName: operatorName(n))
    let s = try t.sql(syntax.body, try env(syntax, input, n))
    guard let type = t.columnType(syntax.body) else {
      throw FlinkRefusal(operatorName: operatorName(n), location: syntax.location, reason: "its result type \(lowering.checker.typeString(ofExpr: syntax.body.id)) has no Flink SQL column type")
    }
    return (s, type)
  }

  func hidden(_ r: Rel) -> String {
    var out = ""
    if r.rowtime { out += ", \(quote("__rowtime"))" }
    for k in r.keyColumns { out += ", \(quote(k))" }
    return out
  }

  // MARK: - Operators

  mutating func rel(_ n: PlanNode) throws -> Rel {
    if let r = rels[n.id] { return r }
    let r = try translateNode(n)
    rels[n.id] = r
    return r
  }

  mutating func translateNode(_ n: PlanNode) throws -> Rel {
    switch n.kind {
    case .source(let spec):
      return try source(n, spec, time: nil)
    case .withTimestamps(let time, let watermark, _):
      return try withTimestamps(n, time, watermark)
    case .map(let f):
      return try map(n, f, try rel(n.inputs[0]))
    case .filter(let f):
      return try filter(n, f, try rel(n.inputs[0]))
    case .fused(let stages):
      var r = try rel(n.inputs[0])
      for s in stages {
        switch s {
        case .map(let f): r = try map(n, f, r)
        case .filter(let f): r = try filter(n, f, r)
        case .flatMap(let f): r = try flatMap(n, f, r)
        }
      }
      return r
    case .keyBy(let f):
      let input = try rel(n.inputs[0])
      // A tuple key `(a, b)` is one column per component.
      let syntax = try lambdaSyntax(f, n, "key function")
      let t = FlinkExpressionTranslator(lowering: lowering, operatorName: operatorName(n))
      let scope = try env(syntax, input, n)
      var parts = [syntax.body]
      if case .tuple(let xs) = syntax.body.kind, xs.count > 1 { parts = xs }
      var keys: [String] = [], types: [String] = []
      for p in parts {
        guard let type = t.columnType(p) else {
          throw t.refuse(p, "the key type \(lowering.checker.typeString(ofExpr: p.id)) has no Flink SQL column type")
        }
        keys.append(try t.sql(p, scope))
        types.append(type)
      }
      var r = input
      r.keyTypes = types
      let cols = input.columns.map { quote($0.name) } + zip(keys, r.keyColumns).map { "\($0) AS \(quote($1))" }
      let rowtime = input.rowtime ? ", \(quote("__rowtime"))" : ""
      r.name = define(n, "keyBy", "SELECT \(cols.joined(separator: ", "))\(rowtime)\nFROM \(quote(input.name))")
      return r
    case .window(let spec, let trigger, let lateness):
      var r = try rel(n.inputs[0])
      if case .global = spec { throw refuse(n, "global windows have no Flink SQL window table function") }
      if case .processingTime = spec { throw refuse(n, "processing-time windows do not translate: Flink SQL windows here run on the event-time attribute") }
      if case .onWatermark = trigger {} else { throw refuse(n, "only the default (watermark) trigger translates; Flink SQL windows fire when the watermark passes their end") }
      if lateness > 0 { throw refuse(n, "allowedLateness has no counterpart in Flink SQL window table functions") }
      guard r.rowtime else { throw refuse(n, "windows need event time: add withTimestamps right after the source") }
      r.window = spec
      return r
    case .aggregate(let fields, _):
      return try aggregate(n, fields, try rel(n.inputs[0]))
    case .union:
      return try union(n)
    case .flatMap(let f):
      return try flatMap(n, f, try rel(n.inputs[0]))
    case .process:
      throw refuse(n, "process keeps arbitrary state and timers per key, which Flink SQL cannot express")
    case .iterate, .feedback:
      throw refuse(n, "iterations loop over data, which Flink SQL cannot express")
    case .connect, .withBroadcast, .broadcast:
      throw refuse(n, "\(n.name) runs user functions over shared per-key state, which Flink SQL cannot express")
    case .reduce:
      throw refuse(n, "reduce with a user function has no SQL aggregate; use aggregate with count/sum/min/max/avg/countDistinct")
    case .lateEvents:
      throw refuse(n, "Flink SQL drops late events; there is no side output of them")
    case .intervalJoin(let lower, let upper):
      return try join(n, interval: (lower, upper), window: nil)
    case .windowJoin(let spec, let coGroup):
      if coGroup { throw refuse(n, "coGroup hands over lists of events, which have no SQL column counterpart") }
      return try join(n, interval: nil, window: spec)
    case .join:
      return try join(n, interval: nil, window: nil)
    case .latest:
      // A versioned view: the deduplication Flink recognizes (the latest
      // row per key by event time), usable with FOR SYSTEM_TIME AS OF.
      var r = try rel(n.inputs[0])
      guard r.keyTypes != nil, r.rowtime else { throw refuse(n, "latest needs a keyed stream with event time (withTimestamps right after its source)") }
      let keys = r.keyColumns.map(quote).joined(separator: ", ")
      let cols = (r.columns.map(\.name) + r.keyColumns + ["__rowtime"]).map(quote).joined(separator: ", ")
      r.name = define(n, "latest", "SELECT \(cols)\nFROM (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY \(keys) ORDER BY \(quote("__rowtime")) DESC) AS \(quote("__rn"))\n  FROM \(quote(r.name))\n)\nWHERE \(quote("__rn")) = 1")
      return r
    case .lookup:
      return try lookup(n)
    case .pattern(let spec, let skip):
      return try pattern(n, spec, skip)
    case .timedOut:
      throw refuse(n, "MATCH_RECOGNIZE has no output of timed-out partial matches")
    case .sink:
      throw refuse(n, "a sink cannot be an input")
    }
  }

  mutating func map(_ n: PlanNode, _ f: FunctionValue, _ input: Rel) throws -> Rel {
    let syntax = try lambdaSyntax(f, n, "function")
    let t = FlinkExpressionTranslator(lowering: lowering, operatorName: operatorName(n))
    let (select, columns, scalar) = try selectList(syntax.body, try env(syntax, input, n), t)
    var r = Rel(name: "", columns: columns, scalar: scalar, rowtime: input.rowtime)
    r.name = define(n, "map", "SELECT \(select.joined(separator: ", "))\(hidden(r))\nFROM \(quote(input.name))")
    return r
  }

  /// The SELECT list for a function's result: a record's fields as
  /// columns, or one column `value`.
  func selectList(_ expr: Expr, _ env: [String: SQLBinding], _ t: FlinkExpressionTranslator) throws -> ([String], [FlinkColumn], Bool) {
    var scope = env
    var body = expr
    // `x => { let a = ...; { ... } }`: the lets are in scope of the record.
    while case .block(let lets, let result) = body.kind {
      for l in lets {
        guard case .bind(let name) = l.pattern.kind else { throw t.refuse(l.value, "only simple `let name = ...` translates") }
        scope[name] = try t.bind(l.value, scope)
      }
      body = result
    }
    var select: [String] = []
    var columns: [FlinkColumn] = []
    if case .record(let inits) = body.kind {
      for i in inits {
        guard let type = t.columnType(i.value) else {
          throw t.refuse(i.value, "field '\(i.name.text)' has type \(lowering.checker.typeString(ofExpr: i.value.id)), which has no Flink SQL column type")
        }
        select.append("\(try t.sql(i.value, scope)) AS \(quote(i.name.text))")
        columns.append(FlinkColumn(name: i.name.text, type: type))
      }
      return (select, columns, false)
    }
    guard let type = t.columnType(body) else {
      throw t.refuse(body, "the result type \(lowering.checker.typeString(ofExpr: body.id)) has no Flink SQL column type")
    }
    return (["\(try t.sql(body, scope)) AS \(quote("value"))"], [FlinkColumn(name: "value", type: type)], true)
  }

  /// `flatMap` whose function returns list literals, possibly chosen by
  /// `if` or `match`: each element is a SELECT of the input under the
  /// conditions that lead to it, and the elements are a UNION ALL (one
  /// element keeps the input's order; several interleave differently from
  /// Flow, which emits each event's list in order).
  mutating func flatMap(_ n: PlanNode, _ f: FunctionValue, _ input: Rel) throws -> Rel {
    let syntax = try lambdaSyntax(f, n, "function")
    let t = FlinkExpressionTranslator(lowering: lowering, operatorName: operatorName(n))
    var elements: [(conds: [String], env: [String: SQLBinding], expr: Expr)] = []
    func collect(_ e: Expr, _ env: [String: SQLBinding], _ conds: [String]) throws {
      switch e.kind {
      case .list(let xs):
        for x in xs { elements.append((conds, env, x)) }
      case .ifThen(let c, let a, let b):
        let cs = try t.sql(c, env)
        try collect(a, env, conds + [cs])
        try collect(b, env, conds + ["(NOT \(cs))"])
      case .match(let scrutinee, let arms):
        var earlier: [String] = []
        for arm in try t.matchArms(scrutinee, arms, env) {
          let excluded = earlier.map { "(NOT \($0))" }
          try collect(arm.body, arm.env, conds + excluded + (arm.condition.map { [$0] } ?? []))
          if let c = arm.condition { earlier.append(c) }
        }
      case .block(let lets, let result):
        var inner = env
        for l in lets {
          guard case .bind(let name) = l.pattern.kind else { throw t.refuse(l.value, "only simple `let name = ...` translates") }
          inner[name] = try t.bind(l.value, inner)
        }
        try collect(result, inner, conds)
      default:
        throw t.refuse(e, "flatMap translates when its function returns list literals ([a, b] or []), possibly chosen by if or match")
      }
    }
    try collect(syntax.body, try env(syntax, input, n), [])
    guard !elements.isEmpty else { throw refuse(n, "its function never returns an element") }
    var selects: [String] = []
    var columns: [FlinkColumn]? = nil
    var scalar = false
    for el in elements {
      let (select, cols, isScalar) = try selectList(el.expr, el.env, t)
      if let c = columns {
        guard c.map(\.name) == cols.map(\.name) else { throw t.refuse(el.expr, "every element must have the same fields in the same order") }
      } else {
        columns = cols
        scalar = isScalar
      }
      var q = "SELECT \(select.joined(separator: ", "))\(input.rowtime ? ", \(quote("__rowtime"))" : "")\nFROM \(quote(input.name))"
      if !el.conds.isEmpty { q += "\nWHERE " + el.conds.joined(separator: " AND ") }
      selects.append(q)
    }
    var r = Rel(name: "", columns: columns ?? [], scalar: scalar, rowtime: input.rowtime)
    r.name = define(n, "flatMap", selects.joined(separator: "\nUNION ALL\n"))
    return r
  }

  mutating func filter(_ n: PlanNode, _ f: FunctionValue, _ input: Rel) throws -> Rel {
    let (cond, _) = try translate(f, over: input, n, "predicate")
    var r = input
    r.name = define(n, "filter", "SELECT *\nFROM \(quote(input.name))\nWHERE \(cond)")
    return r
  }

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

  /// `pattern` as MATCH_RECOGNIZE, where it fits: parts joined by `next`
  /// (consecutive rows) or `followedBy` (a gap `G*?` of any rows), conditions
  /// on the event and the earlier parts, loops with `consecutive()`, no groups or negation, skip `pastLastEvent` or
  /// `toNext`. A match's lists become measures per part `p` and input
  /// column `c`: `p.first.c` (FIRST), `p.last.c` (LAST) and `p.count`,
  /// which the translator reads for `m.p[0]?.c`, `reverse(m.p)[0]?.c` and
  /// `length(m.p)`.
  mutating func pattern(_ n: PlanNode, _ spec: PatternSpec, _ skip: AfterMatch) throws -> Rel {
    let input = try rel(n.inputs[0])
    guard input.keyTypes != nil, input.rowtime, !input.scalar else {
      throw refuse(n, "MATCH_RECOGNIZE needs a keyed stream of records with event time")
    }
    var measures: [String] = [], defines: [String] = [], pattern: [String] = []
    var columns: [FlinkColumn] = []
    for (i, part) in spec.parts.enumerated() {
      guard let cond = part.condition, part.group == nil else { throw refuse(n, "group patterns do not translate to MATCH_RECOGNIZE") }
      guard part.negation == .none else { throw refuse(n, "notNext and notFollowedBy do not translate to MATCH_RECOGNIZE") }
      guard i == 0 || part.contiguity != .any else {
        throw refuse(n, "part '\(part.name)' follows with followedByAny, whose branching over every later match has no MATCH_RECOGNIZE form")
      }
      guard part.until == nil else { throw refuse(n, "until does not translate to MATCH_RECOGNIZE") }
      if part.max != 1 && !part.consecutive {
        throw refuse(n, "part '\(part.name)' repeats without consecutive(); MATCH_RECOGNIZE repeats over consecutive rows only")
      }
      let v = "P\(i)"
      let syntax = try lambdaSyntax(cond, n, "condition of part '\(part.name)'")
      guard (1...2).contains(syntax.params.count), case .bind(let pn) = syntax.params[0].pattern.kind else {
        throw refuse(n, "only conditions `e => ...` and `(e, m) => ...` with plain parameter names translate")
      }
      var fields: [String: String] = [:]
      for c in input.columns { fields[c.name] = "\(v).\(quote(c.name))" }
      var scope: [String: SQLBinding] = [pn: .row(fields)]
      if syntax.params.count == 2 {
        // `(e, m) => ... m.p[0]?.c ...`: the parts matched before this one,
        // as MATCH_RECOGNIZE's aggregates over their rows.
        guard case .bind(let mn) = syntax.params[1].pattern.kind else { throw refuse(n, "only plain parameter names translate") }
        var so: [String: String] = [:]
        for (j, earlier) in spec.parts[..<i].enumerated() {
          for c in input.columns {
            so[earlier.name + ".first." + c.name] = "FIRST(P\(j).\(quote(c.name)))"
            so[earlier.name + ".last." + c.name] = "LAST(P\(j).\(quote(c.name)))"
          }
          so[earlier.name + ".count"] = "CAST(COUNT(P\(j).\(quote("__rowtime"))) AS BIGINT)"
        }
        scope[mn] = .row(so)
      }
      let t = FlinkExpressionTranslator(lowering: lowering, operatorName: operatorName(n))
      defines.append("\(v) AS \(try t.sql(syntax.body, scope))")
      // followedBy: any rows may come between (a variable without a DEFINE
      // matches every row), the first that satisfies the part ends the gap.
      if part.contiguity == .relaxed && i > 0 { pattern.append("G\(i)*?") }
      var q: String
      switch (part.min, part.max) {
      case (1, 1?): q = ""
      case (0, 1?): q = "?"
      case (let a, let b?) where a == b: q = "{\(a)}"
      case (let a, let b?): q = "{\(a),\(b)}"
      case (let a, nil): q = a == 1 ? "+" : a == 0 ? "*" : "{\(a),}"
      }
      // FlinkCEP loops are reluctant unless greedy(); so are SQL's `?` forms.
      if part.max != 1 && part.min != part.max && !part.greedy { q += "?" }
      pattern.append(v + q)
      for c in input.columns {
        measures.append("FIRST(\(v).\(quote(c.name))) AS \(quote(part.name + ".first." + c.name))")
        measures.append("LAST(\(v).\(quote(c.name))) AS \(quote(part.name + ".last." + c.name))")
        columns.append(FlinkColumn(name: part.name + ".first." + c.name, type: c.type.hasSuffix("?") ? c.type : c.type + "?"))
        columns.append(FlinkColumn(name: part.name + ".last." + c.name, type: c.type.hasSuffix("?") ? c.type : c.type + "?"))
      }
      measures.append("CAST(COUNT(\(v).\(quote("__rowtime"))) AS BIGINT) AS \(quote(part.name + ".count"))")
      columns.append(FlinkColumn(name: part.name + ".count", type: "Int"))
    }
    let after: String
    switch skip {
    case .pastLastEvent: after = "SKIP PAST LAST ROW"
    case .toNext: after = "SKIP TO NEXT ROW"
    case .toFirst(let p):
      guard let i = spec.parts.firstIndex(where: { $0.name == p }) else { throw refuse(n, "no part '\(p)'") }
      after = "SKIP TO FIRST P\(i)"
    case .toLast(let p):
      guard let i = spec.parts.firstIndex(where: { $0.name == p }) else { throw refuse(n, "no part '\(p)'") }
      after = "SKIP TO LAST P\(i)"
    case .noSkip:
      throw refuse(n, "noSkip (every match, overlapping) has no MATCH_RECOGNIZE form; use skip: pastLastEvent or toNext")
    }
    measures.append("MATCH_ROWTIME() AS \(quote("__rowtime"))")
    let within = spec.within.map { " WITHIN \(interval($0))" } ?? ""
    let keys = input.keyColumns.map(quote).joined(separator: ", ")
    patternNodes = true
    var r = Rel(name: "", columns: columns, rowtime: true)
    r.isMatch = true
    r.name = define(n, "pattern", """
      SELECT *
      FROM \(quote(input.name))
      MATCH_RECOGNIZE (
        PARTITION BY \(keys)
        ORDER BY \(quote("__rowtime"))
        MEASURES \(measures.joined(separator: ",\n    "))
        ONE ROW PER MATCH
        AFTER MATCH \(after)
        PATTERN (\(pattern.joined(separator: " ")))\(within)
        DEFINE \(defines.joined(separator: ",\n    "))
      )
      """)
    return r
  }

  mutating func union(_ n: PlanNode) throws -> Rel {
    let a = try rel(n.inputs[0]), b = try rel(n.inputs[1])
    guard a.scalar == b.scalar, Set(a.columns.map(\.name)) == Set(b.columns.map(\.name)), a.rowtime == b.rowtime else {
      throw refuse(n, "both inputs must have the same columns and both or neither event time")
    }
    let names = a.columns.map { quote($0.name) } + (a.rowtime ? [quote("__rowtime")] : [])
    let cols = names.joined(separator: ", ")
    var r = a
    r.keyTypes = nil
    r.window = nil
    r.name = define(n, "union", "SELECT \(cols) FROM \(quote(a.name))\nUNION ALL\nSELECT \(cols) FROM \(quote(b.name))")
    return r
  }

  mutating func compileSink(_ n: PlanNode) throws {
    guard case .sink(let spec) = n.kind else { throw refuse(n, "not a sink") }
    guard let c = spec.connector else { throw refuse(n, "the sink \(spec.description) has no Flink connector") }
    let input = try rel(n.inputs[0])
    if input.isMatch { throw refuse(n, "a pattern's matches (lists of events) have no column form; map each match to a record first (m.part[0]?.field, length(m.part))") }
    let query = "SELECT \(input.columns.map { quote($0.name) }.joined(separator: ", "))\nFROM \(quote(input.name))"
    let table = uniqueName("sink\(n.id)_\(c.name)")
    var options: [String]
    switch c.name {
    case "writeStdout":
      job.sinks.append(FlinkSink(kind: .stdout(table: table, query: query), columns: input.columns, scalar: input.scalar, location: n.location))
      return
    case "discard": options = ["'connector' = 'blackhole'"]
    case "writeCsv", "writeJsonl":
      options = ["'connector' = 'filesystem'", "'path' = \(sqlString(c.options["path"] ?? ""))", "'format' = '\(c.name == "writeCsv" ? "csv" : "json")'"]
    default:
      throw refuse(n, "the sink \(c.name) has no Flink connector counterpart (see Language/flink.md)")
    }
    let ddl = createTable(table, input.columns, input.scalar, options)
    job.sinks.append(FlinkSink(kind: .insert(table: table, ddl: ddl, query: query), columns: input.columns, scalar: input.scalar, location: n.location))
  }
}

/// `+ INTERVAL '5' SECOND` or `- INTERVAL '5' SECOND`.
func signedInterval(_ ms: Int64) -> String {
  ms < 0 ? "- " + interval(-ms) : "+ " + interval(ms)
}

/// A Flink SQL interval literal for milliseconds, in the largest unit that
/// divides it: `INTERVAL '1' MINUTE`, `INTERVAL '10' SECOND`,
/// `INTERVAL '0.250' SECOND`, `INTERVAL '150' SECOND(3)` (SQL's default
/// leading precision is two digits).
func interval(_ ms: Int64) -> String {
  for (size, unit) in [(Int64(86_400_000), "DAY"), (3_600_000, "HOUR"), (60_000, "MINUTE")] where ms >= size && ms % size == 0 {
    let n = ms / size
    return "INTERVAL '\(n)' \(unit)\(n > 99 ? "(\(String(n).count))" : "")"
  }
  let whole = ms / 1000, frac = ms % 1000
  let digits = String(whole).count
  if frac == 0 { return "INTERVAL '\(whole)' SECOND\(digits > 2 ? "(\(digits))" : "")" }
  let f = frac < 10 ? "00\(frac)" : frac < 100 ? "0\(frac)" : "\(frac)"
  return "INTERVAL '\(whole).\(f)' SECOND\(digits > 2 ? "(\(digits), 3)" : "")"
}
