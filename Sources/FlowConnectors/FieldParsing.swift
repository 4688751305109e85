#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
/// Conversions from raw field bytes to scalar values, shared by the CSV and JSON
/// readers. They work on pointers into the read buffer so the common cases (ASCII
/// integers, short decimals) never build a `String`.
enum FieldParsing {
  /// Index of the first byte that breaks UTF-8 well-formedness, or nil when valid.
  /// Rejects overlong forms, surrogates and code points above U+10FFFF.
  static func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
    var i = 0
    while i < n {
      // ASCII fast path, 8 bytes at a time.
      while i + 8 <= n {
        let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
        if w & 0x8080_8080_8080_8080 != 0 { break }
        i += 8
      }
      if i >= n { break }
      let b0 = p[i]
      if b0 < 0x80 { i += 1; continue }
      var need = 0
      var lo: UInt8 = 0x80
      var hi: UInt8 = 0xBF
      switch b0 {
      case 0xC2...0xDF: need = 1
      case 0xE0: need = 2; lo = 0xA0
      case 0xE1...0xEC, 0xEE...0xEF: need = 2
      case 0xED: need = 2; hi = 0x9F
      case 0xF0: need = 3; lo = 0x90
      case 0xF1...0xF3: need = 3
      case 0xF4: need = 3; hi = 0x8F
      default: return i
      }
      if i + need >= n { return i }
      let b1 = p[i + 1]
      if b1 < lo || b1 > hi { return i }
      var k = 2
      while k <= need {
        let b = p[i + k]
        if b < 0x80 || b > 0xBF { return i }
        k += 1
      }
      i += need + 1
    }
    return nil
  }

  /// True when every byte is ASCII.
  @inline(__always) static func isASCII(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var i = 0
    var acc: UInt64 = 0
    while i + 8 <= n {
      acc |= UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
      i += 8
    }
    while i < n { acc |= UInt64(p[i]); i += 1 }
    return acc & 0x8080_8080_8080_8080 == 0
  }

  /// Trims ASCII spaces and tabs on both sides (numbers, booleans and times tolerate
  /// padding; strings keep it).
  @inline(__always) static func trim(_ p: UnsafePointer<UInt8>, _ n: Int) -> (UnsafePointer<UInt8>, Int) {
    var s = 0
    var e = n
    while s < e && (p[s] == 32 || p[s] == 9) { s += 1 }
    while e > s && (p[e - 1] == 32 || p[e - 1] == 9) { e -= 1 }
    return (p + s, e - s)
  }

  /// Parses `-?[0-9]+` (a leading `+` is accepted too). Nil on anything else or overflow.
  @inline(__always) static func parseInt(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
    var i = 0
    var neg = false
    if n > 0 && (p[0] == 45 || p[0] == 43) { neg = p[0] == 45; i = 1 }
    guard i < n else { return nil }
    // Accumulate negatively so Int64.min parses.
    var v: Int64 = 0
    while i < n {
      let d = p[i] &- 48
      guard d < 10 else { return nil }
      let (m, o1) = v.multipliedReportingOverflow(by: 10)
      let (s, o2) = m.subtractingReportingOverflow(Int64(d))
      if o1 || o2 { return nil }
      v = s
      i += 1
    }
    if neg { return v }
    return v == Int64.min ? nil : -v
  }

  private static let pow10: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]

  /// Parses a decimal floating-point number. Short decimals take an exact fast path
  /// (mantissa below 2^53 and a power of ten up to 22 are both exact doubles, so one
  /// multiply or divide rounds correctly); anything else goes to the standard library.
  static func parseDouble(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
    guard n > 0 else { return nil }
    var i = 0
    var neg = false
    if p[0] == 45 || p[0] == 43 { neg = p[0] == 45; i = 1 }
    var mant: UInt64 = 0
    var digits = 0
    var exp10 = 0
    var sawDigit = false
    while i < n, p[i] &- 48 < 10 {
      if digits < 19 { mant = mant &* 10 &+ UInt64(p[i] &- 48); if mant != 0 { digits += 1 } } else { exp10 += 1 }
      sawDigit = true
      i += 1
    }
    if i < n && p[i] == 46 {
      i += 1
      while i < n, p[i] &- 48 < 10 {
        if digits < 19 { mant = mant &* 10 &+ UInt64(p[i] &- 48); if mant != 0 { digits += 1 }; exp10 -= 1 }
        sawDigit = true
        i += 1
      }
    }
    if sawDigit && i < n && (p[i] == 101 || p[i] == 69) {
      var j = i + 1
      var eneg = false
      if j < n && (p[j] == 45 || p[j] == 43) { eneg = p[j] == 45; j += 1 }
      var e = 0
      var any = false
      while j < n, p[j] &- 48 < 10 {
        if e < 100_000 { e = e * 10 + Int(p[j] &- 48) }
        any = true
        j += 1
      }
      if any { exp10 += eneg ? -e : e; i = j }
    }
    if sawDigit && i == n && mant < (1 << 53) && digits <= 15 && exp10 >= -22 && exp10 <= 22 {
      var d = Double(mant)
      if exp10 < 0 { d /= pow10[-exp10] } else { d *= pow10[exp10] }
      return neg ? -d : d
    }
    return slowDouble(p, n)
  }

  private static func slowDouble(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
    // Reject forms the C parser accepts but a data file should not contain (hex floats).
    for i in 0..<n where p[i] == 120 || p[i] == 88 { return nil }
    let s = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    return Double(s)
  }

  /// `true` / `false`, ASCII case-insensitive.
  @inline(__always) static func parseBool(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool? {
    if n == 4 && (p[0] | 0x20) == 116 && (p[1] | 0x20) == 114 && (p[2] | 0x20) == 117 && (p[3] | 0x20) == 101 { return true }
    if n == 5 && (p[0] | 0x20) == 102 && (p[1] | 0x20) == 97 && (p[2] | 0x20) == 108 && (p[3] | 0x20) == 115
      && (p[4] | 0x20) == 101 { return false }
    return nil
  }

  /// A time: ISO-8601 text, or an integer of epoch milliseconds.
  @inline(__always) static func parseTime(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
    if let ms = parseInt(p, n) { return ms }
    return TimeFormat.parse(UnsafeBufferPointer(start: p, count: n))
  }

  /// Builds a `String` from bytes already known to be valid UTF-8.
  @inline(__always) static func string(_ p: UnsafePointer<UInt8>, _ n: Int) -> String {
    String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
  }
}
