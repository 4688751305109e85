import Foundation
import XCTest
import FlowRuntime
@testable import FlowConnectors

final class ConnectorCSVTests: XCTestCase {
  let dir = ConnectorTempDir()

  let people = Schema([
    ("id", .int), ("name", .string), ("score", .optional(.float)), ("ok", .bool),
    ("at", .time), ("wait", .duration),
  ])

  func testHeaderInAnyOrderWithExtraColumns() throws {
    let p = dir.write("a.csv", """
      wait,name,extra,ok,id,at,score
      1500,alice,zzz,true,1,2024-01-01T00:00:00Z,9.5
      0,bob,,FALSE,-2,2024-01-01 00:00:00.123,
      7,carol ,q,false,3,1704067200000,1e3

      """)
    let r = try CSVReader(path: p, schema: people)
    let rows = try connReadAll(r)
    XCTAssertEqual(rows.count, 3)
    XCTAssertEqual(rows[0].values, [.int(1), .string("alice"), .float(9.5), .bool(true), .time(1_704_067_200_000), .duration(1500)])
    XCTAssertEqual(rows[1].values, [.int(-2), .string("bob"), .null, .bool(false), .time(1_704_067_200_123), .duration(0)])
    XCTAssertEqual(rows[2]["name"], .string("carol "))
    XCTAssertEqual(rows[2]["score"], .float(1000))
    XCTAssertTrue(rows[0].shape === people.shape)
    XCTAssertEqual(r.line, 5)
  }

  func testQuotingEscapesEmbeddedNewlinesAndCRLF() throws {
    let s = Schema([("a", .string), ("b", .int)])
    let p = dir.write("q.csv", "a,b\r\n\"x, \"\"y\"\"\",1\r\n\"multi\nline\",2\r\n\"\",3\r\nplain,4")
    let r = try CSVReader(path: p, schema: s)
    let rows = try connReadAll(r)
    XCTAssertEqual(rows.map { $0.values }, [
      [.string("x, \"y\""), .int(1)], [.string("multi\nline"), .int(2)], [.string(""), .int(3)], [.string("plain"), .int(4)],
    ])
    XCTAssertEqual(r.line, 6)
  }

  func testNoHeaderAndDelimiter() throws {
    let s = Schema([("a", .int), ("b", .string)])
    let p = dir.write("t.tsv", "1\tx\n2\ty,z\n")
    let rows = try connReadAll(try CSVReader(path: p, schema: s, header: false, delimiter: UInt8(ascii: "\t")))
    XCTAssertEqual(rows.map { $0.values }, [[.int(1), .string("x")], [.int(2), .string("y,z")]])
  }

  func testMissingHeaderColumnIsAnError() {
    let p = dir.write("m.csv", "id,name\n1,a\n")
    let e = connExpectDataError { _ = try CSVReader(path: p, schema: self.people) }
    XCTAssertEqual(e?.description, "\(p):1:1: data error: header has no column 'score'")
  }

  func testBadQuoting() {
    let s = Schema([("a", .int), ("b", .string)])
    let p1 = dir.write("b1.csv", "a,b\n1,x\n2,\"ab\"c\n")
    let e1 = connExpectDataError { _ = try connReadAll(try CSVReader(path: p1, schema: s)) }
    XCTAssertEqual(e1?.description, "\(p1):3:7: data error: unexpected character after closing quote")

    let p2 = dir.write("b2.csv", "a,b\n2,a\"b\n")
    let e2 = connExpectDataError { _ = try connReadAll(try CSVReader(path: p2, schema: s)) }
    XCTAssertEqual(e2?.description, "\(p2):2:4: data error: quote inside an unquoted field")

    let p3 = dir.write("b3.csv", "a,b\n1,ok\n2,\"abc\n3,def\n")
    let e3 = connExpectDataError { _ = try connReadAll(try CSVReader(path: p3, schema: s)) }
    XCTAssertEqual(e3?.description, "\(p3):3:3: data error: unterminated quoted field")
  }

  func testWrongColumnCount() {
    let s = Schema([("a", .int), ("b", .int)])
    let p = dir.write("c.csv", "a,b\n1,2,3\n")
    let e = connExpectDataError { _ = try connReadAll(try CSVReader(path: p, schema: s)) }
    XCTAssertEqual(e?.description, "\(p):2:5: data error: expected 2 columns, found 3")
    let p2 = dir.write("c2.csv", "a,b\n1,2\n10\n")
    let e2 = connExpectDataError { _ = try connReadAll(try CSVReader(path: p2, schema: s)) }
    XCTAssertEqual(e2?.description, "\(p2):3:3: data error: expected 2 columns, found 1")
  }

  func testNonNumericAndEmptyFields() {
    let s = Schema([("a", .int), ("b", .int)])
    let p = dir.write("n.csv", "a,b\n1,2\n3,x1\n")
    let e = connExpectDataError { _ = try connReadAll(try CSVReader(path: p, schema: s)) }
    XCTAssertEqual(e?.description, "\(p):3:3: data error: expected an integer in column 'b', found 'x1'")
    let p2 = dir.write("n2.csv", "a,b\n1,\n")
    let e2 = connExpectDataError { _ = try connReadAll(try CSVReader(path: p2, schema: s)) }
    XCTAssertEqual(e2?.description, "\(p2):2:3: data error: empty value in non-optional column 'b'")
    let p3 = dir.write("n3.csv", "a,b\n1,99999999999999999999\n")
    let e3 = connExpectDataError { _ = try connReadAll(try CSVReader(path: p3, schema: s)) }
    XCTAssertEqual(e3?.line, 2)
    XCTAssertEqual(e3?.column, 3)
  }

  func testInvalidUTF8() {
    let s = Schema([("a", .int), ("b", .string)])
    let p = dir.write("u.csv", Array("a,b\n1,ok\n2,ab".utf8) + [0xFF] + Array("c\n".utf8))
    let e = connExpectDataError { _ = try connReadAll(try CSVReader(path: p, schema: s)) }
    XCTAssertEqual(e?.description, "\(p):3:5: data error: invalid UTF-8 in column 'b'")
  }

  func testSkipPolicyCountsAndContinues() throws {
    let s = Schema([("a", .int), ("b", .int)])
    let p = dir.write("s.csv", "a,b\n1,2\nx,3\n4,5\n\"6\n7,8,9\n10,11\n")
    let r = try CSVReader(path: p, schema: s, policy: .skip)
    let rows = try connReadAll(r)
    XCTAssertEqual(rows.map { $0.values }, [[.int(1), .int(2)], [.int(4), .int(5)], [.int(10), .int(11)]])
    XCTAssertEqual(r.skippedRows, 3)
  }

  func testDeadLetterPolicyWritesRowAndError() throws {
    let s = Schema([("a", .int), ("b", .int)])
    let p = dir.write("d.csv", "a,b\n1,2\n3,x\n4,5\n\"a\nb\",1\n")
    let dl = dir.path("dead.txt")
    let r = try CSVReader(path: p, schema: s, policy: .deadLetter(path: dl))
    let rows = try connReadAll(r)
    XCTAssertEqual(rows.count, 2)
    XCTAssertEqual(r.skippedRows, 2)
    XCTAssertEqual(dir.read("dead.txt"), """
      # \(p):3:3: data error: expected an integer in column 'b', found 'x'
      3,x
      # \(p):5:1: data error: expected an integer in column 'a', found 'a
      b'
      "a
      b",1

      """)
  }

  func testFailPolicyConsumesBadRowSoReadingCanContinue() throws {
    let s = Schema([("a", .int)])
    let p = dir.write("f.csv", "a\n1\nx\n3\n")
    let r = try CSVReader(path: p, schema: s)
    XCTAssertEqual(try r.next()?.values, [.int(1)])
    XCTAssertThrowsError(try r.next())
    XCTAssertEqual(try r.next()?.values, [.int(3)])
  }

  func testProjectionConvertsOnlyUsedColumns() throws {
    let s = Schema([("a", .int), ("b", .int), ("c", .string)])
    let p = dir.write("p.csv", "a,b,c\nnot-a-number,2,x\n")
    let rows = try connReadAll(try CSVReader(path: p, schema: s, columns: ["b"]))
    XCTAssertEqual(rows.first?.values, [.null, .int(2), .null])
    // A missing but unused column is fine with a projection.
    let p2 = dir.write("p2.csv", "b\n5\n")
    XCTAssertEqual(try connReadAll(try CSVReader(path: p2, schema: s, columns: ["b"])).first?.values, [.null, .int(5), .null])
    XCTAssertThrowsError(try CSVReader(path: p, schema: s, columns: ["zz"]))
  }

  func testFollowModePollsAppendedRows() throws {
    let s = Schema([("a", .int), ("b", .string)])
    let p = dir.write("follow.csv", "a,b\n1,x\n")
    let r = try CSVReader(path: p, schema: s, follow: true)
    XCTAssertEqual(try r.poll()?.values, [.int(1), .string("x")])
    XCTAssertNil(try r.poll())
    dir.append("follow.csv", "2,\"partial")
    XCTAssertNil(try r.poll())
    dir.append("follow.csv", " row\"\n3,y\n")
    XCTAssertEqual(try r.poll()?.values, [.int(2), .string("partial row")])
    XCTAssertEqual(try r.poll()?.values, [.int(3), .string("y")])
    XCTAssertNil(try r.poll())

    // next() waits until another writer appends, and returns nil after stop().
    let done = expectation(description: "appended")
    let d = dir
    DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) {
      d.append("follow.csv", "4,z\n")
      done.fulfill()
    }
    XCTAssertEqual(try r.next()?.values, [.int(4), .string("z")])
    wait(for: [done], timeout: 5)
    r.stop()
    XCTAssertNil(try r.next())
  }

  func testFollowModeWaitsForHeader() throws {
    let s = Schema([("a", .int)])
    let p = dir.write("late.csv", "")
    let r = try CSVReader(path: p, schema: s, follow: true)
    XCTAssertNil(try r.poll())
    dir.append("late.csv", "a\n7\n")
    XCTAssertEqual(try r.poll()?.values, [.int(7)])
  }

  func testResumeFromPosition() throws {
    let s = Schema([("a", .int), ("b", .int)])
    let p = dir.write("r.csv", "a,b\n1,1\n\"2\",\"2\n\"\n3,x\n4,4\n")
    let r = try CSVReader(path: p, schema: s, policy: .skip)
    XCTAssertEqual(try r.next()?.values, [.int(1), .int(1)])
    let pos = r.position
    XCTAssertEqual(pos, 8)
    let all = try connReadAll(r)
    let r2 = try CSVReader(path: p, schema: s, startOffset: pos)
    XCTAssertEqual(r2.line, 3)
    XCTAssertThrowsError(try r2.next())  // "2\n" is not an int: "2" then newline
    let e = connExpectDataError { _ = try r2.next() }
    XCTAssertEqual(e?.line, 5)
    XCTAssertEqual(try r2.next()?.values, [.int(4), .int(4)])
    XCTAssertEqual(all.count, 1)
    // Without header.
    let p2 = dir.write("r2.csv", "1\n2\n3\n")
    let r3 = try CSVReader(path: p2, schema: Schema([("a", .int)]), header: false)
    _ = try r3.next()
    let r4 = try CSVReader(path: p2, schema: Schema([("a", .int)]), header: false, startOffset: r3.position)
    XCTAssertEqual(try connReadAll(r4).map { $0.values }, [[.int(2)], [.int(3)]])
  }

  func testBatchAPI() throws {
    let s = Schema([("a", .int)])
    let p = dir.write("batch.csv", "a\n" + (1...10).map(String.init).joined(separator: "\n") + "\n")
    let r = try CSVReader(path: p, schema: s)
    var batch: [Record] = []
    var sizes: [Int] = []
    while try r.nextBatch(max: 4, into: &batch) {
      sizes.append(batch.count)
      batch.removeAll()
    }
    XCTAssertEqual(sizes, [4, 4, 2])
  }

  func testLargeFileAcrossChunkBoundaries() throws {
    let s = Schema([("id", .int), ("name", .string), ("v", .float)])
    var text = "id,name,v\n"
    let n = 120_000
    for i in 0..<n {
      text += i % 7 == 0 ? "\(i),\"na,me \"\"\(i)\"\"\nnext\",\(Double(i) / 4)\n" : "\(i),name\(i),\(Double(i) / 4)\n"
    }
    let p = dir.write("big.csv", text)
    let r = try CSVReader(path: p, schema: s)
    let start = Date()
    var count = 0
    var sum: Int64 = 0
    var fsum = 0.0
    while let rec = try r.next() {
      if case .int(let i) = rec.values[0] {
        sum += i
        if i % 7 == 0 { XCTAssertEqual(rec.values[1], .string("na,me \"\(i)\"\nnext")) }
      }
      if case .float(let f) = rec.values[2] { fsum += f }
      count += 1
    }
    let secs = Date().timeIntervalSince(start)
    XCTAssertEqual(count, n)
    XCTAssertEqual(sum, Int64(n) * Int64(n - 1) / 2)
    XCTAssertEqual(fsum, Double(n) * Double(n - 1) / 8)
    XCTAssertEqual(r.line, 2 + n + (n + 6) / 7)
    print("CSV: \(count) rows, \(text.utf8.count) bytes in \(String(format: "%.3f", secs))s")
  }
}
