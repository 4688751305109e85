import CRocksDB
import Foundation

/// A small Swift face on RocksDB's C API: open, get, put, delete, write
/// batches, prefix scans, hard-linked checkpoints, close. Every C error
/// becomes a `RuntimeError` naming the database and what was being done.
/// One instance is used by one thread at a time (its operator's).
public final class RocksDB {
  public let path: String
  private var db: OpaquePointer?
  private let options: OpaquePointer?
  private let tableOptions: OpaquePointer?
  private let filter: OpaquePointer?
  private let readOptions: OpaquePointer?
  private let writeOptions: OpaquePointer?

  /// Opens (creating if missing) the database in directory `path`.
  public init(path: String) throws {
    self.path = path
    options = rocksdb_options_create()
    rocksdb_options_set_create_if_missing(options, 1)
    // Bloom filters make a lookup of a key that is not there (every new
    // key) cheap: most SST files are skipped without reading a block.
    tableOptions = rocksdb_block_based_options_create()
    filter = rocksdb_filterpolicy_create_bloom(10)
    rocksdb_block_based_options_set_filter_policy(tableOptions, filter)
    rocksdb_options_set_block_based_table_factory(options, tableOptions)
    // The same for the memtable: a new key's lookup skips its skip list.
    rocksdb_options_set_memtable_prefix_bloom_size_ratio(options, 0.1)
    rocksdb_options_set_memtable_whole_key_filtering(options, 1)
    // State is rebuilt from a checkpoint after a crash, never from the
    // write-ahead log: skip it (writes go to the memtable only).
    writeOptions = rocksdb_writeoptions_create()
    rocksdb_writeoptions_disable_WAL(writeOptions, 1)
    readOptions = rocksdb_readoptions_create()
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw RuntimeError("cannot create the state directory '\(path)': \(error.localizedDescription)")
    }
    var err: UnsafeMutablePointer<CChar>?
    db = rocksdb_open(options, path, &err)
    try RocksDB.check(err, "open the state database '\(path)'")
    if db == nil { throw RuntimeError("cannot open the state database '\(path)'") }
  }

  deinit {
    close()
    // The table options own the filter policy (freed with them).
    rocksdb_options_destroy(options)
    rocksdb_block_based_options_destroy(tableOptions)
    rocksdb_readoptions_destroy(readOptions)
    rocksdb_writeoptions_destroy(writeOptions)
  }

  public func close() {
    if let d = db { rocksdb_close(d) }
    db = nil
  }

  static func check(_ err: UnsafeMutablePointer<CChar>?, _ what: @autoclosure () -> String) throws {
    guard let e = err else { return }
    let message = String(cString: e)
    rocksdb_free(e)
    throw RuntimeError("RocksDB: cannot \(what()): \(message)")
  }

  private func handle() throws -> OpaquePointer {
    guard let d = db else { throw RuntimeError("RocksDB: the state database '\(path)' is closed") }
    return d
  }

  public func get(_ key: [UInt8]) throws -> [UInt8]? {
    let d = try handle()
    var err: UnsafeMutablePointer<CChar>?
    var len = 0
    let p = key.withUnsafeBufferPointer { k in
      k.baseAddress.map { base in
        base.withMemoryRebound(to: CChar.self, capacity: k.count) { rocksdb_get(d, readOptions, $0, k.count, &len, &err) }
      } ?? nil
    }
    try RocksDB.check(err, "read from '\(path)'")
    guard let value = p else { return nil }
    defer { rocksdb_free(value) }
    return value.withMemoryRebound(to: UInt8.self, capacity: len) { Array(UnsafeBufferPointer(start: $0, count: len)) }
  }

  public func put(_ key: [UInt8], _ value: [UInt8]) throws {
    let b = WriteBatch()
    b.put(key, value)
    try write(b)
  }

  public func delete(_ key: [UInt8]) throws {
    let b = WriteBatch()
    b.delete(key)
    try write(b)
  }

  /// Applies a batch of writes atomically.
  public func write(_ batch: WriteBatch) throws {
    let d = try handle()
    var err: UnsafeMutablePointer<CChar>?
    rocksdb_write(d, writeOptions, batch.batch, &err)
    try RocksDB.check(err, "write to '\(path)'")
  }

  /// Calls `body` with every key starting with `prefix` and its value, in
  /// key order; `body` returns false to stop.
  public func scan(prefix: [UInt8], _ body: ([UInt8], [UInt8]) throws -> Bool) throws {
    let d = try handle()
    guard let it = rocksdb_create_iterator(d, readOptions) else {
      throw RuntimeError("RocksDB: cannot read '\(path)'")
    }
    defer { rocksdb_iter_destroy(it) }
    prefix.withUnsafeBufferPointer { p in
      p.withMemoryRebound(to: CChar.self) { c in rocksdb_iter_seek(it, c.baseAddress, c.count) }
    }
    while rocksdb_iter_valid(it) != 0 {
      var klen = 0
      var vlen = 0
      guard let kp = rocksdb_iter_key(it, &klen), let vp = rocksdb_iter_value(it, &vlen) else { break }
      let k = kp.withMemoryRebound(to: UInt8.self, capacity: klen) { Array(UnsafeBufferPointer(start: $0, count: klen)) }
      if k.count < prefix.count || !k.starts(with: prefix) { break }
      let v = vp.withMemoryRebound(to: UInt8.self, capacity: vlen) { Array(UnsafeBufferPointer(start: $0, count: vlen)) }
      if try !body(k, v) { break }
      rocksdb_iter_next(it)
    }
    var err: UnsafeMutablePointer<CChar>?
    rocksdb_iter_get_error(it, &err)
    try RocksDB.check(err, "read '\(path)'")
  }

  /// Writes the memtable to SST files (so a checkpoint holds only SSTs).
  public func flush() throws {
    let d = try handle()
    let fo = rocksdb_flushoptions_create()
    defer { rocksdb_flushoptions_destroy(fo) }
    rocksdb_flushoptions_set_wait(fo, 1)
    var err: UnsafeMutablePointer<CChar>?
    rocksdb_flush(d, fo, &err)
    try RocksDB.check(err, "flush '\(path)'")
  }

  /// A consistent copy of the database in `dir` (which must not exist):
  /// SST files are hard links to the live ones (copies across file
  /// systems), so a checkpoint costs only the files written since the last.
  public func checkpoint(to dir: String) throws {
    let d = try handle()
    try flush()
    var err: UnsafeMutablePointer<CChar>?
    let cp = rocksdb_checkpoint_object_create(d, &err)
    try RocksDB.check(err, "prepare a checkpoint of '\(path)'")
    guard let c = cp else { throw RuntimeError("RocksDB: cannot prepare a checkpoint of '\(path)'") }
    defer { rocksdb_checkpoint_object_destroy(c) }
    rocksdb_checkpoint_create(c, dir, 0, &err)
    try RocksDB.check(err, "write the checkpoint '\(dir)'")
  }

  /// A batch of puts and deletes applied at once by `write`.
  public final class WriteBatch {
    let batch: OpaquePointer?
    public private(set) var count = 0
    public init() { batch = rocksdb_writebatch_create() }
    deinit { rocksdb_writebatch_destroy(batch) }

    public func put(_ key: [UInt8], _ value: [UInt8]) {
      count += 1
      key.withUnsafeBufferPointer { k in
        value.withUnsafeBufferPointer { v in
          k.withMemoryRebound(to: CChar.self) { kc in
            v.withMemoryRebound(to: CChar.self) { vc in
              rocksdb_writebatch_put(batch, kc.baseAddress, kc.count, vc.baseAddress, vc.count)
            }
          }
        }
      }
    }

    public func delete(_ key: [UInt8]) {
      count += 1
      key.withUnsafeBufferPointer { k in
        k.withMemoryRebound(to: CChar.self) { rocksdb_writebatch_delete(batch, $0.baseAddress, $0.count) }
      }
    }

    public func clear() {
      rocksdb_writebatch_clear(batch)
      count = 0
    }
  }
}
