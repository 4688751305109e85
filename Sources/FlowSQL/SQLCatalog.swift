import FlowSyntax
import FlowRuntime
import FlowConnectors
import FlowIR

/// A table declared with CREATE TABLE: its columns, event-time column and
/// connector (what reads or writes it).
struct TableDef {
  enum Connector {
    case csv(path: String, header: Bool, delimiter: UInt8, skipBad: Bool)
    case json(path: String, skipBad: Bool)
    /// A file of change events (debezium-json, canal-json, maxwell-json):
    /// read as a changelog.
    case changelogJSON(path: String, format: SQLChangelogFormat, skipBad: Bool)
    case nexmark(kind: NexmarkEventKind, events: Int, seed: Int64)
    /// Seeded random or sequence rows (SQLDatagen.swift).
    case datagen(fields: [DatagenField], rows: Int64?, rowsPerSecond: Double?, seed: Int64)
    case print
    case blackhole
    /// A Flow stream registered as a table (embedded `sql(...)`); nil
    /// while only the query's type is wanted.
    case stream(PlanNode?)

    var isSink: Bool {
      switch self {
      case .print, .blackhole: return true
      default: return false
      }
    }
    var isSource: Bool {
      switch self {
      case .csv, .json, .changelogJSON, .nexmark, .datagen, .stream: return true
      default: return false
      }
    }
  }
  var name: String
  var columns: [(name: String, type: SQLType)]
  var rowtime: String?
  var delayMillis: Int64 = 0
  var connector: Connector
  var span: Span
  /// `PRIMARY KEY (...) NOT ENFORCED`: a versioned table's key, or the
  /// columns a sink upserts by.
  var primaryKey: [String]?
  /// A `name AS PROCTIME()` column and its position (SQLProcessingTime.swift).
  var proctime: (name: String, index: Int)?
  /// 'lookup.cache.ttl': how long a lookup join keeps the file's rows
  /// before reading it again (nil: read once; SQLLookupJoins.swift).
  var lookupTTL: Int64?
}

extension SQLCompiler {
  static let connectorOptions: [String: Set<String>] = [
    "filesystem": Set(["connector", "path", "format", "csv.ignore-first-line", "csv.field-delimiter", "csv.ignore-parse-errors", "json.ignore-parse-errors", "lookup.cache.ttl", "lookup.join.cache.ttl"]).union(SQLChangelogFormat.options),
    "nexmark": ["connector", "nexmark.table", "events", "seed"],
    "datagen": datagenOptions,
    "print": ["connector"],
    "blackhole": ["connector"],
  ]

  /// Checks a CREATE TABLE and records it; problems are E0808 diagnostics.
  func define(_ t: CreateTable) {
    if tables[t.name] != nil || views[t.name] != nil {
      diag.add(.error("E0808", "table '\(t.name)' is already defined", at: t.nameSpan))
      return
    }
    var columns: [(String, SQLType)] = []
    var ok = true
    for c in t.columns {
      if columns.contains(where: { $0.0 == c.name }) {
        diag.add(.error("E0808", "column '\(c.name)' is declared twice", at: c.span))
        ok = false
      }
      guard let type = SQLType.named(c.type.name) else {
        diag.add(.error("E0805", "column type \(c.type.name) is not supported", at: c.type.span, notes: ["help: use BIGINT, INT, DOUBLE, DECIMAL, VARCHAR/STRING, BOOLEAN or TIMESTAMP(3)"]))
        ok = false
        continue
      }
      columns.append((c.name, type))
    }
    var opts: [String: (String, Span)] = [:]
    for o in t.options { opts[o.key] = (o.value, o.span) }
    func option(_ k: String) -> String? { opts[k]?.0 }
    guard let (connector, connectorSpan) = opts["connector"] else {
      diag.add(.error("E0808", "table '\(t.name)' has no 'connector' option", at: t.nameSpan, notes: ["help: add WITH ('connector' = 'filesystem', 'path' = 'data.csv', 'format' = 'csv'), or 'print' / 'blackhole' for a sink"]))
      return
    }
    guard let allowed = Self.connectorOptions[connector] else {
      var notes = ["help: the connectors are filesystem, nexmark, datagen, print and blackhole"]
      if connector == "kafka" { notes.insert("note: '\(connector)' is not supported; read files with 'filesystem' or generate bids with 'nexmark'", at: 0) }
      diag.add(.error("E0808", "unknown connector '\(connector)'", at: connectorSpan, notes: notes))
      return
    }
    for o in t.options where !allowed.contains(o.key) && !(connector == "datagen" && isDatagenFieldOption(o.key, columns.map(\.0))) {
      let fieldNote = connector == "datagen" ? ", and per column fields.<column>.\(Self.datagenFieldOptions.sorted().joined(separator: "|"))" : ""
      diag.add(.error("E0808", "option '\(o.key)' is not supported by the \(connector) connector", at: o.span, notes: ["note: its options are: \(allowed.sorted().joined(separator: ", "))\(fieldNote)"]))
      ok = false
    }
    // A format's options ('canal-json.ignore-parse-errors') need that format.
    for o in t.options {
      let prefix = o.key.split(separator: ".").first.map(String.init) ?? ""
      if SQLChangelogFormat.names.contains(prefix), opts["format"]?.0 != prefix, allowed.contains(o.key) {
        diag.add(.error("E0808", "option '\(o.key)' needs 'format' = '\(prefix)'", at: o.span, notes: ["note: the table's format is '\(opts["format"]?.0 ?? "")'"]))
        ok = false
      }
    }
    func flag(_ k: String) -> Bool {
      guard let v = opts[k] else { return false }
      if v.0.lowercased() == "true" { return true }
      if v.0.lowercased() != "false" { diag.add(.error("E0808", "option '\(k)' must be 'true' or 'false'", at: v.1)); ok = false }
      return false
    }
    var conn: TableDef.Connector
    switch connector {
    case "filesystem":
      guard let path = option("path") else {
        diag.add(.error("E0808", "the filesystem connector needs a 'path' option", at: connectorSpan))
        return
      }
      switch option("format") {
      case "csv":
        var delim = UInt8(ascii: ",")
        if let d = opts["csv.field-delimiter"] {
          guard d.0.utf8.count == 1, let b = d.0.utf8.first else {
            diag.add(.error("E0808", "'csv.field-delimiter' must be one character", at: d.1))
            return
          }
          delim = b
        }
        conn = .csv(path: path, header: flag("csv.ignore-first-line"), delimiter: delim, skipBad: flag("csv.ignore-parse-errors"))
      case "json":
        conn = .json(path: path, skipBad: flag("json.ignore-parse-errors"))
      case "debezium-json":
        conn = .changelogJSON(path: path, format: .debezium(schemaInclude: flag("debezium-json.schema-include")), skipBad: flag("debezium-json.ignore-parse-errors"))
      case "canal-json":
        conn = .changelogJSON(path: path, format: .canal, skipBad: flag("canal-json.ignore-parse-errors"))
      case "maxwell-json":
        conn = .changelogJSON(path: path, format: .maxwell, skipBad: flag("maxwell-json.ignore-parse-errors"))
      case "changelog-json":
        conn = .changelogJSON(path: path, format: .changelog, skipBad: flag("changelog-json.ignore-parse-errors"))
      default:
        diag.add(.error("E0808", "the filesystem connector needs 'format' = 'csv', 'json', 'debezium-json', 'canal-json', 'maxwell-json' or 'changelog-json'", at: opts["format"]?.1 ?? connectorSpan, notes: ["note: 'json' reads JSON Lines, one object per line; the other JSON formats read change events (a changelog)"]))
        return
      }
    case "nexmark":
      let kinds: [String: NexmarkEventKind] = ["bid": .bid, "person": .person, "auction": .auction]
      guard let kind = kinds[option("nexmark.table") ?? "bid"] else {
        diag.add(.error("E0808", "'nexmark.table' must be 'bid', 'auction' or 'person'", at: opts["nexmark.table"]?.1 ?? connectorSpan))
        return
      }
      guard let events = Int(option("events") ?? "10000"), events >= 0, let seed = Int64(option("seed") ?? "42") else {
        diag.add(.error("E0808", "'events' and 'seed' must be whole numbers", at: opts["events"]?.1 ?? connectorSpan))
        return
      }
      let schema = kind == .bid ? NexmarkSchemas.bid : kind == .person ? NexmarkSchemas.person : NexmarkSchemas.auction
      for (i, c) in columns.enumerated() {
        guard let f = schema.fields.first(where: { $0.name == c.0 }) else {
          diag.add(.error("E0808", "the nexmark \(option("nexmark.table") ?? "bid") table has no column '\(c.0)'", at: t.columns[i].span, notes: ["note: its columns are: \(schema.fields.map(\.name).joined(separator: ", "))"]))
          ok = false
          continue
        }
        if f.type != c.1.columnType {
          diag.add(.error("E0804", "column '\(c.0)' of the nexmark table is \(f.type), not \(c.1)", at: t.columns[i].span))
          ok = false
        }
      }
      conn = .nexmark(kind: kind, events: events, seed: seed)
    case "datagen":
      guard let c = datagenConnector(t, columns, opts, connectorSpan) else { return }
      conn = c
    case "print": conn = .print
    default: conn = .blackhole
    }
    var def = TableDef(name: t.name, columns: columns, rowtime: nil, connector: conn, span: t.nameSpan)
    if let pk = t.primaryKey {
      guard checkPrimaryKey(pk.columns, columns.map(\.0), connector: connector, span: pk.span) else { return }
      def.primaryKey = pk.columns.map(\.0)
    }
    if let w = t.watermark {
      guard let col = columns.first(where: { $0.0 == w.column }) else {
        diag.add(.error("E0803", "unknown column '\(w.column)' in WATERMARK FOR", at: w.columnSpan, notes: ["note: available columns: \(columns.map(\.0).joined(separator: ", "))"]))
        return
      }
      guard col.1 == .timestamp else {
        diag.add(.error("E0804", "the WATERMARK column '\(w.column)' must be TIMESTAMP(3), found \(col.1)", at: w.columnSpan))
        return
      }
      // Only the bounded-delay strategy: `col` or `col - INTERVAL '...' unit`.
      var delay: Int64?
      switch w.expr.kind {
      case .column(nil, let n) where n == w.column: delay = 0
      case .binary("-", let l, let r):
        if case .column(nil, let n) = l.kind, n == w.column, case .literal(.duration(let d), _) = r.kind, d >= 0 { delay = d }
      default: break
      }
      guard let d = delay else {
        diag.add(.error("E0805", "this watermark strategy is not supported", at: w.expr.span, notes: ["help: write WATERMARK FOR \(w.column) AS \(w.column) - INTERVAL '5' SECOND (a bounded delay)"]))
        return
      }
      def.rowtime = w.column
      def.delayMillis = d
    }
    guard defineExtras(t, &def, columns.map(\.0), opts) else { return }
    if ok { tables[t.name] = def }
  }

  /// A relation reading table `def`: a source node, a re-shaping map for
  /// generator tables, and timestamps when it declares a watermark.
  func sourceRelation(_ def: TableDef, qualifier: String, span: Span) -> Relation {
    let schema = Schema(def.columns.map { ($0.name, $0.type.columnType.optionalized) })
    let shape = schema.shape
    let flowType = flowSchema(def.columns.map { ($0.name, $0.type) })
    var node: PlanNode
    switch def.connector {
    case .csv(let path, let header, let delim, let skip):
      let key = "sql csv \(path) \(def.columns.map { "\($0.name):\($0.type)" }) \(header) \(delim) \(skip)"
      let spec = SourceSpec(bounded: true, description: "filesystem csv '\(path)'", key: key, supportsProjection: true) { columns, start in
        let r = try CSVReader(path: path, schema: schema, header: header, delimiter: delim, policy: skip ? .skip : .fail, columns: columns, startOffset: start)
        return RowSourceReader(r, unwrap: false, replayable: true, size: { (r.bytesRead, r.totalBytes) }, skipped: { r.skippedRows }, stop: { r.stop() })
      }
      node = makeNode(.source(spec), [], "source", span, flowType)
    case .json(let path, let skip):
      let key = "sql json \(path) \(def.columns.map { "\($0.name):\($0.type)" }) \(skip)"
      let spec = SourceSpec(bounded: true, description: "filesystem json '\(path)'", key: key, supportsProjection: true) { columns, start in
        let r = try JSONLinesReader(path: path, schema: schema, policy: skip ? .skip : .fail, columns: columns, startOffset: start)
        return RowSourceReader(r, unwrap: false, replayable: true, size: { (r.bytesRead, r.totalBytes) }, skipped: { r.skippedRows }, stop: { r.stop() })
      }
      node = makeNode(.source(spec), [], "source", span, flowType)
    case .changelogJSON(let path, let format, let skip):
      node = changelogSourceNode(def, path: path, format: format, skipBad: skip, span: span)
    case .nexmark(let kind, let events, let seed):
      let spec = SourceSpec(bounded: true, description: "nexmark \(kind) (events: \(events), seed: \(seed))", key: "sql nexmark \(kind) \(events) \(seed)") { _, start in
        RowSourceReader(NexmarkSource(config: NexmarkConfig(events: events, seed: UInt64(bitPattern: seed)), kind: kind, startAt: start), unwrap: false, replayable: true)
      }
      let src = makeNode(.source(spec), [], "source", span, "")
      // The generator's records have all of the kind's fields in its order.
      let names = def.columns.map(\.name)
      node = makeNode(.map(FunctionValue(unary: { v in
        guard case .record(let r) = v else { return .null }
        return .record(Record(shape: shape, values: names.map { r[$0] ?? .null }))
      })), [src], "map", span, flowType)
    case .datagen(let fields, let rows, let rate, let seed):
      let spec = SourceSpec(bounded: DatagenSource(shape: shape, fields: fields, seed: 0, rows: rows).limit != nil,
                            description: "datagen (rows: \(rows.map(String.init) ?? "unbounded"), seed: \(seed))",
                            key: "sql datagen \(def.name) \(def.columns.map { "\($0.name):\($0.type)" }) \(rows ?? -1) \(seed)") { _, start in
        RowSourceReader(DatagenSource(shape: shape, fields: fields, seed: UInt64(bitPattern: seed), rows: rows, rowsPerSecond: rate, startAt: start), unwrap: false, replayable: true)
      }
      node = makeNode(.source(spec), [], "source", span, flowType)
    case .stream(let input):
      // Typing only: a placeholder node; planning: the Flow stream itself.
      node = input ?? makeNode(.union, [], "input", span, flowType)
    case .print, .blackhole:
      diag.add(.error("E0808", "table '\(def.name)' is a sink (connector '\(def.connector.isSink ? (def.connector.isPrint ? "print" : "blackhole") : "")'); it cannot be read", at: span, notes: ["help: read from a table with the filesystem or nexmark connector"]))
      node = makeNode(.union, [], "empty", span, flowType)
    }
    if let rt = def.rowtime, let slot = def.columns.firstIndex(where: { $0.name == rt }) {
      let loc = location(span)
      let time = FunctionValue(info: FunctionInfo(text: "row => row.\(rt)", fieldsRead: [rt], constant: nil, updatedFields: nil), unary: { v in
        if case .record(let r) = v, case .time = r.values[slot] { return r.values[slot] }
        throw RuntimeError("the event-time column '\(rt)' is NULL", at: loc)
      })
      node = makeNode(.withTimestamps(time: time, watermark: .boundedDelay(def.delayMillis), idleMillis: 0), [node], "withTimestamps", span, flowType)
    }
    if case .changelogJSON = def.connector { markUpdating(node) }
    let cols = def.columns.map { SQLColumn(name: $0.name, type: $0.type, qualifiers: [qualifier]) }
    let rel = Relation(columns: cols, node: node, rowtime: def.rowtime)
    if let p = def.proctime { return withProcTime(rel, name: p.name, at: p.index, span) }
    return rel
  }

  /// The sink node of `INSERT INTO def`.
  func sinkNode(_ def: TableDef, _ input: PlanNode, _ span: Span) -> PlanNode? {
    let spec: SinkSpec
    switch def.connector {
    case .print: spec = SinkSpec(description: "print") { _ in SharedStdout() }
    case .blackhole: spec = SinkSpec(description: "blackhole") { _ in ValueSinkWriter(DiscardSink()) }
    // With checkpoints, file sinks commit in two phases (exactly once, and a
    // restore keeps the output of completed checkpoints), as Flow's writeCsv.
    case .csv(let path, _, let delim, _):
      spec = SinkSpec(description: "filesystem csv '\(path)'") { exactlyOnce in
        exactlyOnce ? try exactlyOnceFileSink(path: path) { p, header in try CSVSink(path: p, delimiter: delim, header: header) }
                    : ValueSinkWriter(try CSVSink(path: path, delimiter: delim))
      }
    case .json(let path, _):
      spec = SinkSpec(description: "filesystem json '\(path)'") { exactlyOnce in
        exactlyOnce ? try exactlyOnceFileSink(path: path) { p, _ in try JSONLinesSink(path: p) } : ValueSinkWriter(try JSONLinesSink(path: path))
      }
    case .nexmark, .datagen, .stream, .changelogJSON:
      diag.add(.error("E0808", "table '\(def.name)' is a source; it cannot be written", at: span))
      return nil
    }
    return makeNode(.sink(spec), [input], "sink \(def.name)", span, "")
  }
}

extension TableDef.Connector {
  var isPrint: Bool {
    if case .print = self { return true }
    return false
  }
}

extension ColumnType {
  /// Every SQL column may be NULL: an empty CSV field or a missing JSON key reads as NULL.
  var optionalized: ColumnType { isOptional ? self : .optional(self) }
}
