import FlowSyntax
import FlowRuntime

/// One variable of a MATCH_RECOGNIZE `PATTERN`, with its quantifier:
/// `A` (once), `A*`, `A+`, `A?`, `A{n}`, `A{n,}`, `A{,m}`, `A{n,m}`, each
/// followed by `?` for the reluctant (shortest) form; or a group `(A B)`
/// with the same quantifiers.
public struct SQLPatternTerm {
  /// Empty for a group.
  public var name: String
  /// `(A B)`: a parenthesized sub-sequence, quantified as one step.
  public var group: [SQLPatternTerm]?
  public var span: Span
  public var min = 1
  /// nil: unbounded.
  public var max: Int? = 1
  public var reluctant = false
}

/// `input MATCH_RECOGNIZE (PARTITION BY ... ORDER BY ... MEASURES ...
/// ONE ROW PER MATCH AFTER MATCH SKIP ... PATTERN (...) WITHIN ...
/// DEFINE ...)`, planned onto the CEP engine by SQLMatchRecognize.swift.
public struct SQLMatchRecognize {
  public var input: SQLTableRef
  public var partitionBy: [SQLExpr] = []
  public var orderBy: [(SQLExpr, Bool)] = []
  public var measures: [(expr: SQLExpr, alias: String)] = []
  /// `PAST LAST ROW` (the default), `TO NEXT ROW`, `TO FIRST`, `TO LAST`.
  public var skip = "PAST LAST ROW"
  public var skipVariable: (String, Span)?
  public var pattern: [SQLPatternTerm] = []
  public var patternSpan: Span
  public var within: SQLExpr?
  public var defines: [(name: String, span: Span, condition: SQLExpr)] = []
  public var span: Span
}

extension SQLParser {
  mutating func parseMatchRecognize(_ input: SQLTableRef) throws -> SQLMatchRecognize {
    let start = advance().span
    try expectSymbol("(", " after MATCH_RECOGNIZE")
    var m = SQLMatchRecognize(input: input, patternSpan: start, span: start)
    if accept("PARTITION") {
      try expect("BY")
      repeat { m.partitionBy.append(try parseExpr()) } while acceptSymbol(",")
    }
    if accept("ORDER") {
      try expect("BY")
      repeat {
        let e = try parseExpr()
        var desc = false
        if accept("DESC") { desc = true } else { _ = accept("ASC") }
        m.orderBy.append((e, desc))
      } while acceptSymbol(",")
    }
    if accept("MEASURES") {
      repeat {
        let e = try parseExpr()
        guard accept("AS") else { throw fail("expected AS and a name after the measure, found \(describe(peek))", notes: ["help: MEASURES LAST(A.price) AS last_price"]) }
        m.measures.append((e, try identifier("a measure name").0))
      } while acceptSymbol(",")
    }
    if peek.isKeyword("ALL") {
      throw unsupported("ALL ROWS PER MATCH is not supported (nor in Flink)", notes: ["help: use ONE ROW PER MATCH, with MEASURES for what each match should report"])
    }
    if accept("ONE") {
      try expect("ROW")
      try expect("PER")
      try expect("MATCH")
    }
    if accept("AFTER") {
      try expect("MATCH")
      try expect("SKIP")
      if accept("PAST") {
        try expect("LAST")
        try expect("ROW")
        m.skip = "PAST LAST ROW"
      } else {
        try expect("TO")
        if accept("NEXT") {
          try expect("ROW")
          m.skip = "TO NEXT ROW"
        } else {
          m.skip = accept("FIRST") ? "TO FIRST" : "TO LAST"
          if m.skip == "TO LAST" { _ = accept("LAST") }
          m.skipVariable = try identifier("a pattern variable")
        }
      }
    }
    let patternStart = peek.span
    try expect("PATTERN")
    try expectSymbol("(", " after PATTERN")
    m.pattern = try parsePatternSequence()
    try expectSymbol(")", " to close PATTERN")
    m.patternSpan = spanFrom(patternStart)
    if m.pattern.isEmpty { throw fail("PATTERN needs at least one variable", at: m.patternSpan) }
    if accept("WITHIN") { m.within = try parseExpr() }
    if peek.isKeyword("SUBSET") {
      throw unsupported("SUBSET is not supported", notes: ["help: aggregate over each variable separately"])
    }
    try expect("DEFINE")
    repeat {
      let (name, sp) = try identifier("a pattern variable")
      try expect("AS")
      m.defines.append((name, sp, try parseExpr()))
    } while acceptSymbol(",")
    try expectSymbol(")", " to close MATCH_RECOGNIZE")
    m.span = spanFrom(start)
    return m
  }

  /// The terms of PATTERN (or of a group) up to the closing parenthesis.
  mutating func parsePatternSequence() throws -> [SQLPatternTerm] {
    var terms: [SQLPatternTerm] = []
    while !peek.isSymbol(")") {
      if peek.isSymbol("|") {
        throw unsupported("alternation (|) in PATTERN is not supported", notes: ["help: use one variable whose DEFINE joins the conditions with OR (PATTERN (A X) DEFINE X AS X.price > 10 OR X.volume > 100), and CASE in MEASURES to tell them apart"])
      }
      if peek.isSymbol("^") || peek.isSymbol("$") || peek.isKeyword("PERMUTE") || peek.isSymbol("{") {
        throw unsupported("\(describe(peek)) in PATTERN is not supported", notes: ["help: PATTERN takes variables and groups, each with an optional quantifier: (A (B C)+? D{2,3} E*?)"])
      }
      var term: SQLPatternTerm
      let sp = peek.span
      if acceptSymbol("(") {
        let inner = try parsePatternSequence()
        try expectSymbol(")", " to close the group")
        if inner.isEmpty { throw fail("a group in PATTERN needs at least one variable", at: spanFrom(sp)) }
        term = SQLPatternTerm(name: "", group: inner, span: sp)
      } else {
        let (name, nsp) = try identifier("a pattern variable")
        term = SQLPatternTerm(name: name, span: nsp)
      }
      try parseQuantifier(&term, sp)
      term.span = spanFrom(sp)
      terms.append(term)
    }
    return terms
  }

  mutating func parseQuantifier(_ term: inout SQLPatternTerm, _ sp: Span) throws {
    if acceptSymbol("*") { term.min = 0; term.max = nil }
    else if acceptSymbol("+") { term.min = 1; term.max = nil }
    else if acceptSymbol("?") { term.min = 0; term.max = 1 }
    else if acceptSymbol("{") {
      func count() throws -> Int? {
        let t = peek
        guard case .number(let s) = t.kind else { return nil }
        _ = advance()
        guard let n = Int(s), n >= 0, n <= 10_000 else { throw fail("a quantifier takes a whole number", at: t.span) }
        return n
      }
      let lo = try count()
      var hi = lo
      if acceptSymbol(",") { hi = try count() }
      try expectSymbol("}", " to close the quantifier")
      guard lo != nil || hi != nil else { throw fail("a quantifier {n,m} needs a number", at: spanFrom(sp)) }
      term.min = lo ?? 0
      term.max = hi
      if let h = hi, h < term.min || h == 0 { throw fail("the quantifier's maximum must be at least its minimum and at least 1", at: spanFrom(sp)) }
    }
    if term.min != 1 || term.max != 1, acceptSymbol("?") { term.reluctant = true }
  }
}
