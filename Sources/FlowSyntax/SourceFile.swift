/// A source file held in memory, with a line table for turning byte offsets
/// into line and column numbers when a diagnostic is rendered.
public final class SourceFile: @unchecked Sendable {
  public let path: String
  public let text: String
  public let bytes: [UInt8]
  /// Byte offset at which each line starts; `lineStarts[0] == 0`.
  public let lineStarts: [Int]

  public init(path: String, text: String) {
    self.path = path
    self.text = text
    self.bytes = Array(text.utf8)
    var starts = [0]
    for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
    self.lineStarts = starts
  }

  /// The 1-based line and column of a byte offset. Columns count Unicode
  /// scalars, so a caret lines up under non-ASCII text too.
  public func location(of offset: Int) -> (line: Int, column: Int) {
    let off = max(0, min(offset, bytes.count))
    var lo = 0, hi = lineStarts.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if lineStarts[mid] <= off { lo = mid } else { hi = mid - 1 }
    }
    let start = lineStarts[lo]
    var col = 1
    var i = start
    while i < off {
      // Count only bytes that start a scalar (not UTF-8 continuation bytes).
      if bytes[i] & 0xC0 != 0x80 { col += 1 }
      i += 1
    }
    return (lo + 1, col)
  }

  /// The text of a 1-based line, without its newline.
  public func lineText(_ line: Int) -> String {
    guard line >= 1 && line <= lineStarts.count else { return "" }
    let start = lineStarts[line - 1]
    var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
    if end > start && end <= bytes.count && end - 1 >= start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
    guard end >= start else { return "" }
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }
}

/// A half-open byte range in one source file.
public struct Span: Hashable, Sendable, CustomStringConvertible {
  public var fileID: Int
  public var start: Int
  public var end: Int

  public init(fileID: Int, start: Int, end: Int) {
    self.fileID = fileID
    self.start = start
    self.end = max(start, end)
  }

  public static let none = Span(fileID: -1, start: 0, end: 0)

  /// The smallest span covering both.
  public func to(_ other: Span) -> Span {
    guard fileID == other.fileID else { return self }
    return Span(fileID: fileID, start: min(start, other.start), end: max(end, other.end))
  }

  public var description: String { "\(fileID):\(start)..<\(end)" }
}

/// All source files of one compilation, so that a span can name its file.
public final class SourceMap: @unchecked Sendable {
  public private(set) var files: [SourceFile] = []
  public init() {}

  @discardableResult
  public func add(_ file: SourceFile) -> Int {
    files.append(file)
    return files.count - 1
  }

  public func file(_ id: Int) -> SourceFile? {
    id >= 0 && id < files.count ? files[id] : nil
  }
}
