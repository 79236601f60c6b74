import Vocabulary

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
    /// A list field declaration is not of the form `NAME=SEPARATOR` (a separator of 1 to 8 characters).
    case invalidFieldSeparator(String)
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
    /// A ZIP archive (an Excel workbook) goes past a limit that guards against decompression bombs;
    /// nothing was inflated past the limit.
    case archiveLimit(ArchiveLimit)
    /// A part of a workbook could not be written to the extraction directory (full disk, write error).
    case extractionFailed(reason: String)

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
        case .invalidFieldSeparator: "invalid_field_separator"
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
        case .archiveLimit: "archive_limit"
        case .extractionFailed: "extraction_failed"
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
        case .invalidFieldSeparator(let text):
            "Invalid list field \"\(text)\"; expected NAME=SEPARATOR, a separator of 1 to 8 characters."
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
        case .archiveLimit(let limit):
            limit.message
        case .extractionFailed(let reason):
            "A part of the Excel workbook cannot be written to the data directory: \(reason)."
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
    /// How many cells or rows the warning concerns, when it counts something (`invalid_values`).
    public var count: Int?

    public init(code: String, field: String? = nil, message: String, count: Int? = nil) {
        self.code = code
        self.field = field
        self.message = message
        self.count = count
    }

    /// The `invalid_values` warning: `count` non-empty cells of `field` did not fit `type` (a type the
    /// publisher forced) and were stored as empty values.
    public static func invalidValues(field: String, type: FieldType, count: Int) -> IngestWarning {
        IngestWarning(
            code: "invalid_values", field: field,
            message: "\(count) value(s) of field \"\(field)\" could not be read as \(type.rawValue) and were left empty.",
            count: count)
    }

    /// One `invalid_values` warning per field with cells that did not fit its type, in field order.
    public static func invalidValues(_ counts: [String: Int], fields: [Field]) -> [IngestWarning] {
        fields.compactMap { field in
            counts[field.name].map { invalidValues(field: field.name, type: field.type, count: $0) }
        }
    }
}

/// The limits that guard the reading of a ZIP archive (an XLSX workbook) against decompression bombs;
/// each is a field of ``IngestLimits``.
public enum ArchiveLimit: Equatable, Sendable {
    /// One part inflates (or declares it inflates) to more than ``IngestLimits/maxArchivePartBytes``.
    case partSize(part: String, limit: Int)
    /// All parts together inflate to more than ``IngestLimits/maxArchiveBytes``.
    case totalSize(limit: Int)
    /// One part is compressed more than ``IngestLimits/maxCompressionRatio`` to 1.
    case compressionRatio(part: String, limit: Int)
    /// The archive lists more than ``IngestLimits/maxArchiveEntries`` entries.
    case entries(limit: Int)
    /// The workbook has more than ``IngestLimits/maxSharedStrings`` shared strings.
    case sharedStrings(limit: Int)
    /// The shared strings take more than ``IngestLimits/maxSharedStringBytes``.
    case sharedStringBytes(limit: Int)

    /// A one-line English explanation.
    public var message: String {
        let refused = "the file is refused as a possible ZIP bomb"
        return switch self {
        case .partSize(let part, let limit):
            "The workbook part \(part) inflates to more than \(Self.size(limit)); \(refused)."
        case .totalSize(let limit):
            "The workbook inflates to more than \(Self.size(limit)) in all; \(refused)."
        case .compressionRatio(let part, let limit):
            "The workbook part \(part) is compressed more than \(limit) to 1; \(refused)."
        case .entries(let limit):
            "The workbook holds more than \(limit) parts; \(refused)."
        case .sharedStrings(let limit):
            "The workbook has more than \(limit) shared strings; \(refused)."
        case .sharedStringBytes(let limit):
            "The workbook's shared strings take more than \(Self.size(limit)); \(refused)."
        }
    }

    /// `1 MiB`-multiples as MB, anything else in bytes.
    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MB" : "\(bytes) bytes"
    }
}
