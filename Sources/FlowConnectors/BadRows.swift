#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
/// Applies a `BadRowPolicy` to rows that failed to decode, and counts them.
///
/// Shared by every reader so the three policies behave the same everywhere.
final class BadRowHandler {
  let policy: BadRowPolicy
  private var deadLetter: DeadLetterWriter?
  private(set) var skipped = 0

  init(policy: BadRowPolicy) throws {
    self.policy = policy
    if case .deadLetter(let path) = policy { deadLetter = try DeadLetterWriter(path: path) }
  }

  /// Throws for `.fail`; otherwise records the row (`raw` = its bytes without the
  /// line terminator) and returns so the reader continues with the next row.
  func handle(_ error: DataError, raw: UnsafeBufferPointer<UInt8>) throws {
    switch policy {
    case .fail:
      throw error
    case .skip:
      skipped += 1
    case .deadLetter:
      skipped += 1
      try deadLetter?.write(raw: raw, error: error)
    }
  }
}

/// Appends rejected rows to a file, for later inspection or repair.
///
/// Format, per rejected row: one comment line `# <error description>` followed by the
/// raw row bytes exactly as read (a CSV row with embedded newlines keeps them) and a
/// newline. The file is opened in append mode, so several runs accumulate. Rows are
/// written immediately (bad rows are rare, and a crash must not lose them).
public final class DeadLetterWriter {
  private let fd: Int32
  public let path: String

  public init(path: String) throws {
    self.path = path
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    guard fd >= 0 else { throw ConnectorError("cannot open dead-letter file '\(path)': \(errnoText())") }
  }

  deinit { close(fd) }

  public func write(raw: UnsafeBufferPointer<UInt8>, error: DataError) throws {
    var out: [UInt8] = []
    out.reserveCapacity(raw.count + 100)
    out.append(contentsOf: "# ".utf8)
    out.append(contentsOf: error.description.utf8)
    out.append(10)
    out.append(contentsOf: raw)
    out.append(10)
    try writeAll(fd: fd, out)
  }
}

/// Writes all of `bytes` to `fd`, retrying short writes and EINTR.
func writeAll(fd: Int32, _ bytes: [UInt8]) throws {
  try bytes.withUnsafeBytes { raw in
    guard let base = raw.baseAddress else { return }
    var off = 0
    while off < raw.count {
      let n = write(fd, base + off, raw.count - off)
      if n < 0 {
        if errno == EINTR { continue }
        throw ConnectorError("write failed: \(errnoText())")
      }
      off += n
    }
  }
}

/// Line and 1-based byte column of `offset` inside a row that starts at `line`.
///
/// Rows can span lines (quoted CSV fields), so the column is measured from the last
/// newline before `offset`. Only called on the error path.
func locate(_ p: UnsafePointer<UInt8>, offset: Int, rowLine: Int) -> (line: Int, column: Int) {
  var line = rowLine
  var lineStart = 0
  var i = 0
  while i < offset {
    if p[i] == 10 { line += 1; lineStart = i + 1 }
    i += 1
  }
  return (line, offset - lineStart + 1)
}
