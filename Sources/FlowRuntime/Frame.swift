/// The local variables of one function activation. Compiled code addresses
/// a variable by (how many frames out, slot), decided at compile time.
public final class Frame {
  public var slots: [Value]
  public let parent: Frame?

  public init(size: Int, parent: Frame?) {
    self.slots = [Value](repeating: .null, count: size)
    self.parent = parent
  }

  @inline(__always)
  public func ancestor(_ depth: Int) -> Frame {
    var f = self
    var d = depth
    while d > 0, let p = f.parent {
      f = p
      d -= 1
    }
    return f
  }
}

/// Compiled code: evaluates an expression in a frame.
public typealias Code = (Frame) throws -> Value
