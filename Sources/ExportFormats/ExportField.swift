import ODSQL
import Vocabulary

/// One output field of an export: its name in the file (the key, or the label with `use_labels`) and the
/// compiled query's result column that holds its value.
public struct ExportField: Sendable, Hashable {
    /// The name written in the file's header or schema.
    public var name: String
    /// Where and how the row holds the value.
    public var column: ResultColumn

    /// A field named `name` read from `column`.
    public init(name: String, column: ResultColumn) {
        self.name = name
        self.column = column
    }

    /// A field named after the column's key.
    public init(_ column: ResultColumn) {
        self.init(name: column.key, column: column)
    }

    /// How the field is stored in typed formats.
    public var kind: Kind {
        switch column.type {
        case .int: .int
        case .double: .double
        case .boolean: .boolean
        case .date: .date
        case .datetime: .timestamp
        case .geoPoint: .geoPoint
        case .geoShape: .geoShape
        case .text, .json, .boundingBox, .null: .text
        }
    }

    /// The storage kinds of export fields.
    public enum Kind: Sendable, Hashable {
        case int, double, boolean, date, timestamp, text, geoPoint, geoShape
    }

    /// The value of this field in `row`, typed by ``kind``; `.null` when absent or not of the expected form.
    public func value(in row: [SQLValue]) -> FieldValue {
        let index = column.firstSQLColumn
        guard index >= 0, index < row.count else { return .null }
        let raw = row[index]
        switch kind {
        case .int:
            switch raw {
            case .int(let number): return .int(number)
            case .double(let number): return Int64(exactly: number).map(FieldValue.int) ?? .null
            default: return .null
            }
        case .double:
            switch raw {
            case .int(let number): return .double(Double(number))
            case .double(let number): return .double(number)
            default: return .null
            }
        case .boolean:
            switch raw {
            case .int(let number): return .bool(number != 0)
            case .bool(let flag): return .bool(flag)
            default: return .null
            }
        case .date:
            guard case .text(let text) = raw, let days = StoredDates.days(fromDate: text) else { return .null }
            return .date(days: days)
        case .timestamp:
            guard case .text(let text) = raw, let micros = StoredDates.microseconds(fromDateTime: text) else { return .null }
            return .timestamp(microseconds: micros)
        case .geoPoint:
            guard index + 1 < row.count, let lat = Self.number(raw), let lon = Self.number(row[index + 1]) else {
                return .null
            }
            return .point(Position(x: lon, y: lat))
        case .geoShape, .text:
            switch raw {
            case .null: return .null
            case .text(let text): return kind == .geoShape ? .geoJSON(text) : .text(text)
            case .int(let number): return .text(String(number))
            case .double(let number): return .text(String(number))
            case .bool(let flag): return .text(flag ? "true" : "false")
            }
        }
    }

    /// The geometry of a row in `fields`: the first geo_shape field, else the first geo_point_2d one.
    public static func geometryField(in fields: [ExportField]) -> ExportField? {
        fields.first { $0.kind == .geoShape } ?? fields.first { $0.kind == .geoPoint }
    }

    private static func number(_ value: SQLValue) -> Double? {
        switch value {
        case .int(let number): Double(number)
        case .double(let number): number
        default: nil
        }
    }
}

/// A field's value in a row, typed for the writers.
public enum FieldValue: Sendable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case bool(Bool)
    /// Days since 1970-01-01.
    case date(days: Int32)
    /// Microseconds since 1970-01-01T00:00:00Z.
    case timestamp(microseconds: Int64)
    case text(String)
    /// Longitude (x) and latitude (y).
    case point(Position)
    /// A GeoJSON geometry object, as stored.
    case geoJSON(String)

    /// The geometry of a geo value (nil for other values and invalid GeoJSON).
    public var shape: Geometry? {
        switch self {
        case .point(let position): .point(position)
        case .geoJSON(let text): try? Geometry(geoJSON: text)
        default: nil
        }
    }

    /// The value as text for formats without types (KML, GPX): ISO dates, UTC datetimes with `Z`.
    public var text: String? {
        switch self {
        case .null: nil
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .date(let days): StoredDates.dateText(days: days)
        case .timestamp(let micros): StoredDates.dateTimeText(microseconds: micros)
        case .text(let text), .geoJSON(let text): text
        case .point(let position): "\(position.y), \(position.x)"
        }
    }
}
