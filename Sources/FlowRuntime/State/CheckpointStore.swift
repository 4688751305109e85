import Foundation

/// Checkpoints on disk: one file per checkpoint, `chk-<id>.state`, holding
/// each operator's state by uid, followed by a CRC-32 of its content. A file
/// is written under a temporary name, fsynced, then renamed, so a crash never
/// leaves a half-written checkpoint under its real name; `MANIFEST` lists the
/// completed ones, newest last, and only the newest `keep` are kept.
///
/// A checkpoint may also own files outside its state file (the RocksDB
/// backend's `chk-<id>.rocksdb/` directory): the state file lists them with
/// their sizes and CRC-32s under the section `#files`, loading verifies
/// them, and they are removed with their checkpoint.
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
    /// Files outside the state file (paths relative to the checkpoint
    /// directory), verified when loaded.
    public var files: [String] = []
  }

  static let filesSection = "#files"
  /// Checksums already computed, by inode, size and modification time: SST
  /// files never change and are shared (hard-linked) between checkpoints,
  /// so each is read once.
  private var checksums: [String: UInt32] = [:]

  var manifestPath: String { dir + "/MANIFEST" }

  /// Writes checkpoint `id` durably and records it in the manifest.
  public func write(id: Int, sections: [(String, [UInt8])], files: [String] = []) throws -> String {
    var sections = sections
    if !files.isEmpty { sections.append((CheckpointStore.filesSection, try fileList(files))) }
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
      // Its RocksDB files: hard links, so data shared with newer
      // checkpoints stays until the last link goes.
      try? FileManager.default.removeItem(atPath: dir + "/" + CheckpointStore.externalDirectory(of: old))
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
    var files: [String] = []
    if let list = sections.removeValue(forKey: CheckpointStore.filesSection) {
      let root = (path as NSString).deletingLastPathComponent
      files = try verifyFiles(list, root: root.isEmpty ? "." : root, checkpoint: path)
    }
    return Snapshot(id: id, path: path, sections: sections, files: files)
  }

  /// `chk-000003.state` -> `chk-000003.rocksdb`.
  static func externalDirectory(of stateFile: String) -> String {
    (stateFile.hasSuffix(".state") ? String(stateFile.dropLast(6)) : stateFile) + ".rocksdb"
  }

  /// The `#files` section: each file's path, size and CRC-32.
  func fileList(_ files: [String]) throws -> [UInt8] {
    var w = StateWriter()
    w.int(files.count)
    for f in files {
      let (size, crc) = try checksum(dir + "/" + f)
      w.string(f)
      w.int(size)
      w.int(Int64(crc))
    }
    return w.bytes
  }

  func verifyFiles(_ list: [UInt8], root: String, checkpoint: String) throws -> [String] {
    var r = StateReader(list)
    let n = try r.count()
    var out: [String] = []
    for _ in 0..<n {
      let f = try r.string()
      let size = try r.int()
      let crc = UInt32(truncatingIfNeeded: try r.int())
      let path = root + "/" + f
      guard FileManager.default.fileExists(atPath: path) else {
        throw RuntimeError("checkpoint '\(checkpoint)' is damaged: its state file '\(f)' is missing")
      }
      let (actualSize, actualCRC) = try checksum(path)
      guard actualSize == size, actualCRC == crc else {
        throw RuntimeError("checkpoint '\(checkpoint)' is damaged: its state file '\(f)' " + (actualSize == size ? "does not match its checksum" : "has \(actualSize) bytes, expected \(size)"))
      }
      out.append(f)
    }
    return out
  }

  /// Size and CRC-32 of a file, read in chunks.
  func checksum(_ path: String) throws -> (Int64, UInt32) {
    var st = stat()
    guard stat(path, &st) == 0 else { throw RuntimeError("cannot read '\(path)': \(String(cString: strerror(errno)))") }
    let key = "\(st.st_dev):\(st.st_ino):\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
    if let c = checksums[key] { return (Int64(st.st_size), c) }
    guard let h = FileHandle(forReadingAtPath: path) else { throw RuntimeError("cannot read '\(path)'") }
    defer { try? h.close() }
    var crc = CRC32()
    while true {
      let chunk = h.readData(ofLength: 1 << 20)
      if chunk.isEmpty { break }
      chunk.withUnsafeBytes { crc.update($0) }
    }
    checksums[key] = crc.value
    return (Int64(st.st_size), crc.value)
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
