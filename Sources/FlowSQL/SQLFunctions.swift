import Foundation
import FlowSyntax
import FlowRuntime
import FlowConnectors

/// The scalar built-in functions: name, accepted argument types, result
/// type and implementation. NULL in any argument gives NULL unless the
/// function says otherwise (COALESCE, CONCAT_WS, IF).
extension ExprBinder {
  static let functionNames = [
    "ABS", "CEIL", "CEILING", "CHAR_LENGTH", "CHARACTER_LENGTH", "COALESCE", "CONCAT", "CONCAT_WS", "DATE_FORMAT", "DAYOFMONTH",
    "FLOOR", "HOUR", "IF", "INITCAP", "LOWER", "LTRIM", "MINUTE", "MOD", "MONTH", "NULLIF", "POWER", "REGEXP_EXTRACT", "REGEXP_REPLACE",
    "REPLACE", "ROUND", "RTRIM", "SECOND", "SPLIT_INDEX", "SQRT", "SUBSTR", "SUBSTRING", "TO_TIMESTAMP", "TRIM", "UPPER", "YEAR",
  ]

  func bindFunction(_ upper: String, _ written: String, _ args: [Typed], _ span: Span) -> Typed {
    let loc = locate(span)
    var reads = Set<String>()
    for a in args { reads.formUnion(a.reads) }
    let constant = args.allSatisfy(\.isConstant)
    let evals = args.map(\.eval)

    func arity(_ range: ClosedRange<Int>, _ usage: String) -> Bool {
      if range.contains(args.count) { return true }
      diagnostics.add(.error("E0806", "\(upper) takes \(range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)") argument\(range.upperBound == 1 ? "" : "s"), found \(args.count)", at: span, notes: ["help: \(usage)"]))
      return false
    }
    func types(_ want: [[SQLType]]) -> Bool {
      var ok = true
      for (i, a) in args.enumerated() where i < want.count {
        if !expect(a, want[i], "argument \(i + 1) of \(upper)") { ok = false }
      }
      return ok
    }
    /// A function of already-evaluated arguments, NULL in gives NULL out.
    func strict(_ type: SQLType, _ body: @escaping ([Value]) throws -> Value) -> Typed {
      Typed(type: type, eval: { row in
        var vs: [Value] = []
        vs.reserveCapacity(evals.count)
        for f in evals {
          let v = try f(row)
          if case .null = v { return .null }
          vs.append(v)
        }
        return try body(vs)
      }, reads: reads, isConstant: constant, span: span)
    }
    let failed = Typed.constant(.null, .null, span)

    switch upper {
    case "UPPER", "LOWER", "INITCAP", "TRIM", "LTRIM", "RTRIM":
      guard arity(1...1, "\(upper)(string)"), types([[.string]]) else { return failed }
      return strict(.string) { v in
        guard case .string(let s) = v[0] else { return .null }
        switch upper {
        case "UPPER": return .string(s.uppercased())
        case "LOWER": return .string(s.lowercased())
        case "INITCAP": return .string(s.capitalized)
        case "TRIM": return .string(s.trimmingCharactersSpaces())
        case "LTRIM": return .string(String(s.drop(while: { $0 == " " })))
        default: return .string(String(s.reversed().drop(while: { $0 == " " }).reversed()))
        }
      }
    case "CHAR_LENGTH", "CHARACTER_LENGTH":
      guard arity(1...1, "\(upper)(string)"), types([[.string]]) else { return failed }
      return strict(.bigint) { v in
        guard case .string(let s) = v[0] else { return .null }
        return .int(Int64(s.count))
      }
    case "SUBSTRING", "SUBSTR":
      guard arity(2...3, "SUBSTRING(s, start[, length]) or SUBSTRING(s FROM start [FOR length]); start counts from 1"),
            types([[.string], [.bigint], [.bigint]]) else { return failed }
      return strict(.string) { v in
        guard case .string(let s) = v[0], case .int(let start) = v[1] else { return .null }
        let chars = Array(s)
        // SQL positions count from 1; a start at or below 0 eats into the length.
        var from = start - 1
        var len = Int64(chars.count)
        if v.count > 2, case .int(let l) = v[2] {
          guard l >= 0 else { throw RuntimeError("SUBSTRING: negative length \(l)", at: loc) }
          len = l
        }
        if from < 0 { len = len &+ from; from = 0 }
        guard len > 0, from < Int64(chars.count) else { return .string("") }
        let to = len >= Int64(chars.count) - from ? Int64(chars.count) : from + len
        return .string(String(chars[Int(from)..<Int(to)]))
      }
    case "CONCAT":
      guard arity(1...64, "CONCAT(a, b, ...)"), types(Array(repeating: [.string], count: args.count)) else { return failed }
      return strict(.string) { v in .string(v.map { sqlString($0) }.joined()) }
    case "CONCAT_WS":
      guard arity(2...64, "CONCAT_WS(separator, a, b, ...)"), types(Array(repeating: [.string], count: args.count)) else { return failed }
      return Typed(type: .string, eval: { row in
        guard case .string(let sep) = try evals[0](row) else { return .null }
        var parts: [String] = []
        for f in evals.dropFirst() {
          if case .string(let s) = try f(row) { parts.append(s) }
        }
        return .string(parts.joined(separator: sep))
      }, reads: reads, isConstant: constant, span: span)
    case "REPLACE":
      guard arity(3...3, "REPLACE(s, search, replacement)"), types([[.string], [.string], [.string]]) else { return failed }
      return strict(.string) { v in
        guard case .string(let s) = v[0], case .string(let a) = v[1], case .string(let b) = v[2] else { return .null }
        return .string(a.isEmpty ? s : s.replacingOccurrences(of: a, with: b))
      }
    case "SPLIT_INDEX":
      guard arity(3...3, "SPLIT_INDEX(s, separator, index); index counts from 0"), types([[.string], [.string], [.bigint]]) else { return failed }
      return strict(.string) { v in
        guard case .string(let s) = v[0], case .string(let sep) = v[1], case .int(let i) = v[2], !sep.isEmpty, i >= 0 else { return .null }
        let parts = s.components(separatedBy: sep)
        return i < Int64(parts.count) ? .string(parts[Int(i)]) : .null
      }
    case "REGEXP_EXTRACT", "REGEXP_REPLACE":
      let extract = upper == "REGEXP_EXTRACT"
      guard arity(extract ? 2...3 : 3...3, extract ? "REGEXP_EXTRACT(s, regex[, group])" : "REGEXP_REPLACE(s, regex, replacement)"),
            types(extract ? [[.string], [.string], [.bigint]] : [[.string], [.string], [.string]]) else { return failed }
      // A literal pattern is compiled (and checked) once, here.
      var fixed: NSRegularExpression?
      if args[1].isConstant, case .string(let p) = (try? args[1].eval(.null)) ?? .null {
        do { fixed = try NSRegularExpression(pattern: p) } catch {
          diagnostics.add(.error("E0804", "'\(p)' is not a valid regular expression", at: args[1].span))
          return failed
        }
      }
      var cache: (String, NSRegularExpression)?
      return strict(.string) { v in
        guard case .string(let s) = v[0], case .string(let p) = v[1] else { return .null }
        let re: NSRegularExpression
        if let f = fixed { re = f } else if let c = cache, c.0 == p { re = c.1 } else {
          guard let r = try? NSRegularExpression(pattern: p) else { throw RuntimeError("\(upper): '\(p)' is not a valid regular expression", at: loc) }
          cache = (p, r)
          re = r
        }
        let ns = s as NSString
        if !extract {
          guard case .string(let rep) = v[2] else { return .null }
          // Java's $1 group references are the same in NSRegularExpression templates.
          return .string(re.stringByReplacingMatches(in: s, range: NSRange(location: 0, length: ns.length), withTemplate: rep))
        }
        var group = 1
        if v.count > 2, case .int(let g) = v[2] { group = Int(g) }
        guard let m = re.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)) else { return .null }
        guard group >= 0, group < m.numberOfRanges else { throw RuntimeError("REGEXP_EXTRACT: the pattern has no group \(group)", at: loc) }
        let r = m.range(at: group)
        return r.location == NSNotFound ? .null : .string(ns.substring(with: r))
      }
    case "ABS":
      guard arity(1...1, "ABS(number)"), types([[.double]]) else { return failed }
      return strict(args[0].type == .null ? .null : args[0].type) { v in
        switch v[0] {
        case .int(let i):
          guard i != Int64.min else { throw RuntimeError("integer overflow in ABS(\(i))", at: loc) }
          return .int(abs(i))
        case .float(let d): return .float(abs(d))
        default: return .null
        }
      }
    case "FLOOR", "CEIL", "CEILING":
      guard arity(1...1, "\(upper)(number)"), types([[.double]]) else { return failed }
      return strict(args[0].type == .null ? .null : args[0].type) { v in
        if case .float(let d) = v[0] { return .float(upper == "FLOOR" ? d.rounded(.down) : d.rounded(.up)) }
        return v[0]
      }
    case "ROUND":
      guard arity(1...2, "ROUND(number[, digits])"), types([[.double], [.bigint]]) else { return failed }
      return strict(args[0].type == .null ? .null : args[0].type) { v in
        var digits: Int64 = 0
        if v.count > 1, case .int(let d) = v[1] { digits = d }
        switch v[0] {
        case .float(let d):
          // Half away from zero, as Flink rounds decimals.
          let scale = pow(10.0, Double(digits))
          return .float((d * scale).rounded(.toNearestOrAwayFromZero) / scale)
        case .int(let i):
          guard digits < 0 else { return .int(i) }
          // 10^19 exceeds every Int64: rounding to that many digits gives 0.
          guard digits > -19 else { return .int(0) }
          let scale = Int64(pow(10.0, Double(-digits)))
          return .int((Int64((Double(i) / Double(scale)).rounded(.toNearestOrAwayFromZero))) * scale)
        default: return .null
        }
      }
    case "MOD":
      guard arity(2...2, "MOD(a, b)"), types([[.double], [.double]]) else { return failed }
      let t: SQLType = args.contains { $0.type == .double } ? .double : .bigint
      return strict(t) { v in try arithmetic("%", v[0], v[1], loc) }
    case "POWER", "SQRT":
      guard arity(upper == "SQRT" ? 1...1 : 2...2, upper == "SQRT" ? "SQRT(number)" : "POWER(base, exponent)"), types([[.double], [.double]]) else { return failed }
      return strict(.double) { v in
        guard let a = numeric(v[0]) else { return .null }
        if upper == "SQRT" { return .float(a.squareRoot()) }
        guard let b = numeric(v[1]) else { return .null }
        return .float(pow(a, b))
      }
    case "DATE_FORMAT":
      guard arity(2...2, "DATE_FORMAT(timestamp, 'yyyy-MM-dd HH:mm:ss')"), types([[.timestamp, .string], [.string]]) else { return failed }
      var fixed: [DatePart]?
      if args[1].isConstant, case .string(let p) = (try? args[1].eval(.null)) ?? .null { fixed = parseDatePattern(p) }
      return strict(.string) { v in
        let ms: Int64
        switch v[0] {
        case .time(let t): ms = t
        case .string(let s):
          guard let t = parseSQLTimestamp(s) else { throw RuntimeError("DATE_FORMAT: '\(s)' is not a timestamp", at: loc) }
          ms = t
        default: return .null
        }
        guard case .string(let p) = v[1] else { return .null }
        return .string(formatDate(ms, pattern: fixed ?? parseDatePattern(p)))
      }
    case "HOUR", "MINUTE", "SECOND", "YEAR", "MONTH", "DAYOFMONTH":
      guard arity(1...1, "\(upper)(timestamp)"), types([[.timestamp]]) else { return failed }
      return strict(.bigint) { v in
        guard case .time(let t) = v[0] else { return .null }
        let day = floorDiv(t, 86_400_000), rest = t - day * 86_400_000
        switch upper {
        case "HOUR": return .int(rest / 3_600_000)
        case "MINUTE": return .int(rest / 60_000 % 60)
        case "SECOND": return .int(rest / 1000 % 60)
        default:
          let c = TimeFormat.civilFromDays(day)
          return .int(upper == "YEAR" ? c.year : upper == "MONTH" ? c.month : c.day)
        }
      }
    case "TO_TIMESTAMP":
      guard arity(1...1, "TO_TIMESTAMP('yyyy-MM-dd HH:mm:ss')"), types([[.string]]) else { return failed }
      return strict(.timestamp) { v in
        guard case .string(let s) = v[0] else { return .null }
        return parseSQLTimestamp(s).map { .time($0) } ?? .null
      }
    case "COALESCE":
      guard arity(1...64, "COALESCE(a, b, ...)") else { return failed }
      var type = SQLType.null
      for a in args {
        guard let t = SQLType.common(type, a.type) else {
          return error("E0804", "COALESCE arguments have different types: \(type) and \(a.type)", a.span)
        }
        type = t
      }
      let fs = args.map { coerce($0, to: type).eval }
      return Typed(type: type, eval: { row in
        for f in fs {
          let v = try f(row)
          if case .null = v { continue }
          return v
        }
        return .null
      }, reads: reads, isConstant: constant, span: span)
    case "NULLIF":
      guard arity(2...2, "NULLIF(a, b)") else { return failed }
      guard SQLType.common(args[0].type, args[1].type) != nil else { return error("E0804", "cannot compare \(args[0].type) with \(args[1].type)", span) }
      return Typed(type: args[0].type, eval: { row in
        let a = try evals[0](row), b = try evals[1](row)
        return compareValues(a, b) == 0 && !isNull(b) ? .null : a
      }, reads: reads, isConstant: constant, span: span)
    case "IF":
      guard arity(3...3, "IF(condition, then, else)"), types([[.boolean]]) else { return failed }
      guard let t = SQLType.common(args[1].type, args[2].type) else {
        return error("E0804", "IF branches have different types: \(args[1].type) and \(args[2].type)", args[2].span)
      }
      let a = coerce(args[1], to: t).eval, b = coerce(args[2], to: t).eval
      return Typed(type: t, eval: { row in
        if case .bool(true) = try evals[0](row) { return try a(row) }
        return try b(row)
      }, reads: reads, isConstant: constant, span: span)
    default:
      if let t = bindOtherFunction(upper, written, args, span) { return t }
      var notes = ["note: see Language/sql.md for the supported functions"]
      if let m = closestMatch(to: upper, in: Self.functionNames) { notes.insert("help: did you mean \(m)?", at: 0) }
      if ["TUMBLE", "HOP", "SESSION"].contains(where: { upper.hasPrefix($0) }) {
        notes = ["help: \(upper) belongs in a query with GROUP BY \(upper.split(separator: "_").first ?? "")(...), or use the window table functions: FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))"]
      }
      if ["ROW_NUMBER", "RANK", "DENSE_RANK", "LAG", "LEAD"].contains(upper) {
        notes = ["help: OVER windows, Top-N and deduplication are not supported yet"]
      }
      return error("E0806", "unknown function \(written)", span, notes: notes)
    }
  }
}

func isNull(_ v: Value) -> Bool {
  if case .null = v { return true }
  return false
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
  let q = a / b
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// One piece of a Java date pattern (as DATE_FORMAT takes): a field with
/// its width, or literal text.
enum DatePart {
  case field(Character, Int)
  case text(String)
}

/// `yyyy-MM-dd HH:mm:ss.SSS`; text in single quotes is literal; letters
/// other than y M d H m s S are kept as they are.
func parseDatePattern(_ p: String) -> [DatePart] {
  var out: [DatePart] = []
  let cs = Array(p)
  var i = 0
  while i < cs.count {
    let c = cs[i]
    if c == "'" {
      var j = i + 1
      var lit = ""
      while j < cs.count, cs[j] != "'" { lit.append(cs[j]); j += 1 }
      out.append(.text(lit.isEmpty ? "'" : lit))
      i = j + 1
    } else if "yMdHmsS".contains(c) {
      var j = i
      while j < cs.count, cs[j] == c { j += 1 }
      out.append(.field(c, j - i))
      i = j
    } else {
      out.append(.text(String(c)))
      i += 1
    }
  }
  return out
}

func formatDate(_ ms: Int64, pattern: [DatePart]) -> String {
  let day = floorDiv(ms, 86_400_000), rest = ms - day * 86_400_000
  let c = TimeFormat.civilFromDays(day)
  var out = ""
  func pad(_ v: Int64, _ w: Int) -> String {
    let s = String(v)
    return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
  }
  for part in pattern {
    switch part {
    case .text(let t): out += t
    case .field(let f, let w):
      switch f {
      case "y": out += w == 2 ? pad(c.year % 100, 2) : pad(c.year, w)
      case "M": out += pad(c.month, w)
      case "d": out += pad(c.day, w)
      case "H": out += pad(rest / 3_600_000, w)
      case "m": out += pad(rest / 60_000 % 60, w)
      case "s": out += pad(rest / 1000 % 60, w)
      default: out += pad(rest % 1000, max(w, 3))
      }
    }
  }
  return out
}
