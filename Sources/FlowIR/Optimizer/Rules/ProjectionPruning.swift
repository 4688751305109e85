import FlowRuntime

/// Fields nobody reads are never decoded: for each file source of records,
/// works out which fields the plan downstream can read, and tells the
/// reader to convert only those columns. A field counts as read when a
/// function reads it, or when a whole record reaches a sink, a `process`, a
/// `reduce` or any function that uses its parameter as a whole.
struct ProjectionPruning: PlanRule {
  let name = "projection pruning"

  func apply(_ plan: inout LogicalPlan) -> Int {
    let consumers = plan.consumers
    var memo: [Int: Set<String>?] = [:]

    /// The fields of node `n`'s output that its consumers may read (nil: all).
    func needed(_ n: PlanNode) -> Set<String>? {
      if let m = memo[n.id] { return m }
      var out = Set<String>()
      for c in consumers[n.id] ?? [] {
        guard let r = requires(c) else { memo[n.id] = .some(nil); return nil }
        out.formUnion(r)
      }
      memo[n.id] = .some(out)
      return out
    }

    /// What consumer `c` needs of its input.
    func requires(_ c: PlanNode) -> Set<String>? {
      func reads(_ f: FunctionValue) -> Set<String>? { f.info?.fieldsRead }
      func aggregateReads(_ fields: [(String, AggSpec)]) -> Set<String>? {
        var out = Set<String>()
        for (_, spec) in fields {
          switch spec.kind {
          case .count: continue
          case .sum(let f), .min(let f), .max(let f), .avg(let f), .first(let f), .last(let f), .collect(let f), .countDistinct(let f):
            guard let r = reads(f) else { return nil }
            out.formUnion(r)
          case .custom(_, let fields):
            guard let r = fields else { return nil }
            out.formUnion(r)
          case .topK, .accumulate:
            return nil
          }
        }
        return out
      }
      func passThrough(_ own: Set<String>?) -> Set<String>? {
        guard let o = own, let d = needed(c) else { return nil }
        return o.union(d)
      }
      switch c.kind {
      case .filter(let f): return passThrough(reads(f))
      case .map(let f):
        // A record update passes the fields it does not set through: what
        // follows needs them (all of them when it needs the whole record).
        if let updated = f.info?.updatedFields, let r = reads(f) { return needed(c).map { r.union($0.subtracting(updated)) } }
        return reads(f)
      case .flatMap(let f): return reads(f)
      case .keyBy(let f), .withTimestamps(let f, _, _): return passThrough(reads(f))
      case .window, .union, .lateEvents: return needed(c)
      case .changelog(let spec):
        // Ranked rows are emitted whole.
        guard case .aggregate(let fields, _) = spec.operation else { return nil }
        return aggregateReads(fields)
      case .aggregate(let fields, _):
        return aggregateReads(fields)
      case .fused(let stages):
        var acc: Set<String>? = needed(c)
        for st in stages.reversed() {
          switch st {
          case .filter(let f):
            guard let a = acc, let r = reads(f) else { acc = nil; continue }
            acc = a.union(r)
          case .map(let f):
            // A record update passes the fields it does not set through.
            if let updated = f.info?.updatedFields, let r = reads(f) { acc = acc.map { r.union($0.subtracting(updated)) } } else { acc = reads(f) }
          case .flatMap(let f):
            acc = reads(f)
          }
        }
        return acc
      case .reduce, .process, .sink, .source, .pattern, .timedOut, .join, .iterate, .feedback, .windowJoin, .intervalJoin, .latest, .lookup, .connect, .broadcast, .withBroadcast:
        // Whole records flow on: every field may be read downstream.
        return nil
      }
    }

    var changed = 0
    for n in plan.nodes {
      guard case .source(let spec) = n.kind, spec.supportsProjection, let need = needed(n) else { continue }
      let fields = fieldNames(n.schema)
      let cols = need.intersection(fields)
      guard cols.count < fields.count, spec.columns != cols else { continue }
      spec.columns = cols
      changed += 1
    }
    return changed
  }

  /// The field names of a printed record type `{ a: Int, b: String }`.
  func fieldNames(_ printed: String) -> Set<String> {
    guard let brace = printed.firstIndex(of: "{") else { return [] }
    let schema = printed[brace...]
    var names = Set<String>()
    var depth = 0
    var current = ""
    var inName = true
    for ch in schema {
      switch ch {
      case "{", "<", "(":
        depth += 1
        if depth == 1 { current = ""; inName = true; continue }
      case "}", ">", ")":
        depth -= 1
      case ",":
        if depth == 1 { current = ""; inName = true; continue }
      case ":":
        if depth == 1 && inName {
          names.insert(current.trimmingCharacters(in: .whitespaces))
          inName = false
          continue
        }
      default: break
      }
      if depth == 1 && inName { current.append(ch) }
    }
    return names
  }
}
