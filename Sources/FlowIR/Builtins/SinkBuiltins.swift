import Foundation
import FlowRuntime
import FlowConnectors

/// Adapts the connectors' row sinks to the executor. Non-record values
/// (a stream of strings or numbers) are written as one-column rows.
public final class ValueSinkWriter: SinkWriter {
  let sink: RowSink
  let text: TextSink?
  let shape = Shape(["value"])

  /// `discard()`: counted, never wrapped in a one-field record.
  let discarding: DiscardSink?

  public init(_ sink: RowSink) {
    self.sink = sink
    self.text = sink as? TextSink
    self.discarding = sink as? DiscardSink
  }

  public func write(_ v: Value) throws {
    if let d = discarding { return d.discard(v) }
    if let t = text { return try t.writeValue(v) }
    if case .record(let r) = v { return try sink.write(r) }
    try sink.write(Record(shape: shape, values: [v]))
  }
  public func writeBatch(_ vs: [Value]) throws {
    if let d = discarding { return d.discardBatch(vs.count) }
    for v in vs { try write(v) }
  }
  public func flush() throws { try sink.flush() }
  public func close() throws { try sink.close() }
}

/// All `writeStdout()` sinks of a job share one buffer, so their lines
/// appear in the order the events were processed. In a parallel job the
/// sinks run on different threads, hence the lock.
public final class SharedStdout: SinkWriter {
  public init() {}
  static let shared = TextSink()
  static let lock = NSLock()
  public func write(_ v: Value) throws {
    SharedStdout.lock.lock()
    defer { SharedStdout.lock.unlock() }
    try SharedStdout.shared.writeValue(v)
  }
  public func flush() throws {
    SharedStdout.lock.lock()
    defer { SharedStdout.lock.unlock() }
    try SharedStdout.shared.flush()
  }
  /// Standard output stays open for the other sinks; closing only flushes.
  public func close() throws { try flush() }
}

extension Builtins {
  static func sink(_ site: CallSite, _ input: Value, _ name: String, connector: ConnectorInfo? = nil, _ open: @escaping (Bool) throws -> SinkWriter) throws -> Value {
    let n = try planNode(input, site)
    let spec = SinkSpec(description: name, open: open)
    spec.connector = connector
    return site.lowering.node(.sink(spec), [n], site, name)
  }

  static func registerSinks(_ t: inout [String: Builtin]) {
    t["writeStdout/Stream"] = { site, a in
      try sink(site, a[0], "writeStdout()", connector: ConnectorInfo(name: "writeStdout")) { _ in SharedStdout() }
    }
    t["writeText/Stream"] = { site, a in
      let path = try string(a[1], site)
      return try sink(site, a[0], "writeText(\"\(path)\")", connector: ConnectorInfo(name: "writeText", options: ["path": path])) { exactlyOnce in
        exactlyOnce ? try TwoPhaseFileSink(path: path) { p, _ in try TextSink(path: p) } as SinkWriter : ValueSinkWriter(try TextSink(path: path))
      }
    }
    t["writeCsv/Stream"] = { site, a in
      let path = try string(a[1], site)
      return try sink(site, a[0], "writeCsv(\"\(path)\")", connector: ConnectorInfo(name: "writeCsv", options: ["path": path])) { exactlyOnce in
        exactlyOnce ? try TwoPhaseFileSink(path: path) { p, header in try CSVSink(path: p, header: header) } as SinkWriter : ValueSinkWriter(try CSVSink(path: path))
      }
    }
    t["writeJsonl/Stream"] = { site, a in
      let path = try string(a[1], site)
      return try sink(site, a[0], "writeJsonl(\"\(path)\")", connector: ConnectorInfo(name: "writeJsonl", options: ["path": path])) { exactlyOnce in
        exactlyOnce ? try TwoPhaseFileSink(path: path) { p, _ in try JSONLinesSink(path: p) } as SinkWriter : ValueSinkWriter(try JSONLinesSink(path: path))
      }
    }
    t["discard/Stream"] = { site, a in
      try sink(site, a[0], "discard()", connector: ConnectorInfo(name: "discard")) { _ in ValueSinkWriter(DiscardSink()) }
    }
  }
}
