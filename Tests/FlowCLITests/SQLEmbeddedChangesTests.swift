import XCTest
import FlowRuntime
import FlowConnectors
import FlowIR
import FlowSQL

/// Change kinds of embedded `sql(...)` queries (Language/sql.md, "SQL inside
/// Flow scripts"): an updating query has a last `rowKind` column; on an
/// unbounded stream its rows are the changelog, on a bounded one the final
/// rows, each "+I". The unbounded case runs in process, over a source that
/// says it is unbounded but ends, since no script source both is unbounded
/// and ends.
final class SQLEmbeddedChangesTests: XCTestCase {
  final class Rows: RowSource {
    let rows: [Record]
    var i = 0
    init(_ rows: [Record]) { self.rows = rows }
    func next() throws -> Record? {
      guard i < rows.count else { return nil }
      i += 1
      return rows[i - 1]
    }
    var position: Int64 { Int64(i) }
  }

  final class Collect: SinkWriter {
    var lines: [String] = []
    func write(_ v: Value) throws { lines.append(render(v, quoted: true)) }
    func flush() throws {}
    func close() throws {}
  }

  let columns: [(name: String, type: String)] = [("customer", "String"), ("qty", "Int")]
  let data: [(String, Int64)] = [("alice", 4), ("bob", 12), ("alice", 1), ("carol", 2), ("bob", 3)]

  func run(_ query: String, bounded: Bool) throws -> [String] {
    let shape = Shape(["customer", "qty"])
    let records = data.map { Record(shape: shape, values: [.string($0.0), .int($0.1)]) }
    var id = 0
    func next() -> Int { id += 1; return id }
    let spec = SourceSpec(bounded: bounded, description: "test rows", key: "test rows") { _, _ in
      RowSourceReader(Rows(records), unwrap: false)
    }
    let source = PlanNode(id: next(), kind: .source(spec), inputs: [], location: "test", name: "source")
    let q = EmbeddedQuery.compile(query: query, table: "t", columns: columns, input: source, location: "test:1:1", nextID: next)
    XCTAssertTrue(q.diagnostics.filter { $0.severity == .error }.isEmpty, "\(q.diagnostics.map(\.message))")
    guard let node = q.node else { return [] }
    let sink = Collect()
    let out = PlanNode(id: next(), kind: .sink(SinkSpec(description: "collect") { _ in sink }), inputs: [node], location: "test", name: "sink")
    let ex = Executor(sinks: [out])
    try ex.build()
    try ex.run()
    return sink.lines
  }

  func testGroupedQueryTypeHasRowKind() {
    let typed = EmbeddedQuery.compile(query: "SELECT customer, SUM(qty) AS total FROM t GROUP BY customer", table: "t", columns: columns, input: nil, location: "sql")
    XCTAssertEqual(typed.columns.map(\.name), ["customer", "total", "rowKind"])
    XCTAssertEqual(typed.columns.last?.type, EmbeddedQuery.rowKindType)
    // An append-only query has no change kind.
    let plain = EmbeddedQuery.compile(query: "SELECT customer FROM t WHERE qty > 2", table: "t", columns: columns, input: nil, location: "sql")
    XCTAssertEqual(plain.columns.map(\.name), ["customer"])
  }

  func testUnboundedGroupedQueryEmitsChangelog() throws {
    let got = try run("SELECT customer, SUM(qty) AS total FROM t GROUP BY customer", bounded: false)
    XCTAssertEqual(got, [
      #"{customer: "alice", total: 4, rowKind: "+I"}"#,
      #"{customer: "bob", total: 12, rowKind: "+I"}"#,
      #"{customer: "alice", total: 4, rowKind: "-U"}"#,
      #"{customer: "alice", total: 5, rowKind: "+U"}"#,
      #"{customer: "carol", total: 2, rowKind: "+I"}"#,
      #"{customer: "bob", total: 12, rowKind: "-U"}"#,
      #"{customer: "bob", total: 15, rowKind: "+U"}"#,
    ])
  }

  func testBoundedGroupedQueryGivesFinalRowsAsInserts() throws {
    let got = try run("SELECT customer, SUM(qty) AS total FROM t GROUP BY customer", bounded: true)
    XCTAssertEqual(got, [
      #"{customer: "alice", total: 5, rowKind: "+I"}"#,
      #"{customer: "bob", total: 15, rowKind: "+I"}"#,
      #"{customer: "carol", total: 2, rowKind: "+I"}"#,
    ])
  }

  /// A count of counts over the unbounded changelog: the inner retractions
  /// reach the outer aggregate.
  func testUnboundedNestedAggregateRetracts() throws {
    let got = try run("SELECT n, COUNT(*) AS customers FROM (SELECT customer, COUNT(*) AS n FROM t GROUP BY customer) GROUP BY n", bounded: false)
    XCTAssertEqual(got.last, #"{n: 2, customers: 2, rowKind: "+U"}"#)
    XCTAssertTrue(got.contains(#"{n: 1, customers: 1, rowKind: "-D"}"#) || got.contains(#"{n: 1, customers: 1, rowKind: "-U"}"#), "\(got)")
  }
}
