import XCTest
@testable import FlowRuntime

/// `NFATable` (the `pattern` operator's engines by key) must behave like a
/// dictionary under the operator's traffic: keys inserted, looked up and
/// removed in any order, `Int` keys in the open-addressing part (whose
/// deletion shifts entries back), other keys in the dictionary part.
final class NFATableTests: XCTestCase {
  private func program() -> NFAProgram {
    let always = FunctionValue(unary: { _ in .bool(true) })
    let part = PatternSpec.Part(name: "a", condition: always, conditionArity: 1, contiguity: .relaxed, negation: .none)
    return NFAProgram(spec: PatternSpec(parts: [part], within: nil), skip: .noSkip)
  }

  func testMatchesADictionaryUnderInsertsAndRemovals() {
    let prog = program()
    var table = NFATable()
    var reference: [Value: NFA] = [:]
    var s: UInt64 = 7
    func next() -> UInt64 {
      s = s &* 6364136223846793005 &+ 1442695040888963407
      return s >> 33
    }
    for step in 0..<60_000 {
      let r = next()
      // Few distinct keys, many collisions in the low bits, some extremes
      // and some non-Int keys, so that probe chains form and break up.
      let key: Value
      switch r % 10 {
      case 0: key = .string("k\(r % 50)")
      case 1: key = .int([Int64.min, Int64.max, 0, -1][Int(r / 10 % 4)])
      default: key = .int(Int64(r / 10 % 3000) << 12)
      }
      if next() % 3 == 0 {
        table[key] = nil
        reference[key] = nil
      } else if table[key] == nil {
        let nfa = NFA(program: prog)
        table[key] = nfa
        reference[key] = nfa
      }
      XCTAssertTrue(table[key] === reference[key], "key \(key) at step \(step)")
      if step % 5000 == 0 {
        XCTAssertEqual(table.count, reference.count)
        for (k, v) in reference { XCTAssertTrue(table[k] === v, "key \(k) lost at step \(step)") }
      }
    }
    XCTAssertEqual(table.count, reference.count)
    XCTAssertEqual(Set(table.keys), Set(reference.keys))
    for (k, v) in reference { XCTAssertTrue(table[k] === v) }
    // Emptied, every lookup misses.
    for k in reference.keys { table[k] = nil }
    XCTAssertEqual(table.count, 0)
    XCTAssertTrue(table.keys.isEmpty)
    for k in reference.keys { XCTAssertNil(table[k]) }
  }

  func testReplacingAnEngineKeepsOneEntry() {
    let prog = program()
    var table = NFATable()
    let a = NFA(program: prog), b = NFA(program: prog)
    table[.int(5)] = a
    table[.int(5)] = b
    XCTAssertEqual(table.count, 1)
    XCTAssertTrue(table[.int(5)] === b)
  }
}
