/// Types as the checker sees them. Type variables are mutable cells
/// (union-find by binding), so unification is near-linear.
public final class TypeVar: @unchecked Sendable {
  public let id: Int
  public var binding: Type?
  /// Let-generalization level: a variable deeper than the current level at
  /// a `let` is generalized there.
  public var level: Int
  /// When set, the variable may only become one of these type names
  /// (e.g. `["Int", "Float"]` for a numeric operand).
  public var allowed: Set<String>?
  /// A row variable stands for "the other fields" of an open record.
  public let isRow: Bool

  init(id: Int, level: Int, allowed: Set<String>? = nil, isRow: Bool = false) {
    self.id = id
    self.level = level
    self.allowed = allowed
    self.isRow = isRow
  }
}

public indirect enum Type {
  /// A named type with arguments: `Int`, `List<T>`, `Stream<T>`, a sum type.
  case con(String, [Type])
  case fn([Type], Type)
  case tuple([Type])
  /// A record; `tail` is a row variable when the record is open.
  case record([(String, Type)], tail: TypeVar?)
  case optional(Type)
  case v(TypeVar)
  /// A declared type parameter inside its own function: rigid, equal only to itself.
  case param(String, Int)

  public static let int = Type.con("Int", [])
  public static let float = Type.con("Float", [])
  public static let bool = Type.con("Bool", [])
  public static let string = Type.con("String", [])
  public static let time = Type.con("Time", [])
  public static let duration = Type.con("Duration", [])
  public static let vector = Type.con("Vector", [])
  public static let unit = Type.tuple([])
  public static func list(_ t: Type) -> Type { .con("List", [t]) }
  public static func map(_ k: Type, _ v: Type) -> Type { .con("Map", [k, v]) }
  public static func stream(_ t: Type) -> Type { .con("Stream", [t]) }

  /// Follows variable bindings and flattens bound record tails.
  public var resolved: Type {
    switch self {
    case .v(let tv):
      // No path compression: speculative unification must be undoable.
      if let b = tv.binding { return b.resolved }
      return self
    case .record(let fields, let tail):
      guard let t = tail, let b = t.binding else { return self }
      switch b.resolved {
      case .record(let more, let tail2):
        return Type.record(fields + more, tail: tail2).resolved
      case .v(let tv2):
        return .record(fields, tail: tv2)
      default:
        return .record(fields, tail: nil)
      }
    default:
      return self
    }
  }

  /// The head constructor name, for overload choice and messages.
  public var head: String? {
    switch resolved {
    case .con(let n, _): return n
    case .fn: return "->"
    case .tuple: return "()"
    case .record: return "{}"
    case .optional: return "?"
    case .v: return nil
    case .param(let n, _): return "param:" + n
    }
  }

  public var isVar: Bool {
    if case .v = resolved { return true }
    return false
  }
}

/// A polymorphic type: `vars` are instantiated afresh at every use.
public struct Scheme {
  public var vars: [TypeVar]
  public var type: Type
  public init(vars: [TypeVar] = [], type: Type) {
    self.vars = vars
    self.type = type
  }
}

/// Names type variables `A`, `B`, ... in order of appearance, so a message
/// never shows an internal number.
public final class TypePrinter {
  private var names: [Int: String] = [:]
  private var paramNames: [Int: String] = [:]
  public init() {}

  private func name(for tv: TypeVar) -> String {
    if let n = names[tv.id] { return n }
    let i = names.count
    let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    let n = i < 26 ? String(letters[i]) : "T\(i)"
    names[tv.id] = n
    return n
  }

  public func print(_ t: Type) -> String {
    switch t.resolved {
    case .con(let n, let args):
      let short = displayName(n)
      return args.isEmpty ? short : "\(short)<\(args.map(print).joined(separator: ", "))>"
    case .fn(let ps, let r):
      return "(\(ps.map(print).joined(separator: ", "))) -> \(print(r))"
    case .tuple(let items):
      return "(\(items.map(print).joined(separator: ", "))\(items.count == 1 ? "," : ""))"
    case .record(let fields, let tail):
      var parts = fields.map { "\($0.0): \(print($0.1))" }
      if tail != nil { parts.append("..") }
      return parts.isEmpty ? "{}" : "{ \(parts.joined(separator: ", ")) }"
    case .optional(let inner):
      let s = print(inner)
      if case .fn = inner.resolved { return "(\(s))?" }
      return s + "?"
    case .v(let tv):
      return name(for: tv)
    case .param(let n, _):
      return n
    }
  }
}

/// Types declared in a module are named `module::Name` inside the checker; a
/// message shows only `Name`.
public func displayName(_ qualified: String) -> String {
  if let r = qualified.range(of: "::", options: .backwards) { return String(qualified[r.upperBound...]) }
  return qualified
}

extension Type {
  /// One-off printing (variables named from `A` within this type alone).
  public var description: String { TypePrinter().print(self) }
}
