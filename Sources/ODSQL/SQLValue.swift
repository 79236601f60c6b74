import Foundation
import Vocabulary

/// A value bound to a `?`/`$n` placeholder; values are never spliced into SQL text.
public enum SQLValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    /// Stored as INTEGER 0/1 on SQLite.
    case bool(Bool)

    public var description: String {
        switch self {
        case .null: "null"
        case .int(let value): "\(value)"
        case .double(let value): "\(value)"
        case .text(let value): "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
        case .bool(let value): value ? "true" : "false"
        }
    }
}

extension ODSQL {
    /// The type of an expression or output column.
    public enum ValueType: String, Sendable, Hashable {
        case text, int, double, boolean, date, datetime
        /// Two SQL columns: latitude then longitude.
        case geoPoint = "geo_point_2d"
        /// One SQL column of GeoJSON geometry text.
        case geoShape = "geo_shape"
        /// JSON text.
        case json = "json_blob"
        /// A bounding box aggregate: four SQL columns minLon, minLat, maxLon, maxLat.
        case boundingBox = "bbox"
        /// The `null` literal, compatible with every type.
        case null

        init(_ type: FieldType) {
            switch type {
            case .text: self = .text
            case .int: self = .int
            case .double: self = .double
            case .boolean: self = .boolean
            case .date: self = .date
            case .datetime: self = .datetime
            case .geoPoint2D: self = .geoPoint
            case .geoShape: self = .geoShape
            case .jsonBlob: self = .json
            }
        }

        var isNumeric: Bool { self == .int || self == .double }
        var isTemporal: Bool { self == .date || self == .datetime }
        var isGeo: Bool { self == .geoPoint || self == .geoShape }

        /// How many SQL result columns a value of this type occupies.
        public var sqlColumnCount: Int {
            switch self {
            case .geoPoint: 2
            case .boundingBox: 4
            default: 1
            }
        }
    }
}
