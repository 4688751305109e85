import FlowRuntime

/// Anything that produces records: file readers, sockets, generators.
///
/// The driver pulls from sources in batches to amortise call overhead; `position`
/// is what a checkpoint stores to resume the same source later (a byte offset for
/// files, an event index for generators).
public protocol RowSource: AnyObject {
  /// The next record, or nil at the end of the input (in follow mode: when stopped).
  func next() throws -> Record?
  /// Appends up to `max` records to `into` (it does not clear it). Returns false only
  /// when nothing was appended because the input is over, so
  /// `while try src.nextBatch(max: 1024, into: &b) { use(b); b.removeAll(keepingCapacity: true) }`
  /// sees every record.
  func nextBatch(max: Int, into: inout [Record]) throws -> Bool
  /// Where the next unread record starts; pass it back as `startOffset`/`startAt`.
  var position: Int64 { get }
}

extension RowSource {
  public func nextBatch(max: Int, into: inout [Record]) throws -> Bool {
    var got = 0
    while got < max, let r = try next() {
      into.append(r)
      got += 1
    }
    return got > 0
  }
}

/// Conversion targets without the recursion of `ColumnType`, so the per-field switch
/// in the readers' hot loops is a plain jump table.
enum ScalarKind {
  case int, float, bool, string, time, duration, list
}

extension ColumnType {
  var scalarKind: ScalarKind {
    switch unwrapped {
    case .int: return .int
    case .float: return .float
    case .bool: return .bool
    case .string: return .string
    case .time: return .time
    case .duration: return .duration
    case .list: return .list
    case .optional(let t): return t.scalarKind
    }
  }
}
