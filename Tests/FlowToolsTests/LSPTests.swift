import Foundation
import XCTest
import FlowLSP
import FlowSyntax

/// Drives the real `flow lsp` binary over JSON-RPC, as an editor would.
final class LSPTests: XCTestCase {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The `flow` executable built beside this test bundle, whatever the scratch path.
  static let flowPath: String? = {
    var candidates: [URL] = []
    for b in Bundle.allBundles where b.bundlePath.hasSuffix(".xctest") {
      candidates.append(b.bundleURL.deletingLastPathComponent().appendingPathComponent("flow"))
    }
    candidates.append(URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent().appendingPathComponent("flow"))
    candidates.append(root.appendingPathComponent(".build/debug/flow"))
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }?.path
  }()

  /// A JSON-RPC client on a `flow lsp` process.
  final class Client {
    let process = Process()
    let input = Pipe(), output = Pipe()
    private var reader = MessageReader()
    private var inbox: [[String: Any]] = []
    private let lock = NSCondition()
    private var nextID = 0

    init(executable: String, cacheDir: String) throws {
      process.executableURL = URL(fileURLWithPath: executable)
      process.arguments = ["lsp"]
      var env = ProcessInfo.processInfo.environment
      env["FLOW_CACHE_DIR"] = cacheDir
      process.environment = env
      process.standardInput = input
      process.standardOutput = output
      process.standardError = FileHandle.nullDevice
      try process.run()
      let handle = output.fileHandleForReading
      Thread.detachNewThread { [weak self] in
        while true {
          let data = handle.availableData
          guard let self = self else { return }
          self.lock.lock()
          if data.isEmpty {
            self.lock.broadcast()
            self.lock.unlock()
            return
          }
          self.reader.append(data)
          while let frame = self.reader.next() {
            if case .message(let body) = frame, let m = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
              self.inbox.append(m)
            }
          }
          self.lock.broadcast()
          self.lock.unlock()
        }
      }
    }

    func sendRaw(_ data: Data) {
      input.fileHandleForWriting.write(data)
    }

    func notify(_ method: String, _ params: [String: Any]) {
      sendRaw(frameMessage(["jsonrpc": "2.0", "method": method, "params": params]))
    }

    /// Sends a request and waits for its response.
    func request(_ method: String, _ params: Any = [String: Any]()) -> [String: Any]? {
      nextID += 1
      let id = nextID
      sendRaw(frameMessage(["jsonrpc": "2.0", "id": id, "method": method, "params": params]))
      return wait { ($0["id"] as? Int) == id }
    }

    /// Waits for (and removes) the first message that matches.
    func wait(timeout: TimeInterval = 30, _ match: ([String: Any]) -> Bool) -> [String: Any]? {
      let deadline = Date().addingTimeInterval(timeout)
      lock.lock()
      defer { lock.unlock() }
      while true {
        if let i = inbox.firstIndex(where: match) { return inbox.remove(at: i) }
        if !lock.wait(until: deadline) { return nil }
      }
    }

    func diagnostics(for uri: String) -> [[String: Any]]? {
      let m = wait { ($0["method"] as? String) == "textDocument/publishDiagnostics" && (($0["params"] as? [String: Any])?["uri"] as? String) == uri }
      return (m?["params"] as? [String: Any])?["diagnostics"] as? [[String: Any]]
    }

    func stop() {
      if process.isRunning { process.terminate() }
    }
  }

  var tmp: URL!

  override func setUpWithError() throws {
    tmp = FileManager.default.temporaryDirectory.appendingPathComponent("flow-lsp-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    if let t = tmp {
      // The cached standard library is read-only: make it writable to delete it.
      if let e = FileManager.default.enumerator(atPath: t.path) {
        while let rel = e.nextObject() as? String {
          try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: t.appendingPathComponent(rel).path)
        }
      }
      try? FileManager.default.removeItem(at: t)
    }
  }

  func position(_ line: Int, _ character: Int) -> [String: Any] { ["line": line, "character": character] }

  func range(_ r: Any?) -> (Int, Int, Int, Int)? {
    guard let r = r as? [String: Any], let s = r["start"] as? [String: Any], let e = r["end"] as? [String: Any],
          let sl = s["line"] as? Int, let sc = s["character"] as? Int, let el = e["line"] as? Int, let ec = e["character"] as? Int else { return nil }
    return (sl, sc, el, ec)
  }

  func testLanguageServerSession() throws {
    guard let exe = LSPTests.flowPath else { throw XCTSkip("the flow binary is not built") }
    let client = try Client(executable: exe, cacheDir: tmp.appendingPathComponent("cache").path)
    defer { client.stop() }
    let path = tmp.appendingPathComponent("bids.flow").path
    let uri = "file://" + path

    // initialize: the advertised capabilities.
    let initResponse = client.request("initialize", ["processId": NSNull(), "rootUri": NSNull(), "capabilities": [String: Any]()])
    let caps = (initResponse?["result"] as? [String: Any])?["capabilities"] as? [String: Any]
    XCTAssertEqual(caps?["textDocumentSync"] as? Int, 1)
    XCTAssertEqual(caps?["hoverProvider"] as? Bool, true)
    XCTAssertEqual(caps?["definitionProvider"] as? Bool, true)
    XCTAssertEqual(caps?["documentSymbolProvider"] as? Bool, true)
    XCTAssertEqual(caps?["documentFormattingProvider"] as? Bool, true)
    XCTAssertEqual((caps?["completionProvider"] as? [String: Any])?["triggerCharacters"] as? [String], ["."])
    client.notify("initialized", [:])

    // didOpen with an error: its range and code.
    let broken = """
      type Bid = { auction: Int, bidder: Int, price: Int }

      fn double(x: Int) -> Int = x * 2

      let bids = readCsv("bids.csv", schema: Bid)

      bids
        |> filter(b => b.prise > double(100))
        |> writeStdout()

      """
    client.notify("textDocument/didOpen", ["textDocument": ["uri": uri, "languageId": "flow", "version": 1, "text": broken]])
    let diags = try XCTUnwrap(client.diagnostics(for: uri))
    XCTAssertEqual(diags.count, 1)
    XCTAssertEqual(diags.first?["code"] as? String, "E0213")
    XCTAssertEqual(diags.first?["severity"] as? Int, 1)
    XCTAssertTrue((diags.first?["message"] as? String ?? "").contains("has no field 'prise'"))
    XCTAssertTrue((diags.first?["message"] as? String ?? "").contains("available fields: auction, bidder, price"))
    let r = try XCTUnwrap(range(diags.first?["range"]))
    XCTAssertEqual(r.0, 7)
    XCTAssertEqual(r.1, 19)
    XCTAssertEqual(r.2, 7)
    XCTAssertEqual(r.3, 24)

    // didChange fixing it: no diagnostics.
    let fixed = broken.replacingOccurrences(of: "b.prise", with: "b.price")
    client.notify("textDocument/didChange", ["textDocument": ["uri": uri, "version": 2], "contentChanges": [["text": fixed]]])
    XCTAssertEqual(client.diagnostics(for: uri)?.count, 0)

    // Hover on a field access: its type.
    let hover = client.request("textDocument/hover", ["textDocument": ["uri": uri], "position": position(7, 21)])
    let hoverText = (((hover?["result"] as? [String: Any])?["contents"] as? [String: Any])?["value"] as? String) ?? ""
    XCTAssertTrue(hoverText.contains("price: Int"), hoverText)

    // Hover on a function name: its signature.
    let hoverFn = client.request("textDocument/hover", ["textDocument": ["uri": uri], "position": position(7, 29)])
    let hoverFnText = (((hoverFn?["result"] as? [String: Any])?["contents"] as? [String: Any])?["value"] as? String) ?? ""
    XCTAssertTrue(hoverFnText.contains("fn double(x: Int) -> Int"), hoverFnText)

    // Definition of a function name: its declaration line.
    let def = client.request("textDocument/definition", ["textDocument": ["uri": uri], "position": position(7, 29)])
    let defs = try XCTUnwrap(def?["result"] as? [[String: Any]])
    XCTAssertEqual(defs.first?["uri"] as? String, uri)
    XCTAssertEqual(range(defs.first?["range"])?.0, 2)
    XCTAssertEqual(range(defs.first?["range"])?.1, 3)

    // Definition into the standard library: a cached copy of prelude.flow.
    let defStd = client.request("textDocument/definition", ["textDocument": ["uri": uri], "position": position(8, 8)])
    let std = try XCTUnwrap((defStd?["result"] as? [[String: Any]])?.first)
    let stdURI = try XCTUnwrap(std["uri"] as? String)
    XCTAssertTrue(stdURI.hasSuffix("/std/prelude.flow"), stdURI)
    let stdPath = try XCTUnwrap(URL(string: stdURI)?.path)
    let stdText = try String(contentsOfFile: stdPath, encoding: .utf8)
    let stdLine = try XCTUnwrap(range(std["range"])?.0)
    XCTAssertTrue(stdText.components(separatedBy: "\n")[stdLine].contains("fn writeStdout"))

    // Completion of a prelude name prefix (the cursor after `writeS`).
    let comp = client.request("textDocument/completion", ["textDocument": ["uri": uri], "position": position(8, 11)])
    let labels = (((comp?["result"] as? [String: Any])?["items"] as? [[String: Any]]) ?? []).compactMap { $0["label"] as? String }
    XCTAssertTrue(labels.contains("writeStdout"), "\(labels)")
    XCTAssertFalse(labels.contains("map"))

    // Document symbols: the top-level type, function and binding.
    let symbols = try XCTUnwrap(client.request("textDocument/documentSymbol", ["textDocument": ["uri": uri]])?["result"] as? [[String: Any]])
    XCTAssertEqual(symbols.compactMap { $0["name"] as? String }, ["Bid", "double", "bids"])
    XCTAssertEqual(symbols.compactMap { $0["kind"] as? Int }, [23, 12, 13])
    XCTAssertEqual(range(symbols[1]["selectionRange"])?.0, 2)
    XCTAssertEqual(((symbols[0]["children"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }, ["auction", "bidder", "price"])

    // Completion after `b.`: the record's fields.
    let dotted = fixed.replacingOccurrences(of: "b.price > double(100)", with: "b.")
    client.notify("textDocument/didChange", ["textDocument": ["uri": uri, "version": 3], "contentChanges": [["text": dotted]]])
    XCTAssertNotNil(client.diagnostics(for: uri))
    let fields = client.request("textDocument/completion", ["textDocument": ["uri": uri], "position": position(7, 19)])
    let fieldItems = ((fields?["result"] as? [String: Any])?["items"] as? [[String: Any]]) ?? []
    XCTAssertEqual(fieldItems.compactMap { $0["label"] as? String }, ["auction", "bidder", "price"])
    XCTAssertEqual(fieldItems.first?["detail"] as? String, "Int")

    // Formatting: one whole-document edit, the text `flow fmt` writes.
    let messy = "let xs=[1,2,3]\nxs|>map(x=>x*2)\n  |>writeStdout()\n"
    client.notify("textDocument/didChange", ["textDocument": ["uri": uri, "version": 4], "contentChanges": [["text": messy]]])
    _ = client.diagnostics(for: uri)
    let fmt = client.request("textDocument/formatting", ["textDocument": ["uri": uri], "options": ["tabSize": 2, "insertSpaces": true]])
    let edits = try XCTUnwrap(fmt?["result"] as? [[String: Any]])
    XCTAssertEqual(edits.count, 1)
    XCTAssertEqual(edits.first?["newText"] as? String, "let xs = [1, 2, 3]\nxs |> map(x => x * 2)\n  |> writeStdout()\n")
    let er = try XCTUnwrap(range(edits.first?["range"]))
    XCTAssertEqual(er.0, 0)
    XCTAssertEqual(er.1, 0)
    XCTAssertEqual(er.2, 3)

    // Unknown requests and malformed input get errors; the server goes on.
    let unknown = client.request("textDocument/rename", ["textDocument": ["uri": uri]])
    XCTAssertEqual((unknown?["error"] as? [String: Any])?["code"] as? Int, -32601)
    let junk = Data("{not json".utf8)
    client.sendRaw(Data("Content-Length: \(junk.count)\r\n\r\n".utf8) + junk)
    let parseError = client.wait { ($0["error"] as? [String: Any])?["code"] as? Int == -32700 }
    XCTAssertNotNil(parseError)
    client.sendRaw(Data("Content-Type: nothing\r\n\r\n".utf8))
    let badParams = client.request("textDocument/hover", ["position": "here"])
    XCTAssertEqual((badParams?["error"] as? [String: Any])?["code"] as? Int, -32602)

    // didClose clears the document's diagnostics.
    client.notify("textDocument/didClose", ["textDocument": ["uri": uri]])
    XCTAssertEqual(client.diagnostics(for: uri)?.count, 0)

    // shutdown, exit: exit code 0.
    let shutdown = client.request("shutdown", NSNull())
    XCTAssertNotNil(shutdown)
    XCTAssertTrue(shutdown?["result"] is NSNull)
    client.notify("exit", [:])
    let deadline = Date().addingTimeInterval(10)
    while client.process.isRunning && Date() < deadline { usleep(10_000) }
    XCTAssertFalse(client.process.isRunning)
    if !client.process.isRunning { XCTAssertEqual(client.process.terminationStatus, 0) }
  }

  func testRelativeImportsAndModuleMembers() throws {
    guard let exe = LSPTests.flowPath else { throw XCTSkip("the flow binary is not built") }
    try "pub fn celsius(f: Float) -> Float = (f - 32.0) * 5.0 / 9.0\n".write(to: tmp.appendingPathComponent("conv.flow"), atomically: true, encoding: .utf8)
    let client = try Client(executable: exe, cacheDir: tmp.appendingPathComponent("cache").path)
    defer { client.stop() }
    _ = client.request("initialize", ["capabilities": [String: Any]()])
    client.notify("initialized", [:])
    let uri = "file://" + tmp.appendingPathComponent("main.flow").path
    let text = "import \"./conv.flow\" as conv\nimport std.stats\nlet c = conv.celsius(212.0)\nlet m = stats.\n"
    client.notify("textDocument/didOpen", ["textDocument": ["uri": uri, "languageId": "flow", "version": 1, "text": text]])
    let diags = try XCTUnwrap(client.diagnostics(for: uri))
    XCTAssertFalse(diags.contains { ($0["code"] as? String) == "E0402" }, "the relative import did not resolve: \(diags)")

    // Definition of a member of an imported file: that file.
    let def = client.request("textDocument/definition", ["textDocument": ["uri": uri], "position": ["line": 2, "character": 14]])
    let loc = (def?["result"] as? [[String: Any]])?.first
    XCTAssertTrue((loc?["uri"] as? String ?? "").hasSuffix("/conv.flow"))
    XCTAssertEqual(range(loc?["range"])?.0, 0)

    // After `stats.`: the module's public members.
    let comp = client.request("textDocument/completion", ["textDocument": ["uri": uri], "position": ["line": 3, "character": 14]])
    let labels = (((comp?["result"] as? [String: Any])?["items"] as? [[String: Any]]) ?? []).compactMap { $0["label"] as? String }
    XCTAssertTrue(labels.contains("mean") && labels.contains("stddev"), "\(labels)")
    _ = client.request("shutdown", NSNull())
    client.notify("exit", [:])
  }

  // MARK: - In-process pieces

  func testMessageReaderFraming() {
    var r = MessageReader()
    let body = Data("{\"jsonrpc\":\"2.0\",\"method\":\"initialized\"}".utf8)
    let framed = Data("Content-Length: \(body.count)\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n".utf8) + body
    // Byte by byte: nothing until the body is complete.
    for (i, b) in framed.enumerated() {
      r.append([b])
      if i < framed.count - 1 { XCTAssertNil(r.next()) }
    }
    XCTAssertEqual(r.next(), .message(body))
    XCTAssertNil(r.next())
    // Two messages in one piece, and a header without a length in between.
    r.append(Data("Content-Length: 2\r\n\r\n{}X-Nothing: 1\r\n\r\nContent-Length: 2\r\n\r\n[]".utf8))
    XCTAssertEqual(r.next(), .message(Data("{}".utf8)))
    if case .malformed? = r.next() {} else { XCTFail("expected a malformed header") }
    XCTAssertEqual(r.next(), .message(Data("[]".utf8)))
  }

  func testPositionsCountUTF16() {
    let f = SourceFile(path: "t", text: "let s = \"é😀\"\nlet t = 1\n")
    // `"` at 8, é (2 bytes, 1 unit) at 9, 😀 (4 bytes, 2 units) at 11, `"` at 15.
    XCTAssertEqual(f.offset(line: 0, character: 10), 11)
    XCTAssertEqual(f.offset(line: 0, character: 12), 15)
    XCTAssertEqual(f.position(of: 15).character, 12)
    XCTAssertEqual(f.offset(line: 1, character: 4), 21)
    XCTAssertEqual(f.position(of: 21).line, 1)
    XCTAssertEqual(f.offset(line: 9, character: 0), f.bytes.count)
  }
}
