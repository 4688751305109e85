import XCTest
@testable import FlowRuntime

/// `KeySlices` assembles sliding windows with two stacks; whatever the
/// order of events, every window's result must equal the direct merge of
/// its slices (and the count of events a brute-force check assigns to it).
final class SlidingSlicesTests: XCTestCase {
  struct Rng {
    var s: UInt64
    mutating func next(_ n: Int) -> Int {
      s = s &* 6364136223846793005 &+ 1442695040888963407
      return Int((s >> 33) % UInt64(n))
    }
  }

  func counts(_ accs: [Accumulator]?) throws -> Int64 {
    guard let a = accs?.first, case .int(let n) = try a.result() else { return 0 }
    return n
  }

  func run(seed: UInt64, size: Int64, slide: Int64, disorder: Int64) throws {
    let slice = gcd(size, slide)
    var rng = Rng(s: seed)
    let ks = KeySlices()
    var times: [Int64] = []
    var nextEnd = slide
    var t: Int64 = 0
    for _ in 0..<3000 {
      t += Int64(rng.next(40))
      // The watermark is t - 1: events up to `disorder` older are late
      // for windows that fired, and change slices already in the stacks
      // (as with allowedLateness), but never reach before the start of
      // the next window to fire.
      let ts = max(nextEnd - size, t - Int64(rng.next(Int(disorder) + 1)))
      let start = floorDiv(ts, slice) * slice
      if let i = ks.find(start) {
        try ks.accs[i][0].add(.int(0))
        ks.touched(i)
      } else {
        let i = ks.insert(start, [CountAcc()])
        try ks.accs[i][0].add(.int(0))
      }
      times.append(ts)
      // Fire the windows the watermark has passed.
      while nextEnd - 1 <= t - 1 {
        let want = Int64(times.filter { $0 >= nextEnd - size && $0 < nextEnd }.count)
        var r: [Value] = []
        var got: Int64 = 0
        if try ks.window(end: nextEnd, size: size, into: &r) {
          if case .int(let n) = r[0] { got = n } else { got = -1 }
        }
        XCTAssertEqual(got, want, "window ending \(nextEnd) (seed \(seed), size \(size), slide \(slide))")
        XCTAssertEqual(try counts(ks.mergedDirectly(end: nextEnd, size: size)), want)
        nextEnd += slide
        ks.dropExpired { $0 + slice + size <= nextEnd - size }
      }
    }
  }

  func testTwoStacksEqualDirectMerge() throws {
    for seed in 1...5 as ClosedRange<UInt64> {
      try run(seed: seed, size: 100, slide: 20, disorder: 0)
      try run(seed: seed, size: 100, slide: 30, disorder: 50)
      try run(seed: seed, size: 40, slide: 40, disorder: 25)
      try run(seed: seed, size: 30, slide: 70, disorder: 10)
    }
  }
}
