import Foundation

/// Checkpoints on disk: one file per checkpoint, `chk-<id>.state`, holding
/// each operator's state by uid, followed by a CRC-32 of its content. A file
/// is written under a temporary name, fsynced, then renamed, so a crash never
/// leaves a half-written checkpoint under its real name; `MANIFEST` lists the
/// completed ones, newest last, and only the newest `keep` are kept.
public final class CheckpointStore {
  public let dir: String
  public let keep: Int
  static let magic: [UInt8] = Array("FLOWCKP1".utf8)

  public init(dir: String, keep: Int = 3) throws {
    self.dir = dir
    self.keep = max(1, keep)
    do {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    } catch {
      throw RuntimeError("cannot create the checkpoint directory '\(dir)': \(error.localizedDescription)")
    }
  }

  public struct Snapshot {
    public let id: Int
    public let path: String
    /// State bytes by operator uid.
    public let sections: [String: [UInt8]]
  }

  var manifestPath: String { dir + "/MANIFEST" }

  /// Writes checkpoint `id` durably and records it in the manifest.
  public func write(id: Int, sections: [(String, [UInt8])]) throws -> String {
    var w = StateWriter()
    for b in CheckpointStore.magic { w.u8(b) }
    w.int(id)
    w.int(sections.count)
    for (uid, bytes) in sections { w.string(uid); w.raw(bytes) }
    var bytes = w.bytes
    let crc = crc32(bytes)
    for i in 0..<4 { bytes.append(UInt8((crc >> (8 * UInt32(i))) & 0xFF)) }
    let name = String(format: "chk-%06d.state", id)
    let path = dir + "/" + name
    try writeDurably(path, bytes)
    var names = listed()
    names.append(name)
    while names.count > keep {
      let old = names.removeFirst()
      try? FileManager.default.removeItem(atPath: dir + "/" + old)
    }
    try writeDurably(manifestPath, Array((names.joined(separator: "\n") + "\n").utf8))
    return path
  }

  func writeDurably(_ path: String, _ bytes: [UInt8]) throws {
    let tmp = path + ".tmp"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw RuntimeError("cannot write '\(tmp)': \(String(cString: strerror(errno)))") }
    var off = 0
    while off < bytes.count {
      let n = bytes[off...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
      if n <= 0 { close(fd); throw RuntimeError("cannot write '\(tmp)': \(String(cString: strerror(errno)))") }
      off += n
    }
    fsync(fd)
    close(fd)
    guard rename(tmp, path) == 0 else { throw RuntimeError("cannot rename '\(tmp)': \(String(cString: strerror(errno)))") }
    let dfd = open(dir, O_RDONLY)
    if dfd >= 0 { fsync(dfd); close(dfd) }
  }

  /// Checkpoint files named in the manifest, oldest first.
  func listed() -> [String] {
    guard let text = try? String(contentsOfFile: manifestPath, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
  }

  /// Reads and verifies one checkpoint file.
  public func load(_ path: String) throws -> Snapshot {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RuntimeError("checkpoint '\(path)' is missing")
    }
    let bytes = [UInt8](data)
    guard bytes.count >= CheckpointStore.magic.count + 4, Array(bytes.prefix(8)) == CheckpointStore.magic else {
      throw RuntimeError("checkpoint '\(path)' is not a Flow checkpoint or is truncated")
    }
    let body = Array(bytes[0..<(bytes.count - 4)])
    var stored: UInt32 = 0
    for i in 0..<4 { stored |= UInt32(bytes[bytes.count - 4 + i]) << (8 * UInt32(i)) }
    guard crc32(body) == stored else { throw RuntimeError("checkpoint '\(path)' is damaged (checksum mismatch)") }
    var r = StateReader(body)
    r.pos = 8
    let id = Int(try r.int())
    let n = try r.count()
    var sections: [String: [UInt8]] = [:]
    for _ in 0..<n { let uid = try r.string(); sections[uid] = try r.raw() }
    return Snapshot(id: id, path: path, sections: sections)
  }

  /// The newest checkpoint that reads back intact; damaged ones are
  /// reported through `warn` and skipped.
  public func latest(warn: (String) -> Void) throws -> Snapshot? {
    var names = listed()
    if names.isEmpty {
      // No manifest: fall back to the files themselves.
      names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix("chk-") && $0.hasSuffix(".state") }.sorted()
    }
    for name in names.reversed() {
      do {
        return try load(dir + "/" + name)
      } catch {
        warn("warning: skipping checkpoint \(name): \((error as? RuntimeError)?.message ?? "\(error)")")
      }
    }
    return nil
  }
}
