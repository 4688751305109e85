import FlowRuntime
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How the SQL `datagen` connector fills one column (Language/sql.md).
public struct DatagenField: Sendable {
  public enum Kind: Sendable {
    /// Uniform in `min...max` (numbers); `length` letters (strings).
    case random(min: Double, max: Double, length: Int)
    /// `start, start+1, …, end`: row i holds `start + i`.
    case sequence(start: Int64, end: Int64)
  }
  public var type: ColumnType
  public var kind: Kind
  /// The chance in [0, 1] that a random value is NULL.
  public var nullRate: Double

  public init(type: ColumnType, kind: Kind, nullRate: Double = 0) {
    self.type = type
    self.kind = kind
    self.nullRate = nullRate
  }
}

/// Flink's `datagen` connector: rows of seeded random or sequence values.
///
/// Row i depends only on (seed, i), so `startAt` resumes exactly and a run
/// repeats. The source ends after `rows` rows or when a sequence column
/// passes its end, whichever is first; with neither it never ends.
/// TIMESTAMP columns are not random: row i holds `baseTime + i` seconds, an
/// ordered event time that repeats (Flink uses the wall clock).
public final class DatagenSource: RowSource {
  public static let baseTime: Int64 = 1_704_067_200_000  // 2024-01-01T00:00:00Z
  public let shape: Shape
  public let fields: [DatagenField]
  public let seed: UInt64
  public let limit: Int64?
  public let rowsPerSecond: Double?
  public private(set) var position: Int64
  private var started: Double?
  private var startIndex: Int64

  public init(shape: Shape, fields: [DatagenField], seed: UInt64, rows: Int64?, rowsPerSecond: Double? = nil, startAt: Int64 = 0) {
    self.shape = shape
    self.fields = fields
    self.seed = seed
    var limit = rows
    for f in fields {
      if case .sequence(let s, let e) = f.kind {
        let (n, o) = e.subtractingReportingOverflow(s)
        let count = o ? Int64.max : max(0, n &+ 1)
        limit = min(limit ?? Int64.max, count)
      }
    }
    self.limit = limit
    self.rowsPerSecond = rowsPerSecond
    self.position = startAt
    self.startIndex = startAt
  }

  public func next() throws -> Record? {
    if let l = limit, position >= l { return nil }
    if let rate = rowsPerSecond, rate > 0 { throttle(rate) }
    var rng = SplitMix64.forRow(seed: seed, index: position)
    var values: [Value] = []
    values.reserveCapacity(fields.count)
    for f in fields { values.append(value(f, &rng)) }
    position += 1
    return Record(shape: shape, values: values)
  }

  /// Sleeps while the rows emitted since the start are ahead of `rate`.
  private func throttle(_ rate: Double) {
    let now = Self.seconds()
    let t0 = started ?? now
    started = t0
    let due = t0 + Double(position - startIndex) / rate
    if due > now { usleep(UInt32(min((due - now) * 1_000_000, 1_000_000))) }
  }

  private static func seconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
  }

  private func value(_ f: DatagenField, _ rng: inout SplitMix64) -> Value {
    // Every field draws the same amount so one column's options never shift another's values.
    let nullDraw = rng.unit()
    let draw = rng.next()
    switch f.kind {
    case .sequence(let start, _):
      let v = start &+ position
      switch f.type.unwrapped {
      case .float: return .float(Double(v))
      case .string: return .string(String(v))
      default: return .int(v)
      }
    case .random(let lo, let hi, let length):
      if nullDraw < f.nullRate { return .null }
      switch f.type.unwrapped {
      case .int:
        let a = Int64(lo), b = Int64(hi)
        let span = UInt64(bitPattern: b &- a) &+ 1
        let r = span == 0 ? draw : span.multipliedFullWidth(by: draw).high
        return .int(a &+ Int64(bitPattern: r))
      case .float: return .float(lo + (hi - lo) * (Double(draw >> 11) * 0x1p-53))
      case .bool: return .bool(draw & 1 == 1)
      case .time: return .time(Self.baseTime &+ position &* 1000)
      default:
        var local = SplitMix64(seed: draw)
        var bytes = [UInt8](repeating: 0, count: max(0, length))
        for k in 0..<bytes.count { bytes[k] = 97 + UInt8(local.below(26)) }
        return .string(String(decoding: bytes, as: UTF8.self))
      }
    }
  }
}
