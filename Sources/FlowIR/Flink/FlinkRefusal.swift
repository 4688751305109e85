/// Why a plan cannot run on Flink: the operator, its script position and
/// the reason. `flow compile` and `flow run --engine flink` print it and
/// exit 1; nothing is ever dropped silently.
public struct FlinkRefusal: Error, CustomStringConvertible {
  public let operatorName: String
  public let location: String
  public let reason: String
  public var description: String {
    "\(location): error: cannot compile '\(operatorName)' to Flink SQL: \(reason)"
  }
}
