import FlowRuntime

/// The table of built-in functions, by `Lowering.externKey` (name and head
/// of the first parameter's type). An `extern fn` missing here is reported
/// by `flow run` as not implemented in this release.
public enum Builtins {
  public static let table: [String: Builtin] = {
    var t: [String: Builtin] = [:]
    registerSources(&t)
    registerNexmark(&t)
    registerJoins(&t)
    registerTableAPI(&t)
    registerIterations(&t)
    registerPatterns(&t)
    registerSinks(&t)
    registerStreamOperators(&t)
    registerAggregates(&t)
    registerStrings(&t)
    registerNumbers(&t)
    registerCollections(&t)
    registerVectors(&t)
    return t
  }()

  /// The names `flow run` implements, sorted, for documentation and tests.
  public static var implementedNames: [String] {
    Array(Set(table.keys.map { String($0.split(separator: "/").first ?? "") })).sorted()
  }
}

// Argument accessors: the checker proved the types, so a mismatch is internal.
func int(_ v: Value, _ site: CallSite) throws -> Int64 {
  if case .int(let i) = v { return i }
  throw RuntimeError("internal: expected Int", at: site.location)
}

func double(_ v: Value, _ site: CallSite) throws -> Double {
  switch v {
  case .float(let d): return d
  case .int(let i): return Double(i)
  default: throw RuntimeError("internal: expected Float", at: site.location)
  }
}

func string(_ v: Value, _ site: CallSite) throws -> String {
  if case .string(let s) = v { return s }
  throw RuntimeError("internal: expected String", at: site.location)
}

func bool(_ v: Value, _ site: CallSite) throws -> Bool {
  if case .bool(let b) = v { return b }
  throw RuntimeError("internal: expected Bool", at: site.location)
}

func millis(_ v: Value, _ site: CallSite) throws -> Int64 {
  switch v {
  case .duration(let d), .time(let d): return d
  default: throw RuntimeError("internal: expected Duration", at: site.location)
  }
}

func list(_ v: Value, _ site: CallSite) throws -> [Value] {
  if case .list(let xs) = v { return xs }
  throw RuntimeError("internal: expected List", at: site.location)
}

func opaque<T>(_ v: Value, _ type: T.Type, _ site: CallSite) throws -> T {
  if case .opaque(let o) = v, let x = o as? PlanValue<T> { return x.value }
  throw RuntimeError("internal: expected \(T.self)", at: site.location)
}
