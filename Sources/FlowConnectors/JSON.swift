#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import FlowRuntime

/// A parsed JSON document, for callers that want a tree rather than typed records.
/// Object members keep their textual order.
public indirect enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  /// An integer literal that fits in 64 bits.
  case integer(Int64)
  /// Any other number.
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([JSONMember])

  /// Parses one JSON document (surrounding whitespace allowed). Errors are
  /// `DataError`s positioned in `text`, with `file` as given.
  public static func parse(_ text: String, file: String = "<json>") throws -> JSONValue {
    var text = text
    return try text.withUTF8 { b -> JSONValue in
      guard let base = b.baseAddress else {
        throw DataError(file: file, line: 1, column: 1, message: "unexpected end of input")
      }
      var s = JSONScanner(base, b.count)
      do {
        s.skipWS()
        let v = try s.parseValue(depth: 0)
        s.skipWS()
        if s.i < s.n { throw JSONSyntaxError(offset: s.i, message: "unexpected data after JSON value") }
        return v
      } catch let e as JSONSyntaxError {
        let (l, c) = locate(base, offset: e.offset, rowLine: 1)
        throw DataError(file: file, line: l, column: c, message: e.message)
      }
    }
  }

  /// The untyped runtime value: objects become records (fields in textual order),
  /// arrays lists, integers `.int`, other numbers `.float`.
  public func toValue() -> Value {
    switch self {
    case .null: return .null
    case .bool(let b): return .bool(b)
    case .integer(let i): return .int(i)
    case .number(let d): return .float(d)
    case .string(let s): return .string(s)
    case .array(let a): return .list(a.map { $0.toValue() })
    case .object(let m):
      return .record(Record(shape: Shape(m.map { $0.key }), values: m.map { $0.value.toValue() }))
    }
  }
}

/// One `"key": value` member of a JSON object.
public struct JSONMember: Equatable, Sendable {
  public var key: String
  public var value: JSONValue
  public init(key: String, value: JSONValue) {
    self.key = key
    self.value = value
  }
}

/// A syntax error at a byte offset of the scanned text.
struct JSONSyntaxError: Error {
  let offset: Int
  let message: String
}

/// A strict RFC 8259 scanner over a byte range, with the primitives both the tree
/// parser and the schema-directed JSON Lines decoder need. It never copies the input;
/// strings are decoded only when asked.
struct JSONScanner {
  let p: UnsafePointer<UInt8>
  let n: Int
  var i = 0
  static let maxDepth = 512

  init(_ p: UnsafePointer<UInt8>, _ n: Int) {
    self.p = p
    self.n = n
  }

  @inline(__always) mutating func skipWS() {
    while i < n {
      let c = p[i]
      if c == 32 || c == 9 || c == 10 || c == 13 { i += 1 } else { return }
    }
  }

  func fail(_ message: String, at: Int? = nil) -> JSONSyntaxError {
    let o = at ?? i
    return JSONSyntaxError(offset: o, message: o >= n ? "unexpected end of input (truncated JSON)" : message)
  }

  /// Requires byte `c` at the cursor (after whitespace) and steps over it.
  @inline(__always) mutating func expect(_ c: UInt8, _ what: String) throws {
    skipWS()
    guard i < n, p[i] == c else { throw fail("expected \(what)") }
    i += 1
  }

  /// Scans a string whose opening quote is at the cursor. Returns the raw span
  /// between the quotes and whether it holds backslash escapes.
  mutating func scanString() throws -> (start: Int, end: Int, escaped: Bool) {
    let open = i
    i += 1
    let start = i
    var escaped = false
    var ascii = true
    while i < n {
      let c = p[i]
      if c == 34 {
        let end = i
        i += 1
        if !ascii, let bad = FieldParsing.firstInvalidUTF8(p + start, end - start) {
          throw fail("invalid UTF-8 in string", at: start + bad)
        }
        return (start, end, escaped)
      }
      if c == 92 {
        escaped = true
        guard i + 1 < n else { break }
        switch p[i + 1] {
        case 34, 92, 47, 98, 102, 110, 114, 116: i += 2
        case 117:
          guard i + 5 < n else { i = n; break }
          for k in 2...5 where Self.hex(p[i + k]) == nil { throw fail("invalid \\u escape", at: i) }
          i += 6
        default: throw fail("invalid escape sequence", at: i)
        }
        continue
      }
      if c < 0x20 { throw fail("control character in string", at: i) }
      if c >= 0x80 { ascii = false }
      i += 1
    }
    throw JSONSyntaxError(offset: n, message: "unterminated string starting at column \(open + 1) (truncated JSON)")
  }

  @inline(__always) static func hex(_ c: UInt8) -> UInt32? {
    switch c {
    case 48...57: return UInt32(c - 48)
    case 65...70: return UInt32(c - 55)
    case 97...102: return UInt32(c - 87)
    default: return nil
    }
  }

  /// The text of a span from `scanString`, with escapes (including `\uXXXX` and
  /// surrogate pairs) decoded.
  func decodeString(_ s: (start: Int, end: Int, escaped: Bool)) throws -> String {
    if !s.escaped { return FieldParsing.string(p + s.start, s.end - s.start) }
    var out: [UInt8] = []
    out.reserveCapacity(s.end - s.start)
    var k = s.start
    while k < s.end {
      let c = p[k]
      if c != 92 {
        out.append(c)
        k += 1
        continue
      }
      let e = p[k + 1]
      k += 2
      switch e {
      case 98: out.append(8)
      case 102: out.append(12)
      case 110: out.append(10)
      case 114: out.append(13)
      case 116: out.append(9)
      case 117:
        var cp = hex4(k)
        let at = k - 2
        k += 4
        if cp >= 0xD800 && cp <= 0xDBFF {
          guard k + 6 <= s.end, p[k] == 92, p[k + 1] == 117 else {
            throw fail("unpaired surrogate in \\u escape", at: at)
          }
          let lo = hex4(k + 2)
          guard lo >= 0xDC00 && lo <= 0xDFFF else { throw fail("unpaired surrogate in \\u escape", at: at) }
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
          k += 6
        } else if cp >= 0xDC00 && cp <= 0xDFFF {
          throw fail("unpaired surrogate in \\u escape", at: at)
        }
        appendUTF8(cp, &out)
      default: out.append(e)  // " \ /
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  private func hex4(_ k: Int) -> UInt32 {
    var v: UInt32 = 0
    for j in 0..<4 { v = v << 4 | (Self.hex(p[k + j]) ?? 0) }
    return v
  }

  private func appendUTF8(_ cp: UInt32, _ out: inout [UInt8]) {
    switch cp {
    case 0..<0x80: out.append(UInt8(cp))
    case 0x80..<0x800:
      out.append(UInt8(0xC0 | cp >> 6)); out.append(UInt8(0x80 | cp & 0x3F))
    case 0x800..<0x10000:
      out.append(UInt8(0xE0 | cp >> 12)); out.append(UInt8(0x80 | cp >> 6 & 0x3F))
      out.append(UInt8(0x80 | cp & 0x3F))
    default:
      out.append(UInt8(0xF0 | cp >> 18)); out.append(UInt8(0x80 | cp >> 12 & 0x3F))
      out.append(UInt8(0x80 | cp >> 6 & 0x3F)); out.append(UInt8(0x80 | cp & 0x3F))
    }
  }

  /// Scans a number at the cursor, strictly by the JSON grammar.
  mutating func scanNumber() throws -> (start: Int, end: Int, isInt: Bool) {
    let start = i
    if i < n && p[i] == 45 { i += 1 }
    guard i < n, p[i] &- 48 < 10 else { throw fail("invalid number", at: start) }
    if p[i] == 48 {
      i += 1
    } else {
      while i < n, p[i] &- 48 < 10 { i += 1 }
    }
    var isInt = true
    if i < n && p[i] == 46 {
      isInt = false
      i += 1
      guard i < n, p[i] &- 48 < 10 else { throw fail("invalid number", at: start) }
      while i < n, p[i] &- 48 < 10 { i += 1 }
    }
    if i < n && (p[i] == 101 || p[i] == 69) {
      isInt = false
      i += 1
      if i < n && (p[i] == 43 || p[i] == 45) { i += 1 }
      guard i < n, p[i] &- 48 < 10 else { throw fail("invalid number", at: start) }
      while i < n, p[i] &- 48 < 10 { i += 1 }
    }
    return (start, i, isInt)
  }

  /// Steps over a literal (`true`, `false`, `null`) at the cursor.
  mutating func literal(_ word: StaticString) throws {
    let len = word.utf8CodeUnitCount
    guard i + len <= n, memcmp(p + i, word.utf8Start, len) == 0 else { throw fail("invalid literal") }
    i += len
  }

  /// Steps over any value, checking its syntax.
  mutating func skipValue(depth: Int) throws {
    guard depth < Self.maxDepth else { throw fail("JSON nested too deeply") }
    skipWS()
    guard i < n else { throw fail("expected a value") }
    switch p[i] {
    case 34: _ = try scanString()
    case 123:
      i += 1
      skipWS()
      if i < n && p[i] == 125 { i += 1; return }
      while true {
        skipWS()
        guard i < n, p[i] == 34 else { throw fail("expected a string key") }
        _ = try scanString()
        try expect(58, "':'")
        try skipValue(depth: depth + 1)
        skipWS()
        guard i < n else { throw fail("expected ',' or '}'") }
        if p[i] == 44 { i += 1; continue }
        if p[i] == 125 { i += 1; return }
        throw fail("expected ',' or '}'")
      }
    case 91:
      i += 1
      skipWS()
      if i < n && p[i] == 93 { i += 1; return }
      while true {
        try skipValue(depth: depth + 1)
        skipWS()
        guard i < n else { throw fail("expected ',' or ']'") }
        if p[i] == 44 { i += 1; continue }
        if p[i] == 93 { i += 1; return }
        throw fail("expected ',' or ']'")
      }
    case 116: try literal("true")
    case 102: try literal("false")
    case 110: try literal("null")
    default: _ = try scanNumber()
    }
  }

  /// Parses any value into a tree.
  mutating func parseValue(depth: Int) throws -> JSONValue {
    guard depth < Self.maxDepth else { throw fail("JSON nested too deeply") }
    skipWS()
    guard i < n else { throw fail("expected a value") }
    switch p[i] {
    case 34: return .string(try decodeString(try scanString()))
    case 123:
      i += 1
      var members: [JSONMember] = []
      skipWS()
      if i < n && p[i] == 125 { i += 1; return .object(members) }
      while true {
        skipWS()
        guard i < n, p[i] == 34 else { throw fail("expected a string key") }
        let key = try decodeString(try scanString())
        try expect(58, "':'")
        members.append(JSONMember(key: key, value: try parseValue(depth: depth + 1)))
        skipWS()
        guard i < n else { throw fail("expected ',' or '}'") }
        if p[i] == 44 { i += 1; continue }
        if p[i] == 125 { i += 1; return .object(members) }
        throw fail("expected ',' or '}'")
      }
    case 91:
      i += 1
      var items: [JSONValue] = []
      skipWS()
      if i < n && p[i] == 93 { i += 1; return .array(items) }
      while true {
        items.append(try parseValue(depth: depth + 1))
        skipWS()
        guard i < n else { throw fail("expected ',' or ']'") }
        if p[i] == 44 { i += 1; continue }
        if p[i] == 93 { i += 1; return .array(items) }
        throw fail("expected ',' or ']'")
      }
    case 116: try literal("true"); return .bool(true)
    case 102: try literal("false"); return .bool(false)
    case 110: try literal("null"); return .null
    default:
      let s = try scanNumber()
      if s.isInt, let v = FieldParsing.parseInt(p + s.start, s.end - s.start) { return .integer(v) }
      return .number(FieldParsing.parseDouble(p + s.start, s.end - s.start) ?? .nan)
    }
  }
}
