#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import FlowRuntime

/// An RFC 4180 CSV reader that decodes rows straight into typed `Record`s.
///
/// It scans raw bytes in a 1 MiB-chunked buffer (see `ByteInput`): one pass finds the
/// field boundaries of a row, then only the columns the query uses (`columns`) are
/// converted, each by a byte-level parser. Nothing builds a `String` per line.
///
/// Format accepted: fields separated by `delimiter`, rows by LF or CRLF; a field may
/// be quoted with `"`, inside which `""` is a quote and delimiters and newlines are
/// data. Completely empty lines are skipped. A UTF-8 byte-order mark is ignored.
///
/// Conversions: `int` `-?[0-9]+`; `float` any decimal (`1`, `-2.5e3`, `inf`);
/// `bool` `true`/`false` (any case); `time` ISO-8601 (see `TimeFormat.parse`) or an
/// integer of epoch ms; `duration` integer ms; `string` any valid UTF-8. Numbers,
/// booleans and times may be padded with spaces. An empty field is `.null` in an
/// optional column, `""` in a `string` column (CSV has no other way to say it), and
/// an error in any other column. Quoted `""` in an optional string column is `""`.
///
/// Positions in errors: 1-based line and byte column of the offending field or byte.
public final class CSVReader: RowSource {
  public let path: String
  public let schema: Schema
  public let hasHeader: Bool
  public let follow: Bool
  /// How long `next()` sleeps between polls in follow mode.
  public var pollIntervalMicros = 20_000
  /// Rows longer than this are rejected (guards against an unterminated quote
  /// swallowing the whole file into memory).
  public var maxRowBytes = 64 << 20

  /// Bytes read from the file so far (by this reader, from its start offset).
  public var bytesRead: Int { input.bytesRead }
  /// The current size of the file.
  public var totalBytes: Int { input.totalBytes }
  /// Rows dropped by the `.skip` or `.deadLetter` policy.
  public var skippedRows: Int { bad.skipped }
  /// The 1-based line number where the next unread row starts.
  public private(set) var line: Int
  /// Byte offset of the next unread row: a checkpoint position for `startOffset`.
  public var position: Int64 { input.position }

  private var input: ByteInput
  private let bad: BadRowHandler
  private let delimiter: UInt8
  private let projection: Set<String>?
  private let stopFlag = StopFlag()
  private var headerPending: Bool
  private var expectedColumns: Int
  private var convs: [Conversion] = []
  /// Field spans of the current row (`spanCount` of them), in a raw buffer so the
  /// scan loop does no array bookkeeping or exclusivity checks.
  private var spans: UnsafeMutablePointer<FieldSpan>
  private var spanCapacity = 64
  private var spanCount = 0
  private let special: UnsafeMutablePointer<Bool>
  private var scratch: UnsafeMutablePointer<UInt8>
  private var scratchCap = 256

  /// One field of the current row, as offsets from the row start.
  struct FieldSpan {
    var start: Int
    var end: Int
    /// 0 plain, 1 quoted, 2 quoted with `""` escapes inside.
    var quoting: UInt8
  }

  /// How to fill one record slot from one CSV column.
  struct Conversion {
    let column: Int
    let slot: Int
    let kind: ScalarKind
    let optional: Bool
  }

  enum Scan {
    case needMore
    case blank(consumed: Int, newlines: Int)
    case row(contentEnd: Int, consumed: Int, newlines: Int)
    case malformed(at: Int, message: String)
  }

  /// Opens `path`. With `header`, the first row names the columns: schema fields are
  /// matched by name in any order and extra columns are ignored. `columns` limits
  /// conversion to those schema fields (the others read as `.null`). `startOffset`
  /// resumes at a `position` taken earlier (the header is still read from the top).
  /// `follow` tails a growing file: at end-of-file `next()` waits for more rows until
  /// `stop()` is called, and `poll()` returns nil instead of waiting.
  public init(
    path: String, schema: Schema, header: Bool = true, delimiter: UInt8 = UInt8(ascii: ","),
    policy: BadRowPolicy = .fail, columns: Set<String>? = nil, follow: Bool = false,
    startOffset: Int64 = 0
  ) throws {
    guard delimiter != 34, delimiter != 10, delimiter != 13 else {
      throw ConnectorError("CSV delimiter cannot be a quote or a newline")
    }
    for f in schema.fields where f.type.scalarKind == .list {
      throw ConnectorError("CSV column '\(f.name)' has type \(f.type); CSV has no list columns")
    }
    if let cols = columns {
      for c in cols where schema.shape.slot(of: c) == nil {
        throw ConnectorError("projected column '\(c)' is not in the schema")
      }
    }
    self.path = path
    self.schema = schema
    self.hasHeader = header
    self.delimiter = delimiter
    self.follow = follow
    self.projection = columns
    self.bad = try BadRowHandler(policy: policy)
    self.special = .allocate(capacity: 256)
    special.initialize(repeating: false, count: 256)
    special[Int(delimiter)] = true
    special[10] = true
    special[13] = true
    special[34] = true
    self.scratch = .allocate(capacity: scratchCap)
    self.spans = .allocate(capacity: 64)
    self.expectedColumns = schema.count
    self.headerPending = header
    self.line = 1
    self.input = try ByteInput(path: path, startOffset: header ? 0 : startOffset)
    try input.skipBOM()
    if !header {
      var c: [Conversion] = []
      for (i, f) in schema.fields.enumerated() where columns?.contains(f.name) ?? true {
        c.append(Conversion(column: i, slot: i, kind: f.type.scalarKind, optional: f.type.isOptional))
      }
      convs = c
    } else if !follow || startOffset > 0 {
      // Read the header now so a missing column fails at open, not at the first row.
      _ = try readHeader()
    }
    if startOffset > 0 {
      if header {
        input = try ByteInput(path: path, startOffset: startOffset)
        headerPending = false
      }
      line = try ByteInput.countNewlines(path: path, upTo: startOffset) + 1
    }
  }

  deinit {
    special.deallocate()
    scratch.deallocate()
    spans.deallocate()
  }

  /// Asks a `next()` blocked in follow mode to return nil. Safe from any thread.
  public func stop() { stopFlag.set() }

  /// The next record; in follow mode waits at end-of-file until more rows arrive or
  /// `stop()` is called.
  public func next() throws -> Record? {
    while true {
      if let r = try poll() { return r }
      if !follow || stopFlag.isSet { return nil }
      sleepMicros(pollIntervalMicros)
    }
  }

  /// The next record if a complete one is available now, else nil (never waits).
  public func poll() throws -> Record? {
    if headerPending {
      guard try readHeader() else { return nil }
    }
    while true {
      let final = !follow && input.atEOF
      let n = input.available
      if n == 0 {
        if final { return nil }
        if try input.fill() <= 0 && follow { return nil }
        continue
      }
      let p = UnsafePointer(input.pointer)
      switch scan(p, n, final: final) {
      case .needMore:
        if n > maxRowBytes {
          try reject(p, n, final: final, at: 0, message: "row longer than \(maxRowBytes) bytes (unterminated quote?)")
          continue
        }
        if try input.fill() <= 0 && follow { return nil }
      case .blank(let consumed, let newlines):
        input.start += consumed
        line += newlines
      case .row(let contentEnd, let consumed, let newlines):
        let rowLine = line
        input.start += consumed
        line += newlines
        do {
          return try decodeRow(p, contentEnd: contentEnd, rowLine: rowLine)
        } catch let e as DataError {
          try bad.handle(e, raw: UnsafeBufferPointer(start: p, count: contentEnd))
        }
      case .malformed(let at, let message):
        if try !reject(p, n, final: final, at: at, message: message) {
          if try input.fill() <= 0 && follow { return nil }
        }
      }
    }
  }

  public func nextBatch(max: Int, into: inout [Record]) throws -> Bool {
    var got = 0
    while got < max {
      let r = got == 0 ? try next() : try poll()
      guard let rec = r else { break }
      into.append(rec)
      got += 1
    }
    return got > 0
  }

  /// Consumes a malformed row up to the end of the physical line holding `at` and
  /// applies the policy. Returns false when that line end is not buffered yet.
  @discardableResult
  private func reject(_ p: UnsafePointer<UInt8>, _ n: Int, final: Bool, at: Int, message: String) throws -> Bool {
    var k = at
    while k < n && p[k] != 10 { k += 1 }
    if k >= n && !final { return false }
    let consumed = min(k + 1, n)
    let contentEnd = k > 0 && p[k - 1] == 13 ? k - 1 : k
    let (l, c) = locate(p, offset: at, rowLine: line)
    var newlines = 0
    for i in 0..<consumed where p[i] == 10 { newlines += 1 }
    input.start += consumed
    line += newlines
    try bad.handle(
      DataError(file: path, line: l, column: c, message: message),
      raw: UnsafeBufferPointer(start: p, count: contentEnd))
    return true
  }

  // MARK: Header

  /// Reads the header row and builds the column-to-slot plan. Returns false when the
  /// header is not complete yet (follow mode) or the file is empty.
  private func readHeader() throws -> Bool {
    while true {
      let final = !follow && input.atEOF
      let n = input.available
      if n == 0 && final { return false }
      let p = UnsafePointer(input.pointer)
      let r: Scan = n == 0 ? .needMore : scan(p, n, final: final)
      switch r {
      case .needMore:
        if n > maxRowBytes { throw DataError(file: path, line: line, column: 1, message: "header row too long") }
        if try input.fill() <= 0 && follow { return false }
      case .blank(let consumed, let newlines):
        input.start += consumed
        line += newlines
      case .malformed(let at, let message):
        let (l, c) = locate(p, offset: at, rowLine: line)
        throw DataError(file: path, line: l, column: c, message: "in header: \(message)")
      case .row(_, let consumed, let newlines):
        var names: [String] = []
        for f in UnsafeBufferPointer(start: spans, count: spanCount) {
          if let bad = FieldParsing.firstInvalidUTF8(p + f.start, f.end - f.start) {
            let (l, c) = locate(p, offset: f.start + bad, rowLine: line)
            throw DataError(file: path, line: l, column: c, message: "invalid UTF-8 in header")
          }
          names.append(fieldString(p, f))
        }
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
        var c: [Conversion] = []
        for (slot, f) in schema.fields.enumerated() where projection?.contains(f.name) ?? true {
          guard let col = index[f.name] else {
            throw DataError(file: path, line: line, column: 1, message: "header has no column '\(f.name)'")
          }
          c.append(Conversion(column: col, slot: slot, kind: f.type.scalarKind, optional: f.type.isOptional))
        }
        convs = c
        expectedColumns = names.count
        input.start += consumed
        line += newlines
        headerPending = false
        return true
      }
    }
  }

  // MARK: Scanning

  /// Finds the fields of the row at `p[0..<n]` (into `fields`). `final` means no more
  /// bytes will come, so a row may end at `n` without a newline.
  private func scan(_ p: UnsafePointer<UInt8>, _ n: Int, final: Bool) -> Scan {
    spanCount = 0
    if p[0] == 10 { return .blank(consumed: 1, newlines: 1) }
    if p[0] == 13 {
      if n == 1 { return final ? .blank(consumed: 1, newlines: 0) : .needMore }
      if p[1] == 10 { return .blank(consumed: 2, newlines: 1) }
    }
    let d = delimiter
    let special = self.special
    var buf = spans
    var count = 0
    var cap = spanCapacity
    func push(_ f: FieldSpan) {
      if count == cap {
        let nb = UnsafeMutablePointer<FieldSpan>.allocate(capacity: cap * 2)
        nb.update(from: buf, count: count)
        buf.deallocate()
        buf = nb
        cap *= 2
      }
      buf[count] = f
      count += 1
    }
    defer {
      if buf != spans {
        spans = buf
        spanCapacity = cap
      }
      spanCount = count
    }
    var newlines = 0
    var i = 0
    fieldLoop: while true {
      if i < n && p[i] == 34 {
        // Quoted field: runs to the next quote not followed by another quote.
        var j = i + 1
        var escaped = false
        while true {
          while j < n && p[j] != 34 {
            if p[j] == 10 { newlines += 1 }
            j += 1
          }
          if j >= n { return final ? .malformed(at: i, message: "unterminated quoted field") : .needMore }
          if j + 1 < n && p[j + 1] == 34 {
            escaped = true
            j += 2
            continue
          }
          if j + 1 >= n && !final { return .needMore }
          break
        }
        push(FieldSpan(start: i + 1, end: j, quoting: escaped ? 2 : 1))
        i = j + 1
        if i >= n { return .row(contentEnd: n, consumed: n, newlines: newlines) }
        let c = p[i]
        if c == d {
          i += 1
          continue fieldLoop
        }
        if c == 10 { return .row(contentEnd: i, consumed: i + 1, newlines: newlines + 1) }
        if c == 13 {
          if i + 1 < n {
            if p[i + 1] == 10 { return .row(contentEnd: i, consumed: i + 2, newlines: newlines + 1) }
          } else {
            return final ? .row(contentEnd: i, consumed: i + 1, newlines: newlines) : .needMore
          }
        }
        return .malformed(at: i, message: "unexpected character after closing quote")
      }
      // Unquoted field: runs to the delimiter or the end of the line.
      let s = i
      while true {
        while i < n && !special[Int(p[i])] { i += 1 }
        if i >= n {
          guard final else { return .needMore }
          push(FieldSpan(start: s, end: n, quoting: 0))
          return .row(contentEnd: n, consumed: n, newlines: newlines)
        }
        let c = p[i]
        if c == d {
          push(FieldSpan(start: s, end: i, quoting: 0))
          i += 1
          continue fieldLoop
        }
        if c == 10 {
          push(FieldSpan(start: s, end: i, quoting: 0))
          return .row(contentEnd: i, consumed: i + 1, newlines: newlines + 1)
        }
        if c == 13 {
          if i + 1 < n {
            if p[i + 1] == 10 {
              push(FieldSpan(start: s, end: i, quoting: 0))
              return .row(contentEnd: i, consumed: i + 2, newlines: newlines + 1)
            }
            i += 1  // a bare CR is data
            continue
          }
          guard final else { return .needMore }
          push(FieldSpan(start: s, end: i, quoting: 0))
          return .row(contentEnd: i, consumed: i + 1, newlines: newlines)
        }
        return .malformed(at: i, message: "quote inside an unquoted field")
      }
    }
  }

  // MARK: Decoding

  private func decodeRow(_ p: UnsafePointer<UInt8>, contentEnd: Int, rowLine: Int) throws -> Record {
    let count = spanCount
    let fields = spans
    if count != expectedColumns {
      let at = count > expectedColumns ? fieldStart(fields[expectedColumns]) : contentEnd
      throw error(p, at: at, rowLine: rowLine, "expected \(expectedColumns) columns, found \(count)")
    }
    let n = schema.count
    let convs = self.convs
    let values = try [Value](unsafeUninitializedCapacity: n) { buf, initialized in
      guard let base = buf.baseAddress else { return }
      base.initialize(repeating: .null, count: n)
      initialized = n
      for c in convs {
        // Slots hold `.null`, which owns nothing, so initializing over it is safe
        // and skips the generic assignment.
        (base + c.slot).initialize(to: try convert(p, fields[c.column], c, rowLine: rowLine))
      }
    }
    return Record(shape: schema.shape, values: values)
  }

  @inline(__always) private func fieldStart(_ f: FieldSpan) -> Int { f.quoting == 0 ? f.start : f.start - 1 }

  private func error(_ p: UnsafePointer<UInt8>, at: Int, rowLine: Int, _ message: String) -> DataError {
    let (l, c) = locate(p, offset: at, rowLine: rowLine)
    return DataError(file: path, line: l, column: c, message: message)
  }

  private func convert(_ p: UnsafePointer<UInt8>, _ f: FieldSpan, _ c: Conversion, rowLine: Int) throws -> Value {
    var fp = p + f.start
    var n = f.end - f.start
    if n == 0 {
      if c.kind == .string && (f.quoting != 0 || !c.optional) { return .string("") }
      if c.optional { return .null }
      throw error(p, at: fieldStart(f), rowLine: rowLine, "empty value in non-optional column '\(schema.fields[c.slot].name)'")
    }
    if c.kind == .string || f.quoting == 2 {
      if !FieldParsing.isASCII(fp, n), let bad = FieldParsing.firstInvalidUTF8(fp, n) {
        throw error(p, at: f.start + bad, rowLine: rowLine, "invalid UTF-8 in column '\(schema.fields[c.slot].name)'")
      }
    }
    if f.quoting == 2 {
      n = unescape(fp, n)
      fp = UnsafePointer(scratch)
    }
    switch c.kind {
    case .string:
      return .string(FieldParsing.string(fp, n))
    case .int:
      let (tp, tn) = FieldParsing.trim(fp, n)
      if let v = FieldParsing.parseInt(tp, tn) { return .int(v) }
      if tn == 0 && c.optional { return .null }
      throw mismatch(p, f, fp, n, c, "an integer", rowLine)
    case .float:
      let (tp, tn) = FieldParsing.trim(fp, n)
      if let v = FieldParsing.parseDouble(tp, tn) { return .float(v) }
      if tn == 0 && c.optional { return .null }
      throw mismatch(p, f, fp, n, c, "a number", rowLine)
    case .bool:
      let (tp, tn) = FieldParsing.trim(fp, n)
      if let v = FieldParsing.parseBool(tp, tn) { return .bool(v) }
      if tn == 0 && c.optional { return .null }
      throw mismatch(p, f, fp, n, c, "true or false", rowLine)
    case .time:
      let (tp, tn) = FieldParsing.trim(fp, n)
      if let v = FieldParsing.parseTime(tp, tn) { return .time(v) }
      if tn == 0 && c.optional { return .null }
      throw mismatch(p, f, fp, n, c, "a time", rowLine)
    case .duration:
      let (tp, tn) = FieldParsing.trim(fp, n)
      if let v = FieldParsing.parseInt(tp, tn) { return .duration(v) }
      if tn == 0 && c.optional { return .null }
      throw mismatch(p, f, fp, n, c, "a duration in milliseconds", rowLine)
    case .list:
      throw error(p, at: fieldStart(f), rowLine: rowLine, "list columns are not supported in CSV")
    }
  }

  private func mismatch(
    _ p: UnsafePointer<UInt8>, _ f: FieldSpan, _ fp: UnsafePointer<UInt8>, _ n: Int, _ c: Conversion,
    _ expected: String, _ rowLine: Int
  ) -> DataError {
    var text = String(decoding: UnsafeBufferPointer(start: fp, count: min(n, 40)), as: UTF8.self)
    if n > 40 { text += "…" }
    return error(p, at: fieldStart(f), rowLine: rowLine, "expected \(expected) in column '\(schema.fields[c.slot].name)', found '\(text)'")
  }

  /// Copies a quoted field into `scratch`, turning `""` into `"`. Returns the length.
  private func unescape(_ fp: UnsafePointer<UInt8>, _ n: Int) -> Int {
    if scratchCap < n {
      scratch.deallocate()
      scratchCap = max(n, scratchCap * 2)
      scratch = .allocate(capacity: scratchCap)
    }
    var o = 0
    var i = 0
    while i < n {
      scratch[o] = fp[i]
      o += 1
      i += fp[i] == 34 ? 2 : 1
    }
    return o
  }

  private func fieldString(_ p: UnsafePointer<UInt8>, _ f: FieldSpan) -> String {
    let n = f.end - f.start
    if f.quoting == 2 {
      let m = unescape(p + f.start, n)
      return FieldParsing.string(scratch, m)
    }
    return FieldParsing.string(p + f.start, n)
  }
}
