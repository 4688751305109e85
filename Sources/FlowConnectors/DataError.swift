/// A row of external data that does not fit its schema or its format.
///
/// Positions are 1-based and point at the offending byte, so the message reads like
/// a compiler diagnostic and editors can jump to it: `data.csv:3:7: data error: ...`.
/// `column` counts bytes from the start of the physical line.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
  public var file: String
  public var line: Int
  public var column: Int
  public var message: String

  public init(file: String, line: Int, column: Int, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  public var description: String { "\(file):\(line):\(column): data error: \(message)" }
}

/// What a reader does with a row that raises a `DataError`.
///
/// Real data is dirty; a long job should be able to keep going and account for what
/// it dropped rather than die on row 40 million.
public enum BadRowPolicy: Sendable, Equatable {
  /// Throw the error (the bad row is consumed first, so a caller may continue).
  case fail
  /// Drop the row and count it in `skippedRows`.
  case skip
  /// Drop and count the row, and append it to the file at `path` (see `DeadLetterWriter`).
  case deadLetter(path: String)
}

/// A failure that is not about the data: a file that cannot be opened or read, a
/// socket that cannot connect, an unsupported option.
public struct ConnectorError: Error, CustomStringConvertible, Equatable, Sendable {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { "error: \(message)" }
}
