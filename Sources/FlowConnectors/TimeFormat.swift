/// ISO-8601 UTC timestamps to and from epoch milliseconds, by arithmetic.
///
/// Foundation's date formatters are slow and locale-dependent; a stream processor
/// parses a timestamp per row, so this uses Howard Hinnant's days-from-civil /
/// civil-from-days algorithms (proleptic Gregorian calendar, valid for any year).
public enum TimeFormat {
  static let msPerDay: Int64 = 86_400_000

  /// Days since 1970-01-01 of the civil date `y-m-d` (`m` 1...12, `d` 1...31).
  public static func daysFromCivil(year y0: Int64, month m: Int64, day d: Int64) -> Int64 {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = m > 2 ? m - 3 : m + 9
    let doy = (153 * mp + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// The civil date of `days` since 1970-01-01.
  public static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    let y = yoe + era * 400
    return (m <= 2 ? y + 1 : y, m, d)
  }

  static func isLeap(_ y: Int64) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

  static func daysInMonth(_ y: Int64, _ m: Int64) -> Int64 {
    switch m {
    case 2: return isLeap(y) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Appends `2024-01-01T00:00:00Z` (or `...00.123Z`) to `out`. With `alwaysMillis`
  /// the `.mmm` part is written even when zero (the machine format of the sinks).
  public static func append(_ ms: Int64, alwaysMillis: Bool, to out: inout [UInt8]) {
    let (dq, dr) = ms.quotientAndRemainder(dividingBy: msPerDay)
    let days = dr < 0 ? dq - 1 : dq
    let rem = dr < 0 ? dr + msPerDay : dr
    let (y, m, d) = civilFromDays(days)
    let secs = rem / 1000
    let milli = rem % 1000
    if y < 0 { out.append(45) }
    let ay = y < 0 ? -y : y
    if ay >= 10000 {
      out.append(contentsOf: String(ay).utf8)
    } else {
      digits(ay, 4, &out)
    }
    out.append(45); digits(m, 2, &out)
    out.append(45); digits(d, 2, &out)
    out.append(84); digits(secs / 3600, 2, &out)
    out.append(58); digits(secs / 60 % 60, 2, &out)
    out.append(58); digits(secs % 60, 2, &out)
    if alwaysMillis || milli != 0 { out.append(46); digits(milli, 3, &out) }
    out.append(90)
  }

  @inline(__always) private static func digits(_ v: Int64, _ width: Int, _ out: inout [UInt8]) {
    var div: Int64 = 1
    for _ in 1..<width { div *= 10 }
    var v = v
    while div > 0 {
      out.append(UInt8(48 + (v / div) % 10))
      v %= div
      div /= 10
    }
  }

  /// `2024-01-01T00:00:00Z`, with `.mmm` only when the milliseconds are not zero
  /// (or always, with `alwaysMillis`).
  public static func format(_ ms: Int64, alwaysMillis: Bool = false) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(24)
    append(ms, alwaysMillis: alwaysMillis, to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// Parses a timestamp to epoch ms, or nil when it is not one.
  ///
  /// Accepted: `YYYY-MM-DD`, optionally followed by `T` or a space and `hh:mm`,
  /// `hh:mm:ss`, `hh:mm:ss.fff…` (fractions beyond milliseconds are truncated), then
  /// optionally `Z`, `+hh:mm`, `-hh:mm`, `+hhmm` or `+hh`. No zone means UTC.
  public static func parse(_ s: String) -> Int64? {
    var s = s
    return s.withUTF8 { parse($0) }
  }

  public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
    guard let p = b.baseAddress else { return nil }
    let n = b.count
    if let ms = parseFixed(p, n) { return ms }
    var i = 0
    func num(_ width: Int) -> Int64? {
      guard i + width <= n else { return nil }
      var v: Int64 = 0
      for k in 0..<width {
        let d = p[i + k] &- 48
        guard d < 10 else { return nil }
        v = v * 10 + Int64(d)
      }
      i += width
      return v
    }
    func expect(_ c: UInt8) -> Bool {
      guard i < n, p[i] == c else { return false }
      i += 1
      return true
    }
    var neg = false
    if i < n && (p[i] == 45 || p[i] == 43) { neg = p[i] == 45; i += 1 }
    // Years have at least four digits.
    var yDigits = 0
    while i + yDigits < n, p[i + yDigits] &- 48 < 10 { yDigits += 1 }
    guard yDigits >= 4 && yDigits <= 9, var year = num(yDigits) else { return nil }
    if neg { year = -year }
    guard expect(45), let month = num(2), expect(45), let day = num(2) else { return nil }
    guard month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) else { return nil }
    var ms = daysFromCivil(year: year, month: month, day: day) * msPerDay
    if i == n { return ms }
    guard p[i] == 84 || p[i] == 116 || p[i] == 32 else { return nil }
    i += 1
    guard let hh = num(2), hh < 24, expect(58), let mi = num(2), mi < 60 else { return nil }
    var ss: Int64 = 0
    var frac: Int64 = 0
    if expect(58) {
      guard let s = num(2), s < 60 else { return nil }
      ss = s
      if i < n && (p[i] == 46 || p[i] == 44) {
        i += 1
        var k = 0
        while i < n, p[i] &- 48 < 10 {
          if k < 3 { frac = frac * 10 + Int64(p[i] &- 48) }
          k += 1
          i += 1
        }
        guard k > 0 else { return nil }
        while k < 3 { frac *= 10; k += 1 }
      }
    }
    ms += ((hh * 60 + mi) * 60 + ss) * 1000 + frac
    if i == n { return ms }
    if p[i] == 90 || p[i] == 122 {
      i += 1
      return i == n ? ms : nil
    }
    guard p[i] == 43 || p[i] == 45 else { return nil }
    let sign: Int64 = p[i] == 45 ? -1 : 1
    i += 1
    guard let oh = num(2), oh <= 23 else { return nil }
    var om: Int64 = 0
    if i < n {
      _ = expect(58)
      guard let m = num(2), m < 60 else { return nil }
      om = m
    }
    guard i == n else { return nil }
    // Local time = UTC + offset, so UTC = local - offset.
    return ms - sign * (oh * 60 + om) * 60_000
  }

  /// The common machine layouts `YYYY-MM-DD[T ]hh:mm:ss[.fff][Z]`, by fixed offsets.
  /// Nil means "not this layout", and the general parser decides.
  @inline(__always) private static func parseFixed(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
    guard n == 19 || n == 20 || n == 23 || n == 24 else { return nil }
    @inline(__always) func d(_ i: Int) -> Int64 { Int64(p[i] &- 48) }
    @inline(__always) func isDigit(_ i: Int) -> Bool { p[i] &- 48 < 10 }
    for i in [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] where !isDigit(i) { return nil }
    guard p[4] == 45, p[7] == 45, p[10] == 84 || p[10] == 32, p[13] == 58, p[16] == 58 else { return nil }
    var frac: Int64 = 0
    var k = 19
    if n >= 23 {
      guard p[19] == 46, isDigit(20), isDigit(21), isDigit(22) else { return nil }
      frac = d(20) * 100 + d(21) * 10 + d(22)
      k = 23
    }
    if k < n {
      guard k + 1 == n, p[k] == 90 else { return nil }
    }
    let year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3)
    let month = d(5) * 10 + d(6)
    let day = d(8) * 10 + d(9)
    let hh = d(11) * 10 + d(12)
    let mi = d(14) * 10 + d(15)
    let ss = d(17) * 10 + d(18)
    guard month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month), hh < 24, mi < 60, ss < 60
    else { return nil }
    return daysFromCivil(year: year, month: month, day: day) * msPerDay + ((hh * 60 + mi) * 60 + ss) * 1000 + frac
  }
}
