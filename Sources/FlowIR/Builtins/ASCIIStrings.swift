import FlowRuntime

/// Byte-level fast paths for `lower` and `split` on ASCII text, the common
/// case in word counts and logs. Each returns nil when the text is not all
/// ASCII, and the caller then takes the Unicode-correct path, so results
/// never differ from it.
enum ASCIIStrings {
  /// `s.lowercased()` for ASCII text; the same string (no copy) when it has
  /// no upper-case letter.
  static func lower(_ s: String) -> String? {
    var text = s
    return text.withUTF8 { buf -> String? in
      var hasUpper = false
      for b in buf {
        if b >= 0x80 { return nil }
        if b &- 0x41 < 26 { hasUpper = true }
      }
      if !hasUpper { return s }
      return String(unsafeUninitializedCapacity: buf.count) { out in
        for (i, b) in buf.enumerated() { out[i] = b &- 0x41 < 26 ? b | 0x20 : b }
        return buf.count
      }
    }
  }

  /// `text.components(separatedBy: sep)` for ASCII text and a one-byte ASCII
  /// separator: empty pieces between adjacent separators are kept.
  static func split(_ s: String, _ sep: String) -> [Value]? {
    guard sep.utf8.count == 1, let sepByte = sep.utf8.first, sepByte < 0x80 else { return nil }
    var text = s
    return text.withUTF8 { buf -> [Value]? in
      var pieces: [Value] = []
      var start = 0
      for (i, b) in buf.enumerated() {
        if b >= 0x80 { return nil }
        if b == sepByte {
          pieces.append(.string(String(decoding: UnsafeBufferPointer(rebasing: buf[start..<i]), as: UTF8.self)))
          start = i + 1
        }
      }
      pieces.append(.string(String(decoding: UnsafeBufferPointer(rebasing: buf[start..<buf.count]), as: UTF8.self)))
      return pieces
    }
  }

  /// `split(lower(s), sep)` in one pass, for ASCII text and a one-byte
  /// ASCII separator (nil otherwise): each byte is lower-cased, the text is
  /// cut where the lower-cased byte is the separator (as splitting the
  /// lower-cased text would), and the pieces are built lower-cased.
  static func lowerSplit(_ s: String, _ sep: String) -> [Value]? {
    guard sep.utf8.count == 1, let sepByte = sep.utf8.first, sepByte < 0x80 else { return nil }
    var text = s
    return text.withUTF8 { buf -> [Value]? in
      guard let base = buf.baseAddress else { return [.string("")] }
      let n = buf.count
      var pieces: [Value] = []
      pieces.reserveCapacity(16)
      var start = 0
      var i = 0
      while i < n {
        let b = base[i]
        if b >= 0x80 { return nil }
        if (b &- 0x41 < 26 ? b | 0x20 : b) == sepByte {
          pieces.append(lowerPiece(base + start, i - start))
          start = i + 1
        }
        i += 1
      }
      pieces.append(lowerPiece(base + start, n - start))
      return pieces
    }
  }

  /// `count` ASCII bytes at `p`, lower-cased, as a string.
  @inline(__always)
  private static func lowerPiece(_ p: UnsafePointer<UInt8>, _ count: Int) -> Value {
    .string(String(unsafeUninitializedCapacity: count) { out in
      guard let o = out.baseAddress else { return 0 }
      for k in 0..<count {
        let b = p[k]
        o[k] = b &- 0x41 < 26 ? b | 0x20 : b
      }
      return count
    })
  }
}
