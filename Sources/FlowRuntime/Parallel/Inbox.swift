import Foundation

/// What travels on a channel between subtasks: a batch of events with their
/// timestamps and the watermarks between them, a checkpoint barrier, or the
/// end of the channel.
struct Envelope {
  enum Kind { case events, barrier, end }
  /// Which of the receiving task's input channels it came on.
  let channel: Int
  let kind: Kind
  var values: [Value] = []
  var times: [Int64] = []
  /// Watermarks in stream order: `at` is how many of `values` precede it.
  /// A source that advances the watermark with every event would otherwise
  /// need a message per event; inline, they ride in the batch.
  var marks: [(at: Int, watermark: Int64)] = []
  /// For `.barrier`: the checkpoint id.
  var barrier = 0
}

/// The input queue of one task: every channel into the task feeds it. It is
/// bounded, so a producer that gets ahead of its consumer blocks in `put`
/// (backpressure) instead of growing memory; the time it spends blocked is
/// counted for `--stats`.
final class Inbox {
  private let lock = NSCondition()
  private var ring: [Envelope?]
  private var head = 0
  private var count = 0
  private let job: JobControl

  init(capacity: Int, job: JobControl) {
    ring = Array(repeating: nil, count: max(2, capacity))
    self.job = job
  }

  /// Appends an envelope, waiting while the inbox is full. Returns the
  /// nanoseconds spent waiting. Gives up (dropping it) when the job aborts.
  @discardableResult
  func put(_ e: Envelope) -> UInt64 {
    lock.lock()
    defer { lock.unlock() }
    var waited: UInt64 = 0
    if count == ring.count {
      let t0 = DispatchTime.now().uptimeNanoseconds
      while count == ring.count && !job.aborted { lock.wait() }
      waited = DispatchTime.now().uptimeNanoseconds - t0
    }
    if job.aborted { return waited }
    job.inFlight.add(1)
    ring[(head + count) % ring.count] = e
    count += 1
    lock.broadcast()
    return waited
  }

  /// Takes the oldest envelope, waiting while the inbox is empty; nil when
  /// the job aborts. `waited` gets the nanoseconds spent idle.
  func take(waited: inout UInt64) -> Envelope? {
    lock.lock()
    defer { lock.unlock() }
    if count == 0 {
      let t0 = DispatchTime.now().uptimeNanoseconds
      while count == 0 && !job.aborted { lock.wait() }
      waited += DispatchTime.now().uptimeNanoseconds - t0
    }
    if job.aborted { return nil }
    let e = ring[head]
    ring[head] = nil
    head = (head + 1) % ring.count
    count -= 1
    lock.broadcast()
    return e
  }

  var isEmpty: Bool {
    lock.lock()
    defer { lock.unlock() }
    return count == 0
  }

  /// Wakes every waiter (used when the job aborts).
  func wakeAll() {
    lock.lock()
    lock.broadcast()
    lock.unlock()
  }
}

/// A counter shared by threads.
final class SharedCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0
  func add(_ n: Int) {
    lock.lock()
    value += n
    lock.unlock()
  }
  var current: Int {
    lock.lock()
    defer { lock.unlock() }
    return value
  }
}

/// State every task of a parallel job shares with the coordinator: abort
/// (an error somewhere, or Ctrl-C), pausing sources for a checkpoint, and
/// the number of envelopes not yet fully processed.
final class JobControl: @unchecked Sendable {
  private let lock = NSCondition()
  private var _aborted = false
  private var firstError: Error?
  private var pauseRequested = false
  private var pausedSources = 0
  /// Envelopes put but not yet processed (and their outputs flushed).
  let inFlight = SharedCounter()
  /// Events read by all sources, for progress and crash tests.
  let eventsRead = SharedCounter()

  var aborted: Bool {
    lock.lock()
    defer { lock.unlock() }
    return _aborted
  }

  var error: Error? {
    lock.lock()
    defer { lock.unlock() }
    return firstError
  }

  /// Stops the job; the first error is the one reported.
  func abort(_ error: Error?) {
    lock.lock()
    if firstError == nil, let e = error { firstError = e }
    _aborted = true
    lock.broadcast()
    lock.unlock()
  }

  /// Called by a source task between batches: parks while a checkpoint is
  /// being taken.
  func sourceCheckpointGate() {
    lock.lock()
    defer { lock.unlock() }
    guard pauseRequested else { return }
    pausedSources += 1
    lock.broadcast()
    while pauseRequested && !_aborted { lock.wait() }
    pausedSources -= 1
  }

  /// Asks sources to park; returns once `sources` of them have (or the job
  /// aborted or they all finished: `running` tells how many still run).
  func pauseSources(running: () -> Int) -> Bool {
    lock.lock()
    pauseRequested = true
    lock.broadcast()
    while pausedSources < running() && !_aborted { lock.wait(until: Date().addingTimeInterval(0.005)) }
    let ok = !_aborted
    lock.unlock()
    return ok
  }

  func resumeSources() {
    lock.lock()
    pauseRequested = false
    lock.broadcast()
    lock.unlock()
  }

  /// Wakes the coordinator (a source finished or paused).
  func poke() {
    lock.lock()
    lock.broadcast()
    lock.unlock()
  }
}
