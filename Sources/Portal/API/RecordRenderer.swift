import Foundation
import ODSQL

/// Writes query results in the Explore API's value encoding: numbers as numbers, datetimes in
/// the requested time zone with their offset, `geo_point_2d` as `{"lon","lat"}`, `geo_shape`
/// as a GeoJSON Feature, JSON blobs as JSON.
struct RecordRenderer {
    let columns: [ResultColumn]
    let timeZone: TimeZone

    func writeObject(_ row: [SQLValue], to writer: inout JSONWriter) {
        writer.raw("{")
        writeMembers(row, to: &writer)
        writer.raw("}")
    }

    /// The object's members without its braces, after other members when `continuing` (a comma first).
    func writeMembers(_ row: [SQLValue], continuing: Bool = false, to writer: inout JSONWriter) {
        for (index, column) in columns.enumerated() {
            if index > 0 || continuing { writer.raw(",") }
            writer.string(column.key)
            writer.raw(":")
            writeValue(row, column, to: &writer)
        }
    }

    /// The byte length of the object `writeObject` writes for `row`.
    func size(of row: [SQLValue]) -> Int {
        var writer = JSONWriter()
        writeObject(row, to: &writer)
        return writer.bytes.count
    }

    func writeValue(_ row: [SQLValue], _ column: ResultColumn, to writer: inout JSONWriter) {
        let first = column.firstSQLColumn
        guard first < row.count else { return writer.raw("null") }
        let value = row[first]
        switch column.type {
        case .geoPoint:
            guard first + 1 < row.count, let lat = value.double, let lon = row[first + 1].double else {
                return writer.raw("null")
            }
            writer.raw("{\"lon\":")
            writer.number(lon)
            writer.raw(",\"lat\":")
            writer.number(lat)
            writer.raw("}")
        case .boundingBox:
            let edges = (0..<4).compactMap { first + $0 < row.count ? row[first + $0].double : nil }
            guard edges.count == 4 else { return writer.raw("null") }
            writer.raw(
                "{\"type\":\"Polygon\",\"coordinates\":[[[\(edges[0]),\(edges[1])],[\(edges[2]),\(edges[1])],"
                    + "[\(edges[2]),\(edges[3])],[\(edges[0]),\(edges[3])],[\(edges[0]),\(edges[1])]]]}"
            )
        case .geoShape:
            guard case .text(let geometry) = value else { return writer.raw("null") }
            writer.raw("{\"type\":\"Feature\",\"geometry\":")
            writer.raw(geometry)
            writer.raw(",\"properties\":{}}")
        case .json:
            guard case .text(let json) = value else { return writer.raw("null") }
            writer.raw(json)
        case .datetime:
            guard case .text(let text) = value else { return writeScalar(value, to: &writer) }
            writer.string(DateTimeRendering.render(text, in: timeZone))
        case .boolean:
            switch value {
            case .int(let number): writer.raw(number != 0 ? "true" : "false")
            case .bool(let flag): writer.raw(flag ? "true" : "false")
            default: writeScalar(value, to: &writer)
            }
        case .double:
            if case .int(let number) = value { writer.number(Double(number)) } else { writeScalar(value, to: &writer) }
        default:
            writeScalar(value, to: &writer)
        }
    }

    private func writeScalar(_ value: SQLValue, to writer: inout JSONWriter) {
        switch value {
        case .null: writer.raw("null")
        case .int(let number): writer.number(number)
        case .double(let number): writer.number(number)
        case .text(let text): writer.string(text)
        case .bool(let flag): writer.raw(flag ? "true" : "false")
        }
    }
}

extension SQLValue {
    var double: Double? {
        switch self {
        case .int(let number): Double(number)
        case .double(let number): number
        case .text(let text): Double(text)
        default: nil
        }
    }
}

/// Stored datetimes are UTC (`2024-03-05T13:30:00Z`); the API shows them in the requested zone.
enum DateTimeRendering {
    static func render(_ stored: String, in zone: TimeZone) -> String {
        guard let date = parse(stored) else { return stored }
        return render(date, in: zone)
    }

    /// `yyyy-MM-ddTHH:mm:ss±hh:mm` in `zone`, without a Calendar: this runs once per exported value.
    static func render(_ date: Date, in zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down)) + time_t(offset)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let magnitude = abs(offset)
        var text: [UInt8] = []
        text.reserveCapacity(25)
        append(Int(parts.tm_year) + 1900, width: 4, to: &text)
        for (separator, value) in [
            (UInt8(ascii: "-"), Int(parts.tm_mon) + 1), (UInt8(ascii: "-"), Int(parts.tm_mday)),
            (UInt8(ascii: "T"), Int(parts.tm_hour)), (UInt8(ascii: ":"), Int(parts.tm_min)),
            (UInt8(ascii: ":"), Int(parts.tm_sec)),
            (offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"), magnitude / 3600), (UInt8(ascii: ":"), magnitude % 3600 / 60),
        ] {
            text.append(separator)
            append(value, width: 2, to: &text)
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends `value` in decimal, zero-padded to `width` digits (String(format:) is slow on Linux).
    private static func append(_ value: Int, width: Int, to text: inout [UInt8]) {
        var digits: [UInt8] = []
        var rest = max(0, value)
        repeat {
            digits.append(UInt8(48 + rest % 10))
            rest /= 10
        } while rest > 0
        if digits.count < width { text.append(contentsOf: repeatElement(48, count: width - digits.count)) }
        text.append(contentsOf: digits.reversed())
    }

    /// Parses the stored form `yyyy-MM-ddTHH:mm:ss[.fff]Z`.
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z"), bytes[10] == UInt8(ascii: "T") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}
