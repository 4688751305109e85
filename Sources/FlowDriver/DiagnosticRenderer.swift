import Foundation
import FlowSyntax

/// Renders diagnostics as text with a caret underline, as JSON Lines, or as
/// GitHub Actions annotations.
public enum DiagnosticFormat: String, CaseIterable, Sendable {
  case text, json, github
}

public struct DiagnosticRenderer {
  public let sources: SourceMap
  public var color: Bool

  public init(sources: SourceMap, color: Bool = false) {
    self.sources = sources
    self.color = color
  }

  public func render(_ d: Diagnostic, format: DiagnosticFormat) -> String {
    switch format {
    case .text: return text(d)
    case .json: return json(d)
    case .github: return github(d)
    }
  }

  struct Location {
    var path: String
    var line: Int
    var column: Int
    var endLine: Int
    var endColumn: Int
  }

  func location(_ d: Diagnostic) -> Location? {
    guard let f = sources.file(d.span.fileID) else { return nil }
    let s = f.location(of: d.span.start)
    let e = f.location(of: d.span.end)
    return Location(path: f.path, line: s.line, column: s.column, endLine: e.line, endColumn: e.column)
  }

  private func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

  public func text(_ d: Diagnostic) -> String {
    let sev = paint("\(d.severity.rawValue)[\(d.code)]", d.severity == .error ? "1;31" : d.severity == .warning ? "1;33" : "1;36")
    guard let loc = location(d), let f = sources.file(d.span.fileID) else {
      var out = "flow: \(sev): \(d.message)"
      for n in d.notes { out += "\n  = \(n)" }
      return out
    }
    var out = "\(loc.path):\(loc.line):\(loc.column): \(sev): \(paint(d.message, "1"))\n"
    let lineText = f.lineText(loc.line).replacingOccurrences(of: "\t", with: " ")
    let gutter = String(loc.line)
    let pad = String(repeating: " ", count: gutter.count)
    out += "\(pad) |\n"
    out += "\(gutter) | \(lineText)\n"
    let lineLength = lineText.unicodeScalars.count
    let startCol = max(1, loc.column)
    var width = loc.endLine == loc.line ? loc.endColumn - loc.column : lineLength - loc.column + 1
    width = max(1, min(width, max(1, lineLength - startCol + 1)))
    let caret = String(repeating: " ", count: startCol - 1) + paint(String(repeating: "^", count: width), d.severity == .error ? "1;31" : "1;33")
    out += "\(pad) | \(caret)\(d.label.map { " " + $0 } ?? "")"
    for n in d.notes { out += "\n\(pad) = \(n)" }
    return out
  }

  public func json(_ d: Diagnostic) -> String {
    var obj: [(String, String)] = []
    func str(_ s: String) -> String { jsonString(s) }
    if let loc = location(d) {
      obj += [("file", str(loc.path)), ("line", "\(loc.line)"), ("column", "\(loc.column)"), ("endLine", "\(loc.endLine)"), ("endColumn", "\(loc.endColumn)")]
    } else {
      obj += [("file", "null"), ("line", "null"), ("column", "null"), ("endLine", "null"), ("endColumn", "null")]
    }
    obj += [("severity", str(d.severity.rawValue)), ("code", str(d.code)), ("message", str(d.message))]
    obj.append(("label", d.label.map(str) ?? "null"))
    obj.append(("notes", "[" + d.notes.map(str).joined(separator: ",") + "]"))
    return "{" + obj.map { "\(str($0.0)):\($0.1)" }.joined(separator: ",") + "}"
  }

  public func github(_ d: Diagnostic) -> String {
    func esc(_ s: String, property: Bool) -> String {
      var r = s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
      if property { r = r.replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C") }
      return r
    }
    let kind = d.severity == .error ? "error" : d.severity == .warning ? "warning" : "notice"
    var msg = d.message
    if let l = d.label { msg += " (\(l))" }
    for n in d.notes { msg += "\n\(n)" }
    guard let loc = location(d) else { return "::\(kind) title=\(d.code)::\(esc(msg, property: false))" }
    return "::\(kind) file=\(esc(loc.path, property: true)),line=\(loc.line),col=\(loc.column),endLine=\(loc.endLine),endColumn=\(loc.endColumn),title=\(d.code)::\(esc(msg, property: false))"
  }
}

/// A JSON string literal.
public func jsonString(_ s: String) -> String {
  var out = "\""
  for u in s.unicodeScalars {
    switch u {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    default:
      if u.value < 0x20 {
        out += String(format: "\\u%04x", u.value)
      } else {
        out.unicodeScalars.append(u)
      }
    }
  }
  return out + "\""
}
