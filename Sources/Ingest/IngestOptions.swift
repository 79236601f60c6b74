import Vocabulary

/// The kinds of file Ingest reads.
public enum FileFormat: String, Sendable, Codable, CaseIterable {
    case csv
    case json
    case jsonLines = "jsonl"
    case geoJSON = "geojson"
    /// An Excel workbook (Office Open XML); one sheet is read.
    case xlsx

    /// Parses a user-given name (`csv`, `tsv`, `json`, `jsonl`, `ndjson`, `geojson`).
    public init?(name: String) {
        switch name.lowercased() {
        case "csv", "tsv", "txt": self = .csv
        case "json": self = .json
        case "jsonl", "ndjson", "jsonlines": self = .jsonLines
        case "geojson": self = .geoJSON
        case "xlsx": self = .xlsx
        default: return nil
        }
    }
}

/// Limits that protect the importer from hostile or broken files.
public struct IngestLimits: Sendable, Equatable, Codable {
    /// The largest cell, in bytes: 5 MiB by default, room for a detailed boundary as GeoJSON text, while
    /// a 10 MB cell is refused as the datasets issue asks.
    public var maxCellBytes: Int
    /// The most columns a file may have (500, the Opendatasoft limit).
    public var maxColumns: Int
    /// The largest JSON record, in bytes.
    public var maxRecordBytes: Int
    /// How many bytes are read from the file at once.
    public var chunkSize: Int
    /// The most bytes one part of a ZIP archive (an XLSX sheet, its shared strings) may inflate to:
    /// 1 GiB by default. Checked against the size the archive declares, then against the bytes inflated.
    public var maxArchivePartBytes: Int
    /// The most bytes all the parts of a ZIP archive may inflate to, together: 2 GiB by default.
    public var maxArchiveBytes: Int
    /// The highest compression ratio (inflated size over compressed size) a part may have: 100 by
    /// default, where real workbooks stay under 30 and a ZIP bomb reaches 1,000. A part may always
    /// inflate to 1 MiB, whatever its ratio.
    public var maxCompressionRatio: Int
    /// The most entries a ZIP archive may list in its central directory: 10,000 by default.
    public var maxArchiveEntries: Int
    /// The most shared strings an XLSX workbook may hold: 5,000,000 by default.
    public var maxSharedStrings: Int
    /// The most bytes the shared strings of an XLSX workbook may take together: 256 MiB by default.
    public var maxSharedStringBytes: Int
    /// The directory where the parts of a ZIP archive are extracted (files of mode 0600, removed as
    /// soon as they are open). When nil: the directory of the file read, or memory for bytes in memory;
    /// never the system's temporary folder.
    public var extractionDirectory: String?

    public init(
        maxCellBytes: Int = 5 * 1024 * 1024, maxColumns: Int = 500, maxRecordBytes: Int = 64 * 1024 * 1024,
        chunkSize: Int = 256 * 1024, maxArchivePartBytes: Int = 1 << 30, maxArchiveBytes: Int = 2 << 30,
        maxCompressionRatio: Int = 100, maxArchiveEntries: Int = 10_000, maxSharedStrings: Int = 5_000_000,
        maxSharedStringBytes: Int = 256 << 20, extractionDirectory: String? = nil
    ) {
        self.maxCellBytes = maxCellBytes
        self.maxColumns = maxColumns
        self.maxRecordBytes = maxRecordBytes
        self.chunkSize = max(16, chunkSize)
        self.maxArchivePartBytes = max(1, maxArchivePartBytes)
        self.maxArchiveBytes = max(1, maxArchiveBytes)
        self.maxCompressionRatio = max(1, maxCompressionRatio)
        self.maxArchiveEntries = max(1, maxArchiveEntries)
        self.maxSharedStrings = max(1, maxSharedStrings)
        self.maxSharedStringBytes = max(1, maxSharedStringBytes)
        self.extractionDirectory = extractionDirectory
    }
}

/// What the publisher may force instead of letting Ingest detect it.
public struct IngestOptions: Sendable {
    /// The file format; detected from the name and content when nil.
    public var format: FileFormat?
    /// The text encoding; detected when nil. A declared UTF-8 file with invalid bytes is an error.
    public var encoding: TextEncoding?
    /// The CSV delimiter byte; detected among `;` `,` tab `|` when nil.
    public var delimiter: UInt8?
    /// Field types forced by the publisher, keyed by normalised field name or original label.
    public var fieldTypes: [String: FieldType]
    /// The worksheet of an XLSX workbook; the first sheet when nil.
    public var sheet: String?
    /// How many rows the detection keeps as a preview.
    public var previewRows: Int
    public var limits: IngestLimits

    public init(
        format: FileFormat? = nil, encoding: TextEncoding? = nil, delimiter: UInt8? = nil,
        fieldTypes: [String: FieldType] = [:], sheet: String? = nil, previewRows: Int = 20,
        limits: IngestLimits = IngestLimits()
    ) {
        self.sheet = sheet
        self.format = format
        self.encoding = encoding
        self.delimiter = delimiter
        self.fieldTypes = fieldTypes
        self.previewRows = previewRows
        self.limits = limits
    }

    /// Parses a delimiter as a user types it: `;`, `,`, `|`, `tab`, `\t`, or a tab character.
    public static func parseDelimiter(_ text: String) throws(IngestError) -> UInt8 {
        switch text {
        case "tab", "TAB", "\\t", "\t": return UInt8(ascii: "\t")
        default:
            let bytes = Array(text.utf8)
            guard bytes.count == 1, let byte = bytes.first, byte < 0x80, byte != UInt8(ascii: "\""),
                byte != 0x0A, byte != 0x0D, byte >= 0x20 || byte == 0x09
            else { throw .invalidDelimiter(text) }
            return byte
        }
    }

    /// Parses one `NAME=TYPE` override.
    public static func parseFieldOverride(_ text: String) throws(IngestError) -> (name: String, type: FieldType) {
        guard let equal = text.lastIndex(of: "=") else { throw .invalidFieldOverride(text) }
        let name = text[..<equal].trimmingASCIIWhitespace()
        let typeName = text[text.index(after: equal)...].trimmingASCIIWhitespace()
        guard !name.isEmpty, !typeName.isEmpty else { throw .invalidFieldOverride(text) }
        guard let type = FieldType(rawValue: typeName.lowercased()) else { throw .unknownFieldType(typeName) }
        return (name, type)
    }
}

extension StringProtocol {
    func trimmingASCIIWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
