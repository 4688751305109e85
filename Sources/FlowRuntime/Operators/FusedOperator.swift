/// A chain of element-wise operators run as one stage: each event goes
/// through every step in one call, with no hand-off between operators.
///
/// The steps are composed once, at build time, into one closure per way
/// out: each step's closure calls the next step's directly, so running an
/// event is one call into the chain, with no loop over a step array (whose
/// elements would be copied, retaining their closures, at every step) and no
/// per-step dispatch on the step's kind.
public final class FusedOperator: Operator {
  /// The end of the batch chain: survivors are appended here.
  final class Collector {
    var values: [Value] = []
  }
  typealias Chain = (Value) throws -> Void

  /// Runs one event through the steps into `collector` (the batch path).
  private let batchChain: Chain
  private let collector = Collector()
  /// Runs one event through the steps and emits it (the per-event path);
  /// set once `self` exists, since its end calls `emit`.
  private var eventChain: Chain = { _ in }
  /// The timestamp of the event the per-event chain is running.
  private var currentTs = Int64.min

  public init(_ stages: [FusedStage], name: String, location: String) {
    let out = collector
    batchChain = FusedOperator.compose(stages) { v in out.values.append(v) }
    super.init(name: name, location: location)
    eventChain = FusedOperator.compose(stages) { [unowned(unsafe) self] v in try self.emit(v, ts: self.currentTs) }
  }

  /// Builds the chain from the last step back: each closure captures the
  /// next one. Filters with an unboxed predicate call it directly.
  static func compose(_ stages: [FusedStage], end: @escaping Chain) -> Chain {
    var next = end
    for s in stages.reversed() {
      let after = next
      switch s {
      case .map(let g):
        let f = g.unary
        next = { v in try after(try f(v)) }
      case .filter(let g) where g.hasPredicate:
        let p = g.predicate
        next = { v in if try p(v) { try after(v) } }
      case .filter(let g):
        let f = g.unary
        next = { v in if case .bool(true) = try f(v) { try after(v) } }
      case .flatMap(let g):
        let f = g.unary
        next = { v in
          guard case .list(let xs) = try f(v) else { return }
          for x in xs { try after(x) }
        }
      }
    }
    return next
  }

  override public func process(_ v: Value, ts: Int64, port: Int) throws {
    let saved = currentTs
    currentTs = ts
    defer { currentTs = saved }
    try eventChain(v)
  }

  /// The batch path: every event of the batch goes through the steps in
  /// one loop (event by event, so the first runtime error is the one the
  /// per-event path would raise), and the survivors leave as one batch. On
  /// an error, the survivors before the failing event are still handed on
  /// first, as the per-event path would have done.
  override public func processBatch(_ batch: [Value], ts: Int64, port: Int) throws {
    let chain = batchChain
    do {
      for v in batch { try chain(v) }
    } catch {
      let partial = collector.values
      collector.values = []
      try emitBatch(partial, ts: ts)
      throw error
    }
    // Taken out while downstream runs, then put back empty for its capacity.
    var done = collector.values
    collector.values = []
    try emitBatch(done, ts: ts)
    done.removeAll(keepingCapacity: true)
    collector.values = done
  }
}
