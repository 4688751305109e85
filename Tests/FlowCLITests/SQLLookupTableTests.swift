import Foundation
import XCTest
import FlowRuntime
import FlowConnectors
@testable import FlowSQL

/// The table of a SQL lookup join (SQLLookupJoins.swift): read on first
/// use, kept while 'lookup.cache.ttl' has not passed in processing time,
/// read again after it, so a rewritten file is seen.
final class SQLLookupTableTests: XCTestCase {
  func testRereadsTheFileOnlyAfterItsTTL() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-lookup-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("side.csv").path
    try "1,one\n2,two\n2,deux\n".write(toFile: path, atomically: true, encoding: .utf8)
    let schema = Schema([("k", ColumnType.int.optionalized), ("v", ColumnType.string.optionalized)])
    let table = LookupTable(path: path, ttl: 1000, location: "test") { p in try CSVReader(path: p, schema: schema, header: false) }
    func values(_ k: Int64, at t: Int64) throws -> [String] {
      try table.rows(for: .int(k), at: t, key: { $0.values[0] }).map { r in
        if case .string(let s) = r.values[1] { return s }
        return "?"
      }
    }
    XCTAssertEqual(try values(1, at: 0), ["one"])
    XCTAssertEqual(try values(2, at: 10), ["two", "deux"], "every row of a key, in file order")
    XCTAssertEqual(try values(3, at: 20), [])
    try "1,uno\n3,tres\n".write(toFile: path, atomically: true, encoding: .utf8)
    XCTAssertEqual(try values(1, at: 999), ["one"], "within the TTL the rows read first are kept")
    XCTAssertEqual(try values(1, at: 1000), ["uno"], "after the TTL the file is read again")
    XCTAssertEqual(try values(2, at: 1001), [])
    XCTAssertEqual(try values(3, at: 1002), ["tres"])
  }

  func testWithoutTTLTheFileIsReadOnce() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("flow-lookup-once-\(ProcessInfo.processInfo.processIdentifier).csv").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try "1,one\n".write(toFile: path, atomically: true, encoding: .utf8)
    let schema = Schema([("k", ColumnType.int.optionalized), ("v", ColumnType.string.optionalized)])
    let table = LookupTable(path: path, ttl: nil, location: "test") { p in try CSVReader(path: p, schema: schema, header: false) }
    XCTAssertEqual(try table.rows(for: .int(1), at: 0, key: { $0.values[0] }).count, 1)
    try "2,two\n".write(toFile: path, atomically: true, encoding: .utf8)
    XCTAssertEqual(try table.rows(for: .int(1), at: 1_000_000_000, key: { $0.values[0] }).count, 1)
  }

  func testAMissingFileIsALocatedError() {
    let schema = Schema([("k", ColumnType.int.optionalized)])
    let table = LookupTable(path: "/nonexistent/side.csv", ttl: nil, location: "q.sql:3:5") { p in try CSVReader(path: p, schema: schema, header: false) }
    XCTAssertThrowsError(try table.rows(for: .int(1), at: 0, key: { $0.values[0] })) { e in
      XCTAssertTrue("\(e)".contains("q.sql:3:5") || (e as? RuntimeError)?.location == "q.sql:3:5", "\(e)")
    }
  }
}
