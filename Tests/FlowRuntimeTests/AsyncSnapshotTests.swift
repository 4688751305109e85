import XCTest
@testable import FlowRuntime

/// Asynchronous checkpoints capture a keyed aggregate's arrays
/// copy-on-write and encode them later: the bytes must be exactly those of
/// the synchronous `snapshotState`, and must not see changes the operator
/// makes after the capture.
final class AsyncSnapshotTests: XCTestCase {
  func keyed(_ output: AggregateOutput) throws -> KeyedAggregateOperator {
    let op = KeyedAggregateOperator(key: FunctionValue(unary: { v in
      if case .int(let i) = v { return i % 7 == 0 ? .string("seven") : .int(i % 5) }
      return .null
    }), output: output, name: "agg", location: "test")
    op.bounded = true
    try op.open()
    return op
  }

  func sync(_ op: Operator) throws -> [UInt8] {
    var w = StateWriter()
    try op.snapshotState(&w)
    return w.bytes
  }

  func check(_ output: AggregateOutput) throws {
    let op = try keyed(output)
    for i in 1...100 { try op.process(.int(Int64(i)), ts: Int64(i), port: 0) }
    try op.watermark(50, port: 0)
    let expected = try sync(op)
    let later = try XCTUnwrap(try op.captureState(), "a keyed count or reduce must capture copy-on-write")
    // Changed after the capture: new keys and new values for old ones.
    for i in 101...300 { try op.process(.int(Int64(i) * 3), ts: Int64(i), port: 0) }
    XCTAssertEqual(try later(), expected)
    XCTAssertNotEqual(try sync(op), expected)
  }

  func testCountCaptureEncodesLikeTheSynchronousSnapshot() throws {
    try check(.record(Shape(["key", "count"]), [AggSpec(.count, name: "count")]))
  }

  func testReduceCaptureEncodesLikeTheSynchronousSnapshot() throws {
    try check(.reduced(FunctionValue(arity: 2, call: { a in
      if case .int(let x) = a[0], case .int(let y) = a[1] { return .int(x + y) }
      return .null
    })))
  }

  func testAccumulatorsAreSnapshottedSynchronously() throws {
    let sum = AggSpec(.sum(FunctionValue(unary: { $0 })), name: "s")
    let op = try keyed(.record(Shape(["key", "s"]), [sum]))
    XCTAssertNil(try op.captureState())
  }
}
