import XCTest
@testable import FlowRuntime

/// `IntKeyTable` (open addressing for integer keys) and `KeyIndex` must
/// behave like a dictionary: every key gets one dense index in first-seen
/// order, across growth, for any Int64 (negative, zero, extremes).
final class KeyIndexTests: XCTestCase {
  func testIntKeyTableMatchesADictionary() {
    var table = IntKeyTable()
    var reference: [Int64: Int] = [:]
    var s: UInt64 = 42
    var keys: [Int64] = [0, -1, 1, Int64.min, Int64.max, 1 << 32, -(1 << 40)]
    for _ in 0..<20_000 {
      s = s &* 6364136223846793005 &+ 1442695040888963407
      // Many repeats and keys that collide in the low bits.
      keys.append(Int64(bitPattern: s >> 20) & ~0xFFF)
      keys.append(Int64(s % 500))
    }
    for k in keys {
      if let i = table.get(k) {
        XCTAssertEqual(reference[k], i, "key \(k)")
      } else {
        XCTAssertNil(reference[k], "key \(k) lost")
        let i = reference.count
        table.insert(k, i)
        reference[k] = i
      }
    }
    XCTAssertEqual(table.count, reference.count)
    for (k, i) in reference { XCTAssertEqual(table.get(k), i) }
    XCTAssertNil(table.get(7_777_777_777))
  }

  func testKeyIndexKeepsIntAndOtherKeysApart() {
    var index = KeyIndex()
    XCTAssertTrue(index.index(of: .int(1)) == (0, true))
    XCTAssertTrue(index.index(of: .string("a")) == (1, true))
    XCTAssertTrue(index.index(of: .int(1)) == (0, false))
    XCTAssertTrue(index.index(of: .float(2.5)) == (2, true))
    XCTAssertTrue(index.index(of: .string("a")) == (1, false))
    XCTAssertEqual(index.count, 3)
    XCTAssertEqual(index.keys, [.int(1), .string("a"), .float(2.5)])
  }

  /// The large payloads are boxed, so a value stays small (copies and
  /// arrays of values are the interpreter's main memory traffic).
  func testValueIsSmall() {
    XCTAssertLessThanOrEqual(MemoryLayout<Value>.size, 17)
  }
}
