#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import FlowRuntime

/// Reads UTF-8 lines from a TCP server (`host:port`), one record per line.
///
/// Delivery is at-least-once at best: TCP gives no replay, so after a failure the
/// job reconnects and reads whatever the server sends next; lines in flight when the
/// job died are lost unless the server resends them, and a server that resends may
/// duplicate lines already processed. `position` counts bytes received on this
/// connection, for metrics only; it cannot be used to resume.
public final class SocketReader: RowSource {
  public let host: String
  public let port: Int
  private let reader: TextReader

  /// Connects (blocking) to `host:port`; throws `ConnectorError` when it cannot.
  public init(host: String, port: Int, field: String = "line", policy: BadRowPolicy = .fail) throws {
    self.host = host
    self.port = port
    let fd = try Self.connect(host: host, port: port)
    reader = try TextReader(ownedFD: fd, name: "\(host):\(port)", field: field, policy: policy)
  }

  public var skippedRows: Int { reader.skippedRows }
  public var line: Int { reader.line }
  public var position: Int64 { reader.position }
  public var shape: Shape { reader.shape }

  /// The next line; blocks until one arrives, nil when the server closes.
  public func nextLine() throws -> String? { try reader.nextLine() }
  /// A line if one is fully received, else nil (never blocks).
  public func pollLine() throws -> String? { try reader.pollLine() }
  public func next() throws -> Record? { try reader.next() }
  /// A record if a full line is received, else nil (never blocks).
  public func poll() throws -> Record? { try reader.poll() }
  public func nextBatch(max: Int, into: inout [Record]) throws -> Bool { try reader.nextBatch(max: max, into: &into) }

  private static func connect(host: String, port: Int) throws -> Int32 {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    #if canImport(Glibc)
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    #else
    hints.ai_socktype = SOCK_STREAM
    #endif
    var res: UnsafeMutablePointer<addrinfo>?
    let rc = getaddrinfo(host, String(port), &hints, &res)
    guard rc == 0, let first = res else {
      let why = rc == 0 ? "no address" : String(cString: gai_strerror(rc))
      throw ConnectorError("cannot resolve '\(host)': \(why)")
    }
    defer { freeaddrinfo(first) }
    var lastError = "no address"
    var ai: UnsafeMutablePointer<addrinfo>? = first
    while let a = ai {
      let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
      if fd >= 0 {
        if sysConnect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 { return fd }
        lastError = errnoText()
        close(fd)
      } else {
        lastError = errnoText()
      }
      ai = a.pointee.ai_next
    }
    throw ConnectorError("cannot connect to \(host):\(port): \(lastError)")
  }
}
