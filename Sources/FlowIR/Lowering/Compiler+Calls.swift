import FlowSyntax
import FlowSema
import FlowRuntime

/// A built-in: an `extern fn` of the standard library, implemented in Swift.
/// Stream operators run at plan time and return plan nodes; scalar
/// functions run inside compiled lambdas at run time.
public typealias Builtin = (CallSite, [Value]) throws -> Value

extension Lowering {
  /// The key of an `extern fn` in the built-in table: its name and the head
  /// of its first parameter's type, which tells overloads apart.
  static func externKey(_ d: FnDecl) -> String {
    func head(_ t: TypeExpr) -> String {
      switch t.kind {
      case .named(let n, _): return n.text
      case .function: return "fn"
      case .record: return "{}"
      case .tuple: return "()"
      case .optional(let i): return head(i) + "?"
      case .error: return "?"
      }
    }
    return d.name.text + "/" + (d.params.first?.type.map(head) ?? "")
  }

  func builtin(_ f: FunctionSymbol, at e: Expr) throws -> Builtin {
    let key = Lowering.externKey(f.decl)
    guard let impl = Builtins.table[key] else {
      throw LoweringError("'\(f.name)' is not implemented by `flow run` in this release", at: location(e.span), notes: ["note: `flow check` accepts it; see the status table in README.md for what runs today"])
    }
    return impl
  }

  func compileCall(_ e: Expr, callee: Expr, args: [Arg], piped: Expr?, _ s: FnScope) throws -> Code {
    let site = CallSite(location: location(callee.span), span: callee.span, lowering: self, expr: e)
    if let call = checker.calls[e.id] {
      var codes: [CompiledCode] = []
      for (i, a) in call.arguments.enumerated() {
        if let a = a {
          codes.append(CompiledCode(try compile(a, s)))
        } else if let d = call.function.defaults[i] {
          codes.append(CompiledCode(try compile(d, FnScope(parent: nil))))
        } else {
          throw LoweringError("internal: missing argument \(i) of '\(call.function.name)'", at: location(e.span))
        }
      }
      if call.function.isExtern {
        let impl = try builtin(call.function, at: callee)
        if let fused = try compileSplitLower(call, impl, site, s) { return fused }
        switch codes.count {
        case 0: return { _ in try impl(site, []) }
        case 1:
          let a = codes[0].run
          return { f in try impl(site, [try a(f)]) }
        case 2:
          let a = codes[0].run, b = codes[1].run
          return { f in try impl(site, [try a(f), try b(f)]) }
        default:
          return { f in
            var args: [Value] = []
            args.reserveCapacity(codes.count)
            for c in codes { args.append(try c.run(f)) }
            return try impl(site, args)
          }
        }
      }
      let fn = call.function
      return { [unowned self] f in
        let fv: Value
        do { fv = try self.functionValue(fn) } catch let l as LoweringError { throw RuntimeError(l.message, at: l.location) }
        guard case .function(let g) = fv else { throw RuntimeError("internal: not a function", at: site.location) }
        var args: [Value] = []
        args.reserveCapacity(codes.count)
        for c in codes { args.append(try c.run(f)) }
        return try g.call(args)
      }
    }
    let all = (piped.map { [$0] } ?? []) + args.map(\.value)
    // Intrinsics: operators typed by special rules in the checker.
    if case .functions(let fs)? = checker.references[callee.id], let f = fs.first, f.module == "std.prelude" {
      switch f.name {
      case "aggregate": return try compileAggregate(e, all, s, site)
      case "lateEvents": return try compileLateEvents(all, s, site)
      case "sql": return try compileSQL(all, s, site)
      default: return try compilePatternPart(f.name, all, s, site)
      }
    }
    let fc = try compile(callee, s)
    let codes = try all.map { try compile($0, s) }
    return { f in
      guard case .function(let g) = try fc(f) else { throw RuntimeError("called value is not a function", at: site.location) }
      return try g.call(try codes.map { try $0(f) })
    }
  }

  /// `begin("name", cond)` and `p |> followedBy("name", cond)` etc.: builds
  /// a pattern spec at plan time.
  func compilePatternPart(_ name: String, _ args: [Expr], _ s: FnScope, _ site: CallSite) throws -> Code {
    let hasBase = name != "begin"
    let base = hasBase && !args.isEmpty ? try compile(args[0], s) : nil
    let contiguity: PatternSpec.Contiguity = name == "next" || name == "notNext" ? .strict : name == "followedByAny" ? .any : .relaxed
    if args.count == (hasBase ? 2 : 1) {
      // A group: a sub-pattern matched as one step.
      let group = try compile(args[hasBase ? 1 : 0], s)
      return { f in
        guard case .opaque(let g) = try group(f), let gs = g as? PatternSpec else { throw RuntimeError("internal: expected a pattern", at: site.location) }
        if gs.parts.last?.negation == .notFollowedBy {
          throw RuntimeError("a group cannot end with notFollowedBy: put the negative part after the group", at: site.location)
        }
        let part = PatternSpec.Part(group: gs, contiguity: contiguity)
        guard let b = base else { return .opaque(PatternSpec(parts: [part], within: gs.within)) }
        guard case .opaque(let o) = try b(f), let spec = o as? PatternSpec else { throw RuntimeError("internal: expected a pattern", at: site.location) }
        return .opaque(spec.appending(part))
      }
    }
    guard args.count == (hasBase ? 3 : 2) else { throw LoweringError("internal: malformed \(name)", at: site.location) }
    let nameExpr = args[hasBase ? 1 : 0], condExpr = args[hasBase ? 2 : 1]
    guard case .string(let pieces) = nameExpr.kind, pieces.count <= 1 else { throw LoweringError("internal: pattern part name", at: site.location) }
    var partName = ""
    if case .text(let t)? = pieces.first { partName = t }
    let cond = try compile(condExpr, s)
    var arity = 2
    if case .lambda(let ps, _) = condExpr.kind { arity = ps.count }
    let negation: PatternSpec.Negation = name == "notNext" ? .notNext : name == "notFollowedBy" ? .notFollowedBy : .none
    let pn = partName
    return { f in
      guard case .function(let c) = try cond(f) else { throw RuntimeError("internal: pattern condition", at: site.location) }
      let part = PatternSpec.Part(name: pn, condition: c, conditionArity: arity, contiguity: contiguity, negation: negation)
      guard let b = base else { return .opaque(PatternSpec(parts: [part], within: nil)) }
      guard case .opaque(let o) = try b(f), let spec = o as? PatternSpec else { throw RuntimeError("internal: expected a pattern", at: site.location) }
      return .opaque(spec.appending(part))
    }
  }

  /// `lateEvents(windowed)` or `lateEvents(matches)`: the late events of the
  /// window or pattern operator.
  func compileLateEvents(_ args: [Expr], _ s: FnScope, _ site: CallSite) throws -> Code {
    guard args.count == 1 else { throw LoweringError("internal: malformed lateEvents", at: site.location) }
    let input = try compile(args[0], s)
    return { [unowned self] f in
      let n = try planNode(try input(f), site)
      switch n.kind {
      case .window, .pattern: return self.node(.lateEvents, [n], site, "lateEvents")
      default: throw RuntimeError("lateEvents takes a windowed stream or the output of `pattern(...)` directly", at: site.location)
      }
    }
  }

  /// `aggregate(keyed, { name: agg, ... })`.
  func compileAggregate(_ e: Expr, _ args: [Expr], _ s: FnScope, _ site: CallSite) throws -> Code {
    guard args.count == 2, case .record(let fields) = args[1].kind else {
      throw LoweringError("internal: malformed aggregate", at: site.location)
    }
    let input = try compile(args[0], s)
    let aggs = try fields.map { ($0.name.text, try compile($0.value, s)) }
    // The Table API's `groupBy(...) |> aggregate(...)` emits a changelog.
    var grouped = false
    if case .con("Grouped", _)? = checker.exprTypes[args[0].id]?.resolved { grouped = true }
    return { [unowned self] f in
      let inNode = try planNode(try input(f), site)
      var specs: [(String, AggSpec)] = []
      for (n, c) in aggs {
        guard case .opaque(let o) = try c(f), let spec = o as? AggSpec else { throw RuntimeError("'\(n)' is not an aggregate", at: site.location) }
        specs.append((n, spec))
      }
      if grouped {
        let spec = ChangelogSpec(.aggregate(fields: specs, shape: Shape(["key"] + specs.map(\.0))), ttl: inNode.stateTTL)
        return self.node(.changelog(spec), [inNode], site, "aggregate")
      }
      let windowed: Bool
      if case .window = inNode.kind { windowed = true } else { windowed = false }
      let shape = Shape(["key"] + (windowed ? ["start", "end"] : []) + specs.map(\.0))
      return self.node(.aggregate(fields: specs, shape: shape), [inNode], site, "aggregate")
    }
  }
}

/// The plan node inside a stream value.
/// Plans an embedded SQL query (`stream |> sql("t", "SELECT ...")`) over
/// its input node; set by FlowDriver, which links the SQL front end.
public enum EmbeddedSQL {
  /// (query, table, input columns with Flow type names, input node, call
  /// location, a source of fresh node ids) -> the query's output node.
  nonisolated(unsafe) public static var planner: ((_ query: String, _ table: String, _ columns: [(name: String, type: String)], _ input: PlanNode, _ location: String, _ nextID: @escaping () -> Int) throws -> PlanNode)?
}

extension Lowering {
  func compileSQL(_ args: [Expr], _ s: FnScope, _ site: CallSite) throws -> Code {
    guard args.count == 3, case .string(let tp) = args[1].kind, case .string(let qp) = args[2].kind, tp.count <= 1, qp.count <= 1 else {
      throw LoweringError("internal: malformed sql call", at: site.location)
    }
    func text(_ parts: [StringPart]) -> String {
      if case .text(let t)? = parts.first { return t }
      return ""
    }
    let table = text(tp), query = text(qp)
    var columns: [(name: String, type: String)] = []
    var row = checker.exprTypes[args[0].id]?.resolved
    if case .con("Stream", let a)? = row, a.count == 1 { row = a[0].resolved }
    if case .con("Keyed", let a)? = row, a.count == 2 { row = a[1].resolved }
    if case .record(let fields, _)? = row {
      for (n, t) in fields {
        var b = t.resolved
        if case .optional(let inner) = b { b = inner.resolved }
        if case .con(let head, _) = b { columns.append((n, head)) }
      }
    }
    let input = try compile(args[0], s)
    return { [unowned self] f in
      guard let planner = EmbeddedSQL.planner else {
        throw RuntimeError("SQL queries need the SQL front end, which this tool does not include", at: site.location)
      }
      let inNode = try planNode(try input(f), site)
      return .opaque(try planner(query, table, columns, inNode, site.location, { [unowned self] in
        self.nextNodeID += 1
        return self.nextNodeID
      }))
    }
  }
}

func planNode(_ v: Value, _ site: CallSite) throws -> PlanNode {
  guard case .opaque(let o) = v, let n = o as? PlanNode else {
    throw RuntimeError("internal: expected a stream", at: site.location)
  }
  return n
}

func function(_ v: Value, _ site: CallSite) throws -> FunctionValue {
  guard case .function(let f) = v else { throw RuntimeError("internal: expected a function", at: site.location) }
  return f
}

extension Lowering {
  /// `split(lower(text), sep)`, the tokenizer of word counts: on ASCII text
  /// with a one-byte separator, one pass over the bytes lower-cases and cuts
  /// the pieces, with no lower-cased copy of the whole text in between.
  /// Other text takes the two built-ins in turn, so results never differ.
  func compileSplitLower(_ call: ResolvedCall, _ split: @escaping Builtin, _ site: CallSite, _ s: FnScope) throws -> Code? {
    guard Lowering.externKey(call.function.decl) == "split/String", call.arguments.count == 2,
          let inner = call.arguments[0], let sepExpr = call.arguments[1],
          let lowerCall = checker.calls[inner.id], lowerCall.function.isExtern,
          Lowering.externKey(lowerCall.function.decl) == "lower/String",
          lowerCall.arguments.count == 1, let textExpr = lowerCall.arguments[0] else { return nil }
    guard case .call(let lowerCallee, _) = inner.kind else { return nil }
    let lower = try builtin(lowerCall.function, at: lowerCallee)
    let lowerSite = CallSite(location: location(lowerCallee.span), span: lowerCallee.span, lowering: self, expr: inner)
    let text = CompiledCode(try compile(textExpr, s)).run
    let sep = CompiledCode(try compile(sepExpr, s)).run
    return { f in
      let t = try text(f), p = try sep(f)
      if case .string(let tx) = t, case .string(let sx) = p, let pieces = ASCIIStrings.lowerSplit(tx, sx) {
        return .list(pieces)
      }
      return try split(site, [try lower(lowerSite, [t]), p])
    }
  }
}
