import FlowSyntax

/// One SQL token. Keywords are identifiers compared without case, so a
/// column may be called `count` or `value` as in Flink.
public struct SQLToken: Sendable {
  public enum Kind: Equatable, Sendable {
    /// A name; `quoted` for `` `back ticked` `` names, which are never keywords.
    case ident(String, quoted: Bool)
    case number(String)
    /// A '...' literal with '' unescaped.
    case string(String)
    /// An operator or punctuation: ( ) , ; . * + - / % = <> != < <= > >= ||
    case symbol(String)
    case eof
  }
  public var kind: Kind
  public var span: Span

  /// True for the unquoted identifier `word` in any case.
  func isKeyword(_ word: String) -> Bool {
    if case .ident(let s, false) = kind { return s.caseInsensitiveCompare(word) == .orderedSame }
    return false
  }
  func isSymbol(_ s: String) -> Bool { kind == .symbol(s) }
}

/// Splits SQL text into tokens; `--` and `/* */` comments are skipped.
/// Never throws: a stray character or an unclosed literal is a diagnostic.
struct SQLLexer {
  let bytes: [UInt8]
  let fileID: Int
  var pos = 0
  var diagnostics: [Diagnostic] = []

  init(_ file: SourceFile, fileID: Int) {
    bytes = file.bytes
    self.fileID = fileID
  }

  func span(_ a: Int, _ b: Int) -> Span { Span(fileID: fileID, start: a, end: b) }

  mutating func tokenize() -> [SQLToken] {
    var out: [SQLToken] = []
    while true {
      skipTrivia()
      guard pos < bytes.count else { break }
      let start = pos
      let c = bytes[pos]
      if isIdentStart(c) {
        while pos < bytes.count, isIdentPart(bytes[pos]) { pos += 1 }
        out.append(SQLToken(kind: .ident(text(start, pos), quoted: false), span: span(start, pos)))
      } else if c == UInt8(ascii: "`") {
        pos += 1
        while pos < bytes.count, bytes[pos] != UInt8(ascii: "`") { pos += 1 }
        if pos >= bytes.count {
          diagnostics.append(.error("E0801", "unclosed quoted name", at: span(start, start + 1), notes: ["help: close it with a back tick (`)"]))
          out.append(SQLToken(kind: .ident(text(start + 1, pos), quoted: true), span: span(start, pos)))
        } else {
          out.append(SQLToken(kind: .ident(text(start + 1, pos), quoted: true), span: span(start, pos + 1)))
          pos += 1
        }
      } else if isDigit(c) || (c == UInt8(ascii: ".") && pos + 1 < bytes.count && isDigit(bytes[pos + 1])) {
        while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "."), !(pos + 1 < bytes.count && bytes[pos + 1] == UInt8(ascii: ".")) {
          pos += 1
          while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
          var p = pos + 1
          if p < bytes.count, bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-") { p += 1 }
          if p < bytes.count, isDigit(bytes[p]) {
            pos = p
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
          }
        }
        out.append(SQLToken(kind: .number(text(start, pos)), span: span(start, pos)))
      } else if c == UInt8(ascii: "'") {
        var value: [UInt8] = []
        pos += 1
        var closed = false
        while pos < bytes.count {
          if bytes[pos] == UInt8(ascii: "'") {
            if pos + 1 < bytes.count, bytes[pos + 1] == UInt8(ascii: "'") {
              value.append(UInt8(ascii: "'"))
              pos += 2
              continue
            }
            pos += 1
            closed = true
            break
          }
          value.append(bytes[pos])
          pos += 1
        }
        if !closed {
          diagnostics.append(.error("E0801", "unclosed string literal", at: span(start, start + 1), notes: ["help: close it with a single quote ('); write '' for a quote inside it"]))
        }
        out.append(SQLToken(kind: .string(String(decoding: value, as: UTF8.self)), span: span(start, pos)))
      } else {
        let two = pos + 1 < bytes.count ? text(pos, pos + 2) : ""
        if ["<>", "!=", "<=", ">=", "||"].contains(two) {
          pos += 2
          out.append(SQLToken(kind: .symbol(two), span: span(start, pos)))
        } else if "(),;.*+-/%=<>?{}|".utf8.contains(c) {
          pos += 1
          out.append(SQLToken(kind: .symbol(text(start, pos)), span: span(start, pos)))
        } else {
          // One whole UTF-8 character, so the caret sits under it.
          pos += 1
          while pos < bytes.count, bytes[pos] & 0xC0 == 0x80 { pos += 1 }
          diagnostics.append(.error("E0801", "unexpected character '\(text(start, pos))' in SQL", at: span(start, pos)))
        }
      }
    }
    out.append(SQLToken(kind: .eof, span: span(bytes.count, bytes.count)))
    return out
  }

  mutating func skipTrivia() {
    while pos < bytes.count {
      let c = bytes[pos]
      if c == 32 || c == 9 || c == 10 || c == 13 {
        pos += 1
      } else if c == UInt8(ascii: "-"), pos + 1 < bytes.count, bytes[pos + 1] == UInt8(ascii: "-") {
        while pos < bytes.count, bytes[pos] != 10 { pos += 1 }
      } else if c == UInt8(ascii: "/"), pos + 1 < bytes.count, bytes[pos + 1] == UInt8(ascii: "*") {
        let start = pos
        pos += 2
        while pos + 1 < bytes.count, !(bytes[pos] == UInt8(ascii: "*") && bytes[pos + 1] == UInt8(ascii: "/")) { pos += 1 }
        if pos + 1 >= bytes.count {
          diagnostics.append(.error("E0801", "unclosed comment", at: span(start, start + 2), notes: ["help: close it with */"]))
          pos = bytes.count
        } else {
          pos += 2
        }
      } else {
        return
      }
    }
  }

  func text(_ a: Int, _ b: Int) -> String { String(decoding: bytes[a..<min(b, bytes.count)], as: UTF8.self) }
  func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
  func isIdentStart(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c >= 0x80 }
  func isIdentPart(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) || c == UInt8(ascii: "$") }
}
