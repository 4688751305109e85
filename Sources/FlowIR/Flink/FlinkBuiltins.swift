import FlowSyntax
import FlowSema
import FlowRuntime

/// The built-in functions with a Flink SQL counterpart (Language/flink.md).
extension FlinkExpressionTranslator {
  func builtin(_ name: String, _ args: [Expr], _ e: Expr, _ env: [String: SQLBinding]) throws -> String {
    // length(m.p) of a pattern's match: the part's COUNT measure.
    if name == "length", args.count == 1, let (fields, p) = columnPath(args[0], env), let count = fields[p + ".count"] {
      return count
    }
    // length(split(s, d)) with a non-empty literal delimiter: the number of
    // parts, empty ones included, is the delimiter's occurrences plus one.
    if name == "length", args.count == 1, let (str, d) = try splitCall(args[0], env), d.hasPrefix("'"), d != "''" {
      return "CAST((CHAR_LENGTH(\(str)) - CHAR_LENGTH(REPLACE(\(str), \(d), ''))) / CHAR_LENGTH(\(d)) + 1 AS BIGINT)"
    }
    let a = try args.map { try sql($0, env) }
    func need(_ n: Int) throws {
      if a.count != n { throw refuse(e, "'\(name)' with \(a.count) arguments does not translate") }
    }
    let firstIsString = args.first.map { isType($0, "String") } ?? false
    switch name {
    case "lower": try need(1); return "LOWER(\(a[0]))"
    case "upper": try need(1); return "UPPER(\(a[0]))"
    case "trim": try need(1); return "TRIM(\(a[0]))"
    case "length" where firstIsString: try need(1); return "CAST(CHAR_LENGTH(\(a[0])) AS BIGINT)"
    case "substring" where firstIsString:
      // Flow: characters [start, end), clamped; SQL: from position start+1.
      try need(3)
      return "SUBSTRING(\(a[0]) FROM CAST(\(a[1]) AS INT) + 1 FOR GREATEST(CAST(\(a[2]) AS INT) - CAST(\(a[1]) AS INT), 0))"
    case "startsWith": try need(2); return "(POSITION(\(a[1]) IN \(a[0])) = 1 OR CHAR_LENGTH(\(a[1])) = 0)"
    case "endsWith": try need(2); return "(RIGHT(\(a[0]), CHAR_LENGTH(\(a[1]))) = \(a[1]))"
    case "contains" where firstIsString: try need(2); return "(POSITION(\(a[1]) IN \(a[0])) > 0)"
    case "concat" where firstIsString: try need(2); return "(\(a[0]) || \(a[1]))"
    case "millis" where isType(args[0], "Time"):
      // Milliseconds since the epoch of a UTC TIMESTAMP(3).
      try need(1)
      return "(CAST(UNIX_TIMESTAMP(DATE_FORMAT(\(a[0]), 'yyyy-MM-dd HH:mm:ss')) AS BIGINT) * 1000 + CAST(DATE_FORMAT(\(a[0]), 'SSS') AS BIGINT))"
    case "formatTime":
      // Flow's form: 2024-01-01T00:00:00Z, with .mmm only when non-zero.
      try need(1)
      return "(DATE_FORMAT(\(a[0]), 'yyyy-MM-dd''T''HH:mm:ss') || CASE WHEN DATE_FORMAT(\(a[0]), 'SSS') = '000' THEN '' ELSE '.' || DATE_FORMAT(\(a[0]), 'SSS') END || 'Z')"
    case "abs": try need(1); return "ABS(\(a[0]))"
    case "toFloat": try need(1); return "CAST(\(a[0]) AS DOUBLE)"
    case "min" where a.count == 2: return "LEAST(\(a[0]), \(a[1]))"
    case "max" where a.count == 2: return "GREATEST(\(a[0]), \(a[1]))"
    default:
      throw refuse(e, "the built-in '\(name)' has no Flink SQL translation (see Language/flink.md for those that do)")
    }
  }
}

/// `2024-01-01 00:00:00.000` (UTC) for a TIMESTAMP literal.
func sqlTimestamp(_ ms: Int64) -> String {
  var days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
  let rest = ms - days * 86_400_000
  // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
  days += 719_468
  let era = (days >= 0 ? days : days - 146_096) / 146_097
  let doe = days - era * 146_097
  let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
  let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
  let mp = (5 * doy + 2) / 153
  let d = doy - (153 * mp + 2) / 5 + 1
  let m = mp < 10 ? mp + 3 : mp - 9
  let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
  let h = rest / 3_600_000, mi = rest / 60_000 % 60, s = rest / 1000 % 60, f = rest % 1000
  let frac = f < 10 ? "00\(f)" : f < 100 ? "0\(f)" : "\(f)"
  return "\(y)-\(two(m))-\(two(d)) \(two(h)):\(two(mi)):\(two(s)).\(frac)"
}
