import XCTest
@testable import FlowRuntime

/// A window operator frees the ids of keys whose state is gone, so that an
/// unbounded key space does not grow memory without bound, and results are
/// unchanged by it.
final class WindowKeysTests: XCTestCase {
  func testIntKeyTableRemoveMatchesADictionary() {
    var table = IntKeyTable()
    var reference: [Int64: Int] = [:]
    var s: UInt64 = 7
    for step in 0..<60_000 {
      s = s &* 6364136223846793005 &+ 1442695040888963407
      // Few distinct keys, colliding in the low bits: long probe chains.
      let k = Int64((s >> 33) % 3000) << 12
      if (s >> 20) % 3 == 0 {
        table.remove(k)
        reference.removeValue(forKey: k)
      } else if table.get(k) == nil {
        table.insert(k, step)
        reference[k] = step
      }
      if step % 997 == 0 {
        for (key, i) in reference { XCTAssertEqual(table.get(key), i, "key \(key) at step \(step)") }
      }
    }
    XCTAssertEqual(table.count, reference.count)
    for (key, i) in reference { XCTAssertEqual(table.get(key), i) }
    for k in Int64(0)..<3000 where reference[k << 12] == nil { XCTAssertNil(table.get(k << 12)) }
  }

  func makeWindow(_ spec: WindowSpec) throws -> (WindowOperator, CollectOperator) {
    let shape = Shape(["key", "start", "end", "count"])
    let w = WindowOperator(key: FunctionValue(unary: { $0 }), spec: spec, trigger: .onWatermark, lateness: 0,
                           output: .record(shape, [AggSpec(.count, name: "count")]), name: "window", location: "test")
    let c = CollectOperator()
    w.connect(to: c, port: 0)
    try c.open()
    try w.open()
    return (w, c)
  }

  /// 200,000 events, each of a key never seen before (and a few keys seen
  /// throughout): the operator's key table stays small, and every window
  /// still fires with its count.
  func run(_ spec: WindowSpec, eventsPerWindow expected: (Int64) -> Int64) throws {
    let (w, c) = try makeWindow(spec)
    let n: Int64 = 200_000
    for i in 0..<n {
      let ts = i * 10
      try w.process(.int(i), ts: ts, port: 0)
      try w.process(.string("steady-\(i % 3)"), ts: ts, port: 0)
      if i % 50 == 0 { try w.watermark(ts - 1, port: 0) }
    }
    try w.watermark(Int64.max, port: 0)
    XCTAssertLessThanOrEqual(w.keyList.count - w.freeIDs.count, 2 * WindowOperator.freeThreshold + 3, "live key ids")
    XCTAssertLessThanOrEqual(w.keyList.count, 3 * WindowOperator.freeThreshold, "key ids ever allocated")
    XCTAssertLessThanOrEqual(w.intKeys.count, 2 * WindowOperator.freeThreshold)
    // Every event of an ever-new key is counted in its windows.
    var perKey: [Int64: Int64] = [:]
    var steady: Int64 = 0
    for e in c.events {
      guard case .record(let r) = e.value else { return XCTFail("not a record") }
      guard case .int(let n) = r.values[3] else { return XCTFail("no count") }
      if case .int(let k) = r.values[0] { perKey[k, default: 0] += n } else { steady += n }
    }
    XCTAssertEqual(perKey.count, Int(n))
    for k in [Int64(0), 1, 4_095, 4_096, 100_000, n - 1] { XCTAssertEqual(perKey[k], expected(k), "key \(k)") }
    XCTAssertEqual(steady, n * expected(0))
  }

  func testTumblingKeysAreFreed() throws {
    try run(.tumbling(size: 1000, offset: 0)) { _ in 1 }
  }

  func testSlidingKeysAreFreed() throws {
    // 1 s windows every 250 ms: each event is in 4 windows.
    try run(.sliding(size: 1000, slide: 250)) { _ in 4 }
  }

  func testSessionKeysAreFreed() throws {
    try run(.session(gap: 500)) { _ in 1 }
  }
}
