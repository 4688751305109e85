/// The keywords of Flow. Everything else that looks like a word is an identifier.
public enum Keyword: String, CaseIterable, Sendable {
  case module, `import`, pub, type, fn, `let`, extern, `if`, then, `else`, match, with, `true`, `false`, null, `as`
}

/// Punctuation and operators, longest first where one is a prefix of another.
public enum Punct: String, CaseIterable, Sendable {
  case pipe = "|>", fatArrow = "=>", arrow = "->", eqEq = "==", notEq = "!=", lessEq = "<=", greaterEq = ">="
  case andAnd = "&&", orOr = "||", questionQuestion = "??", questionDot = "?.", dotDot = ".."
  case lParen = "(", rParen = ")", lBrace = "{", rBrace = "}", lBracket = "[", rBracket = "]"
  case comma = ",", colon = ":", semicolon = ";", dot = ".", question = "?", equal = "="
  case less = "<", greater = ">", plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
  case bang = "!", bar = "|"
}

/// One piece of a string literal: literal text or an interpolated expression.
public enum StringPiece: Sendable, Equatable {
  case text(String)
  /// The tokens of `\( ... )`, ending with an `eof` token at the closing paren.
  case interpolation([Token])
}

public enum TokenKind: Sendable, Equatable {
  case identifier(String)
  case int(Int64)
  case float(Double)
  /// A duration literal in milliseconds (`500ms`, `10s`, `5m`, `1h`, `1d`).
  case duration(Int64)
  /// A time literal in milliseconds since the epoch (`@2024-01-01T00:00:00Z`).
  case time(Int64)
  case string([StringPiece])
  case keyword(Keyword)
  case punct(Punct)
  /// Something the lexer could not read; it has already reported a diagnostic.
  case invalid
  case eof
}

public struct Token: Sendable, Equatable {
  public var kind: TokenKind
  public var span: Span
  /// True when a line break separates this token from the previous one.
  /// The parser uses it so that `(` or `[` starting a new line is not a call.
  public var newlineBefore: Bool
  /// A string literal that was never closed (reported by the lexer): it
  /// took the rest of its line, so what is missing after it is no news.
  public var unterminated = false

  public init(kind: TokenKind, span: Span, newlineBefore: Bool) {
    self.kind = kind
    self.span = span
    self.newlineBefore = newlineBefore
  }

  public func isPunct(_ p: Punct) -> Bool { kind == .punct(p) }
  public func isKeyword(_ k: Keyword) -> Bool { kind == .keyword(k) }
  public var identifier: String? {
    if case .identifier(let s) = kind { return s }
    return nil
  }
}

extension TokenKind: CustomStringConvertible {
  /// How a token is named in "expected X, found Y" messages.
  public var description: String {
    switch self {
    case .identifier(let s): return "identifier '\(s)'"
    case .int(let v): return "integer \(v)"
    case .float(let v): return "number \(v)"
    case .duration: return "duration literal"
    case .time: return "time literal"
    case .string: return "string literal"
    case .keyword(let k): return "keyword '\(k.rawValue)'"
    case .punct(let p): return "'\(p.rawValue)'"
    case .invalid: return "invalid token"
    case .eof: return "end of file"
    }
  }
}
