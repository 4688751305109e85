import FlowRuntime

/// The type of one column of an external data source.
///
/// Connectors convert raw text (CSV fields, JSON scalars) straight into `Value`s of
/// these types, so the rest of the runtime never re-checks what it reads: a row that
/// does not fit its schema is rejected at the border, with a `DataError`.
public indirect enum ColumnType: Sendable, Hashable, CustomStringConvertible {
  case int
  case float
  case bool
  case string
  /// An instant, read as ISO-8601 text or epoch milliseconds.
  case time
  /// A span, read as integer milliseconds.
  case duration
  /// A column that may be absent or empty; those read as `.null`.
  case optional(ColumnType)
  /// A homogeneous list (JSON arrays only; CSV has no list syntax).
  case list(ColumnType)

  /// True for `.optional(_)`.
  public var isOptional: Bool {
    if case .optional = self { return true }
    return false
  }

  /// The type with one level of `optional` removed.
  public var unwrapped: ColumnType {
    if case .optional(let t) = self { return t }
    return self
  }

  public var description: String {
    switch self {
    case .int: return "Int"
    case .float: return "Float"
    case .bool: return "Bool"
    case .string: return "String"
    case .time: return "Time"
    case .duration: return "Duration"
    case .optional(let t): return "\(t)?"
    case .list(let t): return "[\(t)]"
    }
  }
}

/// The columns a connector reads, in record order, plus the shared `Shape` every
/// produced `Record` carries (so compiled code can read fields by slot).
public struct Schema: @unchecked Sendable {
  public let fields: [(name: String, type: ColumnType)]
  public let shape: Shape

  public init(_ fields: [(name: String, type: ColumnType)]) {
    self.fields = fields
    self.shape = Shape(fields.map { $0.name })
  }

  /// Builds a schema that reuses an existing shape (its field names must match).
  public init(fields: [(name: String, type: ColumnType)], shape: Shape) {
    self.fields = fields
    self.shape = shape
  }

  /// The number of fields.
  public var count: Int { fields.count }

  /// The names of the fields, in order.
  public var names: [String] { fields.map { $0.name } }

  /// The type of `name`, or nil when the schema has no such field.
  public func type(of name: String) -> ColumnType? {
    guard let i = shape.slot(of: name) else { return nil }
    return fields[i].type
  }
}
