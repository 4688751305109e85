import Foundation
import FlowRuntime
import FlowConnectors

/// The sink of a filesystem table with `PRIMARY KEY (...) NOT ENFORCED`: it
/// applies a changelog to a table keyed by those columns (`+I`/`+U` write
/// the row of their key, `-D` removes it; `-U` is redundant, as the `+U`
/// after it replaces the row) and the file holds the resulting rows, one per
/// key, in the order the keys were first written.
///
/// The file is rewritten whole: at the end of the input, or, with
/// checkpoints, at each checkpoint (to `<path>.inprogress`, renamed over
/// `path` once the checkpoint is durable), so `path` only ever holds the
/// table as of a completed checkpoint. The keyed rows are the sink's
/// checkpoint state.
final class UpsertFileSink: SinkWriter {
  enum Format { case csv(UInt8), json }
  let path: String
  let format: Format
  let key: [Int]
  let twoPhase: Bool
  var order: [Value] = []
  var rows: [Value: Value] = [:]
  var listed = Set<Value>()
  var strip: [ObjectIdentifier: Shape] = [:]
  var preparedFile = false

  init(path: String, format: Format, key: [Int], columns: [String], twoPhase: Bool) {
    self.path = path
    self.format = format
    self.key = key
    self.twoPhase = twoPhase
  }

  func write(_ v: Value) throws {
    let (row, kind) = ChangeKind.split(v, strip: &strip)
    guard case .record(let r) = row else { return }
    let k = Value.list(key.map { $0 < r.values.count ? r.values[$0] : .null })
    switch kind {
    case .insert, .updateAfter:
      // A key keeps its first place, also when deleted and written again.
      if rows.updateValue(row, forKey: k) == nil, listed.insert(k).inserted { order.append(k) }
    case .delete:
      rows[k] = nil
    case .updateBefore:
      break
    }
  }

  /// Writes the current table to `file`.
  func writeTable(to file: String) throws {
    let sink: RowSink
    switch format {
    case .csv(let d): sink = try CSVSink(path: file, delimiter: d)
    case .json: sink = try JSONLinesSink(path: file)
    }
    for k in order {
      guard let row = rows[k] else { continue }
      if case .record(let r) = row { try sink.write(r) }
    }
    try sink.close()
  }

  func flush() throws {
    if !twoPhase { try writeTable(to: path) }
  }

  /// The job ended normally: the table is final, checkpointed or not.
  func close() throws {
    try writeTable(to: path)
    if twoPhase { try? FileManager.default.removeItem(atPath: path + ".inprogress") }
  }

  func prepareCommit() throws -> [UInt8] {
    try writeTable(to: path + ".inprogress")
    preparedFile = true
    var w = StateWriter()
    w.int(order.count)
    for k in order { try w.value(k); try w.value(rows[k] ?? .null) }
    return w.bytes
  }

  func commit() throws {
    guard preparedFile else { return }
    preparedFile = false
    if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
    try FileManager.default.moveItem(atPath: path + ".inprogress", toPath: path)
  }

  func restore(_ state: [UInt8]) throws {
    var r = StateReader(state)
    order = []
    rows = [:]
    listed = []
    let n = try r.count()
    for _ in 0..<n {
      let k = try r.value()
      let row = try r.value()
      order.append(k)
      listed.insert(k)
      if case .record = row { rows[k] = row }
    }
  }
}
