import FlowRuntime

/// Prints a plan deterministically: one numbered line per operator, inputs
/// indented below their consumer, with schema, stage and script position.
/// A node read by several consumers is printed once and referred to by
/// number afterwards. Each input's branch is labelled with how events travel
/// on that edge in a parallel run (`[forward]`, `[hash by k]`, `[broadcast]`,
/// `[rebalance]`). Serves `flow plan` and the golden tests.
public struct PlanPrinter {
  public var showLocations = true

  public init(showLocations: Bool = true) { self.showLocations = showLocations }

  public func text(_ plan: LogicalPlan) -> String {
    let stages = stageNumbers(plan)
    let edges = EdgePartitioning.of(plan.sinks)
    var numbers: [Int: Int] = [:]
    var lines: [String] = []
    func visit(_ n: PlanNode, _ indent: String, _ last: Bool, _ root: Bool, _ edge: EdgePartitioning?) {
      let branch = root ? "" : (last ? "└─" : "├─") + (edge.map { "[\(label($0))]─ " } ?? " ")
      if let k = numbers[n.id] {
        lines.append("\(indent)\(branch)(see \(k)) \(n.name)")
        return
      }
      let k = numbers.count + 1
      numbers[n.id] = k
      var line = "\(k). \(indent)\(branch)\(describe(n))"
      if let s = stages[n.id] { line += "  [stage \(s)]" }
      lines.append(line)
      let childIndent = indent + (root ? "" : (last ? "   " : "│  "))
      let pad = String(repeating: " ", count: "\(k). ".count)
      if !n.schema.isEmpty { lines.append("\(pad)\(childIndent)\(n.inputs.isEmpty ? "  " : "│ ")schema: \(n.schema)") }
      if showLocations { lines.append("\(pad)\(childIndent)\(n.inputs.isEmpty ? "  " : "│ ")at \(n.location), uid \(n.uid)") }
      if n.combiner { lines.append("\(pad)\(childIndent)│ combiner: pre-aggregates per key in each sending subtask, before the exchange") }
      for (i, input) in n.inputs.enumerated() {
        visit(input, childIndent, i == n.inputs.count - 1, false, edges[PlanEdge(consumer: n.id, port: i)])
      }
    }
    for s in plan.sinks { visit(s, "", true, true, nil) }
    return lines.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }.joined(separator: "\n")
  }

  /// An edge's partitioning as printed.
  public func label(_ e: EdgePartitioning) -> String {
    func fn(_ f: FunctionValue) -> String { f.info.map { $0.text.isEmpty ? "<fn>" : $0.text } ?? "<fn>" }
    switch e {
    case .forward: return "forward"
    case .hash(let f): return "hash by \(fn(f))"
    case .broadcast: return "broadcast"
    case .rebalance: return "rebalance"
    }
  }

  /// Stages: maximal groups of operators joined by forward edges. A hash
  /// exchange (`keyBy`, unless redundant exchange removal made it forward)
  /// and a multi-input operator start a new stage.
  func stageNumbers(_ plan: LogicalPlan) -> [Int: Int] {
    var out: [Int: Int] = [:]
    var next = 0
    for n in plan.nodes {
      if n.inputs.isEmpty || n.inputs.count > 1 {
        next += 1
        out[n.id] = next
        continue
      }
      let input = n.inputs[0]
      if case .keyBy = input.kind, !input.alreadyPartitioned {
        next += 1
        out[n.id] = next
      } else if case .window = input.kind {
        out[n.id] = out[input.id]
      } else {
        out[n.id] = out[input.id] ?? { next += 1; return next }()
      }
    }
    return out
  }

  /// An iteration body on one line: each operator's name applied to its
  /// inputs, down to the feedback slots.
  func iterationBody(_ n: PlanNode) -> String {
    if case .feedback(let slot) = n.kind { return slot == IterationSpec.nextSlot ? "next" : "#\(slot)" }
    if n.inputs.isEmpty { return n.name }
    return n.name + "(" + n.inputs.map(iterationBody).joined(separator: ", ") + ")"
  }

  public func describe(_ n: PlanNode) -> String {
    func fn(_ f: FunctionValue) -> String { f.info.map { $0.text.isEmpty ? "<fn>" : $0.text } ?? "<fn>" }
    switch n.kind {
    case .source(let s):
      var d = "source \(s.description)"
      if let c = s.columns { d += " columns: \(c.sorted().joined(separator: ", "))" }
      if !s.bounded { d += " (unbounded)" }
      return d
    case .map(let f): return "map \(fn(f))"
    case .filter(let f):
      if case .bool(false)? = f.info?.constant { return "filter \(fn(f))  (dead branch: passes nothing)" }
      return "filter \(fn(f))"
    case .flatMap(let f): return "flatMap \(fn(f))"
    case .union: return "union"
    case .keyBy(let f): return "keyBy \(fn(f))" + (n.alreadyPartitioned ? "  (already partitioned by this key: no exchange)" : "  (hash exchange)")
    case .withTimestamps(let f, let wm, let idle):
      let idleText = idle > 0 ? " idle: \(formatDuration(idle))" : ""
      if case .boundedDelay(let d) = wm { return "withTimestamps \(fn(f)) watermark: boundedDelay(\(formatDuration(d)))" + idleText }
      if case .punctuated(let p) = wm { return "withTimestamps \(fn(f)) watermark: punctuated \(fn(p))" + idleText }
      return "withTimestamps \(fn(f))" + idleText
    case .window(let spec, let trigger, let late):
      var d = "window \(spec)"
      switch trigger {
      case .onWatermark: break
      case .count(let n): d += " trigger: every(\(n))"
      case .continuous(let i): d += " trigger: continuous(\(formatDuration(i)))"
      case .processingTime(let i): d += " trigger: processingTime(\(formatDuration(i)))"
      }
      return d + (late > 0 ? " allowedLateness: \(formatDuration(late))" : "")
    case .lateEvents: return "lateEvents"
    case .aggregate(let fields, _): return "aggregate { " + fields.map { "\($0.0): \($0.1.name)" }.joined(separator: ", ") + " }"
    case .reduce(let f): return "reduce \(fn(f))"
    case .process: return "process"
    case .sink(let s): return "sink \(s.description)"
    case .windowJoin(let spec, let coGroup): return (coGroup ? "coGroup " : "windowJoin ") + "\(spec)"
    case .intervalJoin(let lo, let hi): return "intervalJoin between \(formatDuration(lo)) and \(formatDuration(hi))"
    case .latest: return "latest"
    case .timedOut: return "timedOut"
    case .join: return "join"
    case .changelog(let spec):
      let ttl = spec.ttl.map { " \($0)" } ?? ""
      switch spec.operation {
      case .aggregate(let fields, _): return "changelog aggregate { " + fields.map { "\($0.0): \($0.1.name)" }.joined(separator: ", ") + " }" + ttl
      case .join(let type): return "changelog \(type == .inner ? "" : type.rawValue + " outer ")join" + ttl
      case .rank:
        let top = spec.rankLimit.map { " top \($0)" + (spec.appendOnlyInput ? " (keeps \($0) rows per partition)" : "") } ?? ""
        return "changelog rank (ROW_NUMBER)" + top + ttl
      }
    case .feedback(let slot): return slot == IterationSpec.nextSlot ? "feedback next round" : "feedback \(slot)"
    case .iterate(let spec):
      let body = spec.outputs.map { o in "[" + iterationBody(o) + "]" }.joined(separator: ", ")
      switch spec.mode {
      case .bulk(let until):
        return "iterate at most \(spec.maxRounds) rounds: \(body)" + (until.map { " until [\(iterationBody($0))]" } ?? "")
      case .delta:
        return "iterateDelta at most \(spec.maxRounds) rounds: \(body)"
      }
    case .pattern(let spec, _):
      return "pattern " + spec.summary + (spec.within.map { " within \(formatDuration($0))" } ?? "")
    case .lookup: return "lookup"
    case .connect: return "connect"
    case .broadcast: return "broadcast"
    case .withBroadcast: return "withBroadcast"
    case .fused(let stages):
      return "fused " + stages.map { st -> String in
        switch st {
        case .map(let f): return "map \(fn(f))"
        case .filter(let f): return "filter \(fn(f))"
        case .flatMap(let f): return "flatMap \(fn(f))"
        }
      }.joined(separator: " -> ")
    }
  }

  /// Graphviz: `flow plan --dot FILE | dot -Tsvg > plan.svg`.
  public func dot(_ plan: LogicalPlan) -> String {
    var lines = ["digraph plan {", "  rankdir=BT;", "  node [shape=box, fontname=\"monospace\"];"]
    for n in plan.nodes {
      let label = describe(n).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      let combiner = n.combiner ? "\\n+ combiner before the exchange" : ""
      lines.append("  n\(n.id) [label=\"\(label)\(combiner)\"];")
    }
    let edges = EdgePartitioning.of(plan.sinks)
    for n in plan.nodes {
      for (port, i) in n.inputs.enumerated() {
        let text = edges[PlanEdge(consumer: n.id, port: port)].map(self.label) ?? "forward"
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        let style = text == "forward" ? "" : ", style=bold"
        lines.append("  n\(i.id) -> n\(n.id) [label=\"\(escaped)\"\(style)];")
      }
    }
    lines.append("}")
    return lines.joined(separator: "\n")
  }
}
