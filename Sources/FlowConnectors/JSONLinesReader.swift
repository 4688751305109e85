#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import FlowRuntime

/// Reads JSON Lines (one JSON object per line) into typed `Record`s.
///
/// Each line is scanned in place and decoded straight into the schema's slots: keys
/// are matched against the field names as bytes, unknown keys and unprojected fields
/// are skipped (but still syntax-checked), no intermediate tree is built.
///
/// Mapping: `int` takes integer literals; `float` any number; `bool` true/false;
/// `string` strings; `time` an ISO-8601 string or integer epoch ms; `duration`
/// integer ms; `list(T)` an array of T. `null` or a missing key is `.null` for an
/// optional field and an error otherwise. Blank lines are skipped. Errors point at
/// the offending byte (1-based line and column); a truncated line points one past
/// its end.
public final class JSONLinesReader: RowSource {
  public let path: String
  public let schema: Schema
  public let follow: Bool
  public var pollIntervalMicros = 20_000

  public var bytesRead: Int { lines.input.bytesRead }
  public var totalBytes: Int { lines.input.totalBytes }
  public var skippedRows: Int { bad.skipped }
  /// The 1-based line number of the next unread row.
  public var line: Int { lines.line }
  /// Byte offset of the next unread row: a checkpoint position for `startOffset`.
  public var position: Int64 { lines.input.position }

  private let lines: LineInput
  private let bad: BadRowHandler
  private let stopFlag = StopFlag()
  private let names: [[UInt8]]
  private let types: [ColumnType]
  private let needed: [Bool]
  private var seen: [Bool]
  private var hint = 0

  /// Opens `path`; `columns` limits decoding to those fields (the rest are `.null`).
  /// `startOffset` resumes at an earlier `position`; `follow` tails a growing file.
  public init(
    path: String, schema: Schema, policy: BadRowPolicy = .fail, columns: Set<String>? = nil,
    follow: Bool = false, startOffset: Int64 = 0
  ) throws {
    if let cols = columns {
      for c in cols where schema.shape.slot(of: c) == nil {
        throw ConnectorError("projected column '\(c)' is not in the schema")
      }
    }
    self.path = path
    self.schema = schema
    self.follow = follow
    self.bad = try BadRowHandler(policy: policy)
    self.names = schema.fields.map { Array($0.name.utf8) }
    self.types = schema.fields.map { $0.type }
    self.needed = schema.fields.map { columns?.contains($0.name) ?? true }
    self.seen = Array(repeating: false, count: schema.count)
    let input = try ByteInput(path: path, startOffset: startOffset)
    try input.skipBOM()
    let line = try ByteInput.countNewlines(path: path, upTo: startOffset) + 1
    self.lines = LineInput(input: input, follow: follow, line: line)
  }

  /// Asks a `next()` blocked in follow mode to return nil. Safe from any thread.
  public func stop() { stopFlag.set() }

  public func next() throws -> Record? {
    while true {
      if let r = try poll() { return r }
      if !follow || stopFlag.isSet { return nil }
      sleepMicros(pollIntervalMicros)
    }
  }

  /// The next record if a complete line is available now, else nil (never waits).
  public func poll() throws -> Record? {
    while let l = try lines.peek(wait: true) {
      let rowLine = lines.line
      lines.consume(l)
      do {
        if let r = try decode(l.pointer, l.length) { return r }
      } catch let e as JSONSyntaxError {
        let err = DataError(file: path, line: rowLine, column: e.offset + 1, message: e.message)
        try bad.handle(err, raw: l.bytes)
      }
    }
    return nil
  }

  public func nextBatch(max: Int, into: inout [Record]) throws -> Bool {
    var got = 0
    while got < max {
      guard let r = got == 0 ? try next() : try poll() else { break }
      into.append(r)
      got += 1
    }
    return got > 0
  }

  /// Decodes one line; nil for a blank line.
  private func decode(_ p: UnsafePointer<UInt8>, _ n: Int) throws -> Record? {
    var s = JSONScanner(p, n)
    s.skipWS()
    if s.i >= n { return nil }
    guard p[s.i] == 123 else { throw s.fail("expected a JSON object") }
    s.i += 1
    let count = names.count
    var values = [Value](repeating: .null, count: count)
    for k in 0..<count { seen[k] = false }
    s.skipWS()
    if s.i < n && p[s.i] == 125 {
      s.i += 1
    } else {
      while true {
        s.skipWS()
        guard s.i < n, p[s.i] == 34 else { throw s.fail("expected a string key") }
        let key = try s.scanString()
        try s.expect(58, "':'")
        s.skipWS()
        let slot = try lookup(s, key)
        if slot >= 0 && needed[slot] {
          values[slot] = try value(&s, types[slot], field: slot, depth: 0)
          seen[slot] = true
        } else {
          try s.skipValue(depth: 0)
        }
        s.skipWS()
        guard s.i < n else { throw s.fail("expected ',' or '}'") }
        if p[s.i] == 44 { s.i += 1; continue }
        if p[s.i] == 125 { s.i += 1; break }
        throw s.fail("expected ',' or '}'")
      }
    }
    let close = s.i - 1
    s.skipWS()
    if s.i < n { throw s.fail("unexpected data after JSON object") }
    for k in 0..<count where needed[k] && !seen[k] && !types[k].isOptional {
      throw s.fail("missing field '\(schema.fields[k].name)'", at: close)
    }
    return Record(shape: schema.shape, values: values)
  }

  /// The slot whose name equals the key, or -1. Tries the slot after the previous
  /// match first, since producers usually write keys in a fixed order.
  private func lookup(_ s: JSONScanner, _ key: (start: Int, end: Int, escaped: Bool)) throws -> Int {
    if key.escaped {
      return schema.shape.slot(of: try s.decodeString(key)) ?? -1
    }
    let len = key.end - key.start
    let kp = s.p + key.start
    let count = names.count
    var k = hint
    for _ in 0..<count {
      if k >= count { k = 0 }
      let name = names[k]
      if name.count == len && name.withUnsafeBufferPointer({ b in b.baseAddress.map { memcmp($0, kp, len) == 0 } ?? true }) {
        hint = k + 1
        return k
      }
      k += 1
    }
    return -1
  }

  /// Decodes the value at the cursor as `type`.
  private func value(_ s: inout JSONScanner, _ type: ColumnType, field: Int, depth: Int) throws -> Value {
    let p = s.p
    let at = s.i
    guard s.i < s.n else { throw s.fail("expected a value") }
    let c = p[s.i]
    let name = schema.fields[field].name
    if c == 110 {
      try s.literal("null")
      if type.isOptional { return .null }
      throw s.fail("null in non-optional field '\(name)'", at: at)
    }
    func mismatch() -> JSONSyntaxError {
      let found: String
      switch c {
      case 34: found = "a string"
      case 123: found = "an object"
      case 91: found = "an array"
      case 116, 102: found = "a boolean"
      default: found = "a number"
      }
      return s.fail("expected \(type.unwrapped) for field '\(name)', found \(found)", at: at)
    }
    switch type.unwrapped {
    case .int, .duration:
      guard c == 45 || c &- 48 < 10 else { throw mismatch() }
      let num = try s.scanNumber()
      guard num.isInt else { throw s.fail("expected an integer for field '\(name)'", at: at) }
      guard let v = FieldParsing.parseInt(p + num.start, num.end - num.start) else {
        throw s.fail("integer out of range for field '\(name)'", at: at)
      }
      return type.unwrapped == .int ? .int(v) : .duration(v)
    case .float:
      guard c == 45 || c &- 48 < 10 else { throw mismatch() }
      let num = try s.scanNumber()
      guard let d = FieldParsing.parseDouble(p + num.start, num.end - num.start) else {
        throw s.fail("invalid number for field '\(name)'", at: at)
      }
      return .float(d)
    case .bool:
      if c == 116 { try s.literal("true"); return .bool(true) }
      if c == 102 { try s.literal("false"); return .bool(false) }
      throw mismatch()
    case .string:
      guard c == 34 else { throw mismatch() }
      return .string(try s.decodeString(try s.scanString()))
    case .time:
      if c == 34 {
        let span = try s.scanString()
        guard !span.escaped, let ms = TimeFormat.parse(UnsafeBufferPointer(start: p + span.start, count: span.end - span.start))
        else { throw s.fail("invalid time for field '\(name)'", at: at) }
        return .time(ms)
      }
      guard c == 45 || c &- 48 < 10 else { throw mismatch() }
      let num = try s.scanNumber()
      guard num.isInt, let v = FieldParsing.parseInt(p + num.start, num.end - num.start) else {
        throw s.fail("expected epoch milliseconds for field '\(name)'", at: at)
      }
      return .time(v)
    case .list(let elem):
      guard c == 91 else { throw mismatch() }
      guard depth < JSONScanner.maxDepth else { throw s.fail("JSON nested too deeply") }
      s.i += 1
      var items: [Value] = []
      s.skipWS()
      if s.i < s.n && p[s.i] == 93 { s.i += 1; return .list(items) }
      while true {
        s.skipWS()
        items.append(try value(&s, elem, field: field, depth: depth + 1))
        s.skipWS()
        guard s.i < s.n else { throw s.fail("expected ',' or ']'") }
        if p[s.i] == 44 { s.i += 1; continue }
        if p[s.i] == 93 { s.i += 1; return .list(items) }
        throw s.fail("expected ',' or ']'")
      }
    case .optional:
      // `unwrapped` removed one level; a doubly-optional column reads like an optional one.
      return try value(&s, type.unwrapped, field: field, depth: depth)
    }
  }
}
