import Foundation

/// One keyed operator's state in RocksDB, with a bounded cache of decoded
/// entries in front (write-back: dirty entries go to the database in one
/// batch when the cache is full and before a checkpoint), so memory is
/// bounded by the cache whatever the number of keys.
///
/// Layout, chosen so that state is organized by key group (a rescaled job
/// can take whole groups): a key's entry is
/// `[key group: 2 bytes big-endian][StateCodec bytes of the key]` ->
/// `[first-seen sequence number: 8 bytes][state bytes]`. When the operator
/// needs its keys in first-seen order (final results of bounded input),
/// `forEach` first copies every entry under `[0xFF 0xFF][sequence number
/// big-endian]` (0xFFFF is no key group), then reads that range: two
/// sequential scans and sequential writes, where looking each key up in
/// first-seen order would be one random read per key.
final class RocksKeyedStore<State> {
  final class Entry {
    let name: [UInt8]
    let seq: Int64
    var state: State
    var dirty = true
    init(name: [UInt8], seq: Int64, state: State) { self.name = name; self.seq = seq; self.state = state }
  }

  let backend: StateBackend
  let uid: String
  let encode: (State, inout StateWriter) throws -> Void
  let decode: (inout StateReader) throws -> State
  /// Keep the first-seen order index.
  let ordered: Bool
  private var db: RocksDB?
  private var cache: [Value: Entry] = [:]
  private(set) var nextSeq: Int64 = 0
  static var orderPrefix: [UInt8] { [0xFF, 0xFF] }

  init(backend: StateBackend, uid: String, ordered: Bool,
       encode: @escaping (State, inout StateWriter) throws -> Void,
       decode: @escaping (inout StateReader) throws -> State) {
    self.backend = backend
    self.uid = uid
    self.ordered = ordered
    self.encode = encode
    self.decode = decode
  }

  var livePath: String { backend.liveDatabase(uid: uid) }

  /// The open database; a fresh run starts from an empty one (whatever a
  /// crashed run left is removed).
  private func database() throws -> RocksDB {
    if let d = db { return d }
    try? FileManager.default.removeItem(atPath: livePath)
    let d = try RocksDB(path: livePath)
    db = d
    return d
  }

  static func entryName(_ key: Value) throws -> [UInt8] {
    let group = Int(KeyGroups.stableHash(key) % UInt64(KeyGroups.maxParallelism))
    var w = StateWriter()
    w.u8(UInt8(group >> 8))
    w.u8(UInt8(group & 0xFF))
    try w.value(key)
    return w.bytes
  }

  static func orderName(_ seq: Int64) -> [UInt8] {
    var out = orderPrefix
    for i in (0..<8).reversed() { out.append(UInt8((UInt64(bitPattern: seq) >> (8 * UInt64(i))) & 0xFF)) }
    return out
  }

  /// The entry of `key`, made with `initial` if the key is new; the caller
  /// updates its state (the entry is marked dirty).
  func entry(for key: Value, initial: () throws -> State) throws -> (Entry, isNew: Bool) {
    if let e = cache[key] { e.dirty = true; return (e, false) }
    if cache.count >= backend.cacheEntries { try flushCache(evict: true) }
    let name = try Self.entryName(key)
    let e: Entry
    var isNew = false
    if let bytes = try database().get(name) {
      var r = StateReader(bytes)
      let seq = try r.int()
      e = Entry(name: name, seq: seq, state: try decode(&r))
    } else {
      e = Entry(name: name, seq: nextSeq, state: try initial())
      nextSeq += 1
      isNew = true
    }
    cache[key] = e
    return (e, isNew)
  }

  /// Writes the dirty entries to the database; with `evict`, empties the cache.
  func flushCache(evict: Bool) throws {
    // In key order: RocksDB's memtable (a skip list) inserts a sorted run
    // almost for free, random order costs a full search per key.
    let dirty = cache.values.filter { $0.dirty }.sorted { $0.name.lexicographicallyPrecedes($1.name) }
    let batch = RocksDB.WriteBatch()
    for e in dirty {
      var w = StateWriter()
      w.int(e.seq)
      try encode(e.state, &w)
      batch.put(e.name, w.bytes)
      e.dirty = false
    }
    if batch.count > 0 { try database().write(batch) }
    if evict { cache.removeAll(keepingCapacity: true) }
  }

  /// Every key with its state: in first-seen order when `ordered`, else by
  /// key group. Meant for the end of the job (ordered, it leaves a sorted
  /// copy of the entries in the database).
  func forEach(_ body: (Value, State) throws -> Void) throws {
    try flushCache(evict: true)
    let d = try database()
    func visit(_ name: ArraySlice<UInt8>, _ bytes: ArraySlice<UInt8>) throws {
      var kr = StateReader(Array(name))
      kr.pos = 2
      let key = try kr.value()
      var r = StateReader(Array(bytes))
      _ = try r.int()
      try body(key, try decode(&r))
    }
    // Key entries: every key group's first byte is 0 (groups < 256).
    let entries: [UInt8] = [0]
    guard ordered else {
      return try d.scan(prefix: entries) { name, bytes in try visit(name[...], bytes[...]); return true }
    }
    // Copied in sorted chunks (see flushCache).
    var chunk: [(Int64, [UInt8])] = []
    func writeChunk() throws {
      let batch = RocksDB.WriteBatch()
      for (seq, v) in chunk.sorted(by: { $0.0 < $1.0 }) { batch.put(Self.orderName(seq), v) }
      try d.write(batch)
      chunk.removeAll(keepingCapacity: true)
    }
    try d.scan(prefix: entries) { name, bytes in
      guard bytes.count >= 8 else { throw RuntimeError("RocksDB state of operator \(uid) is damaged (a short entry)") }
      var seq: Int64 = 0
      for i in 0..<8 { seq |= Int64(bytes[i]) << (8 * Int64(i)) }
      var w = StateWriter()
      w.raw(name)
      chunk.append((seq, w.bytes + bytes))
      if chunk.count >= 50_000 { try writeChunk() }
      return true
    }
    if !chunk.isEmpty { try writeChunk() }
    try d.scan(prefix: Self.orderPrefix) { _, value in
      var r = StateReader(value)
      let name = try r.raw()
      try visit(name[...], value[r.pos...])
      return true
    }
  }

  /// Checkpoint: the database as a RocksDB checkpoint beside the checkpoint
  /// file; the state section records where it is.
  func snapshot(_ w: inout StateWriter) throws {
    try flushCache(evict: false)
    let (abs, rel) = try backend.checkpointTarget(uid: uid)
    try database().checkpoint(to: abs)
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: abs)) ?? []).sorted()
    backend.addCheckpointFiles(files.map { rel + "/" + $0 })
    w.string(rel)
    w.int(nextSeq)
  }

  /// Restore from what `snapshot` wrote: the working database becomes a
  /// copy of the checkpoint's (SST files hard-linked: they never change;
  /// the rest copied, since RocksDB appends to its MANIFEST).
  func restore(_ r: inout StateReader) throws {
    let rel = try r.string()
    nextSeq = try r.int()
    guard let root = backend.restoreRoot else { throw RuntimeError("internal: RocksDB restore without a checkpoint directory") }
    db?.close()
    db = nil
    cache.removeAll()
    try Self.materialize(from: root + "/" + rel, into: livePath)
    db = try RocksDB(path: livePath)
  }

  /// Replaces `dest` with a working copy of the RocksDB checkpoint `src`.
  static func materialize(from src: String, into dest: String) throws {
    let fm = FileManager.default
    try? fm.removeItem(atPath: dest)
    do {
      try fm.createDirectory(atPath: dest, withIntermediateDirectories: true)
      for f in try fm.contentsOfDirectory(atPath: src) {
        let a = src + "/" + f, b = dest + "/" + f
        if f.hasSuffix(".sst"), link(a, b) == 0 { continue }
        try fm.copyItem(atPath: a, toPath: b)
      }
    } catch {
      throw RuntimeError("cannot restore RocksDB state from '\(src)': \(error.localizedDescription)")
    }
  }

  /// The end of the job: the working database is not needed any more.
  func close() {
    db?.close()
    db = nil
    cache.removeAll()
    try? FileManager.default.removeItem(atPath: livePath)
  }
}
