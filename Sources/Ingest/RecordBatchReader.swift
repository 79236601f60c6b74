/// Reads a file again after detection and hands out typed records in batches. Pull-based: call ``next()``
/// until it returns nil. Memory holds one chunk of the file and one batch.
public final class RecordBatchReader {
    private let source: any RowSource
    private var converter: RowConverter
    private let expected: Int?
    private let batchSize: Int
    private var produced = 0
    /// The detection the reader follows.
    public let detection: Detection

    init(origin: SourceOrigin, detection: Detection, batchSize: Int) throws(IngestError) {
        self.detection = detection
        self.batchSize = max(1, batchSize)
        converter = RowConverter(fields: detection.fields)
        let limits = detection.limits
        if detection.format == .xlsx {
            let workbook = try XLSXWorkbook(origin: origin, limits: limits)
            let sheet = try XLSXRowSource(workbook: workbook, sheet: detection.sheet, limits: limits)
            _ = try sheet.next()
            sheet.width = detection.columnKeys.count
            source = sheet
            expected = nil
            return
        }
        let stream = DecodedStream(
            source: try origin.open(), encoding: detection.encoding, skip: detection.bomLength, chunkSize: limits.chunkSize)
        switch detection.format {
        case .csv:
            let parser = CSVParser(
                stream: stream, delimiter: detection.delimiter ?? UInt8(ascii: ","), maxCellBytes: limits.maxCellBytes,
                maxFields: max(limits.maxColumns, 10_000))
            _ = try parser.next()
            source = parser
            expected = detection.columnKeys.count
        case .xlsx:
            throw .unsupportedFormat("xlsx")
        case .json, .jsonLines, .geoJSON:
            let mode: JSONRecordStream.Mode =
                detection.format == .json ? .array : detection.format == .jsonLines ? .lines : .featureCollection
            let records = JSONRecordStream(stream: stream, mode: mode, maxRecordBytes: limits.maxRecordBytes)
            source = JSONRowSource(
                records: records, geoJSON: detection.format == .geoJSON, keys: detection.columnKeys,
                maxColumns: limits.maxColumns)
            expected = nil
        }
    }

    /// Progress of the read so far.
    public var progress: IngestProgress {
        IngestProgress(bytesRead: source.bytesRead, totalBytes: source.totalBytes, records: produced)
    }

    /// Per field name, how many non-empty cells did not fit the field type and were stored as null
    /// (only possible when a type was forced).
    public var invalidValueCounts: [String: Int] {
        var counts: [String: Int] = [:]
        for (k, field) in converter.fields.enumerated() where converter.invalidCounts[k] > 0 {
            counts[field.name] = converter.invalidCounts[k]
        }
        return counts
    }

    /// The next batch of at most `batchSize` records, or nil at the end of the file.
    public func next() throws(IngestError) -> RecordBatch? {
        var rows: [[Value]] = []
        rows.reserveCapacity(batchSize)
        let first = produced
        while rows.count < batchSize, try source.next() {
            if let expected, source.row.count != expected {
                throw .raggedRows(expected: expected, lines: [source.row.line], total: 1)
            }
            rows.append(converter.convert(source.row))
        }
        produced += rows.count
        guard !rows.isEmpty else { return nil }
        return RecordBatch(rows: rows, firstRecord: first, bytesRead: source.bytesRead, totalBytes: source.totalBytes)
    }
}
