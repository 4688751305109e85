#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
/// A file descriptor read in large chunks into one growable byte buffer.
///
/// Every reader parses bytes in place from this buffer: no `String` per line, no
/// whole-file load. `start..<end` holds the bytes not yet consumed; a refill first
/// moves them to the front, so a record that straddles a chunk boundary stays
/// contiguous. Offsets handed out by parsers are relative to `start`, which refills
/// preserve.
final class ByteInput {
  let fd: Int32
  private let ownsFD: Bool
  /// True for pipes, terminals and sockets: reads may block, seeking is impossible.
  let isStream: Bool
  private(set) var buf: UnsafeMutablePointer<UInt8>
  private(set) var capacity: Int
  /// First unconsumed byte.
  var start = 0
  /// One past the last valid byte.
  private(set) var end = 0
  /// The stream offset of `buf[0]`.
  private(set) var bufferOffset: Int64
  /// The last read returned end-of-file (a later read may still find more: follow mode).
  private(set) var atEOF = false
  /// Bytes read from the descriptor by this object.
  private(set) var bytesRead = 0
  let chunkSize: Int

  /// Opens `path` for reading, positioned at `startOffset`.
  convenience init(path: String, startOffset: Int64 = 0, chunkSize: Int = 1 << 20) throws {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw ConnectorError("cannot open '\(path)': \(errnoText())") }
    try self.init(fd: fd, ownsFD: true, startOffset: startOffset, chunkSize: chunkSize)
  }

  /// Wraps an open descriptor; `ownsFD` closes it on deinit.
  init(fd: Int32, ownsFD: Bool, startOffset: Int64 = 0, chunkSize: Int = 1 << 20) throws {
    self.fd = fd
    self.ownsFD = ownsFD
    var st = stat()
    let isRegular = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    self.isStream = !isRegular
    self.chunkSize = max(chunkSize, 4096)
    self.capacity = self.chunkSize * 2
    self.buf = .allocate(capacity: capacity)
    self.bufferOffset = 0
    if startOffset > 0 {
      if isStream {
        buf.deallocate()
        if ownsFD { close(fd) }
        throw ConnectorError("cannot resume a stream at an offset")
      }
      if lseek(fd, off_t(startOffset), SEEK_SET) < 0 {
        let msg = errnoText()
        buf.deallocate()
        if ownsFD { close(fd) }
        throw ConnectorError("cannot seek to \(startOffset): \(msg)")
      }
      bufferOffset = startOffset
    }
  }

  deinit {
    buf.deallocate()
    if ownsFD { close(fd) }
  }

  /// Bytes available past `start`.
  @inline(__always) var available: Int { end - start }
  /// Pointer to the first unconsumed byte.
  @inline(__always) var pointer: UnsafeMutablePointer<UInt8> { buf + start }
  /// The stream offset of the first unconsumed byte.
  var position: Int64 { bufferOffset + Int64(start) }

  /// Size of the underlying file (0 for streams).
  var totalBytes: Int {
    if isStream { return 0 }
    var st = stat()
    return fstat(fd, &st) == 0 ? Int(st.st_size) : 0
  }

  /// Reads more bytes after `end`, keeping `start..<end`. Returns the count read: 0 at
  /// end-of-file, or (when `wait` is false on a stream with nothing ready) -1.
  @discardableResult
  func fill(wait: Bool = true) throws -> Int {
    if start > 0 && (start == end || capacity - end < chunkSize) {
      let n = end - start
      if n > 0 { memmove(buf, buf + start, n) }
      bufferOffset += Int64(start)
      start = 0
      end = n
    }
    if capacity - end < chunkSize {
      let newCap = max(capacity * 2, end + chunkSize)
      let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: newCap)
      nb.update(from: buf, count: end)
      buf.deallocate()
      buf = nb
      capacity = newCap
    }
    if isStream && !wait {
      var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      let r = poll(&p, 1, 0)
      if r == 0 { return -1 }
    }
    while true {
      let n = read(fd, buf + end, capacity - end)
      if n < 0 {
        if errno == EINTR { continue }
        if errno == EAGAIN || errno == EWOULDBLOCK { return -1 }
        throw ConnectorError("read failed: \(errnoText())")
      }
      atEOF = n == 0
      end += n
      bytesRead += n
      return n
    }
  }

  /// Skips a UTF-8 byte-order mark at the very start of the stream.
  func skipBOM() throws {
    guard position == 0 else { return }
    while available < 3 && !atEOF { if try fill() <= 0 { break } }
    if available >= 3 && buf[start] == 0xEF && buf[start + 1] == 0xBB && buf[start + 2] == 0xBF {
      start += 3
    }
  }

  /// Counts `\n` bytes in `0..<offset` of the file, reading it from the beginning with
  /// its own descriptor. Used to restore line numbers when resuming at an offset.
  static func countNewlines(path: String, upTo offset: Int64) throws -> Int {
    guard offset > 0 else { return 0 }
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw ConnectorError("cannot open '\(path)': \(errnoText())") }
    defer { close(fd) }
    let size = 1 << 20
    let b = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
    defer { b.deallocate() }
    var remaining = offset
    var count = 0
    while remaining > 0 {
      let n = read(fd, b, Int(min(Int64(size), remaining)))
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      for i in 0..<n where b[i] == 10 { count += 1 }
      remaining -= Int64(n)
    }
    return count
  }
}
