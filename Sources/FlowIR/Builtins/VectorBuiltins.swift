import Foundation
import FlowRuntime

/// Dense `Vector` built-ins (contiguous `[Double]`), the primitives `std.ml`
/// is written on. Sizes and indices come from scripts and data, so every
/// mismatch is a `RuntimeError` naming the call, never a trap.
extension Builtins {
  static func registerVectors(_ t: inout [String: Builtin]) {
    registerVectorConstruction(&t)
    registerVectorArithmetic(&t)
    registerVectorReductions(&t)
  }

  static func registerVectorConstruction(_ t: inout [String: Builtin]) {
    t["vector/List"] = { s, a in .vector(try list(a[0], s).map { try asDouble($0) }) }
    t["zeros/Int"] = { s, a in .vector(Array(repeating: 0, count: try size(a[0], s, "zeros"))) }
    t["ones/Int"] = { s, a in .vector(Array(repeating: 1, count: try size(a[0], s, "ones"))) }
    t["basis/Int"] = { s, a in
      let n = try size(a[0], s, "basis"), i = try int(a[1], s)
      guard i >= 0, i < n else { throw RuntimeError("basis(\(n), \(i)): index out of range 0..<\(n)", at: s.location) }
      var v = [Double](repeating: 0, count: n)
      v[Int(i)] = 1
      return .vector(v)
    }
    t["randomVector/Int"] = { s, a in
      let n = try size(a[0], s, "randomVector"), seed = UInt64(bitPattern: try int(a[1], s))
      return .vector((0..<n).map { unitDouble(seed, UInt64($0)) })
    }
    t["gaussianVector/Int"] = { s, a in
      let n = try size(a[0], s, "gaussianVector"), seed = UInt64(bitPattern: try int(a[1], s))
      // Box-Muller on two independent uniforms per element; 1 - u keeps log away from 0.
      return .vector((0..<n).map { i in
        let u1 = 1 - unitDouble(seed, UInt64(2 * i)), u2 = unitDouble(seed, UInt64(2 * i + 1))
        return Foundation.sqrt(-2 * Foundation.log(u1)) * Foundation.cos(2 * Double.pi * u2)
      })
    }
    t["vectorOf/R"] = { s, a in
      guard case .record(let r) = a[0] else { throw RuntimeError("vectorOf: expected a record", at: s.location) }
      return .vector(try list(a[1], s).map { name in
        let field = try string(name, s)
        guard let v = r[field] else {
          throw RuntimeError("vectorOf: the record has no field '\(field)' (fields: \(r.shape.fields.joined(separator: ", ")))", at: s.location)
        }
        switch v {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: throw RuntimeError("vectorOf: field '\(field)' is not a number", at: s.location)
        }
      })
    }
    t["toList/Vector"] = { s, a in .list(try vec(a[0], s).map { .float($0) }) }
    t["slice/Vector"] = { s, a in
      let v = try vec(a[0], s)
      let from = max(0, min(Int(try int(a[1], s)), v.count))
      let to = max(from, min(Int(try int(a[2], s)), v.count))
      return .vector(Array(v[from..<to]))
    }
    t["concat/Vector"] = { s, a in .vector(try vec(a[0], s) + (try vec(a[1], s))) }
    t["setAt/Vector"] = { s, a in
      var v = try vec(a[0], s)
      let i = try index(a[1], v.count, s, "setAt")
      v[i] = try double(a[2], s)
      return .vector(v)
    }
    t["addAt/Vector"] = { s, a in
      var v = try vec(a[0], s)
      let i = try index(a[1], v.count, s, "addAt")
      v[i] += try double(a[2], s)
      return .vector(v)
    }
  }

  static func registerVectorArithmetic(_ t: inout [String: Builtin]) {
    t["scale/Vector"] = { s, a in
      let k = try double(a[1], s)
      return .vector(try vec(a[0], s).map { $0 * k })
    }
    // a * x + y in one pass: the inner step of gradient descent.
    t["axpy/Float"] = { s, a in
      let k = try double(a[0], s), x = try vec(a[1], s)
      var y = try vec(a[2], s)
      try same(x, y, s, "axpy")
      for i in 0..<y.count { y[i] += k * x[i] }
      return .vector(y)
    }
    func elementwise(_ name: String, _ f: @escaping @Sendable (Double, Double) -> Double) -> Builtin {
      return { s, a in
        let x = try vec(a[0], s), y = try vec(a[1], s)
        try same(x, y, s, name)
        var out = x
        for i in 0..<out.count { out[i] = f(x[i], y[i]) }
        return .vector(out)
      }
    }
    t["elementMul/Vector"] = elementwise("elementMul") { $0 * $1 }
    t["elementDiv/Vector"] = elementwise("elementDiv") { $0 / $1 }
    t["elementMin/Vector"] = elementwise("elementMin") { Swift.min($0, $1) }
    t["elementMax/Vector"] = elementwise("elementMax") { Swift.max($0, $1) }
    t["elementSqrt/Vector"] = { s, a in .vector(try vec(a[0], s).map { Foundation.sqrt($0) }) }
  }

  static func registerVectorReductions(_ t: inout [String: Builtin]) {
    t["dot/Vector"] = { s, a in
      let x = try vec(a[0], s), y = try vec(a[1], s)
      try same(x, y, s, "dot")
      var acc = 0.0
      for i in 0..<x.count { acc += x[i] * y[i] }
      return .float(acc)
    }
    t["squaredDistance/Vector"] = { s, a in
      let x = try vec(a[0], s), y = try vec(a[1], s)
      try same(x, y, s, "squaredDistance")
      var acc = 0.0
      for i in 0..<x.count { let d = x[i] - y[i]; acc += d * d }
      return .float(acc)
    }
    t["norm/Vector"] = { s, a in .float(Foundation.sqrt(try vec(a[0], s).reduce(0) { $0 + $1 * $1 })) }
    t["norm1/Vector"] = { s, a in .float(try vec(a[0], s).reduce(0) { $0 + Swift.abs($1) }) }
    t["normInf/Vector"] = { s, a in .float(try vec(a[0], s).reduce(0) { Swift.max($0, Swift.abs($1)) }) }
    t["sum/Vector"] = { s, a in .float(try vec(a[0], s).reduce(0, +)) }
    t["dim/Vector"] = { s, a in .int(Int64(try vec(a[0], s).count)) }
    t["argmax/Vector"] = { s, a in
      let v = try vec(a[0], s)
      var best = -1
      for i in 0..<v.count where best < 0 || v[i] > v[best] { best = i }
      return .int(Int64(best))
    }
  }
}

private func vec(_ v: Value, _ s: CallSite) throws -> [Double] {
  if case .vector(let x) = v { return x }
  throw RuntimeError("internal: expected Vector", at: s.location)
}

private func same(_ x: [Double], _ y: [Double], _ s: CallSite, _ name: String) throws {
  guard x.count == y.count else { throw RuntimeError("\(name) of vectors of sizes \(x.count) and \(y.count)", at: s.location) }
}

private func size(_ v: Value, _ s: CallSite, _ name: String) throws -> Int {
  let n = try int(v, s)
  guard n >= 0, n <= 100_000_000 else { throw RuntimeError("\(name)(\(n)): size out of range", at: s.location) }
  return Int(n)
}

private func index(_ v: Value, _ count: Int, _ s: CallSite, _ name: String) throws -> Int {
  let i = try int(v, s)
  guard i >= 0, i < count else { throw RuntimeError("\(name): index \(i) out of range 0..<\(count)", at: s.location) }
  return Int(i)
}

/// A uniform Double in [0, 1) from (seed, i) by SplitMix64: the same in every
/// run and independent of call order, so generated data is reproducible.
func unitDouble(_ seed: UInt64, _ i: UInt64) -> Double {
  var z = seed &+ (i &+ 1) &* 0x9E37_79B9_7F4A_7C15
  z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
  z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
  z ^= z >> 31
  return Double(z >> 11) * 0x1.0p-53
}
