/// An error while running a pipeline: a runtime fault in the script
/// (division by zero, a failed conversion) or bad input data. `location` is
/// the script position (`file:line:col`) when one is known.
public struct RuntimeError: Error, CustomStringConvertible, Sendable {
  public var message: String
  public var location: String?
  public var notes: [String]

  public init(_ message: String, at location: String? = nil, notes: [String] = []) {
    self.message = message
    self.location = location
    self.notes = notes
  }

  public var description: String {
    var s = location.map { "\($0): runtime error: \(message)" } ?? "runtime error: \(message)"
    for n in notes { s += "\n  = \(n)" }
    return s
  }
}

/// Thrown to stop a pipeline early (Ctrl-C, or a REPL row limit).
public struct Cancelled: Error {
  public init() {}
}
