import Foundation
import XCTest
import FlowSyntax
import FlowSema

/// Robustness: the examples and the standard library, mutated thousands of
/// times (deleted, duplicated, swapped and replaced tokens, truncation at any
/// byte, stray punctuation), must never crash or hang the parser or the
/// checker, and every diagnostic must point inside its file.
///
/// The run is deterministic (a fixed seed; mutant `i` draws from its own
/// SplitMix64 stream), so a failure names the mutant index and reproduces.
///
/// Environment knobs (all optional):
/// - `FLOW_MUTANTS=n`: how many mutants (default 3,000);
/// - `FLOW_MUTATION_SEED=n`: another seed, to explore further;
/// - `FLOW_MUTATION_LANES=n`: threads to spread the mutants over (default 2);
/// - `FLOW_MUTATION_LOG=path`: write each mutant to `path` (`path.N` for lane
///   N) before checking it, so that if the process dies the file holds the
///   input that killed it.
final class MutationRobustnessTests: XCTestCase {

  /// A single check slower than this is a failure (a hang would instead time
  /// out the whole test run). Checks take about 0.1 s; the margin is for
  /// a machine busy with other builds.
  static let perCheckBudget = 5.0

  // MARK: - Regression inputs

  /// Minimal inputs that crashed or hung the parser or the checker go
  /// here; each is parsed and checked on every run. None has been found yet
  /// (13,000 mutants over three seeds), so these are the edge shapes a
  /// truncation or a stray token produces.
  static let regressions: [(name: String, text: String)] = [
    ("empty", ""),
    ("lone open interpolation", "\"\\("),
    ("open block comment", "/*"),
    ("cut in a multi-byte character", String(decoding: Array("let s = \"é".utf8).dropLast(), as: UTF8.self)),
    ("pipe into nothing", "1 |>"),
    ("match with no arms", "let x = match 1 {"),
    ("lambda with no body", "let f = x =>"),
    ("type with no body", "type T ="),
  ]

  func testRegressionInputs() {
    for r in Self.regressions {
      let (ok, message) = Self.checkOne(r.text)
      XCTAssert(ok, "regression '\(r.name)': \(message)")
    }
  }

  // MARK: - The mutation run

  func testMutantsNeverCrashOrHang() throws {
    let corpus = try Self.loadCorpus()
    XCTAssertFalse(corpus.isEmpty, "no .flow files found under Examples/ and Stdlib/")
    guard !corpus.isEmpty else { return }

    let env = ProcessInfo.processInfo.environment
    let count = env["FLOW_MUTANTS"].flatMap(Int.init) ?? 3_000
    let seed = env["FLOW_MUTATION_SEED"].flatMap(UInt64.init) ?? 0x5EED_F10A
    let logPath = env["FLOW_MUTATION_LOG"]
    // A fresh Checker re-reads the prelude (~25 ms in a debug build), so the
    // mutants are split over the cores to keep the test near 60 s. Lanes only
    // share the immutable corpus; mutant `i` is the same in any lane.
    let lanes = max(1, env["FLOW_MUTATION_LANES"].flatMap(Int.init) ?? min(2, ProcessInfo.processInfo.activeProcessorCount))

    let started = DispatchTime.now().uptimeNanoseconds
    var reports = [LaneReport](repeating: LaneReport(), count: lanes)
    let lock = NSLock()
    DispatchQueue.concurrentPerform(iterations: lanes) { lane in
      let log = logPath.map { lanes == 1 ? $0 : "\($0).\(lane)" }
      let r = Self.runLane(corpus: corpus, indices: Array(stride(from: lane, to: count, by: lanes)), seed: seed, logPath: log)
      lock.lock(); reports[lane] = r; lock.unlock()
    }
    let total = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9

    var all = LaneReport()
    for r in reports { all.merge(r) }
    for f in all.failures.sorted(by: { $0.index < $1.index }).prefix(10) { XCTFail(f.message) }
    let mix = all.kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    print(String(format: "mutation robustness: %d mutants of %d files in %.1f s on %d lane(s) (parse %.1f s, check %.1f s in all); mutations: %@",
                 all.mutants, corpus.count, total, lanes, all.parseSeconds, all.checkSeconds, mix))
    print(String(format: "mutation robustness: slowest check %.3f s (mutant %d, %@), slowest parse %.3f s",
                 all.slowest.seconds, all.slowest.index, all.slowest.kind, all.slowestParse))
    XCTAssertEqual(all.mutants, count)
    XCTAssertEqual(all.failures.count, 0, "\(all.failures.count) mutant(s) failed (first 10 shown above)")
  }

  struct LaneReport {
    var mutants = 0
    var kinds: [String: Int] = [:]  // mutation operators applied, by name
    var parseSeconds = 0.0, checkSeconds = 0.0
    var slowest = (seconds: 0.0, index: -1, kind: "")
    var slowestParse = 0.0
    var failures: [(index: Int, message: String)] = []

    mutating func merge(_ o: LaneReport) {
      mutants += o.mutants
      for (k, v) in o.kinds { kinds[k, default: 0] += v }
      parseSeconds += o.parseSeconds
      checkSeconds += o.checkSeconds
      if o.slowest.seconds > slowest.seconds { slowest = o.slowest }
      slowestParse = max(slowestParse, o.slowestParse)
      failures += o.failures
    }
  }

  /// Generates, parses and checks the mutants `indices`. No XCTest calls here
  /// (it may run off the main thread); problems are returned.
  static func runLane(corpus: [CorpusFile], indices: [Int], seed: UInt64, logPath: String?) -> LaneReport {
    var r = LaneReport()
    for i in indices {
      var rng = SplitMix64(seed: seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
      let original = corpus[i % corpus.count]
      let (text, kind) = mutate(original, rng: &rng)
      for k in kind.split(separator: "+") { r.kinds[String(k), default: 0] += 1 }
      if let logPath {
        try? Data("// mutant \(i) (\(kind)) of \(original.name)\n".utf8 + Array(text.utf8)).write(to: URL(fileURLWithPath: logPath))
      }

      // The parser alone.
      let t0 = DispatchTime.now().uptimeNanoseconds
      let file = SourceFile(path: "mutant.flow", text: text)
      let (_, parseDiags) = Parser.parse(file, fileID: 0, ids: NodeIDs())
      let parseSecs = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
      var problems = spanProblems(parseDiags, sizes: [0: file.bytes.count])

      // The whole checker (parser + prelude + imports + inference).
      let t1 = DispatchTime.now().uptimeNanoseconds
      let result = Checker().check(path: "mutant.flow", text: text)
      let checkSecs = Double(DispatchTime.now().uptimeNanoseconds - t1) / 1e9
      var sizes: [Int: Int] = [:]
      for (id, f) in result.sources.files.enumerated() { sizes[id] = f.bytes.count }
      problems += spanProblems(result.diagnostics, sizes: sizes)

      r.mutants += 1
      r.parseSeconds += parseSecs
      r.checkSeconds += checkSecs
      r.slowestParse = max(r.slowestParse, parseSecs)
      if checkSecs > r.slowest.seconds { r.slowest = (checkSecs, i, "\(kind) of \(original.name)") }
      if parseSecs > perCheckBudget { problems.append(String(format: "parse took %.2f s", parseSecs)) }
      if checkSecs > perCheckBudget { problems.append(String(format: "check took %.2f s", checkSecs)) }
      if !problems.isEmpty {
        r.failures.append((i, "mutant \(i) (\(kind) of \(original.name)): \(problems.joined(separator: "; "))\n--- text ---\n\(text)\n---"))
      }
    }
    return r
  }

  // MARK: - One input

  /// Parses and checks `text`; returns whether every diagnostic is well formed
  /// and each stage ran within the budget.
  static func checkOne(_ text: String) -> (Bool, String) {
    let file = SourceFile(path: "mutant.flow", text: text)
    let t0 = DispatchTime.now().uptimeNanoseconds
    let (_, parseDiags) = Parser.parse(file, fileID: 0, ids: NodeIDs())
    let result = Checker().check(path: "mutant.flow", text: text)
    let secs = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    var sizes: [Int: Int] = [:]
    for (id, f) in result.sources.files.enumerated() { sizes[id] = f.bytes.count }
    var problems = spanProblems(parseDiags, sizes: [0: file.bytes.count]) + spanProblems(result.diagnostics, sizes: sizes)
    if secs > perCheckBudget { problems.append(String(format: "took %.2f s", secs)) }
    return (problems.isEmpty, problems.joined(separator: "; "))
  }

  /// Every diagnostic has a code and a span inside the file it names
  /// (`Span.none`, file id -1, is allowed for file-less problems).
  static func spanProblems(_ diags: [Diagnostic], sizes: [Int: Int]) -> [String] {
    var out: [String] = []
    for d in diags {
      if d.code.isEmpty { out.append("diagnostic without a code: \(d.message)") }
      let s = d.span
      if s.fileID == -1 { continue }
      guard let size = sizes[s.fileID] else {
        out.append("\(d.code) names unknown file \(s.fileID)")
        continue
      }
      if s.start < 0 || s.start > size || s.end > size {
        out.append("\(d.code) span \(s.start)..<\(s.end) outside the file (\(size) bytes): \(d.message)")
      }
    }
    return out
  }

  // MARK: - Corpus

  struct CorpusFile {
    let name: String
    let bytes: [UInt8]
    /// Top-level tokens of `bytes` (lexed once; most mutants mutate the original).
    let tokens: [Token]
  }

  static var repoRoot: URL {
    // Tests/FlowSemaTests/MutationRobustnessTests.swift -> the repository.
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }

  static func loadCorpus() throws -> [CorpusFile] {
    var files: [CorpusFile] = []
    for dir in ["Examples", "Stdlib"] {
      let base = repoRoot.appendingPathComponent(dir)
      guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { continue }
      for case let url as URL in walker where url.pathExtension == "flow" {
        let data = try Data(contentsOf: url)
        let name = dir + "/" + url.path.dropFirst(base.path.count + 1)
        let bytes = Array(String(decoding: data, as: UTF8.self).utf8)
        files.append(CorpusFile(name: name, bytes: bytes, tokens: topLevelTokens(bytes)))
      }
    }
    return files.sorted { $0.name < $1.name }
  }

  // MARK: - Mutations

  static let punctuation = ["(", ")", "{", "}", "[", "]", "\"", "/*", "*/", "//", "|>", "\\(", "=>", "->", ",", ":", ".", "?.", "..", "=", "|", "@", "`", "#", "\\", "'", "0x", "1e", "\n"]
  /// Multi-byte UTF-8 text (2, 3 and 4 bytes per character).
  static let multiByte = ["é", "→", "∀x", "😀", "日本"]

  /// Applies one to three mutations to `bytes`; returns valid text (any
  /// broken UTF-8 is repaired by `String(decoding:as:)`) and a label.
  static func mutate(_ original: CorpusFile, rng: inout SplitMix64) -> (String, String) {
    var bytes = original.bytes
    var labels: [String] = []
    let steps = rng.below(10) < 7 ? 1 : 2 + rng.below(2)
    for step in 0..<steps {
      let tokens = step == 0 ? original.tokens : topLevelTokens(bytes)
      let (next, label) = mutateOnce(bytes, tokens: tokens, rng: &rng)
      // Keep the bytes valid UTF-8 so the next step's token spans index them.
      bytes = Array(String(decoding: next, as: UTF8.self).utf8)
      labels.append(label)
      if label.hasPrefix("truncate") { break }
    }
    return (String(decoding: bytes, as: UTF8.self), labels.joined(separator: "+"))
  }

  /// Top-level tokens of valid UTF-8 `bytes` (a string interpolation's tokens
  /// are inside its string token), without the final `eof`.
  static func topLevelTokens(_ bytes: [UInt8]) -> [Token] {
    let file = SourceFile(path: "m.flow", text: String(decoding: bytes, as: UTF8.self))
    precondition(file.bytes == bytes, "token spans must index the same bytes")
    return Lexer.tokenize(file, fileID: 0).tokens.filter { $0.kind != .eof && $0.span.end > $0.span.start }
  }

  /// One mutation of `src`, whose tokens are `tokens`.
  static func mutateOnce(_ src: [UInt8], tokens: [Token], rng: inout SplitMix64) -> ([UInt8], String) {
    func piece(_ t: Token) -> ArraySlice<UInt8> { src[t.span.start..<t.span.end] }

    let choice = tokens.count < 2 ? 7 + rng.below(3) : rng.below(10)
    switch choice {
    case 0, 1:  // delete a token, keeping the text around it
      let t = tokens[rng.below(tokens.count)]
      return (Array(src[..<t.span.start] + src[t.span.end...]), "delete")
    case 2:  // duplicate a token
      let t = tokens[rng.below(tokens.count)]
      return (Array(src[..<t.span.end] + [UInt8(ascii: " ")] + piece(t) + src[t.span.end...]), "duplicate")
    case 3, 4:  // swap two adjacent tokens, keeping the bytes between them
      let i = rng.below(tokens.count - 1)
      let a = tokens[i], b = tokens[i + 1]
      return (Array(src[..<a.span.start] + piece(b) + src[a.span.end..<b.span.start] + piece(a) + src[b.span.end...]), "swap")
    case 5:  // replace a token by another token's text
      let t = tokens[rng.below(tokens.count)]
      let other = tokens[rng.below(tokens.count)]
      return (Array(src[..<t.span.start] + piece(other) + src[t.span.end...]), "replace")
    case 6, 7:  // insert punctuation before a token or at any byte
      let p = Array(punctuation[rng.below(punctuation.count)].utf8)
      let at = rng.below(2) == 0 && !tokens.isEmpty ? tokens[rng.below(tokens.count)].span.start : rng.below(src.count + 1)
      return (Array(src[..<at] + p + src[at...]), "insert")
    case 8:  // truncate at any byte (inside strings and comments too)
      return (Array(src[..<rng.below(src.count + 1)]), "truncate")
    default:  // truncate in the middle of a multi-byte character
      let continuation = src.indices.filter { src[$0] & 0xC0 == 0x80 }
      if !continuation.isEmpty {
        return (Array(src[..<continuation[rng.below(continuation.count)]]), "truncate-utf8")
      }
      // No non-ASCII text yet: insert some at a random place, then cut inside it.
      let mb = Array(multiByte[rng.below(multiByte.count)].utf8)
      let at = rng.below(src.count + 1)
      let inside = mb.indices.filter { mb[$0] & 0xC0 == 0x80 }  // cut before a continuation byte
      let cut = at + inside[rng.below(inside.count)]
      return (Array((src[..<at] + mb + src[at...]).prefix(cut)), "truncate-utf8")
    }
  }
}

/// SplitMix64 (Steele, Lea and Flood): a tiny, fast, seedable PRNG.
struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// A number in `0..<n` (n > 0).
  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}


