import Foundation
import FlowSema
import FlowIR
import FlowRuntime
import FlowSQL

/// `flow plan`: the dataflow plan of a script, before or after optimization.
public struct PlanDriver {
  public enum Format { case text, dot }
  public var optimize = true
  public var format = Format.text
  public var explain = false
  /// Off for golden tests, whose scripts live in temporary files.
  public var showLocations = true

  public init() {}

  /// The printed plan, or the error messages (and whether they are the
  /// script's errors: exit 1, or a usage problem: exit 2).
  public func plan(path: String) -> Result<String, PlanFailure> {
    guard FileManager.default.fileExists(atPath: path) else {
      return .failure(PlanFailure(message: "flow: error: no such file: \(path)", outcome: .usage))
    }
    return plan(path: path, text: nil)
  }

  /// Plans source text as if it were the file at `path` (for tests and tools).
  public func plan(path: String, text: String?) -> Result<String, PlanFailure> {
    SQLBridge.install()
    if path.hasSuffix(".sql") { return planSQL(path: path, text: text) }
    let checker = Checker()
    let result = text.map { checker.check(path: path, text: $0) } ?? checker.check(path: path)
    let errors = result.diagnostics.filter { $0.severity == .error }
    if !errors.isEmpty {
      let r = DiagnosticRenderer(sources: result.sources)
      return .failure(PlanFailure(message: errors.map { r.text($0) }.joined(separator: "\n\n"), outcome: .compileErrors))
    }
    guard let module = result.module else { return .failure(PlanFailure(message: "flow: error: nothing to plan", outcome: .usage)) }
    do {
      let lowering = Lowering(checker: checker)
      var plan = LogicalPlan(sinks: try lowering.lower(module))
      var fired: [(rule: String, rewrites: Int)] = []
      if optimize { fired = try Optimizer().optimize(&plan) }
      let printer = PlanPrinter(showLocations: showLocations)
      var out = format == .dot ? printer.dot(plan) : printer.text(plan)
      if explain {
        var lines = ["", "rules that fired:"]
        for f in fired { lines.append("  \(f.rule): \(f.rewrites) rewrite\(f.rewrites == 1 ? "" : "s")") }
        if lines.count == 2 { lines.append("  (none)") }
        let k = lowering.foldedConstants
        if k > 0 { lines.append("constant expressions folded in functions: \(k)") }
        out += "\n" + lines.joined(separator: "\n")
      }
      return .success(out)
    } catch {
      return .failure(PlanFailure(message: describe(error), outcome: .runtimeError))
    }
  }
}

extension PlanDriver {
  /// The plan of a SQL file (`Language/sql.md`).
  func planSQL(path: String, text: String?) -> Result<String, PlanFailure> {
    let result = text.map { SQLCompiler.compile(path: path, text: $0) } ?? SQLCompiler.compile(path: path)
    if result.hasErrors {
      let r = DiagnosticRenderer(sources: result.sources)
      let errors = result.diagnostics.filter { $0.severity == .error }
      return .failure(PlanFailure(message: errors.map { r.text($0) }.joined(separator: "\n\n"), outcome: .compileErrors))
    }
    do {
      var plan = LogicalPlan(sinks: result.sinks)
      var fired: [(rule: String, rewrites: Int)] = []
      if optimize { fired = try Optimizer().optimize(&plan) }
      let printer = PlanPrinter(showLocations: showLocations)
      var out = format == .dot ? printer.dot(plan) : printer.text(plan)
      if explain {
        var lines = ["", "rules that fired:"]
        for f in fired { lines.append("  \(f.rule): \(f.rewrites) rewrite\(f.rewrites == 1 ? "" : "s")") }
        if lines.count == 2 { lines.append("  (none)") }
        out += "\n" + lines.joined(separator: "\n")
      }
      return .success(out)
    } catch {
      return .failure(PlanFailure(message: describe(error), outcome: .runtimeError))
    }
  }
}

public struct PlanFailure: Error {
  public let message: String
  public let outcome: RunOutcome
}
