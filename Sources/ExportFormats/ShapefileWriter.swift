import Foundation
import ODSQL
import Vocabulary

/// Streams a zipped ESRI shapefile: `NAME.shp`, `.shx`, `.dbf`, `.prj` (the ESRI WKT of the target EPSG)
/// and `.cpg` (`UTF-8`). A shapefile holds one geometry type: points (MultiPoint when any row has several)
/// for a geo_point_2d field; for a geo_shape field, the family (points, lines or polygons) that most rows
/// have. Rows of the other families keep their attributes with a null shape. Polygon rings are turned
/// clockwise (outer) and counter-clockwise (holes), as the format wants.
///
/// Memory: one batch. Geometries and attributes go to two scratch files in the caller's directory while
/// rows come, since the headers need counts, extents and field widths; the archive is written from them
/// at the end, the `.shx` index through a third scratch file.
public final class ShapefileWriter: StreamingExportWriter {
    private let name: String
    private let geometry: ExportField?
    private let reprojection: Reprojection
    private let table: DBFTable
    private let geometries: ScratchFile
    private let index: ScratchFile
    private var counts: [Geometry.Family: Int] = [:]
    private var hasMultiPoints = false
    private var extents: [Geometry.Family: Extent] = [:]
    private var contentWords: [Geometry.Family: Int64] = [:]
    private var stages: ShapefileStages?

    /// A writer of `fields` (the geometry is the first geo_shape field, else the first geo_point_2d one);
    /// entries are named `name.*`, coordinates projected by `reprojection`, scratch files made in
    /// `scratchDirectory`.
    public init(fields: [ExportField], name: String, reprojection: Reprojection, scratchDirectory: URL) throws {
        self.name = name
        geometry = ExportField.geometryField(in: fields)
        self.reprojection = reprojection
        table = try DBFTable(
            fields: fields.filter { $0 != ExportField.geometryField(in: fields) }, scratchDirectory: scratchDirectory)
        geometries = try ScratchFile(in: scratchDirectory, prefix: "shp-geometries")
        index = try ScratchFile(in: scratchDirectory, prefix: "shx-offsets")
    }

    public func begin() throws -> [UInt8] { [] }

    public func write(_ rows: [[SQLValue]]) throws -> [UInt8] {
        var spooled: [UInt8] = []
        for row in rows {
            try table.append(row)
            let shape = geometry?.value(in: row).shape.map(reprojection.project)
            guard let shape, let record = ShapeRecord(shape) else {
                spooled.append(0)
                continue
            }
            counts[record.family, default: 0] += 1
            if record.family == .point && record.parts.first?.count != 1 { hasMultiPoints = true }
            for part in record.parts { for position in part { extents[record.family, default: Extent()].add(position) } }
            contentWords[record.family, default: 0] += Int64(record.contentLength(multiPoint: true) / 2)
            record.spool(to: &spooled)
        }
        try geometries.append(spooled)
        return []
    }

    public func nextTrailingChunk() throws -> [UInt8]? {
        if stages == nil {
            let family = Geometry.Family.allCases.max { counts[$0, default: 0] < counts[$1, default: 0] } ?? .point
            stages = ShapefileStages(
                name: name, family: family, multiPoint: hasMultiPoints, extent: extents[family] ?? Extent(),
                rows: table.rowCount, familyRows: counts[family, default: 0],
                familyWords: family == .point && !hasMultiPoints
                    ? 10 * Int64(counts[family, default: 0]) : contentWords[family, default: 0],
                prj: reprojection.esriWKT, table: table, geometries: geometries, index: index)
        }
        return try stages?.next()
    }
}

/// One row's geometry reduced to a family and its parts (points, lines or rings), as spooled.
struct ShapeRecord {
    let family: Geometry.Family
    let parts: [[Position]]

    /// The parts of `shape`; a collection gives those of its members of its first member's family.
    init?(_ shape: Geometry) {
        switch shape {
        case .collection(let members):
            guard let first = members.compactMap(\.family).first else { return nil }
            let same = members.filter { $0.family == first }.map { ShapeRecord($0)?.parts ?? [] }
            self.init(family: first, parts: same.flatMap { $0 })
        case .point, .multiPoint:
            self.init(family: .point, parts: [shape.positions])
        case .lineString, .multiLineString:
            self.init(family: .line, parts: shape.parts)
        case .polygon(let rings):
            self.init(family: .polygon, parts: Self.oriented(rings))
        case .multiPolygon(let polygons):
            self.init(family: .polygon, parts: polygons.flatMap(Self.oriented))
        }
    }

    init(family: Geometry.Family, parts: [[Position]]) {
        self.family = family
        self.parts = parts
    }

    /// Outer ring clockwise, holes counter-clockwise.
    static func oriented(_ rings: [[Position]]) -> [[Position]] {
        rings.enumerated().map { index, ring in
            let clockwise = signedArea(ring) < 0
            return clockwise == (index == 0) ? ring : ring.reversed()
        }
    }

    private static func signedArea(_ ring: [Position]) -> Double {
        zip(ring, ring.dropFirst()).reduce(0) { $0 + ($1.0.x * $1.1.y - $1.1.x * $1.0.y) } / 2
    }

    /// Bytes of the record's content in the `.shp` (without its 8-byte header).
    func contentLength(multiPoint: Bool) -> Int {
        let points = parts.reduce(0) { $0 + $1.count }
        switch family {
        case .point: return multiPoint ? 40 + 16 * points : 20
        case .line, .polygon: return 44 + 4 * parts.count + 16 * points
        }
    }

    /// Spool form: family (1 point, 2 line, 3 polygon), part count, then each part's count and coordinates.
    func spool(to bytes: inout [UInt8]) {
        bytes.append(family == .point ? 1 : family == .line ? 2 : 3)
        ByteOrder.little(UInt32(parts.count), to: &bytes)
        for part in parts {
            ByteOrder.little(UInt32(part.count), to: &bytes)
            for position in part {
                ByteOrder.little(position.x, to: &bytes)
                ByteOrder.little(position.y, to: &bytes)
            }
        }
    }

    /// Reads a spooled record: nil for a row without geometry; throws at the end of the spool.
    static func read(_ reader: inout ScratchReader) throws -> ShapeRecord? {
        guard let tag = try reader.read(1)?.first else { throw ExportFormatError("truncated geometry spool") }
        guard tag != 0, let count = try reader.uint32() else { return nil }
        var parts: [[Position]] = []
        for _ in 0..<count {
            guard let points = try reader.uint32() else { throw ExportFormatError("truncated geometry spool") }
            var part: [Position] = []
            for _ in 0..<points {
                guard let x = try reader.double(), let y = try reader.double() else {
                    throw ExportFormatError("truncated geometry spool")
                }
                part.append(Position(x: x, y: y))
            }
            parts.append(part)
        }
        return ShapeRecord(family: tag == 1 ? .point : tag == 2 ? .line : .polygon, parts: parts)
    }
}
