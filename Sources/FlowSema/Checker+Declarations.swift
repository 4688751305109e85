import FlowSyntax

/// Module-level checking: imports, type declarations, function signatures,
/// then every item in source order.
extension Checker {
  var preludeScope: Scope? {
    guard let p = prelude else { return nil }
    if let s = preludeScopeCache { return s }
    let s = Scope(parent: nil)
    s.values = p.values
    s.types = p.types
    preludeScopeCache = s
    return s
  }

  func checkModule(_ program: SourceProgram, name: String, key: String, isEntry: Bool, isPrelude: Bool = false) -> ModuleSymbol {
    let module = ModuleSymbol(name: name, program: program)
    let savedModule = currentModule, savedFile = currentFile
    currentModule = name
    currentFile = program.file.path
    defer {
      currentModule = savedModule
      currentFile = savedFile
    }
    let scope = Scope(parent: isPrelude ? nil : preludeScope)
    moduleScopes.append(scope)
    var defined: [String: Span] = [:]
    func define(_ n: String, _ span: Span) -> Bool {
      if let prev = defined[n] {
        let loc = sources.file(prev.fileID).map { f -> String in
          let l = f.location(of: prev.start)
          return "\(l.line):\(l.column)"
        } ?? "?"
        error("E0204", "'\(n)' is already defined in this module", at: span, notes: ["note: the first definition is at line \(loc)", "help: rename one of them"])
        return false
      }
      defined[n] = span
      return true
    }

    // 1. Imports.
    for item in program.items {
      guard case .importDecl(let imp) = item else { continue }
      guard let m = imp.isMalformed ? nil : loadModule(imp, from: program.file.path) else {
        // The failed import is reported; the names it would have bound are
        // not reported again at every use.
        if let names = imp.names { for n in names { scope.poisoned.insert(n.text) } }
        if imp.names == nil, case .module = imp.target { scope.moduleImportFailed = true }
        if let a = imp.alias { scope.poisoned.insert(a.text) } else if imp.names == nil {
          switch imp.target {
          case .module(let parts):
            if let last = parts.last { scope.poisoned.insert(last.text) }
            // `import std.grpah` then `graph.degrees(...)`: the uses spell
            // the module that was meant (the one suggested), not the typo.
            let dotted = parts.map(\.text).joined(separator: ".")
            if let meant = closestMatch(to: dotted, in: Array(stdlib.keys)), let last = meant.split(separator: ".").last {
              scope.poisoned.insert(String(last))
            }
          case .file: scope.openImportFailed = true
          }
        }
        continue
      }
      bindImport(imp, module: m, into: scope)
    }

    // 2. Types, all names first so that they may refer to each other.
    var typeDecls: [(TypeDecl, TypeSymbol)] = []
    for item in program.items {
      guard case .typeDecl(let td) = item else { continue }
      if Checker.builtinTypes[td.name.text] != nil {
        error("E0204", "'\(td.name.text)' is a built-in type and cannot be redefined", at: td.name.span)
        continue
      }
      guard define("type " + td.name.text, td.name.span) else { continue }
      let kind: TypeSymbol.Kind
      switch td.body {
      case .alias(let te): kind = .alias(te)
      case .sum: kind = .sum
      case .opaque: kind = .opaque
      }
      let qn = isPrelude ? td.name.text : "\(name)::\(td.name.text)"
      let sym = TypeSymbol(name: td.name.text, qualifiedName: qn, params: td.params.map(\.text), kind: kind, span: td.span)
      sym.scope = scope
      scope.types[td.name.text] = sym
      if case .sum = kind { sumTypes[qn] = sym }
      typeDecls.append((td, sym))
      if td.isPublic || isPrelude { module.types[td.name.text] = sym }
    }
    for (td, sym) in typeDecls {
      guard case .sum(let variants) = td.body else { continue }
      level += 1
      var params: [String: Type] = [:]
      var vars: [TypeVar] = []
      for p in td.params {
        let v = fresh()
        if case .v(let tv) = v { vars.append(tv) }
        params[p.text] = v
      }
      let result = Type.con(sym.qualifiedName, td.params.map { params[$0.text] ?? fresh() })
      for (i, variant) in variants.enumerated() {
        let payload = variant.fields.map { resolveType($0, params: params, scope: scope) }
        let t: Type = payload.isEmpty ? result : .fn(payload, result)
        let ctor = ConstructorSymbol(name: variant.name.text, type: sym, index: i, scheme: Scheme(vars: vars, type: t), arity: payload.count)
        sym.constructors.append(ctor)
        guard define(variant.name.text, variant.name.span) else { continue }
        scope.values[variant.name.text] = .constructor(ctor)
        if td.isPublic || isPrelude { module.values[variant.name.text] = .constructor(ctor) }
      }
      level -= 1
    }
    // Aliases are checked once here so that errors inside them are reported
    // even when the alias is never used.
    for (td, _) in typeDecls {
      if case .alias(let te) = td.body {
        var params: [String: Type] = [:]
        for p in td.params { params[p.text] = fresh() }
        _ = resolveType(te, params: params, scope: scope)
      }
    }

    // 3. Function signatures, so that functions may call each other in any order.
    var fnInfo: [Int: (FunctionSymbol, [(String, Int)], [Type], Type)] = [:]
    for item in program.items {
      guard case .fnDecl(let fd) = item else { continue }
      let (sym, rigid, paramTypes, ret) = declareFunction(fd, scope: scope)
      fnInfo[fd.id] = (sym, rigid, paramTypes, ret)
      functionSymbols[fd.id] = sym
      if case .functions(let existing)? = scope.values[fd.name.text], fd.isExtern, existing.allSatisfy({ $0.isExtern }) {
        scope.values[fd.name.text] = .functions(existing + [sym])
      } else {
        guard define(fd.name.text, fd.name.span) else { continue }
        scope.values[fd.name.text] = .functions([sym])
      }
      if fd.isPublic || isPrelude {
        if case .functions(let existing)? = module.values[fd.name.text] {
          module.values[fd.name.text] = .functions(existing + [sym])
        } else {
          module.values[fd.name.text] = .functions([sym])
        }
      }
    }

    // 4. Items in order. A `let` is visible below its definition only; note
    // where each is, to say so when one is used above it.
    for item in program.items {
      if case .letDecl(let ld) = item { for (n, span) in patternNames(ld.pattern) where scope.definedLater[n] == nil { scope.definedLater[n] = span } }
    }
    for item in program.items {
      switch item {
      case .importDecl, .typeDecl:
        continue
      case .fnDecl(let fd):
        guard let (sym, rigid, paramTypes, ret) = fnInfo[fd.id] else { continue }
        checkFunctionBody(fd, symbol: sym, rigid: rigid, paramTypes: paramTypes, ret: ret, scope: scope)
      case .letDecl(let ld):
        let bound = checkLet(ld, scope: scope, module: name)
        for (n, sym) in bound {
          guard define(n, sym.span) else { continue }
          scope.values[n] = .value(sym)
          if ld.isPublic || isPrelude { module.values[n] = .value(sym) }
        }
      case .expr(let e):
        let t = infer(e, scope)
        if !isEntry {
          error("E0405", "a module that is imported may only declare things; this pipeline would never run", at: e.span, notes: ["help: move the pipeline into the script that imports this module"])
        } else if case .con("Sink", _) = t.resolved {
        } else if case .v = t.resolved {
        } else if !isErrorExpr(e) && !program.statementsWithSyntaxErrors.contains(e.id) {
          error("E0502", "this statement has no sink, so its result goes nowhere", at: e.span, label: "this is \(article(TypePrinter().print(t)))", notes: ["help: end the pipeline with a sink such as `|> writeStdout()`, or bind it with `let name = ...`"])
        }
      }
    }
    // Defaults of externs are checked last: they may use any name in the module.
    for item in program.items {
      guard case .fnDecl(let fd) = item, fd.isExtern, let (_, _, paramTypes, _) = fnInfo[fd.id] else { continue }
      for (i, p) in fd.params.enumerated() {
        if let d = p.defaultValue { check(d, paramTypes[i], scope) }
      }
    }
    modules[key] = module
    return module
  }

  /// The names a pattern binds, with their spans.
  func patternNames(_ p: Pattern) -> [(String, Span)] {
    switch p.kind {
    case .bind(let n): return [(n, p.span)]
    case .constructor(_, let args): return args.flatMap(patternNames)
    case .tuple(let items): return items.flatMap(patternNames)
    case .record(let fields, _): return fields.flatMap { patternNames($0.pattern) }
    default: return []
    }
  }

  /// For a name not in scope that a later top-level `let` defines: the error.
  func reportUsedBeforeDefinition(_ n: String, at span: Span, _ scope: Scope) -> Bool {
    guard let def = scope.laterDefinition(of: n), let f = sources.file(def.fileID) else { return false }
    let line = f.location(of: def.start).line
    error("E0201", "'\(n)' is used before it is defined (on line \(line))", at: span, notes: ["help: move `let \(n) = ...` above this use; a `let` is visible only below it"])
    return true
  }

  /// "a Stream<Int>", "an Int".
  func article(_ s: String) -> String {
    guard let c = s.first else { return s }
    return ("AEIOU".contains(c) ? "an " : "a ") + s
  }

  func isErrorExpr(_ e: Expr) -> Bool {
    if case .error = e.kind { return true }
    return false
  }

  func bindImport(_ imp: ImportDecl, module m: ModuleSymbol, into scope: Scope) {
    if let names = imp.names {
      for n in names {
        var found = false
        if let b = m.values[n.text] {
          scope.values[n.text] = b
          found = true
        }
        if let t = m.types[n.text] {
          scope.types[n.text] = t
          found = true
        }
        if !found {
          scope.poisoned.insert(n.text)
          let all = Array(m.values.keys) + Array(m.types.keys)
          let s = closestMatch(to: n.text, in: all)
          error("E0406", "module '\(m.name)' has no public member '\(n.text)'", at: n.span, label: s.map { "did you mean '\($0)'?" }, notes: ["note: its public members are: \(all.sorted().joined(separator: ", "))"])
        }
      }
      return
    }
    switch imp.target {
    case .module(let parts):
      let alias = imp.alias?.text ?? parts.last?.text ?? m.name
      scope.values[alias] = .module(ModuleSymbol.namespace(of: m))
      // Types of a namespaced module are reachable by their plain names too,
      // since a type written in an annotation cannot be qualified.
      for (n, t) in m.types where scope.types[n] == nil { scope.types[n] = t }
    case .file:
      if let alias = imp.alias {
        scope.values[alias.text] = .module(m)
        for (n, t) in m.types where scope.types[n] == nil { scope.types[n] = t }
      } else {
        for (n, b) in m.values { scope.values[n] = b }
        for (n, t) in m.types { scope.types[n] = t }
      }
    }
  }

  /// Creates a function's symbol from its signature alone.
  func declareFunction(_ fd: FnDecl, scope: Scope) -> (FunctionSymbol, [(String, Int)], [Type], Type) {
    var params: [String: Type] = [:]
    var rigid: [(String, Int)] = []
    for tp in fd.typeParams {
      let id = newSymbolID()
      params[tp.name.text] = .param(tp.name.text, id)
      rigid.append((tp.name.text, id))
      if let b = tp.bound {
        switch b.text {
        case "Num": paramBounds[id] = ["Int", "Float"]
        case "Ord": paramBounds[id] = ["Int", "Float", "String", "Time", "Duration"]
        default:
          error("E0207", "unknown constraint '\(b.text)'", at: b.span, notes: ["note: the constraints are Num (Int or Float) and Ord (values that compare with < and >)"])
        }
      }
    }
    level += 1
    var paramTypes: [Type] = []
    var names: [String?] = []
    var seen = Set<String>()
    for p in fd.params {
      if let te = p.type {
        paramTypes.append(resolveType(te, params: params, scope: scope))
      } else {
        if fd.isExtern { error("E0105", "a parameter of an 'extern fn' must have a type", at: p.span) }
        paramTypes.append(fresh())
      }
      if let n = p.name, !seen.insert(n).inserted {
        error("E0208", "parameter '\(n)' appears twice", at: p.span)
      }
      names.append(p.name)
    }
    let ret = fd.returnType.map { resolveType($0, params: params, scope: scope) } ?? fresh()
    level -= 1
    let t = Type.fn(paramTypes, ret)
    // A fully annotated function is polymorphic from the start, so it may be
    // used above its definition at several types.
    let annotated = fd.returnType != nil && fd.params.allSatisfy { $0.type != nil }
    let scheme = (fd.isExtern || annotated) ? generalizeParams(t, params: rigid) : Scheme(vars: [], type: t)
    let sym = FunctionSymbol(name: fd.name.text, module: currentModule, decl: fd, scheme: scheme, paramNames: names, defaults: fd.params.map(\.defaultValue))
    return (sym, rigid, paramTypes, ret)
  }

  func checkFunctionBody(_ fd: FnDecl, symbol: FunctionSymbol, rigid: [(String, Int)], paramTypes: [Type], ret: Type, scope: Scope) {
    guard let body = fd.body else { return }
    level += 1
    let inner = Scope(parent: scope)
    for (i, p) in fd.params.enumerated() {
      if let d = p.defaultValue { check(d, paramTypes[i], scope) }
      bindPattern(p.pattern, paramTypes[i], inner, generalizeBindings: false)
    }
    check(body, ret, inner)
    level -= 1
    symbol.scheme = generalizeParams(.fn(paramTypes, ret), params: rigid)
  }

  /// Checks a `let` and returns the names it binds, generalized.
  func checkLet(_ ld: LetDecl, scope: Scope, module: String?) -> [(String, ValueSymbol)] {
    level += 1
    let t: Type
    if let te = ld.type {
      t = resolveType(te, params: [:], scope: scope)
      check(ld.value, t, scope)
    } else {
      t = infer(ld.value, scope)
    }
    level -= 1
    var out: [(String, ValueSymbol)] = []
    let tmp = Scope(parent: scope)
    bindPattern(ld.pattern, t, tmp, generalizeBindings: true)
    if !isIrrefutable(ld.pattern) {
      error("E0602", "this pattern might not match, so it cannot be used in 'let'", at: ld.pattern.span, notes: ["help: use `match` to handle every case"])
    }
    for (n, b) in tmp.values {
      if case .value(let v) = b {
        let sym = ValueSymbol(name: n, scheme: v.scheme, span: v.span, module: module, id: v.id)
        sym.letDecl = ld
        out.append((n, sym))
      }
    }
    return out.sorted { $0.1.span.start < $1.1.span.start }
  }
}

extension ModuleSymbol {
  static func namespace(of m: ModuleSymbol) -> ModuleSymbol { m }
}
