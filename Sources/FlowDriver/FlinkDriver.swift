import Foundation
import FlowSema
import FlowIR
import FlowRuntime

/// `flow compile --target flink-sql` and `flow run --engine flink`: check
/// and lower a script, optimize its plan, and compile it to Flink SQL; run
/// the result with `Scripts/flink/run_sql.py` (PyFlink, or a SQL Gateway).
public struct FlinkDriver {
  public var overrides: [String: String] = [:]
  public var optimize = true

  public init() {}

  /// The compiled job, or the messages to print and the outcome (1:
  /// errors in the script or an operator that does not translate).
  public func compile(path: String, text: String? = nil) -> Result<FlinkJob, PlanFailure> {
    guard text != nil || FileManager.default.fileExists(atPath: path) else {
      return .failure(PlanFailure(message: "flow: error: no such file: \(path)", outcome: .usage))
    }
    let checker = Checker()
    let result = text.map { checker.check(path: path, text: $0) } ?? checker.check(path: path)
    let errors = result.diagnostics.filter { $0.severity == .error }
    if !errors.isEmpty {
      let r = DiagnosticRenderer(sources: result.sources)
      return .failure(PlanFailure(message: errors.map { r.text($0) }.joined(separator: "\n\n"), outcome: .compileErrors))
    }
    guard let module = result.module else { return .failure(PlanFailure(message: "flow: error: nothing to compile", outcome: .usage)) }
    do {
      let lowering = Lowering(checker: checker, overrides: overrides)
      var plan = LogicalPlan(sinks: try lowering.lower(module))
      if plan.sinks.isEmpty {
        return .failure(PlanFailure(message: "flow: error: \(path) has no pipeline ending in a sink: nothing to compile", outcome: .compileErrors))
      }
      if optimize { _ = try Optimizer().optimize(&plan) }
      var compiler = FlinkPlanCompiler(lowering: lowering)
      return .success(try compiler.compile(plan))
    } catch let r as FlinkRefusal {
      return .failure(PlanFailure(message: r.description, outcome: .compileErrors))
    } catch {
      return .failure(PlanFailure(message: describe(error), outcome: .runtimeError))
    }
  }

  /// Where the Python runner is: `$FLOW_FLINK_RUNNER`, else
  /// `Scripts/flink/run_sql.py` in the checkout the `flow` binary was built
  /// in (`.build/<config>/flow`), else under the current directory.
  public static func runnerPath() -> String? {
    let env = ProcessInfo.processInfo.environment
    if let p = env["FLOW_FLINK_RUNNER"] { return FileManager.default.fileExists(atPath: p) ? p : nil }
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
      let candidate = dir.appendingPathComponent("Scripts/flink/run_sql.py").path
      if FileManager.default.fileExists(atPath: candidate) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    let local = FileManager.default.currentDirectoryPath + "/Scripts/flink/run_sql.py"
    return FileManager.default.fileExists(atPath: local) ? local : nil
  }

  /// Runs the job on Flink through the Python runner, passing its output
  /// through. Exit outcome: success, or a runtime error (3) when Flink
  /// failed or is not installed.
  public func run(_ job: FlinkJob, gateway: String?, report: (String) -> Void) -> RunOutcome {
    guard let runner = Self.runnerPath() else {
      report("flow: error: cannot find Scripts/flink/run_sql.py; set FLOW_FLINK_RUNNER to its path")
      return .usage
    }
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("flow-flink-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max)).json")
    defer { try? FileManager.default.removeItem(at: tmp) }
    do {
      try Data(job.runnerJSON().utf8).write(to: tmp)
    } catch {
      report("flow: error: cannot write \(tmp.path): \(error)")
      return .runtimeError
    }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", runner, tmp.path] + (gateway.map { ["--gateway", $0] } ?? [])
    do {
      try p.run()
    } catch {
      report("flow: error: cannot start python3: \(error)")
      return .runtimeError
    }
    p.waitUntilExit()
    switch p.terminationStatus {
    case 0: return .success
    case 2: return .usage
    default: return .runtimeError
    }
  }
}
