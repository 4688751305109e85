/// Keys are assigned to subtasks through key groups, as in Flink: a key's
/// stable hash picks one of `maxParallelism` groups, and each subtask owns a
/// contiguous range of groups. The hash must not change between runs (Swift's
/// `Hasher` is seeded per process), because a restored checkpoint expects
/// every key to come back to the subtask that holds its state.
public enum KeyGroups {
  /// The number of key groups: the largest parallelism a keyed operator may have.
  public static let maxParallelism = 128

  /// The subtask (0..<parallelism) that owns `key`.
  @inline(__always)
  public static func subtask(for key: Value, parallelism: Int) -> Int {
    let group = Int(stableHash(key) % UInt64(maxParallelism))
    return group * parallelism / maxParallelism
  }

  /// A hash of a value that is the same in every process, consistent with
  /// `Value`'s equality (an `Int` and the equal `Float` hash alike; records
  /// hash by field name, whatever their layout).
  public static func stableHash(_ v: Value) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15
    mix(v, &h)
    return finalize(h)
  }

  @inline(__always) static func combine(_ h: inout UInt64, _ x: UInt64) {
    h = (h ^ x) &* 0x100_0000_01B3 &+ 0x9E37_79B9
    h = (h << 27) | (h >> 37)
  }

  @inline(__always) static func finalize(_ x: UInt64) -> UInt64 {
    // splitmix64's finalizer: spreads nearby integers over all groups.
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  static func number(_ d: Double, _ h: inout UInt64) {
    combine(&h, 3)
    combine(&h, d == 0 ? 0 : d.bitPattern)
  }

  static func text(_ s: String, _ h: inout UInt64) {
    var f: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in s.utf8 { f = (f ^ UInt64(b)) &* 0x100_0000_01B3 }
    combine(&h, f)
  }

  static func mix(_ v: Value, _ h: inout UInt64) {
    switch v {
    case .null: combine(&h, 1)
    case .bool(let b): combine(&h, b ? 2 : 12)
    case .int(let i): number(Double(i), &h)
    case .float(let d): number(d, &h)
    case .string(let s): combine(&h, 4); text(s, &h)
    case .time(let t): combine(&h, 5); combine(&h, UInt64(bitPattern: t))
    case .duration(let d): combine(&h, 6); combine(&h, UInt64(bitPattern: d))
    case .list(let xs): combine(&h, 7); for x in xs { mix(x, &h) }
    case .tuple(let xs): combine(&h, 8); for x in xs { mix(x, &h) }
    case .map(let m): combine(&h, 9); combine(&h, UInt64(m.count))
    case .record(let r):
      combine(&h, 10)
      for (i, f) in r.shape.fields.enumerated().sorted(by: { $0.element < $1.element }) {
        text(f, &h)
        mix(r.values[i], &h)
      }
    case .variant(let tag, let payload):
      combine(&h, 11)
      text(tag, &h)
      for x in payload { mix(x, &h) }
    case .vector(let xs): combine(&h, 13); for x in xs { number(x, &h) }
    case .function, .opaque: combine(&h, 14)
    }
  }
}
