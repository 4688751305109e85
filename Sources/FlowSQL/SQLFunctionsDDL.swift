import FlowSyntax
import FlowRuntime

/// `CREATE [TEMPORARY] [SYSTEM] FUNCTION [IF NOT EXISTS] name AS 'class'
/// [LANGUAGE JAVA]`. Flow runs no JVM code: the class must be one of the
/// implementations Flow has built in (`SQLUserFunction.builtIn`, the
/// Nexmark benchmark's UDFs); any other class is E0830.
public struct SQLCreateFunction {
  public var name: String
  public var nameSpan: Span
  public var className: String
  public var classSpan: Span
  public var ifNotExists: Bool
  public var span: Span
}

extension SQLParser {
  /// After `CREATE [TEMPORARY]`, at SYSTEM or FUNCTION.
  mutating func parseCreateFunction(_ start: Span) throws -> SQLCreateFunction {
    _ = accept("SYSTEM")
    try expect("FUNCTION")
    var ifNotExists = false
    if accept("IF") {
      try expect("NOT")
      try expect("EXISTS")
      ifNotExists = true
    }
    var (name, nameSpan) = try identifier("a function name")
    // `catalog.db.name`: Flow has one catalog; the last part names the function.
    while acceptSymbol(".") {
      let (part, sp) = try identifier("a function name")
      name = part
      nameSpan = nameSpan.to(sp)
    }
    try expect("AS")
    let c = peek
    guard case .string(let cls) = advance().kind else { throw fail("expected the function's class name in quotes, found \(describe(c))", at: c.span) }
    if accept("LANGUAGE") {
      let l = peek
      let (lang, _) = try identifier("a language")
      guard ["JAVA", "SCALA"].contains(lang.uppercased()) else {
        throw unsupported("LANGUAGE \(lang) functions are not supported", at: l.span, notes: ["help: Flow provides the built-in classes listed in Language/sql.md (LANGUAGE JAVA)"])
      }
    }
    if peek.isKeyword("USING") {
      throw unsupported("USING JAR is not supported", notes: ["help: Flow runs no JVM code; it provides the classes listed in Language/sql.md"])
    }
    return SQLCreateFunction(name: name, nameSpan: nameSpan, className: cls, classSpan: c.span, ifNotExists: ifNotExists, span: spanFrom(start))
  }
}

/// A scalar function declared with CREATE FUNCTION, implemented in Flow.
struct SQLUserFunction {
  var className: String
  /// How it is called, for errors: `count_char(s STRING, c STRING)`.
  var usage: String
  var parameters: [SQLType]
  var result: SQLType
  /// Applied to non-NULL-checked argument values.
  var body: ([Value]) throws -> Value
  /// A declaration already reported (E0830): its calls are not reported again.
  var refused = false

  /// The classes Flow implements, by Java class name.
  static let builtIn: [String: SQLUserFunction] = [
    // Nexmark q14: how many bytes of `s` equal the first byte of `c` (0 for a NULL `s`).
    "com.github.nexmark.flink.udf.CountChar": SQLUserFunction(
      className: "com.github.nexmark.flink.udf.CountChar", usage: "(s STRING, c STRING) -> BIGINT", parameters: [.string, .string], result: .bigint,
      body: { args in
        guard case .string(let s) = args[0] else { return .int(0) }
        guard case .string(let c) = args[1], let b = c.utf8.first else { return .null }
        var n: Int64 = 0
        for x in s.utf8 where x == b { n += 1 }
        return .int(n)
      }),
  ]

  func bind(_ b: ExprBinder, _ written: String, _ args: [Typed], _ span: Span) -> Typed {
    if refused { return .constant(.null, .null, span) }
    guard args.count == parameters.count else {
      return b.error("E0806", "\(written) takes \(parameters.count) argument\(parameters.count == 1 ? "" : "s"), found \(args.count)", span,
                     notes: ["note: it is \(className) \(usage)"])
    }
    for (i, a) in args.enumerated() where !b.expect(a, [parameters[i]], "argument \(i + 1) of \(written)") { return .constant(.null, .null, span) }
    let evals = args.map(\.eval), f = body
    var reads = Set<String>()
    for a in args { reads.formUnion(a.reads) }
    return Typed(type: result, eval: { row in try f(try evals.map { try $0(row) }) }, reads: reads, isConstant: false, span: span)
  }
}

extension SQLCompiler {
  func defineFunction(_ f: SQLCreateFunction) {
    let key = f.name.uppercased()
    if functions[key] != nil || ExprBinder.functionNames.contains(key) || key == "PROCTIME" || SQLAggregateKind(rawValue: key) != nil {
      if f.ifNotExists, functions[key] != nil { return }
      diag.add(.error("E0808", "function '\(f.name)' is already defined", at: f.nameSpan, notes: ["help: choose another name"]))
      return
    }
    guard let impl = SQLUserFunction.builtIn[f.className] else {
      let known = SQLUserFunction.builtIn.keys.sorted()
      var notes = ["note: Flow runs no JVM code; the classes it implements are: \(known.joined(separator: ", "))",
                   "help: write the function in a Flow script and query the stream with sql(...), or use the built-in functions (Language/sql.md)"]
      if let m = closestMatch(to: f.className, in: known) { notes.insert("help: did you mean '\(m)'?", at: 0) }
      diag.add(.error("E0830", "unknown function class '\(f.className)'", at: f.classSpan, notes: notes))
      functions[key] = SQLUserFunction(className: f.className, usage: "", parameters: [], result: .null, body: { _ in .null }, refused: true)
      return
    }
    functions[key] = impl
  }
}
