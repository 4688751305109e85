/// The runtime representation of every Flow value.
///
/// The checker has already proved that operations are applied to values of the
/// right type, so the interpreter only switches on the case it expects. Records
/// carry a shared `Shape` (their field names in declaration order) and a slot
/// array, so a field read is an index, never a dictionary lookup.
public enum Value: Sendable {
  case null
  case bool(Bool)
  case int(Int64)
  case float(Double)
  case string(String)
  /// A UTC instant in milliseconds since the Unix epoch.
  case time(Int64)
  /// A span of time in milliseconds.
  case duration(Int64)
  case list([Value])
  case map([Value: Value])
  case tuple([Value])
  case record(Record)
  /// A constructor of a sum type with its payload. Boxed (`indirect`), like
  /// `function`: their payloads are the largest (24 and 48 bytes), and
  /// unboxed they would make every `Value` that size; boxed, a `Value` is
  /// 17 bytes (a string or record plus the case tag), so copies and arrays
  /// of values are smaller.
  indirect case variant(tag: String, payload: [Value])
  case vector([Double])
  /// A function value: a compiled closure.
  indirect case function(FunctionValue)
  /// A plan-time object: a stream under construction, an aggregate or window
  /// specification. It never flows through a running pipeline.
  case opaque(OpaqueValue)
}

/// Base class of plan-time objects carried in `Value.opaque`.
open class OpaqueValue: @unchecked Sendable {
  public init() {}
}

/// The field names of a record type, shared by all records of that layout.
public final class Shape: @unchecked Sendable, Hashable {
  public let fields: [String]
  private let index: [String: Int]

  public init(_ fields: [String]) {
    self.fields = fields
    var idx: [String: Int] = [:]
    for (i, f) in fields.enumerated() where idx[f] == nil { idx[f] = i }
    self.index = idx
  }

  /// The slot of `field`, or nil when this shape has no such field.
  @inline(__always) public func slot(of field: String) -> Int? { index[field] }

  public static func == (a: Shape, b: Shape) -> Bool { a === b || a.fields == b.fields }
  public func hash(into h: inout Hasher) { h.combine(fields) }
}

/// A record: a shape and one value per field, in the shape's order.
public struct Record: Sendable, Hashable {
  public let shape: Shape
  public var values: [Value]

  public init(shape: Shape, values: [Value]) {
    self.shape = shape
    self.values = values
  }

  /// Reads a field by name (slow path; compiled code caches the slot).
  public subscript(field: String) -> Value? {
    guard let i = shape.slot(of: field) else { return nil }
    return values[i]
  }
}

/// A callable value. `arity` is the number of parameters it takes.
/// Every function also has a one-argument entry, `unary` (for
/// one-parameter functions the function itself, which skips building an
/// argument array per call). The hot entries are stored as plain closures,
/// not optionals: a closure kept in an `Optional` is stored at the most
/// general abstraction and called through reabstraction thunks that copy
/// the `Value` argument and result.
public struct FunctionValue: @unchecked Sendable {
  public let arity: Int
  public let call: ([Value]) throws -> Value
  public let unary: (Value) throws -> Value
  /// Whether `unary` is the function's own one-parameter entry.
  public let hasUnary: Bool
  /// What the compiler learned about the function's body, for the optimizer.
  public var info: FunctionInfo?
  /// For a one-parameter predicate whose body is a typed Bool tree: the
  /// same call returning an unboxed Bool (`hasPredicate`); filters use it.
  public private(set) var predicate: (Value) throws -> Bool = FunctionValue.noPredicate
  public private(set) var hasPredicate = false

  static let noPredicate: (Value) throws -> Bool = { _ in false }

  /// For a two-parameter lambda whose body is a typed Bool tree: the call
  /// with its arguments passed directly (no argument array, a reused frame)
  /// returning an unboxed Bool. CEP's iterative conditions use it.
  public private(set) var binaryPredicate: (Value, Value) throws -> Bool = FunctionValue.noBinaryPredicate
  public private(set) var hasBinaryPredicate = false

  static let noBinaryPredicate: (Value, Value) throws -> Bool = { _, _ in false }

  public init(arity: Int, info: FunctionInfo? = nil, call: @escaping ([Value]) throws -> Value) {
    self.arity = arity
    self.call = call
    self.unary = { v in try call([v]) }
    self.hasUnary = false
    self.info = info
  }

  public init(info: FunctionInfo? = nil, unary: @escaping (Value) throws -> Value) {
    self.arity = 1
    self.call = { args in try unary(args.first ?? .null) }
    self.unary = unary
    self.hasUnary = true
    self.info = info
  }

  /// The one-parameter entry, or nil for functions of other arities.
  public var call1: ((Value) throws -> Value)? { hasUnary ? unary : nil }

  /// Sets the unboxed predicate entry. Unlike assigning `test1`, the
  /// closure is not passed through an `Optional`, which would store it at
  /// the most general abstraction and add two thunks to every call.
  public mutating func setPredicate(_ p: @escaping (Value) throws -> Bool) {
    predicate = p
    hasPredicate = true
  }

  /// The unboxed predicate entry, if any.
  public var test1: ((Value) throws -> Bool)? {
    get { hasPredicate ? predicate : nil }
    set {
      predicate = newValue ?? FunctionValue.noPredicate
      hasPredicate = newValue != nil
    }
  }

  /// Calls a one-parameter predicate: true only for `true`.
  @inline(__always)
  public func test(_ v: Value) throws -> Bool {
    if hasPredicate { return try predicate(v) }
    if case .bool(true) = try unary(v) { return true }
    return false
  }

  /// The unboxed two-parameter predicate entry, if any.
  public var test2: ((Value, Value) throws -> Bool)? {
    get { hasBinaryPredicate ? binaryPredicate : nil }
    set {
      binaryPredicate = newValue ?? FunctionValue.noBinaryPredicate
      hasBinaryPredicate = newValue != nil
    }
  }

  /// Sets the unboxed two-parameter entry from a closure of its own type:
  /// assigning through the optional `test2` property wraps the closure in
  /// two reabstraction thunks (into and out of the optional), which cost
  /// more than a short predicate itself.
  public mutating func setBinaryPredicate(_ p: @escaping (Value, Value) throws -> Bool) {
    binaryPredicate = p
    hasBinaryPredicate = true
  }

  /// Calls a two-parameter predicate: true only for `true`.
  @inline(__always)
  public func test(_ a: Value, _ b: Value) throws -> Bool {
    if hasBinaryPredicate { return try binaryPredicate(a, b) }
    if case .bool(true) = try call([a, b]) { return true }
    return false
  }

  @inline(__always)
  public func apply1(_ v: Value) throws -> Value {
    try unary(v)
  }
}

/// Facts about a compiled lambda's body that optimizer rules rely on.
public final class FunctionInfo: @unchecked Sendable {
  /// Its source text, for plans (`b => b.price > 100`).
  public var text: String
  /// For a one-parameter function: the fields it reads from its parameter,
  /// or nil when the parameter is used as a whole (passed on, returned,
  /// compared), so every field may matter.
  public var fieldsRead: Set<String>?
  /// The result when it does not depend on the arguments at all.
  public var constant: Value?
  /// For `r => { r with a: ..., b: ... }`: the fields it replaces; the other
  /// fields pass through unchanged.
  public var updatedFields: Set<String>?
  /// For `x => x.field`: the field. A keyed operator may read it straight
  /// from the record instead of calling the function (same result).
  public var projectedField: String?
  /// The lambda's checked syntax (a `FlowIR.LambdaSyntax`; this target knows
  /// no syntax), for translating it to another language (`flow compile`).
  public var syntax: AnyObject?

  public init(text: String, fieldsRead: Set<String>?, constant: Value?, updatedFields: Set<String>?) {
    self.text = text
    self.fieldsRead = fieldsRead
    self.constant = constant
    self.updatedFields = updatedFields
  }
}

extension Value: Hashable {
  public static func == (a: Value, b: Value) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case let (.bool(x), .bool(y)): return x == y
    case let (.int(x), .int(y)): return x == y
    case let (.float(x), .float(y)): return x == y
    case let (.int(x), .float(y)): return Double(x) == y
    case let (.float(x), .int(y)): return x == Double(y)
    case let (.string(x), .string(y)): return x == y
    case let (.time(x), .time(y)): return x == y
    case let (.duration(x), .duration(y)): return x == y
    case let (.list(x), .list(y)): return x == y
    case let (.map(x), .map(y)): return x == y
    case let (.tuple(x), .tuple(y)): return x == y
    case let (.record(x), .record(y)):
      // Records compare by field name, so two layouts of one type are equal.
      if x.shape === y.shape { return x.values == y.values }
      guard Set(x.shape.fields) == Set(y.shape.fields) else { return false }
      for (i, f) in x.shape.fields.enumerated() where y[f] != x.values[i] { return false }
      return true
    case let (.variant(t1, p1), .variant(t2, p2)): return t1 == t2 && p1 == p2
    case let (.vector(x), .vector(y)): return x == y
    case let (.opaque(x), .opaque(y)): return x === y
    default: return false
    }
  }

  public func hash(into h: inout Hasher) {
    switch self {
    case .null: h.combine(0)
    case .bool(let b): h.combine(b)
    case .int(let i): h.combine(Double(i))
    case .float(let d): h.combine(d)
    case .string(let s): h.combine(s)
    case .time(let t): h.combine(t)
    case .duration(let d): h.combine(d)
    case .list(let l): h.combine(l)
    case .map(let m): h.combine(m.count)
    case .tuple(let t): h.combine(t)
    case .record(let r):
      for (i, f) in r.shape.fields.enumerated().sorted(by: { $0.element < $1.element }) {
        h.combine(f)
        h.combine(r.values[i])
      }
    case .variant(let t, let p): h.combine(t); h.combine(p)
    case .vector(let v): h.combine(v)
    case .function: h.combine(99)
    case .opaque(let o): h.combine(ObjectIdentifier(o))
    }
  }
}
