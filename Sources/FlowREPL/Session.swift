import Foundation
import FlowSyntax
import FlowSema
import FlowDriver

/// One piece of the program the shell checks: an accepted declaration, the
/// input being evaluated, or a line the shell adds around it.
///
/// Text keeps the positions of its origin: parts of a typed input or a
/// loaded file that an entry does not hold are blanked with spaces (line
/// breaks kept), so a diagnostic's line and column are those the user sees.
struct Entry {
  enum Kind { case decl, input, wrapper }
  var kind: Kind
  /// `<repl>` or the path of a loaded file: diagnostics name it.
  var path: String
  var text: String
  /// The file it came from, for `:reload`.
  var loadedFrom: String?
}

/// The session program: entries one after another, each from a new line.
struct SessionProgram {
  static let path = "<repl>"
  let entries: [Entry]
  let text: String
  /// Byte offset and 1-based first line of each entry.
  let offsets: [Int]
  let firstLines: [Int]

  init(_ entries: [Entry]) {
    self.entries = entries
    var text = ""
    var offsets: [Int] = []
    var lines: [Int] = []
    var bytes = 0, line = 1
    for e in entries {
      var t = e.text
      if !t.hasSuffix("\n") { t += "\n" }
      offsets.append(bytes)
      lines.append(line)
      text += t
      bytes += t.utf8.count
      line += t.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
    }
    self.text = text
    self.offsets = offsets
    self.firstLines = lines
  }

  func entryIndex(atByte b: Int) -> Int? {
    guard !entries.isEmpty else { return nil }
    var i = entries.count - 1
    while i > 0 && offsets[i] > b { i -= 1 }
    return i
  }

  func entryIndex(atLine l: Int) -> Int? {
    guard !entries.isEmpty else { return nil }
    var i = entries.count - 1
    while i > 0 && firstLines[i] > l { i -= 1 }
    return i
  }

  /// The byte range of entry `i` in the program text.
  func range(of i: Int) -> Range<Int> {
    let end = i + 1 < offsets.count ? offsets[i + 1] : text.utf8.count
    return offsets[i]..<end
  }

  /// Rewrites `<repl>:LINE:COL` (locations of runtime errors and plan
  /// nodes) to the entry the line belongs to: `<repl>:1:5` for the input,
  /// `file.flow:12:3` for a loaded file.
  func remapLocations(_ s: String) -> String {
    let prefix = SessionProgram.path + ":"
    guard s.contains(prefix) else { return s }
    var out = ""
    var rest = Substring(s)
    while let r = rest.range(of: prefix) {
      out += rest[..<r.lowerBound]
      var after = rest[r.upperBound...]
      let lineDigits = after.prefix(while: { $0.isNumber })
      guard let line = Int(lineDigits), let i = entryIndex(atLine: line) else {
        out += prefix
        rest = after
        continue
      }
      after = after.dropFirst(lineDigits.count)
      let e = nearestUserEntry(i)
      let mapped = entries[e].kind == .wrapper ? 1 : line - firstLines[e] + 1
      out += "\(entries[e].path):\(max(1, mapped))"
      rest = after
    }
    return out + rest
  }

  /// Wrapper lines have no text of the user's: map them to a neighbour.
  func nearestUserEntry(_ i: Int) -> Int {
    guard entries[i].kind == .wrapper else { return i }
    if i + 1 < entries.count, entries[i + 1].kind != .wrapper { return i + 1 }
    if i > 0, entries[i - 1].kind != .wrapper { return i - 1 }
    return i
  }
}

/// A checked session program.
struct CheckedProgram {
  let program: SessionProgram
  let checker: Checker
  let result: CheckResult
  var errors: [Diagnostic] { result.diagnostics.filter { $0.severity == .error } }
  var module: ModuleSymbol? { result.module }
  var programFileID: Int { result.module?.program?.fileID ?? 0 }

  init(_ program: SessionProgram) {
    self.program = program
    SQLBridge.install()
    checker = Checker()
    result = checker.check(path: SessionProgram.path, text: program.text)
  }

  /// The top-level items that lie in entry `i`.
  func items(inEntry i: Int) -> [Item] {
    guard let p = module?.program else { return [] }
    let r = program.range(of: i)
    return p.items.filter { r.contains(itemSpan($0).start) }
  }

  /// Diagnostics worth showing: every error, and warnings in the entries
  /// of this input (warnings about accepted declarations were shown once).
  func visibleDiagnostics(inputEntries: Set<Int>) -> [Diagnostic] {
    result.diagnostics.filter { d in
      if d.severity == .error { return true }
      guard d.span.fileID == programFileID, let i = program.entryIndex(atByte: d.span.start) else { return false }
      return inputEntries.contains(program.nearestUserEntry(i))
    }
  }

  /// Caret diagnostics whose positions point into the entry (the typed
  /// input, or the loaded file) instead of the generated program.
  func render(_ diagnostics: [Diagnostic], color: Bool) -> String {
    let map = SourceMap()
    for f in result.sources.files { map.add(f) }
    var entryFileIDs: [Int: Int] = [:]
    func fileID(forEntry i: Int) -> Int {
      if let id = entryFileIDs[i] { return id }
      let id = map.add(SourceFile(path: program.entries[i].path, text: program.entries[i].text))
      entryFileIDs[i] = id
      return id
    }
    let renderer = DiagnosticRenderer(sources: map, color: color)
    var out: [String] = []
    for var d in diagnostics {
      if d.span.fileID == programFileID, let raw = program.entryIndex(atByte: d.span.start) {
        let i = program.nearestUserEntry(raw)
        let length = program.entries[i].text.utf8.count
        var start = d.span.start - program.offsets[i]
        var end = d.span.end - program.offsets[i]
        if i != raw {
          // A wrapper line: point at the end (or start) of the input.
          start = i < raw ? max(0, length - 1) : 0
          end = start
        }
        start = max(0, min(start, length))
        end = max(start, min(end, length))
        d.span = Span(fileID: fileID(forEntry: i), start: start, end: end)
        d.notes = d.notes.map { program.remapLocations($0) }
      }
      out.append(renderer.text(d))
    }
    return out.joined(separator: "\n\n")
  }
}

func itemSpan(_ item: Item) -> Span {
  switch item {
  case .importDecl(let d): return d.span
  case .typeDecl(let d): return d.span
  case .fnDecl(let d): return d.span
  case .letDecl(let d): return d.span
  case .expr(let e): return e.span
  }
}

/// `text` with every byte outside `keep` turned into a space (line breaks
/// stay), so what is kept keeps its line and column.
func blank(_ text: String, keeping keep: [Range<Int>]) -> String {
  var bytes = Array(text.utf8)
  var i = 0
  while i < bytes.count {
    if bytes[i] != 10 && bytes[i] != 13 && !keep.contains(where: { $0.contains(i) }) {
      // A multi-byte character becomes one space per byte: keeps offsets.
      bytes[i] = 32
    }
    i += 1
  }
  return String(decoding: bytes, as: UTF8.self)
}

func isBlank(_ text: String) -> Bool {
  text.allSatisfy { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
}

/// The names a pattern binds, with the pattern that binds each (the
/// checker records its type by pattern id).
func boundPatterns(_ p: Pattern) -> [(String, Pattern)] {
  switch p.kind {
  case .bind(let n): return [(n, p)]
  case .constructor(_, let args), .tuple(let args): return args.flatMap(boundPatterns)
  case .record(let fields, _): return fields.flatMap { boundPatterns($0.pattern) }
  default: return []
  }
}

/// The names an item declares: values (lets, functions, constructors,
/// imported names) and types (`type X` is kept apart as "type X").
func declaredNames(_ item: Item) -> Set<String> {
  switch item {
  case .letDecl(let l): return Set(l.pattern.boundNames.map(\.text))
  case .fnDecl(let f): return [f.name.text]
  case .typeDecl(let t):
    var names: Set<String> = ["type " + t.name.text]
    if case .sum(let variants) = t.body { for v in variants { names.insert(v.name.text) } }
    return names
  case .importDecl(let imp):
    if let names = imp.names { return Set(names.map(\.text)) }
    if let a = imp.alias { return [a.text] }
    switch imp.target {
    case .module(let parts): return [parts.last?.text ?? ""]
    case .file(let path): return ["import " + path]
    }
  case .expr: return []
  }
}

/// Parses text on its own (for classifying input and finding names).
func parse(_ text: String, path: String) -> (SourceProgram, [Diagnostic]) {
  Parser.parse(SourceFile(path: path, text: text), fileID: 0, ids: NodeIDs())
}
