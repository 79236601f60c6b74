import Testing
import Vocabulary

@testable import Ingest

/// Cells at the edges of what a type holds: every one converts exactly or not at all, never traps, and what is
/// stored stays in the range readers expect.
@Suite struct ExtremeCellTests {
    func convert(_ text: String, _ type: FieldType) -> Value? {
        Array(text.utf8).withUnsafeBufferPointer { ValueConverter.convert($0, to: type) }
    }

    @Test func integersCoverAllOfInt64AndNothingMore() {
        #expect(convert("-9223372036854775808", .int) == .int(Int64.min))
        #expect(convert("9223372036854775807", .int) == .int(Int64.max))
        #expect(convert("-9223372036854775809", .int) == nil)
        #expect(convert("9223372036854775808", .int) == nil)
        #expect(convert("-0", .int) == .int(0))
        #expect(convert("1e400", .int) == nil)
        #expect(convert(String(repeating: "9", count: 400), .int) == nil)
    }

    @Test func decimalsAreFinite() {
        for text in ["1e400", "-1e400", "nan", "inf", "-inf", "1e-400e", String(repeating: "9", count: 70)] {
            #expect(convert(text, .double) == nil, "\(text)")
        }
        #expect(convert("-0", .double) == .double(0))
        #expect(convert("1e308", .double) == .double(1e308))
    }

    @Test func datesOutsideYearsOneTo9999AreNotDates() {
        for text in ["0000-01-01", "-0001-01-01", "99999-01-01", "2020-13-01", "2020-02-30", "31/12/99999"] {
            #expect(convert(text, .date) == nil, "\(text)")
            #expect(convert(text, .datetime) == nil, "\(text)")
        }
        #expect(convert("9999-12-31T23:59:59Z", .datetime) == .datetime("9999-12-31T23:59:59Z"))
        #expect(convert("0001-01-01T00:00:00Z", .datetime) == .datetime("0001-01-01T00:00:00Z"))
    }

    @Test func offsetsThatLeaveTheRangeInUTCAreNotDatetimes() {
        #expect(convert("9999-12-31T23:00:00-05:00", .datetime) == nil)
        #expect(convert("9999-12-31T24:00:00Z", .datetime) == nil)
        #expect(convert("0001-01-01T00:30:00+01:00", .datetime) == nil)
        #expect(convert("9999-12-31T12:00:00-05:00", .datetime) == .datetime("9999-12-31T17:00:00Z"))
    }

    @Test func coordinatesAreInRange() {
        for text in ["1e308,1e308", "91,0", "0,181", "nan,nan", "1e400, 2", "-90.0000001, 0"] {
            #expect(convert(text, .geoPoint2D) == nil, "\(text)")
        }
        #expect(convert("-90, -180", .geoPoint2D) == .geoPoint(GeoPoint(lat: -90, lon: -180)))
    }
}
