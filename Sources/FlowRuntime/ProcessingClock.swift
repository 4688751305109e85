import Foundation

/// Processing time: what processing-time windows and triggers, idle-input
/// detection and `ctx.processingTime` read.
///
/// By default it is the wall clock, polled by the executor between batches.
/// A simulated clock (`flow run --clock-step 1ms`) makes processing time a
/// function of the input instead, so that tests are deterministic and never
/// sleep: it starts at `start` and advances by `step` before each event read
/// from a source, so the i-th event read (from 0) is processed at
/// `start + i * step`.
public final class ProcessingClock {
  /// Milliseconds per event read; 0 for the wall clock.
  public let step: Int64
  private var simulated: Int64
  /// Operators waiting for processing time to reach a moment, at most one
  /// entry per operator, in the order they first asked.
  private var wakeups: [(op: Operator, at: Int64)] = []
  private var nextDue = Int64.max

  /// The wall clock.
  public init() {
    step = 0
    simulated = 0
  }

  /// A simulated clock: the first event read is at `start`.
  public init(start: Int64, step: Int64) {
    self.step = max(1, step)
    simulated = start &- self.step
  }

  public var isSimulated: Bool { step > 0 }

  /// The current processing time, in epoch milliseconds.
  public var now: Int64 {
    if step > 0 { return simulated }
    return Int64(Date().timeIntervalSince1970 * 1000)
  }

  /// Asks for `op.onProcessingTime` once processing time reaches `at`
  /// (an earlier request of the same operator wins).
  public func schedule(_ op: Operator, at: Int64) {
    if let i = wakeups.firstIndex(where: { $0.op === op }) {
      if at < wakeups[i].at { wakeups[i].at = at }
    } else {
      wakeups.append((op, at))
    }
    if at < nextDue { nextDue = at }
  }

  /// A source is about to push one event (simulated clock only).
  @inline(__always)
  func eventRead() throws {
    simulated &+= step
    if simulated >= nextDue { try runDue(simulated) }
  }

  /// Between batches: runs what the wall clock has made due.
  func poll() throws {
    guard nextDue != Int64.max else { return }
    let t = now
    if t >= nextDue { try runDue(t) }
  }

  private func runDue(_ t: Int64) throws {
    // Each due operator runs once, earliest first; what it schedules while
    // running waits for the next tick or poll.
    let due = wakeups.enumerated().filter { $0.element.at <= t }
      .sorted { $0.element.at != $1.element.at ? $0.element.at < $1.element.at : $0.offset < $1.offset }
      .map(\.element.op)
    wakeups.removeAll { $0.at <= t }
    nextDue = wakeups.map(\.at).min() ?? Int64.max
    for op in due { try op.onProcessingTime(t) }
  }
}

/// The clock of the job this thread runs, when it is simulated.
private let currentClockKey: pthread_key_t = {
  var k = pthread_key_t()
  pthread_key_create(&k, nil)
  return k
}()

extension ProcessingClock {
  /// Processing time for code that has no operator, such as a map
  /// stamping SQL's `PROCTIME()` into rows: the simulated clock of the job
  /// running on this thread, else the wall clock (which every job's clock
  /// reads when not simulated). Sources push each event synchronously, so a
  /// map sees the time of the event being processed.
  public static func currentTime() -> Int64 {
    if let p = pthread_getspecific(currentClockKey) { return Unmanaged<ProcessingClock>.fromOpaque(p).takeUnretainedValue().now }
    return Int64(Date().timeIntervalSince1970 * 1000)
  }

  /// Makes this the clock `currentTime()` reads on this thread (the
  /// single-threaded executor, while it runs).
  public func makeCurrent() { pthread_setspecific(currentClockKey, Unmanaged.passUnretained(self).toOpaque()) }

  public static func clearCurrent() { pthread_setspecific(currentClockKey, nil) }
}
