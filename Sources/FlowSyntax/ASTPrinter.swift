import Foundation
/// Prints a syntax tree as indented S-expressions, for `flow debug ast` and
/// parser tests.
public struct ASTPrinter {
  public init() {}

  public func print(_ p: SourceProgram) -> String {
    var out: [String] = []
    if let m = p.module { out.append("(module \(m.dotted))") }
    for item in p.items { out.append(print(item)) }
    return out.joined(separator: "\n")
  }

  public func print(_ item: Item) -> String {
    switch item {
    case .importDecl(let i):
      switch i.target {
      case .module(let parts):
        let names = i.names.map { " {" + $0.map(\.text).joined(separator: " ") + "}" } ?? ""
        return "(import \(parts.map(\.text).joined(separator: "."))\(names)\(i.alias.map { " as \($0.text)" } ?? ""))"
      case .file(let f):
        return "(import \"\(f)\"\(i.alias.map { " as \($0.text)" } ?? ""))"
      }
    case .typeDecl(let t):
      let params = t.params.isEmpty ? "" : "<" + t.params.map(\.text).joined(separator: ", ") + ">"
      switch t.body {
      case .alias(let te): return "(type \(t.name.text)\(params) \(print(te)))"
      case .opaque: return "(extern-type \(t.name.text)\(params))"
      case .sum(let vs):
        return "(type \(t.name.text)\(params) " + vs.map { v in
          v.fields.isEmpty ? v.name.text : "(\(v.name.text) \(v.fields.map(print).joined(separator: " ")))"
        }.joined(separator: " | ") + ")"
      }
    case .fnDecl(let f):
      let ps = f.params.map(print).joined(separator: " ")
      let ret = f.returnType.map { " -> \(print($0))" } ?? ""
      let body = f.body.map { " " + print($0) } ?? ""
      return "(\(f.isExtern ? "extern-fn" : "fn") \(f.name.text) (\(ps))\(ret)\(body))"
    case .letDecl(let l):
      return print(l)
    case .expr(let e):
      return print(e)
    }
  }

  func print(_ l: LetDecl) -> String {
    "(let \(print(l.pattern))\(l.type.map { ": " + print($0) } ?? "") \(print(l.value)))"
  }

  func print(_ p: Param) -> String {
    var s = print(p.pattern)
    if let t = p.type { s += ": " + print(t) }
    if let d = p.defaultValue { s += " = " + print(d) }
    return "[\(s)]"
  }

  public func print(_ e: Expr) -> String {
    switch e.kind {
    case .int(let v): return "\(v)"
    case .float(let v): return "\(v)"
    case .bool(let v): return "\(v)"
    case .duration(let v): return "\(v)ms"
    case .time(let v): return "@\(v)"
    case .null: return "null"
    case .error: return "<error>"
    case .string(let parts):
      return "\"" + parts.map { p -> String in
        switch p {
        case .text(let t): return t.replacingOccurrences(of: "\n", with: "\\n")
        case .expr(let x): return "\\(" + print(x) + ")"
        }
      }.joined() + "\""
    case .name(let n): return n
    case .record(let fs): return "{" + fs.map { "\($0.name.text): \(print($0.value))" }.joined(separator: ", ") + "}"
    case .recordUpdate(let b, let fs): return "{\(print(b)) with " + fs.map { "\($0.name.text): \(print($0.value))" }.joined(separator: ", ") + "}"
    case .tuple(let xs): return "(tuple " + xs.map(print).joined(separator: " ") + ")"
    case .list(let xs): return "[" + xs.map(print).joined(separator: " ") + "]"
    case .map(let es): return "[" + (es.isEmpty ? ":" : es.map { "\(print($0.key)): \(print($0.value))" }.joined(separator: ", ")) + "]"
    case .lambda(let ps, let b): return "(lambda (" + ps.map(print).joined(separator: " ") + ") " + print(b) + ")"
    case .call(let f, let args):
      return "(call " + print(f) + args.map { a in " " + (a.label.map { "\($0.text): " } ?? "") + print(a.value) }.joined() + ")"
    case .pipe(let l, let r): return "(|> \(print(l)) \(print(r)))"
    case .field(let b, let n): return "(. \(print(b)) \(n.text))"
    case .optionalField(let b, let n): return "(?. \(print(b)) \(n.text))"
    case .tupleIndex(let b, let i): return "(. \(print(b)) \(i))"
    case .index(let b, let i): return "(index \(print(b)) \(print(i)))"
    case .unary(let op, let x): return "(\(op.rawValue) \(print(x)))"
    case .binary(let op, let l, let r): return "(\(op.rawValue) \(print(l)) \(print(r)))"
    case .ifThen(let c, let a, let b): return "(if \(print(c)) \(print(a)) \(print(b)))"
    case .match(let s, let arms):
      return "(match \(print(s))" + arms.map { a in " (\(print(a.pattern))\(a.guardExpr.map { " if " + print($0) } ?? "") => \(print(a.body)))" }.joined() + ")"
    case .block(let ls, let r): return "(block " + ls.map(print).joined(separator: " ") + (ls.isEmpty ? "" : " ") + print(r) + ")"
    }
  }

  public func print(_ p: Pattern) -> String {
    switch p.kind {
    case .wildcard: return "_"
    case .bind(let n): return n
    case .null: return "null"
    case .error: return "<error>"
    case .literal(let e): return print(e)
    case .constructor(let n, let args): return args.isEmpty ? n.text : "(\(n.text) " + args.map(print).joined(separator: " ") + ")"
    case .tuple(let xs): return "(tuple " + xs.map(print).joined(separator: " ") + ")"
    case .record(let fs, let open): return "{" + fs.map { "\($0.name.text): \(print($0.pattern))" }.joined(separator: ", ") + (open ? ", .." : "") + "}"
    }
  }

  public func print(_ t: TypeExpr) -> String {
    switch t.kind {
    case .named(let n, let args): return args.isEmpty ? n.text : "\(n.text)<" + args.map(print).joined(separator: ", ") + ">"
    case .record(let fs, let open): return "{" + fs.map { "\($0.name.text): \(print($0.type))" }.joined(separator: ", ") + (open ? ", .." : "") + "}"
    case .tuple(let xs): return "(" + xs.map(print).joined(separator: ", ") + ")"
    case .function(let ps, let r): return "(" + ps.map(print).joined(separator: ", ") + ") -> " + print(r)
    case .optional(let i): return print(i) + "?"
    case .error: return "<error>"
    }
  }
}
