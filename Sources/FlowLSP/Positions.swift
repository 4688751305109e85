import Foundation
import FlowSyntax

/// LSP positions are a 0-based line and a character offset counted in
/// UTF-16 code units; spans are byte offsets. This converts between them.
extension SourceFile {
  /// The byte offset of an LSP position, clamped to the file.
  public func offset(line: Int, character: Int) -> Int {
    guard line >= 0 else { return 0 }
    guard line < lineStarts.count else { return bytes.count }
    let start = lineStarts[line]
    let end = line + 1 < lineStarts.count ? lineStarts[line + 1] - 1 : bytes.count
    var units = 0
    var i = start
    while i < end && units < character {
      let (len, u16) = scalarWidth(at: i)
      if units + u16 > character { break }
      units += u16
      i += len
    }
    return min(i, end)
  }

  /// The LSP position of a byte offset.
  public func position(of offset: Int) -> (line: Int, character: Int) {
    let off = max(0, min(offset, bytes.count))
    var lo = 0, hi = lineStarts.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if lineStarts[mid] <= off { lo = mid } else { hi = mid - 1 }
    }
    var units = 0
    var i = lineStarts[lo]
    while i < off {
      let (len, u16) = scalarWidth(at: i)
      units += u16
      i += len
    }
    return (lo, units)
  }

  /// The length in bytes and in UTF-16 units of the scalar starting at `i`.
  private func scalarWidth(at i: Int) -> (Int, Int) {
    let b = bytes[i]
    if b < 0x80 { return (1, 1) }
    if b >> 5 == 0b110 { return (min(2, bytes.count - i), 1) }
    if b >> 4 == 0b1110 { return (min(3, bytes.count - i), 1) }
    if b >> 3 == 0b11110 { return (min(4, bytes.count - i), 2) }
    return (1, 1)
  }
}

/// LSP JSON helpers.
enum LSP {
  static func position(_ file: SourceFile, _ offset: Int) -> [String: Any] {
    let p = file.position(of: offset)
    return ["line": p.line, "character": p.character]
  }

  static func range(_ file: SourceFile, _ start: Int, _ end: Int) -> [String: Any] {
    ["start": position(file, start), "end": position(file, max(start, end))]
  }

  static func range(_ file: SourceFile, _ span: Span) -> [String: Any] {
    range(file, span.start, span.end)
  }

  /// `file:///a/b%20c.flow` -> `/a/b c.flow`; nil for other schemes.
  static func path(fromURI uri: String) -> String? {
    guard uri.hasPrefix("file://") else { return nil }
    var rest = String(uri.dropFirst("file://".count))
    // file://host/path: only an empty host or localhost is local.
    if !rest.hasPrefix("/") {
      guard let slash = rest.firstIndex(of: "/") else { return nil }
      rest = String(rest[slash...])
    }
    return rest.removingPercentEncoding ?? rest
  }

  static func uri(fromPath path: String) -> String {
    let abs = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: ":?#[]@!$&'()*+,;=")
    allowed.insert("/")
    return "file://" + (abs.addingPercentEncoding(withAllowedCharacters: allowed) ?? abs)
  }
}
