/// Why an import cannot go on. Each case has a stable ``code`` and a one-line English ``message``;
/// callers translate by switching on the case or the code.
public enum IngestError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file holds no data (0 bytes, or only a byte-order mark and blank space).
    case emptyFile
    /// The file has a header line but no data row.
    case headerOnly
    /// The content is not text (NUL or control bytes, or a known binary signature such as PNG).
    case binaryFile(kind: String, offset: Int)
    /// The bytes are not valid in the declared or detected encoding.
    case invalidEncoding(encoding: TextEncoding, offset: Int, line: Int)
    /// Some rows do not have as many fields as the header; `lines` holds at most the first 10 line numbers.
    case raggedRows(expected: Int, lines: [Int], total: Int)
    /// One cell is larger than the configured limit.
    case cellTooLarge(line: Int, column: Int, limit: Int)
    /// One JSON record is larger than the configured limit.
    case recordTooLarge(record: Int, limit: Int)
    /// The header has more columns than allowed.
    case tooManyColumns(count: Int, limit: Int)
    /// A `NAME=TYPE` override names a type that does not exist.
    case unknownFieldType(String)
    /// A field type override is not of the form `NAME=TYPE`.
    case invalidFieldOverride(String)
    /// A field type override names a field the file does not have.
    case unknownField(String)
    /// The encoding name given as an override is not supported.
    case unknownEncoding(String)
    /// The delimiter given as an override is not usable.
    case invalidDelimiter(String)
    /// The file format given as an override, or implied by the content, is not supported.
    case unsupportedFormat(String)
    /// The JSON text is malformed.
    case invalidJSON(offset: Int, reason: String)
    /// The JSON document is not an array of objects (or a JSON Lines record is not an object);
    /// `record` is 1-based, 0 when the whole document is concerned.
    case notArrayOfObjects(record: Int, found: String)
    /// The GeoJSON document is not a FeatureCollection, or a feature is malformed.
    case invalidGeoJSON(reason: String)
    /// A GeoJSON feature has a geometry that is not valid.
    case invalidGeometry(feature: Int, reason: String)
    /// The requested worksheet does not exist.
    case sheetNotFound(String)
    /// The Excel workbook is damaged or not a workbook.
    case invalidWorkbook(reason: String)

    /// A stable, machine-readable identifier for the error.
    public var code: String {
        switch self {
        case .unreadable: "unreadable"
        case .emptyFile: "empty_file"
        case .headerOnly: "header_only"
        case .binaryFile: "binary_file"
        case .invalidEncoding: "invalid_encoding"
        case .raggedRows: "ragged_rows"
        case .cellTooLarge: "cell_too_large"
        case .recordTooLarge: "record_too_large"
        case .tooManyColumns: "too_many_columns"
        case .unknownFieldType: "unknown_field_type"
        case .invalidFieldOverride: "invalid_field_override"
        case .unknownField: "unknown_field"
        case .unknownEncoding: "unknown_encoding"
        case .invalidDelimiter: "invalid_delimiter"
        case .unsupportedFormat: "unsupported_format"
        case .invalidJSON: "invalid_json"
        case .notArrayOfObjects: "not_array_of_objects"
        case .invalidGeoJSON: "invalid_geojson"
        case .invalidGeometry: "invalid_geometry"
        case .sheetNotFound: "sheet_not_found"
        case .invalidWorkbook: "invalid_workbook"
        }
    }

    /// A precise one-line English explanation.
    public var message: String {
        switch self {
        case .unreadable(let path, let reason):
            "Cannot read \(path): \(reason)."
        case .emptyFile:
            "The file is empty."
        case .headerOnly:
            "The file has a header line but no data rows."
        case .binaryFile(let kind, let offset):
            "The file is not text (\(kind) at byte \(offset)); upload a CSV, JSON or GeoJSON file."
        case .invalidEncoding(let encoding, let offset, let line):
            "Invalid \(encoding.rawValue) byte at offset \(offset) (line \(line)); re-save the file as UTF-8 or give its encoding."
        case .raggedRows(let expected, let lines, let total):
            "\(total) row(s) do not have \(expected) fields like the header, at line(s) "
                + lines.map(String.init).joined(separator: ", ") + (total > lines.count ? ", …" : "") + "."
        case .cellTooLarge(let line, let column, let limit):
            "The cell at line \(line), column \(column) is larger than \(limit) bytes."
        case .recordTooLarge(let record, let limit):
            "Record \(record) is larger than \(limit) bytes."
        case .tooManyColumns(let count, let limit):
            "The file has \(count) columns; at most \(limit) are allowed."
        case .unknownFieldType(let name):
            "Unknown field type \"\(name)\"; use one of "
                + FieldType.allCases.map(\.rawValue).joined(separator: ", ") + "."
        case .invalidFieldOverride(let text):
            "Invalid field type override \"\(text)\"; expected NAME=TYPE."
        case .unknownField(let name):
            "The file has no field named \"\(name)\"."
        case .unknownEncoding(let name):
            "Unknown encoding \"\(name)\"; use one of "
                + TextEncoding.allCases.map(\.rawValue).joined(separator: ", ") + "."
        case .invalidDelimiter(let text):
            "Invalid delimiter \"\(text)\"; use one of ; , tab |."
        case .unsupportedFormat(let name):
            "Unsupported file format \"\(name)\"."
        case .invalidJSON(let offset, let reason):
            "Invalid JSON at byte \(offset): \(reason)."
        case .notArrayOfObjects(let record, let found):
            record == 0
                ? "The JSON must be an array of objects, but the document is \(found)."
                : "The JSON must be an array of objects, but record \(record) is \(found)."
        case .invalidGeoJSON(let reason):
            "Invalid GeoJSON: \(reason)."
        case .invalidGeometry(let feature, let reason):
            "Feature \(feature) has an invalid geometry: \(reason)."
        case .sheetNotFound(let name):
            "The workbook has no sheet named \"\(name)\"."
        case .invalidWorkbook(let reason):
            "The Excel workbook cannot be read: \(reason)."
        }
    }

    public var description: String { message }
}

/// Something the publisher should know about, that does not stop the import.
public struct IngestWarning: Sendable, Equatable, Codable {
    /// A stable, machine-readable identifier: `renamed_header`, `text_fallback`, `empty_column`,
    /// `derived_field`, `encoding_fallback`, `invalid_values`.
    public var code: String
    /// The field concerned, by its normalised name, when there is one.
    public var field: String?
    /// A one-line English explanation.
    public var message: String

    public init(code: String, field: String? = nil, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }
}
