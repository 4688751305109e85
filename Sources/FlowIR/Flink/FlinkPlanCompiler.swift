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
    case .changelog:
      throw refuse(n, "changelog operators (updating aggregates and outer joins) have no translation yet")
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
