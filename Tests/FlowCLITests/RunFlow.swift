import Foundation
import XCTest

/// Runs the built `flow` binary as a user would, for CLI tests.
struct FlowRun {
  var status: Int32
  var stdout: String
  var stderr: String
}

enum FlowBinary {
  /// The repository root (two levels above this file's folder).
  static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The `flow` executable built beside this test bundle, whatever the
  /// scratch path (`.build/debug`, `.build-x/release`, ...).
  static let path: String? = {
    var candidates: [URL] = []
    for b in Bundle.allBundles where b.bundlePath.hasSuffix(".xctest") {
      candidates.append(b.bundleURL.deletingLastPathComponent().appendingPathComponent("flow"))
    }
    candidates.append(URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent().appendingPathComponent("flow"))
    candidates.append(root.appendingPathComponent(".build/debug/flow"))
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }?.path
  }()

  /// Runs `flow args...` in `cwd` (default: the repository root), with
  /// `stdin` text if given, and a timeout after which the process is killed.
  static func run(_ args: [String], cwd: URL? = nil, stdin: String? = nil, env: [String: String] = [:], timeout: TimeInterval = 60) throws -> FlowRun {
    guard let exe = path else { throw XCTSkip("the flow binary is not built") }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    p.currentDirectoryURL = cwd ?? root
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    // Expected outputs are exact, in the deterministic order of one thread;
    // the parallel tests pass `--parallelism N` (which wins over this).
    if environment["FLOW_PARALLELISM"] == nil { environment["FLOW_PARALLELISM"] = "1" }
    for (k, v) in env { environment[k] = v }
    p.environment = environment
    let out = Pipe(), err = Pipe(), inp = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = inp
    try p.run()
    if let s = stdin { inp.fileHandleForWriting.write(Data(s.utf8)) }
    try? inp.fileHandleForWriting.close()
    // Read both pipes concurrently so a full pipe cannot block the child.
    var outData = Data(), errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      outData = out.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    group.enter()
    DispatchQueue.global().async {
      errData = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let deadline = Date().addingTimeInterval(timeout)
    while p.isRunning && Date() < deadline { usleep(10_000) }
    if p.isRunning {
      p.terminate()
      XCTFail("flow \(args.joined(separator: " ")) timed out after \(timeout) s")
    }
    p.waitUntilExit()
    group.wait()
    return FlowRun(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
  }
}
