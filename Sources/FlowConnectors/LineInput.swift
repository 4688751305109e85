#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
/// Splits a `ByteInput` into lines, for the line-oriented readers (text, JSON Lines,
/// sockets).
///
/// A line is complete when its `\n` has arrived, or, when the input is over and not
/// followed, at end-of-file. A trailing `\r` is not part of the line. The line's bytes
/// stay in the input buffer until `consume` is called, so readers parse in place.
final class LineInput {
  let input: ByteInput
  let follow: Bool
  /// 1-based number of the next unread line.
  var line: Int

  init(input: ByteInput, follow: Bool, line: Int = 1) {
    self.input = input
    self.follow = follow
    self.line = line
  }

  /// A line in the buffer: `length` bytes at `input.pointer`, `consumed` with its
  /// terminator.
  struct Line {
    let pointer: UnsafePointer<UInt8>
    let length: Int
    let consumed: Int
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: pointer, count: length) }
  }

  /// The next complete line, or nil when none is available. `wait` lets a stream
  /// read block; without it (and in follow mode at end-of-file) nil means "not yet".
  func peek(wait: Bool) throws -> Line? {
    var searched = 0
    while true {
      let n = input.available
      let p = UnsafePointer(input.pointer)
      if n > searched, let hit = memchr(p + searched, 10, n - searched) {
        let k = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - p
        let len = k > 0 && p[k - 1] == 13 ? k - 1 : k
        return Line(pointer: p, length: len, consumed: k + 1)
      }
      searched = n
      if input.atEOF && (input.isStream || !follow) {
        if n == 0 { return nil }
        let len = p[n - 1] == 13 ? n - 1 : n
        return Line(pointer: p, length: len, consumed: n)
      }
      let got = try input.fill(wait: wait)
      if got < 0 { return nil }
      if got == 0 && follow && !input.isStream { return nil }
    }
  }

  /// Marks `l` as read.
  func consume(_ l: Line) {
    input.start += l.consumed
    line += 1
  }
}
