import Foundation
import FlowRuntime
import FlowConnectors
import FlowSyntax

/// Scalar built-ins: strings, numbers, time, lists, maps and vectors. They
/// run inside compiled lambdas, once per event.
extension Builtins {
  static func registerStrings(_ t: inout [String: Builtin]) {
    t["length/String"] = { s, a in .int(Int64(try string(a[0], s).unicodeScalars.count)) }
    t["lower/String"] = { s, a in
      let text = try string(a[0], s)
      return .string(ASCIIStrings.lower(text) ?? text.lowercased())
    }
    t["upper/String"] = { s, a in .string(try string(a[0], s).uppercased()) }
    t["trim/String"] = { s, a in .string(try string(a[0], s).trimmingCharacters(in: .whitespacesAndNewlines)) }
    t["split/String"] = { s, a in
      let text = try string(a[0], s), sep = try string(a[1], s)
      if sep.isEmpty { return .list(text.unicodeScalars.map { .string(String($0)) }) }
      if let pieces = ASCIIStrings.split(text, sep) { return .list(pieces) }
      return .list(text.components(separatedBy: sep).map { .string($0) })
    }
    t["words/String"] = { s, a in
      .list(try string(a[0], s).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map { .string(String($0)) })
    }
    t["contains/String"] = { s, a in .bool(try string(a[0], s).contains(try string(a[1], s))) }
    t["startsWith/String"] = { s, a in .bool(try string(a[0], s).hasPrefix(try string(a[1], s))) }
    t["endsWith/String"] = { s, a in .bool(try string(a[0], s).hasSuffix(try string(a[1], s))) }
    t["replace/String"] = { s, a in .string(try string(a[0], s).replacingOccurrences(of: try string(a[1], s), with: try string(a[2], s))) }
    t["substring/String"] = { s, a in
      let scalars = Array(try string(a[0], s).unicodeScalars)
      let from = max(0, min(Int(try int(a[1], s)), scalars.count))
      let to = max(from, min(Int(try int(a[2], s)), scalars.count))
      var out = String.UnicodeScalarView()
      out.append(contentsOf: scalars[from..<to])
      return .string(String(out))
    }
    t["join/List"] = { s, a in
      .string(try list(a[0], s).map { v -> String in if case .string(let x) = v { return x }; return render(v, quoted: false) }.joined(separator: try string(a[1], s)))
    }
    t["toString/T"] = { _, a in .string(render(a[0], quoted: false)) }
    t["parseInt/String"] = { s, a in
      Int64(try string(a[0], s).trimmingCharacters(in: .whitespaces)).map { .int($0) } ?? .null
    }
    t["parseFloat/String"] = { s, a in
      Double(try string(a[0], s).trimmingCharacters(in: .whitespaces)).map { .float($0) } ?? .null
    }
    t["parseTime/String"] = { s, a in
      let text = try string(a[0], s)
      return parseISOTime(text).map { .time($0) } ?? .null
    }
    t["hash/T"] = { _, a in .int(Int64(truncatingIfNeeded: stableHash(a[0]))) }
  }

  static func registerNumbers(_ t: inout [String: Builtin]) {
    t["toFloat/Int"] = { s, a in .float(Double(try int(a[0], s))) }
    func toInt(_ d: Double, _ s: CallSite, _ what: String) throws -> Value {
      guard d.isFinite, d >= -9.2e18, d <= 9.2e18 else {
        throw RuntimeError("\(what)(\(d)): the value does not fit in an Int", at: s.location)
      }
      return .int(Int64(d))
    }
    t["toInt/Float"] = { s, a in try toInt(try double(a[0], s).rounded(.towardZero), s, "toInt") }
    t["round/Float"] = { s, a in try toInt(try double(a[0], s).rounded(), s, "round") }
    t["floor/Float"] = { s, a in try toInt(try double(a[0], s).rounded(.down), s, "floor") }
    t["ceil/Float"] = { s, a in try toInt(try double(a[0], s).rounded(.up), s, "ceil") }
    t["abs/N"] = { s, a in
      switch a[0] {
      case .int(let i):
        guard i != Int64.min else { throw RuntimeError("integer overflow in abs", at: s.location) }
        return .int(Swift.abs(i))
      case .float(let d): return .float(Swift.abs(d))
      default: return a[0]
      }
    }
    t["min/N"] = { _, a in compareValues(a[0], a[1]) <= 0 ? a[0] : a[1] }
    t["max/N"] = { _, a in compareValues(a[0], a[1]) >= 0 ? a[0] : a[1] }
    t["sqrt/Float"] = { s, a in .float(Foundation.sqrt(try double(a[0], s))) }
    t["exp/Float"] = { s, a in .float(Foundation.exp(try double(a[0], s))) }
    t["ln/Float"] = { s, a in .float(Foundation.log(try double(a[0], s))) }
    t["pow/Float"] = { s, a in .float(Foundation.pow(try double(a[0], s), try double(a[1], s))) }
    t["sigmoid/Float"] = { s, a in .float(1 / (1 + Foundation.exp(-(try double(a[0], s))))) }
    t["isNaN/Float"] = { s, a in .bool(try double(a[0], s).isNaN) }
    // Time.
    t["millis/Time"] = { s, a in .int(try millis(a[0], s)) }
    t["fromMillis/Int"] = { s, a in .time(try int(a[0], s)) }
    t["durationMillis/Duration"] = { s, a in .int(try millis(a[0], s)) }
    t["toDuration/Int"] = { s, a in .duration(try int(a[0], s)) }
    t["bucket/Time"] = { s, a in
      let tm = try millis(a[0], s), size = try millis(a[1], s)
      guard size > 0 else { throw RuntimeError("bucket size must be positive", at: s.location) }
      let q = tm / size
      return .time((tm % size != 0 && tm < 0 ? q - 1 : q) * size)
    }
    t["formatTime/Time"] = { s, a in .string(render(.time(try millis(a[0], s)), quoted: false)) }
  }

  static func registerCollections(_ t: inout [String: Builtin]) {
    t["length/List"] = { s, a in .int(Int64(try list(a[0], s).count)) }
    t["length/Map"] = { s, a in if case .map(let m) = a[0] { return .int(Int64(m.count)) }; return .int(0) }
    t["map/List"] = { s, a in let f = try function(a[1], s); return .list(try list(a[0], s).map { try f.call([$0]) }) }
    t["filter/List"] = { s, a in
      let f = try function(a[1], s)
      return .list(try list(a[0], s).filter { if case .bool(true) = try f.call([$0]) { return true }; return false })
    }
    t["flatMap/List"] = { s, a in
      let f = try function(a[1], s)
      var out: [Value] = []
      for x in try list(a[0], s) { if case .list(let ys) = try f.call([x]) { out += ys } }
      return .list(out)
    }
    t["contains/List"] = { s, a in .bool(try list(a[0], s).contains(a[1])) }
    t["contains/Map"] = { _, a in if case .map(let m) = a[0] { return .bool(m[a[1]] != nil) }; return .bool(false) }
    t["range/Int"] = { s, a in
      let from = try int(a[0], s), to = try int(a[1], s)
      guard to - from <= 100_000_000 else { throw RuntimeError("range(\(from), \(to)) is too large", at: s.location) }
      return .list(from < to ? (from..<to).map { .int($0) } : [])
    }
    t["fold/List"] = { s, a in
      let f = try function(a[2], s)
      var acc = a[1]
      for x in try list(a[0], s) { acc = try f.call([acc, x]) }
      return acc
    }
    t["sum/List"] = { s, a in
      var acc: Value = .int(0)
      for x in try list(a[0], s) { acc = try addNumbers(acc, x) }
      return acc
    }
    t["any/List"] = { s, a in
      let f = try function(a[1], s)
      for x in try list(a[0], s) { if case .bool(true) = try f.call([x]) { return .bool(true) } }
      return .bool(false)
    }
    t["all/List"] = { s, a in
      let f = try function(a[1], s)
      for x in try list(a[0], s) { if case .bool(false) = try f.call([x]) { return .bool(false) } }
      return .bool(true)
    }
    t["append/List"] = { s, a in .list(try list(a[0], s) + [a[1]]) }
    t["concat/List"] = { s, a in .list(try list(a[0], s) + (try list(a[1], s))) }
    t["reverse/List"] = { s, a in .list(try list(a[0], s).reversed()) }
    t["sort/List"] = { s, a in .list(try list(a[0], s).enumerated().sorted { x, y in
      let c = compareValues(x.element, y.element)
      return c != 0 ? c < 0 : x.offset < y.offset
    }.map(\.element)) }
    t["sortBy/List"] = { s, a in
      let f = try function(a[1], s)
      let keyed = try list(a[0], s).enumerated().map { (try f.call([$0.element]), $0.offset, $0.element) }
      return .list(keyed.sorted { x, y in
        let c = compareValues(x.0, y.0)
        return c != 0 ? c < 0 : x.1 < y.1
      }.map { $0.2 })
    }
    t["take/List"] = { s, a in .list(Array(try list(a[0], s).prefix(max(0, Int(try int(a[1], s)))))) }
    t["drop/List"] = { s, a in .list(Array(try list(a[0], s).dropFirst(max(0, Int(try int(a[1], s)))))) }
    t["distinct/List"] = { s, a in
      var seen = Set<Value>()
      return .list(try list(a[0], s).filter { seen.insert($0).inserted })
    }
    t["zip/List"] = { s, a in .list(zip(try list(a[0], s), try list(a[1], s)).map { .tuple([$0, $1]) }) }
    t["head/List"] = { s, a in try list(a[0], s).first ?? .null }
    func entries(_ v: Value) -> [(Value, Value)] {
      guard case .map(let m) = v else { return [] }
      // Maps are unordered; list their entries in key order for determinism.
      return m.sorted { compareValues($0.key, $1.key) < 0 }.map { ($0.key, $0.value) }
    }
    t["keys/Map"] = { _, a in .list(entries(a[0]).map { $0.0 }) }
    t["values/Map"] = { _, a in .list(entries(a[0]).map { $0.1 }) }
    t["entries/Map"] = { _, a in .list(entries(a[0]).map { .tuple([$0.0, $0.1]) }) }
    t["put/Map"] = { _, a in
      guard case .map(var m) = a[0] else { return a[0] }
      m[a[1]] = a[2]
      return .map(m)
    }
    t["remove/Map"] = { _, a in
      guard case .map(var m) = a[0] else { return a[0] }
      m[a[1]] = nil
      return .map(m)
    }
  }
}

/// A hash that is the same in every run (Swift's Hasher is seeded per process).
func stableHash(_ v: Value) -> UInt64 {
  var h: UInt64 = 0xcbf29ce484222325
  func mix(_ bytes: [UInt8]) { for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 } }
  mix(Array(render(v, quoted: true).utf8))
  return h
}

/// ISO-8601 UTC time, with `T` or a space between date and time.
func parseISOTime(_ text: String) -> Int64? {
  parseTimeLiteral(text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "T"))
}
