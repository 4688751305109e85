#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import FlowRuntime

/// Reads a file or standard input as UTF-8 lines.
///
/// Lines split on `\n` over the chunk buffer (memchr), a trailing `\r` dropped. Each
/// line is a one-field `Record` (`field`, default `line`) from `next()`, or a plain
/// `String` from `nextLine()`. A line that is not valid UTF-8 is a `DataError` at the
/// first bad byte, handled by the `BadRowPolicy`.
public final class TextReader: RowSource {
  public let path: String
  public let follow: Bool
  public var pollIntervalMicros = 20_000
  /// The one-field shape of the records `next()` returns.
  public let shape: Shape

  public var bytesRead: Int { lines.input.bytesRead }
  public var totalBytes: Int { lines.input.totalBytes }
  public var skippedRows: Int { bad.skipped }
  /// The 1-based number of the next unread line.
  public var line: Int { lines.line }
  /// Byte offset of the next unread line (for files, a `startOffset` to resume at).
  public var position: Int64 { lines.input.position }

  private let lines: LineInput
  private let bad: BadRowHandler
  private let stopFlag = StopFlag()

  /// Opens the file at `path`.
  public init(
    path: String, field: String = "line", policy: BadRowPolicy = .fail, follow: Bool = false,
    startOffset: Int64 = 0
  ) throws {
    self.path = path
    self.follow = follow
    self.shape = Shape([field])
    self.bad = try BadRowHandler(policy: policy)
    let input = try ByteInput(path: path, startOffset: startOffset)
    try input.skipBOM()
    let line = try ByteInput.countNewlines(path: path, upTo: startOffset) + 1
    self.lines = LineInput(input: input, follow: follow, line: line)
  }

  /// Reads an already-open descriptor (standard input by default). The descriptor is
  /// not closed. Reading blocks until a line or end-of-input arrives.
  public init(fd: Int32 = 0, name: String = "<stdin>", field: String = "line", policy: BadRowPolicy = .fail) throws {
    self.path = name
    self.follow = false
    self.shape = Shape([field])
    self.bad = try BadRowHandler(policy: policy)
    self.lines = LineInput(input: try ByteInput(fd: fd, ownsFD: false, chunkSize: 64 << 10), follow: false)
  }

  /// Used by `SocketReader`: lines from a descriptor this reader owns.
  init(ownedFD fd: Int32, name: String, field: String, policy: BadRowPolicy) throws {
    self.path = name
    self.follow = false
    self.shape = Shape([field])
    self.bad = try BadRowHandler(policy: policy)
    self.lines = LineInput(input: try ByteInput(fd: fd, ownsFD: true, chunkSize: 64 << 10), follow: false)
  }

  /// Asks a `next()` blocked in follow mode to return nil. Safe from any thread.
  public func stop() { stopFlag.set() }

  /// The next line as a string; in follow mode waits for one until `stop()`.
  public func nextLine() throws -> String? {
    while true {
      if let s = try pollLine(wait: true) { return s }
      if !follow || stopFlag.isSet { return nil }
      sleepMicros(pollIntervalMicros)
    }
  }

  /// The next line if a complete one is available now, else nil (never waits).
  public func pollLine() throws -> String? { try pollLine(wait: false) }

  public func next() throws -> Record? {
    guard let s = try nextLine() else { return nil }
    return Record(shape: shape, values: [.string(s)])
  }

  /// The next record if a complete line is available now, else nil (never waits).
  public func poll() throws -> Record? {
    guard let s = try pollLine(wait: false) else { return nil }
    return Record(shape: shape, values: [.string(s)])
  }

  public func nextBatch(max: Int, into: inout [Record]) throws -> Bool {
    var got = 0
    while got < max {
      guard let s = got == 0 ? try nextLine() : try pollLine(wait: false) else { break }
      into.append(Record(shape: shape, values: [.string(s)]))
      got += 1
    }
    return got > 0
  }

  private func pollLine(wait: Bool) throws -> String? {
    while let l = try lines.peek(wait: wait) {
      let rowLine = lines.line
      lines.consume(l)
      if !FieldParsing.isASCII(l.pointer, l.length), let badAt = FieldParsing.firstInvalidUTF8(l.pointer, l.length) {
        try bad.handle(
          DataError(file: path, line: rowLine, column: badAt + 1, message: "invalid UTF-8"), raw: l.bytes)
        continue
      }
      return FieldParsing.string(l.pointer, l.length)
    }
    return nil
  }
}
