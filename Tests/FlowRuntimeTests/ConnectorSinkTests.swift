import Foundation
import XCTest
import FlowRuntime
@testable import FlowConnectors

final class ConnectorSinkTests: XCTestCase {
  let dir = ConnectorTempDir()

  let schema = Schema([
    ("id", .int), ("name", .optional(.string)), ("score", .float), ("ok", .bool), ("at", .time),
    ("wait", .duration),
  ])

  func sampleRows() -> [Record] {
    let names: [Value] = [
      .string("plain"), .string("with, comma"), .string("say \"hi\""), .string("two\nlines"), .string(""), .null,
      .string("ünïcødé 😀"), .string("cr\r\nlf"),
    ]
    return names.enumerated().map { i, name in
      Record(shape: schema.shape, values: [
        .int(Int64(i) - 3), name, .float(Double(i) * 0.1 + 1e-9), .bool(i % 2 == 0),
        .time(1_704_067_200_000 + Int64(i) * 1001 - 5000), .duration(Int64(i) * 1500),
      ])
    }
  }

  func testCSVRoundTrip() throws {
    let p = dir.path("out.csv")
    let sink = try CSVSink(path: p)
    let rows = sampleRows()
    for r in rows { try sink.write(r) }
    try sink.close()
    XCTAssertTrue(dir.read("out.csv").hasPrefix("id,name,score,ok,at,wait\n-3,plain,1e-09,true,2023-12-31T23:59:55.000Z,0\n"))
    let back = try connReadAll(try CSVReader(path: p, schema: schema))
    XCTAssertEqual(back, rows)
  }

  func testJSONLinesRoundTrip() throws {
    let p = dir.path("out.jsonl")
    let sink = try JSONLinesSink(path: p)
    let rows = sampleRows()
    for r in rows { try sink.write(r) }
    try sink.close()
    let first = dir.read("out.jsonl").split(separator: "\n").first.map(String.init)
    XCTAssertEqual(first, "{\"id\":-3,\"name\":\"plain\",\"score\":1e-09,\"ok\":true,\"at\":\"2023-12-31T23:59:55.000Z\",\"wait\":0}")
    let back = try connReadAll(try JSONLinesReader(path: p, schema: schema))
    XCTAssertEqual(back, rows)
  }

  func testJSONEscapingAndNesting() {
    var out: [UInt8] = []
    let shape = Shape(["a", "b"])
    appendJSON(.record(Record(shape: shape, values: [
      .list([.int(1), .float(.infinity), .string("q\"\\\u{1}")]),
      .variant(tag: "Circle", payload: [.float(1.0)]),
    ])), to: &out)
    XCTAssertEqual(String(decoding: out, as: UTF8.self),
                   "{\"a\":[1,null,\"q\\\"\\\\\\u0001\"],\"b\":{\"tag\":\"Circle\",\"values\":[1.0]}}")
  }

  func testTextSinkAndDiscard() throws {
    let p = dir.path("out.txt")
    let sink = try TextSink(path: p)
    try sink.write(Record(shape: Shape(["auction", "price"]), values: [.int(1), .float(9.5)]))
    try sink.writeValue(.string("bare"))
    try sink.writeValue(.list([.string("q")]))
    try sink.close()
    XCTAssertEqual(dir.read("out.txt"), "{auction: 1, price: 9.5}\nbare\n[\"q\"]\n")
    let d = DiscardSink()
    for r in sampleRows() { try d.write(r) }
    XCTAssertEqual(d.rows, 8)
  }

  func testBufferedWriterFlushesLargeOutput() throws {
    let p = dir.path("big.csv")
    let sink = try CSVSink(path: p)
    let shape = Shape(["i"])
    for i in 0..<100_000 { try sink.write(Record(shape: shape, values: [.int(Int64(i))])) }
    XCTAssertGreaterThan(sink.writer.bytesWritten, 0)
    try sink.close()
    let back = try connReadAll(try CSVReader(path: p, schema: Schema([("i", .int)])))
    XCTAssertEqual(back.count, 100_000)
    XCTAssertEqual(back.last?.values, [.int(99_999)])
  }

  func testRenderValue() {
    let rec = Record(shape: Shape(["auction", "price", "who"]), values: [.int(1), .float(9.5), .string("a\"b")])
    XCTAssertEqual(renderValue(.record(rec)), "{auction: 1, price: 9.5, who: \"a\\\"b\"}")
    XCTAssertEqual(renderValue(.string("top")), "top")
    XCTAssertEqual(render(.string("top"), quoted: true), "\"top\"")
    XCTAssertEqual(renderValue(.list([.int(1), .int(2)])), "[1, 2]")
    XCTAssertEqual(renderValue(.tuple([.int(1), .string("a")])), "(1, \"a\")")
    XCTAssertEqual(renderValue(.variant(tag: "Circle", payload: [.float(1.0)])), "Circle(1.0)")
    XCTAssertEqual(renderValue(.variant(tag: "None", payload: [])), "None")
    XCTAssertEqual(renderValue(.null), "null")
    XCTAssertEqual(renderValue(.float(0.1)), "0.1")
    XCTAssertEqual(renderValue(.int(-42)), "-42")
    XCTAssertEqual(renderValue(.int(Int64.min)), "-9223372036854775808")
    XCTAssertEqual(renderValue(.time(1_704_067_200_000)), "2024-01-01T00:00:00Z")
    XCTAssertEqual(renderValue(.time(1_704_067_200_007)), "2024-01-01T00:00:00.007Z")
    XCTAssertEqual(renderValue(.duration(10_000)), "10s")
    XCTAssertEqual(renderValue(.duration(500)), "500ms")
    XCTAssertEqual(renderValue(.duration(90_000)), "1m30s")
    XCTAssertEqual(renderValue(.duration(0)), "0ms")
    XCTAssertEqual(renderValue(.duration(-1500)), "-1500ms")
    XCTAssertEqual(renderValue(.duration(-5000)), "-5s")
    XCTAssertEqual(renderValue(.duration(Int64.min)), "-9223372036854775808ms")
    XCTAssertEqual(renderValue(.duration(93_600_000)), "1d2h")
    XCTAssertEqual(renderValue(.map([.string("b"): .int(2), .string("a"): .int(1)])), "{\"a\": 1, \"b\": 2}")
    XCTAssertEqual(renderValue(.vector([1, 2.5])), "vec[1.0, 2.5]")
    XCTAssertEqual(renderValue(.bool(true)), "true")
  }
}
