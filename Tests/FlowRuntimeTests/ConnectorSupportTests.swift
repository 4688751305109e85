import Foundation
import XCTest
import FlowRuntime
@testable import FlowConnectors

/// Temporary files for connector tests, removed when the test case finishes.
final class ConnectorTempDir: @unchecked Sendable {
  let url: URL

  init() {
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("flow-conn-\(getpid())-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  @discardableResult
  func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

  @discardableResult
  func write(_ name: String, _ bytes: [UInt8]) -> String {
    let p = path(name)
    _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
    return p
  }

  func append(_ name: String, _ text: String) {
    guard let h = FileHandle(forWritingAtPath: path(name)) else { return }
    h.seekToEndOfFile()
    h.write(Data(text.utf8))
    h.closeFile()
  }

  func read(_ name: String) -> String {
    (try? String(contentsOfFile: path(name), encoding: .utf8)) ?? ""
  }
}

/// Runs `body`, expecting a `DataError`, and returns it.
func connExpectDataError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> DataError? {
  do {
    try body()
    XCTFail("expected a DataError", file: file, line: line)
  } catch let e as DataError {
    return e
  } catch {
    XCTFail("expected a DataError, got \(error)", file: file, line: line)
  }
  return nil
}

/// Reads every record of a source.
func connReadAll(_ src: RowSource) throws -> [Record] {
  var out: [Record] = []
  while let r = try src.next() { out.append(r) }
  return out
}
