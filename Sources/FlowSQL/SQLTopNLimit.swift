import FlowRuntime

/// Flink's Top-N: `SELECT ... FROM (SELECT ..., ROW_NUMBER() OVER (...) AS
/// rn FROM t) WHERE rn <= N`. The outer WHERE's bound is pushed into the
/// updating rank node, so it emits only the changes of rows ranked 1...N
/// (instead of every row's move, which the filter would drop) and, over an
/// input without retractions, keeps only N rows per partition. The WHERE
/// filter stays, so the result is the same either way.
extension SQLCompiler {
  func pushRankLimit(_ rel: Relation, _ whereClause: SQLExpr) {
    guard let (spec, column) = changes.rankOutputs[ObjectIdentifier(rel.node)], column < rel.columns.count else { return }
    let b = binder(rel.columns)
    func isRank(_ e: SQLExpr) -> Bool {
      guard case .column(let q, let name) = e.kind else { return false }
      return b.resolve(q, name, e.span) == column
    }
    func number(_ e: SQLExpr) -> Int64? {
      if case .literal(.int(let n), _) = e.kind { return n }
      return nil
    }
    var bound: Int64?
    func tighten(_ n: Int64) { bound = min(bound ?? n, n) }
    func visit(_ e: SQLExpr) {
      guard case .binary(let op, let l, let r) = e.kind else { return }
      if op.uppercased() == "AND" {
        visit(l)
        visit(r)
        return
      }
      // rn <= N, rn < N, rn = N, and the same with the sides swapped.
      if isRank(l), let n = number(r) {
        switch op {
        case "<=", "=": tighten(n)
        case "<": tighten(n - 1)
        default: break
        }
      } else if isRank(r), let n = number(l) {
        switch op {
        case ">=", "=": tighten(n)
        case ">": tighten(n - 1)
        default: break
        }
      }
    }
    visit(whereClause)
    if let n = bound {
      let limit = Int(max(0, min(n, Int64(Int32.max))))
      spec.rankLimit = min(spec.rankLimit ?? limit, limit)
    }
  }
}
