import Foundation
import FlowSyntax

/// `parse-10k`: lex and parse the same generated 10,000-line script.
let parse10kBenchmark = Benchmark(name: "parse-10k", summary: "Parser.parse of the same 10,000-line script") {
  let text = try checkedScript(lines: scaled(10_000, minimum: 50))
  let file = SourceFile(path: "bench10k.flow", text: text)
  let ((program, diags), secs) = timed { Parser.parse(file, fileID: 0, ids: NodeIDs()) }
  guard diags.isEmpty, !program.items.isEmpty else { throw BenchError("parse-10k: unexpected parse diagnostics") }
  return BenchResult(items: lineCount(text), unit: "lines", seconds: secs, bytes: text.utf8.count)
}
