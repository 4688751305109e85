import XCTest
@testable import FlowRuntime

/// Re-splitting a split source's position for another parallelism: the
/// new subtasks together read exactly the events no old subtask had read,
/// each in ascending input order.
final class SplitStateTests: XCTestCase {
  /// The integers 0..<n, seekable like the generators.
  final class Numbers: SourceReader {
    let n: Int64
    var next: Int64 = 0
    init(_ n: Int64) { self.n = n }
    var position: Int64? { next }
    func read(max: Int, into: inout [Value]) throws -> Bool {
      var k = 0
      while k < max && next < n { into.append(.int(next)); next += 1; k += 1 }
      return next < n
    }
    var progress: Double? { nil }
    var skippedRows: Int { 0 }
    func stop() {}
    func seek(to index: Int64) -> Bool { next = min(index, n); return true }
  }

  func readAll(_ r: SplitReader, limit: Int = .max) throws -> [Int64] {
    var out: [Value] = []
    while out.count < limit {
      var batch: [Value] = []
      let more = try r.read(max: min(37, limit - out.count), into: &batch)
      out += batch
      if !more { break }
    }
    return out.map { if case .int(let i) = $0 { return i } else { return -1 } }
  }

  func testResplitReadsEveryUnreadEventOnce() throws {
    var seed: UInt64 = 42
    func rand(_ m: Int) -> Int {
      seed = seed &* 6364136223846793005 &+ 1442695040888963407
      return Int((seed >> 33) % UInt64(m))
    }
    for trial in 0..<60 {
      let n = Int64(500 + rand(5000))
      var states = (0..<(1 + rand(4))).map { SplitState(subtask: $0, count: 0, block: 64) }
      for i in states.indices { states[i].count = states.count }
      var read: [Int64] = []
      // Up to three generations of rescaling, each reading a random share.
      for generation in 0..<3 {
        var next: [SplitState] = []
        for s in states {
          let r = SplitReader(inner: Numbers(n), state: s)
          let got = try readAll(r, limit: rand(Int(n) / 2 + 1))
          XCTAssertEqual(got, got.sorted(), "trial \(trial) generation \(generation): a subtask read out of order")
          read += got
          next.append(r.current)
        }
        let q = 1 + rand(5)
        states = (0..<q).map { SplitState.resplit(next, subtask: $0, count: q, block: 64) }
      }
      for s in states {
        let got = try readAll(SplitReader(inner: Numbers(n), state: s))
        XCTAssertEqual(got, got.sorted(), "trial \(trial): a subtask read out of order")
        read += got
      }
      XCTAssertEqual(read.sorted(), Array(0..<n), "trial \(trial): events lost or read twice")
    }
  }
}
