/// Turns source bytes into tokens. The lexer never fails: anything it cannot
/// read becomes an `invalid` token plus a diagnostic, and lexing goes on.
public struct Lexer {
  private let bytes: [UInt8]
  private let fileID: Int
  private var pos: Int
  private let end: Int
  public private(set) var diagnostics: [Diagnostic] = []
  /// Where the `\(` of the interpolation being lexed starts, if any.
  private var interpolationStart: Int? = nil

  public init(file: SourceFile, fileID: Int) {
    self.bytes = file.bytes
    self.fileID = fileID
    self.pos = 0
    self.end = file.bytes.count
  }

  private init(bytes: [UInt8], fileID: Int, start: Int, end: Int) {
    self.bytes = bytes
    self.fileID = fileID
    self.pos = start
    self.end = end
  }

  /// Lexes the whole file. The last token is always `eof`.
  public static func tokenize(_ file: SourceFile, fileID: Int) -> (tokens: [Token], diagnostics: [Diagnostic]) {
    var lexer = Lexer(file: file, fileID: fileID)
    let tokens = lexer.lexAll(closingParen: false)
    return (tokens, lexer.diagnostics)
  }

  // MARK: - Driver

  /// Lexes tokens until the end of input, or, inside a string interpolation,
  /// until the `)` that closes it (which becomes the `eof` of that token list).
  private mutating func lexAll(closingParen: Bool) -> [Token] {
    var tokens: [Token] = []
    var depth = 0
    while true {
      // Inside an interpolation a line break is not skipped: it ends the
      // string, so the interpolation is unterminated (reported below).
      let sawNewline = skipTrivia(stopAtNewline: closingParen)
      // An unterminated interpolation is reported at its `\(`, once: the
      // string around it is then unterminated too, which goes unsaid.
      let at = interpolationStart ?? pos
      guard pos < end else {
        if closingParen { report("E0003", "unterminated string interpolation", start: at, end: at + 2, label: "this '\\(' is never closed with ')'") }
        tokens.append(Token(kind: .eof, span: span(pos, pos), newlineBefore: sawNewline))
        return tokens
      }
      if closingParen && bytes[pos] == UInt8(ascii: ")") && depth == 0 {
        tokens.append(Token(kind: .eof, span: span(pos, pos + 1), newlineBefore: sawNewline))
        pos += 1
        return tokens
      }
      if closingParen && (bytes[pos] == UInt8(ascii: "\n")) {
        report("E0003", "unterminated string interpolation", start: at, end: at + 2, label: "this '\\(' is never closed with ')' on its line")
        tokens.append(Token(kind: .eof, span: span(pos, pos), newlineBefore: sawNewline))
        return tokens
      }
      let prevIsDot = tokens.last.map { $0.isPunct(.dot) || $0.isPunct(.questionDot) } ?? false
      var tok = lexToken(afterDot: prevIsDot)
      tok.newlineBefore = sawNewline
      if tok.isPunct(.lParen) { depth += 1 }
      if tok.isPunct(.rParen) { depth -= 1 }
      tokens.append(tok)
    }
  }

  /// Skips spaces, newlines and comments; returns whether a newline was crossed.
  private mutating func skipTrivia(stopAtNewline: Bool = false) -> Bool {
    var newline = false
    while pos < end {
      let c = bytes[pos]
      if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") {
        pos += 1
      } else if c == UInt8(ascii: "\n") {
        // Inside an interpolation the caller handles newlines itself.
        if stopAtNewline { break }
        newline = true
        pos += 1
      } else if c == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "/") {
        while pos < end && bytes[pos] != UInt8(ascii: "\n") { pos += 1 }
      } else if c == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*") {
        skipBlockComment()
      } else {
        break
      }
    }
    return newline
  }

  /// Block comments nest, so a commented-out region may itself hold comments.
  private mutating func skipBlockComment() {
    let start = pos
    var depth = 0
    while pos < end {
      if bytes[pos] == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*") {
        depth += 1; pos += 2
      } else if bytes[pos] == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/") {
        depth -= 1; pos += 2
        if depth == 0 { return }
      } else {
        pos += 1
      }
    }
    report("E0002", "unterminated block comment", start: start, end: start + 2, label: "this comment is never closed", notes: ["help: close it with '*/' (block comments nest, so every '/*' needs its own '*/')"])
  }

  private mutating func lexToken(afterDot: Bool) -> Token {
    let start = pos
    let c = bytes[pos]
    if isIdentStart(c) { return lexWord() }
    if isDigit(c) { return afterDot ? lexTupleIndex() : lexNumber() }
    if c == UInt8(ascii: "\"") { return lexString() }
    if c == UInt8(ascii: "'"), let close = singleQuoteEnd() { return lexSingleQuoted(close) }
    if c == UInt8(ascii: "@") && pos + 1 < end && isDigit(bytes[pos + 1]) { return lexTime() }
    for p in Punct.allCases {
      let raw = p.rawValue.utf8
      if matches(raw) {
        pos += raw.count
        return Token(kind: .punct(p), span: span(start, pos), newlineBefore: false)
      }
    }
    // Skip one whole UTF-8 scalar so the message shows the character.
    pos += 1
    while pos < end && bytes[pos] & 0xC0 == 0x80 { pos += 1 }
    let ch = String(decoding: bytes[start..<pos], as: UTF8.self)
    let hint: [String]
    switch ch {
    case "'": hint = ["help: strings use double quotes: \"text\""]
    case "&": hint = ["help: logical and is '&&'"]
    case "#": hint = ["help: comments start with '//'"]
    default: hint = []
    }
    report("E0001", "unexpected character '\(ch)'", start: start, end: pos, notes: hint)
    return Token(kind: .invalid, span: span(start, pos), newlineBefore: false)
  }

  // MARK: - Words and numbers

  private mutating func lexWord() -> Token {
    let start = pos
    while pos < end && isIdentContinue(bytes[pos]) { pos += 1 }
    let word = String(decoding: bytes[start..<pos], as: UTF8.self)
    if let k = Keyword(rawValue: word) { return Token(kind: .keyword(k), span: span(start, pos), newlineBefore: false) }
    return Token(kind: .identifier(word), span: span(start, pos), newlineBefore: false)
  }

  /// After a `.`, digits are a tuple index (`t.0.1`), never a float.
  private mutating func lexTupleIndex() -> Token {
    let start = pos
    var v: Int64 = 0
    while pos < end && isDigit(bytes[pos]) {
      v = v &* 10 &+ Int64(bytes[pos] - 48)
      pos += 1
    }
    return Token(kind: .int(v), span: span(start, pos), newlineBefore: false)
  }

  private mutating func lexNumber() -> Token {
    let start = pos
    if bytes[pos] == UInt8(ascii: "0") && (peek(1) == UInt8(ascii: "x") || peek(1) == UInt8(ascii: "X")) {
      pos += 2
      var v: UInt64 = 0
      var overflow = false
      let digitsStart = pos
      while pos < end, let d = hexValue(bytes[pos]) ?? (bytes[pos] == UInt8(ascii: "_") ? 255 : nil) {
        if d != 255 {
          let (m, o1) = v.multipliedReportingOverflow(by: 16)
          let (a, o2) = m.addingReportingOverflow(UInt64(d))
          overflow = overflow || o1 || o2
          v = a
        }
        pos += 1
      }
      if pos == digitsStart {
        report("E0004", "hexadecimal literal has no digits", start: start, end: pos)
        return Token(kind: .invalid, span: span(start, pos), newlineBefore: false)
      }
      if overflow || v > UInt64(Int64.max) {
        report("E0004", "integer literal is too large for Int (64-bit)", start: start, end: pos)
        return Token(kind: .invalid, span: span(start, pos), newlineBefore: false)
      }
      return Token(kind: .int(Int64(v)), span: span(start, pos), newlineBefore: false)
    }
    var digits: [UInt8] = []
    var isFloat = false
    func eatDigits(_ lexer: inout Lexer, _ digits: inout [UInt8]) {
      while lexer.pos < lexer.end && (lexer.isDigit(lexer.bytes[lexer.pos]) || lexer.bytes[lexer.pos] == UInt8(ascii: "_")) {
        if lexer.bytes[lexer.pos] != UInt8(ascii: "_") { digits.append(lexer.bytes[lexer.pos]) }
        lexer.pos += 1
      }
    }
    eatDigits(&self, &digits)
    if pos < end && bytes[pos] == UInt8(ascii: ".") && pos + 1 < end && isDigit(bytes[pos + 1]) {
      isFloat = true
      digits.append(UInt8(ascii: "."))
      pos += 1
      eatDigits(&self, &digits)
    }
    if pos < end && (bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E")) {
      var p = pos + 1
      if p < end && (bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-")) { p += 1 }
      if p < end && isDigit(bytes[p]) {
        isFloat = true
        digits.append(contentsOf: bytes[pos..<p])
        pos = p
        eatDigits(&self, &digits)
      }
    }
    // A unit suffix makes an integer a duration: 500ms 10s 5m 1h 1d.
    if !isFloat, pos < end, isIdentStart(bytes[pos]) {
      let unitStart = pos
      var p = pos
      while p < end && isIdentContinue(bytes[p]) { p += 1 }
      let unit = String(decoding: bytes[unitStart..<p], as: UTF8.self)
      let scale: Int64?
      switch unit {
      case "ms": scale = 1
      case "s": scale = 1000
      case "m": scale = 60_000
      case "h": scale = 3_600_000
      case "d": scale = 86_400_000
      default: scale = nil
      }
      pos = p
      let text = String(decoding: digits, as: UTF8.self)
      guard let s = scale else {
        report("E0005", "unknown duration unit '\(unit)'", start: unitStart, end: p, notes: ["help: duration units are ms, s, m, h and d, e.g. 500ms or 10s"])
        return Token(kind: .invalid, span: span(start, pos), newlineBefore: false)
      }
      guard let n = Int64(text), case let (v, o) = n.multipliedReportingOverflow(by: s), !o else {
        report("E0004", "duration literal is too large", start: start, end: pos)
        return Token(kind: .invalid, span: span(start, pos), newlineBefore: false)
      }
      return Token(kind: .duration(v), span: span(start, pos), newlineBefore: false)
    }
    let text = String(decoding: digits, as: UTF8.self)
    // `1.5s`: a duration counts whole units. Say so once, with the exact
    // spelling, rather than "expected the end of the statement, found 's'".
    if isFloat, pos < end, isIdentStart(bytes[pos]) {
      var p = pos
      while p < end && isIdentContinue(bytes[p]) { p += 1 }
      let unit = String(decoding: bytes[pos..<p], as: UTF8.self)
      let scale: Double? = ["ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000][unit]
      if let s = scale {
        let unitStart = pos
        pos = p
        let ms = (Double(text) ?? 0) * s
        report("E0005", "a duration is a whole number of '\(unit)'", start: start, end: unitStart, notes: ms.rounded() == ms && abs(ms) < 1e15 ? ["help: write \(Int64(ms))ms"] : ["help: durations are whole numbers of ms, s, m, h or d"])
        return Token(kind: .invalid, span: span(start, pos), newlineBefore: false)
      }
    }
    if isFloat {
      return Token(kind: .float(Double(text) ?? 0), span: span(start, pos), newlineBefore: false)
    }
    guard let v = Int64(text) else {
      report("E0004", "integer literal is too large for Int (64-bit)", start: start, end: pos, notes: ["help: write it as a Float, e.g. \(text).0"])
      return Token(kind: .invalid, span: span(start, pos), newlineBefore: false)
    }
    return Token(kind: .int(v), span: span(start, pos), newlineBefore: false)
  }

  /// `@YYYY-MM-DD`, optionally `THH:MM[:SS[.fff]]` and `Z` or `±HH:MM`.
  private mutating func lexTime() -> Token {
    let start = pos
    pos += 1
    let bodyStart = pos
    while pos < end {
      let c = bytes[pos]
      if isDigit(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ":") || c == UInt8(ascii: "T") || c == UInt8(ascii: "Z") || c == UInt8(ascii: ".") || c == UInt8(ascii: "+") {
        pos += 1
      } else { break }
    }
    let text = String(decoding: bytes[bodyStart..<pos], as: UTF8.self)
    guard let ms = parseTimeLiteral(text) else {
      report("E0006", "malformed time literal '@\(text)'", start: start, end: pos, notes: ["help: write a UTC instant such as @2024-01-01T00:00:00Z or a date such as @2024-01-01"])
      return Token(kind: .invalid, span: span(start, pos), newlineBefore: false)
    }
    return Token(kind: .time(ms), span: span(start, pos), newlineBefore: false)
  }

  // MARK: - Strings

  private mutating func lexString() -> Token {
    let start = pos
    let triple = matches("\"\"\"".utf8)
    pos += triple ? 3 : 1
    // A triple-quoted string drops the line break right after its opening quotes.
    if triple {
      if pos < end && bytes[pos] == UInt8(ascii: "\r") { pos += 1 }
      if pos < end && bytes[pos] == UInt8(ascii: "\n") { pos += 1 }
    }
    var pieces: [StringPiece] = []
    var buf: [UInt8] = []
    var unterminatedReported = false
    func flush(_ pieces: inout [StringPiece], _ buf: inout [UInt8]) {
      if !buf.isEmpty {
        pieces.append(.text(String(decoding: buf, as: UTF8.self)))
        buf.removeAll(keepingCapacity: true)
      }
    }
    while true {
      guard pos < end, triple || bytes[pos] != UInt8(ascii: "\n") else {
        // A string inside an interpolation: the interpolation reports the
        // broken line. After a broken interpolation: already reported.
        if !unterminatedReported && interpolationStart == nil {
          report("E0003", "unterminated string literal", start: start, end: pos, label: "this string is never closed", notes: [triple ? "help: close it with \"\"\"" : "help: close it with '\"' on the same line, or use \"\"\" for text spanning lines"])
        }
        flush(&pieces, &buf)
        var tok = Token(kind: .string(pieces), span: span(start, pos), newlineBefore: false)
        tok.unterminated = true
        return tok
      }
      let c = bytes[pos]
      if triple ? matches("\"\"\"".utf8) : c == UInt8(ascii: "\"") {
        pos += triple ? 3 : 1
        break
      }
      if c == UInt8(ascii: "\\") {
        let escStart = pos
        pos += 1
        guard pos < end else { continue }
        let e = bytes[pos]
        pos += 1
        switch e {
        case UInt8(ascii: "n"): buf.append(10)
        case UInt8(ascii: "t"): buf.append(9)
        case UInt8(ascii: "r"): buf.append(13)
        case UInt8(ascii: "0"): buf.append(0)
        case UInt8(ascii: "\\"): buf.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "\""): buf.append(UInt8(ascii: "\""))
        case UInt8(ascii: "'"): buf.append(UInt8(ascii: "'"))
        case UInt8(ascii: "u"):
          if let scalar = lexUnicodeEscape() {
            buf.append(contentsOf: Array(String(Character(scalar)).utf8))
          } else {
            report("E0007", "malformed unicode escape", start: escStart, end: pos, notes: ["help: write \\u{1F600} with 1 to 8 hex digits"])
          }
        case UInt8(ascii: "("):
          flush(&pieces, &buf)
          var sub = Lexer(bytes: bytes, fileID: fileID, start: pos, end: end)
          sub.interpolationStart = escStart
          let toks = sub.lexAll(closingParen: true)
          diagnostics.append(contentsOf: sub.diagnostics)
          pos = sub.pos
          pieces.append(.interpolation(toks))
          // The interpolation broke off at the end of the line or file, and
          // said so: this string is therefore unterminated too, unsaid.
          if let last = toks.last, last.span.start == last.span.end { unterminatedReported = true }
        default:
          report("E0007", "unknown escape sequence '\\\(Character(Unicode.Scalar(e)))'", start: escStart, end: pos, notes: ["help: escapes are \\n \\t \\r \\0 \\\\ \\\" \\u{...} and \\( expression )"])
        }
        continue
      }
      buf.append(c)
      pos += 1
    }
    flush(&pieces, &buf)
    return Token(kind: .string(pieces), span: span(start, pos), newlineBefore: false)
  }

  /// The offset of the `'` closing a single-quoted text on this line, if any.
  private func singleQuoteEnd() -> Int? {
    var p = pos + 1
    while p < end && bytes[p] != UInt8(ascii: "\n") {
      if bytes[p] == UInt8(ascii: "'") { return p }
      p += 1
    }
    return nil
  }

  /// `'text'`: reported once, and read as the string it was meant to be, so
  /// that its letters are not reported again as names.
  private mutating func lexSingleQuoted(_ close: Int) -> Token {
    let start = pos
    let text = String(decoding: bytes[(pos + 1)..<close], as: UTF8.self)
    pos = close + 1
    let quote = "'"
    report("E0001", "unexpected character '\(quote)'", start: start, end: start + 1, label: "strings use double quotes", notes: ["help: write \"\(text)\""])
    return Token(kind: .string([.text(text)]), span: span(start, pos), newlineBefore: false)
  }

  private mutating func lexUnicodeEscape() -> Unicode.Scalar? {
    guard pos < end, bytes[pos] == UInt8(ascii: "{") else { return nil }
    pos += 1
    var v: UInt32 = 0
    var n = 0
    while pos < end, let d = hexValue(bytes[pos]), n < 8 {
      v = v * 16 + UInt32(d)
      n += 1
      pos += 1
    }
    guard n > 0, pos < end, bytes[pos] == UInt8(ascii: "}") else { return nil }
    pos += 1
    return Unicode.Scalar(v)
  }

  // MARK: - Helpers

  private func peek(_ k: Int) -> UInt8? { pos + k < end ? bytes[pos + k] : nil }

  private func matches<S: Sequence>(_ s: S) -> Bool where S.Element == UInt8 {
    var p = pos
    for b in s {
      guard p < end, bytes[p] == b else { return false }
      p += 1
    }
    return true
  }

  private func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
  private func isIdentStart(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }
  private func isIdentContinue(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) }
  private func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case 48...57: return c - 48
    case 65...70: return c - 55
    case 97...102: return c - 87
    default: return nil
    }
  }

  private func span(_ s: Int, _ e: Int) -> Span { Span(fileID: fileID, start: s, end: e) }

  private mutating func report(_ code: String, _ message: String, start: Int, end: Int, label: String? = nil, notes: [String] = []) {
    diagnostics.append(.error(code, message, at: span(start, end), label: label, notes: notes))
  }
}

/// Parses the body of a time literal (without `@`) to epoch milliseconds.
public func parseTimeLiteral(_ text: String) -> Int64? {
  let b = Array(text.utf8)
  var i = 0
  func num(_ n: Int) -> Int64? {
    guard i + n <= b.count else { return nil }
    var v: Int64 = 0
    for k in 0..<n {
      let c = b[i + k]
      guard c >= 48 && c <= 57 else { return nil }
      v = v * 10 + Int64(c - 48)
    }
    i += n
    return v
  }
  func expect(_ c: Character) -> Bool {
    guard i < b.count, b[i] == c.asciiValue else { return false }
    i += 1
    return true
  }
  guard let y = num(4), expect("-"), let mo = num(2), expect("-"), let d = num(2) else { return nil }
  guard (1...12).contains(mo), (1...daysInMonth(y, mo)).contains(d) else { return nil }
  var h: Int64 = 0, mi: Int64 = 0, s: Int64 = 0, ms: Int64 = 0, offset: Int64 = 0
  if i < b.count {
    guard expect("T"), let hh = num(2), expect(":"), let mm = num(2) else { return nil }
    h = hh; mi = mm
    if i < b.count && b[i] == UInt8(ascii: ":") {
      i += 1
      guard let ss = num(2) else { return nil }
      s = ss
      if i < b.count && b[i] == UInt8(ascii: ".") {
        i += 1
        var frac: Int64 = 0, digits = 0
        while i < b.count, b[i] >= 48, b[i] <= 57 {
          if digits < 3 { frac = frac * 10 + Int64(b[i] - 48); digits += 1 }
          i += 1
        }
        guard digits > 0 else { return nil }
        while digits < 3 { frac *= 10; digits += 1 }
        ms = frac
      }
    }
    guard h < 24, mi < 60, s < 61 else { return nil }
    if i < b.count {
      if expect("Z") {
      } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
        let sign: Int64 = b[i] == UInt8(ascii: "-") ? -1 : 1
        i += 1
        guard let oh = num(2), expect(":"), let om = num(2) else { return nil }
        offset = sign * (oh * 60 + om) * 60_000
      } else { return nil }
    }
  }
  guard i == b.count else { return nil }
  let days = daysFromCivil(y, mo, d)
  return ((days * 24 + h) * 60 + mi) * 60_000 + s * 1000 + ms - offset
}

private func daysInMonth(_ y: Int64, _ m: Int64) -> Int64 {
  switch m {
  case 2: return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28
  case 4, 6, 9, 11: return 30
  default: return 31
  }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
public func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
  let y = m <= 2 ? y0 - 1 : y0
  let era = (y >= 0 ? y : y - 399) / 400
  let yoe = y - era * 400
  let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
  let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
  return era * 146097 + doe - 719468
}
