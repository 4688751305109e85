/// Local-global window aggregation in parallel jobs.
///
/// Before the hash exchange into a tumbling event-time window, each sender
/// subtask runs a copy of the window in the `.combine` role: it aggregates
/// its own events per (key, window) and, when its watermark closes a
/// window, sends one partial aggregate instead of every event. The window
/// after the exchange (`.mergePartials`) merges the partials of all senders
/// into its panes and fires as usual. The partials of a window leave a
/// sender before the watermark that closes it, so the merging window has
/// every sender's partial when its own (minimum) watermark closes the
/// window: the results are those of the window without a combiner.
///
/// An event that arrives after its sender's watermark closed its window is
/// not judged late there (the merging window's watermark may still be
/// behind): it travels on as a partial of one event, and the merging window
/// decides, as it would for the event itself.
extension WindowOperator {
  /// Sends a (key, window)'s partial aggregate (combiner role).
  func emitPartial(_ k: Int, start: Int64, accs: [Accumulator], ts: Int64) throws {
    let count = Int64(panes[PaneKey(key: k, start: start)]?.count ?? 0)
    try emit(.opaque(PartialAggregate(key: keyList[k], count: count, accs: accs, reduced: nil, windowStart: start)), ts: ts)
  }

  /// Sends an event its window already closed on, as a partial of one.
  func emitLatePartial(_ k: Int, _ v: Value, start: Int64, ts: Int64) throws {
    let accs = newAccs()
    for a in accs { try a.add(v) }
    try emit(.opaque(PartialAggregate(key: keyList[k], count: 1, accs: accs, reduced: nil, windowStart: start)), ts: ts)
  }

  /// Merges a combiner's partial into its pane (merging role).
  func mergePartial(_ p: PartialAggregate) throws {
    guard case .tumbling(let size, _) = spec else {
      throw RuntimeError("internal: a window combiner's partial reached a window that is not tumbling", at: location)
    }
    let start = p.windowStart, end = start + size
    if end - 1 + lateness <= reached {
      // Late for every event in it; a combiner runs only without a
      // late-events stream, so they are counted, as dropped events are.
      droppedLate += Int(p.count)
      return
    }
    let k = keyID(p.key)
    let pane = self.pane(k, start: start, end: end, ts: end - 1)
    for (a, b) in zip(pane.accs, p.accs) { try a.merge(b) }
    pane.count += Int(p.count)
  }
}
