import Foundation
import XCTest
import FlowRuntime
@testable import FlowConnectors

final class NexmarkGeneratorTests: XCTestCase {
  func int(_ v: Value?) -> Int64 {
    if case .int(let i)? = v { return i }
    XCTFail("not an int: \(String(describing: v))")
    return -1
  }

  func time(_ v: Value?) -> Int64 {
    if case .time(let i)? = v { return i }
    XCTFail("not a time: \(String(describing: v))")
    return -1
  }

  func testSameSeedSameEvents() {
    let a = NexmarkGenerator(config: NexmarkConfig(events: 1000, seed: 7))
    let b = NexmarkGenerator(config: NexmarkConfig(events: 1000, seed: 7))
    let c = NexmarkGenerator(config: NexmarkConfig(events: 1000, seed: 8))
    var differs = false
    var n = 0
    while let x = a.nextEvent() {
      let y = b.nextEvent()
      XCTAssertEqual(x.kind, y?.kind)
      XCTAssertEqual(x.record, y?.record)
      if let z = c.nextEvent(), z.record != x.record { differs = true }
      n += 1
    }
    XCTAssertEqual(n, 1000)
    XCTAssertNil(b.nextEvent())
    XCTAssertTrue(differs)
  }

  func testProportionsAndShapes() {
    let g = NexmarkGenerator(config: NexmarkConfig(events: 50_000, seed: 1))
    var counts = [0, 0, 0]
    while let e = g.nextEvent() {
      counts[e.kind.rawValue] += 1
      XCTAssertTrue(e.record.shape === NexmarkSchemas.schema(of: e.kind).shape)
    }
    XCTAssertEqual(counts, [1000, 3000, 46000])
  }

  func testIdsTimesAndReferences() {
    let cfg = NexmarkConfig(events: 100_000, seed: 3)
    let g = NexmarkGenerator(config: cfg)
    var nextPerson: Int64 = 1000
    var nextAuction: Int64 = 1000
    var index: Int64 = 0
    var hotAuctionBids = 0
    var bids = 0
    while let e = g.nextEvent() {
      let r = e.record
      XCTAssertEqual(time(r["dateTime"]), cfg.baseTime + index / 10)
      switch e.kind {
      case .person:
        XCTAssertEqual(int(r["id"]), nextPerson)
        nextPerson += 1
        guard case .string(let card)? = r["creditCard"] else { return XCTFail("creditCard") }
        XCTAssertEqual(card.count, 19)
        guard case .string(let state)? = r["state"] else { return XCTFail("state") }
        XCTAssertTrue(["AZ", "CA", "ID", "OR", "WA", "WY"].contains(state))
      case .auction:
        XCTAssertEqual(int(r["id"]), nextAuction)
        nextAuction += 1
        let seller = int(r["seller"])
        XCTAssertGreaterThanOrEqual(seller, max(1000, nextPerson - 1 - 1000))
        XCTAssertLessThanOrEqual(seller, nextPerson - 1 + 10)
        XCTAssertTrue((10...14).contains(int(r["category"])))
        XCTAssertGreaterThan(time(r["expires"]), time(r["dateTime"]))
        XCTAssertGreaterThanOrEqual(int(r["reserve"]), int(r["initialBid"]))
      case .bid:
        bids += 1
        let lastAuction = nextAuction - 1
        let lastPerson = nextPerson - 1
        let auction = int(r["auction"])
        // In flight (last 100) or hot (first of the current block of 100), plus 10 ids of lead.
        XCTAssertGreaterThanOrEqual(auction, max(1000, lastAuction - 100))
        XCTAssertLessThanOrEqual(auction, lastAuction + 10)
        if (auction - 1000) == (lastAuction - 1000) / 100 * 100 { hotAuctionBids += 1 }
        let bidder = int(r["bidder"])
        XCTAssertGreaterThanOrEqual(bidder, max(1000, lastPerson - 1000))
        XCTAssertLessThanOrEqual(bidder, lastPerson + 10)
        let price = int(r["price"])
        XCTAssertTrue((100...100_000_000).contains(price), "price \(price)")
        guard case .string(let url)? = r["url"] else { return XCTFail("url") }
        XCTAssertTrue(url.hasPrefix("https://www.nexmark.com/"))
      }
      index += 1
    }
    // Hot auctions get about half the bids (hotAuctionRatio = 2).
    let share = Double(hotAuctionBids) / Double(bids)
    XCTAssertGreaterThan(share, 0.45)
    XCTAssertLessThan(share, 0.6)
    XCTAssertEqual(NexmarkConfig().firstEventRate, 10_000)
    XCTAssertEqual(TimeFormat.format(cfg.baseTime), "2015-07-15T00:00:00Z")
  }

  func testNextBidSkipsToTheSameBidsAndResumes() throws {
    let cfg = NexmarkConfig(events: 5000, seed: 11)
    let all = NexmarkGenerator(config: cfg)
    var expected: [Record] = []
    while let e = all.nextEvent() { if e.kind == .bid { expected.append(e.record) } }
    let bidsOnly = NexmarkGenerator(config: cfg)
    var got: [Record] = []
    while let b = bidsOnly.nextBid() { got.append(b) }
    XCTAssertEqual(got.count, 4600)
    XCTAssertEqual(got.count, expected.count)
    XCTAssertEqual(got.first, expected.first)
    XCTAssertEqual(got.last, expected.last)

    // Resume at a checkpoint position.
    let first = NexmarkGenerator(config: cfg)
    for _ in 0..<777 { _ = first.nextEvent() }
    let pos = first.position
    let resumed = NexmarkGenerator(config: cfg, startAt: pos)
    for _ in 0..<300 { XCTAssertEqual(first.nextEvent()?.record, resumed.nextEvent()?.record) }

    // The source API, bids only, in batches.
    let src = NexmarkSource(config: cfg, kind: .bid)
    var batch: [Record] = []
    var n = 0
    while try src.nextBatch(max: 1024, into: &batch) {
      n += batch.count
      batch.removeAll(keepingCapacity: true)
    }
    XCTAssertEqual(n, 4600)
    XCTAssertEqual(src.position, 5000)
    let people = try connReadAll(NexmarkSource(config: cfg, kind: .person))
    XCTAssertEqual(people.count, 100)
  }

  func testBidThroughput() {
    let g = NexmarkGenerator(config: NexmarkConfig(events: 0, seed: 1))
    let n = 2_000_000
    var sum: Int64 = 0
    var start = Date()
    for _ in 0..<n { if let b = g.nextBidFields() { sum &+= b.price } }
    let raw = Double(n) / Date().timeIntervalSince(start)
    start = Date()
    for _ in 0..<n { if let r = g.nextBid() { sum &+= Int64(r.values.count) } }
    let rec = Double(n) / Date().timeIntervalSince(start)
    print("Nexmark: \(Int(raw / 1e6))M raw bids/s, \(Int(rec / 1e6))M bid records/s (checksum \(sum))")
  }
}
