import XCTest
import FlowRuntime
@testable import FlowConnectors

final class ConnectorTimeTests: XCTestCase {
  func testParseForms() {
    XCTAssertEqual(TimeFormat.parse("1970-01-01T00:00:00Z"), 0)
    XCTAssertEqual(TimeFormat.parse("2024-01-01T00:00:00Z"), 1_704_067_200_000)
    XCTAssertEqual(TimeFormat.parse("2024-01-01 00:00:00.123"), 1_704_067_200_123)
    XCTAssertEqual(TimeFormat.parse("2024-01-01T00:00:00.1239Z"), 1_704_067_200_123)
    XCTAssertEqual(TimeFormat.parse("2024-01-01"), 1_704_067_200_000)
    XCTAssertEqual(TimeFormat.parse("2024-01-01T01:30"), 1_704_072_600_000)
    XCTAssertEqual(TimeFormat.parse("2024-01-01T02:00:00+02:00"), 1_704_067_200_000)
    XCTAssertEqual(TimeFormat.parse("2023-12-31T19:00:00-0500"), 1_704_067_200_000)
    XCTAssertEqual(TimeFormat.parse("1969-12-31T23:59:59.999Z"), -1)
    XCTAssertEqual(TimeFormat.parse("2000-02-29T00:00:00Z"), 951_782_400_000)
    XCTAssertEqual(TimeFormat.parse("2015-07-15T00:00:00Z"), 1_436_918_400_000)
    for bad in ["2023-02-29", "2024-13-01", "2024-01-01T24:00:00", "2024-01-01T00:00:00ZZ", "24-01-01", "2024-1-01", "", "x"] {
      XCTAssertNil(TimeFormat.parse(bad), bad)
    }
  }

  func testFormatAndRoundTrip() {
    XCTAssertEqual(TimeFormat.format(0), "1970-01-01T00:00:00Z")
    XCTAssertEqual(TimeFormat.format(-1), "1969-12-31T23:59:59.999Z")
    XCTAssertEqual(TimeFormat.format(1_704_067_200_000, alwaysMillis: true), "2024-01-01T00:00:00.000Z")
    XCTAssertEqual(TimeFormat.format(951_782_400_000 + 86_399_999), "2000-02-29T23:59:59.999Z")
    var rng = SplitMix64(seed: 7)
    for _ in 0..<20_000 {
      let ms = Int64(bitPattern: rng.next()) % 400_000_000_000_000
      XCTAssertEqual(TimeFormat.parse(TimeFormat.format(ms)), ms)
    }
    for d in Int64(-800_000)...Int64(800_000) where d % 997 == 0 {
      let c = TimeFormat.civilFromDays(d)
      XCTAssertEqual(TimeFormat.daysFromCivil(year: c.year, month: c.month, day: c.day), d)
    }
  }
}
