import Vocabulary

/// Writes the shapefile archive from the spooled rows, entry after entry, about 1 MiB per call.
final class ShapefileStages {
    private enum Stage { case shp, shx, dbfHeader, dbf, small, directory, done }

    private let name: String
    private let family: Geometry.Family
    private let multiPoint: Bool
    private let extent: Extent
    private let rows: UInt32
    private let shapeType: Int32
    private let shpWords: Int64
    private let prj: String
    private let table: DBFTable
    private let index: ScratchFile
    private var geometries: ScratchReader
    private var attributes: ScratchReader?
    private var zip = ZipEntries()
    private var stage = Stage.shp
    private var written: UInt32 = 0
    private var offsetWords: Int64 = 50

    init(
        name: String, family: Geometry.Family, multiPoint: Bool, extent: Extent, rows: UInt32, familyRows: Int,
        familyWords: Int64, prj: String, table: DBFTable, geometries: ScratchFile, index: ScratchFile
    ) {
        self.name = name
        self.family = family
        self.multiPoint = multiPoint
        self.extent = extent
        self.rows = rows
        shapeType =
            switch family {
            case .point: multiPoint ? 8 : 1
            case .line: 3
            case .polygon: 5
            }
        // Record headers (4 words each), the family's contents, and 2 words per null shape.
        shpWords = 50 + 4 * Int64(rows) + familyWords + 2 * (Int64(rows) - Int64(familyRows))
        self.prj = prj
        self.table = table
        self.index = index
        self.geometries = ScratchReader(geometries)
    }

    func next() throws -> [UInt8]? {
        switch stage {
        case .shp:
            var bytes: [UInt8] = []
            if written == 0 { bytes = try zip.begin(name + ".shp") + zip.data(fileHeader(words: shpWords)) }
            var chunk: [UInt8] = []
            var offsets: [UInt8] = []
            while written < rows && chunk.count < 1 << 20 {
                let record = try ShapeRecord.read(&geometries)
                let content = record?.family == family ? encode(record!) : [0, 0, 0, 0]
                written += 1
                ByteOrder.big(Int32(written), to: &chunk)
                ByteOrder.big(Int32(content.count / 2), to: &chunk)
                chunk += content
                ByteOrder.big(Int32(clamping: offsetWords), to: &offsets)
                ByteOrder.big(Int32(content.count / 2), to: &offsets)
                offsetWords += 4 + Int64(content.count / 2)
            }
            try index.append(offsets)
            bytes += try zip.data(chunk)
            if written == rows {
                bytes += zip.end()
                stage = .shx
                bytes += try zip.begin(name + ".shx") + zip.data(fileHeader(words: 50 + 4 * Int64(rows)))
            }
            return bytes
        case .shx:
            guard let chunk = try index.nextChunk() else {
                stage = .dbfHeader
                return zip.end()
            }
            return try zip.data(chunk)
        case .dbfHeader:
            stage = .dbf
            attributes = table.reader()
            return try zip.begin(name + ".dbf") + zip.data(table.header())
        case .dbf:
            if var reader = attributes, let records = try table.nextRecords(&reader) {
                attributes = reader
                return try zip.data(records)
            }
            stage = .small
            return try zip.data(DBFTable.end) + zip.end()
        case .small:
            stage = .directory
            var bytes = try zip.begin(name + ".prj") + zip.data(Array(prj.utf8)) + zip.end()
            bytes += try zip.begin(name + ".cpg") + zip.data(Array("UTF-8".utf8)) + zip.end()
            return bytes
        case .directory:
            stage = .done
            return try zip.finish()
        case .done:
            return nil
        }
    }

    /// The 100-byte header of the `.shp` and `.shx`.
    private func fileHeader(words: Int64) -> [UInt8] {
        var bytes: [UInt8] = []
        ByteOrder.big(Int32(9994), to: &bytes)
        bytes += [UInt8](repeating: 0, count: 20)
        ByteOrder.big(Int32(clamping: words), to: &bytes)
        ByteOrder.little(Int32(1000), to: &bytes)
        ByteOrder.little(rows == 0 ? 0 : shapeType, to: &bytes)
        let box = extent.isEmpty ? Extent.zero : extent
        for value in [box.minX, box.minY, box.maxX, box.maxY, 0, 0, 0, 0] { ByteOrder.little(value, to: &bytes) }
        return bytes
    }

    /// A record's content for the chosen shape type.
    private func encode(_ record: ShapeRecord) -> [UInt8] {
        var bytes: [UInt8] = []
        ByteOrder.little(shapeType, to: &bytes)
        let points = record.parts.flatMap { $0 }
        if shapeType == 1, let point = points.first {
            ByteOrder.little(point.x, to: &bytes)
            ByteOrder.little(point.y, to: &bytes)
            return bytes
        }
        var box = Extent()
        points.forEach { box.add($0) }
        for value in [box.minX, box.minY, box.maxX, box.maxY] { ByteOrder.little(value, to: &bytes) }
        if shapeType != 8 {
            ByteOrder.little(Int32(clamping: record.parts.count), to: &bytes)
        }
        ByteOrder.little(Int32(clamping: points.count), to: &bytes)
        if shapeType != 8 {
            var start: Int32 = 0
            for part in record.parts {
                ByteOrder.little(start, to: &bytes)
                start += Int32(clamping: part.count)
            }
        }
        for point in points {
            ByteOrder.little(point.x, to: &bytes)
            ByteOrder.little(point.y, to: &bytes)
        }
        return bytes
    }
}

extension Extent {
    /// The box of an empty file: all zeros.
    static let zero: Extent = {
        var box = Extent()
        box.add(Position(x: 0, y: 0))
        return box
    }()
}
