import Foundation
import FlowRuntime
import FlowConnectors

/// Exactly-once file output. Rows go to `<path>.inprogress`; at a checkpoint
/// that file is flushed and fsynced (prepare), and once the checkpoint is
/// durable the new bytes are appended to `path` and fsynced (commit). So
/// `path` only ever holds output of completed checkpoints: a reader never
/// sees rolled-back data. A restore truncates `path` to the length recorded
/// in the checkpoint (re-applying a commit a crash interrupted).
final class TwoPhaseFileSink: SinkWriter {
  let path: String
  let inProgressPath: String
  /// Makes the format's writer; the flag says whether it may write a header
  /// (not after a restore: `path` already has one).
  let make: (String, Bool) throws -> RowSink
  var sink: RowSink
  var inner: ValueSinkWriter
  /// Bytes of the in-progress file already appended to `path`.
  var copied: Int64 = 0
  /// Bytes prepared for the next commit.
  var prepared: Int64 = 0
  /// Length of `path` after the last commit.
  var committedLength: Int64 = 0
  /// `path` is emptied at the first commit of a fresh job, and kept by a
  /// restore (so opening the sink never destroys committed output).
  var started = false

  /// The previous run's in-progress file, kept aside: a crash in the
  /// middle of a commit leaves `path` short, and a restore takes the
  /// missing bytes from here.
  var previousPath: String { inProgressPath + ".previous" }

  init(path: String, make: @escaping (String, Bool) throws -> RowSink) throws {
    self.path = path
    self.inProgressPath = path + ".inprogress"
    self.make = make
    let fm = FileManager.default
    if fm.fileExists(atPath: inProgressPath) {
      try? fm.removeItem(atPath: path + ".inprogress.previous")
      try? fm.moveItem(atPath: inProgressPath, toPath: path + ".inprogress.previous")
    }
    sink = try make(inProgressPath, true)
    inner = ValueSinkWriter(sink)
  }

  func write(_ v: Value) throws { try inner.write(v) }
  func flush() throws { try inner.flush() }
  func close() throws {
    try inner.close()
    try? FileManager.default.removeItem(atPath: inProgressPath)
    try? FileManager.default.removeItem(atPath: previousPath)
  }

  func fileSize(_ p: String) -> Int64 {
    ((try? FileManager.default.attributesOfItem(atPath: p)[.size]) as? NSNumber)?.int64Value ?? 0
  }

  func prepareCommit() throws -> [UInt8] {
    if !started {
      FileManager.default.createFile(atPath: path, contents: nil)
      started = true
    }
    try inner.flush()
    let fd = open(inProgressPath, O_RDONLY)
    if fd >= 0 { fsync(fd); Glibc.close(fd) }
    prepared = fileSize(inProgressPath)
    var w = StateWriter()
    w.int(copied)
    w.int(prepared)
    w.int(committedLength + (prepared - copied))
    return w.bytes
  }

  func commit() throws {
    guard prepared > copied else { return }
    try append(from: inProgressPath, range: copied..<prepared)
    committedLength += prepared - copied
    copied = prepared
  }

  func append(from source: String, range: Range<Int64>) throws {
    guard let input = FileHandle(forReadingAtPath: source), let output = FileHandle(forWritingAtPath: path) else {
      throw RuntimeError("cannot commit output to '\(path)'")
    }
    defer { try? input.close(); try? output.close() }
    try input.seek(toOffset: UInt64(range.lowerBound))
    let data = input.readData(ofLength: Int(range.upperBound - range.lowerBound))
    try output.seekToEnd()
    output.write(data)
    try output.synchronize()
  }

  /// Rolls `path` back (or forward) to the checkpoint, then starts a new
  /// in-progress file (without a header when `path` already has output).
  func restore(_ state: [UInt8]) throws {
    var r = StateReader(state)
    let oldCopied = try r.int(), oldPrepared = try r.int(), length = try r.int()
    if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
    let current = fileSize(path)
    if current < length {
      // The crash interrupted the commit: apply it from the old in-progress
      // file (set aside when this run started).
      let missing = length - current
      let old = FileManager.default.fileExists(atPath: previousPath) ? previousPath : inProgressPath
      guard fileSize(old) >= oldPrepared else {
        throw RuntimeError("cannot restore output '\(path)': it is \(current) bytes, the checkpoint committed \(length), and the rest is not in '\(old)' any more")
      }
      try append(from: old, range: (oldPrepared - missing)..<oldPrepared)
    }
    _ = oldCopied
    if let h = FileHandle(forWritingAtPath: path) {
      try h.truncate(atOffset: UInt64(length))
      try h.synchronize()
      try h.close()
    }
    committedLength = length
    started = true
    try? inner.close()
    sink = try make(inProgressPath, committedLength == 0)
    inner = ValueSinkWriter(sink)
    copied = 0
    prepared = 0
  }
}

/// An exactly-once file sink for other front ends (SQL's filesystem tables):
/// `make(path, header)` opens the format's writer.
public func exactlyOnceFileSink(path: String, make: @escaping (String, Bool) throws -> RowSink) throws -> SinkWriter {
  try TwoPhaseFileSink(path: path, make: make)
}
