/// The syntax tree. Nodes are classes with a unique `id` so that later stages
/// (the checker, lowering) can attach facts to them in side tables without the
/// syntax layer knowing about types.

public final class Expr: @unchecked Sendable {
  public let id: Int
  public let span: Span
  public let kind: Kind

  public init(id: Int, span: Span, kind: Kind) {
    self.id = id
    self.span = span
    self.kind = kind
  }

  public indirect enum Kind {
    case int(Int64)
    case float(Double)
    case bool(Bool)
    case string([StringPart])
    case duration(Int64)
    case time(Int64)
    case null
    case name(String)
    /// `{ a: 1, b }` (a bare name is shorthand for `b: b`).
    case record([FieldInit])
    /// `{ r with a: 1 }`.
    case recordUpdate(Expr, [FieldInit])
    case tuple([Expr])
    case list([Expr])
    /// `["k": v, ...]`, or `[:]` when empty.
    case map([(key: Expr, value: Expr)])
    case lambda([Param], Expr)
    case call(Expr, [Arg])
    /// `lhs |> rhs`: rhs is a call `f(args)` (meaning `f(lhs, args)`) or a function.
    case pipe(Expr, Expr)
    case field(Expr, Name)
    /// `r?.field`: null when `r` is null.
    case optionalField(Expr, Name)
    /// `t.0`.
    case tupleIndex(Expr, Int)
    case index(Expr, Expr)
    case unary(UnaryOp, Expr)
    case binary(BinaryOp, Expr, Expr)
    case ifThen(Expr, Expr, Expr)
    case match(Expr, [MatchArm])
    case block([LetDecl], Expr)
    /// Stands in for an expression that failed to parse; already reported.
    case error
  }
}

/// An identifier with its own span, for carets that point at just the name.
public struct Name: Sendable {
  public var text: String
  public var span: Span
  public init(_ text: String, _ span: Span) {
    self.text = text
    self.span = span
  }
}

public enum StringPart {
  case text(String)
  case expr(Expr)
}

public struct FieldInit {
  public var name: Name
  public var value: Expr
  public init(name: Name, value: Expr) {
    self.name = name
    self.value = value
  }
}

public struct Arg {
  public var label: Name?
  public var value: Expr
  public init(label: Name?, value: Expr) {
    self.label = label
    self.value = value
  }
}

public struct Param {
  public var pattern: Pattern
  public var type: TypeExpr?
  public var defaultValue: Expr?
  public var span: Span
  public init(pattern: Pattern, type: TypeExpr?, defaultValue: Expr?, span: Span) {
    self.pattern = pattern
    self.type = type
    self.defaultValue = defaultValue
    self.span = span
  }
  /// The parameter's name when it is a simple binding.
  public var name: String? {
    if case .bind(let n) = pattern.kind { return n }
    return nil
  }
}

public struct MatchArm {
  public var pattern: Pattern
  public var guardExpr: Expr?
  public var body: Expr
  public init(pattern: Pattern, guardExpr: Expr?, body: Expr) {
    self.pattern = pattern
    self.guardExpr = guardExpr
    self.body = body
  }
}

public enum UnaryOp: String, Sendable { case neg = "-", not = "!" }

public enum BinaryOp: String, Sendable {
  case add = "+", sub = "-", mul = "*", div = "/", mod = "%"
  case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
  case and = "&&", or = "||", coalesce = "??"
}

// MARK: - Patterns

public final class Pattern: @unchecked Sendable {
  public let id: Int
  public let span: Span
  public let kind: Kind
  public init(id: Int, span: Span, kind: Kind) {
    self.id = id
    self.span = span
    self.kind = kind
  }

  public indirect enum Kind {
    case wildcard
    case bind(String)
    /// A literal: integer, float, string, bool, duration or time.
    case literal(Expr)
    case null
    /// `Circle(r)`, or a constructor without payload such as `Empty`.
    case constructor(Name, [Pattern])
    case tuple([Pattern])
    /// `{ a, b: p }`; `..` allows fields not named.
    case record([(name: Name, pattern: Pattern)], open: Bool)
    case error
  }
}

// MARK: - Type expressions

public final class TypeExpr: @unchecked Sendable {
  /// Set for `((A, B))`, so that `((A, B)) -> C` takes one tuple parameter.
  public var parenthesizedTuple = false
  public let id: Int
  public let span: Span
  public let kind: Kind
  public init(id: Int, span: Span, kind: Kind) {
    self.id = id
    self.span = span
    self.kind = kind
  }

  public indirect enum Kind {
    /// `Int`, `List<T>`, `Keyed<K, T>`, a type parameter, or a declared type.
    case named(Name, [TypeExpr])
    /// `{ a: Int, b: Float }`; `open` when written `{ a: Int, .. }`.
    case record([(name: Name, type: TypeExpr)], open: Bool)
    case tuple([TypeExpr])
    case function([TypeExpr], TypeExpr)
    case optional(TypeExpr)
    case error
  }
}

// MARK: - Declarations

public struct TypeParam {
  public var name: Name
  /// A constraint such as `Num`, if any.
  public var bound: Name?
  public init(name: Name, bound: Name?) {
    self.name = name
    self.bound = bound
  }
}

public struct Variant {
  public var name: Name
  public var fields: [TypeExpr]
  public init(name: Name, fields: [TypeExpr]) {
    self.name = name
    self.fields = fields
  }
}

public final class TypeDecl: @unchecked Sendable {
  public enum Body {
    case alias(TypeExpr)
    case sum([Variant])
    /// `extern type Stream<T>`: a type the runtime provides.
    case opaque
  }
  public let name: Name
  public let params: [Name]
  public let body: Body
  public let isPublic: Bool
  public let span: Span
  public init(name: Name, params: [Name], body: Body, isPublic: Bool, span: Span) {
    self.name = name
    self.params = params
    self.body = body
    self.isPublic = isPublic
    self.span = span
  }
}

public final class FnDecl: @unchecked Sendable {
  public let id: Int
  public let name: Name
  public let typeParams: [TypeParam]
  public let params: [Param]
  public let returnType: TypeExpr?
  /// Nil for `extern fn`, whose body lives in the runtime.
  public let body: Expr?
  public let isPublic: Bool
  public let isExtern: Bool
  public let span: Span
  public init(id: Int, name: Name, typeParams: [TypeParam], params: [Param], returnType: TypeExpr?, body: Expr?, isPublic: Bool, isExtern: Bool, span: Span) {
    self.id = id
    self.name = name
    self.typeParams = typeParams
    self.params = params
    self.returnType = returnType
    self.body = body
    self.isPublic = isPublic
    self.isExtern = isExtern
    self.span = span
  }
}

public final class LetDecl: @unchecked Sendable {
  public let id: Int
  public let pattern: Pattern
  public let type: TypeExpr?
  public let value: Expr
  public let isPublic: Bool
  public let span: Span
  public init(id: Int, pattern: Pattern, type: TypeExpr?, value: Expr, isPublic: Bool, span: Span) {
    self.id = id
    self.pattern = pattern
    self.type = type
    self.value = value
    self.isPublic = isPublic
    self.span = span
  }
}

public struct ImportDecl {
  public enum Target {
    /// `import std.graph` (path components).
    case module([Name])
    /// `import "./helpers.flow"`.
    case file(String)
  }
  public var target: Target
  /// `import std.ml.{ kmeans, standardScaler }`: the names brought into scope.
  public var names: [Name]?
  /// `import std.graph as g`.
  public var alias: Name?
  public var span: Span
  /// The import is malformed (reported by the parser) and is not loaded.
  public var isMalformed = false
  public init(target: Target, names: [Name]?, alias: Name?, span: Span) {
    self.target = target
    self.names = names
    self.alias = alias
    self.span = span
  }
}

public enum Item {
  case importDecl(ImportDecl)
  case typeDecl(TypeDecl)
  case fnDecl(FnDecl)
  case letDecl(LetDecl)
  /// A top-level expression: usually a pipeline ending in a sink.
  case expr(Expr)
}

public struct ModuleHeader {
  public var path: [Name]
  public var span: Span
  public init(path: [Name], span: Span) {
    self.path = path
    self.span = span
  }
  public var dotted: String { path.map(\.text).joined(separator: ".") }
}

/// One parsed file.
public final class SourceProgram: @unchecked Sendable {
  public let file: SourceFile
  public let fileID: Int
  public let module: ModuleHeader?
  public let items: [Item]
  /// Top-level expression statements (by expression id) that had a syntax
  /// error: what was parsed of them is checked, but a missing sink is not
  /// reported, since the rest of the statement was lost.
  public var statementsWithSyntaxErrors: Set<Int> = []
  public init(file: SourceFile, fileID: Int, module: ModuleHeader?, items: [Item]) {
    self.file = file
    self.fileID = fileID
    self.module = module
    self.items = items
  }
}
