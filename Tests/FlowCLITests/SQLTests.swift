import Foundation
import XCTest
import FlowSQL

/// `flow run` and `flow check` on SQL files (Language/sql.md):
/// - Examples/nexmark/sql/qN.sql give the same rows as the Flow versions
///   Examples/nexmark/qN.flow on the same CSV data;
/// - Tests/sql/cases/*.sql give the rows DuckDB computes for the same query
///   (NAME.expected, written by Tests/sql/reference.py);
/// - Tests/sql/windows/NAME.sql give the rows of the Flow script NAME.flow;
/// - Tests/sql/run/*.sql give their `-- expect:` rows, worked out by hand;
/// - Tests/sql/errors/*.sql report each `-- error:` diagnostic at its
///   line:col in the SQL text, with each `-- output:` line.
/// Rows are compared as multisets unless stated otherwise.
final class SQLTests: XCTestCase {
  static let root = FlowBinary.root

  func lines(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
  }

  func files(_ dir: String, _ ext: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent(dir).path).filter { $0.hasSuffix(ext) }.sorted()
  }

  func run(_ path: String, _ extra: [String] = []) throws -> [String] {
    let r = try FlowBinary.run(["run", path, "--no-progress"] + extra, timeout: 120)
    XCTAssertEqual(r.status, 0, "\(path) failed:\n\(r.stderr)")
    return lines(r.stdout)
  }

  func assertSameRows(_ got: [String], _ want: [String], _ what: String, ordered: Bool = false) {
    let g = ordered ? got : got.sorted(), w = ordered ? want : want.sorted()
    XCTAssertFalse(w.isEmpty, "\(what): nothing expected")
    if g != w {
      let missing = w.filter { !g.contains($0) }.prefix(3), extra = g.filter { !w.contains($0) }.prefix(3)
      XCTFail("\(what): \(g.count) rows, expected \(w.count)\(ordered ? " (in order)" : "")\nmissing: \(missing)\nunexpected: \(extra)")
    }
  }

  func testNexmarkSQLMatchesTheFlowVersions() throws {
    let queries = try files("Examples/nexmark/sql", ".sql")
    XCTAssertGreaterThanOrEqual(queries.count, 22, "q0-q5, q7-q22")
    for q in queries {
      let name = String(q.dropLast(4))
      let flowScript = "Examples/nexmark/\(name).flow"
      let source = try String(contentsOf: Self.root.appendingPathComponent(flowScript), encoding: .utf8)
      // Row order is part of the result for the element-wise queries.
      let ordered = source.hasPrefix("// ordered output")
      // Fields are compared by name: q7's sink lists them in another order.
      // q12 (processing time) names a simulated clock on an args line in both files.
      let sqlArgs = sqlScriptArguments(Self.root.appendingPathComponent("Examples/nexmark/sql/\(q)"))
      let flowArgs = scriptArguments(Self.root.appendingPathComponent(flowScript))
      XCTAssertEqual(sqlArgs, flowArgs, "\(q) and \(flowScript) must run with the same arguments")
      let sql = try run("Examples/nexmark/sql/\(q)", ["--parallelism", "1"] + sqlArgs).map(fieldsByName)
      let flow = try run(flowScript, ["--parallelism", "1"] + flowArgs).map(fieldsByName)
      assertSameRows(sql, flow, "\(q) vs \(flowScript)", ordered: ordered)
    }
  }

  /// A printed record with its fields sorted by name: `{b: 1, a: "x, y"}`
  /// becomes `{a: "x, y", b: 1}`.
  func fieldsByName(_ line: String) -> String {
    guard line.hasPrefix("{"), line.hasSuffix("}") else { return line }
    var parts: [String] = []
    var current = "", depth = 0, inString = false, escaped = false
    for ch in line.dropFirst().dropLast() {
      if inString {
        if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == "\"" { inString = false }
      } else if ch == "\"" {
        inString = true
      } else if ch == "{" || ch == "[" || ch == "(" {
        depth += 1
      } else if ch == "}" || ch == "]" || ch == ")" {
        depth -= 1
      } else if ch == ",", depth == 0 {
        parts.append(current.trimmingCharacters(in: .whitespaces))
        current = ""
        continue
      }
      current.append(ch)
    }
    parts.append(current.trimmingCharacters(in: .whitespaces))
    return "{" + parts.sorted().joined(separator: ", ") + "}"
  }

  func testFieldsByName() {
    XCTAssertEqual(fieldsByName(#"{b: 1, a: "x, y", c: {z: 1, y: 2}}"#), #"{a: "x, y", b: 1, c: {z: 1, y: 2}}"#)
  }

  func testParallelRunsGiveTheSameRows() throws {
    for q in ["q15.sql", "q17.sql", "q11.sql", "q20.sql", "q5.sql", "q4.sql", "q19.sql"] {
      let one = try run("Examples/nexmark/sql/\(q)", ["--parallelism", "1"])
      let two = try run("Examples/nexmark/sql/\(q)", ["--parallelism", "2"])
      assertSameRows(two, one, "\(q) at parallelism 2")
    }
  }

  func testCasesMatchDuckDB() throws {
    let cases = try files("Tests/sql/cases", ".sql")
    XCTAssertGreaterThanOrEqual(cases.count, 8)
    for c in cases {
      let expectedPath = Self.root.appendingPathComponent("Tests/sql/cases/\(c.dropLast(4)).expected")
      guard let expected = try? String(contentsOf: expectedPath, encoding: .utf8) else {
        XCTFail("\(c) has no .expected file; run python3 Tests/sql/reference.py")
        continue
      }
      let text = try String(contentsOf: Self.root.appendingPathComponent("Tests/sql/cases/\(c)"), encoding: .utf8)
      let ordered = text.contains("\n-- ordered")
      assertSameRows(try run("Tests/sql/cases/\(c)"), lines(expected), c, ordered: ordered)
      // The optimizer must not change the result.
      assertSameRows(try run("Tests/sql/cases/\(c)", ["--no-optimize"]), lines(expected), "\(c) --no-optimize", ordered: ordered)
    }
  }

  func testWindowQueriesMatchFlowScripts() throws {
    let cases = try files("Tests/sql/windows", ".sql")
    XCTAssertGreaterThanOrEqual(cases.count, 2)
    for c in cases {
      let flow = "Tests/sql/windows/\(c.dropLast(4)).flow"
      assertSameRows(try run("Tests/sql/windows/\(c)"), try run(flow), "\(c) vs \(flow)")
    }
  }

  /// Bad input never crashes the SQL front end: mutated copies of every
  /// test query (tokens inserted, text cut or repeated) compile to a plan or
  /// to diagnostics.
  func testMutatedSQLNeverCrashes() throws {
    var sources: [String] = []
    for dir in ["Tests/sql/cases", "Tests/sql/errors", "Tests/sql/windows", "Tests/sql/run", "Examples/nexmark/sql"] {
      for f in try files(dir, ".sql") { sources.append(try String(contentsOf: Self.root.appendingPathComponent("\(dir)/\(f)"), encoding: .utf8)) }
    }
    let pieces = ["(", ")", ",", ";", "'", "`", "SELECT", "FROM", "GROUP BY", "*", "-", "/*", "--", "CASE", "END", "WHEN", "OVER (",
                  "TABLE(", "INTERVAL", "99999999999999999999", "NULL", ".", "||", "AS", "HOP(", "DESCRIPTOR(", "JOIN", "ROWS BETWEEN", "ÿ"]
    var seed: UInt64 = 0x5EED
    func next(_ n: Int) -> Int {
      seed = seed &* 6364136223846793005 &+ 1442695040888963407
      return Int((seed >> 33) % UInt64(max(1, n)))
    }
    var compiled = 0
    for _ in 0..<1500 {
      var t = Array(sources[next(sources.count)].utf8)
      for _ in 0...next(3) {
        let i = next(t.count + 1)
        switch next(3) {
        case 0: t.insert(contentsOf: Array((" " + pieces[next(pieces.count)] + " ").utf8), at: i)
        case 1: t.removeSubrange(i..<min(t.count, i + 1 + next(20)))
        default:
          let j = next(t.count + 1)
          t.insert(contentsOf: t[j..<min(t.count, j + next(30))], at: i)
        }
      }
      let r = SQLCompiler.compile(path: "mutated.sql", text: String(decoding: t, as: UTF8.self))
      if !r.hasErrors { compiled += 1 }
    }
    XCTAssertGreaterThan(compiled, 0, "some mutations should still compile")
  }

  /// Faults while running stop the job (exit 3) with the position in the
  /// SQL file, or in the data file.
  func testRuntimeErrorsAreLocated() throws {
    for c in try files("Tests/sql/runtime", ".sql") {
      let path = "Tests/sql/runtime/\(c)"
      let text = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
      let wants = lines(text).filter { $0.hasPrefix("-- stderr: ") }.map { String($0.dropFirst("-- stderr: ".count)) }
      XCTAssertFalse(wants.isEmpty, c)
      let r = try FlowBinary.run(["run", path, "--no-progress"])
      XCTAssertEqual(r.status, 3, "\(c): exit code\n\(r.stderr)")
      for w in wants { XCTAssertTrue(r.stderr.contains(w), "\(c): stderr lacks '\(w)':\n\(r.stderr)") }
    }
  }

  /// A SQL job killed mid-run and restored from its last checkpoint writes
  /// the same file as an uninterrupted run (SQL aggregates checkpoint their
  /// state like Flow's).
  func testCheckpointedSQLJobRestores() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-sql-ck-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.removeItem(at: dir)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out.csv").path
    let sql = """
      CREATE TABLE bid (auction BIGINT, price BIGINT, dateTime TIMESTAMP(3),
        WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
      WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
      CREATE TABLE totals (auction BIGINT, n BIGINT, top BIGINT, bidders BIGINT, avg_price BIGINT)
      WITH ('connector' = 'filesystem', 'path' = '\(out)', 'format' = 'csv');
      INSERT INTO totals
      SELECT auction, COUNT(*), MAX(price), COUNT(DISTINCT price) FILTER (WHERE price > 1000), AVG(price) FROM bid GROUP BY auction;
      """
    let (afterRestore, uninterrupted) = try crashRestoreAndRerun(sql, in: dir, output: out)
    assertSameRows(lines(afterRestore), lines(uninterrupted), "restored SQL job")
  }

  /// MATCH_RECOGNIZE (the CEP operator's partial matches) and an outer
  /// window join (the process operator's rows and timers) restored from a
  /// checkpoint write the same files as an uninterrupted run; the SQL file
  /// sinks commit in two phases, so a restore keeps what was committed.
  func testCheckpointedPatternAndWindowJoinRestore() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-sql-ck2-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.removeItem(at: dir)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let runs = dir.appendingPathComponent("runs.csv").path, pairs = dir.appendingPathComponent("pairs.csv").path
    let sql = """
      CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP(3),
        WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
      WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
      CREATE TABLE auction (id BIGINT, seller BIGINT, dateTime TIMESTAMP(3),
        WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
      WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/auctions.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
      CREATE TABLE runs (auction BIGINT, first_price BIGINT, top BIGINT, n BIGINT)
      WITH ('connector' = 'filesystem', 'path' = '\(runs)', 'format' = 'csv');
      CREATE TABLE pairs (id BIGINT, bidder BIGINT)
      WITH ('connector' = 'filesystem', 'path' = '\(pairs)', 'format' = 'csv');
      INSERT INTO runs SELECT * FROM bid MATCH_RECOGNIZE (
        PARTITION BY auction ORDER BY dateTime
        MEASURES FIRST(A.price) AS first_price, LAST(B.price) AS top, COUNT(B.price) AS n
        PATTERN (A B+ C) WITHIN INTERVAL '30' SECOND
        DEFINE B AS B.price > PREV(B.price), C AS C.price < PREV(C.price));
      INSERT INTO pairs SELECT A.id, B.bidder
      FROM TABLE(TUMBLE(TABLE auction, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) A
      LEFT JOIN TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) B
      ON A.id = B.auction AND A.window_start = B.window_start AND A.window_end = B.window_end;
      """
    let file = dir.appendingPathComponent("job.sql")
    try sql.write(to: file, atomically: true, encoding: .utf8)
    let clean = try FlowBinary.run(["run", file.path, "--no-progress", "--parallelism", "1"])
    XCTAssertEqual(clean.status, 0, clean.stderr)
    let want = [try String(contentsOfFile: runs, encoding: .utf8), try String(contentsOfFile: pairs, encoding: .utf8)]
    XCTAssertGreaterThan(lines(want[0]).count, 100)
    XCTAssertGreaterThan(lines(want[1]).count, 100)
    let ck = dir.appendingPathComponent("ck").path
    let crashed = try FlowBinary.run(["run", file.path, "--no-progress", "--parallelism", "1", "--checkpoint-dir", ck, "--checkpoint-interval", "0ms"],
                                     env: ["FLOW_BATCH_SIZE": "100", "FLOW_CRASH_AFTER_EVENTS": "3000"])
    XCTAssertNotEqual(crashed.status, 0, "the job should have been killed")
    let restored = try FlowBinary.run(["run", file.path, "--no-progress", "--parallelism", "1", "--checkpoint-dir", ck, "--restore", "latest"], env: ["FLOW_BATCH_SIZE": "100"])
    XCTAssertEqual(restored.status, 0, restored.stderr)
    XCTAssertTrue(restored.stderr.contains("restoring from"), restored.stderr)
    assertSameRows(lines(try String(contentsOfFile: runs, encoding: .utf8)), lines(want[0]), "restored MATCH_RECOGNIZE")
    assertSameRows(lines(try String(contentsOfFile: pairs, encoding: .utf8)), lines(want[1]), "restored window join")
  }

  func testPlanOfASQLFile() throws {
    let r = try FlowBinary.run(["plan", "Examples/nexmark/sql/q2.sql"])
    XCTAssertEqual(r.status, 0, r.stderr)
    // The shared optimizer ran: only the columns the query reads are decoded.
    XCTAssertTrue(r.stdout.contains("source filesystem csv 'Examples/nexmark/data/bids.csv' columns: auction, dateTime, price"), r.stdout)
    XCTAssertTrue(r.stdout.contains("fused filter WHERE -> map SELECT auction, price"), r.stdout)
    // Time bounds between the sides make an interval join; equalities alone a hash join.
    let interval = try FlowBinary.run(["plan", "Tests/sql/cases/interval_join.sql"])
    XCTAssertEqual(interval.stdout.components(separatedBy: "intervalJoin").count - 1, 2, interval.stdout)
    let regular = try FlowBinary.run(["plan", "Tests/sql/cases/join.sql"])
    XCTAssertFalse(regular.stdout.contains("intervalJoin"), regular.stdout)
    XCTAssertTrue(regular.stdout.contains("]─ join"), regular.stdout)
    let bad = try FlowBinary.run(["plan", "Tests/sql/errors/unknown_column.sql"])
    XCTAssertEqual(bad.status, 1)
    XCTAssertTrue((bad.stdout + bad.stderr).contains("unknown column 'prize'"))
  }

  func testHandComputedRows() throws {
    for c in try files("Tests/sql/run", ".sql") {
      let text = try String(contentsOf: Self.root.appendingPathComponent("Tests/sql/run/\(c)"), encoding: .utf8)
      let want = lines(text).filter { $0.hasPrefix("-- expect: ") }.map { String($0.dropFirst("-- expect: ".count)) }
      // Processing-time cases name a simulated clock (`-- args: --clock-step 1s`).
      let args = sqlScriptArguments(Self.root.appendingPathComponent("Tests/sql/run/\(c)"))
      assertSameRows(try run("Tests/sql/run/\(c)", args), want, c)
      // Keyed state (patterns, joins, windows) gives the same rows split over two subtasks.
      assertSameRows(try run("Tests/sql/run/\(c)", ["--parallelism", "2"] + args), want, "\(c) at parallelism 2")
    }
  }

  /// The datagen connector's random columns (Language/sql.md): the row count,
  /// values within their bounds, NULLs at about the null rate, and the same
  /// rows on every run and at parallelism 2; another seed gives other rows.
  func testDatagenRandomRows() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-datagen-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    func script(seed: Int) throws -> String {
      let sql = """
        CREATE TABLE g (a BIGINT, b DOUBLE, s STRING, n INT, ok BOOLEAN)
        WITH ('connector' = 'datagen', 'number-of-rows' = '500', 'seed' = '\(seed)',
          'fields.a.min' = '-5', 'fields.a.max' = '5', 'fields.b.min' = '1.5', 'fields.b.max' = '2.5',
          'fields.s.length' = '4', 'fields.n.null-rate' = '0.5');
        SELECT a, b, s, n, ok FROM g;
        """
      let path = dir.appendingPathComponent("g\(seed).sql").path
      try sql.write(toFile: path, atomically: true, encoding: .utf8)
      return path
    }
    let path = try script(seed: 7)
    let rows = try run(path)
    XCTAssertEqual(rows.count, 500)
    var nulls = 0, aSeen = Set<Int>()
    for row in rows {
      let f = Dictionary(uniqueKeysWithValues: row.dropFirst().dropLast().components(separatedBy: ", ").compactMap { kv -> (String, String)? in
        let p = kv.components(separatedBy: ": ")
        return p.count == 2 ? (p[0], p[1]) : nil
      })
      guard let a = f["a"].flatMap({ Int($0) }), let b = f["b"].flatMap({ Double($0) }), let s = f["s"], let n = f["n"], let ok = f["ok"] else {
        XCTFail("unexpected row \(row)"); continue
      }
      XCTAssertTrue((-5...5).contains(a), row)
      aSeen.insert(a)
      XCTAssertTrue(b >= 1.5 && b <= 2.5, row)
      XCTAssertEqual(s.count, 6, row)  // 4 letters in quotes
      XCTAssertTrue(s.dropFirst().dropLast().allSatisfy { $0 >= "a" && $0 <= "z" }, row)
      XCTAssertTrue(ok == "true" || ok == "false", row)
      if n == "null" { nulls += 1 } else { XCTAssertNotNil(Int(n), row) }
    }
    XCTAssertEqual(aSeen.count, 11, "every value of [-5, 5] appears in 500 rows")
    XCTAssertTrue((150...350).contains(nulls), "null-rate 0.5 gave \(nulls) NULLs of 500")
    XCTAssertEqual(try run(path), rows, "a second run gives the same rows")
    assertSameRows(try run(path, ["--parallelism", "2"]), rows, "datagen at parallelism 2")
    XCTAssertNotEqual(try run(try script(seed: 8)), rows, "another seed gives other rows")
  }

  /// A datagen job killed mid-way and restored from its checkpoint writes
  /// the same rows as an uninterrupted run (the source resumes at its row).
  func testCheckpointedDatagenJobRestores() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-sql-dg-ck-\(getpid())")
    try? FileManager.default.removeItem(at: dir)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out.csv").path
    let sql = """
      CREATE TABLE g (k BIGINT, v DOUBLE, s STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '5000',
        'fields.k.min' = '1', 'fields.k.max' = '20', 'fields.s.length' = '2', 'fields.v.null-rate' = '0.1');
      CREATE TABLE totals (k BIGINT, n BIGINT, total DOUBLE, kinds BIGINT) WITH ('connector' = 'filesystem', 'path' = '\(out)', 'format' = 'csv');
      INSERT INTO totals SELECT k, COUNT(*), SUM(v), COUNT(DISTINCT s) FROM g GROUP BY k;
      """
    let (afterRestore, uninterrupted) = try crashRestoreAndRerun(sql, in: dir, output: out)
    XCTAssertEqual(lines(uninterrupted).count, 21, "a header and 20 keys")
    assertSameRows(lines(afterRestore), lines(uninterrupted), "restored datagen job")
  }

  func testErrorsPointIntoTheSQLText() throws {
    // SQL files, and Flow scripts with embedded queries (`//` comments).
    let cases = try files("Tests/sql/errors", ".sql") + files("Tests/sql/errors", ".flow")
    XCTAssertGreaterThanOrEqual(cases.count, 12)
    for c in cases {
      let path = "Tests/sql/errors/\(c)"
      let text = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
      let comments = lines(text).map { $0.hasPrefix("// ") ? "-- " + $0.dropFirst(3) : $0 }
      let errors = comments.filter { $0.hasPrefix("-- error: ") }.map { path + ":" + $0.dropFirst("-- error: ".count) }
      let outputs = comments.filter { $0.hasPrefix("-- output: ") }.map { String($0.dropFirst("-- output: ".count)) }
      XCTAssertFalse(errors.isEmpty, "\(c) expects no error")
      let check = try FlowBinary.run(["check", path])
      let all = check.stdout + check.stderr
      XCTAssertEqual(check.status, 1, "\(c): flow check exit code\n\(all)")
      // Exactly the expected diagnostics, in text order.
      let reported = lines(all).filter { $0.contains(": error[") }
      XCTAssertEqual(reported, errors, c)
      for o in outputs { XCTAssertTrue(all.contains(o), "\(c): output lacks '\(o)':\n\(all)") }
      let r = try FlowBinary.run(["run", path, "--no-progress"])
      XCTAssertEqual(r.status, 1, "\(c): flow run exit code")
      XCTAssertTrue(r.stderr.contains(errors[0]), "\(c): flow run does not report \(errors[0]):\n\(r.stderr)")
      XCTAssertTrue(r.stdout.isEmpty, "\(c): nothing may run")
    }
  }

  /// Runs the SQL job `sql` with a checkpoint after every batch, kills it
  /// after 2,000 events, restores it to the end, then runs it again
  /// uninterrupted: the contents of `output` after the restore and after
  /// the clean run.
  private func crashRestoreAndRerun(_ sql: String, in dir: URL, output out: String) throws -> (String, String) {
    let file = dir.appendingPathComponent("job.sql")
    try sql.write(to: file, atomically: true, encoding: .utf8)
    let ck = dir.appendingPathComponent("ck").path
    let crashed = try FlowBinary.run(["run", file.path, "--no-progress", "--parallelism", "1", "--checkpoint-dir", ck, "--checkpoint-interval", "0ms"],
                                     env: ["FLOW_BATCH_SIZE": "100", "FLOW_CRASH_AFTER_EVENTS": "2000"])
    XCTAssertNotEqual(crashed.status, 0, "the job should have been killed")
    let restored = try FlowBinary.run(["run", file.path, "--no-progress", "--parallelism", "1", "--checkpoint-dir", ck, "--restore", "latest"], env: ["FLOW_BATCH_SIZE": "100"])
    XCTAssertEqual(restored.status, 0, restored.stderr)
    XCTAssertTrue(restored.stderr.contains("restoring from"), restored.stderr)
    let afterRestore = try String(contentsOfFile: out, encoding: .utf8)
    let clean = try FlowBinary.run(["run", file.path, "--no-progress", "--parallelism", "1"])
    XCTAssertEqual(clean.status, 0, clean.stderr)
    let uninterrupted = try String(contentsOfFile: out, encoding: .utf8)
    return (afterRestore, uninterrupted)
  }
}

/// The ```sql blocks of the manual: each in Language/sql.md runs (from the
/// repository's root); each in Language/diagnostics.md (the fixes) checks.
final class SQLDocsTests: XCTestCase {
  static func sqlBlocks(_ doc: String) throws -> [String] {
    let text = try String(contentsOf: FlowBinary.root.appendingPathComponent(doc), encoding: .utf8)
    var blocks: [String] = []
    var current: [Substring]?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if current == nil {
        if line == "```sql" { current = [] }
      } else if line == "```" {
        blocks.append(current!.joined(separator: "\n") + "\n")
        current = nil
      } else {
        current!.append(line)
      }
    }
    return blocks
  }

  func testManualExamplesRun() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-sql-docs-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let blocks = try Self.sqlBlocks("Language/sql.md")
    XCTAssertGreaterThanOrEqual(blocks.count, 5)
    for (i, block) in blocks.enumerated() {
      let file = dir.appendingPathComponent("block\(i + 1).sql")
      try block.write(to: file, atomically: true, encoding: .utf8)
      let r = try FlowBinary.run(["run", file.path, "--no-progress"], timeout: 120)
      XCTAssertEqual(r.status, 0, "Language/sql.md block \(i + 1) failed:\n\(block)\n\(r.stderr)")
      if !block.contains("blackhole") {
        XCTAssertFalse(r.stdout.isEmpty, "Language/sql.md block \(i + 1) printed nothing")
      }
    }
    let diagnostics = try Self.sqlBlocks("Language/diagnostics.md")
    XCTAssertGreaterThanOrEqual(diagnostics.count, 8)
    for (i, block) in diagnostics.enumerated() {
      let file = dir.appendingPathComponent("fix\(i + 1).sql")
      try block.write(to: file, atomically: true, encoding: .utf8)
      let r = try FlowBinary.run(["check", file.path])
      XCTAssertEqual(r.status, 0, "Language/diagnostics.md SQL block \(i + 1) does not check:\n\(block)\n\(r.stdout)\(r.stderr)")
    }
  }
}

/// The arguments a SQL file names on a first line `-- args: --clock-step 10ms`.
func sqlScriptArguments(_ file: URL) -> [String] {
  guard let text = try? String(contentsOf: file, encoding: .utf8), let line = text.split(separator: "\n").first, line.hasPrefix("-- args: ") else { return [] }
  return line.dropFirst(9).split(separator: " ").map(String.init)
}
