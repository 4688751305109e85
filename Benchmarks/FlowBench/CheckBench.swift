import Foundation
import FlowSema

/// `check-10k`: type-check a generated 10,000-line script (parse, prelude,
/// inference, exhaustiveness) with a fresh `Checker`.
let check10kBenchmark = Benchmark(name: "check-10k", summary: "Checker().check of a generated 10,000-line script") {
  let text = try checkedScript(lines: scaled(10_000, minimum: 50))
  let (result, secs) = timed { Checker().check(path: "bench10k.flow", text: text) }
  guard result.diagnostics.isEmpty else { throw BenchError("check-10k: unexpected diagnostics") }
  return BenchResult(items: lineCount(text), unit: "lines", seconds: secs, bytes: text.utf8.count)
}
