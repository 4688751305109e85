import Foundation
import CEditLine
import FlowRuntime

/// What reading one line gave.
enum LineEvent: Equatable {
  case line(String)
  /// Ctrl-D on an empty line, or the end of piped input.
  case endOfInput
  /// Ctrl-C at the prompt: the line (and any multi-line input) is dropped.
  case interrupted
}

/// Where the shell's input lines come from: a terminal with line editing,
/// or plain lines from a pipe or file (scripted sessions, golden tests).
protocol LineSource: AnyObject {
  var isInteractive: Bool { get }
  func readLine(prompt: String) -> LineEvent
  /// The next line without consuming it (scripted input only; nil on a
  /// terminal, where the user has not typed it yet).
  func peekLine() -> String?
  func addHistory(_ entry: String)
}

// MARK: - Ctrl-C

/// Counts SIGINTs. A class instance created before the handler is
/// installed, so the handler touches no lazily initialized global.
final class InterruptCounter: @unchecked Sendable {
  private var value: Int32 = 0
  var count: Int32 { value }
  func bump() { value &+= 1 }
}

let interrupts = InterruptCounter()

/// SIGINT stops a running job (the executor polls `Executor.cancelFlag`)
/// and, at the prompt, drops the line being edited; it never ends the shell.
func installReplInterruptHandler() {
  _ = interrupts.count
  Executor.cancelFlag.reset()
  var action = sigaction()
  #if os(Linux)
  action.__sigaction_handler.sa_handler = { _ in
    interrupts.bump()
    Executor.cancelFlag.set()
  }
  #else
  action.__sigaction_u.__sa_handler = { _ in
    interrupts.bump()
    Executor.cancelFlag.set()
  }
  #endif
  sigemptyset(&action.sa_mask)
  // No SA_RESTART: a read blocked at the prompt returns, so Ctrl-C there
  // gives a fresh prompt at once.
  action.sa_flags = 0
  sigaction(SIGINT, &action, nil)
}

// MARK: - Plain lines (not a terminal)

/// Lines from a pipe or file, echoed to stdout without a prompt so that a
/// transcript reads like the session that produced it.
final class PlainLineSource: LineSource {
  var isInteractive: Bool { false }
  let echo: Bool
  private var peeked: String??

  init(echo: Bool) { self.echo = echo }

  func readLine(prompt: String) -> LineEvent {
    let next: String?
    if let p = peeked {
      next = p
      peeked = nil
    } else {
      next = Swift.readLine(strippingNewline: true)
    }
    guard let line = next else { return .endOfInput }
    if echo { Console.line(line) }
    return .line(line)
  }

  func peekLine() -> String? {
    if let p = peeked { return p }
    let l = Swift.readLine(strippingNewline: true)
    peeked = .some(l)
    return l
  }

  func addHistory(_ entry: String) {}
}

// MARK: - libedit (a terminal)

/// The completion callback is a C function pointer, so it reaches the
/// shell through this global (one shell per process).
var activeCompleter: ((_ lineBeforeWord: String, _ word: String) -> Completion?)?

/// Matches for the word before the cursor, and what to append after a
/// single match.
struct Completion {
  var matches: [String]
  var appendSpace: Bool
}

/// Line editing through libedit's readline-compatible API: emacs keys,
/// history (Up/Down, Ctrl-R incremental search) saved across sessions, and
/// Tab completion.
final class EditLineSource: LineSource {
  var isInteractive: Bool { true }
  let historyPath: String?
  static let historyLimit: Int32 = 1000

  init(historyPath: String?) {
    self.historyPath = historyPath
    rl_readline_name = UnsafePointer(strdup("flow"))
    // Completion sees words split at these (`.` so that fields complete
    // after `expr.`; not `:` so that `:commands` are one word).
    rl_basic_word_break_characters = UnsafePointer(strdup(" \t\n\"\\'`@$><=;|&{(),[]+-*/%!?."))
    rl_completer_word_break_characters = strdup(" \t\n\"\\'`@$><=;|&{(),[]+-*/%!?.")
    rl_initialize()
    using_history()
    stifle_history(EditLineSource.historyLimit)
    // libedit's emacs map has ^R as redisplay; make it search history.
    _ = rl_parse_and_bind("bind ^R em-inc-search-prev")
    rl_attempted_completion_function = { text, start, end in
      rl_attempted_completion_over = 1
      guard let text = text, let complete = activeCompleter else { return nil }
      let word = String(cString: text)
      var before = ""
      if let buffer = rl_line_buffer {
        let line = Array(String(cString: buffer).utf8)
        let s = max(0, min(Int(start), line.count))
        before = String(decoding: line[..<s], as: UTF8.self)
      }
      guard let c = complete(before, word) else {
        // Nothing of ours: fall back to file names (`:load <Tab>`).
        rl_attempted_completion_over = 0
        return nil
      }
      guard !c.matches.isEmpty else { return nil }
      rl_completion_append_character = c.appendSpace ? 32 : 0
      return makeMatchArray(c.matches)
    }
    if let p = historyPath {
      let dir = (p as NSString).deletingLastPathComponent
      if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
      if FileManager.default.fileExists(atPath: p) { _ = read_history(p) }
    }
  }

  func readLine(prompt: String) -> LineEvent {
    let before = interrupts.count
    errno = 0
    guard let raw = readline(prompt) else {
      if interrupts.count != before {
        Executor.cancelFlag.reset()
        return .interrupted
      }
      return .endOfInput
    }
    defer { free(raw) }
    if interrupts.count != before { Executor.cancelFlag.reset() }
    return .line(String(cString: raw))
  }

  func peekLine() -> String? { nil }

  func addHistory(_ entry: String) {
    guard !entry.trimmingCharacters(in: .whitespaces).isEmpty else { return }
    // Skip an immediate repeat, like most shells.
    if history_length > 0, let last = history_get(history_base + history_length - 1), let line = last.pointee.line,
       String(cString: line) == entry {
      return
    }
    _ = add_history(entry)
    if let p = historyPath {
      _ = write_history(p)
    }
  }
}

/// The NULL-terminated array libedit expects: the common prefix of the
/// matches first (what replaces the word), then every match, all malloc'd.
private func makeMatchArray(_ matches: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
  let sorted = Array(Set(matches)).sorted()
  var prefix = sorted[0]
  for m in sorted.dropFirst() {
    while !m.hasPrefix(prefix) { prefix.removeLast() }
  }
  let count = sorted.count == 1 ? 1 : sorted.count + 1
  guard let raw = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (count + 1)) else { return nil }
  let out = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: count + 1)
  if sorted.count == 1 {
    out[0] = strdup(sorted[0])
  } else {
    out[0] = strdup(prefix)
    for (i, m) in sorted.enumerated() { out[i + 1] = strdup(m) }
  }
  out[count] = nil
  return out
}

/// The history file: `FLOW_HISTORY`, else `$XDG_STATE_HOME/flow/history`,
/// else `~/.local/state/flow/history`. An empty `FLOW_HISTORY` turns
/// history saving off.
func historyFilePath(environment: [String: String]) -> String? {
  if let p = environment["FLOW_HISTORY"] { return p.isEmpty ? nil : p }
  if let state = environment["XDG_STATE_HOME"], !state.isEmpty {
    return (state as NSString).appendingPathComponent("flow/history")
  }
  let home = environment["HOME"] ?? NSHomeDirectory()
  return (home as NSString).appendingPathComponent(".local/state/flow/history")
}

/// All output of the shell goes to stdout (errors included), flushed at
/// once, so that a transcript interleaves as it happened.
enum Console {
  static func line(_ s: String) {
    fputs(s + "\n", stdout)
    fflush(stdout)
  }
  static func write(_ s: String) {
    fputs(s, stdout)
    fflush(stdout)
  }
}
