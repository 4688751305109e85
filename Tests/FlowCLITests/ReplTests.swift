import Foundation
import XCTest

/// `flow repl` with stdin not a terminal: each `Tests/corpus/repl/NAME.in`
/// is typed into a fresh shell, and stdout must equal `NAME.out`.
/// `FLOW_RECORD=1 swift test --filter ReplTranscriptTests` writes the
/// `.out` files anew (review the diff before committing).
final class ReplTranscriptTests: XCTestCase {
  static let corpus = FlowBinary.root.appendingPathComponent("Tests/corpus/repl")

  func transcript(_ name: String) throws {
    let input = Self.corpus.appendingPathComponent(name + ".in")
    let expected = Self.corpus.appendingPathComponent(name + ".out")
    let text = try String(contentsOf: input, encoding: .utf8)
    let r = try FlowBinary.run(["repl"], stdin: text, env: ["FLOW_HISTORY": ""], timeout: 120)
    XCTAssertEqual(r.status, 0, "\(name): flow repl exited with \(r.status)\n\(r.stderr)")
    XCTAssertEqual(r.stderr, "", "\(name): unexpected stderr")
    if ProcessInfo.processInfo.environment["FLOW_RECORD"] == "1" {
      try r.stdout.write(to: expected, atomically: true, encoding: .utf8)
      return
    }
    guard let want = try? String(contentsOf: expected, encoding: .utf8) else {
      return XCTFail("\(name).in has no \(name).out; run with FLOW_RECORD=1 to record it")
    }
    if r.stdout != want {
      XCTFail("\(name): the transcript differs from \(name).out\n" + firstDifference(want, r.stdout))
    }
  }

  func firstDifference(_ a: String, _ b: String) -> String {
    let x = a.components(separatedBy: "\n"), y = b.components(separatedBy: "\n")
    for i in 0..<max(x.count, y.count) {
      let l = i < x.count ? x[i] : "<end>", r = i < y.count ? y[i] : "<end>"
      if l != r { return "line \(i + 1):\n  expected: \(l)\n  actual:   \(r)\n--- actual transcript\n\(b)" }
    }
    return ""
  }

  /// Declarations, values, redefinition, `:type`, `:env`.
  func testBasics() throws { try transcript("basics") }
  /// Tables, the row limit, multi-line input, sinks, windowed streams.
  func testPipelines() throws { try transcript("pipelines") }
  /// Compile and runtime errors never end the session.
  func testErrors() throws { try transcript("errors") }
  /// `:help`, `:plan`, `:illustrate`, `:set`, `:load`, `:reload`, `:env`, `:quit`.
  func testCommands() throws { try transcript("commands") }

  /// Every transcript in the corpus has a test above.
  func testEveryTranscriptIsListed() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).filter { $0.hasSuffix(".in") }.map { String($0.dropLast(3)) }
    XCTAssertEqual(Set(names), ["basics", "pipelines", "errors", "commands"])
  }

  /// Piped input is not echoed with --no-echo; Ctrl-D (end of input) ends
  /// the session with exit code 0.
  func testNoEcho() throws {
    let r = try FlowBinary.run(["repl", "--no-echo"], stdin: "let x = 2\nx * 21\n", env: ["FLOW_HISTORY": ""])
    XCTAssertEqual(r.status, 0)
    XCTAssertEqual(r.stdout, "x : Int\n42 : Int\n")
  }
}

/// `flow repl` on a terminal: tmux gives it a pseudo-terminal; keys are
/// sent with `tmux send-keys` and the screen read with `capture-pane`.
/// Without tmux the tests are skipped, except in CI (`CI=true`), where
/// they fail: CI must install tmux and libedit-dev.
final class ReplTerminalTests: XCTestCase {
  var socket = ""
  var tempDir: URL!

  override func setUpWithError() throws {
    socket = "flow-repl-test-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
    tempDir = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
    try FileManager.default.createDirectory(at: tempDir, withIntermediateDirectories: true)
  }

  override func tearDown() {
    if Self.tmuxPath != nil {
      _ = try? tmux(["kill-server"])
      // The server's socket file may stay behind.
      let dir = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
      try? FileManager.default.removeItem(atPath: "\(dir)/tmux-\(getuid())/\(socket)")
    }
    try? FileManager.default.removeItem(at: tempDir)
  }

  static let tmuxPath: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  struct TerminalTestFailure: Error, CustomStringConvertible {
    var description: String
  }

  func requireTmux() throws -> String {
    if let p = Self.tmuxPath { return p }
    if ProcessInfo.processInfo.environment["CI"] == "true" {
      throw TerminalTestFailure(description: "tmux is not installed: CI must install it (apt-get install -y tmux libedit-dev) to test `flow repl` on a terminal")
    }
    throw XCTSkip("tmux is not installed (apt-get install tmux); terminal tests of `flow repl` skipped")
  }

  @discardableResult
  func tmux(_ args: [String]) throws -> String {
    try tmuxRun(args).output
  }

  /// Runs `tmux -L <socket> args...` (a server of its own, so a user's
  /// tmux is not touched). posix_spawn and waitpid, not Foundation's
  /// Process: the tmux server forked by the first command inherits
  /// descriptors and confuses Process's exit monitoring.
  func tmuxRun(_ args: [String]) throws -> (status: Int32, output: String) {
    let path = try requireTmux()
    let file = tempDir.appendingPathComponent("tmux-output-\(UInt32.random(in: 0..<UInt32.max))")
    defer { try? FileManager.default.removeItem(at: file) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([path, "-L", socket] + args).map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    var pid = pid_t()
    let rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
    guard rc == 0 else { throw TerminalTestFailure(description: "cannot run tmux: error \(rc)") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let data = (try? Data(contentsOf: file)) ?? Data()
    let exited = (status & 0x7f) == 0
    return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), String(decoding: data, as: UTF8.self))
  }

  /// Starts `flow repl` in a 120x40 terminal and waits for its prompt.
  func startRepl(history: String) throws {
    _ = try requireTmux()
    guard let exe = FlowBinary.path else { throw XCTSkip("the flow binary is not built") }
    let command = "cd '\(FlowBinary.root.path)' && env FLOW_HISTORY='\(history)' NO_COLOR=1 '\(exe)' repl"
    try tmux(["new-session", "-d", "-s", "T", "-x", "120", "-y", "40", command])
    try waitFor("flow>", "the prompt")  // capture-pane drops trailing spaces
  }

  func send(_ keys: String...) throws {
    try tmux(["send-keys", "-t", "T"] + keys)
  }

  /// Types text literally (no key names).
  func type(_ text: String) throws {
    try tmux(["send-keys", "-t", "T", "-l", text])
  }

  func screen() throws -> String {
    try tmux(["capture-pane", "-p", "-t", "T"])
  }

  /// Waits until the screen contains `text` (`count` times).
  func waitFor(_ text: String, _ what: String, count: Int = 1, timeout: TimeInterval = 30) throws {
    let deadline = Date().addingTimeInterval(timeout)
    var last = ""
    while Date() < deadline {
      last = try screen()
      if last.components(separatedBy: text).count - 1 >= count { return }
      usleep(100_000)
    }
    throw TerminalTestFailure(description: "timed out waiting for \(what) (\"\(text)\" x\(count)); the screen:\n\(last)")
  }

  func historyFile() -> String { tempDir.appendingPathComponent("state/flow/history").path }

  func testTypingAndEditing() throws {
    try startRepl(history: historyFile())
    try type("1 +2")
    try send("Left")
    try type(" ")
    try send("Enter")
    try waitFor("3 : Int", "the sum")
    let shown = try screen()
    XCTAssertTrue(shown.contains("flow> 1 + 2"), shown)
  }

  func testHistoryIsRecalledAcrossSessions() throws {
    let history = historyFile()
    try startRepl(history: history)
    try type("40 + 2")
    try send("Enter")
    try waitFor("42 : Int", "the first answer")
    try send("C-d")
    // Ctrl-D ends the shell, and its tmux session with it.
    let deadline = Date().addingTimeInterval(15)
    while Date() < deadline, try tmuxRun(["has-session", "-t", "T"]).status == 0 { usleep(100_000) }
    XCTAssertNotEqual(try tmuxRun(["has-session", "-t", "T"]).status, 0, "Ctrl-D ends the shell")
    _ = try? tmux(["kill-server"])
    XCTAssertTrue(FileManager.default.fileExists(atPath: history), "the history file (and its folders) were created")
    try startRepl(history: history)
    try send("Up")
    try waitFor("flow> 40 + 2", "the recalled line")
    try send("Enter")
    try waitFor("42 : Int", "the recalled line's answer")
  }

  func testCtrlRSearchesHistory() throws {
    try startRepl(history: historyFile())
    try type("let zeta = 7")
    try send("Enter")
    try waitFor("zeta : Int", "the declaration")
    try type("1")
    try send("Enter")
    try waitFor("1 : Int", "the expression")
    try send("C-r")
    try type("zeta")
    try send("Enter")
    try waitFor("zeta : Int", "the searched line, evaluated again", count: 2)
  }

  func testTabCompletion() throws {
    try startRepl(history: historyFile())
    try type("writeSt")
    try send("Tab")
    try waitFor("flow> writeStdout", "the completed prelude name")
    try send("C-u")
    try type("let r = { price: 1, product: \"x\", qty: 2 }")
    try send("Enter")
    try waitFor("r : { price: Int", "the record")
    try type("r.q")
    try send("Tab")
    try waitFor("flow> r.qty", "the completed field")
    try send("Enter")
    try waitFor("2 : Int", "the field's value")
    try type(":he")
    try send("Tab")
    try waitFor("flow> :help", "the completed command")
  }

  func testMultiLineInput() throws {
    try startRepl(history: historyFile())
    try type("sequence(from: 1,")
    try send("Enter")
    try waitFor("...>", "the continuation prompt")
    try type("to: 3)")
    try send("Enter")
    try type("|> map(i => i * 100)")
    try send("Enter")
    try waitFor("(3 rows)", "the first pipeline")
    try waitFor("300", "the extended pipeline")
  }

  func testCtrlCStopsAnUnboundedStreamAndNotTheShell() throws {
    let data = tempDir.appendingPathComponent("follow.txt")
    try "alpha\nbeta\n".write(to: data, atomically: true, encoding: .utf8)
    try startRepl(history: historyFile())
    try type("readText(\"\(data.path)\", follow: true) |> map(l => upper(l))")
    try send("Enter")
    try waitFor("BETA", "the first rows")
    let h = try FileHandle(forWritingTo: data)
    h.seekToEndOfFile()
    h.write(Data("gamma\n".utf8))
    try h.close()
    try waitFor("GAMMA", "a row appended while the stream runs")
    try send("C-c")
    try waitFor("(stopped after 3 rows)", "the stream to stop")
    try type("6 * 7")
    try send("Enter")
    try waitFor("42 : Int", "the shell to go on")
  }

  func testAnErrorDoesNotEndTheSession() throws {
    try startRepl(history: historyFile())
    try type("nosuch + 1")
    try send("Enter")
    try waitFor("unknown name 'nosuch'", "the error")
    try type("2 * 3")
    try send("Enter")
    try waitFor("6 : Int", "the next answer")
    // Ctrl-C at the prompt drops the line, not the shell.
    try type("abandoned")
    try send("C-c")
    try type("1 + 1")
    try send("Enter")
    try waitFor("2 : Int", "an answer after Ctrl-C at the prompt")
  }
}
