#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import FlowRuntime

/// The three Nexmark event kinds.
public enum NexmarkEventKind: Int, Sendable {
  case person = 0
  case auction = 1
  case bid = 2
}

/// Parameters of the Nexmark generator. Defaults follow the reference generator
/// (nexmark/nexmark `NexmarkConfiguration`): 1 person : 3 auctions : 46 bids per 50
/// events, 10 000 events per second of event time (so 10 events per ms), 1000
/// active people, 100 in-flight auctions, hot ratios 2/4/4.
public struct NexmarkConfig: Sendable, Equatable {
  /// Events to generate in total (all kinds); 0 means unbounded.
  public var events: Int
  public var seed: UInt64
  /// Events per second of event time: event `i` is stamped
  /// `baseTime + i * 1000 / firstEventRate` ms (the reference's inter-event delay of
  /// 1e6/rate µs, one generator, no rate shape, no out-of-order groups).
  public var firstEventRate: Int = 10_000
  /// Event time of event 0: 2015-07-15T00:00:00Z (a fixed stand-in for the
  /// reference's wall-clock start, so runs are reproducible).
  public var baseTime: Int64 = 1_436_918_400_000
  public var personProportion = 1
  public var auctionProportion = 3
  public var bidProportion = 46
  /// People eligible as random bidders/sellers (the most recent ones).
  public var numActivePeople = 1000
  /// Auctions eligible for random (non-hot) bids (the most recent ones).
  public var numInFlightAuctions = 100
  /// A bid goes to a hot auction with probability 1 - 1/hotAuctionRatio.
  public var hotAuctionRatio = 2
  /// An auction is by a hot seller with probability 1 - 1/hotSellersRatio.
  public var hotSellersRatio = 4
  /// A bid is by a hot bidder with probability 1 - 1/hotBiddersRatio.
  public var hotBiddersRatio = 4
  /// A bid comes through one of 4 hot channels with probability 1 - 1/hotChannelsRatio.
  public var hotChannelsRatio = 2
  /// Average encoded sizes; the `extra` padding field brings events to about these.
  public var avgPersonByteSize = 200
  public var avgAuctionByteSize = 500
  public var avgBidByteSize = 100

  public init(events: Int = 0, seed: UInt64 = 0) {
    self.events = events
    self.seed = seed
  }

  public var totalProportion: Int { personProportion + auctionProportion + bidProportion }
}

/// The record layouts of the three event kinds (field names as in the reference).
public enum NexmarkSchemas {
  public static let person = Schema([
    ("id", .int), ("name", .string), ("emailAddress", .string), ("creditCard", .string),
    ("city", .string), ("state", .string), ("dateTime", .time), ("extra", .string),
  ])
  public static let auction = Schema([
    ("id", .int), ("itemName", .string), ("description", .string), ("initialBid", .int),
    ("reserve", .int), ("dateTime", .time), ("expires", .time), ("seller", .int),
    ("category", .int), ("extra", .string),
  ])
  public static let bid = Schema([
    ("auction", .int), ("bidder", .int), ("price", .int), ("channel", .string),
    ("url", .string), ("dateTime", .time), ("extra", .string),
  ])

  public static func schema(of kind: NexmarkEventKind) -> Schema {
    switch kind {
    case .person: return person
    case .auction: return auction
    case .bid: return bid
    }
  }
}

/// A bid without its strings resolved: the allocation-free fast path. Resolve
/// `channel`/`extra` with `NexmarkGenerator.channelName(_:)`, `url(_:)`, `bidExtra(_:)`.
public struct NexmarkBid: Sendable, Equatable {
  public var auction: Int64
  public var bidder: Int64
  /// In cents.
  public var price: Int64
  public var channel: Int
  public var dateTime: Int64
  public var extra: Int
}

/// Which fields of a bid a reader wants built (projection pushdown). A bid's
/// random numbers are drawn in field order from the event's own stream, so
/// generation stops after the last wanted field's draws: the wanted fields
/// get exactly the values of a full bid, and strings nobody reads are never
/// touched. Unwanted fields are `null` in the record.
public struct NexmarkBidColumns: Sendable, Equatable {
  public var auction = true, bidder = true, price = true, channel = true, url = true, dateTime = true, extra = true

  public static let all = NexmarkBidColumns()

  /// The fields named in `names` (nil: all).
  public init(_ names: Set<String>? = nil) {
    guard let n = names else { return }
    auction = n.contains("auction")
    bidder = n.contains("bidder")
    price = n.contains("price")
    channel = n.contains("channel")
    url = n.contains("url")
    dateTime = n.contains("dateTime")
    extra = n.contains("extra")
  }

  /// How many groups of draws a bid needs: 0 none, 1 auction, 2 + bidder,
  /// 3 + price, 4 + channel (and its url), 5 + extra.
  public var draws: Int {
    if extra { return 5 }
    if channel || url { return 4 }
    if price { return 3 }
    if bidder { return 2 }
    return auction ? 1 : 0
  }
}

/// A deterministic Nexmark event generator.
///
/// Follows the reference generator's semantics (nexmark/nexmark, nexmark-flink
/// `generator/`), written independently:
/// - event `i` is a person, auction or bid by `i % 50` (first 1, next 3, last 46);
/// - person and auction ids are sequential from 1000, in event order;
/// - a bid's auction is, with probability 1 - 1/hotAuctionRatio, the first of the
///   current block of 100 auctions ("hot"), else a random one among the last
///   `numInFlightAuctions` plus up to 10 not yet created; the bidder likewise (hot =
///   second person of the current block of 100, else one of the last
///   `numActivePeople` plus up to 10 future ones); auction sellers the same way;
/// - prices are `round(10^(6u) * 100)` cents for uniform u; auctions expire after a
///   random span averaging the time to create `numInFlightAuctions` more auctions.
///
/// Randomness: every event draws from its own SplitMix64 stream seeded by (seed,
/// event index), so the stream is a pure function of the seed, `startAt` resumes at
/// any event, and `nextBid()` can skip other events without generating them. The
/// reference uses java.util.Random, so values differ from it; distributions match.
/// Strings come from pools built at init (names, channels, URLs, `extra` padding),
/// so bids allocate only their record.
public final class NexmarkGenerator {
  public let config: NexmarkConfig

  private let total: Int64
  private let personP: Int64
  private let auctionP: Int64
  private let bidStart: Int64
  private let limit: Int64
  private let rate: Int64
  private let msPerEvent: Int64
  private let msRemainder: Int64
  private let personShape = NexmarkSchemas.person.shape
  private let auctionShape = NexmarkSchemas.auction.shape
  private let bidShape = NexmarkSchemas.bid.shape
  private let pools: NexmarkPools
  /// Mutable position, behind a pointer: the bid loop runs at tens of millions of
  /// iterations per second, where class-property exclusivity checks would dominate.
  private let cur: UnsafeMutablePointer<Cursor>

  /// The next event's index with its derived quantities, advanced incrementally so
  /// the hot path does no division.
  struct Cursor {
    var index: Int64
    /// index / total and index % total.
    var epoch: Int64
    var rem: Int64
    /// timestamp(ofEvent: index), and (index * 1000) % rate for stepping it exactly.
    var ts: Int64
    var tsAcc: Int64
  }

  public init(config: NexmarkConfig, startAt: Int64 = 0) {
    var c = config
    c.personProportion = max(c.personProportion, 0)
    c.auctionProportion = max(c.auctionProportion, 0)
    c.bidProportion = max(c.bidProportion, 0)
    if c.totalProportion == 0 { c.bidProportion = 1 }
    c.firstEventRate = max(c.firstEventRate, 1)
    c.numActivePeople = max(c.numActivePeople, 1)
    c.numInFlightAuctions = max(c.numInFlightAuctions, 1)
    c.hotAuctionRatio = max(c.hotAuctionRatio, 1)
    c.hotSellersRatio = max(c.hotSellersRatio, 1)
    c.hotBiddersRatio = max(c.hotBiddersRatio, 1)
    c.hotChannelsRatio = max(c.hotChannelsRatio, 1)
    self.config = c
    self.total = Int64(c.totalProportion)
    self.personP = Int64(c.personProportion)
    self.auctionP = Int64(c.auctionProportion)
    self.bidStart = personP + auctionP
    self.limit = c.events > 0 ? Int64(c.events) : Int64.max
    self.rate = Int64(c.firstEventRate)
    self.msPerEvent = 1000 / rate
    self.msRemainder = 1000 % rate
    self.pools = NexmarkPools.shared(config: c)
    self.cur = .allocate(capacity: 1)
    cur.initialize(to: Cursor(index: 0, epoch: 0, rem: 0, ts: c.baseTime, tsAcc: 0))
    seek(max(startAt, 0))
  }

  deinit { cur.deallocate() }

  /// Index of the next event: the checkpoint position.
  public var eventIndex: Int64 { cur.pointee.index }

  /// The checkpoint position (same as `eventIndex`).
  public var position: Int64 { cur.pointee.index }

  /// Moves to event `index` (used at start and when skipping ahead).
  /// Moves to event `index` (the stream is a pure function of the index).
  public func seek(to index: Int64) { seek(max(index, 0)) }

  /// Moves to the `n`th bid (0-based): bids take the last `bidProportion`
  /// places of every `totalProportion` events.
  public func seek(toBid n: Int64) {
    let perEpoch = total - bidStart
    guard perEpoch > 0 else { return seek(limit) }
    let (epoch, k) = max(n, 0).quotientAndRemainder(dividingBy: perEpoch)
    seek(epoch &* total &+ bidStart &+ k)
  }

  private func seek(_ index: Int64) {
    cur.pointee = Cursor(
      index: index, epoch: index / total, rem: index % total, ts: timestamp(ofEvent: index),
      tsAcc: (index % rate) &* msRemainder % rate)
  }

  /// Moves to the following event.
  @inline(__always) private func step() {
    let c = cur
    c.pointee.index += 1
    c.pointee.rem += 1
    if c.pointee.rem == total {
      c.pointee.rem = 0
      c.pointee.epoch += 1
    }
    c.pointee.ts += msPerEvent
    c.pointee.tsAcc += msRemainder
    if c.pointee.tsAcc >= rate {
      c.pointee.tsAcc -= rate
      c.pointee.ts += 1
    }
  }

  /// The kind of event number `index`.
  @inline(__always) public func kind(ofEvent index: Int64) -> NexmarkEventKind {
    kind(rem: index % total)
  }

  @inline(__always) private func kind(rem: Int64) -> NexmarkEventKind {
    if rem < personP { return .person }
    if rem < bidStart { return .auction }
    return .bid
  }

  /// The kind of the next event, or nil when the configured count is reached.
  public var nextKind: NexmarkEventKind? { eventIndex < limit ? kind(rem: cur.pointee.rem) : nil }

  /// Event time of event `index`, in epoch ms: `baseTime + index * 1000 / rate`.
  @inline(__always) public func timestamp(ofEvent index: Int64) -> Int64 {
    config.baseTime &+ index &* 1000 / rate
  }

  // MARK: Events

  /// The next event of any kind, with its record (shape per `NexmarkSchemas`).
  public func nextEvent() -> (kind: NexmarkEventKind, record: Record)? {
    let c = cur.pointee
    guard c.index < limit else { return nil }
    step()
    let k = kind(rem: c.rem)
    switch k {
    case .person: return (k, person(c.index))
    case .auction: return (k, auction(c.index))
    case .bid: return (k, bidRecord(bid(c)))
    }
  }

  /// Moves to the next event of `kind`, skipping (not generating) the others, and
  /// returns its cursor; the generator is left after it. Nil when the configured
  /// count runs out first.
  @inline(__always) private func advance(to kind: NexmarkEventKind) -> Cursor? {
    let lo: Int64, hi: Int64
    switch kind {
    case .person: lo = 0; hi = personP
    case .auction: lo = personP; hi = bidStart
    case .bid: lo = bidStart; hi = total
    }
    let rem = cur.pointee.rem
    if rem < lo || rem >= hi {
      guard hi > lo else {
        seek(max(limit, cur.pointee.index))
        return nil
      }
      let target = cur.pointee.index + (rem < lo ? lo - rem : total - rem + lo)
      guard target < limit else {
        seek(max(limit, cur.pointee.index))
        return nil
      }
      seek(target)
    }
    let c = cur.pointee
    guard c.index < limit else { return nil }
    step()
    return c
  }

  /// The next bid as a record, skipping people and auctions.
  public func nextBid() -> Record? {
    guard let c = advance(to: .bid) else { return nil }
    return bidRecord(bid(c))
  }

  /// The next bid without building a record (no allocation).
  @inline(__always) public func nextBidFields() -> NexmarkBid? {
    guard let c = advance(to: .bid) else { return nil }
    return bid(c)
  }

  /// The next person, skipping other events.
  public func nextPerson() -> Record? { advance(to: .person).map { person($0.index) } }

  /// The next auction, skipping other events.
  public func nextAuction() -> Record? { advance(to: .auction).map { auction($0.index) } }

  public func channelName(_ channel: Int) -> String { pools.channelNames[channel] }
  public func url(_ channel: Int) -> String { pools.channelURLs[channel] }
  public func bidExtra(_ extra: Int) -> String { pools.bidExtras[extra] }

  /// The next bid as a record with only `columns` built (the others null),
  /// skipping people and auctions. `draws` is `columns.draws`.
  @inline(__always) public func nextBid(columns: NexmarkBidColumns, draws: Int) -> Record? {
    guard let c = advance(to: .bid) else { return nil }
    let b = bid(c, draws: draws)
    let p = pools
    return Record(shape: bidShape, values: [
      columns.auction ? .int(b.auction) : .null, columns.bidder ? .int(b.bidder) : .null,
      columns.price ? .int(b.price) : .null, columns.channel ? p.channelValues[b.channel] : .null,
      columns.url ? p.urlValues[b.channel] : .null, columns.dateTime ? .time(b.dateTime) : .null,
      columns.extra ? p.bidExtraValues[b.extra] : .null,
    ])
  }

  /// A bid's record.
  @inline(__always) public func bidRecord(_ b: NexmarkBid) -> Record {
    let p = pools
    return Record(shape: bidShape, values: [
      .int(b.auction), .int(b.bidder), .int(b.price), p.channelValues[b.channel],
      p.urlValues[b.channel], .time(b.dateTime), p.bidExtraValues[b.extra],
    ])
  }

  // MARK: Id arithmetic (base 0, as in the reference)

  /// The id of the most recent person at event `id` (the new one for a person event).
  @inline(__always) func lastPerson(_ id: Int64) -> Int64 {
    let epoch = id / total
    var offset = id % total
    if offset >= personP { offset = personP - 1 }
    return epoch * personP + offset
  }

  /// The id of the most recent auction at event `id` (the new one for an auction).
  @inline(__always) func lastAuction(_ id: Int64) -> Int64 {
    var epoch = id / total
    var offset = id % total
    if offset < personP {
      epoch -= 1
      offset = auctionP - 1
    } else if offset >= personP + auctionP {
      offset = auctionP - 1
    } else {
      offset -= personP
    }
    return epoch * auctionP + offset
  }

  /// A random recent person (base 0) given the last person id: one of the last
  /// `numActivePeople`, or up to 10 not created yet.
  @inline(__always) private func randomPerson(last: Int64, _ rng: inout SplitMix64) -> Int64 {
    let numPeople = last + 1
    let active = min(numPeople, Int64(config.numActivePeople))
    return numPeople - active + rng.below(active + 10)
  }

  /// A random in-flight auction (base 0) given the last auction id, or up to 10 not
  /// created yet.
  @inline(__always) private func randomAuction(last: Int64, _ rng: inout SplitMix64) -> Int64 {
    let minA = max(last - Int64(config.numInFlightAuctions), 0)
    return minA + rng.below(last - minA + 1 + 10)
  }

  /// round(10^(6u) * 100) cents for uniform u: prices from 1.00 to 1 000 000.00,
  /// log-uniform. The top 12 bits of u pick a tabulated power of ten, the next 40
  /// refine it by a cubic for e^y (|y| < 0.0034, error < 1e-11): no libm call, and
  /// pure IEEE arithmetic, so every platform gets the same prices.
  @inline(__always) private func price(_ rng: inout SplitMix64) -> Int64 {
    let r = rng.next()
    let y = Double(r & 0xFF_FFFF_FFFF) * 0x1p-40 * 0x1.ba18a998fffa0p-9
    let e = 1 + y * (1 + y * (0.5 + y * (1.0 / 6)))
    return Int64(pools.pricePowers[Int(r >> 52)] * e * 100 + 0.5)
  }

  // MARK: Generation

  /// The bid at cursor `c` (which must be a bid event). With `draws` below
  /// 5 (see `NexmarkBidColumns.draws`) it stops early: the fields after that
  /// are 0, the ones before exactly those of the whole bid.
  @inline(__always) func bid(_ c: Cursor, draws: Int = 5) -> NexmarkBid {
    var out = NexmarkBid(auction: 0, bidder: 0, price: 0, channel: 0, dateTime: c.ts, extra: 0)
    if draws == 0 { return out }
    var rng = SplitMix64.forRow(seed: config.seed, index: c.index)
    // At a bid, the latest auction and person are the last of this epoch's.
    let lastA = c.epoch &* auctionP &+ auctionP &- 1
    let lastP = c.epoch &* personP &+ personP &- 1
    var auction: Int64
    if rng.below(Int64(config.hotAuctionRatio)) > 0 {
      auction = lastA / 100 * 100
    } else {
      auction = randomAuction(last: lastA, &rng)
    }
    auction += 1000
    out.auction = auction
    if draws == 1 { return out }
    var bidder: Int64
    if rng.below(Int64(config.hotBiddersRatio)) > 0 {
      bidder = lastP / 100 * 100 + 1
    } else {
      bidder = randomPerson(last: lastP, &rng)
    }
    bidder += 1000
    out.bidder = bidder
    if draws == 2 { return out }
    out.price = price(&rng)
    if draws == 3 { return out }
    let channel: Int
    if rng.below(Int64(config.hotChannelsRatio)) > 0 {
      channel = Int(rng.below(Int64(NexmarkPools.hotChannels)))
    } else {
      channel = NexmarkPools.hotChannels + Int(rng.below(Int64(NexmarkPools.channels)))
    }
    out.channel = channel
    if draws == 4 { return out }
    out.extra = Int(rng.below(Int64(NexmarkPools.extraPoolSize)))
    return out
  }

  func person(_ id: Int64) -> Record {
    var rng = SplitMix64.forRow(seed: config.seed, index: id)
    let pid = lastPerson(id) + 1000
    let name = pools.names[Int(rng.below(Int64(pools.names.count)))]
    var email: [UInt8] = []
    email.reserveCapacity(16)
    for _ in 0..<7 { email.append(97 + UInt8(rng.below(26))) }
    email.append(64)
    for _ in 0..<5 { email.append(97 + UInt8(rng.below(26))) }
    email.append(contentsOf: [46, 99, 111, 109])
    var card: [UInt8] = []
    card.reserveCapacity(19)
    for g in 0..<4 {
      if g > 0 { card.append(32) }
      var v = rng.below(10000)
      var digits: [UInt8] = [48, 48, 48, 48]
      for k in (0..<4).reversed() { digits[k] = 48 + UInt8(v % 10); v /= 10 }
      card.append(contentsOf: digits)
    }
    let city = pools.cities[Int(rng.below(Int64(pools.cities.count)))]
    let state = pools.states[Int(rng.below(Int64(pools.states.count)))]
    let extra = pools.personExtras[Int(rng.below(Int64(NexmarkPools.extraPoolSize)))]
    return Record(shape: personShape, values: [
      .int(pid), name, .string(String(decoding: email, as: UTF8.self)),
      .string(String(decoding: card, as: UTF8.self)), city, state, .time(timestamp(ofEvent: id)), extra,
    ])
  }

  func auction(_ id: Int64) -> Record {
    var rng = SplitMix64.forRow(seed: config.seed, index: id)
    let aid = lastAuction(id) + 1000
    var seller: Int64
    if rng.below(Int64(config.hotSellersRatio)) > 0 {
      seller = lastPerson(id) / 100 * 100
    } else {
      seller = randomPerson(last: lastPerson(id), &rng)
    }
    seller += 1000
    let category = 10 + rng.below(5)
    let initialBid = price(&rng)
    let reserve = initialBid + price(&rng)
    let ts = timestamp(ofEvent: id)
    // Average auction length: the time until numInFlightAuctions more auctions exist.
    let eventsAhead = Int64(config.numInFlightAuctions) * total / max(auctionP, 1)
    let horizon = timestamp(ofEvent: id + eventsAhead) - ts
    let expires = ts + 1 + rng.below(max(horizon * 2, 1))
    let itemName = NexmarkPools.randomText(&rng, maxLength: 20)
    let description = NexmarkPools.randomText(&rng, maxLength: 100)
    let extra = pools.auctionExtras[Int(rng.below(Int64(NexmarkPools.extraPoolSize)))]
    return Record(shape: auctionShape, values: [
      .int(aid), .string(itemName), .string(description), .int(initialBid), .int(reserve), .time(ts),
      .time(expires), .int(seller), .int(category), extra,
    ])
  }
}

/// Precomputed strings for the generator, so events reuse them instead of
/// allocating. Built deterministically from the config's seed.
final class NexmarkPools: @unchecked Sendable {
  static let hotChannels = 4
  static let channels = 10_000
  static let extraPoolSize = 256

  let names: [Value]
  let cities: [Value]
  let states: [Value]
  let channelNames: [String]
  let channelURLs: [String]
  let channelValues: [Value]
  let urlValues: [Value]
  let bidExtras: [String]
  let bidExtraValues: [Value]
  let personExtras: [Value]
  let auctionExtras: [Value]
  /// 10^(6k/4096) for k in 0..<4096, built by IEEE multiplication from two
  /// correctly rounded constants (10^(6/64) and 10^(6/4096)).
  let pricePowers: [Double]

  /// Pools depend only on the seed and the average sizes, and never change,
  /// so generators share them: building one takes as long as generating
  /// about 100,000 bids, and a parallel job opens a generator per subtask.
  static func shared(config: NexmarkConfig) -> NexmarkPools {
    let key = [config.seed, UInt64(bitPattern: Int64(config.avgBidByteSize)),
               UInt64(bitPattern: Int64(config.avgPersonByteSize)), UInt64(bitPattern: Int64(config.avgAuctionByteSize))]
    cacheLock.lock()
    defer { cacheLock.unlock() }
    if let p = cache[key] { return p }
    let p = NexmarkPools(config: config)
    if cache.count >= 8 { cache.removeAll() }
    cache[key] = p
    return p
  }

  nonisolated(unsafe) private static var cache: [[UInt64]: NexmarkPools] = [:]
  private static let cacheLock = NSLock()

  init(config: NexmarkConfig) {
    let coarse = 0x1.3dae18daccd3ep+0
    let fine = 0x1.00dd6bdf6fc8fp+0
    var coarsePow = [Double](repeating: 1, count: 64)
    var finePow = [Double](repeating: 1, count: 64)
    for i in 1..<64 {
      coarsePow[i] = coarsePow[i - 1] * coarse
      finePow[i] = finePow[i - 1] * fine
    }
    pricePowers = (0..<4096).map { coarsePow[$0 >> 6] * finePow[$0 & 63] }
    let first = ["Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"]
    let last = ["Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"]
    names = first.flatMap { f in last.map { Value.string("\(f) \($0)") } }
    cities = ["Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"]
      .map { .string($0) }
    states = ["AZ", "CA", "ID", "OR", "WA", "WY"].map { .string($0) }

    var rng = SplitMix64(seed: SplitMix64.mix(config.seed ^ 0x4E45_584D_4152_4B00))
    func segment() -> String {
      String(decoding: (0..<5).map { _ in 97 + UInt8(rng.below(26)) }, as: UTF8.self)
    }
    func baseURL() -> String { "https://www.nexmark.com/\(segment())/\(segment())/\(segment())/item.htm?query=1" }
    var cn = ["Google", "Facebook", "Baidu", "Apple"]
    var cu = (0..<Self.hotChannels).map { _ in baseURL() }
    for k in 0..<Self.channels {
      cn.append("channel-\(k)")
      cu.append("\(baseURL())&channel_id=\(SplitMix64.mix(UInt64(k)) >> 33)")
    }
    channelNames = cn
    channelURLs = cu
    channelValues = cn.map { .string($0) }
    urlValues = cu.map { .string($0) }

    // `extra` pads an event to its average size (reference: nextExtra), +/-20%.
    func extras(fixedSize: Int, average: Int) -> [String] {
      let want = max(average - fixedSize, 0)
      let delta = Int((Double(want) * 0.2).rounded())
      return (0..<Self.extraPoolSize).map { _ in
        let len = want - delta + (delta == 0 ? 0 : Int(rng.below(Int64(2 * delta))))
        return String(decoding: (0..<len).map { _ in 97 + UInt8(rng.below(26)) }, as: UTF8.self)
      }
    }
    bidExtras = extras(fixedSize: 32, average: config.avgBidByteSize)
    bidExtraValues = bidExtras.map { .string($0) }
    // Typical fixed parts: person 8 + ~11 name + ~17 email + 19 card + ~8 city + 2
    // state; auction 8 + ~10 name + ~50 description + 5 * 8.
    personExtras = extras(fixedSize: 65, average: config.avgPersonByteSize).map { .string($0) }
    auctionExtras = extras(fixedSize: 108, average: config.avgAuctionByteSize).map { .string($0) }
  }

  /// Reference `nextString`: 3..<maxLength characters, each a space with
  /// probability 1/13 else a lowercase letter, trimmed.
  static func randomText(_ rng: inout SplitMix64, maxLength: Int) -> String {
    let len = 3 + Int(rng.below(Int64(maxLength - 3)))
    var bytes = [UInt8](repeating: 32, count: len)
    for k in 0..<len where rng.below(13) != 0 { bytes[k] = 97 + UInt8(rng.below(26)) }
    var s = 0
    var e = len
    while s < e && bytes[s] == 32 { s += 1 }
    while e > s && bytes[e - 1] == 32 { e -= 1 }
    return String(decoding: bytes[s..<e], as: UTF8.self)
  }
}

/// Nexmark events of one kind (or all kinds) as a `RowSource`. With a kind, the
/// other events are skipped but still count toward `config.events`; `position` is
/// the event index either way.
public final class NexmarkSource: RowSource {
  public let generator: NexmarkGenerator
  public let kind: NexmarkEventKind?

  public init(config: NexmarkConfig, kind: NexmarkEventKind?, startAt: Int64 = 0) {
    generator = NexmarkGenerator(config: config, startAt: startAt)
    self.kind = kind
  }

  public var position: Int64 { generator.position }

  public func next() throws -> Record? {
    switch kind {
    case .bid: return generator.nextBid()
    case .person: return generator.nextPerson()
    case .auction: return generator.nextAuction()
    case nil: return generator.nextEvent()?.record
    }
  }

  public func nextBatch(max: Int, into: inout [Record]) throws -> Bool {
    var got = 0
    if kind == .bid {
      while got < max, let b = generator.nextBidFields() {
        into.append(generator.bidRecord(b))
        got += 1
      }
      return got > 0
    }
    while got < max, let r = try next() {
      into.append(r)
      got += 1
    }
    return got > 0
  }
}
