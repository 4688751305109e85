import Foundation
import FlowSema
import FlowIR
import FlowRuntime

/// `:illustrate EXPR`, after Pig's ILLUSTRATE: runs the pipeline (as
/// written, without optimizer rewrites) on the first `sample` events of
/// each source and shows up to three records leaving every operator.
///
/// Every operator gets a probe: an extra sink reading its output. Samples
/// are taken from each operator's *output*, so a filter shows the first
/// events that passed it, not the first events it saw.
extension Shell {
  static let illustrateRows = 3

  func illustrate(_ input: Entry) {
    guard let (_, t) = checkExpression(input) else { return }
    let k = kind(of: t)
    guard k == .sink || k == .stream else {
      return error("`:illustrate` runs a pipeline; this is a value of type \(TypePrinter().print(t))")
    }
    guard let (program, sinks) = buildPlan(input, kind: k, capture: CaptureSink(keep: 0)) else { return }
    let plan = LogicalPlan(sinks: sinks)
    var sinkNames: [Int: String] = [:]
    for s in sinks {
      if case .sink(let spec) = s.kind { sinkNames[s.id] = s.name == "repl" ? "(shown by the shell)" : spec.description }
      // The pipeline's own sinks write nothing while illustrating.
      s.kind = .sink(CaptureSink(keep: 0).spec("illustrate"))
    }
    let nodes = plan.nodes
    var probes: [Int: CaptureSink] = [:]
    var probeNodes: [PlanNode] = []
    let firstID = (nodes.map(\.id).max() ?? 0) + 1_000_000
    for n in nodes {
      switch n.kind {
      case .sink, .window: continue
      default: break
      }
      let probe = CaptureSink(keep: Shell.illustrateRows)
      probes[n.id] = probe
      probeNodes.append(PlanNode(id: firstID + probeNodes.count, kind: .sink(probe.spec("illustrate")), inputs: [n], location: n.location, name: "illustrate", schema: n.schema, uid: "illustrate#\(probeNodes.count)"))
    }
    let runner = JobRunner()
    runner.instrumentSources(plan, cap: sampleSize)
    let executor = Executor(sinks: sinks + probeNodes)
    let before = interrupts.count
    do {
      try runner.run(executor)
    } catch {
      Console.line(program.remapLocations(describeError(error)))
      Console.line("(what reached each operator before the error:)")
    }
    let read = runner.eventsRead
    var header = "(sampled the first \(plural(read, "input event"))"
    header += read >= sampleSize ? " of each source, `:set sample N` to change;" : ";"
    header += " up to \(Shell.illustrateRows) records leaving each operator)"
    if interrupts.count != before { header += " (interrupted)" }
    Console.line(header)
    let printer = PlanPrinter()
    for (i, n) in nodes.enumerated() {
      let loc = program.remapLocations(n.location)
      var title = "[\(i + 1)] "
      switch n.kind {
      case .sink:
        title += "sink \(sinkNames[n.id] ?? n.name)"
      default:
        title += printer.describe(n)
      }
      title += "  at \(loc)"
      if case .window = n.kind {
        Console.line(title)
        Console.line("    (events are assigned to windows here; the next operator shows the results)")
        continue
      }
      if case .sink = n.kind {
        let into = n.inputs.compactMap { probes[$0.id]?.total }.reduce(0, +)
        Console.line(title + ": receives \(plural(into, "event"))")
        continue
      }
      guard let probe = probes[n.id] else { continue }
      let inputs = n.inputs.compactMap { probes[$0.id]?.total }.reduce(0, +)
      switch n.kind {
      case .filter:
        title += ": \(probe.total) of \(plural(inputs, "event")) passed"
      case .source:
        title += ": \(plural(probe.total, "event"))"
      default:
        title += ": \(plural(probe.total, "event")) out"
      }
      if !n.schema.isEmpty { title += "  (\(n.schema))" }
      Console.line(title)
      if probe.values.isEmpty {
        if case .filter = n.kind {
          Console.line("    (no event passed this filter in the first \(plural(read, "input event")))")
        } else {
          Console.line("    (no output from the first \(plural(read, "input event")))")
        }
        continue
      }
      for line in formatRows(probe.values) { Console.line("    " + line) }
    }
  }
}
