/// The result of compiling a Flow plan to Flink SQL (`flow compile --target
/// flink-sql`, `flow run --engine flink`): table and view definitions, then
/// one query per sink.
public struct FlinkJob {
  /// Batch when every source ends (Flow then emits final results once at
  /// the end, as Flink's batch mode does); streaming otherwise.
  public var batch: Bool
  /// `CREATE TEMPORARY TABLE` / `CREATE TEMPORARY VIEW` statements, in
  /// dependency order.
  public var definitions: [String] = []
  public var sinks: [FlinkSink] = []
  /// The operator and script position behind each view and table, so that
  /// Flink's errors can be told in the script's terms.
  public var origins: [String: String] = [:]

  /// The whole job as one SQL script for the Flink SQL client or gateway:
  /// settings, definitions, a print table per `writeStdout`, and the
  /// INSERTs (in one statement set when there are several).
  public func script() -> String {
    var out = ["SET 'execution.runtime-mode' = '\(batch ? "batch" : "streaming")';", "SET 'table.local-time-zone' = 'UTC';"]
    out += definitions.map { $0 + ";" }
    var inserts: [String] = []
    for s in sinks {
      switch s.kind {
      case .insert(let table, let ddl, let query):
        out.append(ddl + ";")
        inserts.append("INSERT INTO \(quote(table))\n\(query)")
      case .stdout(let table, let query):
        out.append(createTable(table, s.columns, s.scalar, ["'connector' = 'print'"]) + ";")
        inserts.append("INSERT INTO \(quote(table))\n\(query)")
      }
    }
    if inserts.count == 1 {
      out.append(inserts[0] + ";")
    } else if !inserts.isEmpty {
      out.append("EXECUTE STATEMENT SET BEGIN\n" + inserts.map { $0 + ";" }.joined(separator: "\n") + "\nEND;")
    }
    return out.joined(separator: "\n\n") + "\n"
  }

  /// The job as JSON for `Scripts/flink/run_sql.py`: stdout sinks become
  /// collected queries whose rows the runner prints the way `flow run`
  /// does (it needs each column's Flow type for that).
  public func runnerJSON() -> String {
    func str(_ s: String) -> String { jsonString(s) }
    var sinkJSON: [String] = []
    for s in sinks {
      let cols = s.columns.map { "{\"name\": \(str($0.name)), \"type\": \(str($0.type))}" }.joined(separator: ", ")
      switch s.kind {
      case .insert(let table, let ddl, let query):
        sinkJSON.append("{\"kind\": \"insert\", \"ddl\": \(str(ddl)), \"sql\": \(str("INSERT INTO \(quote(table))\n\(query)")), \"location\": \(str(s.location)), \"columns\": [\(cols)], \"scalar\": \(s.scalar)}")
      case .stdout(_, let query):
        sinkJSON.append("{\"kind\": \"stdout\", \"sql\": \(str(query)), \"location\": \(str(s.location)), \"columns\": [\(cols)], \"scalar\": \(s.scalar)}")
      }
    }
    let origins = self.origins.sorted { $0.key < $1.key }.map { "\(str($0.key)): \(str($0.value))" }.joined(separator: ", ")
    return "{\"batch\": \(batch), \"definitions\": [\(definitions.map(str).joined(separator: ", "))], \"sinks\": [\(sinkJSON.joined(separator: ", "))], \"origins\": {\(origins)}}\n"
  }
}

public struct FlinkSink {
  public enum Kind {
    /// A sink table (filesystem, blackhole) and the INSERT's query.
    case insert(table: String, ddl: String, query: String)
    /// `writeStdout()`: a print table in scripts; the runner collects the
    /// query's rows and prints them in Flow's format instead.
    case stdout(table: String, query: String)
  }
  public var kind: Kind
  public var columns: [FlinkColumn]
  /// A stream of plain values (one column `value`), not records.
  public var scalar: Bool
  public var location: String
}

/// A visible column: its name and Flow type as written (`Int`, `Time`,
/// `String?`).
public struct FlinkColumn {
  public var name: String
  public var type: String

  /// The Flink SQL type of a Flow column type; nil when there is none.
  public static func sqlType(_ flowType: String) -> String? {
    let base = flowType.hasSuffix("?") ? String(flowType.dropLast()) : flowType
    switch base {
    case "Int": return "BIGINT"
    case "Float": return "DOUBLE"
    case "Bool": return "BOOLEAN"
    case "String": return "STRING"
    case "Time": return "TIMESTAMP(3)"
    default: return nil
    }
  }
}

/// A backquoted Flink SQL identifier (every identifier is quoted: Flow
/// field names such as `end`, `key` or `count` are SQL keywords).
func quote(_ name: String) -> String {
  "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
}

/// A SQL string literal.
func sqlString(_ s: String) -> String {
  "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
}

func createTable(_ name: String, _ columns: [FlinkColumn], _ scalar: Bool, _ options: [String]) -> String {
  let cols = columns.map { "  \(quote($0.name)) \(FlinkColumn.sqlType($0.type) ?? "STRING")" }.joined(separator: ",\n")
  return "CREATE TEMPORARY TABLE \(quote(name)) (\n\(cols)\n) WITH (\n  \(options.joined(separator: ",\n  "))\n)"
}

func jsonString(_ s: String) -> String {
  var out = "\""
  for u in s.unicodeScalars {
    switch u {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    default:
      if u.value < 0x20 {
        let hex = String(u.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      } else {
        out.unicodeScalars.append(u)
      }
    }
  }
  return out + "\""
}
