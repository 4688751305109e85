import FlowSyntax

/// What a name in scope refers to.
public enum Binding {
  case value(ValueSymbol)
  /// A function, or several `extern fn` overloads of one name.
  case functions([FunctionSymbol])
  case constructor(ConstructorSymbol)
  /// An imported module used as a namespace: `graph.pageRank`.
  case module(ModuleSymbol)
}

/// A `let` binding or a parameter.
public final class ValueSymbol {
  public let name: String
  public var scheme: Scheme
  public let span: Span
  /// Top-level bindings belong to a module; locals do not.
  public let module: String?
  public let id: Int
  /// The `let` that binds it, for top-level bindings (lowering evaluates it).
  public internal(set) var letDecl: LetDecl?
  init(name: String, scheme: Scheme, span: Span, module: String?, id: Int) {
    self.name = name
    self.scheme = scheme
    self.span = span
    self.module = module
    self.id = id
  }
}

public final class FunctionSymbol {
  public let name: String
  public let module: String
  public let decl: FnDecl
  /// The function's type: `.fn(params, result)` under the scheme's variables.
  public var scheme: Scheme
  public var paramNames: [String?]
  public var defaults: [Expr?]
  public var isExtern: Bool { decl.isExtern }
  public var qualifiedName: String { "\(module).\(name)" }
  init(name: String, module: String, decl: FnDecl, scheme: Scheme, paramNames: [String?], defaults: [Expr?]) {
    self.name = name
    self.module = module
    self.decl = decl
    self.scheme = scheme
    self.paramNames = paramNames
    self.defaults = defaults
  }
}

public final class ConstructorSymbol {
  public let name: String
  /// The sum type it builds.
  public let type: TypeSymbol
  public let index: Int
  /// `.fn(payload, T)` for a constructor with a payload, else `T`.
  public var scheme: Scheme
  public var arity: Int
  init(name: String, type: TypeSymbol, index: Int, scheme: Scheme, arity: Int) {
    self.name = name
    self.type = type
    self.index = index
    self.scheme = scheme
    self.arity = arity
  }
}

public final class TypeSymbol {
  public enum Kind {
    case alias(TypeExpr)
    case sum
    case opaque
  }
  public let name: String
  public let qualifiedName: String
  public let params: [String]
  public let kind: Kind
  public let span: Span
  public var constructors: [ConstructorSymbol] = []
  /// Declared in the module `scope` of the module it belongs to, for alias expansion.
  var scope: Scope?
  init(name: String, qualifiedName: String, params: [String], kind: Kind, span: Span) {
    self.name = name
    self.qualifiedName = qualifiedName
    self.params = params
    self.kind = kind
    self.span = span
  }
}

public final class ModuleSymbol {
  public let name: String
  public var values: [String: Binding] = [:]
  public var types: [String: TypeSymbol] = [:]
  public let program: SourceProgram?
  init(name: String, program: SourceProgram?) {
    self.name = name
    self.program = program
  }
}

/// A lexical scope. Lookups walk outward to the module and then the prelude.
final class Scope {
  var values: [String: Binding] = [:]
  var types: [String: TypeSymbol] = [:]
  /// Paths known to be non-null here (`x`, `s.last`) and their narrowed types.
  var narrowed: [String: Type] = [:]
  /// Names an import promised but could not provide (the import failed and
  /// was reported): uses of them are not reported again as unknown.
  var poisoned: Set<String> = []
  /// An `import "./file.flow"` of this module failed (missing file or a
  /// cycle): any name may have come from it, so none is reported as unknown.
  var openImportFailed = false
  /// An `import a.b` (or `as x`) of this module failed: its types, which such
  /// an import brings in by their plain names, are not reported as unknown.
  var moduleImportFailed = false
  /// Top-level `let` names of the module, with where they are bound, so that
  /// a use above its definition is reported as such.
  var definedLater: [String: Span] = [:]
  let parent: Scope?
  init(parent: Scope?) { self.parent = parent }

  func lookup(_ name: String) -> Binding? { values[name] ?? parent?.lookup(name) }
  func lookupType(_ name: String) -> TypeSymbol? { types[name] ?? parent?.lookupType(name) }
  func narrowedType(_ path: String) -> Type? { narrowed[path] ?? parent?.narrowedType(path) }
  func laterDefinition(of name: String) -> Span? { definedLater[name] ?? parent?.laterDefinition(of: name) }
  func isTypePoisoned(_ name: String) -> Bool { moduleImportFailed || isPoisoned(name) || (parent?.isTypePoisoned(name) ?? false) }
  func isPoisoned(_ name: String) -> Bool { openImportFailed || poisoned.contains(name) || (parent?.isPoisoned(name) ?? false) }

  /// Every value name visible here, for "did you mean" suggestions.
  func allNames() -> [String] { Array(values.keys) + (parent?.allNames() ?? []) }
  func allTypeNames() -> [String] { Array(types.keys) + (parent?.allTypeNames() ?? []) }
}
