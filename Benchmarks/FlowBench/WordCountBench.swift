import Foundation

/// `wordcount`: the pipeline of Examples/wordcount.flow over ~50 MB of
/// random text (words from a 5,000-word vocabulary with Zipf-like
/// frequencies, 12 words a line), ending in `discard()`.
let wordCountBenchmark = Benchmark(name: "wordcount", summary: "Examples/wordcount.flow over 50 MB of Zipf-distributed words") {
  let dir = try ScratchDir("wordcount")
  defer { dir.cleanup() }
  let path = dir.path("words.txt")
  let (words, bytes) = try writeZipfText(path: path, targetBytes: scaled(50_000_000, minimum: 1_000))
  let run = try runPipeline("""
    readText(\(flowString(path)))
      |> flatMap(line => split(lower(line), " "))
      |> filter(w => w != "")
      |> keyBy(w => w)
      |> count()
      |> discard()
    """)
  guard run.eventsOut <= 5_000, run.eventsOut > 0 else { throw BenchError("wordcount emitted \(run.eventsOut) distinct words") }
  return BenchResult(items: words, unit: "words", seconds: run.seconds, bytes: bytes)
}

/// Writes lines of 12 words drawn with probability ~ 1/rank from 5,000
/// distinct words of 2 to 10 letters (some capitalized, so `lower` has work).
/// Returns (words written, bytes written).
func writeZipfText(path: String, targetBytes: Int, vocabulary size: Int = 5_000) throws -> (Int, Int) {
  var rng = SplitMix64(seed: 11)
  var vocab: [[UInt8]] = []
  var seen = Set<[UInt8]>()
  while vocab.count < size {
    let len = 2 + rng.below(9)
    var w = (0..<len).map { _ in UInt8(97 + rng.below(26)) }
    if seen.insert(w).inserted {
      if rng.below(10) == 0 { w[0] -= 32 }  // "The" and "the" are one word after lower()
      vocab.append(w)
    }
  }
  // Cumulative Zipf weights (s = 1), sampled by binary search.
  var cumulative: [Double] = []
  var total = 0.0
  for r in 1...size {
    total += 1.0 / Double(r)
    cumulative.append(total)
  }
  let w = try ChunkedWriter(path: path)
  var words = 0
  var written = 0
  while written < targetBytes {
    for i in 0..<12 {
      let u = rng.unit() * total
      var lo = 0, hi = size - 1
      while lo < hi {
        let mid = (lo + hi) / 2
        if cumulative[mid] < u { lo = mid + 1 } else { hi = mid }
      }
      if i > 0 { w.byte(UInt8(ascii: " ")); written += 1 }
      w.bytes(vocab[lo])
      written += vocab[lo].count
      words += 1
    }
    w.byte(UInt8(ascii: "\n"))
    written += 1
  }
  w.close()
  return (words, w.bytesWritten)
}
