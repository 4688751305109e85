import Foundation
import FlowIR
import FlowRuntime
import FlowConnectors

/// A sink that keeps the first `keep` values that reach it (all when nil),
/// counts them all, and asks the job to stop after `stopAfter` values (the
/// row limit); `onValue` sees each value as it comes (unbounded streams).
final class CaptureSink: SinkWriter {
  var keep: Int?
  var stopAfter: Int?
  var onValue: ((Value) -> Void)?
  private(set) var values: [Value] = []
  private(set) var total = 0

  init(keep: Int?, stopAfter: Int? = nil, onValue: ((Value) -> Void)? = nil) {
    self.keep = keep
    self.stopAfter = stopAfter
    self.onValue = onValue
  }

  func write(_ v: Value) throws {
    total += 1
    if let f = onValue { f(v) }
    if keep.map({ values.count < $0 }) ?? true { values.append(v) }
    if let s = stopAfter, total >= s { Executor.cancelFlag.set() }
  }
  func flush() throws {}
  func close() throws {}

  /// True when more values arrived than were kept.
  var truncated: Bool { total > values.count }

  func spec(_ description: String) -> SinkSpec {
    SinkSpec(description: description) { _ in self }
  }
}

/// Wraps a source's reader: stops it from another thread on Ctrl-C (a
/// reader following a file blocks inside `read`), and can end the input
/// after `cap` events (`:illustrate`).
final class ReplSourceReader: SourceReader {
  let inner: SourceReader
  var remaining: Int?
  private(set) var produced = 0

  init(_ inner: SourceReader, cap: Int?) {
    self.inner = inner
    self.remaining = cap
  }

  var position: Int64? { inner.position }
  var progress: Double? { inner.progress }
  var skippedRows: Int { inner.skippedRows }
  func stop() { inner.stop() }

  func read(max: Int, into: inout [Value]) throws -> Bool {
    let before = into.count
    guard let r = remaining else {
      let more = try inner.read(max: max, into: &into)
      produced += into.count - before
      return more
    }
    if r <= 0 { return false }
    let more = try inner.read(max: Swift.min(max, r), into: &into)
    let got = into.count - before
    produced += got
    remaining = r - got
    return more && r - got > 0
  }
}

/// Runs a plan for the shell: Ctrl-C (or a row limit) stops the job and
/// not the shell; the cancel flag is cleared afterwards.
final class JobRunner {
  private let lock = NSLock()
  private var readers: [ReplSourceReader] = []
  private var finished = false

  /// Replaces every source of the plan by one whose reader the runner can
  /// stop; with `cap`, sources end after that many events (and count as
  /// bounded).
  func instrumentSources(_ plan: LogicalPlan, cap: Int? = nil) {
    for n in plan.nodes {
      guard case .source(let spec) = n.kind else { continue }
      let wrapped = SourceSpec(bounded: cap != nil ? true : spec.bounded, description: spec.description, key: spec.key, supportsProjection: spec.supportsProjection) { [weak self] columns, position in
        let r = ReplSourceReader(try spec.open(columns, position), cap: cap)
        self?.register(r)
        return r
      }
      wrapped.columns = spec.columns
      n.kind = .source(wrapped)
    }
  }

  private func register(_ r: ReplSourceReader) {
    lock.lock()
    readers.append(r)
    let stopNow = finished || Executor.cancelFlag.isSet
    lock.unlock()
    if stopNow { r.stop() }
  }

  /// Events read from all sources so far.
  var eventsRead: Int {
    lock.lock()
    defer { lock.unlock() }
    return readers.reduce(0) { $0 + $1.produced }
  }

  /// Builds and runs; a thread watches the cancel flag and stops the
  /// sources (which may be blocked waiting for input).
  func run(_ executor: Executor) throws {
    Executor.cancelFlag.reset()
    lock.lock()
    finished = false
    lock.unlock()
    let watcher = Thread { [weak self] in
      while let s = self {
        s.lock.lock()
        let done = s.finished
        let list = s.readers
        s.lock.unlock()
        if done { return }
        if Executor.cancelFlag.isSet {
          for r in list { r.stop() }
        }
        usleep(20_000)
      }
    }
    watcher.start()
    defer {
      lock.lock()
      finished = true
      lock.unlock()
      Executor.cancelFlag.reset()
    }
    try executor.build()
    try executor.run()
  }
}

// MARK: - Tables

/// Rows as an aligned table when they are records (one column per field,
/// numbers right-aligned), else one value per line.
func formatRows(_ rows: [Value]) -> [String] {
  let records: [Record] = rows.compactMap { if case .record(let r) = $0 { return r } else { return nil } }
  guard !rows.isEmpty, records.count == rows.count else {
    return rows.map(cellText)
  }
  var columns: [String] = []
  for r in records {
    for f in r.shape.fields where !columns.contains(f) { columns.append(f) }
  }
  let cells: [[String]] = records.map { r in columns.map { c in r[c].map(cellText) ?? "" } }
  let numeric: [Bool] = columns.indices.map { i in
    records.allSatisfy { r in
      switch r[columns[i]] {
      case .int?, .float?, .null?, nil: return true
      default: return false
      }
    }
  }
  let widths: [Int] = columns.indices.map { i in
    max(columns[i].count, cells.map { $0[i].count }.max() ?? 0)
  }
  func row(_ values: [String], alignNumbers: Bool) -> String {
    let parts = values.enumerated().map { i, v -> String in
      let pad = String(repeating: " ", count: max(0, widths[i] - v.count))
      return alignNumbers && numeric[i] ? pad + v : v + pad
    }
    return trimRight(parts.joined(separator: "  "))
  }
  var out = [row(columns, alignNumbers: true)]
  out.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
  for c in cells { out.append(row(c, alignNumbers: true)) }
  return out
}

/// One value as a table cell or a line: strings bare (as `writeStdout`
/// prints them), everything else in its canonical form.
func cellText(_ v: Value) -> String {
  let s = render(v, quoted: false)
  guard s.contains("\n") || s.contains("\r") else { return s }
  return s.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
}

func trimRight(_ s: String) -> String {
  var t = s
  while t.hasSuffix(" ") { t.removeLast() }
  return t
}

func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
