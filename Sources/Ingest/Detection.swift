import Vocabulary

/// What Ingest found in a file after one full pass: format, encoding, delimiter, typed fields,
/// warnings and a preview. Feed it back to ``Ingest/read(url:detection:batchSize:)`` to read the records.
public struct Detection: Sendable, Equatable, Codable {
    public var format: FileFormat
    public var encoding: TextEncoding
    /// The CSV delimiter byte; nil for other formats.
    public var delimiter: UInt8?
    /// The worksheet read, for XLSX.
    public var sheet: String?
    /// The fields in output order; derived fields (a point from a lat/lon pair, a shape's centroid) come last.
    public var fields: [Field]
    public var warnings: [IngestWarning]
    /// Data records in the file (the header excluded).
    public var recordCount: Int
    /// Size of the file in bytes.
    public var totalBytes: Int

    /// Byte-order mark length to skip when reading again.
    var bomLength: Int
    /// The original header or key of each source column, by column index.
    var columnKeys: [String]
    /// Raw cells of the first rows, by column index, for ``preview``.
    var previewCells: [[String]]
    var limits: IngestLimits

    /// The delimiter as text: `;`, `,`, `\t`, `|`…
    public var delimiterText: String? {
        delimiter.map { String(decoding: [$0], as: UTF8.self) }
    }

    /// The first rows, typed with the current field types (so overrides show at once).
    public var preview: [[Value]] {
        var converter = RowConverter(fields: fields)
        return previewCells.map { cells in
            var row = RawRow()
            for cell in cells { row.append(cell: cell.utf8) }
            return converter.convert(row)
        }
    }

    /// The same detection with some field types forced, keyed by field name or original label.
    /// An unknown field is an error.
    public func overriding(_ types: [String: FieldType]) throws(IngestError) -> Detection {
        var copy = self
        for (key, type) in types.sorted(by: { $0.key < $1.key }) {
            guard
                let index = copy.fields.firstIndex(where: { $0.name == key })
                    ?? copy.fields.firstIndex(where: { $0.label == key })
                    ?? copy.fields.firstIndex(where: { $0.name == FieldNames.normalize(key) })
            else { throw .unknownField(key) }
            copy.fields[index].type = type
            if type != .text { copy.fields[index].reason = nil }
            // A list holds text: another type makes the field one of single values again.
            if type != .text { copy.fields[index].separator = nil }
        }
        return copy
    }

    /// The same detection with overrides given as `NAME=TYPE` strings.
    public func overriding(_ specs: [String]) throws(IngestError) -> Detection {
        var types: [String: FieldType] = [:]
        for spec in specs {
            let parsed = try IngestOptions.parseFieldOverride(spec)
            types[parsed.name] = parsed.type
        }
        return try overriding(types)
    }
}

/// Converts raw rows into typed values, field by field, counting cells that do not fit their type.
struct RowConverter {
    let fields: [Field]
    /// Per field, how many non-empty cells did not fit the type (they became null).
    private(set) var invalidCounts: [Int]

    init(fields: [Field]) {
        self.fields = fields
        invalidCounts = Array(repeating: 0, count: fields.count)
    }

    mutating func convert(_ row: RawRow) -> [Value] {
        var values: [Value] = []
        values.reserveCapacity(fields.count)
        row.bytes.withUnsafeBufferPointer { buffer in
            for (k, field) in fields.enumerated() {
                switch field.source {
                case .column(let column):
                    guard column < row.count else {
                        values.append(.null)
                        continue
                    }
                    let cell = ValueConverter.trimmed(UnsafeBufferPointer(rebasing: buffer[row.range(column)]))
                    if cell.isEmpty {
                        values.append(.null)
                    } else if let separator = field.separator {
                        values.append(ListCells.value(cell, separator: separator))
                    } else if let value = ValueConverter.convert(cell, to: field.type) {
                        values.append(value)
                    } else {
                        invalidCounts[k] += 1
                        values.append(.null)
                    }
                case .latLon(let latitude, let longitude):
                    values.append(Self.point(latitude < k ? values[latitude] : .null, longitude < k ? values[longitude] : .null))
                case .centroid(let shape):
                    if shape < k, case .geoShape(let geo) = values[shape] {
                        values.append(.geoPoint(geo.centroid))
                    } else {
                        values.append(.null)
                    }
                }
            }
        }
        return values
    }

    private static func number(_ value: Value) -> Double? {
        switch value {
        case .int(let v): Double(v)
        case .double(let v): v
        default: nil
        }
    }

    static func point(_ latitude: Value, _ longitude: Value) -> Value {
        guard let lat = number(latitude), let lon = number(longitude), (-90.0...90.0).contains(lat),
            (-180.0...180.0).contains(lon)
        else { return .null }
        return .geoPoint(GeoPoint(lat: lat, lon: lon))
    }
}
