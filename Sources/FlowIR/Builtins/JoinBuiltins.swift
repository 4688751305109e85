import FlowRuntime

/// Joins, `connect` and broadcast state: two-input plan nodes.
extension Builtins {
  static func registerJoins(_ t: inout [String: Builtin]) {
    func two(_ site: CallSite, _ a: Value, _ b: Value) throws -> [PlanNode] {
      [try planNode(a, site), try planNode(b, site)]
    }
    t["windowJoin/Keyed"] = { site, a in
      let spec = try opaque(a[2], WindowSpec.self, site)
      if case .processingTime = spec {
        throw RuntimeError("windowJoin needs event-time windows: inProcessingTime(...) cannot be used here", at: site.location)
      }
      return site.lowering.node(.windowJoin(spec, coGroup: false), try two(site, a[0], a[1]), site, "windowJoin")
    }
    t["coGroup/Keyed"] = { site, a in
      let spec = try opaque(a[2], WindowSpec.self, site)
      if case .processingTime = spec {
        throw RuntimeError("coGroup needs event-time windows: inProcessingTime(...) cannot be used here", at: site.location)
      }
      return site.lowering.node(.windowJoin(spec, coGroup: true), try two(site, a[0], a[1]), site, "coGroup")
    }
    t["intervalJoin/Keyed"] = { site, a in
      let lower = try millis(a[2], site), upper = try millis(a[3], site)
      guard lower <= upper else {
        throw RuntimeError("intervalJoin: lower (\(formatDuration(lower))) must not exceed upper (\(formatDuration(upper)))", at: site.location)
      }
      return site.lowering.node(.intervalJoin(lower: lower, upper: upper), try two(site, a[0], a[1]), site, "intervalJoin")
    }
    t["join/Keyed"] = { site, a in
      site.lowering.node(.join, try two(site, a[0], a[1]), site, "join")
    }
    t["latest/Keyed"] = { site, a in
      site.lowering.node(.latest, [try planNode(a[0], site)], site, "latest")
    }
    t["lookup/Keyed"] = { site, a in
      site.lowering.node(.lookup, try two(site, a[0], a[1]), site, "lookup")
    }
    t["connect/Keyed"] = { site, a in
      let spec = ConnectSpec(initial: a[2], onLeft: try function(a[3], site), onRight: try function(a[4], site))
      return site.lowering.node(.connect(spec), try two(site, a[0], a[1]), site, "connect")
    }
    t["broadcast/Stream"] = { site, a in
      site.lowering.node(.broadcast, [try planNode(a[0], site)], site, "broadcast")
    }
    t["withBroadcast/Keyed"] = { site, a in
      let spec = ConnectSpec(initial: a[2], onLeft: try function(a[3], site), onRight: nil)
      return site.lowering.node(.withBroadcast(spec), try two(site, a[0], a[1]), site, "withBroadcast")
    }
  }
}
