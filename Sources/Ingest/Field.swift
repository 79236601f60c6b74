import Vocabulary

/// Where a field's value comes from in a record.
public enum FieldSource: Sendable, Equatable, Codable {
    /// The cell of this column (0-based, in file order; for JSON, the order keys first appear).
    case column(Int)
    /// A point built from two other fields (indexes into ``Detection/fields``).
    case latLon(latitude: Int, longitude: Int)
    /// The centroid of a `geo_shape` field (index into ``Detection/fields``).
    case centroid(of: Int)
}

/// One field of a dataset as detected.
public struct Field: Sendable, Equatable, Codable {
    /// The normalised name (`[a-z0-9_]`, unique).
    public var name: String
    /// The original header or key.
    public var label: String
    public var type: FieldType
    /// The type inference found, before any override.
    public var inferredType: FieldType
    public var source: FieldSource
    /// How many cells were empty (nulls) in the whole file.
    public var nullCount: Int
    /// Why the field fell back to text, when it did.
    public var reason: String?
    /// The separator the publisher declared for a list (multivalued) field: its cells are split on it and kept
    /// as a JSON array of text. Nil for a field of single values.
    public var separator: String?

    public init(
        name: String, label: String, type: FieldType, inferredType: FieldType? = nil, source: FieldSource,
        nullCount: Int = 0, reason: String? = nil
    ) {
        self.name = name
        self.label = label
        self.type = type
        self.inferredType = inferredType ?? type
        self.source = source
        self.nullCount = nullCount
        self.reason = reason
    }
}

/// A typed cell value.
public enum Value: Sendable, Equatable, Hashable, Codable {
    case null
    case text(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    /// A date as `yyyy-MM-dd`.
    case date(String)
    /// A date-time in UTC as `yyyy-MM-ddTHH:mm:ssZ`, with fractional seconds when the source had them.
    /// A source value without an offset is taken as UTC.
    case datetime(String)
    case geoPoint(GeoPoint)
    indirect case geoShape(GeoShape)
    /// JSON text, validated.
    case json(String)

    public var isNull: Bool { self == .null }
}

/// A slice of consecutive records, typed according to ``Detection/fields``.
public struct RecordBatch: Sendable {
    /// One array per record, with one value per field, in field order.
    public var rows: [[Value]]
    /// The 0-based index of the first record of the batch in the file.
    public var firstRecord: Int
    /// Raw bytes read from the file so far.
    public var bytesRead: Int
    /// Size of the file in bytes.
    public var totalBytes: Int
}

/// How far a pass over the file is.
public struct IngestProgress: Sendable, Equatable {
    public var bytesRead: Int
    public var totalBytes: Int
    public var records: Int
}
