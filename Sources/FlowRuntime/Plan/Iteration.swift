/// An iteration: a body sub-plan run once per round over materialized
/// bounded data. The body reads `feedback(slot)` nodes; slots are numbered
/// like the iterate node's inputs (loop variables first, then the
/// invariant inputs the body reads, which are materialized once).
public final class IterationSpec {
  public enum Mode {
    /// Bulk iteration: `outputs[0]` is the next round's data. `until`, if
    /// set, is a second body that reads slot 0 as the previous round and
    /// slot `IterationSpec.nextSlot` as the next one, and stops the loop
    /// after a round where it emits `true`.
    case bulk(until: PlanNode?)
    /// Delta iteration: slot 0 is the solution set, slot 1 the workset;
    /// `outputs` are (solution delta, next workset). Delta elements replace
    /// solution elements with the same `key`; the loop stops when the
    /// workset is empty.
    case delta(key: FunctionValue)
  }
  /// The slot of the next round's data in an `until` body.
  public static let nextSlot = -1
  public let mode: Mode
  /// The body's result nodes.
  public let outputs: [PlanNode]
  /// How many inputs are loop variables (1 for bulk, 2 for delta).
  public let loopInputs: Int
  /// The maximum number of rounds.
  public let maxRounds: Int

  public init(mode: Mode, outputs: [PlanNode], loopInputs: Int, maxRounds: Int) {
    self.mode = mode
    self.outputs = outputs
    self.loopInputs = loopInputs
    self.maxRounds = maxRounds
  }
}
