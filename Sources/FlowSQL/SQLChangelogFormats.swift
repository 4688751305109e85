import Foundation
import FlowRuntime
import FlowConnectors
import FlowSyntax
import FlowIR

/// The changelog formats of a filesystem table, as Flink's CDC formats
/// read them: each JSON line is one change event of a database row, with
/// its image before and after the change, and becomes one or two changelog
/// rows (+I, -U and +U, -D).
enum SQLChangelogFormat: Equatable {
  /// `{"before": {...}, "after": {...}, "op": "c|r|u|d"}`, inside
  /// `{"schema": ..., "payload": ...}` with 'debezium-json.schema-include'.
  case debezium(schemaInclude: Bool)
  /// `{"data": [{...}], "old": [{...}], "type": "INSERT|UPDATE|DELETE"}`;
  /// `old` holds only the changed columns' previous values.
  case canal
  /// `{"data": {...}, "old": {...}, "type": "insert|update|delete"}`.
  case maxwell
  /// `{"data": {...}, "op": "+I|-U|+U|-D"}`: Flink CDC's own format, one
  /// change per line.
  case changelog

  var name: String {
    switch self {
    case .debezium: return "debezium-json"
    case .canal: return "canal-json"
    case .maxwell: return "maxwell-json"
    case .changelog: return "changelog-json"
    }
  }

  static let names = ["debezium-json", "canal-json", "maxwell-json", "changelog-json"]
  /// The table options each format takes (besides connector, path, format).
  static let options: Set<String> = [
    "debezium-json.ignore-parse-errors", "debezium-json.schema-include",
    "canal-json.ignore-parse-errors", "maxwell-json.ignore-parse-errors", "changelog-json.ignore-parse-errors",
  ]
}

/// Reads a file of change events into rows of `columns` plus a last
/// `rowKind` field. Checkpoint positions are line starts, and the rows of
/// one event are never split across batches, so a restore never repeats
/// half an update.
final class ChangelogJSONReader: RowSource {
  let path: String
  let format: SQLChangelogFormat
  let columns: [(name: String, type: SQLType)]
  let skipBad: Bool
  private let bytes: [UInt8]
  private var offset: Int
  private var line: Int
  private var pending: [Record] = []
  private let shape: Shape
  private(set) var skippedRows = 0
  private var stopped = false

  init(path: String, format: SQLChangelogFormat, columns: [(name: String, type: SQLType)], skipBad: Bool, startOffset: Int64) throws {
    self.path = path
    self.format = format
    self.columns = columns
    self.skipBad = skipBad
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConnectorError("cannot read '\(path)'")
    }
    bytes = [UInt8](data)
    offset = Int(max(0, min(startOffset, Int64(bytes.count))))
    line = 1 + bytes[0..<offset].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
    shape = Shape(columns.map(\.name) + [ChangeKind.field])
  }

  var position: Int64 { Int64(offset) }
  var bytesRead: Int { offset }
  var totalBytes: Int { bytes.count }
  func stop() { stopped = true }

  func next() throws -> Record? {
    if pending.isEmpty { try fill() }
    return pending.isEmpty ? nil : pending.removeFirst()
  }

  func nextBatch(max: Int, into: inout [Record]) throws -> Bool {
    var got = 0
    while got < max, !stopped {
      try fill()
      if pending.isEmpty { break }
      got += pending.count
      into.append(contentsOf: pending)
      pending.removeAll(keepingCapacity: true)
    }
    return got > 0
  }

  /// Decodes lines until one gives rows (or the file ends).
  private func fill() throws {
    while pending.isEmpty, offset < bytes.count {
      var end = offset
      while end < bytes.count, bytes[end] != 10 { end += 1 }
      let text = String(decoding: bytes[offset..<end], as: UTF8.self)
      let rowLine = line
      offset = min(end + 1, bytes.count)
      line += 1
      if text.allSatisfy(\.isWhitespace) { continue }
      do {
        pending = try rows(JSONValue.parse(text, file: path), rowLine)
      } catch let e as DataError {
        guard skipBad else { throw DataError(file: path, line: rowLine, column: e.column, message: e.message) }
        skippedRows += 1
      } catch let e as ChangeEventError {
        guard skipBad else { throw DataError(file: path, line: rowLine, column: 1, message: "\(format.name): \(e.message)") }
        skippedRows += 1
      }
    }
  }

  struct ChangeEventError: Error { let message: String }

  /// The changelog rows of one event.
  private func rows(_ event: JSONValue, _ line: Int) throws -> [Record] {
    guard case .object(var top) = event else { throw ChangeEventError(message: "a change event must be a JSON object") }
    func member(_ m: [JSONMember], _ k: String) -> JSONValue? { m.first { $0.key == k }?.value }
    switch format {
    case .debezium(let schemaInclude):
      if schemaInclude {
        guard case .object(let payload)? = member(top, "payload") else {
          throw ChangeEventError(message: "no \"payload\" object ('debezium-json.schema-include' is 'true')")
        }
        top = payload
      }
      guard case .string(let op)? = member(top, "op") else {
        let hint = member(top, "payload") != nil && !schemaInclude ? " (the event has a \"payload\": set 'debezium-json.schema-include' = 'true')" : ""
        throw ChangeEventError(message: "the event has no \"op\" string\(hint)")
      }
      let before = member(top, "before"), after = member(top, "after")
      switch op {
      case "c", "r": return [try row(after, "after", .insert)]
      case "u":
        return [try row(before, "before", .updateBefore, hint: "Flink needs the before image of an update: with Postgres, set REPLICA IDENTITY FULL on the table"),
                try row(after, "after", .updateAfter)]
      case "d": return [try row(before, "before", .delete, hint: "Flink needs the before image of a delete: with Postgres, set REPLICA IDENTITY FULL on the table")]
      default: throw ChangeEventError(message: "unknown \"op\" value '\(op)' (expected c, r, u or d)")
      }
    case .canal:
      guard case .string(let type)? = member(top, "type") else { throw ChangeEventError(message: "the event has no \"type\" string") }
      if case .bool(true)? = member(top, "isDdl") { return [] }
      let data: [JSONValue]
      switch member(top, "data") {
      case .array(let xs)?: data = xs
      case .null?, nil:
        // Schema changes (CREATE, ALTER, ...) carry no rows.
        if !["INSERT", "UPDATE", "DELETE"].contains(type) { return [] }
        throw ChangeEventError(message: "a \(type) event needs a \"data\" array")
      default: throw ChangeEventError(message: "\"data\" must be an array of row objects")
      }
      switch type {
      case "INSERT": return try data.map { try row($0, "data", .insert) }
      case "DELETE": return try data.map { try row($0, "data", .delete) }
      case "UPDATE":
        guard case .array(let old)? = member(top, "old"), old.count == data.count else {
          throw ChangeEventError(message: "an UPDATE event needs an \"old\" array as long as \"data\"")
        }
        var out: [Record] = []
        for (new, changed) in zip(data, old) {
          out.append(try row(overlay(new, changed), "old", .updateBefore))
          out.append(try row(new, "data", .updateAfter))
        }
        return out
      default: return []
      }
    case .changelog:
      guard case .string(let op)? = member(top, "op") else { throw ChangeEventError(message: "the event has no \"op\" string") }
      guard let kind = ChangeKind(rawValue: op) else { throw ChangeEventError(message: "unknown \"op\" value '\(op)' (expected +I, -U, +U or -D)") }
      return [try row(member(top, "data"), "data", kind)]
    case .maxwell:
      guard case .string(let type)? = member(top, "type") else { throw ChangeEventError(message: "the event has no \"type\" string") }
      let data = member(top, "data")
      switch type {
      case "insert", "bootstrap-insert": return [try row(data, "data", .insert)]
      case "delete": return [try row(data, "data", .delete)]
      case "update":
        guard let old = member(top, "old"), case .object = old else { throw ChangeEventError(message: "an update event needs an \"old\" object") }
        return [try row(overlay(data ?? .null, old), "old", .updateBefore), try row(data, "data", .updateAfter)]
      default: return []
      }
    }
  }

  /// `image` with the members of `changed` replacing its own: the row
  /// before an update, from canal's and maxwell's `old` (changed columns only).
  private func overlay(_ image: JSONValue, _ changed: JSONValue) -> JSONValue {
    guard case .object(let base) = image, case .object(let old) = changed else { return image }
    var out = base
    for m in old {
      if let i = out.firstIndex(where: { $0.key == m.key }) { out[i].value = m.value } else { out.append(m) }
    }
    return .object(out)
  }

  /// One row of the table from a row image.
  private func row(_ image: JSONValue?, _ field: String, _ kind: ChangeKind, hint: String? = nil) throws -> Record {
    guard case .object(let members)? = image else {
      throw ChangeEventError(message: "\"\(field)\" must be a row object" + (hint.map { "; " + $0 } ?? ""))
    }
    var values: [Value] = []
    values.reserveCapacity(columns.count + 1)
    for c in columns {
      let v = members.first { $0.key == c.name }?.value ?? .null
      values.append(try convert(v, c.type, c.name))
    }
    values.append(.string(kind.rawValue))
    return Record(shape: shape, values: values)
  }

  /// A JSON value as a column of type `t`. Like Flink's JSON formats, a
  /// string holding a number, boolean or timestamp converts (canal writes
  /// every value as a string).
  private func convert(_ v: JSONValue, _ t: SQLType, _ name: String) throws -> Value {
    func bad() -> ChangeEventError { ChangeEventError(message: "column '\(name)' expects \(t), found \(describe(v))") }
    switch (t, v) {
    case (_, .null): return .null
    case (.bigint, .integer(let i)): return .int(i)
    case (.bigint, .string(let s)):
      guard let i = Int64(s.trimmingCharacters(in: .whitespaces)) else { throw bad() }
      return .int(i)
    case (.double, .integer(let i)): return .float(Double(i))
    case (.double, .number(let d)): return .float(d)
    case (.double, .string(let s)):
      guard let d = Double(s.trimmingCharacters(in: .whitespaces)) else { throw bad() }
      return .float(d)
    case (.boolean, .bool(let b)): return .bool(b)
    case (.boolean, .string(let s)):
      switch s.lowercased() {
      case "true": return .bool(true)
      case "false": return .bool(false)
      default: throw bad()
      }
    case (.string, .string(let s)), (.null, .string(let s)): return .string(s)
    case (.string, .integer(let i)): return .string(String(i))
    case (.string, .number(let d)): return .string(String(d))
    case (.string, .bool(let b)): return .string(String(b))
    case (.timestamp, .integer(let ms)): return .time(ms)
    case (.timestamp, .string(let s)):
      guard let ms = TimeFormat.parse(s) else { throw bad() }
      return .time(ms)
    default: throw bad()
    }
  }

  private func describe(_ v: JSONValue) -> String {
    switch v {
    case .null: return "null"
    case .bool(let b): return "\(b)"
    case .integer(let i): return "\(i)"
    case .number(let d): return "\(d)"
    case .string(let s): return "'\(s)'"
    case .array: return "an array"
    case .object: return "an object"
    }
  }
}

extension SQLCompiler {
  /// The source of a change-event file: its rows carry their kind.
  func changelogSourceNode(_ def: TableDef, path: String, format: SQLChangelogFormat, skipBad: Bool, span: Span) -> PlanNode {
    let columns = def.columns
    let key = "sql \(format.name) \(path) \(columns.map { "\($0.name):\($0.type)" }) \(skipBad)"
    let spec = SourceSpec(bounded: true, description: "filesystem \(format.name) '\(path)' (changelog)", key: key) { _, start in
      let r = try ChangelogJSONReader(path: path, format: format, columns: columns, skipBad: skipBad, startOffset: start)
      return RowSourceReader(r, unwrap: false, replayable: true, size: { (r.bytesRead, r.totalBytes) }, skipped: { r.skippedRows }, stop: { r.stop() })
    }
    return makeNode(.source(spec), [], "source", span, flowSchema(columns.map { ($0.name, $0.type) }))
  }
}

/// A versioned table's row from a changelog source that is a delete: at
/// its time the key has no version (temporal joins, SQLTemporalJoins.swift).
func isDeletedVersion(_ row: Record, _ columns: Int) -> Bool {
  guard row.values.count == columns + 1, row.shape.fields.last == ChangeKind.field else { return false }
  return row.values[columns] == .string(ChangeKind.delete.rawValue)
}
