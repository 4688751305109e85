/// Binary encoding of operator state for checkpoints. Values are written
/// with a tag byte; records carry their field names, so state restores
/// into any layout. Functions and plan objects are not state and cannot be
/// written (a checkpoint that meets one fails with a clear error).
public struct StateWriter {
  public private(set) var bytes: [UInt8] = []
  public init() {}

  public mutating func u8(_ v: UInt8) { bytes.append(v) }
  public mutating func int(_ v: Int64) {
    // Little-endian, 8 bytes, appended at once (a byte at a time showed in
    // the checkpoint-overhead benchmark).
    var x = UInt64(bitPattern: v).littleEndian
    withUnsafeBytes(of: &x) { bytes.append(contentsOf: $0) }
  }
  public mutating func int(_ v: Int) { int(Int64(v)) }
  public mutating func double(_ d: Double) { int(Int64(bitPattern: d.bitPattern)) }
  public mutating func bool(_ b: Bool) { u8(b ? 1 : 0) }
  public mutating func string(_ s: String) {
    let u = Array(s.utf8)
    int(u.count)
    bytes.append(contentsOf: u)
  }
  public mutating func raw(_ b: [UInt8]) {
    int(b.count)
    bytes.append(contentsOf: b)
  }

  public mutating func value(_ v: Value) throws {
    switch v {
    case .null: u8(0)
    case .bool(let b): u8(1); bool(b)
    case .int(let i): u8(2); int(i)
    case .float(let d): u8(3); double(d)
    case .string(let s): u8(4); string(s)
    case .time(let t): u8(5); int(t)
    case .duration(let d): u8(6); int(d)
    case .list(let xs): u8(7); int(xs.count); for x in xs { try value(x) }
    case .map(let m):
      u8(8)
      // Key order for reproducible files.
      let entries = m.sorted { compareValues($0.key, $1.key) < 0 }
      int(entries.count)
      for (k, x) in entries { try value(k); try value(x) }
    case .tuple(let xs): u8(9); int(xs.count); for x in xs { try value(x) }
    case .record(let r):
      u8(10)
      int(r.shape.fields.count)
      for (f, x) in zip(r.shape.fields, r.values) { string(f); try value(x) }
    case .variant(let tag, let payload): u8(11); string(tag); int(payload.count); for x in payload { try value(x) }
    case .vector(let xs): u8(12); int(xs.count); for x in xs { double(x) }
    case .function, .opaque:
      throw RuntimeError("a checkpoint cannot store a function or a plan object in operator state")
    }
  }
}

public struct StateReader {
  let bytes: [UInt8]
  var pos = 0
  /// Shapes seen while reading, so restored records share layouts.
  var shapes: [[String]: Shape] = [:]
  /// Rescaling (see `Rescale.swift`): which keys this subtask keeps from
  /// the section being read (nil: every key, the section is its own), and
  /// whether it also takes the section's non-keyed counters, so that they
  /// are not counted once per new subtask.
  public var keyFilter: ((Value) -> Bool)?
  public var primary = true

  public init(_ bytes: [UInt8]) { self.bytes = bytes }

  /// Whether a restore keeps the state of `key`.
  @inline(__always)
  public func keeps(_ key: Value) -> Bool { keyFilter?(key) ?? true }

  public var atEnd: Bool { pos >= bytes.count }

  func corrupt() -> RuntimeError { RuntimeError("checkpoint state is damaged (truncated at byte \(pos))") }

  public mutating func u8() throws -> UInt8 {
    guard pos < bytes.count else { throw corrupt() }
    pos += 1
    return bytes[pos - 1]
  }
  public mutating func int() throws -> Int64 {
    guard pos + 8 <= bytes.count else { throw corrupt() }
    var x: UInt64 = 0
    for i in 0..<8 { x |= UInt64(bytes[pos + i]) << (8 * UInt64(i)) }
    pos += 8
    return Int64(bitPattern: x)
  }
  public mutating func count() throws -> Int {
    let n = try int()
    guard n >= 0, n <= Int64(bytes.count) * 8 + 1_000_000 else { throw corrupt() }
    return Int(n)
  }
  public mutating func double() throws -> Double { Double(bitPattern: UInt64(bitPattern: try int())) }
  public mutating func bool() throws -> Bool { try u8() != 0 }
  public mutating func string() throws -> String {
    let n = try count()
    guard pos + n <= bytes.count else { throw corrupt() }
    let s = String(decoding: bytes[pos..<pos + n], as: UTF8.self)
    pos += n
    return s
  }
  public mutating func raw() throws -> [UInt8] {
    let n = try count()
    guard pos + n <= bytes.count else { throw corrupt() }
    defer { pos += n }
    return Array(bytes[pos..<pos + n])
  }

  public mutating func value() throws -> Value {
    switch try u8() {
    case 0: return .null
    case 1: return .bool(try bool())
    case 2: return .int(try int())
    case 3: return .float(try double())
    case 4: return .string(try string())
    case 5: return .time(try int())
    case 6: return .duration(try int())
    case 7:
      let n = try count()
      var xs: [Value] = []
      for _ in 0..<n { xs.append(try value()) }
      return .list(xs)
    case 8:
      let n = try count()
      var m: [Value: Value] = [:]
      for _ in 0..<n { let k = try value(); m[k] = try value() }
      return .map(m)
    case 9:
      let n = try count()
      var xs: [Value] = []
      for _ in 0..<n { xs.append(try value()) }
      return .tuple(xs)
    case 10:
      let n = try count()
      var names: [String] = []
      var values: [Value] = []
      for _ in 0..<n { names.append(try string()); values.append(try value()) }
      let shape = shapes[names] ?? { let s = Shape(names); shapes[names] = s; return s }()
      return .record(Record(shape: shape, values: values))
    case 11:
      let tag = try string()
      let n = try count()
      var xs: [Value] = []
      for _ in 0..<n { xs.append(try value()) }
      return .variant(tag: tag, payload: xs)
    case 12:
      let n = try count()
      var xs: [Double] = []
      for _ in 0..<n { xs.append(try double()) }
      return .vector(xs)
    default:
      throw corrupt()
    }
  }
}

/// CRC-32 (IEEE), to detect damaged checkpoint files.
public func crc32(_ bytes: [UInt8]) -> UInt32 {
  var c = CRC32()
  bytes.withUnsafeBytes { c.update($0) }
  return c.value
}

/// CRC-32 computed piece by piece (large files are read in chunks).
public struct CRC32 {
  static let table: [UInt32] = (0..<256).map { i -> UInt32 in
    var c = UInt32(i)
    for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1 }
    return c
  }
  private var crc: UInt32 = 0xFFFFFFFF
  public init() {}
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    let t = CRC32.table
    var c = crc
    for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    crc = c
  }
  public var value: UInt32 { crc ^ 0xFFFFFFFF }
}

/// Keyed state shapes shared by several operators, written in key order so
/// that equal state gives equal checkpoint files.
extension StateWriter {
  public mutating func valueMap(_ m: [Value: Value]) throws {
    let keys = m.keys.sorted { compareValues($0, $1) < 0 }
    int(keys.count)
    for k in keys { try value(k); try value(m[k] ?? .null) }
  }

  /// Per key, events with their times (join buffers, versions).
  public mutating func timedLists(_ m: [Value: [(Int64, Value)]]) throws {
    let keys = m.keys.sorted { compareValues($0, $1) < 0 }
    int(keys.count)
    for k in keys {
      try value(k)
      let xs = m[k] ?? []
      int(xs.count)
      for (t, v) in xs { int(t); try value(v) }
    }
  }
}

extension StateReader {
  /// The map's entries whose keys this restore keeps.
  public mutating func valueMap() throws -> [Value: Value] {
    var out: [Value: Value] = [:]
    let n = try count()
    for _ in 0..<n {
      let k = try value()
      let v = try value()
      if keeps(k) { out[k] = v }
    }
    return out
  }

  public mutating func timedLists() throws -> [Value: [(Int64, Value)]] {
    var out: [Value: [(Int64, Value)]] = [:]
    let n = try count()
    for _ in 0..<n {
      let k = try value()
      let c = try count()
      var xs: [(Int64, Value)] = []
      for _ in 0..<c { let t = try int(); xs.append((t, try value())) }
      if keeps(k) { out[k] = xs }
    }
    return out
  }
}
