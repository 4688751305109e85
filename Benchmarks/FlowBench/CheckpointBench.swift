import Foundation
import FlowRuntime

/// `checkpoint-1m`: the checkpoint snapshot path on keyed state of 1M keys.
/// Keyed operators write their state through `StateWriter` (keys in sorted
/// order, so equal state gives equal files) and the executor hands the bytes
/// to `CheckpointStore.write` (CRC-32, fsync, rename, manifest). Timed: the
/// encoding of a 1M-entry map (Int key -> record of a count, a sum and a
/// 13-character string, like an aggregate's accumulators) and its durable
/// write. The restore (load, checksum, decode) is timed separately and
/// printed on standard error, and checked to give back every entry.
let checkpointBenchmark = Benchmark(name: "checkpoint-1m", summary: "encode 1M keyed state entries with StateWriter + CheckpointStore.write (fsync); restore on stderr") {
  let n = scaled(1_000_000)
  let shape = Shape(["count", "sum", "last"])
  var state: [Value: Value] = [:]
  state.reserveCapacity(n)
  for i in 0..<n {
    // Keys spread over a large range, as auction or bidder ids would be.
    let key = Value.int(Int64(i) &* 7919 % 100_000_007)
    state[key] = .record(Record(shape: shape, values: [.int(Int64(i % 97)), .int(Int64(i) * 13), .string("bidder-\(100_000 + i % 900_000)")]))
  }
  let dir = try ScratchDir("checkpoint")
  defer { dir.cleanup() }
  let store = try CheckpointStore(dir: dir.path("chk"))
  let ((path, bytes), seconds) = try timed { () throws -> (String, Int) in
    var w = StateWriter()
    try w.valueMap(state)
    let path = try store.write(id: 1, sections: [("keyed", w.bytes)])
    return (path, w.bytes.count)
  }
  let (restored, restoreSeconds) = try timed { () throws -> [Value: Value] in
    let snap = try store.load(path)
    guard let section = snap.sections["keyed"] else { throw BenchError("checkpoint-1m: the snapshot has no 'keyed' section") }
    var r = StateReader(section)
    return try r.valueMap()
  }
  guard restored.count == n, restored == state else {
    throw BenchError("checkpoint-1m: restored \(restored.count) entries, expected \(n) equal to the snapshot")
  }
  FileHandle.standardError.write(Data(String(format: "checkpoint-1m: %d bytes; snapshot %.3f s, restore (load, CRC, decode) %.3f s\n", bytes, seconds, restoreSeconds).utf8))
  return BenchResult(items: n, unit: "keys", seconds: seconds, bytes: bytes)
}
