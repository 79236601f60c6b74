import ODSQL

/// The codec of Parquet data pages.
public enum ParquetCompression: String, Sendable, CaseIterable {
    case uncompressed
    case gzip
    case snappy

    /// Parquet's `CompressionCodec` value.
    var codec: Int32 {
        switch self {
        case .uncompressed: 0
        case .snappy: 1
        case .gzip: 2
        }
    }

    func compress(_ page: [UInt8]) -> [UInt8] {
        switch self {
        case .uncompressed: page
        case .gzip: Compression.gzip(page)
        case .snappy: Snappy.compress(page)
        }
    }
}

/// Streams an Apache Parquet file: one flat schema of OPTIONAL columns (INT64, DOUBLE, BOOLEAN, DATE as
/// INT32 days, TIMESTAMP(isAdjustedToUTC, MICROS) as INT64, STRING as UTF-8 BYTE_ARRAY; geo_point_2d and
/// geo_shape as GeoJSON geometry text), PLAIN values, RLE definition levels, one data page per column per
/// row group, and the Thrift compact footer.
///
/// Memory: one row group's encoded values, at most `rowsPerGroup` rows and about `bytesPerGroup` bytes,
/// plus the footer's metadata (about 150 bytes per column per row group). Bytes go out a row group at a time.
public final class ParquetWriter: StreamingExportWriter {
    private var columns: [ParquetColumn]
    private let compression: ParquetCompression
    private let rowsPerGroup: Int
    private let bytesPerGroup: Int
    private var rowsInGroup = 0
    private var totalRows: Int64 = 0
    private var offset: Int64 = 0
    private var rowGroups: [[UInt8]] = []
    private var finished = false

    /// A writer of `fields`, in order. `rowsPerGroup` and `bytesPerGroup` bound a row group (whichever
    /// is reached first).
    public init(
        fields: [ExportField], compression: ParquetCompression = .snappy, rowsPerGroup: Int = 65_536,
        bytesPerGroup: Int = 64 << 20
    ) {
        var used: Set<String> = []
        columns = fields.map { field in
            var name = field.name
            var suffix = 2
            while used.contains(name) {
                name = "\(field.name)_\(suffix)"
                suffix += 1
            }
            used.insert(name)
            return ParquetColumn(field: field, name: name)
        }
        self.compression = compression
        self.rowsPerGroup = max(1, rowsPerGroup)
        self.bytesPerGroup = max(1, bytesPerGroup)
    }

    /// The magic number `PAR1`.
    public func begin() throws -> [UInt8] {
        offset = 4
        return Array("PAR1".utf8)
    }

    /// Buffers the rows; returns the row groups that filled up.
    public func write(_ rows: [[SQLValue]]) throws -> [UInt8] {
        var output: [UInt8] = []
        for row in rows {
            for index in columns.indices { columns[index].append(row) }
            rowsInGroup += 1
            if rowsInGroup >= rowsPerGroup || columns.reduce(0, { $0 + $1.bufferedBytes }) >= bytesPerGroup {
                output += flushRowGroup()
            }
        }
        return output
    }

    /// The last row group and the footer, then nil.
    public func nextTrailingChunk() throws -> [UInt8]? {
        guard !finished else { return nil }
        finished = true
        var output = rowsInGroup > 0 ? flushRowGroup() : []
        let footer = footerBytes()
        output += footer
        ByteOrder.little(UInt32(footer.count), to: &output)
        output += Array("PAR1".utf8)
        return output
    }

    private func flushRowGroup() -> [UInt8] {
        var output: [UInt8] = []
        var chunks: [(column: ParquetColumn, offset: Int64, uncompressed: Int64, compressed: Int64)] = []
        for index in columns.indices {
            let page = columns[index].takePage()
            let body = compression.compress(page)
            var header = ThriftCompactWriter()
            header.i32(1, 0)  // DATA_PAGE
            header.i32(2, Int32(clamping: page.count))
            header.i32(3, Int32(clamping: body.count))
            header.beginStruct(5)
            header.i32(1, Int32(clamping: rowsInGroup))
            header.i32(2, 0)  // PLAIN
            header.i32(3, 3)  // RLE definition levels
            header.i32(4, 3)  // RLE repetition levels (none: the schema is flat)
            header.endStruct()
            header.end()
            let chunkOffset = offset + Int64(output.count)
            output += header.bytes
            output += body
            chunks.append(
                (columns[index], chunkOffset, Int64(header.bytes.count + page.count), Int64(header.bytes.count + body.count))
            )
        }
        var group = ThriftCompactWriter()
        group.listHeader(1, elementType: .structure, count: chunks.count)
        for chunk in chunks {
            group.beginStructValue()
            group.i64(2, chunk.offset)
            group.beginStruct(3)
            group.i32(1, chunk.column.physicalType.rawValue)
            group.listHeader(2, elementType: .i32, count: 2)
            group.i32Value(0)  // PLAIN
            group.i32Value(3)  // RLE
            group.listHeader(3, elementType: .binary, count: 1)
            group.stringValue(chunk.column.name)
            group.i32(4, compression.codec)
            group.i64(5, Int64(rowsInGroup))
            group.i64(6, chunk.uncompressed)
            group.i64(7, chunk.compressed)
            group.i64(9, chunk.offset)
            group.endStruct()
            group.endStruct()
        }
        group.i64(2, chunks.reduce(0) { $0 + $1.uncompressed })
        group.i64(3, Int64(rowsInGroup))
        group.i64(5, chunks.first?.offset ?? offset)
        group.i64(6, chunks.reduce(0) { $0 + $1.compressed })
        group.end()
        rowGroups.append(group.bytes)
        totalRows += Int64(rowsInGroup)
        rowsInGroup = 0
        offset += Int64(output.count)
        return output
    }

    private func footerBytes() -> [UInt8] {
        var footer = ThriftCompactWriter()
        footer.i32(1, 1)
        footer.listHeader(2, elementType: .structure, count: columns.count + 1)
        footer.beginStructValue()
        footer.string(4, "schema")
        footer.i32(5, Int32(clamping: columns.count))
        footer.endStruct()
        for column in columns { schemaElement(column, to: &footer) }
        footer.i64(3, totalRows)
        footer.listHeader(4, elementType: .structure, count: rowGroups.count)
        for group in rowGroups { footer.encodedStructValue(group) }
        footer.string(6, "garona")
        footer.end()
        return footer.bytes
    }

    private func schemaElement(_ column: ParquetColumn, to writer: inout ThriftCompactWriter) {
        writer.beginStructValue()
        writer.i32(1, column.physicalType.rawValue)
        writer.i32(3, 1)  // OPTIONAL
        writer.string(4, column.name)
        switch column.field.kind {
        case .text, .geoPoint, .geoShape:
            writer.i32(6, 0)  // UTF8
            writer.beginStruct(10)
            writer.beginStruct(1)  // STRING
            writer.endStruct()
            writer.endStruct()
        case .date:
            writer.i32(6, 6)  // DATE
            writer.beginStruct(10)
            writer.beginStruct(6)  // DATE
            writer.endStruct()
            writer.endStruct()
        case .timestamp:
            writer.i32(6, 10)  // TIMESTAMP_MICROS
            writer.beginStruct(10)
            writer.beginStruct(8)  // TIMESTAMP
            writer.bool(1, true)  // isAdjustedToUTC
            writer.beginStruct(2)
            writer.beginStruct(2)  // MICROS
            writer.endStruct()
            writer.endStruct()
            writer.endStruct()
            writer.endStruct()
        case .int, .double, .boolean:
            break
        }
        writer.endStruct()
    }
}
