import Foundation
import FlowRuntime

/// `state-10m-memory`, `state-10m-rocksdb`: a keyed count over 10 million
/// distinct keys (every event a new key), with the keyed state in memory or
/// in RocksDB. The figure to compare is peak RSS: the in-memory backend
/// grows with the keys, RocksDB stays near its cache, memtable and block
/// cache whatever the number of keys.
func stateBenchmark(backend: String) -> Benchmark {
  Benchmark(name: "state-10m-\(backend)", summary: "sequence 10M |> keyBy(i => i) |> count() |> discard(), keyed state in \(backend)") {
    let n = scaled(10_000_000)
    let state: StateBackend = backend == "rocksdb" ? .rocksdb(stateDir: nil, checkpointDir: nil) : .memory
    defer { state.cleanUp() }
    let run = try runPipeline("""
      sequence(from: 1, to: \(n))
        |> keyBy(i => i)
        |> count()
        |> discard()
      """, stateBackend: state)
    guard run.eventsRead == n else { throw BenchError("state-10m read \(run.eventsRead) events, expected \(n)") }
    guard run.eventsOut == n else { throw BenchError("state-10m emitted \(run.eventsOut) counts, expected \(n)") }
    return BenchResult(items: run.eventsRead, unit: "events", seconds: run.seconds)
  }
}
