import FlowSyntax

/// Binary operators. Arithmetic is overloaded over a fixed table (numbers mix
/// to Float; `Time + Duration` is a Time; vectors scale by numbers). When an
/// operand's type is still unknown, it is constrained to the types the
/// operator accepts and resolved by later uses.
extension Checker {
  static let arithmetic: [String: String] = {
    var t: [String: String] = [:]
    for op in ["+", "-", "*", "/", "%"] {
      t["\(op) Int Int"] = "Int"
      t["\(op) Float Float"] = "Float"
      t["\(op) Int Float"] = "Float"
      t["\(op) Float Int"] = "Float"
    }
    t["+ String String"] = "String"
    for op in ["+", "-"] {
      t["\(op) Duration Duration"] = "Duration"
      t["\(op) Time Duration"] = "Time"
      t["\(op) Vector Vector"] = "Vector"
    }
    t["+ Duration Time"] = "Time"
    t["- Time Time"] = "Duration"
    t["* Duration Int"] = "Duration"
    t["* Int Duration"] = "Duration"
    t["* Duration Float"] = "Duration"
    t["* Float Duration"] = "Duration"
    t["/ Duration Int"] = "Duration"
    t["/ Duration Duration"] = "Float"
    t["% Duration Duration"] = "Duration"
    for n in ["Int", "Float"] {
      t["* Vector \(n)"] = "Vector"
      t["* \(n) Vector"] = "Vector"
      t["/ Vector \(n)"] = "Vector"
    }
    return t
  }()

  /// Types an unknown operand may take for each operator.
  static let operandSets: [String: Set<String>] = [
    "+": ["Int", "Float", "String", "Duration", "Vector", "Time"],
    "-": ["Int", "Float", "Duration", "Vector", "Time"],
    "*": ["Int", "Float", "Duration", "Vector"],
    "/": ["Int", "Float", "Duration", "Vector"],
    "%": ["Int", "Float", "Duration"],
  ]

  /// When one side is known, the most likely type of the other.
  static func partner(_ op: String, _ known: String) -> String {
    switch (op, known) {
    case (_, "Time"): return "Duration"
    case ("*", "Duration"), ("/", "Duration"): return "Int"
    case ("*", "Vector"), ("/", "Vector"): return "Float"
    default: return known
    }
  }

  /// When the right side is known, the most likely type of the left.
  static func leftPartner(_ op: String, _ known: String) -> String {
    switch (op, known) {
    case ("+", "Time"): return "Duration"
    case (_, "Time"): return "Time"
    case ("*", "Duration"): return "Int"
    case ("*", "Vector"): return "Float"
    default: return known
    }
  }

  static let ordered: Set<String> = ["Int", "Float", "String", "Time", "Duration"]

  func inferBinary(_ op: BinaryOp, _ l: Expr, _ r: Expr, _ e: Expr, _ scope: Scope) -> Type {
    switch op {
    case .and, .or:
      check(l, .bool, scope)
      check(r, .bool, narrowedScope(l, whenTrue: op == .and, scope))
      return .bool
    case .coalesce:
      let lt = infer(l, scope).resolved
      switch lt {
      case .optional(let inner):
        let rt = infer(r, scope).resolved
        if case .optional = rt {
          coerce(rt, to: lt, at: r.span, "default of '??'")
          return lt
        }
        coerce(rt, to: inner, at: r.span, "default of '??'")
        return inner
      case .v:
        let inner = fresh()
        unify(lt, .optional(inner), at: l.span)
        check(r, inner, scope)
        return inner
      default:
        diagnostics.append(Diagnostic(.warning, code: "E0309", message: "the left side of '??' is never null (it is \(TypePrinter().print(lt)))", span: l.span, notes: ["help: remove '?? ...'"]))
        check(r, lt, scope)
        return lt
      }
    case .eq, .ne:
      if case .null = r.kind { return compareWithNull(l, scope) }
      if case .null = l.kind { return compareWithNull(r, scope) }
      let lt = infer(l, scope), rt = infer(r, scope)
      if isNumeric(lt) && isNumeric(rt) { return .bool }
      // A value may be compared with an optional of its type.
      if case .optional(let x) = lt.resolved, !isOptional(rt), (try? probeCommit({ try self.unify(x, rt) })) == true { return .bool }
      if case .optional(let y) = rt.resolved, !isOptional(lt), (try? probeCommit({ try self.unify(y, lt) })) == true { return .bool }
      if (try? probeCommit({ try self.coerce(rt, to: lt) })) == true { return .bool }
      if (try? probeCommit({ try self.coerce(lt, to: rt) })) == true { return .bool }
      let p = TypePrinter()
      error("E0301", "cannot compare \(p.print(lt)) with \(p.print(rt))", at: operatorSpan(e), notes: ["help: both sides of '\(op.rawValue)' must have the same type"])
      return .bool
    case .lt, .le, .gt, .ge:
      let lt = infer(l, scope), rt = infer(r, scope)
      if isNumeric(lt) && isNumeric(rt) { return .bool }
      // A side that may be null is the problem to report, not also the
      // mismatch of `String?` with `String` it causes.
      if let opt = [lt, rt].first(where: isOptional) {
        error("E0310", "'\(op.rawValue)' cannot compare values that may be null (\(TypePrinter().print(opt)))", at: operatorSpan(e), notes: ["help: give a default with `??`, or check `!= null` first"])
        return .bool
      }
      unify(lt, rt, at: operatorSpan(e), "operands of '\(op.rawValue)'")
      let t = lt.resolved
      switch t {
      case .v(let tv):
        tv.allowed = tv.allowed.map { $0.intersection(Checker.ordered) } ?? Checker.ordered
      case .con(let n, _) where Checker.ordered.contains(n):
        break
      case .param(_, let id) where paramBounds[id].map({ $0.isSubset(of: Checker.ordered) }) == true:
        break
      case .optional:
        error("E0310", "'\(op.rawValue)' cannot compare values that may be null (\(TypePrinter().print(t)))", at: operatorSpan(e), notes: ["help: give a default with `??`, or check `!= null` first"])
      default:
        error("E0310", "'\(op.rawValue)' cannot compare values of type \(TypePrinter().print(t))", at: operatorSpan(e), notes: ["note: Int, Float, String, Time and Duration values can be ordered"])
      }
      return .bool
    case .add, .sub, .mul, .div, .mod:
      let lt = infer(l, scope), rt = infer(r, scope)
      return arithmetic(op.rawValue, lt, rt, e, l, r)
    }
  }

  /// The operator of a binary expression, where its type errors are shown:
  /// in `"n: " + s.item + ", q: " + s.qty` the last '+', not the start of
  /// the whole chain. Found in the source between the operands.
  func operatorSpan(_ e: Expr) -> Span {
    guard case .binary(let op, let l, let r) = e.kind, let f = sources.file(e.span.fileID) else { return e.span }
    let b = f.bytes, text = Array(op.rawValue.utf8)
    var i = l.span.end
    while i + text.count <= min(r.span.start, b.count) {
      if b[i] == UInt8(ascii: "/") && i + 1 < b.count && b[i + 1] == UInt8(ascii: "/") {
        while i < b.count && b[i] != UInt8(ascii: "\n") { i += 1 }
        continue
      }
      if Array(b[i..<(i + text.count)]) == text { return Span(fileID: e.span.fileID, start: i, end: i + text.count) }
      i += 1
    }
    return e.span
  }

  func isOptional(_ t: Type) -> Bool {
    if case .optional = t.resolved { return true }
    return false
  }

  func isNumeric(_ t: Type) -> Bool {
    if case .con(let n, _) = t.resolved { return n == "Int" || n == "Float" }
    return false
  }

  func compareWithNull(_ x: Expr, _ scope: Scope) -> Type {
    let t = infer(x, scope).resolved
    switch t {
    case .optional: break
    case .v: unify(t, .optional(fresh()), at: x.span)
    default:
      error("E0304", "this value is \(TypePrinter().print(t)), which is never null", at: x.span, notes: ["help: only optional values (T?) can be compared with null"])
    }
    return .bool
  }

  func arithmetic(_ op: String, _ lt: Type, _ rt: Type, _ e: Expr, _ l: Expr, _ r: Expr) -> Type {
    let a = lt.resolved, b = rt.resolved
    let allowed = Checker.operandSets[op] ?? []
    switch (a, b) {
    case (.con(let x, _), .con(let y, _)):
      if let res = Checker.arithmetic["\(op) \(x) \(y)"] { return .con(res, []) }
      reportArithmetic(op, a, b, e)
      return fresh()
    case (.con(let x, _), .v):
      guard allowed.contains(x) else { reportArithmetic(op, a, b, e); return fresh() }
      unify(b, .con(Checker.partner(op, x), []), at: r.span)
      return arithmetic(op, a, b, e, l, r)
    case (.v, .con(let y, _)):
      guard allowed.contains(y) else { reportArithmetic(op, a, b, e); return fresh() }
      unify(a, .con(Checker.leftPartner(op, y), []), at: l.span)
      return arithmetic(op, a, b, e, l, r)
    case (.v(let tv), .v):
      unify(a, b, at: e.span)
      let numeric: Set<String> = (op == "+" || op == "-") ? allowed.subtracting(["Time"]) : ["Int", "Float"]
      tv.allowed = tv.allowed.map { $0.intersection(numeric) } ?? numeric
      if case .v(let tv2) = b.resolved { tv2.allowed = tv.allowed }
      return a.resolved
    case (.param(_, let i1), .param(_, let i2)) where i1 == i2:
      if let bound = paramBounds[i1], bound.isSubset(of: ["Int", "Float"]) { return a }
      reportArithmetic(op, a, b, e)
      return fresh()
    default:
      reportArithmetic(op, a, b, e)
      return fresh()
    }
  }

  func reportArithmetic(_ op: String, _ a: Type, _ b: Type, _ e: Expr) {
    let p = TypePrinter()
    var notes: [String] = []
    if op == "+", a.head == "String" || b.head == "String" {
      notes.append("help: build text with interpolation: \"\\(a) and \\(b)\"")
    } else if case .optional = a.resolved {
      notes.append("help: the left side may be null; give a default with `??`")
    } else if case .optional = b.resolved {
      notes.append("help: the right side may be null; give a default with `??`")
    } else if case .param(let n, _) = a.resolved {
      notes.append("help: declare the type parameter as numeric: <\(n): Num>")
    }
    error("E0310", "operator '\(op)' cannot be applied to \(p.print(a)) and \(p.print(b))", at: operatorSpan(e), notes: notes)
  }
}
