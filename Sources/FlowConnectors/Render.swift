import FlowRuntime

/// The canonical text form of a value, as `stdout` prints it (strings bare).
public func renderValue(_ v: Value) -> String { render(v, quoted: false) }

/// The canonical text form of a value.
///
/// Records `{auction: 1, price: 9.5}` (shape order); lists `[1, 2]`; tuples
/// `(1, "a")`; maps `{"k": 1}` (sorted by rendered key, so output is stable);
/// variants `Circle(1.0)` (bare tag without payload); vectors `vec[1.0, 2.0]`;
/// floats shortest round-trip (`1.0`, `0.1`, `1e-05`); times
/// `2024-01-01T00:00:00Z` (`.mmm` only when non-zero); durations `1m30s`, `500ms`, `1500ms`;
/// null `null`. A top-level string is quoted only when `quoted` is true; strings
/// nested inside other values are always quoted, with `\"`, `\\`, `\n`, `\r`, `\t`
/// and `\u{XX}` escapes.
public func render(_ v: Value, quoted: Bool) -> String {
  if case .string(let s) = v, !quoted { return s }
  var out: [UInt8] = []
  appendRendered(v, quoted: quoted, to: &out)
  return String(decoding: out, as: UTF8.self)
}

/// `render` into a byte buffer (what the text sinks use).
public func appendRendered(_ v: Value, quoted: Bool, to out: inout [UInt8]) {
  switch v {
  case .null: out.append(contentsOf: "null".utf8)
  case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
  case .int(let i): appendInt(i, to: &out)
  case .float(let d): out.append(contentsOf: d.description.utf8)
  case .string(let s):
    if quoted { appendQuoted(s, to: &out) } else { out.append(contentsOf: s.utf8) }
  case .time(let ms): TimeFormat.append(ms, alwaysMillis: false, to: &out)
  case .duration(let ms): out.append(contentsOf: formatDuration(ms).utf8)
  case .list(let items): appendSeq(items, "[", "]", &out)
  case .tuple(let items): appendSeq(items, "(", ")", &out)
  case .vector(let xs):
    out.append(contentsOf: "vec".utf8)
    appendSeq(xs.map { .float($0) }, "[", "]", &out)
  case .record(let r):
    out.append(123)
    for (i, f) in r.shape.fields.enumerated() {
      if i > 0 { out.append(contentsOf: ", ".utf8) }
      out.append(contentsOf: f.utf8)
      out.append(contentsOf: ": ".utf8)
      appendRendered(i < r.values.count ? r.values[i] : .null, quoted: true, to: &out)
    }
    out.append(125)
  case .map(let m):
    let entries = m.map { (render($0.key, quoted: true), $0.value) }.sorted { $0.0 < $1.0 }
    out.append(123)
    for (i, e) in entries.enumerated() {
      if i > 0 { out.append(contentsOf: ", ".utf8) }
      out.append(contentsOf: e.0.utf8)
      out.append(contentsOf: ": ".utf8)
      appendRendered(e.1, quoted: true, to: &out)
    }
    out.append(125)
  case .variant(let tag, let payload):
    out.append(contentsOf: tag.utf8)
    if !payload.isEmpty { appendSeq(payload, "(", ")", &out) }
  case .function(let f): out.append(contentsOf: "<function/\(f.arity)>".utf8)
  case .opaque: out.append(contentsOf: "<opaque>".utf8)
  }
}

private func appendSeq(_ items: [Value], _ open: Character, _ close: Character, _ out: inout [UInt8]) {
  out.append(contentsOf: String(open).utf8)
  for (i, x) in items.enumerated() {
    if i > 0 { out.append(contentsOf: ", ".utf8) }
    appendRendered(x, quoted: true, to: &out)
  }
  out.append(contentsOf: String(close).utf8)
}

/// Appends `s` in double quotes with Flow-style escapes.
func appendQuoted(_ s: String, to out: inout [UInt8]) {
  var s = s
  s.withUTF8 { b in
    out.append(34)
    var run = 0  // start of the pending run of bytes that need no escape
    for (i, c) in b.enumerated() where c < 32 || c == 34 || c == 92 || c == 127 {
      out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<i]))
      run = i + 1
      switch c {
      case 34: out.append(contentsOf: [92, 34])
      case 92: out.append(contentsOf: [92, 92])
      case 10: out.append(contentsOf: [92, 110])
      case 13: out.append(contentsOf: [92, 114])
      case 9: out.append(contentsOf: [92, 116])
      default:
        out.append(contentsOf: "\\u{".utf8)
        out.append(hexDigit(c >> 4))
        out.append(hexDigit(c & 15))
        out.append(125)
      }
    }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<b.count]))
    out.append(34)
  }
}

@inline(__always) func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 48 + v : 87 + v }

/// Appends the decimal digits of `v` without going through `String`.
@inline(__always) public func appendInt(_ v: Int64, to out: inout [UInt8]) {
  if v >= 0 && v < 10 {
    out.append(48 + UInt8(v))
    return
  }
  var m = v.magnitude
  if v < 0 { out.append(45) }
  var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
            UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
    (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
  withUnsafeMutableBytes(of: &tmp) { b in
    var i = 20
    repeat {
      i -= 1
      b[i] = 48 + UInt8(m % 10)
      m /= 10
    } while m > 0
    out.append(contentsOf: b[i..<20])
  }
}

