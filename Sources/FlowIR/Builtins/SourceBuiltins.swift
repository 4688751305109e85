import Foundation
import FlowRuntime
import FlowConnectors

/// Adapts a connector's `RowSource` to the executor's `SourceReader`.
public final class RowSourceReader: SourceReader {
  let source: RowSource
  /// Unwraps one-field records (text lines) into their value.
  let unwrap: Bool
  let sizeOf: () -> (Int, Int)?
  let stopper: () -> Void
  let skipped: () -> Int
  var batch: [Record] = []

  let replayable: Bool

  public init(_ source: RowSource, unwrap: Bool, replayable: Bool = false, size: @escaping () -> (Int, Int)? = { nil }, skipped: @escaping () -> Int = { 0 }, stop: @escaping () -> Void = {}) {
    self.source = source
    self.replayable = replayable
    self.unwrap = unwrap
    self.sizeOf = size
    self.skipped = skipped
    self.stopper = stop
  }

  /// An error met after some rows of a batch: those rows are delivered
  /// first, and the error is thrown on the next read.
  var pending: Error?

  public func read(max: Int, into: inout [Value]) throws -> Bool {
    if let e = pending {
      pending = nil
      throw e
    }
    batch.removeAll(keepingCapacity: true)
    var more = true
    do {
      more = try source.nextBatch(max: max, into: &batch)
    } catch {
      if batch.isEmpty { throw error }
      pending = error
    }
    if unwrap {
      for r in batch { into.append(r.values.first ?? .null) }
    } else {
      for r in batch { into.append(.record(r)) }
    }
    return more
  }

  public var progress: Double? {
    guard let (done, total) = sizeOf(), total > 0 else { return nil }
    return min(1, Double(done) / Double(total))
  }
  public var skippedRows: Int { skipped() }
  public func stop() { stopper() }
  public var position: Int64? { replayable && pending == nil ? source.position : nil }
}

/// Integers from `from` to `to`, produced directly as values.
final class SequenceReader: SourceReader {
  var next: Int64
  let last: Int64
  let first: Int64
  init(from: Int64, to: Int64, startAt: Int64 = 0) {
    next = from &+ startAt
    first = from
    last = to
  }
  var position: Int64? { next &- first }
  func seek(to index: Int64) -> Bool {
    next = first &+ index
    if next < first { next = last &+ 1 }
    return true
  }
  func read(max: Int, into: inout [Value]) throws -> Bool {
    guard next <= last else { return false }
    var n = 0
    while n < max && next <= last {
      into.append(.int(next))
      n += 1
      if next == Int64.max { next = last &+ 1; break }
      next += 1
    }
    return next <= last
  }
  var progress: Double? { last > first ? Double(next - first) / Double(last - first + 1) : nil }
  var skippedRows: Int { 0 }
  func stop() {}
}

/// Lines of a text file as string values (no record per line).
final class LineReader: SourceReader {
  let reader: TextReader
  var pending: Error?
  init(_ r: TextReader) { reader = r }
  func read(max: Int, into: inout [Value]) throws -> Bool {
    var n = 0
    if let e = pending {
      pending = nil
      throw e
    }
    do {
      while n < max, let line = try reader.nextLine() {
        into.append(.string(line))
        n += 1
      }
    } catch {
      if n == 0 { throw error }
      pending = error
      return true
    }
    return n > 0
  }
  var progress: Double? { reader.totalBytes > 0 ? Double(reader.bytesRead) / Double(reader.totalBytes) : nil }
  var skippedRows: Int { reader.skippedRows }
  func stop() { reader.stop() }
  /// stdin is not replayable; files are, by byte offset.
  var replayable = true
  var position: Int64? { replayable && pending == nil ? reader.position : nil }
}

func policy(_ v: Value) -> BadRowPolicy {
  if case .variant(let tag, let payload) = v {
    switch tag {
    case "Skip": return .skip
    case "DeadLetter":
      if case .string(let p)? = payload.first { return .deadLetter(path: p) }
    default: break
    }
  }
  return .fail
}

extension Builtins {
  /// A source node. `key` must capture every argument that changes what is
  /// read, since equal keys let the optimizer share one reader.
  static func source(_ site: CallSite, bounded: Bool, _ description: String, key: String? = nil, projection: Bool = false, splittable: Bool = false, connector: ConnectorInfo? = nil, _ open: @escaping (Set<String>?, Int64) throws -> SourceReader) -> Value {
    let spec = SourceSpec(bounded: bounded, description: description, key: key ?? description, supportsProjection: projection, open: open)
    spec.splittable = splittable
    spec.connector = connector
    return site.lowering.node(.source(spec), [], site, "source")
  }

  static func registerSources(_ t: inout [String: Builtin]) {
    t["readText/String"] = { site, a in
      let path = try string(a[0], site), follow = try bool(a[1], site)
      return source(site, bounded: !follow, "readText(\"\(path)\")", key: "readText \(path) \(follow)") { _, start in
        LineReader(try TextReader(path: path, follow: follow, startOffset: start))
      }
    }
    t["readStdin/"] = { site, _ in
      source(site, bounded: true, "readStdin()", key: "stdin") { _, _ in
        let r = LineReader(try TextReader(fd: 0))
        r.replayable = false
        return r
      }
    }
    t["readSocket/String"] = { site, a in
      let host = try string(a[0], site), port = try int(a[1], site)
      return source(site, bounded: false, "readSocket(\"\(host)\", \(port))") { _, _ in
        let r = try SocketReader(host: host, port: Int(port))
        return RowSourceReader(r, unwrap: true, skipped: { r.skippedRows })
      }
    }
    t["readCsv/String"] = { site, a in
      let path = try string(a[0], site)
      let schema = try opaque(a[1], Schema.self, site)
      let header = try bool(a[2], site)
      let delim = try string(a[3], site)
      let onError = policy(a[4])
      let follow = try bool(a[5], site)
      guard delim.utf8.count == 1, let d = delim.utf8.first else {
        throw RuntimeError("readCsv: the delimiter must be one character, found \"\(delim)\"", at: site.location)
      }
      let key = "readCsv \(path) \(schema.fields.map { "\($0.name):\($0.type)" }) \(header) \(delim) \(onError) \(follow)"
      let info = ConnectorInfo(name: "readCsv", options: ["path": path, "header": "\(header)", "delimiter": delim, "follow": "\(follow)", "onError": "\(onError)"],
                               columns: schema.fields.map { ($0.name, $0.type.description) })
      return source(site, bounded: !follow, "readCsv(\"\(path)\")", key: key, projection: true, connector: info) { columns, start in
        let r = try CSVReader(path: path, schema: schema, header: header, delimiter: d, policy: onError, columns: columns, follow: follow, startOffset: start)
        return RowSourceReader(r, unwrap: false, replayable: true, size: { (r.bytesRead, r.totalBytes) }, skipped: { r.skippedRows }, stop: { r.stop() })
      }
    }
    t["readJsonl/String"] = { site, a in
      let path = try string(a[0], site)
      let schema = try opaque(a[1], Schema.self, site)
      let onError = policy(a[2])
      let follow = try bool(a[3], site)
      let key = "readJsonl \(path) \(schema.fields.map { "\($0.name):\($0.type)" }) \(onError) \(follow)"
      let info = ConnectorInfo(name: "readJsonl", options: ["path": path, "follow": "\(follow)", "onError": "\(onError)"],
                               columns: schema.fields.map { ($0.name, $0.type.description) })
      return source(site, bounded: !follow, "readJsonl(\"\(path)\")", key: key, projection: true, connector: info) { columns, start in
        let r = try JSONLinesReader(path: path, schema: schema, policy: onError, columns: columns, follow: follow, startOffset: start)
        return RowSourceReader(r, unwrap: false, replayable: true, size: { (r.bytesRead, r.totalBytes) }, skipped: { r.skippedRows }, stop: { r.stop() })
      }
    }
    t["sequence/Int"] = { site, a in
      let from = try int(a[0], site), to = try int(a[1], site)
      return source(site, bounded: true, "sequence(\(from), \(to))", splittable: true) { _, start in
        SequenceReader(from: from, to: to, startAt: start)
      }
    }
    t["random/Int"] = { site, a in
      let count = try int(a[0], site), seed = try int(a[1], site)
      return source(site, bounded: true, "random(\(count), seed: \(seed))") { _, start in
        let g = RandomGenerator(schema: Schema([("value", .float)]), seed: UInt64(bitPattern: seed), count: count, startAt: start)
        return RowSourceReader(g, unwrap: true, replayable: true)
      }
    }
  }
}

/// The Nexmark generator as a source: every event as `{ person, auction,
/// bid }` with one field present, or bids only. `rate` > 0 paces the
/// events to that many per second of wall-clock time.
final class NexmarkReader: SourceReader {
  let generator: NexmarkGenerator
  let bidsOnly: Bool
  let total: Int
  let rate: Int
  let eventShape = Shape(["person", "auction", "bid"])
  var produced = 0
  let start = DispatchTime.now().uptimeNanoseconds

  /// Bids: the fields the plan reads (projection pruning); the others are
  /// never generated.
  let columns: NexmarkBidColumns
  let draws: Int

  init(config: NexmarkConfig, bidsOnly: Bool, rate: Int, startAt: Int64 = 0, columns: Set<String>? = nil) {
    self.generator = NexmarkGenerator(config: config, startAt: startAt)
    self.bidsOnly = bidsOnly
    self.columns = NexmarkBidColumns(bidsOnly ? columns : nil)
    self.draws = self.columns.draws
    self.total = config.events
    self.rate = rate
  }

  func read(max: Int, into: inout [Value]) throws -> Bool {
    var n = max
    if rate > 0 {
      // Emit only what the rate allows by now; sleep briefly if nothing is due.
      let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      let due = Int(elapsed * Double(rate)) - produced
      if due <= 0 {
        usleep(1000)
        return produced < total || bidsOnly
      }
      n = min(n, due)
    }
    var got = 0
    if bidsOnly {
      into.reserveCapacity(into.count + n)
      let g = generator, cols = columns, d = draws
      while got < n {
        guard let r = g.nextBid(columns: cols, draws: d) else {
          produced += got
          return false
        }
        into.append(.record(r))
        got += 1
      }
      produced += got
      return true
    }
    while got < n {
      if bidsOnly {
        guard let r = generator.nextBid() else { return false }
        into.append(.record(r))
      } else {
        guard let (kind, r) = generator.nextEvent() else { return false }
        var values: [Value] = [.null, .null, .null]
        switch kind {
        case .person: values[0] = .record(r)
        case .auction: values[1] = .record(r)
        case .bid: values[2] = .record(r)
        }
        into.append(.record(Record(shape: eventShape, values: values)))
      }
      got += 1
      produced += 1
    }
    return true
  }

  var progress: Double? { total > 0 ? Double(produced) / Double(total) : nil }
  var skippedRows: Int { 0 }
  func stop() {}
  var position: Int64? { generator.position }
  /// For a split source: `index` counts the events this reader delivers
  /// (bids only, for `nexmarkBids`).
  func seek(to index: Int64) -> Bool {
    if bidsOnly { generator.seek(toBid: index) } else { generator.seek(to: index) }
    return true
  }
}

extension Builtins {
  static func registerNexmark(_ t: inout [String: Builtin]) {
    for (key, bidsOnly) in [("nexmark/Int", false), ("nexmarkBids/Int", true)] {
      t[key] = { site, a in
        let events = try int(a[0], site), rate = try int(a[1], site), seed = try int(a[2], site)
        guard events >= 0 else { throw RuntimeError("\(bidsOnly ? "nexmarkBids" : "nexmark"): events must not be negative", at: site.location) }
        guard rate >= 0 else { throw RuntimeError("nexmark: rate must not be negative", at: site.location) }
        let name = bidsOnly ? "nexmarkBids" : "nexmark"
        // Paced sources stay whole: each split would run at the full rate.
        let info = ConnectorInfo(name: name, options: ["events": "\(events)", "rate": "\(rate)", "seed": "\(seed)"])
        return source(site, bounded: true, "\(name)(events: \(events), rate: \(rate), seed: \(seed))", projection: bidsOnly, splittable: rate == 0, connector: info) { columns, start in
          NexmarkReader(config: NexmarkConfig(events: Int(events), seed: UInt64(bitPattern: seed)), bidsOnly: bidsOnly, rate: Int(rate), startAt: start, columns: columns)
        }
      }
    }
  }
}
