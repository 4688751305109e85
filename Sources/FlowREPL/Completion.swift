import Foundation
import FlowSyntax
import FlowSema

/// Tab completion: `:commands`, standard module names after `import`,
/// record fields (or a module's members) after `expr.`, and otherwise the
/// names in scope: the session's declarations, the prelude, keywords.
extension Shell {
  func complete(before: String, word: String) -> Completion? {
    let lead = before.drop { $0 == " " || $0 == "\t" }
    // :commands
    if pendingLines.isEmpty && lead.isEmpty && word.hasPrefix(":") {
      return Completion(matches: replCommands.map(\.name).filter { $0.hasPrefix(word) }, appendSpace: true)
    }
    // File names after :load.
    if pendingLines.isEmpty && (lead.hasPrefix(":load") || lead.hasPrefix(":l ")) { return nil }
    // Standard modules after `import`.
    if let dotted = importPrefix(String(lead) + word) {
      let base = dotted.contains(".") ? String(dotted[...dotted.lastIndex(of: ".")!]) : ""
      let names = EmbeddedStdlib.modules.keys.filter { $0 != "std.prelude" && $0.hasPrefix(dotted) }
      return Completion(matches: names.map { String($0.dropFirst(base.count)) }, appendSpace: true)
    }
    // Fields after `expr.`.
    if before.hasSuffix("."), !before.hasSuffix("..") {
      var context = (pendingLines + [before]).joined(separator: "\n")
      context.removeLast()
      return Completion(matches: memberNames(before: stripCommand(context)).filter { $0.hasPrefix(word) }, appendSpace: false)
    }
    let keywords = Keyword.allCases.map(\.rawValue)
    let all = Set(sessionNames + preludeNames + keywords).filter { $0.hasPrefix(word) && !$0.hasPrefix("__") }
    return Completion(matches: Array(all), appendSpace: false)
  }

  /// `import std.st` -> "std.st"; nil when the line is not an import.
  func importPrefix(_ line: String) -> String? {
    var s = Substring(line)
    if s.hasPrefix("pub ") { s = s.dropFirst(4).drop { $0 == " " } }
    guard s.hasPrefix("import ") else { return nil }
    let r = s.dropFirst("import ".count).drop { $0 == " " }
    guard r.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { return nil }
    return String(r)
  }

  func stripCommand(_ text: String) -> String {
    guard text.hasPrefix(":") else { return text }
    return String(text.drop { !$0.isWhitespace })
  }

  /// The fields of the record type of the expression ending the text (or
  /// the members of an imported module used as a namespace). The text is
  /// checked after the session with `.__complete__` and the brackets it
  /// leaves open closed, and the type of the expression before the dot is
  /// read from the checker.
  func memberNames(before text: String) -> [String] {
    var probe = text + ".__complete__"
    guard let closers = Continuation.closers(probe) else { return [] }
    probe += closers
    let entries = session + [Entry(kind: .input, path: SessionProgram.path, text: probe)]
    let checked = CheckedProgram(SessionProgram(entries))
    var baseType: Type?
    var baseName: String?
    let walker = SyntaxWalker(onExpr: { e in
      switch e.kind {
      case .field(let base, let name), .optionalField(let base, let name):
        guard name.text == "__complete__" else { return }
        baseType = checked.checker.exprTypes[base.id]
        if case .name(let n) = base.kind { baseName = n }
      default:
        break
      }
    })
    for item in checked.items(inEntry: session.count) { walker.walk(item) }
    if let n = baseName, let members = namespaces[n] { return members }
    guard let t = baseType else { return [] }
    return recordFields(t)
  }

  func recordFields(_ t: Type) -> [String] {
    switch t.resolved {
    case .record(let fields, _): return fields.map(\.0)
    case .optional(let inner): return recordFields(inner)
    default: return []
    }
  }

  /// Names for completion, after the session changed.
  func refreshCompletion(_ checked: CheckedProgram) {
    var names: [String] = []
    var spaces: [String: [String]] = [:]
    for i in checked.program.entries.indices {
      for item in checked.items(inEntry: i) {
        switch item {
        case .importDecl(let imp):
          let m = checked.checker.importedModule(imp, from: SessionProgram.path)
          if let list = imp.names {
            names += list.map(\.text)
          } else if let m = m {
            let alias: String
            if let a = imp.alias {
              alias = a.text
            } else if case .module(let parts) = imp.target, let last = parts.last {
              alias = last.text
            } else {
              names += m.values.keys
              continue
            }
            names.append(alias)
            spaces[alias] = Array(m.values.keys).sorted()
          }
        default:
          names += declaredNames(item).filter { !$0.hasPrefix("type ") && !$0.hasPrefix("import ") }
        }
      }
    }
    sessionNames = names
    namespaces = spaces
  }
}
