#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import FlowRuntime

/// Where a query's output rows go.
///
/// Writes are buffered (64 KiB) so a million-row result is a few hundred syscalls,
/// not a million; `flush` pushes buffered bytes out (the driver calls it at
/// checkpoints and at the end), `close` flushes and releases the file.
public protocol RowSink: AnyObject {
  func write(_ record: Record) throws
  func flush() throws
  func close() throws
}

/// A file descriptor with a 64 KiB write buffer.
public final class BufferedWriter {
  public static let bufferSize = 64 << 10
  private let fd: Int32
  private let ownsFD: Bool
  private var closed = false
  /// Bytes waiting to be written; append to it, then call `flushIfFull()`.
  public var buffer: [UInt8] = []
  /// Bytes handed to the OS so far.
  public private(set) var bytesWritten = 0

  /// Creates (truncates) or, with `append`, appends to the file at `path`.
  public convenience init(path: String, append: Bool = false) throws {
    let flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
    let fd = open(path, flags, 0o644)
    guard fd >= 0 else { throw ConnectorError("cannot open '\(path)' for writing: \(errnoText())") }
    self.init(fd: fd, ownsFD: true)
  }

  /// Wraps `fd` (e.g. 1 for standard output); `ownsFD` closes it on `close`.
  public init(fd: Int32, ownsFD: Bool) {
    self.fd = fd
    self.ownsFD = ownsFD
    buffer.reserveCapacity(Self.bufferSize + 4096)
  }

  deinit {
    if !closed {
      try? flush()
      if ownsFD { _ = sysClose(fd) }
    }
  }

  @inline(__always) public func flushIfFull() throws {
    if buffer.count >= Self.bufferSize { try flush() }
  }

  public func flush() throws {
    guard !buffer.isEmpty else { return }
    try writeAll(fd: fd, buffer)
    bytesWritten += buffer.count
    buffer.removeAll(keepingCapacity: true)
  }

  public func close() throws {
    guard !closed else { return }
    try flush()
    closed = true
    if ownsFD, sysClose(fd) != 0 { throw ConnectorError("close failed: \(errnoText())") }
  }
}

/// Renders each record with `renderValue`, one per line (stdout or a text file).
public final class TextSink: RowSink {
  public let writer: BufferedWriter
  public private(set) var rows = 0

  /// Writes to standard output.
  public init() { writer = BufferedWriter(fd: 1, ownsFD: false) }

  /// Writes to the file at `path` (truncated, or appended with `append`).
  public init(path: String, append: Bool = false) throws { writer = try BufferedWriter(path: path, append: append) }

  public func write(_ record: Record) throws {
    appendRendered(.record(record), quoted: true, to: &writer.buffer)
    writer.buffer.append(10)
    rows += 1
    try writer.flushIfFull()
  }

  /// Writes any value on its own line; a top-level string is written bare.
  public func writeValue(_ v: Value) throws {
    appendRendered(v, quoted: false, to: &writer.buffer)
    writer.buffer.append(10)
    rows += 1
    try writer.flushIfFull()
  }

  public func flush() throws { try writer.flush() }
  public func close() throws { try writer.close() }
}

/// The standard-output sink.
public typealias StdoutSink = TextSink

/// CSV (RFC 4180) with a header taken from the first record's shape.
///
/// Fields are quoted only when needed (delimiter, quote, CR or LF inside), and an
/// empty string is written `""` so it reads back as `""` while `null` is an empty
/// field. Times are `2024-01-01T00:00:00.000Z`, durations integer ms, floats
/// shortest round-trip; nested values use `render(_:quoted: true)`. Records of a
/// different shape are written by field name in the header's order.
public final class CSVSink: RowSink {
  public let writer: BufferedWriter
  public let delimiter: UInt8
  public let header: Bool
  public private(set) var rows = 0
  private var shape: Shape?

  public init(path: String, delimiter: UInt8 = UInt8(ascii: ","), header: Bool = true, append: Bool = false) throws {
    self.writer = try BufferedWriter(path: path, append: append)
    self.delimiter = delimiter
    self.header = header
  }

  public func write(_ record: Record) throws {
    if shape == nil {
      shape = record.shape
      if header { Self.appendHeader(record.shape, delimiter, &writer.buffer) }
    }
    Self.appendRow(record, shape ?? record.shape, delimiter, &writer.buffer)
    rows += 1
    try writer.flushIfFull()
  }

  private static func appendHeader(_ s: Shape, _ delimiter: UInt8, _ out: inout [UInt8]) {
    for (i, f) in s.fields.enumerated() {
      if i > 0 { out.append(delimiter) }
      appendField(f, delimiter, &out)
    }
    out.append(10)
  }

  private static func appendRow(_ record: Record, _ s: Shape, _ delimiter: UInt8, _ out: inout [UInt8]) {
    if record.shape === s {
      for (i, v) in record.values.enumerated() {
        if i > 0 { out.append(delimiter) }
        appendCSV(v, delimiter, &out)
      }
    } else {
      for (i, f) in s.fields.enumerated() {
        if i > 0 { out.append(delimiter) }
        appendCSV(record[f] ?? .null, delimiter, &out)
      }
    }
    out.append(10)
  }

  private static func appendCSV(_ v: Value, _ delimiter: UInt8, _ out: inout [UInt8]) {
    switch v {
    case .null: break
    case .int(let i): appendInt(i, to: &out)
    case .float(let d): out.append(contentsOf: d.description.utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .time(let ms): TimeFormat.append(ms, alwaysMillis: true, to: &out)
    case .duration(let ms): appendInt(ms, to: &out)
    case .string(let s):
      if s.isEmpty { out.append(contentsOf: [34, 34]) } else { appendField(s, delimiter, &out) }
    default: appendField(render(v, quoted: true), delimiter, &out)
    }
  }

  private static func appendField(_ s: String, _ delimiter: UInt8, _ out: inout [UInt8]) {
    var s = s
    s.withUTF8 { b in
      var needs = false
      for c in b where c == delimiter || c == 34 || c == 10 || c == 13 {
        needs = true
        break
      }
      guard needs else {
        out.append(contentsOf: b)
        return
      }
      out.append(34)
      for c in b {
        out.append(c)
        if c == 34 { out.append(34) }
      }
      out.append(34)
    }
  }

  public func flush() throws { try writer.flush() }
  public func close() throws { try writer.close() }
}

/// JSON Lines: one object per record, keys in shape order.
///
/// Times are ISO strings with milliseconds (`"2024-01-01T00:00:00.000Z"`),
/// durations integer ms, non-finite floats `null`; lists, tuples and vectors are
/// arrays, records and maps objects (map keys rendered as text), variants
/// `{"tag": "Circle", "values": [1.0]}`, functions and plan-time objects `null`.
public final class JSONLinesSink: RowSink {
  public let writer: BufferedWriter
  public private(set) var rows = 0

  public init(path: String, append: Bool = false) throws { writer = try BufferedWriter(path: path, append: append) }

  public func write(_ record: Record) throws {
    appendJSON(.record(record), to: &writer.buffer)
    writer.buffer.append(10)
    rows += 1
    try writer.flushIfFull()
  }

  public func flush() throws { try writer.flush() }
  public func close() throws { try writer.close() }
}

/// Appends `v` as JSON text.
public func appendJSON(_ v: Value, to out: inout [UInt8]) {
  switch v {
  case .null, .function, .opaque: out.append(contentsOf: "null".utf8)
  case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
  case .int(let i): appendInt(i, to: &out)
  case .float(let d):
    if d.isFinite { out.append(contentsOf: d.description.utf8) } else { out.append(contentsOf: "null".utf8) }
  case .string(let s): appendJSONString(s, to: &out)
  case .time(let ms):
    out.append(34)
    TimeFormat.append(ms, alwaysMillis: true, to: &out)
    out.append(34)
  case .duration(let ms): appendInt(ms, to: &out)
  case .list(let xs), .tuple(let xs): appendJSONArray(xs, &out)
  case .vector(let xs): appendJSONArray(xs.map { .float($0) }, &out)
  case .record(let r):
    out.append(123)
    for (i, f) in r.shape.fields.enumerated() {
      if i > 0 { out.append(44) }
      appendJSONString(f, to: &out)
      out.append(58)
      appendJSON(i < r.values.count ? r.values[i] : .null, to: &out)
    }
    out.append(125)
  case .map(let m):
    let entries = m.map { (renderValue($0.key), $0.value) }.sorted { $0.0 < $1.0 }
    out.append(123)
    for (i, e) in entries.enumerated() {
      if i > 0 { out.append(44) }
      appendJSONString(e.0, to: &out)
      out.append(58)
      appendJSON(e.1, to: &out)
    }
    out.append(125)
  case .variant(let tag, let payload):
    out.append(contentsOf: "{\"tag\":".utf8)
    appendJSONString(tag, to: &out)
    out.append(contentsOf: ",\"values\":".utf8)
    appendJSONArray(payload, &out)
    out.append(125)
  }
}

private func appendJSONArray(_ xs: [Value], _ out: inout [UInt8]) {
  out.append(91)
  for (i, x) in xs.enumerated() {
    if i > 0 { out.append(44) }
    appendJSON(x, to: &out)
  }
  out.append(93)
}

/// Appends a JSON string literal: `"` and `\` escaped, control characters as
/// `\n`/`\r`/`\t`/`\b`/`\f` or `\u00XX`, everything else as UTF-8.
public func appendJSONString(_ s: String, to out: inout [UInt8]) {
  var s = s
  s.withUTF8 { b in
    out.append(34)
    var run = 0  // start of the pending run of bytes that need no escape
    for (i, c) in b.enumerated() where c < 32 || c == 34 || c == 92 {
      out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<i]))
      run = i + 1
      switch c {
      case 34: out.append(contentsOf: [92, 34])
      case 92: out.append(contentsOf: [92, 92])
      case 10: out.append(contentsOf: [92, 110])
      case 13: out.append(contentsOf: [92, 114])
      case 9: out.append(contentsOf: [92, 116])
      case 8: out.append(contentsOf: [92, 98])
      case 12: out.append(contentsOf: [92, 102])
      default:
        out.append(contentsOf: [92, 117, 48, 48])
        out.append(hexDigit(c >> 4))
        out.append(hexDigit(c & 15))
      }
    }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<b.count]))
    out.append(34)
  }
}

/// Counts rows and drops them (benchmarks, `--discard`).
public final class DiscardSink: RowSink {
  public private(set) var rows = 0
  public init() {}
  public func write(_ record: Record) throws { rows += 1 }
  /// Any value, without wrapping it in a record first.
  public func discard(_ value: Value) { rows += 1 }
  /// A batch of `n` values.
  public func discardBatch(_ n: Int) { rows += n }
  public func flush() throws {}
  public func close() throws {}
}
