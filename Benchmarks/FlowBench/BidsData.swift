import Foundation

/// The record type of the generated bids files.
let bidType = "type Bid = { auction: Int, bidder: Int, price: Int, channel: String, dateTime: Time }"

/// Writes a bids CSV of `rows` rows (with a header) matching `bidType`.
/// Times start at 2024-01-01T00:00:00Z and advance 0 to 2 ms per row (about
/// 1,000 bids per second of event time), so they only increase when
/// `ordered`; otherwise each row is jittered by up to 4 s (like
/// Examples/data/bids.csv). Auctions are drawn from `auctions` ids.
/// Returns the file size in bytes.
func writeBidsCsv(path: String, rows: Int, auctions: Int = 1_000, ordered: Bool, seed: UInt64 = 7) throws -> Int {
  let w = try ChunkedWriter(path: path)
  var rng = SplitMix64(seed: seed)
  let channels: [[UInt8]] = ["web", "mobile", "partner", "app"].map { Array($0.utf8) }
  let base: Int64 = 1_704_067_200_000  // 2024-01-01T00:00:00Z in ms
  var t: Int64 = base
  w.string("auction,bidder,price,channel,dateTime\n")
  for _ in 0..<rows {
    t += Int64(rng.below(3))
    let time = ordered ? t : max(base, t - Int64(rng.below(4_000)))
    w.int(1_000 + rng.below(auctions))
    w.byte(UInt8(ascii: ","))
    w.int(1 + rng.below(10_000))
    w.byte(UInt8(ascii: ","))
    w.int(1 + rng.below(1_000))
    w.byte(UInt8(ascii: ","))
    w.bytes(channels[rng.below(channels.count)])
    w.byte(UInt8(ascii: ","))
    writeTime(w, time)
    w.byte(UInt8(ascii: "\n"))
  }
  w.close()
  return w.bytesWritten
}

/// `2024-01-01T00:00:00.863Z` for epoch milliseconds.
func writeTime(_ w: ChunkedWriter, _ ms: Int64) {
  let days = Int(ms / 86_400_000)
  var rem = Int(ms % 86_400_000)
  let (y, m, d) = civilFromDays(days)
  w.padded(y, 4); w.byte(UInt8(ascii: "-")); w.padded(m, 2); w.byte(UInt8(ascii: "-")); w.padded(d, 2)
  w.byte(UInt8(ascii: "T"))
  let h = rem / 3_600_000; rem %= 3_600_000
  let mi = rem / 60_000; rem %= 60_000
  let s = rem / 1000, f = rem % 1000
  w.padded(h, 2); w.byte(UInt8(ascii: ":")); w.padded(mi, 2); w.byte(UInt8(ascii: ":")); w.padded(s, 2)
  w.byte(UInt8(ascii: ".")); w.padded(f, 3); w.byte(UInt8(ascii: "Z"))
}

/// Howard Hinnant's days-to-civil: (year, month, day) of a day since 1970-01-01.
func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
  let z = z0 + 719_468
  let era = (z >= 0 ? z : z - 146_096) / 146_097
  let doe = z - era * 146_097
  let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
  let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
  let mp = (5 * doy + 2) / 153
  let d = doy - (153 * mp + 2) / 5 + 1
  let m = mp < 10 ? mp + 3 : mp - 9
  return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
}
