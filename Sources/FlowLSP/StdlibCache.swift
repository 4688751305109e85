import Foundation
import FlowSema

/// The standard library lives inside the binary, so "go to definition" of
/// `map` has no file to open. The first time one is needed, its text is
/// written (read-only) to the user's cache folder, in a subfolder named by a
/// hash of the library so that another version of `flow` never shows it a
/// stale copy.
enum StdlibCache {
  /// `$FLOW_CACHE_DIR`, else `$XDG_CACHE_HOME/flow`, else `~/.cache/flow`
  /// (`~/Library/Caches/flow` on macOS).
  static var baseDirectory: String {
    let env = ProcessInfo.processInfo.environment
    if let d = env["FLOW_CACHE_DIR"], !d.isEmpty { return d }
    if let x = env["XDG_CACHE_HOME"], !x.isEmpty { return (x as NSString).appendingPathComponent("flow") }
    let home = env["HOME"] ?? NSHomeDirectory()
    #if os(macOS)
    return (home as NSString).appendingPathComponent("Library/Caches/flow")
    #else
    return (home as NSString).appendingPathComponent(".cache/flow")
    #endif
  }

  static let version: String = {
    var h: UInt64 = 0xcbf29ce484222325
    for key in EmbeddedStdlib.modules.keys.sorted() {
      for b in key.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
      for b in (EmbeddedStdlib.modules[key] ?? "").utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
    }
    return String(h, radix: 16)
  }()

  /// A real file holding `text`, the standard library file shown as
  /// `<stdlib>/std/x.flow`; nil if it cannot be written.
  static func file(for stdlibPath: String, text: String) -> String? {
    guard stdlibPath.hasPrefix("<stdlib>/") else { return nil }
    let rel = String(stdlibPath.dropFirst("<stdlib>/".count))
    guard !rel.contains("..") else { return nil }
    let dir = (baseDirectory as NSString).appendingPathComponent("stdlib-" + version)
    let path = (dir as NSString).appendingPathComponent(rel)
    let fm = FileManager.default
    if let existing = fm.contents(atPath: path), existing == Data(text.utf8) { return path }
    do {
      try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      if fm.fileExists(atPath: path) { try? fm.removeItem(atPath: path) }
      try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
      try? fm.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
      return path
    } catch {
      return nil
    }
  }
}
