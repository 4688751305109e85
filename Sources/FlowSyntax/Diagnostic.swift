/// A problem found in a program, with a stable code that has a page in
/// `Language/diagnostics.md` (printed by `flow explain CODE`).
public struct Diagnostic: Sendable, Equatable, Error {
  public enum Severity: String, Sendable { case error, warning, note }

  public var severity: Severity
  public var code: String
  public var message: String
  public var span: Span
  /// Text shown after the caret underline, e.g. "did you mean 'price'?".
  public var label: String?
  /// Extra lines: "help: ..." or "note: ...".
  public var notes: [String]

  public init(_ severity: Severity = .error, code: String, message: String, span: Span, label: String? = nil, notes: [String] = []) {
    self.severity = severity
    self.code = code
    self.message = message
    self.span = span
    self.label = label
    self.notes = notes
  }

  public static func error(_ code: String, _ message: String, at span: Span, label: String? = nil, notes: [String] = []) -> Diagnostic {
    Diagnostic(.error, code: code, message: message, span: span, label: label, notes: notes)
  }
}

/// Collects diagnostics during one stage.
public struct DiagnosticBag: Sendable {
  public private(set) var items: [Diagnostic] = []
  public init() {}
  public mutating func add(_ d: Diagnostic) { items.append(d) }
  public mutating func append(contentsOf ds: [Diagnostic]) { items.append(contentsOf: ds) }
  public var hasErrors: Bool { items.contains { $0.severity == .error } }
}

/// "Did you mean" support: the candidate nearest to `name` by edit distance,
/// if it is near enough to be a plausible typo.
public func closestMatch(to name: String, in candidates: [String]) -> String? {
  var best: (String, Int)? = nil
  // One edit per three letters (at least one, at most three): `base` is no
  // typo of `abs`, nor `rate` of `base`.
  let limit = max(1, min(3, name.count / 3))
  for c in candidates where c != name {
    let d = editDistance(name.lowercased(), c.lowercased())
    if d > limit { continue }
    if let b = best, b.1 <= d { continue }
    best = (c, d)
  }
  return best?.0
}

/// Levenshtein distance, with a transposition counted as one edit.
public func editDistance(_ a: String, _ b: String) -> Int {
  let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
  if x.isEmpty { return y.count }
  if y.isEmpty { return x.count }
  var prev2 = [Int](repeating: 0, count: y.count + 1)
  var prev = Array(0...y.count)
  var cur = [Int](repeating: 0, count: y.count + 1)
  for i in 1...x.count {
    cur[0] = i
    for j in 1...y.count {
      let cost = x[i - 1] == y[j - 1] ? 0 : 1
      cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
      if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
        cur[j] = min(cur[j], prev2[j - 2] + 1)
      }
    }
    prev2 = prev
    prev = cur
  }
  return prev[y.count]
}
