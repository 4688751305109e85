import FlowSyntax
import FlowSema

/// `flow debug tokens|ast|types`: each stage's form, printed.
public enum DebugDump {
  public static func tokens(path: String, text: String) -> String {
    let file = SourceFile(path: path, text: text)
    let (tokens, _) = Lexer.tokenize(file, fileID: 0)
    return tokens.map { t in
      let l = file.location(of: t.span.start)
      return "\(l.line):\(l.column)\t\(t.kind)"
    }.joined(separator: "\n")
  }

  public static func ast(path: String, text: String) -> String {
    let file = SourceFile(path: path, text: text)
    let (program, _) = Parser.parse(file, fileID: 0, ids: NodeIDs())
    return ASTPrinter().print(program)
  }

  /// The type of every top-level binding.
  public static func types(path: String, text: String) -> String {
    let checker = Checker()
    let result = checker.check(path: path, text: text)
    guard let m = result.module else { return "" }
    var out: [String] = []
    if let program = m.program {
      for item in program.items {
        switch item {
        case .letDecl(let l):
          out.append("let \(sourceText(l.pattern.span, program)): \(checker.typeString(ofExpr: l.value.id))")
        case .fnDecl(let f):
          out.append("fn \(f.name.text): \(checker.typeString(ofFunction: f.id))")
        default: break
        }
      }
    }
    return out.joined(separator: "\n")
  }

  static func sourceText(_ span: Span, _ p: SourceProgram) -> String {
    let b = p.file.bytes
    guard span.start < span.end, span.end <= b.count else { return "_" }
    return String(decoding: b[span.start..<span.end], as: UTF8.self)
  }
}
