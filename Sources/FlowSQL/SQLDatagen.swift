import FlowSyntax
import FlowConnectors

/// The `datagen` connector's options (Language/sql.md, "Connectors"):
/// table-wide ones, and `fields.<column>.<option>` per declared column.
extension SQLCompiler {
  static let datagenOptions: Set<String> = ["connector", "number-of-rows", "rows-per-second", "seed"]
  static let datagenFieldOptions: Set<String> = ["kind", "min", "max", "length", "start", "end", "null-rate"]

  func isDatagenFieldOption(_ key: String, _ columns: [String]) -> Bool {
    let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
    guard parts.count == 2, parts[0] == "fields", let dot = parts[1].lastIndex(of: ".") else { return false }
    let column = String(parts[1][..<dot]), option = String(parts[1][parts[1].index(after: dot)...])
    return columns.contains(column) && Self.datagenFieldOptions.contains(option)
  }

  /// The generator for table `t`, or nil after reporting E0808/E0805.
  func datagenConnector(_ t: CreateTable, _ columns: [(String, SQLType)], _ opts: [String: (String, Span)], _ connectorSpan: Span) -> TableDef.Connector? {
    var ok = true
    func bad(_ key: String, _ message: String) {
      diag.add(.error("E0808", message, at: opts[key]?.1 ?? connectorSpan))
      ok = false
    }
    func whole(_ key: String) -> Int64? {
      guard let v = opts[key] else { return nil }
      guard let n = Int64(v.0) else { bad(key, "option '\(key)' must be a whole number"); return nil }
      return n
    }
    func number(_ key: String) -> Double? {
      guard let v = opts[key] else { return nil }
      guard let n = Double(v.0), n.isFinite else { bad(key, "option '\(key)' must be a number"); return nil }
      return n
    }
    let rows = whole("number-of-rows")
    if let r = rows, r < 0 { bad("number-of-rows", "option 'number-of-rows' cannot be negative") }
    let rate = number("rows-per-second")
    if let r = rate, r <= 0 { bad("rows-per-second", "option 'rows-per-second' must be above 0") }
    let seed = whole("seed") ?? 42
    var fields: [DatagenField] = []
    for (name, type) in columns {
      let p = "fields.\(name)."
      let span = t.columns.first(where: { $0.name == name })?.span ?? connectorSpan
      let kindName = opts[p + "kind"]?.0 ?? "random"
      let nullRate = number(p + "null-rate") ?? 0
      if nullRate < 0 || nullRate > 1 { bad(p + "null-rate", "option '\(p)null-rate' must be between 0 and 1") }
      switch kindName {
      case "sequence":
        guard type == .bigint || type == .double || type == .string else {
          diag.add(.error("E0805", "a datagen sequence column must be BIGINT, INT, DOUBLE or STRING, not \(type)", at: opts[p + "kind"]?.1 ?? span))
          ok = false
          continue
        }
        guard let start = whole(p + "start"), let end = whole(p + "end") else {
          if opts[p + "start"] == nil || opts[p + "end"] == nil {
            bad(p + "kind", "a datagen sequence column needs '\(p)start' and '\(p)end'")
          }
          continue
        }
        if end < start { bad(p + "end", "option '\(p)end' is below '\(p)start'") }
        for o in ["min", "max", "length", "null-rate"] where opts[p + o] != nil {
          bad(p + o, "option '\(p)\(o)' is for random columns; '\(name)' is a sequence")
        }
        fields.append(DatagenField(type: type.columnType, kind: .sequence(start: start, end: end)))
      case "random":
        for o in ["start", "end"] where opts[p + o] != nil {
          bad(p + o, "option '\(p)\(o)' is for sequence columns; add '\(p)kind' = 'sequence'")
        }
        switch type {
        case .bigint, .double:
          let lo = number(p + "min") ?? 0, hi = number(p + "max") ?? (type == .bigint ? 1_000_000 : 1)
          if hi < lo { bad(p + "max", "option '\(p)max' is below '\(p)min'") }
          if type == .bigint, lo.rounded() != lo || hi.rounded() != hi || abs(lo) > 9e18 || abs(hi) > 9e18 {
            bad(opts[p + "min"] != nil ? p + "min" : p + "max", "the bounds of BIGINT column '\(name)' must be whole numbers")
          }
          fields.append(DatagenField(type: type.columnType, kind: .random(min: lo, max: hi, length: 0), nullRate: nullRate))
        case .string, .boolean, .timestamp:
          let length = whole(p + "length") ?? 10
          if length < 0 || length > 1_000_000 { bad(p + "length", "option '\(p)length' must be between 0 and 1000000") }
          for o in ["min", "max"] where opts[p + o] != nil { bad(p + o, "option '\(p)\(o)' is for numeric columns; '\(name)' is \(type)") }
          if type != .string, opts[p + "length"] != nil { bad(p + "length", "option '\(p)length' is for STRING columns; '\(name)' is \(type)") }
          fields.append(DatagenField(type: type.columnType, kind: .random(min: 0, max: 0, length: Int(length)), nullRate: nullRate))
        default:
          diag.add(.error("E0805", "the datagen connector cannot generate \(type) column '\(name)'", at: span, notes: ["help: use BIGINT, INT, DOUBLE, BOOLEAN, STRING or TIMESTAMP(3)"]))
          ok = false
        }
      default:
        bad(p + "kind", "option '\(p)kind' must be 'random' or 'sequence'")
      }
    }
    guard ok else { return nil }
    return .datagen(fields: fields, rows: rows, rowsPerSecond: rate, seed: seed)
  }
}
