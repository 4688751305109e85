import Foundation

/// Where keyed state lives while a job runs: in memory (dictionaries and
/// arrays in each operator, the default) or in RocksDB on disk
/// (`flow run --state-backend rocksdb`), one database per keyed operator
/// instance under `liveDir`. With RocksDB, a checkpoint is a RocksDB
/// checkpoint per operator (hard-linked SST files) in a directory beside the
/// checkpoint file, `chk-<id>.rocksdb/`, whose files the checkpoint file
/// lists with their sizes and checksums.
public final class StateBackend: @unchecked Sendable {
  public enum Kind: String, CaseIterable, Sendable { case memory, rocksdb }
  public let kind: Kind
  /// The working databases (`<liveDir>/<operator uid>`).
  public let liveDir: String
  /// Remove `liveDir` itself at the end (a temporary directory we made).
  let ownsLiveDir: Bool
  /// Keys each RocksDB operator keeps decoded in memory (the rest is on disk).
  public var cacheEntries = 50_000

  private let lock = NSLock()
  /// During a checkpoint: the checkpoint directory and this checkpoint's
  /// RocksDB directory name in it, and the files written there.
  private var pending: (root: String, name: String)?
  private var pendingFiles: [String] = []
  /// During a restore: the directory of the checkpoint being restored.
  public var restoreRoot: String?

  public static let memory = StateBackend(kind: .memory, liveDir: "", ownsLiveDir: false)

  init(kind: Kind, liveDir: String, ownsLiveDir: Bool) {
    self.kind = kind
    self.liveDir = liveDir
    self.ownsLiveDir = ownsLiveDir
  }

  /// A RocksDB backend: its databases go to `stateDir`, else under the
  /// checkpoint directory (so checkpoints can hard-link them), else to a
  /// temporary directory removed when the job ends.
  public static func rocksdb(stateDir: String?, checkpointDir: String?) -> StateBackend {
    if let s = stateDir { return StateBackend(kind: .rocksdb, liveDir: s, ownsLiveDir: false) }
    if let c = checkpointDir { return StateBackend(kind: .rocksdb, liveDir: c + "/live-state", ownsLiveDir: false) }
    let tmp = NSTemporaryDirectory() + "flow-state-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    return StateBackend(kind: .rocksdb, liveDir: tmp, ownsLiveDir: true)
  }

  /// The working database directory of the operator instance `uid`.
  func liveDatabase(uid: String) -> String {
    liveDir + "/" + StateBackend.fileName(uid)
  }

  /// Operator uids as file names: letters, digits, `-` and `_` kept.
  static func fileName(_ uid: String) -> String {
    let mapped = uid.unicodeScalars.map { c -> String in
      CharacterSet.alphanumerics.contains(c) || c == "-" || c == "_" ? String(c) : "_"
    }
    return "op-" + mapped.joined()
  }

  /// The RocksDB directory of checkpoint `id` (beside `chk-<id>.state`).
  public static func checkpointDirectoryName(id: Int) -> String { String(format: "chk-%06d.rocksdb", id) }

  /// Starts checkpoint `id` in `root`: a directory left by an attempt that
  /// crashed before completing is removed first.
  public func beginCheckpoint(id: Int, root: String) {
    guard kind == .rocksdb else { return }
    let name = StateBackend.checkpointDirectoryName(id: id)
    try? FileManager.default.removeItem(atPath: root + "/" + name)
    lock.lock(); defer { lock.unlock() }
    pending = (root, name)
    pendingFiles = []
  }

  /// Where operator `uid` writes its RocksDB checkpoint: (absolute path,
  /// path relative to the checkpoint directory).
  func checkpointTarget(uid: String) throws -> (String, String) {
    lock.lock(); defer { lock.unlock() }
    guard let p = pending else { throw RuntimeError("internal: a RocksDB operator was snapshotted outside a checkpoint") }
    let rel = p.name + "/" + StateBackend.fileName(uid)
    try FileManager.default.createDirectory(atPath: p.root + "/" + p.name, withIntermediateDirectories: true)
    return (p.root + "/" + rel, rel)
  }

  /// Records the files of a finished operator checkpoint (relative paths).
  func addCheckpointFiles(_ files: [String]) {
    lock.lock(); defer { lock.unlock() }
    pendingFiles.append(contentsOf: files)
  }

  /// The files the checkpoint file must list and verify.
  public func endCheckpoint() -> [String] {
    lock.lock(); defer { lock.unlock() }
    pending = nil
    defer { pendingFiles = [] }
    return pendingFiles
  }

  /// The end of the job: remove the temporary directory if we made one.
  public func cleanUp() {
    if ownsLiveDir { try? FileManager.default.removeItem(atPath: liveDir) }
  }
}
