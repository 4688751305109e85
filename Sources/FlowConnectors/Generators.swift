import FlowRuntime

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast generator whose output is
/// fully specified, so a seed gives the same stream on every platform and Swift
/// version (the standard library's generator promises neither).
public struct SplitMix64: RandomNumberGenerator, Sendable {
  public var state: UInt64

  public init(seed: UInt64) { state = seed }

  @inline(__always) public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    return Self.mix(state)
  }

  /// The SplitMix64 finaliser: a bijective scramble of 64 bits. Used to derive
  /// independent per-row seeds from (seed, row index).
  @inline(__always) public static func mix(_ x: UInt64) -> UInt64 {
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform integer in `0..<bound` (`bound` > 0) by multiply-shift (Lemire),
  /// without rejection: the bias is below 2^-40 for the small bounds used here and
  /// the result stays a pure function of the state.
  @inline(__always) public mutating func below(_ bound: Int64) -> Int64 {
    Int64(bitPattern: UInt64(bitPattern: bound).multipliedFullWidth(by: next()).high)
  }

  /// A uniform double in [0, 1).
  @inline(__always) public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// The generator for row `index` of the stream seeded by `seed`: rows are
  /// independent, so a generator can start at any index (checkpoints) and skip rows
  /// without drawing their numbers.
  @inline(__always) public static func forRow(seed: UInt64, index: Int64) -> SplitMix64 {
    SplitMix64(seed: mix(seed ^ mix(UInt64(bitPattern: index) &+ 0x632B_E59B_D9B4_E019)))
  }
}

/// xoshiro256** (Blackman, Vigna 2018), seeded through SplitMix64: a longer-period
/// generator for callers that draw long sequences from one seed.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
  private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

  public init(seed: UInt64) {
    var sm = SplitMix64(seed: seed)
    s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
  }

  @inline(__always) public mutating func next() -> UInt64 {
    let result = rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 45)
    return result
  }

  @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// The integers `from, from+step, …` up to and including `to` (forever when `to` is
/// nil), as one-field records. `position` is the index of the next element.
public final class SequenceGenerator: RowSource {
  public let from: Int64
  public let to: Int64?
  public let step: Int64
  public let shape: Shape
  public private(set) var position: Int64

  public init(from: Int64, to: Int64?, step: Int64 = 1, field: String = "value", startAt: Int64 = 0) throws {
    guard step != 0 else { throw ConnectorError("sequence step cannot be 0") }
    self.from = from
    self.to = to
    self.step = step
    self.shape = Shape([field])
    self.position = startAt
  }

  /// The next integer, or nil past `to`.
  public func nextInt() -> Int64? {
    let (off, o1) = position.multipliedReportingOverflow(by: step)
    let (v, o2) = from.addingReportingOverflow(off)
    if o1 || o2 { return nil }
    if let to = to, step > 0 ? v > to : v < to { return nil }
    position += 1
    return v
  }

  public func next() throws -> Record? {
    guard let v = nextInt() else { return nil }
    return Record(shape: shape, values: [.int(v)])
  }
}

/// Seeded random records for a schema, reproducible across platforms.
///
/// Row `i` depends only on (seed, i), so `startAt` resumes exactly. Values: `int`
/// uniform in `intRange`; `float` uniform in [0, 1); `bool` fair; `string` 3–12
/// lowercase letters; `time` `baseTime + i * timeStep` (an ordered event time);
/// `duration` 0..<60 s; `list(T)` 0–4 elements; optional columns are null 10% of the
/// time.
public final class RandomGenerator: RowSource {
  public let schema: Schema
  public let seed: UInt64
  public let count: Int64?
  public let intRange: ClosedRange<Int64>
  public var baseTime: Int64 = 1_704_067_200_000  // 2024-01-01T00:00:00Z
  public var timeStep: Int64 = 1
  public private(set) var position: Int64

  public init(
    schema: Schema, seed: UInt64, count: Int64?, intRange: ClosedRange<Int64> = 0...999_999, startAt: Int64 = 0
  ) {
    self.schema = schema
    self.seed = seed
    self.count = count
    self.intRange = intRange
    self.position = startAt
  }

  /// One `value: Int` column.
  public convenience init(seed: UInt64, count: Int64?, range: ClosedRange<Int64> = 0...999_999, field: String = "value") {
    self.init(schema: Schema([(field, .int)]), seed: seed, count: count, intRange: range)
  }

  public func next() throws -> Record? {
    if let c = count, position >= c { return nil }
    var rng = SplitMix64.forRow(seed: seed, index: position)
    var values: [Value] = []
    values.reserveCapacity(schema.count)
    for f in schema.fields { values.append(value(f.type, &rng)) }
    let r = Record(shape: schema.shape, values: values)
    position += 1
    return r
  }

  private func value(_ t: ColumnType, _ rng: inout SplitMix64) -> Value {
    switch t {
    case .optional(let u):
      return rng.below(10) == 0 ? .null : value(u, &rng)
    case .int:
      let span = UInt64(bitPattern: intRange.upperBound &- intRange.lowerBound) &+ 1
      let r = span == 0 ? rng.next() : span.multipliedFullWidth(by: rng.next()).high
      return .int(intRange.lowerBound &+ Int64(bitPattern: r))
    case .float: return .float(rng.unit())
    case .bool: return .bool(rng.next() & 1 == 1)
    case .string:
      let len = 3 + Int(rng.below(10))
      var bytes = [UInt8](repeating: 0, count: len)
      for k in 0..<len { bytes[k] = 97 + UInt8(rng.below(26)) }
      return .string(String(decoding: bytes, as: UTF8.self))
    case .time: return .time(baseTime &+ position &* timeStep)
    case .duration: return .duration(rng.below(60_000))
    case .list(let e):
      let n = Int(rng.below(5))
      return .list((0..<n).map { _ in value(e, &rng) })
    }
  }
}
