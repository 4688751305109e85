import Foundation

/// The base protocol of LSP: messages framed by a `Content-Length` header,
/// read from a byte stream that may deliver them in any pieces.
public struct MessageReader {
  public enum Frame: Equatable {
    /// One message body (JSON text, not yet parsed).
    case message(Data)
    /// A header without a usable Content-Length; it has been skipped.
    case malformed(String)
  }

  private var buffer: [UInt8] = []
  /// Messages larger than this are refused (and skipped), so that a bad
  /// header cannot make the server wait for gigabytes.
  public var maxLength = 64 << 20
  /// Bytes of an oversized body still to skip.
  private var skipping = 0

  public init() {}

  public mutating func append(_ bytes: [UInt8]) {
    buffer.append(contentsOf: bytes)
  }

  public mutating func append(_ data: Data) {
    buffer.append(contentsOf: data)
  }

  /// The next complete frame, or nil when more input is needed.
  public mutating func next() -> Frame? {
    if skipping > 0 {
      let n = min(skipping, buffer.count)
      buffer.removeFirst(n)
      skipping -= n
      if skipping > 0 { return nil }
    }
    guard let (headerEnd, bodyStart) = headerBounds() else {
      // No header end yet. A header is small: a long run without one is garbage.
      if buffer.count > 8192 {
        buffer.removeAll()
        return .malformed("header too long")
      }
      return nil
    }
    let header = String(decoding: buffer[0..<headerEnd], as: UTF8.self)
    var length: Int? = nil
    for line in header.split(whereSeparator: \.isNewline) {
      guard let colon = line.firstIndex(of: ":") else { continue }
      let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
      let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      if name == "content-length" { length = Int(value) }
    }
    guard let n = length, n >= 0 else {
      buffer.removeFirst(bodyStart)
      return .malformed("missing or invalid Content-Length")
    }
    if n > maxLength {
      buffer.removeFirst(bodyStart)
      skipping = n
      return .malformed("message of \(n) bytes is too large")
    }
    guard buffer.count >= bodyStart + n else { return nil }
    let body = Data(buffer[bodyStart..<(bodyStart + n)])
    buffer.removeFirst(bodyStart + n)
    return .message(body)
  }

  /// Where the header ends and the body starts: after `\r\n\r\n` (or, from
  /// lenient clients, `\n\n`).
  private func headerBounds() -> (Int, Int)? {
    var i = 0
    while i < buffer.count {
      if buffer[i] == 10 {
        if i + 1 < buffer.count && buffer[i + 1] == 10 { return (i, i + 2) }
        if i + 2 < buffer.count && buffer[i + 1] == 13 && buffer[i + 2] == 10 { return (i > 0 && buffer[i - 1] == 13 ? i - 1 : i, i + 3) }
      }
      i += 1
    }
    return nil
  }
}

/// Frames one message for the wire.
public func frameMessage(_ message: [String: Any]) -> Data {
  let body = (try? JSONSerialization.data(withJSONObject: message, options: [.sortedKeys])) ?? Data("{}".utf8)
  var out = Data("Content-Length: \(body.count)\r\n\r\n".utf8)
  out.append(body)
  return out
}
