import Foundation
/// `flow explain CODE`: the section of the diagnostics reference for a code.
public enum Explain {
  /// The text of the section headed `## CODE: ...`, or nil if there is none.
  public static func page(for code: String) -> String? {
    let wanted = code.uppercased()
    var lines: [Substring] = []
    var inside = false
    for line in EmbeddedDocs.diagnostics.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("## ") {
        if inside { break }
        let head = line.dropFirst(3)
        if head.hasPrefix(wanted + ":") || head == wanted[...] { inside = true }
      }
      if inside { lines.append(line) }
    }
    guard inside else { return nil }
    while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
    return lines.joined(separator: "\n")
  }

  /// Every code that has a section.
  public static var codes: [String] {
    EmbeddedDocs.diagnostics.split(separator: "\n").compactMap { line -> String? in
      guard line.hasPrefix("## E") || line.hasPrefix("## W") else { return nil }
      return String(line.dropFirst(3).prefix { $0 != ":" && $0 != " " })
    }
  }
}
