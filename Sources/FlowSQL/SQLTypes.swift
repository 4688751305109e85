import FlowRuntime
import FlowConnectors

/// The SQL types Flow's dialect distinguishes. Integer types share one
/// 64-bit representation, DECIMAL is a DOUBLE and every timestamp is
/// TIMESTAMP(3) in UTC (see Language/sql.md). Any value may be NULL.
public enum SQLType: Equatable, Sendable, CustomStringConvertible {
  case bigint
  case double
  case string
  case boolean
  case timestamp
  case interval
  /// The type of a bare NULL literal: fits anywhere.
  case null

  public var description: String {
    switch self {
    case .bigint: return "BIGINT"
    case .double: return "DOUBLE"
    case .string: return "STRING"
    case .boolean: return "BOOLEAN"
    case .timestamp: return "TIMESTAMP(3)"
    case .interval: return "INTERVAL"
    case .null: return "NULL"
    }
  }

  var isNumeric: Bool { self == .bigint || self == .double || self == .null }

  /// The column type connectors convert into.
  var columnType: ColumnType {
    switch self {
    case .bigint: return .int
    case .double: return .float
    case .string, .null: return .string
    case .boolean: return .bool
    case .timestamp: return .time
    case .interval: return .duration
    }
  }

  /// As Flow prints record field types (plans, projection pruning).
  var flowName: String {
    switch self {
    case .bigint: return "Int"
    case .double: return "Float"
    case .string, .null: return "String"
    case .boolean: return "Bool"
    case .timestamp: return "Time"
    case .interval: return "Duration"
    }
  }

  /// The type named in DDL or CAST, or nil when it is not supported.
  static func named(_ name: String) -> SQLType? {
    switch name {
    case "BIGINT", "INT", "INTEGER", "SMALLINT", "TINYINT": return .bigint
    case "DOUBLE", "FLOAT", "REAL", "DECIMAL", "DEC", "NUMERIC": return .double
    case "VARCHAR", "STRING", "CHAR", "CHARACTER", "TEXT": return .string
    case "BOOLEAN", "BOOL": return .boolean
    case "TIMESTAMP", "TIMESTAMP_LTZ": return .timestamp
    default: return nil
    }
  }

  /// The common type of two operands (CASE branches, UNION ALL columns,
  /// comparisons), or nil when they do not mix.
  static func common(_ a: SQLType, _ b: SQLType) -> SQLType? {
    if a == b { return a }
    if a == .null { return b }
    if b == .null { return a }
    if a.isNumeric && b.isNumeric { return .double }
    return nil
  }
}

/// `yyyy-MM-dd HH:mm:ss[.SSS]` (or with `T`, with a zone) in UTC.
func parseSQLTimestamp(_ text: String) -> Int64? { TimeFormat.parse(text) }

/// A Flow record type for a list of columns, as the checker would print it.
func flowSchema(_ columns: [(String, SQLType)]) -> String {
  "{" + columns.map { "\($0.0): \($0.1.flowName)?" }.joined(separator: ", ") + "}"
}
