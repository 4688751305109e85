import FlowRuntime

/// Stream operators: each returns a new plan node over its input(s).
extension Builtins {
  static func unary(_ t: inout [String: Builtin], _ key: String, _ name: String, _ make: @escaping (FunctionValue) -> NodeKind) {
    t[key] = { site, a in
      let n = try planNode(a[0], site)
      return site.lowering.node(make(try function(a[1], site)), [n], site, name)
    }
  }

  static func registerStreamOperators(_ t: inout [String: Builtin]) {
    unary(&t, "map/Stream", "map") { .map($0) }
    unary(&t, "filter/Stream", "filter") { .filter($0) }
    unary(&t, "flatMap/Stream", "flatMap") { .flatMap($0) }
    unary(&t, "keyBy/Stream", "keyBy") { .keyBy($0) }
    unary(&t, "reduce/Keyed", "reduce") { .reduce($0) }
    unary(&t, "reduce/Windowed", "reduce") { .reduce($0) }
    t["union/Stream"] = { site, a in
      site.lowering.node(.union, [try planNode(a[0], site), try planNode(a[1], site)], site, "union")
    }
    t["split/Stream"] = { site, a in
      let n = try planNode(a[0], site)
      let pred = try function(a[1], site)
      let not = FunctionValue(arity: 1) { args in
        if case .bool(let b) = try pred.call(args) { return .bool(!b) }
        return .bool(true)
      }
      return .tuple([site.lowering.node(.filter(pred), [n], site, "split"), site.lowering.node(.filter(not), [n], site, "split")])
    }
    t["uid/Stream"] = { site, a in
      let n = try planNode(a[0], site)
      n.uid = try string(a[1], site)
      return a[0]
    }
    t["parallelism/Stream"] = { site, a in
      let n = try planNode(a[0], site)
      let p = try int(a[1], site)
      guard p >= 1 && p <= Int64(KeyGroups.maxParallelism) else {
        throw RuntimeError("parallelism(\(p)): expected 1 to \(KeyGroups.maxParallelism) subtasks", at: site.location)
      }
      n.parallelism = Int(p)
      return a[0]
    }
    t["withTimestamps/Stream"] = { site, a in
      let n = try planNode(a[0], site)
      let f = try function(a[1], site)
      let wm = try opaque(a[2], WatermarkSpec.self, site)
      let idle = try millis(a[3], site)
      return site.lowering.node(.withTimestamps(time: f, watermark: wm, idleMillis: idle), [n], site, "withTimestamps")
    }
    t["withPunctuatedWatermarks/Stream"] = { site, a in
      let n = try planNode(a[0], site)
      let f = try function(a[1], site), p = try function(a[2], site)
      let idle = try millis(a[3], site)
      return site.lowering.node(.withTimestamps(time: f, watermark: .punctuated(p), idleMillis: idle), [n], site, "withPunctuatedWatermarks")
    }
    t["boundedDelay/Duration"] = { site, a in .opaque(PlanValue(WatermarkSpec.boundedDelay(try millis(a[0], site)))) }
    t["monotonic/"] = { _, _ in .opaque(PlanValue(WatermarkSpec.boundedDelay(0))) }

    // Windows.
    t["tumbling/Duration"] = { site, a in
      let size = try millis(a[0], site)
      guard size > 0 else { throw RuntimeError("a tumbling window needs a positive size", at: site.location) }
      return .opaque(PlanValue(WindowSpec.tumbling(size: size, offset: try millis(a[1], site))))
    }
    t["sliding/Duration"] = { site, a in
      let size = try millis(a[0], site), every = try millis(a[1], site)
      guard size > 0, every > 0 else { throw RuntimeError("a sliding window needs a positive size and slide", at: site.location) }
      return .opaque(PlanValue(WindowSpec.sliding(size: size, slide: every)))
    }
    t["session/Duration"] = { site, a in
      let gap = try millis(a[0], site)
      guard gap > 0 else { throw RuntimeError("a session window needs a positive gap", at: site.location) }
      return .opaque(PlanValue(WindowSpec.session(gap: gap)))
    }
    t["global/"] = { _, _ in .opaque(PlanValue(WindowSpec.global)) }
    t["onWatermark/"] = { _, _ in .opaque(PlanValue(TriggerSpec.onWatermark)) }
    t["every/Int"] = { site, a in
      let n = try int(a[0], site)
      guard n > 0 else { throw RuntimeError("every(n) needs n > 0", at: site.location) }
      return .opaque(PlanValue(TriggerSpec.count(Int(n))))
    }
    t["continuous/Duration"] = { site, a in
      let d = try millis(a[0], site)
      guard d > 0 else { throw RuntimeError("continuous(interval) needs a positive interval", at: site.location) }
      return .opaque(PlanValue(TriggerSpec.continuous(d)))
    }
    t["processingTime/Duration"] = { site, a in
      let d = try millis(a[0], site)
      guard d > 0 else { throw RuntimeError("processingTime(interval) needs a positive interval", at: site.location) }
      return .opaque(PlanValue(TriggerSpec.processingTime(d)))
    }
    t["inProcessingTime/WindowSpec"] = { site, a in
      let spec = try opaque(a[0], WindowSpec.self, site)
      switch spec {
      case .tumbling, .sliding: return .opaque(PlanValue(WindowSpec.processingTime(spec)))
      default: throw RuntimeError("inProcessingTime takes a tumbling or sliding window, not \(spec)", at: site.location)
      }
    }
    t["window/Keyed"] = { site, a in
      let n = try planNode(a[0], site)
      let spec = try opaque(a[1], WindowSpec.self, site)
      let trigger = try opaque(a[2], TriggerSpec.self, site)
      if case .count = trigger, !isGlobal(spec) {
        throw RuntimeError("an every(n) trigger is implemented for global() windows only", at: site.location)
      }
      let lateness = try millis(a[3], site)
      if case .processingTime = spec, lateness > 0 {
        throw RuntimeError("processing-time windows have no late events: allowedLateness does not apply to them", at: site.location)
      }
      return site.lowering.node(.window(spec, trigger, latenessMillis: lateness), [n], site, "window")
    }
    t["lateEvents/Windowed"] = { site, a in
      site.lowering.node(.lateEvents, [try planNode(a[0], site)], site, "lateEvents")
    }

    // Keyed shortcuts: count() and sum(f) on keyed or windowed streams.
    for kind in ["Keyed", "Windowed"] {
      t["count/\(kind)"] = { site, a in
        try aggregateNode(site, a[0], [("count", AggSpec(.count, name: "count"))])
      }
      t["sum/\(kind)"] = { site, a in
        try aggregateNode(site, a[0], [("sum", AggSpec(.sum(try function(a[1], site)), name: "sum"))])
      }
    }

    t["process/Keyed"] = { site, a in
      let n = try planNode(a[0], site)
      let spec = ProcessSpec(initial: a[1], onEvent: try function(a[2], site), onTimer: try function(a[3], site), ttlMillis: try millis(a[4], site))
      return site.lowering.node(.process(spec), [n], site, "process")
    }
  }

  static func isGlobal(_ w: WindowSpec) -> Bool {
    if case .global = w { return true }
    return false
  }

  static func aggregateNode(_ site: CallSite, _ input: Value, _ specs: [(String, AggSpec)]) throws -> Value {
    let n = try planNode(input, site)
    let windowed: Bool
    if case .window = n.kind { windowed = true } else { windowed = false }
    let shape = Shape(["key"] + (windowed ? ["start", "end"] : []) + specs.map(\.0))
    return site.lowering.node(.aggregate(fields: specs, shape: shape), [n], site, specs.map(\.0).joined(separator: ", "))
  }

  static func registerAggregates(_ t: inout [String: Builtin]) {
    t["count/"] = { _, _ in .opaque(AggSpec(.count, name: "count")) }
    func one(_ key: String, _ make: @escaping (FunctionValue) -> AggSpec.Kind) {
      t[key] = { site, a in .opaque(AggSpec(make(try function(a[0], site)), name: String(key.split(separator: "/")[0]))) }
    }
    one("sum/fn") { .sum($0) }
    one("min/fn") { .min($0) }
    one("max/fn") { .max($0) }
    one("avg/fn") { .avg($0) }
    one("first/fn") { .first($0) }
    one("last/fn") { .last($0) }
    one("collect/fn") { .collect($0) }
    one("countDistinct/fn") { .countDistinct($0) }
    t["topK/Int"] = { site, a in .opaque(AggSpec(.topK(Int(try int(a[0], site)), try function(a[1], site)), name: "topK")) }
    t["accumulate/A"] = { site, a in
      .opaque(AggSpec(.accumulate(initial: a[0], add: try function(a[1], site), merge: try function(a[2], site), result: try function(a[3], site)), name: "accumulate"))
    }
  }
}
