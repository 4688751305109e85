import Foundation
import XCTest

/// `flow fmt` as a user runs it: in place, --check, standard input, exit codes.
final class FmtCommandTests: XCTestCase {
  var tmp: URL!

  override func setUpWithError() throws {
    tmp = FileManager.default.temporaryDirectory.appendingPathComponent("flow-fmt-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: tmp.appendingPathComponent("sub"), withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    if let t = tmp { try? FileManager.default.removeItem(at: t) }
  }

  final class Box: @unchecked Sendable { var data = Data() }

  struct Outcome {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  func flow(_ args: [String], stdin: String? = nil) throws -> Outcome {
    guard let exe = LSPTests.flowPath else { throw XCTSkip("the flow binary is not built") }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    p.currentDirectoryURL = tmp
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    p.environment = env
    let out = Pipe(), err = Pipe(), inp = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = inp
    try p.run()
    if let s = stdin { inp.fileHandleForWriting.write(Data(s.utf8)) }
    try? inp.fileHandleForWriting.close()
    // Read stderr beside stdout so that a full pipe cannot block the child.
    let errData = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { errData.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    group.wait()
    return Outcome(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData.data, as: UTF8.self))
  }

  func write(_ rel: String, _ text: String) throws {
    try text.write(to: tmp.appendingPathComponent(rel), atomically: true, encoding: .utf8)
  }

  func read(_ rel: String) throws -> String {
    try String(contentsOf: tmp.appendingPathComponent(rel), encoding: .utf8)
  }

  func testCheckThenFormatInPlace() throws {
    try write("a.flow", "let  x=1\n")
    try write("sub/b.flow", "let y = 2\n")
    let check = try flow(["fmt", "--check", "."])
    XCTAssertEqual(check.status, 1)
    XCTAssertEqual(check.stdout, "./a.flow\n")
    XCTAssertEqual(try read("a.flow"), "let  x=1\n", "--check wrote a file")

    let fmt = try flow(["fmt", "."])
    XCTAssertEqual(fmt.status, 0, fmt.stderr)
    XCTAssertEqual(try read("a.flow"), "let x = 1\n")
    XCTAssertEqual(try read("sub/b.flow"), "let y = 2\n")
    XCTAssertTrue(fmt.stderr.contains("formatted 2 files: 1 changed"), fmt.stderr)

    let again = try flow(["fmt", "--check", "a.flow", "sub"])
    XCTAssertEqual(again.status, 0)
    XCTAssertEqual(again.stdout, "")
  }

  func testSyntaxErrorsAndMissingPaths() throws {
    try write("bad.flow", "let x = (1 +\n")
    let bad = try flow(["fmt", "bad.flow"])
    XCTAssertEqual(bad.status, 1)
    XCTAssertTrue(bad.stderr.contains("bad.flow:1:13: error[E0109]"), bad.stderr)
    XCTAssertEqual(try read("bad.flow"), "let x = (1 +\n")

    let missing = try flow(["fmt", "bad.flow", "nope.flow"])
    XCTAssertEqual(missing.status, 2)
    XCTAssertTrue(missing.stderr.contains("no such file or folder: nope.flow"), missing.stderr)
  }

  func testStandardInput() throws {
    let r = try flow(["fmt", "-"], stdin: "xs|>map(x=>x)\n")
    XCTAssertEqual(r.status, 0)
    XCTAssertEqual(r.stdout, "xs |> map(x => x)\n")
    let c = try flow(["fmt", "--check", "-"], stdin: "xs|>map(x=>x)\n")
    XCTAssertEqual(c.status, 1)
  }
}

/// The repository keeps its own scripts formatted.
final class RepositoryFormattingTests: XCTestCase {
  func testExamplesAndStdlibAreFormatted() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    var candidates: [URL] = Bundle.allBundles.filter { $0.bundlePath.hasSuffix(".xctest") }.map { $0.bundleURL.deletingLastPathComponent().appendingPathComponent("flow") }
    candidates.append(URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent().appendingPathComponent("flow"))
    candidates.append(root.appendingPathComponent(".build/debug/flow"))
    let exe = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    guard let flow = exe else { throw XCTSkip("flow is not built") }
    let p = Process()
    p.executableURL = flow
    p.arguments = ["fmt", "--check", "Examples", "Stdlib"]
    p.currentDirectoryURL = root
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    XCTAssertEqual(p.terminationStatus, 0, "run `flow fmt Examples Stdlib`; these files are not formatted:\n\(text)")
  }
}
