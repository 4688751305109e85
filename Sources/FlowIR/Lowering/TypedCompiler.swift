import FlowSyntax
import FlowSema
import FlowRuntime
import FlowConnectors

/// Compiled code that returns an unboxed scalar.
typealias IntCode = (Frame) throws -> Int64
typealias FloatCode = (Frame) throws -> Double
typealias BoolCode = (Frame) throws -> Bool

/// The scalar types typed compilation handles.
enum TypedKind { case int, float, bool, string }

/// Typed compilation: when the checker proved an operator expression is an
/// Int, Float or Bool, its whole operator tree is compiled to closures that
/// return the unboxed Swift type (`(Frame) -> Int64`, `-> Double`, `-> Bool`),
/// and only the tree's result is boxed into a `Value`. Arithmetic and
/// comparisons inside the tree then never build or switch on `Value`s.
/// Variables are read by frame slot and fields by a cached record slot
/// (names are resolved at compile time). Leaves the typed compiler does not
/// know (calls, matches, ...) are compiled as usual and unboxed once.
///
/// The results, including runtime errors and their messages, are those of
/// the untyped path (`compileBinary`, `arithmetic`, `compareValues`).
extension Lowering {
  func scalarKind(_ e: Expr) -> TypedKind? {
    guard case .con(let n, let args)? = checker.exprTypes[e.id]?.resolved, args.isEmpty else { return nil }
    switch n {
    case "Int": return .int
    case "Float": return .float
    case "Bool": return .bool
    case "String": return .string
    default: return nil
    }
  }

  /// The typed, boxed-once code of an operator expression, or nil when the
  /// typed compiler does not handle it.
  func compileTypedOperator(_ e: Expr, _ s: FnScope) throws -> Code? {
    switch scalarKind(e) {
    case .int:
      guard let c = try intOperator(e, s) else { return nil }
      return { f in .int(try c(f)) }
    case .float:
      guard let c = try floatOperator(e, s) else { return nil }
      return { f in .float(try c(f)) }
    case .bool:
      guard let c = try boolOperator(e, s) else { return nil }
      return { f in .bool(try c(f)) }
    default:
      return nil
    }
  }

  /// A call the typed compiler knows (`toFloat` of an Int), boxed once.
  func compileTypedCall(_ e: Expr, _ s: FnScope) throws -> Code? {
    guard scalarKind(e) == .float, let c = try floatOperator(e, s) else { return nil }
    return { f in .float(try c(f)) }
  }

  /// Typed code for a Bool expression (a filter's body, say).
  func compileBool(_ e: Expr, _ s: FnScope) throws -> BoolCode {
    if !isConstant(e), let c = try boolOperator(e, s) { return c }
    let c = try typedLeaf(e, s)
    return { f in if case .bool(true) = try c(f) { return true }; return false }
  }

  func compileInt(_ e: Expr, _ s: FnScope) throws -> IntCode {
    if case .int(let k) = e.kind { return { _ in k } }
    if !isConstant(e), let c = try intOperator(e, s) { return c }
    if let (slot, getter, loc) = localField(e, s) {
      return { f in
        guard case .record(let r) = f.slots[slot] else { throw notARecord(getter.name, f.slots[slot], loc) }
        if case .int(let i) = getter.get(r) { return i }
        throw RuntimeError("internal: expected an Int, found \(render(getter.get(r), quoted: true))", at: loc)
      }
    }
    let loc = location(e.span)
    if let slot = localSlot(e, s) {
      // A local read and unboxed in place: one closure call, no copy.
      return { f in
        guard case .int(let i) = f.slots[slot] else { throw RuntimeError("internal: expected an Int, found \(render(f.slots[slot], quoted: true))", at: loc) }
        return i
      }
    }
    let c = try typedLeaf(e, s)
    return { f in
      let v = try c(f)
      guard case .int(let i) = v else { throw RuntimeError("internal: expected an Int, found \(render(v, quoted: true))", at: loc) }
      return i
    }
  }

  /// Float code for an Int or Float expression (Int converted, as mixed
  /// arithmetic does).
  func compileFloat(_ e: Expr, _ s: FnScope) throws -> FloatCode {
    if scalarKind(e) == .int {
      let c = try compileInt(e, s)
      return { f in Double(try c(f)) }
    }
    if case .float(let k) = e.kind { return { _ in k } }
    if !isConstant(e), let c = try floatOperator(e, s) { return c }
    if let (slot, getter, loc) = localField(e, s) {
      return { f in
        guard case .record(let r) = f.slots[slot] else { throw notARecord(getter.name, f.slots[slot], loc) }
        switch getter.get(r) {
        case .float(let d): return d
        case .int(let i): return Double(i)
        case let v: throw RuntimeError("internal: expected a Float, found \(render(v, quoted: true))", at: loc)
        }
      }
    }
    let loc = location(e.span)
    if let slot = localSlot(e, s) {
      return { f in
        switch f.slots[slot] {
        case .float(let d): return d
        case .int(let i): return Double(i)
        default: throw RuntimeError("internal: expected a Float, found \(render(f.slots[slot], quoted: true))", at: loc)
        }
      }
    }
    let c = try typedLeaf(e, s)
    return { f in
      let v = try c(f)
      switch v {
      case .float(let d): return d
      case .int(let i): return Double(i)
      default: throw RuntimeError("internal: expected a Float, found \(render(v, quoted: true))", at: loc)
      }
    }
  }

  /// Whether `e` is an operator expression (what typed compilation handles).
  func isOperator(_ e: Expr) -> Bool {
    switch e.kind {
    case .binary, .unary: return true
    default: return false
    }
  }

  /// Constant subtrees go through `compile`, which folds them once.
  private func isConstant(_ e: Expr) -> Bool {
    switch e.kind {
    case .binary, .unary, .ifThen: return constantValue(e) != nil
    default: return false
    }
  }

  /// `x.field` on a local variable of this frame: its slot, a field
  /// getter and the location errors name (as `compile` reports them). Read
  /// by typed code directly, it skips boxing the field into a `Value` result.
  private func localField(_ e: Expr, _ s: FnScope) -> (Int, FieldGetter, String)? {
    guard case .field(let base, let name) = e.kind, case .name(let n) = base.kind,
          let (depth, slot) = s.lookup(n), depth == 0 else { return nil }
    return (slot, FieldGetter(name.text), location(name.span))
  }

  /// The text of a string literal without interpolations.
  private func literalText(_ e: Expr) -> String? {
    guard case .string(let parts) = e.kind else { return nil }
    var text = ""
    for p in parts {
      guard case .text(let t) = p else { return nil }
      text += t
    }
    return text
  }

  /// The frame slot of a local variable of the current function, if `e` is one.
  private func localSlot(_ e: Expr, _ s: FnScope) -> Int? {
    guard case .name(let n) = e.kind, let (depth, slot) = s.lookup(n), depth == 0 else { return nil }
    return slot
  }

  /// A leaf: a local variable read straight from its frame slot, or any
  /// other expression compiled as usual.
  private func typedLeaf(_ e: Expr, _ s: FnScope) throws -> Code {
    if case .name(let n) = e.kind, let (depth, slot) = s.lookup(n), depth == 0 {
      return { f in f.slots[slot] }
    }
    return try compile(e, s)
  }

  private func intOperator(_ e: Expr, _ s: FnScope) throws -> IntCode? {
    switch e.kind {
    case .binary(let op, let l, let r):
      guard scalarKind(l) == .int, scalarKind(r) == .int else { return nil }
      let a = try compileInt(l, s), b = try compileInt(r, s)
      let loc = location(e.span)
      switch op {
      case .add:
        return { f in
          let x = try a(f), y = try b(f)
          let (v, o) = x.addingReportingOverflow(y)
          if o { throw RuntimeError("integer overflow in \(x) + \(y)", at: loc) }
          return v
        }
      case .sub:
        return { f in
          let x = try a(f), y = try b(f)
          let (v, o) = x.subtractingReportingOverflow(y)
          if o { throw RuntimeError("integer overflow in \(x) - \(y)", at: loc) }
          return v
        }
      case .mul:
        return { f in
          let x = try a(f), y = try b(f)
          let (v, o) = x.multipliedReportingOverflow(by: y)
          if o { throw RuntimeError("integer overflow in \(x) * \(y)", at: loc) }
          return v
        }
      case .div:
        if case .int(let k) = r.kind, k != 0, k != -1 { return { f in try a(f) / k } }
        return { f in
          let x = try a(f), y = try b(f)
          guard y != 0 else { throw RuntimeError("division by zero", at: loc) }
          let (v, o) = x.dividedReportingOverflow(by: y)
          if o { throw RuntimeError("integer overflow in \(x) / \(y)", at: loc) }
          return v
        }
      case .mod:
        if case .int(let k) = r.kind, k != 0, k != -1 { return { f in try a(f) % k } }
        return { f in
          let x = try a(f), y = try b(f)
          guard y != 0 else { throw RuntimeError("remainder by zero", at: loc) }
          let (v, o) = x.remainderReportingOverflow(dividingBy: y)
          if o { throw RuntimeError("integer overflow in \(x) % \(y)", at: loc) }
          return v
        }
      default:
        return nil
      }
    case .unary(.neg, let x):
      guard scalarKind(x) == .int else { return nil }
      let c = try compileInt(x, s)
      let loc = location(e.span)
      return { f in
        let i = try c(f)
        guard i != Int64.min else { throw RuntimeError("integer overflow in negation", at: loc) }
        return -i
      }
    default:
      return nil
    }
  }

  private func isNumber(_ e: Expr) -> Bool {
    let k = scalarKind(e)
    return k == .int || k == .float
  }

  private func floatOperator(_ e: Expr, _ s: FnScope) throws -> FloatCode? {
    switch e.kind {
    case .binary(let op, let l, let r):
      // Int op Int stays an Int at run time even where a Float is expected,
      // so only trees with a Float operand are typed as Float.
      guard [.add, .sub, .mul, .div, .mod].contains(op), isNumber(l), isNumber(r),
        scalarKind(l) == .float || scalarKind(r) == .float
      else { return nil }
      let a = try compileFloat(l, s), b = try compileFloat(r, s)
      switch op {
      case .add: return { f in try a(f) + b(f) }
      case .sub: return { f in try a(f) - b(f) }
      case .mul: return { f in try a(f) * b(f) }
      case .div: return { f in try a(f) / b(f) }
      default: return { f in try a(f).truncatingRemainder(dividingBy: try b(f)) }
      }
    case .unary(.neg, let x):
      guard scalarKind(x) == .float else { return nil }
      let c = try compileFloat(x, s)
      return { f in -(try c(f)) }
    case .call:
      // `toFloat(i)` on an Int.
      guard let call = checker.calls[e.id], call.function.isExtern,
        Lowering.externKey(call.function.decl) == "toFloat/Int",
        call.arguments.count == 1, let arg = call.arguments[0], scalarKind(arg) == .int
      else { return nil }
      let c = try compileInt(arg, s)
      return { f in Double(try c(f)) }
    default:
      return nil
    }
  }

  private func boolOperator(_ e: Expr, _ s: FnScope) throws -> BoolCode? {
    switch e.kind {
    case .unary(.not, let x):
      guard scalarKind(x) == .bool else { return nil }
      let c = try compileBool(x, s)
      return { f in !(try c(f)) }
    case .binary(let op, let l, let r):
      switch op {
      case .and, .or:
        guard scalarKind(l) == .bool, scalarKind(r) == .bool else { return nil }
        let a = try compileBool(l, s), b = try compileBool(r, s)
        if op == .and { return { f in try a(f) && b(f) } }
        return { f in try a(f) || b(f) }
      case .eq, .ne, .lt, .le, .gt, .ge:
        return try comparison(op, l, r, s)
      default:
        return nil
      }
    default:
      return nil
    }
  }

  private func comparison(_ op: BinaryOp, _ l: Expr, _ r: Expr, _ s: FnScope) throws -> BoolCode? {
    let kl = scalarKind(l), kr = scalarKind(r)
    if kl == .int && kr == .int {
      let a = try compileInt(l, s), b = try compileInt(r, s)
      switch op {
      case .eq: return { f in try a(f) == b(f) }
      case .ne: return { f in try a(f) != b(f) }
      case .lt: return { f in try a(f) < b(f) }
      case .le: return { f in try a(f) <= b(f) }
      case .gt: return { f in try a(f) > b(f) }
      default: return { f in try a(f) >= b(f) }
      }
    }
    if isNumber(l) && isNumber(r) {
      let a = try compileFloat(l, s), b = try compileFloat(r, s)
      // `compareValues` order: unordered (NaN) compares as equal there.
      @inline(__always) func cmp(_ x: Double, _ y: Double) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
      switch op {
      case .eq: return { f in try a(f) == b(f) }
      case .ne: return { f in try a(f) != b(f) }
      case .lt: return { f in cmp(try a(f), try b(f)) < 0 }
      case .le: return { f in cmp(try a(f), try b(f)) <= 0 }
      case .gt: return { f in cmp(try a(f), try b(f)) > 0 }
      default: return { f in cmp(try a(f), try b(f)) >= 0 }
      }
    }
    if kl == .bool && kr == .bool && (op == .eq || op == .ne) {
      let a = try compileBool(l, s), b = try compileBool(r, s)
      if op == .eq { return { f in try a(f) == b(f) } }
      return { f in try a(f) != b(f) }
    }
    if kl == .string && kr == .string && (op == .eq || op == .ne) {
      let eq = op == .eq
      // A local against a literal (`w != ""`): read in place, no closures
      // for the two sides.
      if let slot = localSlot(l, s), let k = literalText(r) {
        return { f in
          if case .string(let p) = f.slots[slot] { return (p == k) == eq }
          return (f.slots[slot] == .string(k)) == eq
        }
      }
      let a = try typedLeaf(l, s), b = try typedLeaf(r, s)
      return { f in
        let x = try a(f), y = try b(f)
        if case .string(let p) = x, case .string(let q) = y { return (p == q) == eq }
        return (x == y) == eq
      }
    }
    return nil
  }
}

/// The error `x.field` raises on a value that is not a record (the untyped
/// path's message).
private func notARecord(_ field: String, _ v: Value, _ loc: String) -> RuntimeError {
  RuntimeError("'.\(field)' on a value that is not a record (\(render(v, quoted: true)))", at: loc)
}
