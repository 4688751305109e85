/// Visits every node of a syntax tree in source order, for tools that need
/// the tree itself rather than the checker's side tables: the formatter
/// (which tokens are type brackets, where an `if` starts) and the language
/// server (the innermost expression at a position, the names in scope).
///
/// Each callback sees a node before its children.
public struct SyntaxWalker {
  public var onExpr: (Expr) -> Void = { _ in }
  public var onType: (TypeExpr) -> Void = { _ in }
  public var onPattern: (Pattern) -> Void = { _ in }

  public init(onExpr: @escaping (Expr) -> Void = { _ in }, onType: @escaping (TypeExpr) -> Void = { _ in }, onPattern: @escaping (Pattern) -> Void = { _ in }) {
    self.onExpr = onExpr
    self.onType = onType
    self.onPattern = onPattern
  }

  public func walk(_ program: SourceProgram) {
    for item in program.items { walk(item) }
  }

  public func walk(_ item: Item) {
    switch item {
    case .importDecl:
      break
    case .typeDecl(let t):
      switch t.body {
      case .alias(let te): walk(te)
      case .sum(let variants): for v in variants { for f in v.fields { walk(f) } }
      case .opaque: break
      }
    case .fnDecl(let f):
      for p in f.params { walk(p) }
      if let r = f.returnType { walk(r) }
      if let b = f.body { walk(b) }
    case .letDecl(let l):
      walk(l)
    case .expr(let e):
      walk(e)
    }
  }

  public func walk(_ l: LetDecl) {
    walk(l.pattern)
    if let t = l.type { walk(t) }
    walk(l.value)
  }

  public func walk(_ p: Param) {
    walk(p.pattern)
    if let t = p.type { walk(t) }
    if let d = p.defaultValue { walk(d) }
  }

  public func walk(_ e: Expr) {
    onExpr(e)
    switch e.kind {
    case .int, .float, .bool, .duration, .time, .null, .name, .error:
      break
    case .string(let parts):
      for case .expr(let x) in parts { walk(x) }
    case .record(let fields):
      for f in fields { walk(f.value) }
    case .recordUpdate(let base, let fields):
      walk(base)
      for f in fields { walk(f.value) }
    case .tuple(let xs), .list(let xs):
      for x in xs { walk(x) }
    case .map(let entries):
      for entry in entries {
        walk(entry.key)
        walk(entry.value)
      }
    case .lambda(let params, let body):
      for p in params { walk(p) }
      walk(body)
    case .call(let callee, let args):
      walk(callee)
      for a in args { walk(a.value) }
    case .pipe(let l, let r):
      walk(l)
      walk(r)
    case .field(let b, _), .optionalField(let b, _), .tupleIndex(let b, _):
      walk(b)
    case .index(let b, let i):
      walk(b)
      walk(i)
    case .unary(_, let x):
      walk(x)
    case .binary(_, let l, let r):
      walk(l)
      walk(r)
    case .ifThen(let c, let a, let b):
      walk(c)
      walk(a)
      walk(b)
    case .match(let s, let arms):
      walk(s)
      for arm in arms {
        walk(arm.pattern)
        if let g = arm.guardExpr { walk(g) }
        walk(arm.body)
      }
    case .block(let lets, let result):
      for l in lets { walk(l) }
      walk(result)
    }
  }

  public func walk(_ p: Pattern) {
    onPattern(p)
    switch p.kind {
    case .wildcard, .bind, .null, .error:
      break
    case .literal(let e):
      walk(e)
    case .constructor(_, let args), .tuple(let args):
      for a in args { walk(a) }
    case .record(let fields, _):
      for f in fields { walk(f.pattern) }
    }
  }

  public func walk(_ t: TypeExpr) {
    onType(t)
    switch t.kind {
    case .named(_, let args), .tuple(let args):
      for a in args { walk(a) }
    case .record(let fields, _):
      for f in fields { walk(f.type) }
    case .function(let ps, let r):
      for p in ps { walk(p) }
      walk(r)
    case .optional(let inner):
      walk(inner)
    case .error:
      break
    }
  }
}

extension Pattern {
  /// The names this pattern binds, with their spans, in source order.
  public var boundNames: [Name] {
    switch kind {
    case .bind(let n): return [Name(n, span)]
    case .wildcard, .null, .error, .literal: return []
    case .constructor(_, let args), .tuple(let args): return args.flatMap(\.boundNames)
    case .record(let fields, _): return fields.flatMap(\.pattern.boundNames)
    }
  }
}
