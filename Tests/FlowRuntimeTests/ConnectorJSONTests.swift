import Foundation
import XCTest
import FlowRuntime
@testable import FlowConnectors

final class ConnectorJSONTests: XCTestCase {
  let dir = ConnectorTempDir()

  let schema = Schema([
    ("id", .int), ("name", .string), ("score", .optional(.float)), ("tags", .optional(.list(.int))),
    ("at", .optional(.time)), ("ok", .optional(.bool)),
  ])

  func testTypedDecoding() throws {
    let p = dir.write("a.jsonl", """
      {"id": 1, "name": "a\\u00e9\\ud83d\\ude00\\n\\"q\\"", "score": 2.5, "tags": [1, 2], "at": "2024-01-01T00:00:01Z", "ok": true}
      {"name":"b","id":-7,"extra":{"deep":[1,{"x":null}]},"score":3}

        {"id": 3, "name": "c", "score": null, "tags": [], "at": 1704067200000, "ok": false}
      """)
    let r = try JSONLinesReader(path: p, schema: schema)
    let rows = try connReadAll(r)
    XCTAssertEqual(rows.count, 3)
    XCTAssertEqual(rows[0].values, [
      .int(1), .string("aé😀\n\"q\""), .float(2.5), .list([.int(1), .int(2)]), .time(1_704_067_201_000), .bool(true),
    ])
    XCTAssertEqual(rows[1].values, [.int(-7), .string("b"), .float(3), .null, .null, .null])
    XCTAssertEqual(rows[2].values, [.int(3), .string("c"), .null, .list([]), .time(1_704_067_200_000), .bool(false)])
    XCTAssertEqual(r.line, 5)
  }

  func testTruncatedJSON() {
    let p = dir.write("t.jsonl", "{\"id\": 1, \"name\": \"x\"}\n{\"id\": 2, \"name\": \"ab\n")
    let e = connExpectDataError { _ = try connReadAll(try JSONLinesReader(path: p, schema: self.schema)) }
    XCTAssertEqual(e?.description, "\(p):2:22: data error: unterminated string starting at column 19 (truncated JSON)")
    let p2 = dir.write("t2.jsonl", "{\"id\": 2, \"name\": \"ab\"")
    let e2 = connExpectDataError { _ = try connReadAll(try JSONLinesReader(path: p2, schema: self.schema)) }
    XCTAssertEqual(e2?.description, "\(p2):1:23: data error: unexpected end of input (truncated JSON)")
  }

  func testTrailingGarbageAndSyntaxErrors() {
    let p = dir.write("g.jsonl", "{\"id\":1,\"name\":\"x\"} x\n")
    let e = connExpectDataError { _ = try connReadAll(try JSONLinesReader(path: p, schema: self.schema)) }
    XCTAssertEqual(e?.description, "\(p):1:21: data error: unexpected data after JSON object")
    let p2 = dir.write("g2.jsonl", "{\"id\":1,,}\n")
    let e2 = connExpectDataError { _ = try connReadAll(try JSONLinesReader(path: p2, schema: self.schema)) }
    XCTAssertEqual(e2?.column, 9)
    let p3 = dir.write("g3.jsonl", "[1]\n")
    let e3 = connExpectDataError { _ = try connReadAll(try JSONLinesReader(path: p3, schema: self.schema)) }
    XCTAssertEqual(e3?.description, "\(p3):1:1: data error: expected a JSON object")
  }

  func testTypeMismatchAndMissingField() {
    let p = dir.write("m.jsonl", "{\"id\": \"7\", \"name\": \"x\"}\n")
    let e = connExpectDataError { _ = try connReadAll(try JSONLinesReader(path: p, schema: self.schema)) }
    XCTAssertEqual(e?.description, "\(p):1:8: data error: expected Int for field 'id', found a string")
    let p2 = dir.write("m2.jsonl", "{\"id\": 7}\n")
    let e2 = connExpectDataError { _ = try connReadAll(try JSONLinesReader(path: p2, schema: self.schema)) }
    XCTAssertEqual(e2?.description, "\(p2):1:9: data error: missing field 'name'")
    let p3 = dir.write("m3.jsonl", "{\"id\": 1.5, \"name\": \"x\"}\n")
    let e3 = connExpectDataError { _ = try connReadAll(try JSONLinesReader(path: p3, schema: self.schema)) }
    XCTAssertEqual(e3?.description, "\(p3):1:8: data error: expected an integer for field 'id'")
    let p4 = dir.write("m4.jsonl", "{\"id\": null, \"name\": \"x\"}\n")
    let e4 = connExpectDataError { _ = try connReadAll(try JSONLinesReader(path: p4, schema: self.schema)) }
    XCTAssertEqual(e4?.description, "\(p4):1:8: data error: null in non-optional field 'id'")
    let p5 = dir.write("m5.jsonl", "{\"id\": 1, \"name\": \"x\", \"tags\": [1, \"a\"]}\n")
    let e5 = connExpectDataError { _ = try connReadAll(try JSONLinesReader(path: p5, schema: self.schema)) }
    XCTAssertEqual(e5?.description, "\(p5):1:36: data error: expected Int for field 'tags', found a string")
  }

  func testInvalidUTF8InString() {
    let p = dir.write("u.jsonl", Array("{\"id\": 1, \"name\": \"a".utf8) + [0xC3, 0x28] + Array("\"}\n".utf8))
    let e = connExpectDataError { _ = try connReadAll(try JSONLinesReader(path: p, schema: self.schema)) }
    XCTAssertEqual(e?.description, "\(p):1:21: data error: invalid UTF-8 in string")
  }

  func testSkipAndDeadLetter() throws {
    let text = "{\"id\":1,\"name\":\"a\"}\n{\"id\":2\n{\"id\":3,\"name\":\"c\"}\nnope\n"
    let p = dir.write("s.jsonl", text)
    let r = try JSONLinesReader(path: p, schema: schema, policy: .skip)
    XCTAssertEqual(try connReadAll(r).map { $0["id"] }, [.int(1), .int(3)])
    XCTAssertEqual(r.skippedRows, 2)

    let dl = dir.path("dead.jsonl")
    let r2 = try JSONLinesReader(path: p, schema: schema, policy: .deadLetter(path: dl))
    XCTAssertEqual(try connReadAll(r2).count, 2)
    XCTAssertEqual(r2.skippedRows, 2)
    XCTAssertEqual(dir.read("dead.jsonl"), """
      # \(p):2:8: data error: unexpected end of input (truncated JSON)
      {"id":2
      # \(p):4:1: data error: expected a JSON object
      nope

      """)
  }

  func testProjectionSkipsOtherFields() throws {
    let p = dir.write("p.jsonl", "{\"id\": 1, \"name\": 5, \"score\": \"not a number\"}\n")
    let rows = try connReadAll(try JSONLinesReader(path: p, schema: schema, columns: ["id"]))
    XCTAssertEqual(rows.first?.values, [.int(1), .null, .null, .null, .null, .null])
  }

  func testFollowAndResume() throws {
    let s = Schema([("id", .int)])
    let p = dir.write("f.jsonl", "{\"id\":1}\n{\"id\":2}\n")
    let r = try JSONLinesReader(path: p, schema: s, follow: true)
    XCTAssertEqual(try r.poll()?.values, [.int(1)])
    let pos = r.position
    XCTAssertEqual(try r.poll()?.values, [.int(2)])
    XCTAssertNil(try r.poll())
    dir.append("f.jsonl", "{\"id\":")
    XCTAssertNil(try r.poll())
    dir.append("f.jsonl", "3}\n")
    XCTAssertEqual(try r.poll()?.values, [.int(3)])
    r.stop()
    XCTAssertNil(try r.next())

    let r2 = try JSONLinesReader(path: p, schema: s, startOffset: pos)
    XCTAssertEqual(r2.line, 2)
    XCTAssertEqual(try connReadAll(r2).map { $0.values }, [[.int(2)], [.int(3)]])
  }

  func testTreeParser() throws {
    let v = try JSONValue.parse(" {\"a\": [1, -2.5e1, true, null, \"\\ud83d\\ude00\"], \"b\": {}} ")
    XCTAssertEqual(v, .object([
      JSONMember(key: "a", value: .array([.integer(1), .number(-25), .bool(true), .null, .string("😀")])),
      JSONMember(key: "b", value: .object([])),
    ]))
    if case .record(let r) = v.toValue() {
      XCTAssertEqual(r.shape.fields, ["a", "b"])
    } else {
      XCTFail("expected a record")
    }
    let e = connExpectDataError { _ = try JSONValue.parse("{\n  \"a\": [1 2]\n}") }
    XCTAssertEqual(e?.description, "<json>:2:11: data error: expected ',' or ']'")
    let e2 = connExpectDataError { _ = try JSONValue.parse("\"\\udc00\"") }
    XCTAssertEqual(e2?.message, "unpaired surrogate in \\u escape")
    XCTAssertThrowsError(try JSONValue.parse("01"))
    XCTAssertThrowsError(try JSONValue.parse("[1,]"))
    XCTAssertThrowsError(try JSONValue.parse("\"tab\there\""))
  }
}
