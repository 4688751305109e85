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
  /// Field names as bytes, back to back in `nameBytes` (`nameStart`/`nameLength`),
  /// so key matching is a length check and a memcmp.
  private let nameBytes: [UInt8]
  private let nameStart: [Int]
  private let nameLength: [Int]
  private let kinds: [ScalarKind]
  private let optionals: [Bool]
  private let types: [ColumnType]
  private let needed: [Bool]
  /// Per-row "field present" flags (a raw buffer: no exclusivity checks per key).
  private let seen: UnsafeMutablePointer<Bool>

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
    var bytes: [UInt8] = []
    var starts: [Int] = []
    var lengths: [Int] = []
    for f in schema.fields {
      starts.append(bytes.count)
      lengths.append(f.name.utf8.count)
      bytes.append(contentsOf: f.name.utf8)
    }
    self.nameBytes = bytes
    self.nameStart = starts
    self.nameLength = lengths
    self.types = schema.fields.map { $0.type }
    self.kinds = schema.fields.map { $0.type.scalarKind }
    self.optionals = schema.fields.map { $0.type.isOptional }
    self.needed = schema.fields.map { columns?.contains($0.name) ?? true }
    self.seen = .allocate(capacity: max(schema.count, 1))
    seen.initialize(repeating: false, count: max(schema.count, 1))
    let input = try ByteInput(path: path, startOffset: startOffset)
    try input.skipBOM()
    let line = try ByteInput.countNewlines(path: path, upTo: startOffset) + 1
    self.lines = LineInput(input: input, follow: follow, line: line)
  }

  deinit { seen.deallocate() }

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
    let count = nameStart.count
    let seen = self.seen
    for k in 0..<count { seen[k] = false }
    var hint = 0
    let values = try [Value](unsafeUninitializedCapacity: count) { buf, initialized in
      guard let base = buf.baseAddress else { return }
      base.initialize(repeating: .null, count: count)
      initialized = count
      s.skipWS()
      if s.i < n && p[s.i] == 125 {
        s.i += 1
        return
      }
      while true {
        s.skipWS()
        guard s.i < n, p[s.i] == 34 else { throw s.fail("expected a string key") }
        let key = try s.scanString()
        try s.expect(58, "':'")
        s.skipWS()
        let slot = try lookup(s, key, &hint)
        if slot >= 0 && needed[slot] {
          base[slot] = try value(&s, kinds[slot], optionals[slot], field: slot, depth: 0)
          seen[slot] = true
        } else {
          try s.skipValue(depth: 0)
        }
        s.skipWS()
        guard s.i < n else { throw s.fail("expected ',' or '}'") }
        if p[s.i] == 44 { s.i += 1; continue }
        if p[s.i] == 125 { s.i += 1; return }
        throw s.fail("expected ',' or '}'")
      }
    }
    let close = s.i - 1
    s.skipWS()
    if s.i < n { throw s.fail("unexpected data after JSON object") }
    for k in 0..<count where needed[k] && !seen[k] && !optionals[k] {
      throw s.fail("missing field '\(schema.fields[k].name)'", at: close)
    }
    return Record(shape: schema.shape, values: values)
  }

  /// The slot whose name equals the key, or -1. Tries the slot after the previous
  /// match (`hint`) first, since producers usually write keys in a fixed order.
  private func lookup(_ s: JSONScanner, _ key: (start: Int, end: Int, escaped: Bool), _ hint: inout Int) throws -> Int {
    if key.escaped {
      return schema.shape.slot(of: try s.decodeString(key)) ?? -1
    }
    let len = key.end - key.start
    let kp = s.p + key.start
    let count = nameStart.count
    return nameBytes.withUnsafeBufferPointer { nb -> Int in
      guard let names = nb.baseAddress else { return -1 }
      var k = hint
      for _ in 0..<count {
        if k >= count { k = 0 }
        if nameLength[k] == len && memcmp(names + nameStart[k], kp, len) == 0 {
          hint = k + 1
          return k
        }
        k += 1
      }
      return -1
    }
  }

  /// Decodes the value at the cursor as a `kind` value of field `field` (the
  /// column type is consulted only for list elements and error messages).
  private func value(
    _ s: inout JSONScanner, _ kind: ScalarKind, _ optional: Bool, field: Int, depth: Int,
    element: ColumnType? = nil
  ) throws -> Value {
    let p = s.p
    let at = s.i
    guard s.i < s.n else { throw s.fail("expected a value") }
    let c = p[s.i]
    func name() -> String { schema.fields[field].name }
    if c == 110 {
      try s.literal("null")
      if optional { return .null }
      throw s.fail("null in non-optional field '\(name())'", at: at)
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
      let type = (element ?? types[field]).unwrapped
      return s.fail("expected \(type) for field '\(name())', found \(found)", at: at)
    }
    switch kind {
    case .int, .duration:
      guard c == 45 || c &- 48 < 10 else { throw mismatch() }
      let num = try s.scanNumber()
      guard num.isInt else { throw s.fail("expected an integer for field '\(name())'", at: at) }
      guard let v = FieldParsing.parseInt(p + num.start, num.end - num.start) else {
        throw s.fail("integer out of range for field '\(name())'", at: at)
      }
      return kind == .int ? .int(v) : .duration(v)
    case .float:
      guard c == 45 || c &- 48 < 10 else { throw mismatch() }
      let num = try s.scanNumber()
      guard let d = FieldParsing.parseDouble(p + num.start, num.end - num.start) else {
        throw s.fail("invalid number for field '\(name())'", at: at)
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
        guard !span.escaped,
          let ms = TimeFormat.parse(UnsafeBufferPointer(start: p + span.start, count: span.end - span.start))
        else { throw s.fail("invalid time for field '\(name())'", at: at) }
        return .time(ms)
      }
      guard c == 45 || c &- 48 < 10 else { throw mismatch() }
      let num = try s.scanNumber()
      guard num.isInt, let v = FieldParsing.parseInt(p + num.start, num.end - num.start) else {
        throw s.fail("expected epoch milliseconds for field '\(name())'", at: at)
      }
      return .time(v)
    case .list:
      guard c == 91 else { throw mismatch() }
      guard depth < JSONScanner.maxDepth else { throw s.fail("JSON nested too deeply") }
      guard case .list(let elem) = (element ?? types[field]).unwrapped else { throw mismatch() }
      let elemKind = elem.scalarKind
      let elemOptional = elem.isOptional
      s.i += 1
      var items: [Value] = []
      s.skipWS()
      if s.i < s.n && p[s.i] == 93 { s.i += 1; return .list(items) }
      while true {
        s.skipWS()
        items.append(try value(&s, elemKind, elemOptional, field: field, depth: depth + 1, element: elem))
        s.skipWS()
        guard s.i < s.n else { throw s.fail("expected ',' or ']'") }
        if p[s.i] == 44 { s.i += 1; continue }
        if p[s.i] == 93 { s.i += 1; return .list(items) }
        throw s.fail("expected ',' or ']'")
      }
    }
  }
}
