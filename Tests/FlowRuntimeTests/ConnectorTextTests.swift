import Foundation
import XCTest
import FlowRuntime
@testable import FlowConnectors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class ConnectorTextTests: XCTestCase {
  let dir = ConnectorTempDir()

  func testLinesCRLFAndLastLineWithoutNewline() throws {
    let p = dir.write("a.txt", "one\r\ntwo\n\nthree")
    let r = try TextReader(path: p)
    var lines: [String] = []
    while let l = try r.nextLine() { lines.append(l) }
    XCTAssertEqual(lines, ["one", "two", "", "three"])
    XCTAssertEqual(r.line, 5)
    let rec = try TextReader(path: p, field: "text").next()
    XCTAssertEqual(rec?["text"], .string("one"))
  }

  func testInvalidUTF8() throws {
    let p = dir.write("u.txt", Array("ok\nab".utf8) + [0xE2, 0x82] + Array("\nfine\n".utf8))
    let e = connExpectDataError { _ = try connReadAll(try TextReader(path: p)) }
    XCTAssertEqual(e?.description, "\(p):2:3: data error: invalid UTF-8")
    let r = try TextReader(path: p, policy: .skip)
    XCTAssertEqual(try connReadAll(r).map { $0.values }, [[.string("ok")], [.string("fine")]])
    XCTAssertEqual(r.skippedRows, 1)
  }

  func testFollowAndResume() throws {
    let p = dir.write("f.txt", "a\nb\n")
    let r = try TextReader(path: p, follow: true)
    XCTAssertEqual(try r.pollLine(), "a")
    let pos = r.position
    XCTAssertEqual(try r.pollLine(), "b")
    XCTAssertNil(try r.pollLine())
    dir.append("f.txt", "c")
    XCTAssertNil(try r.pollLine())
    dir.append("f.txt", "d\n")
    XCTAssertEqual(try r.pollLine(), "cd")
    r.stop()
    XCTAssertNil(try r.nextLine())
    let r2 = try TextReader(path: p, startOffset: pos)
    XCTAssertEqual(r2.line, 2)
    var rest: [String] = []
    while let l = try r2.nextLine() { rest.append(l) }
    XCTAssertEqual(rest, ["b", "cd"])
  }

  func testReadsFromADescriptor() throws {
    var fds: [Int32] = [0, 0]
    XCTAssertEqual(pipe(&fds), 0)
    let text = Array("x\ny\nz".utf8)
    _ = text.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
    close(fds[1])
    let r = try TextReader(fd: fds[0], name: "<pipe>")
    var lines: [String] = []
    while let l = try r.nextLine() { lines.append(l) }
    XCTAssertEqual(lines, ["x", "y", "z"])
    close(fds[0])
  }

  func testSocketReader() throws {
    // A one-shot TCP server on an ephemeral port.
    let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    XCTAssertGreaterThanOrEqual(server, 0)
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(server, $0, len) } }
    XCTAssertEqual(bound, 0)
    XCTAssertEqual(listen(server, 1), 0)
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(server, $0, &len) } }
    let port = Int(UInt16(bigEndian: addr.sin_port))
    let done = expectation(description: "served")
    DispatchQueue.global().async {
      let c = accept(server, nil, nil)
      let payload = Array("hello\r\nworld\nlast".utf8)
      _ = payload.withUnsafeBytes { write(c, $0.baseAddress, $0.count) }
      close(c)
      done.fulfill()
    }
    let r = try SocketReader(host: "127.0.0.1", port: port)
    XCTAssertEqual(try connReadAll(r).map { $0.values }, [[.string("hello")], [.string("world")], [.string("last")]])
    wait(for: [done], timeout: 5)
    close(server)
    XCTAssertThrowsError(try SocketReader(host: "127.0.0.1", port: 1))
  }
}
