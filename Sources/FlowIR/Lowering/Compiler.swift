import FlowSyntax
import FlowSema
import FlowRuntime
import FlowConnectors

/// Compiles checked expressions into closures. The checker has proved the
/// types, so each closure only switches on the value case it expects;
/// anything else is reported as a runtime error at the expression.
extension Lowering {
  func compile(_ e: Expr, _ s: FnScope) throws -> Code {
    switch e.kind {
    case .binary, .unary, .ifThen:
      // Constant folding: literal-only expressions are computed once.
      if let v = constantValue(e) {
        foldedConstants += 1
        return { _ in v }
      }
      if case .ifThen(let c, let a, let b) = e.kind, case .bool(let cond)? = constantValue(c) {
        // Dead-branch elimination.
        foldedConstants += 1
        return try compile(cond ? a : b, s)
      }
      if let typed = try compileTypedOperator(e, s) { return typed }
      return try compileOperator(e, s)
    case .call:
      if let typed = try compileTypedCall(e, s) { return typed }
      return try compileOther(e, s)
    default:
      return try compileOther(e, s)
    }
  }

  private func compileOperator(_ e: Expr, _ s: FnScope) throws -> Code {
    switch e.kind {
    case .unary(let op, let x):
      let c = try compile(x, s)
      let loc = location(e.span)
      switch op {
      case .not: return { f in if case .bool(let b) = try c(f) { return .bool(!b) }; return .bool(false) }
      case .neg: return { f in try negate(try c(f), loc) }
      }
    case .binary(let op, let l, let r):
      return try compileBinary(op, l, r, e, s)
    case .ifThen(let c, let a, let b):
      let cc = try compile(c, s), ca = try compile(a, s), cb = try compile(b, s)
      return { f in
        if case .bool(true) = try cc(f) { return try ca(f) }
        return try cb(f)
      }
    default:
      return try compileOther(e, s)
    }
  }

  private func compileOther(_ e: Expr, _ s: FnScope) throws -> Code {
    switch e.kind {
    case .int(let v):
      if case .con("Float", _)? = checker.exprTypes[e.id]?.resolved {
        let f = Value.float(Double(v))
        return { _ in f }
      }
      return { _ in .int(v) }
    case .float(let v): return { _ in .float(v) }
    case .bool(let v): return { _ in .bool(v) }
    case .duration(let v): return { _ in .duration(v) }
    case .time(let v): return { _ in .time(v) }
    case .null: return { _ in .null }
    case .error: throw LoweringError("internal: an expression with errors reached lowering", at: location(e.span))
    case .string(let parts):
      var codes: [Code] = []
      for p in parts {
        switch p {
        case .text(let t): codes.append { _ in .string(t) }
        case .expr(let x):
          let c = try compile(x, s)
          codes.append { f in
            let v = try c(f)
            if case .string = v { return v }
            return .string(render(v, quoted: false))
          }
        }
      }
      if codes.count == 1 { return codes[0] }
      return { f in
        var out = ""
        for c in codes { if case .string(let t) = try c(f) { out += t } }
        return .string(out)
      }
    case .name(let n):
      return try compileName(n, e, s)
    case .record(let fields):
      let shape = Shape(fields.map(\.name.text))
      let codes = try fields.map { CompiledCode(try compile($0.value, s)) }
      return { f in
        var values: [Value] = []
        values.reserveCapacity(codes.count)
        for c in codes { values.append(try c.run(f)) }
        return .record(Record(shape: shape, values: values))
      }
    case .recordUpdate(let base, let fields):
      let b = try compile(base, s)
      let updates = try fields.map { ($0.name.text, try compile($0.value, s)) }
      let loc = location(e.span)
      return { f in
        guard case .record(var r) = try b(f) else { throw RuntimeError("record update of a non-record value", at: loc) }
        for (name, c) in updates {
          let v = try c(f)
          if let i = r.shape.slot(of: name) { r.values[i] = v } else {
            r = Record(shape: Shape(r.shape.fields + [name]), values: r.values + [v])
          }
        }
        return .record(r)
      }
    case .tuple(let items):
      let codes = try items.map { try compile($0, s) }
      return { f in .tuple(try codes.map { try $0(f) }) }
    case .list(let items):
      let codes = try items.map { try compile($0, s) }
      return { f in .list(try codes.map { try $0(f) }) }
    case .map(let entries):
      let codes = try entries.map { (try compile($0.key, s), try compile($0.value, s)) }
      return { f in
        var m: [Value: Value] = [:]
        for (k, v) in codes { m[try k(f)] = try v(f) }
        return .map(m)
      }
    case .lambda(let params, let body):
      return try compileLambda(params, body, s, span: e.span)
    case .unary, .binary, .ifThen:
      return try compileOperator(e, s)
    case .call(let callee, let args):
      return try compileCall(e, callee: callee, args: args, piped: nil, s)
    case .pipe(let lhs, let rhs):
      if case .call(let callee, let args) = rhs.kind {
        return try compileCall(e, callee: callee, args: args, piped: lhs, s)
      }
      return try compileCall(e, callee: rhs, args: [], piped: lhs, s)
    case .field(let base, let name):
      if case .name(let m) = base.kind, checker.references[base.id] == nil, s.lookup(m) == nil, let b = checker.references[e.id] {
        // `module.member`
        return try compileReference(b, name.text, e)
      }
      let getter = FieldGetter(name.text)
      let loc = location(name.span)
      if case .name(let n) = base.kind, let (depth, slot) = s.lookup(n), depth == 0 {
        // `x.field` on a local: read the slot in place, one closure call.
        return { f in
          guard case .record(let r) = f.slots[slot] else {
            throw RuntimeError("'.\(name.text)' on a value that is not a record (\(render(f.slots[slot], quoted: true)))", at: loc)
          }
          return getter.get(r)
        }
      }
      let b = try compile(base, s)
      return { f in
        let v = try b(f)
        guard case .record(let r) = v else { throw RuntimeError("'.\(name.text)' on a value that is not a record (\(render(v, quoted: true)))", at: loc) }
        return getter.get(r)
      }
    case .optionalField(let base, let name):
      let b = try compile(base, s)
      let getter = FieldGetter(name.text)
      return { f in
        guard case .record(let r) = try b(f) else { return .null }
        return getter.get(r)
      }
    case .tupleIndex(let base, let i):
      let b = try compile(base, s)
      return { f in
        guard case .tuple(let items) = try b(f), i < items.count else { return .null }
        return items[i]
      }
    case .index(let base, let idx):
      let b = try compile(base, s), ix = try compile(idx, s)
      return { f in index(try b(f), try ix(f)) }
    case .match(let scrutinee, let arms):
      return try compileMatch(e, scrutinee, arms, s)
    case .block(let lets, let result):
      s.push()
      defer { s.pop() }
      var steps: [(Code, Matcher, String)] = []
      for l in lets {
        let c = try compile(l.value, s)
        let m = compilePattern(l.pattern, s, optionalScrutinee: false)
        steps.append((c, m, location(l.pattern.span)))
      }
      let r = try compile(result, s)
      return { f in
        for (c, m, loc) in steps {
          guard try m(try c(f), f) else { throw RuntimeError("the value does not match the pattern of this 'let'", at: loc) }
        }
        return try r(f)
      }
    }
  }

  func compileName(_ n: String, _ e: Expr, _ s: FnScope) throws -> Code {
    if let (depth, slot) = s.lookup(n) {
      if depth == 0 { return { f in f.slots[slot] } }
      return { f in f.ancestor(depth).slots[slot] }
    }
    if let b = checker.references[e.id] { return try compileReference(b, n, e) }
    // A type name used as a value: a schema.
    if case .con("Schema", let args)? = checker.exprTypes[e.id]?.resolved, let t = args.first {
      let schema = try columnSchema(t, at: e.span)
      let v = Value.opaque(PlanValue(schema))
      return { _ in v }
    }
    throw LoweringError("internal: unresolved name '\(n)'", at: location(e.span))
  }

  func compileReference(_ b: Binding, _ n: String, _ e: Expr) throws -> Code {
    switch b {
    case .value(let sym):
      // Evaluated lazily: a binding may be used inside a function before the
      // statement that defines it has run.
      var cached: Value? = nil
      return { [unowned self] _ in
        if let c = cached { return c }
        do {
          let v = try self.globalValue(sym)
          cached = v
          return v
        } catch let l as LoweringError {
          throw RuntimeError(l.message, at: l.location, notes: l.notes)
        }
      }
    case .functions(let fs):
      guard let f = fs.first else { throw LoweringError("internal: empty overload set", at: location(e.span)) }
      if f.isExtern {
        let impl = try builtin(f, at: e)
        let site = CallSite(location: location(e.span), span: e.span, lowering: self, expr: e)
        let arity = f.paramNames.count
        let v = Value.function(FunctionValue(arity: arity) { args in try impl(site, args) })
        return { _ in v }
      }
      return { [unowned self] _ in
        do { return try self.functionValue(f) } catch let l as LoweringError { throw RuntimeError(l.message, at: l.location) }
      }
    case .constructor(let c):
      if c.arity == 0 {
        let v = Value.variant(tag: c.name, payload: [])
        return { _ in v }
      }
      let name = c.name
      let v = Value.function(FunctionValue(arity: c.arity) { args in .variant(tag: name, payload: args) })
      return { _ in v }
    case .module:
      throw LoweringError("a module is not a value", at: location(e.span))
    }
  }

  func compileLambda(_ params: [Param], _ body: Expr, _ s: FnScope, span: Span) throws -> Code {
    let info = functionInfo(params, body, span: span)
    let inner = FnScope(parent: s)
    var matchers: [Matcher] = []
    var simpleSlots: [Int?] = []
    for p in params {
      if case .bind(let n) = p.pattern.kind {
        simpleSlots.append(inner.declare(n))
        matchers.append({ _, _ in true })
      } else {
        simpleSlots.append(nil)
        matchers.append(compilePattern(p.pattern, inner, optionalScrutinee: false))
      }
    }
    // A predicate (`x => x.price > 100`) also gets an unboxed entry,
    // `test1`, that filters call without boxing the Bool; a two-parameter
    // one (a CEP iterative condition) gets `test2`.
    var predicate: BoolCode? = nil
    let code: Code
    if params.count <= 2, !params.isEmpty, scalarKind(body) == .bool, isOperator(body), constantValue(body) == nil {
      let p = try compileBool(body, inner)
      predicate = p
      code = { f in .bool(try p(f)) }
    } else {
      code = try compile(body, inner)
    }
    let size = inner.size
    let arity = params.count
    let loc = location(body.span)
    if arity == 1, let slot = simpleSlots[0], let direct = parameterOnly(body, inner, slot: slot) {
      let fn = FunctionValue(info: info, unary: direct)
      return { _ in .function(fn) }
    }
    if arity == 1, let slot = simpleSlots[0], !containsLambda(body) {
      // The common case: `x => ...` creating no closures. Its frame can be
      // reused across calls (a fresh one is made if the call re-enters).
      return { parent in
        let reusable = ReusableFrame(Frame(size: size, parent: parent))
        var fn = FunctionValue(info: info, unary: { v in
          if reusable.busy {
            let frame = Frame(size: size, parent: parent)
            frame.slots[slot] = v
            return try code(frame)
          }
          reusable.busy = true
          defer { reusable.busy = false }
          reusable.frame.slots[slot] = v
          return try code(reusable.frame)
        })
        if let p = predicate {
          fn.setPredicate { v in
            if reusable.busy {
              let frame = Frame(size: size, parent: parent)
              frame.slots[slot] = v
              return try p(frame)
            }
            reusable.busy = true
            defer { reusable.busy = false }
            reusable.frame.slots[slot] = v
            return try p(reusable.frame)
          }
        }
        return .function(fn)
      }
    }
    let allSimple = simpleSlots.allSatisfy { $0 != nil }
    let slots = simpleSlots.map { $0 ?? -1 }
    if arity == 2, allSimple, let p = predicate, !containsLambda(body) {
      let s0 = slots[0], s1 = slots[1]
      return { parent in
        var fn = FunctionValue(arity: arity, info: info) { args in
          let frame = Frame(size: size, parent: parent)
          for i in 0..<min(arity, args.count) { frame.slots[slots[i]] = args[i] }
          return try code(frame)
        }
        // Like the one-parameter entry: a frame reused across calls
        // unless the call re-enters.
        let reusable = ReusableFrame(Frame(size: size, parent: parent))
        fn.setBinaryPredicate { a, b in
          if reusable.busy {
            let frame = Frame(size: size, parent: parent)
            frame.slots[s0] = a
            frame.slots[s1] = b
            return try p(frame)
          }
          reusable.busy = true
          defer { reusable.busy = false }
          reusable.frame.slots[s0] = a
          reusable.frame.slots[s1] = b
          return try p(reusable.frame)
        }
        return .function(fn)
      }
    }
    return { parent in
      .function(FunctionValue(arity: arity, info: info) { args in
        let frame = Frame(size: size, parent: parent)
        if allSimple {
          for i in 0..<min(arity, args.count) { frame.slots[slots[i]] = args[i] }
        } else {
          for i in 0..<min(arity, args.count) {
            if slots[i] >= 0 {
              frame.slots[slots[i]] = args[i]
            } else if try !matchers[i](args[i], frame) {
              throw RuntimeError("argument does not match the parameter pattern", at: loc)
            }
          }
        }
        return try code(frame)
      })
    }
  }

  /// `x => x` and `x => x.field` (key functions above all) need no frame:
  /// the parameter is used directly, so a call is one closure call with no
  /// slot write. Errors are those of the general path.
  func parameterOnly(_ body: Expr, _ s: FnScope, slot: Int) -> ((Value) throws -> Value)? {
    func isParam(_ e: Expr) -> Bool {
      guard case .name(let n) = e.kind, let (depth, sl) = s.lookup(n) else { return false }
      return depth == 0 && sl == slot
    }
    if isParam(body) { return { v in v } }
    guard case .field(let base, let name) = body.kind, isParam(base) else { return nil }
    let getter = FieldGetter(name.text)
    let loc = location(name.span)
    let text = name.text
    return { v in
      guard case .record(let r) = v else {
        throw RuntimeError("'.\(text)' on a value that is not a record (\(render(v, quoted: true)))", at: loc)
      }
      return getter.get(r)
    }
  }

  /// Whether an expression creates closures (which would capture its frame).
  func containsLambda(_ e: Expr) -> Bool {
    var found = false
    func visit(_ e: Expr) {
      if found { return }
      switch e.kind {
      case .lambda: found = true
      case .int, .float, .bool, .duration, .time, .null, .error, .name: break
      case .string(let parts): for case .expr(let x) in parts { visit(x) }
      case .record(let fs): fs.forEach { visit($0.value) }
      case .recordUpdate(let b, let fs): visit(b); fs.forEach { visit($0.value) }
      case .tuple(let xs), .list(let xs): xs.forEach(visit)
      case .map(let es): es.forEach { visit($0.key); visit($0.value) }
      case .call(let c, let args): visit(c); args.forEach { visit($0.value) }
      case .pipe(let a, let b): visit(a); visit(b)
      case .field(let b, _), .optionalField(let b, _), .tupleIndex(let b, _): visit(b)
      case .index(let a, let b): visit(a); visit(b)
      case .unary(_, let x): visit(x)
      case .binary(_, let a, let b): visit(a); visit(b)
      case .ifThen(let c, let a, let b): visit(c); visit(a); visit(b)
      case .match(let s, let arms):
        visit(s)
        for a in arms { visit(a.body); if let g = a.guardExpr { visit(g) } }
      case .block(let lets, let r): lets.forEach { visit($0.value) }; visit(r)
      }
    }
    visit(e)
    // Calls to Flow functions with defaults may evaluate default lambdas,
    // but those capture no frame of ours.
    return found
  }

  /// The column schema of a record type, for file sources.
  func columnSchema(_ t: Type, at span: Span) throws -> Schema {
    guard case .record(let fields, _) = t.resolved else {
      throw LoweringError("a schema must be a record type, found \(TypePrinter().print(t))", at: location(span))
    }
    var cols: [(name: String, type: ColumnType)] = []
    for (n, ft) in fields {
      guard let c = columnType(ft) else {
        throw LoweringError("field '\(n)' has type \(TypePrinter().print(ft)), which a file cannot hold", at: location(span), notes: ["note: columns may be Int, Float, Bool, String, Time, Duration, lists of those, or optionals of those"])
      }
      cols.append((n, c))
    }
    return Schema(cols)
  }

  func columnType(_ t: Type) -> ColumnType? {
    switch t.resolved {
    case .con("Int", _): return .int
    case .con("Float", _): return .float
    case .con("Bool", _): return .bool
    case .con("String", _): return .string
    case .con("Time", _): return .time
    case .con("Duration", _): return .duration
    case .con("List", let a): return a.first.flatMap(columnType).map { .list($0) }
    case .optional(let i): return columnType(i).map { .optional($0) }
    default: return nil
    }
  }
}

/// Compiled code kept in an array. The struct keeps the closure at its own
/// calling convention: closures stored directly in an array are called
/// through a reabstraction thunk that copies every `Value` indirectly.
struct CompiledCode {
  let run: Code
  init(_ run: @escaping Code) { self.run = run }
}

/// Reads one field, caching its slot for the last record shape seen, so a
/// field read on a stream of same-shaped records is an index.
final class FieldGetter {
  let name: String
  var shape: Shape?
  var slot = 0
  init(_ name: String) { self.name = name }

  @inline(__always)
  func get(_ r: Record) -> Value {
    if let s = shape, s === r.shape { return r.values[slot] }
    guard let i = r.shape.slot(of: name) else { return .null }
    shape = r.shape
    slot = i
    return r.values[i]
  }
}

func index(_ base: Value, _ i: Value) -> Value {
  switch (base, i) {
  case let (.list(xs), .int(n)): return n >= 0 && n < xs.count ? xs[Int(n)] : .null
  case let (.map(m), k): return m[k] ?? .null
  case let (.vector(v), .int(n)): return n >= 0 && n < v.count ? .float(v[Int(n)]) : .null
  case let (.string(s), .int(n)):
    guard n >= 0 else { return .null }
    let scalars = Array(s.unicodeScalars)
    return n < scalars.count ? .string(String(scalars[Int(n)])) : .null
  default: return .null
  }
}

func negate(_ v: Value, _ loc: String) throws -> Value {
  switch v {
  case .int(let i):
    guard i != Int64.min else { throw RuntimeError("integer overflow in negation", at: loc) }
    return .int(-i)
  case .float(let d): return .float(-d)
  case .duration(let d): return .duration(-d)
  case .vector(let xs): return .vector(xs.map { -$0 })
  default: throw RuntimeError("cannot negate \(render(v, quoted: true))", at: loc)
  }
}

final class ReusableFrame {
  let frame: Frame
  var busy = false
  init(_ frame: Frame) { self.frame = frame }
}
