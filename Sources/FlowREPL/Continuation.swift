import FlowSyntax

/// Whether typed text is a whole input or needs more lines, decided from
/// the lexer's tokens:
///
/// - an unclosed `(`, `[` or `{`;
/// - an unterminated triple-quoted string or block comment;
/// - a last token that cannot end an input: `|>`, `=`, `=>`, `->`, a
///   binary operator, `,`, `.`, or a keyword such as `then` or `else`;
/// - the parser ran out of text: `if c then a` still needs its `else`.
///
/// A line that *starts* with `|>` continues the previous input; the shell
/// handles that (see `Shell.readInput`).
public enum Continuation {
  public static func needsMore(_ text: String) -> Bool {
    var text = text
    if text.hasPrefix(":") {
      // A command: only an expression argument can go on (`:type` is not
      // the keyword `type`; `:load a.` is a file name).
      let name = String(text.prefix { !$0.isWhitespace })
      guard expressionCommands.contains(name) else { return false }
      text = String(text.dropFirst(name.count))
      if text.allSatisfy(\.isWhitespace) { return false }
    }
    let file = SourceFile(path: "<repl>", text: text)
    let (tokens, diagnostics) = Lexer.tokenize(file, fileID: 0)
    if diagnostics.contains(where: { $0.code == "E0002" }) { return true }  // unterminated /* comment
    let bytes = file.bytes
    var depth = 0
    var last: Token?
    for t in tokens {
      switch t.kind {
      case .punct(.lParen), .punct(.lBracket), .punct(.lBrace): depth += 1
      case .punct(.rParen), .punct(.rBracket), .punct(.rBrace): depth -= 1
      case .string:
        if t.unterminated, t.span.start + 3 <= bytes.count,
           bytes[t.span.start] == 34, bytes[t.span.start + 1] == 34, bytes[t.span.start + 2] == 34 {
          return true
        }
      case .eof: continue
      default: break
      }
      last = t
    }
    if depth > 0 { return true }
    if let l = last {
      switch l.kind {
      case .punct(let p): if continuing.contains(p) { return true }
      case .keyword(let k): if [.`if`, .then, .`else`, .match, .with, .`let`, .fn, .type, .`import`, .`as`, .pub, .extern].contains(k) { return true }
      default: break
      }
    }
    return endsEarly(text)
  }

  /// The parser stopped at the end of the text: an `if` still without its
  /// `else`, or "expected ..., found end of file".
  static func endsEarly(_ text: String) -> Bool {
    let content = text
    let end = content.utf8.count - content.utf8.reversed().prefix { $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }.count
    guard end > 0 else { return false }
    let (_, diagnostics) = Parser.parse(SourceFile(path: "<repl>", text: content), fileID: 0, ids: NodeIDs())
    return diagnostics.contains { d in
      d.severity == .error && d.span.end >= end && (d.code == "E0111" || d.message.hasSuffix("found end of file"))
    }
  }

  /// The commands whose argument is an expression.
  static let expressionCommands: Set<String> = [":type", ":t", ":plan", ":p", ":illustrate", ":i"]

  /// A line ending in one of these goes on: `|>`, `=`, `=>`, `->` and the
  /// binary operators.
  static let continuing: Set<Punct> = [
    .pipe, .equal, .fatArrow, .arrow, .eqEq, .notEq, .lessEq, .greaterEq, .andAnd, .orOr,
    .questionQuestion, .questionDot, .dot, .comma, .less, .greater, .plus, .minus, .star, .slash, .percent, .bar,
  ]

  /// The closing brackets an incomplete text needs, innermost first (for
  /// completing a field name in the middle of an expression).
  static func closers(_ text: String) -> String? {
    let (tokens, _) = Lexer.tokenize(SourceFile(path: "<repl>", text: text), fileID: 0)
    var stack: [Character] = []
    for t in tokens {
      switch t.kind {
      case .punct(.lParen): stack.append(")")
      case .punct(.lBracket): stack.append("]")
      case .punct(.lBrace): stack.append("}")
      case .punct(.rParen), .punct(.rBracket), .punct(.rBrace):
        if !stack.isEmpty { stack.removeLast() }
      case .string:
        if t.unterminated { return nil }
      default: break
      }
    }
    return String(stack.reversed())
  }
}
