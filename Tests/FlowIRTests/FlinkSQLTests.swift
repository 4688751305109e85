import Foundation
import XCTest
import FlowDriver

/// `flow compile --target flink-sql`: golden SQL per translatable operator
/// (`Golden/flink.<name>.txt`, `FLOW_RECORD=1` re-records), and one test
/// per refusal asserting the message and the script position.
final class FlinkSQLTests: XCTestCase {
  static let header = """
    type Bid = { auction: Int, bidder: Int, price: Int, channel: String, dateTime: Time }
    type Click = { user: String, page: String?, ms: Int, ok: Bool, at: Time }

    """

  func sql(_ body: String) -> String {
    switch FlinkDriver().compile(path: "test.flow", text: Self.header + body) {
    case .success(let job): return job.script()
    case .failure(let f): return "FAILED: " + f.message
    }
  }

  func golden(_ name: String, _ body: String, file: StaticString = #filePath, line: UInt = #line) {
    PlanSnapshot.assert(sql(body), named: "flink." + name, file: file, line: line)
  }

  /// The refusal message (`test.flow:LINE:COL: error: cannot compile 'OP'
  /// to Flink SQL: ...`) of a script that does not translate.
  func refusal(_ body: String) -> String {
    switch FlinkDriver().compile(path: "test.flow", text: Self.header + body) {
    case .success(let job): return "COMPILED:\n" + job.script()
    case .failure(let f):
      XCTAssertEqual(f.outcome, .compileErrors)
      return f.message
    }
  }

  // Line numbers in refusals count the two header lines.

  func testCsvSourceMapFilterStdout() {
    golden("csv-map-filter", """
      readCsv("bids.csv", schema: Bid)
        |> filter(b => b.price > 100 && b.channel != "web")
        |> map(b => { auction: b.auction, euros: 0.908 * b.price, big: if b.price > 1000 then "big" else "small" })
        |> writeStdout()
      """)
  }

  func testJsonlSourceWithOptionalsAndScalarMap() {
    golden("jsonl-scalar", """
      readJsonl("clicks.jsonl", schema: Click)
        |> map(c => c.page ?? "none")
        |> writeJsonl("out.jsonl")
      """)
  }

  func testWithTimestampsAfterFiltersBecomesTheWatermark() {
    golden("watermark", """
      let minPrice = 10
      readCsv("bids.csv", schema: Bid, delimiter: ";")
        |> filter(b => b.price >= minPrice)
        |> withTimestamps(b => b.dateTime, watermark: boundedDelay(4s))
        |> map(b => { auction: b.auction, at: b.dateTime })
        |> writeCsv("out.csv")
      """)
  }

  func testKeyedAggregateIsGroupBy() {
    golden("keyed-aggregate", """
      readCsv("bids.csv", schema: Bid)
        |> keyBy(b => b.channel)
        |> aggregate({ n: count(), total: sum(b => b.price), lo: min(b => b.price), hi: max(b => b.price),
          mean: avg(b => b.price), bidders: countDistinct(b => b.bidder) })
        |> writeStdout()
      """)
  }

  func testTumblingWindow() {
    golden("tumbling", """
      readCsv("bids.csv", schema: Bid)
        |> withTimestamps(b => b.dateTime, watermark: boundedDelay(1s))
        |> keyBy(b => b.auction)
        |> window(tumbling(10s, offset: 2s))
        |> count()
        |> map(w => { auction: w.key, start: w.start, n: w.count })
        |> discard()
      """)
  }

  func testSlidingWindow() {
    golden("sliding", """
      readCsv("bids.csv", schema: Bid)
        |> withTimestamps(b => b.dateTime, watermark: monotonic())
        |> keyBy(b => b.auction)
        |> window(sliding(size: 10s, every: 500ms))
        |> sum(b => b.price)
        |> writeStdout()
      """)
  }

  func testSessionWindow() {
    golden("session", """
      readCsv("bids.csv", schema: Bid)
        |> withTimestamps(b => b.dateTime, watermark: boundedDelay(1s))
        |> keyBy(b => b.bidder)
        |> window(session(gap: 10s))
        |> aggregate({ n: count(), best: max(b => b.price) })
        |> writeStdout()
      """)
  }

  func testUnionAndTwoSinksAreOneStatementSet() {
    golden("union", """
      let a = readCsv("a.csv", schema: Bid) |> map(b => { id: b.auction, price: b.price })
      let b = readCsv("b.csv", schema: Bid) |> map(b => { price: b.price * 2, id: b.bidder })
      let both = union(a, b)
      both |> writeCsv("all.csv")
      both |> filter(r => r.price > 10) |> discard()
      """)
  }

  func testExpressionsInlineUserFunctionsAndBuiltins() {
    golden("expressions", """
      fn label(s: String, n: Int) -> String = {
        let up = upper(s)
        if n % 2 == 0 then "\\(up)-even" else up + "-odd"
      }
      readCsv("clicks.csv", schema: Click)
        |> filter(c => !c.ok || startsWith(c.user, "a") || contains(c.user, "x's"))
        |> map(c => { user: lower(c.user), short: substring(c.user, 1, 3), n: length(c.user), tag: label(c.user, c.ms),
          neg: -c.ms / 3, at: c.at, late: c.at > @2024-01-01T00:00:00.5Z })
        |> writeStdout()
      """)
  }

  func testIntervalJoin() {
    golden("interval-join", """
      let bids = readCsv("bids.csv", schema: Bid) |> withTimestamps(b => b.dateTime, watermark: boundedDelay(1s))
      let clicks = readJsonl("clicks.jsonl", schema: Click) |> withTimestamps(c => c.at, watermark: boundedDelay(1s))
      intervalJoin(bids |> keyBy(b => b.channel), clicks |> keyBy(c => c.user), lower: -2s, upper: 500ms)
        |> map(j => { who: j.key, price: j.left.price, page: j.right.page })
        |> writeStdout()
      """)
  }

  func testWindowJoin() {
    golden("window-join", """
      let bids = readCsv("bids.csv", schema: Bid) |> withTimestamps(b => b.dateTime, watermark: boundedDelay(1s))
      windowJoin(bids |> keyBy(b => b.auction), bids |> filter(b => b.price > 100) |> keyBy(b => b.auction), window: sliding(size: 10s, every: 5s))
        |> writeStdout()
      """)
  }

  func testSplitIndex() {
    golden("split-index", """
      readCsv("clicks.csv", schema: Click)
        |> map(c => {
          let parts = split(c.user, "/")
          { first: parts[0], second: parts[1], direct: split(c.user, ".")[2] }
        })
        |> writeStdout()
      """)
  }

  func testFlatMapOfListLiteralsUnderIfAndMatch() {
    golden("flatmap", """
      readCsv("clicks.csv", schema: Click)
        |> flatMap(c => match c.page {
          null => [],
          p => if c.ok then [{ user: c.user, page: p }, { user: "all", page: p }] else [{ user: c.user, page: "error" }],
        })
        |> writeStdout()
      """)
  }

  func testMatchIsCase() {
    golden("match", """
      readCsv("bids.csv", schema: Bid)
        |> map(b => { size: match b.price { 0 => "zero", p if p > 1000 => "big", _ => "some" }, ch: match b.channel { "web" => 1, other => length(other) } })
        |> writeStdout()
      """)
  }

  func testTupleKey() {
    golden("tuple-key", """
      readCsv("bids.csv", schema: Bid)
        |> keyBy(b => (b.auction, lower(b.channel)))
        |> aggregate({ n: count() })
        |> map(r => { auction: r.key.0, channel: r.key.1, n: r.n })
        |> writeStdout()
      """)
  }

  func testNexmarkBidsIsTheNexmarkConnector() {
    golden("nexmark", """
      nexmarkBids(events: 1000, rate: 500)
        |> withTimestamps(b => b.dateTime, watermark: boundedDelay(1s))
        |> keyBy(b => b.auction)
        |> window(tumbling(10s))
        |> count()
        |> writeStdout()
      """)
  }

  func testPatternIsMatchRecognize() {
    golden("pattern", """
      readCsv("clicks.csv", schema: Click)
        |> withTimestamps(c => c.at, watermark: boundedDelay(5s))
        |> keyBy(c => c.user)
        |> pattern(begin("slow", c => c.ms > 1000) |> times(2) |> consecutive() |> next("fail", c => !c.ok) |> optional() |> next("end", c => c.ok) |> within(1m),
          skip: toNext)
        |> map(m => { user: m.slow[0]?.user ?? "?", slow: length(m.slow), lastSlow: reverse(m.slow)[0]?.ms, end: m.end[0]?.at })
        |> writeStdout()
      """)
  }

  // MARK: - Refusals

  func testRefusesFollowedByAnyInAPattern() {
    XCTAssertEqual(refusal("""
      readCsv("clicks.csv", schema: Click)
        |> withTimestamps(c => c.at, watermark: boundedDelay(5s))
        |> keyBy(c => c.user)
        |> pattern(begin("a", c => c.ok) |> followedByAny("b", c => !c.ok), skip: pastLastEvent)
        |> map(m => length(m.a))
        |> writeStdout()
      """), "test.flow:6:6: error: cannot compile 'pattern' to Flink SQL: part 'b' follows with followedByAny, whose branching over every later match has no MATCH_RECOGNIZE form")
  }

  func testFollowedByWithAConditionOnTheMatchSoFar() {
    golden("pattern-followedby", """
      readCsv("clicks.csv", schema: Click)
        |> withTimestamps(c => c.at, watermark: boundedDelay(5s))
        |> keyBy(c => c.user)
        |> pattern(begin("a", c => !c.ok) |> followedBy("b", (c, m) => c.ms > 2 * (m.a[0]?.ms ?? 0) && length(m.a) == 1) |> within(150s),
          skip: pastLastEvent)
        |> map(m => { user: m.a[0]?.user ?? "?", from: m.a[0]?.ms, to: m.b[0]?.ms })
        |> writeStdout()
      """)
  }

  func testRefusesAMatchWrittenWhole() {
    XCTAssertEqual(refusal("""
      readCsv("clicks.csv", schema: Click)
        |> withTimestamps(c => c.at, watermark: boundedDelay(5s))
        |> keyBy(c => c.user)
        |> pattern(begin("a", c => c.ok) |> next("b", c => !c.ok), skip: pastLastEvent)
        |> writeStdout()
      """), "test.flow:7:6: error: cannot compile 'writeStdout()' to Flink SQL: a pattern's matches (lists of events) have no column form; map each match to a record first (m.part[0]?.field, length(m.part))")
  }

  func testRefusesNoSkip() {
    XCTAssertEqual(refusal("""
      readCsv("clicks.csv", schema: Click)
        |> withTimestamps(c => c.at, watermark: boundedDelay(5s))
        |> keyBy(c => c.user)
        |> pattern(begin("a", c => c.ok) |> next("b", c => !c.ok))
        |> map(m => length(m.a))
        |> writeStdout()
      """), "test.flow:6:6: error: cannot compile 'pattern' to Flink SQL: noSkip (every match, overlapping) has no MATCH_RECOGNIZE form; use skip: pastLastEvent or toNext")
  }

  func testRefusesCoGroup() {
    XCTAssertEqual(refusal("""
      let bids = readCsv("bids.csv", schema: Bid) |> withTimestamps(b => b.dateTime, watermark: boundedDelay(1s))
      coGroup(bids |> keyBy(b => b.auction), bids |> keyBy(b => b.auction), window: tumbling(10s))
        |> map(g => length(g.left))
        |> writeStdout()
      """), "test.flow:4:1: error: cannot compile 'coGroup' to Flink SQL: coGroup hands over lists of events, which have no SQL column counterpart")
  }

  func testRefusesAJoinWithoutEventTime() {
    XCTAssertEqual(refusal("""
      let bids = readCsv("bids.csv", schema: Bid)
      intervalJoin(bids |> keyBy(b => b.auction), bids |> keyBy(b => b.auction), lower: 0s, upper: 1s)
        |> writeStdout()
      """), "test.flow:4:1: error: cannot compile 'intervalJoin' to Flink SQL: joins need event time on both sides: add withTimestamps right after each source")
  }

  func testLookupIsATemporalJoin() {
    golden("lookup", """
      let bids = readCsv("bids.csv", schema: Bid) |> withTimestamps(b => b.dateTime, watermark: boundedDelay(1s))
      bids |> keyBy(b => b.auction) |> lookup(latest(bids |> filter(b => b.channel == "web") |> keyBy(b => b.auction)))
        |> map(j => { auction: j.key, price: j.left.price, lastWeb: j.right?.price ?? 0 })
        |> writeStdout()
      """)
  }

  func testRefusesLatestWithoutEventTime() {
    XCTAssertEqual(refusal("""
      let bids = readCsv("bids.csv", schema: Bid)
      bids |> keyBy(b => b.auction) |> lookup(latest(bids |> keyBy(b => b.auction))) |> map(j => j.left.price) |> writeStdout()
      """), "test.flow:4:41: error: cannot compile 'latest' to Flink SQL: latest needs a keyed stream with event time (withTimestamps right after its source)")
  }

  func testRefusesProcess() {
    XCTAssertEqual(refusal("""
      readCsv("bids.csv", schema: Bid)
        |> keyBy(b => b.auction)
        |> process(init: 0, onEvent: (s, b, ctx) => { state: s + 1, emit: [s], timers: [] })
        |> writeStdout()
      """), "test.flow:5:6: error: cannot compile 'process' to Flink SQL: process keeps arbitrary state and timers per key, which Flink SQL cannot express")
  }

  func testRefusesFlatMapOfAComputedList() {
    XCTAssertEqual(refusal("""
      readCsv("bids.csv", schema: Bid)
        |> flatMap(b => split(b.channel, ","))
        |> writeStdout()
      """), "test.flow:4:19: error: cannot compile 'flatMap' to Flink SQL: flatMap translates when its function returns list literals ([a, b] or []), possibly chosen by if or match")
  }

  func testRefusesIteration() {
    let msg = refusal("""
      sequence(1, 3)
        |> iterate(times: 2, step: s => s |> map(x => x * 2))
        |> writeStdout()
      """)
    XCTAssertTrue(msg.hasPrefix("test.flow:3:1: error: cannot compile 'source' to Flink SQL: the source sequence(1, 3) has no Flink connector") ||
                  msg.contains("iterations loop over data"), msg)
  }

  func testRefusesIterateOverAFileSource() {
    let msg = refusal("""
      readCsv("bids.csv", schema: Bid)
        |> map(b => b.price)
        |> iterate(times: 2, step: s => s |> map(x => x * 2))
        |> writeStdout()
      """)
    XCTAssertEqual(msg, "test.flow:5:6: error: cannot compile 'iterate' to Flink SQL: iterations loop over data, which Flink SQL cannot express")
  }

  func testRefusesConnect() {
    XCTAssertTrue(refusal("""
      let a = readCsv("a.csv", schema: Bid) |> keyBy(b => b.auction)
      let b = readCsv("b.csv", schema: Bid) |> keyBy(b => b.auction)
      connect(a, b, init: 0,
        onLeft: (s, x, ctx) => { state: s, emit: [x.price], timers: [] },
        onRight: (s, x, ctx) => { state: s, emit: [], timers: [] })
        |> writeStdout()
      """).hasPrefix("test.flow:5:1: error: cannot compile 'connect' to Flink SQL: connect runs user functions over shared per-key state"))
  }

  func testRefusesLateEvents() {
    XCTAssertEqual(refusal("""
      readCsv("bids.csv", schema: Bid)
        |> withTimestamps(b => b.dateTime, watermark: boundedDelay(1s))
        |> keyBy(b => b.auction)
        |> window(tumbling(10s))
        |> lateEvents()
        |> writeStdout()
      """), "test.flow:7:6: error: cannot compile 'lateEvents' to Flink SQL: Flink SQL drops late events; there is no side output of them")
  }

  func testRefusesUnsupportedAggregate() {
    XCTAssertEqual(refusal("""
      readCsv("bids.csv", schema: Bid)
        |> keyBy(b => b.auction)
        |> aggregate({ all: collect(b => b.price) })
        |> discard()
      """), "test.flow:5:6: error: cannot compile 'aggregate' to Flink SQL: the aggregate 'collect' has no Flink SQL counterpart (count, sum, min, max, avg and countDistinct do)")
  }

  func testRefusesUnsupportedBuiltinAtItsPosition() {
    XCTAssertEqual(refusal("""
      readCsv("bids.csv", schema: Bid)
        |> map(b => { n: b.price, h: hash(b.channel) })
        |> writeStdout()
      """), "test.flow:4:32: error: cannot compile 'map' to Flink SQL: the built-in 'hash' has no Flink SQL translation (see Language/flink.md for those that do)")
  }

  func testRefusesSumTypes() {
    XCTAssertEqual(refusal("""
      type Size = Small | Large(Int)
      fn size(p: Int) -> Size = if p > 100 then Large(p) else Small
      readCsv("bids.csv", schema: Bid)
        |> map(b => match size(b.price) { Small => 0, Large(p) => p })
        |> writeStdout()
      """), "test.flow:4:43: error: cannot compile 'map' to Flink SQL: values of sum types (constructors) have no SQL column counterpart (in 'size', called at test.flow:6:21)")
  }

  func testRefusesANamedFunctionAsKey() {
    XCTAssertTrue(refusal("""
      fn auctionOf(b: Bid) -> Int = b.auction
      readCsv("bids.csv", schema: Bid)
        |> keyBy(auctionOf)
        |> count()
        |> writeStdout()
      """).hasPrefix("test.flow:5:6: error: cannot compile 'keyBy' to Flink SQL: its key function is not a lambda written in the script"))
  }

  func testRefusesWithTimestampsAfterAMap() {
    XCTAssertEqual(refusal("""
      readCsv("bids.csv", schema: Bid)
        |> map(b => { p: b.price, t: b.dateTime })
        |> withTimestamps(r => r.t, watermark: boundedDelay(1s))
        |> writeStdout()
      """), "test.flow:5:6: error: cannot compile 'withTimestamps' to Flink SQL: Flink SQL sets event time on source tables only: withTimestamps must come right after the source (filters may come between)")
  }

  func testRefusesTheWholeNexmarkGenerator() {
    XCTAssertTrue(refusal("""
      nexmark(events: 10) |> filter(e => e.bid != null) |> writeStdout()
      """).hasPrefix("test.flow:3:1: error: cannot compile 'source' to Flink SQL: the source nexmark has no Flink connector counterpart"))
  }

  func testRefusesATextSource() {
    XCTAssertEqual(refusal("""
      readText("words.txt") |> writeStdout()
      """), "test.flow:3:1: error: cannot compile 'source' to Flink SQL: the source readText(\"words.txt\") has no Flink connector (see the connector table in Language/flink.md)")
  }

  func testRegularJoin() {
    golden("regular-join", """
      let a = readCsv("a.csv", schema: Bid) |> keyBy(b => b.auction)
      let b = readCsv("b.csv", schema: Bid) |> keyBy(b => b.auction)
      join(a, b) |> map(j => { auction: j.key, spread: j.left.price - j.right.price }) |> writeStdout()
      """)
  }

  func testRefusesAWholeEventInAnExpression() {
    XCTAssertEqual(refusal("""
      readCsv("bids.csv", schema: Bid)
        |> map(b => { n: b.price, same: b == b })
        |> writeStdout()
      """), "test.flow:4:35: error: cannot compile 'map' to Flink SQL: the event 'b' is used as a whole; only its fields (b.field) translate to SQL columns")
  }
}
