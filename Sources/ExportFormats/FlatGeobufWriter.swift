import Foundation
import ODSQL
import Vocabulary

/// Streams a FlatGeobuf file (version 3): the magic bytes, the header (columns, CRS, no spatial index:
/// `index_node_size` 0, and `features_count` 0, "unknown", so that it can be sent first), then one
/// size-prefixed FlatBuffer per row with its geometry and its non-null properties. A geo_point_2d geometry
/// makes a Point layer; a geo_shape one an Unknown-type layer where every feature carries its own type,
/// so mixed geometries are kept.
///
/// Memory: one batch; nothing is kept between batches.
public final class FlatGeobufWriter: StreamingExportWriter {
    private let name: String
    private let geometry: ExportField?
    private let attributes: [ExportField]
    private let reprojection: Reprojection
    private var finished = false

    /// A writer of `fields` for a layer called `name`, coordinates projected by `reprojection`.
    public init(fields: [ExportField], name: String, reprojection: Reprojection) {
        self.name = name
        let geometry = ExportField.geometryField(in: fields)
        self.geometry = geometry
        attributes = fields.filter { $0 != geometry }
        self.reprojection = reprojection
    }

    public func begin() throws -> [UInt8] {
        let columns: [FlatBufferValue] = attributes.map { field in
            .table([.value(.string(field.name)), .u8(Self.columnType(field.kind))])
        }
        let crs = FlatBufferValue.table([
            .value(.string("EPSG")), .i32(Int32(clamping: reprojection.epsg)), nil, nil, .value(.string(reprojection.wkt)),
        ])
        let header = FlatBufferValue.table([
            .value(.string(name)), nil, .u8(geometry?.kind == .geoPoint ? 1 : 0), nil, nil, nil, nil,
            .value(.tables(columns)), .u64(0), .u16(0), .value(crs),
        ])
        let encoded = FlatBufferEncoder.encode(header)
        var bytes: [UInt8] = [0x66, 0x67, 0x62, 0x03, 0x66, 0x67, 0x62, 0x00]
        ByteOrder.little(UInt32(encoded.count), to: &bytes)
        return bytes + encoded
    }

    public func write(_ rows: [[SQLValue]]) throws -> [UInt8] {
        var bytes: [UInt8] = []
        for row in rows {
            var properties: [UInt8] = []
            for (index, field) in attributes.enumerated() {
                let value = field.value(in: row)
                guard value != .null else { continue }
                ByteOrder.little(UInt16(index), to: &properties)
                switch value {
                case .bool(let flag): properties.append(flag ? 1 : 0)
                case .int(let number): ByteOrder.little(number, to: &properties)
                case .double(let number): ByteOrder.little(number, to: &properties)
                default:
                    let text = Array((value.text ?? "").utf8)
                    ByteOrder.little(UInt32(text.count), to: &properties)
                    properties += text
                }
            }
            let shape = geometry?.value(in: row).shape.map(reprojection.project)
            let feature = FlatBufferValue.table([
                shape.map { .value(Self.geometry($0)) }, properties.isEmpty ? nil : .value(.bytes(properties)),
            ])
            let encoded = FlatBufferEncoder.encode(feature)
            ByteOrder.little(UInt32(encoded.count), to: &bytes)
            bytes += encoded
        }
        return bytes
    }

    public func nextTrailingChunk() throws -> [UInt8]? {
        guard !finished else { return nil }
        finished = true
        return []
    }

    /// FlatGeobuf's column type of a field: Long, Double, Bool, DateTime (dates too) or String.
    static func columnType(_ kind: ExportField.Kind) -> UInt8 {
        switch kind {
        case .int: 7
        case .double: 10
        case .boolean: 2
        case .date, .timestamp: 13
        case .text, .geoPoint, .geoShape: 11
        }
    }

    /// The Geometry table of `shape`: coordinates in `xy`, ring or line ends in `ends`, multipolygons and
    /// collections as `parts`.
    static func geometry(_ shape: Geometry) -> FlatBufferValue {
        func flat(_ lines: [[Position]], type: UInt8) -> FlatBufferValue {
            var ends: [UInt32] = []
            var total: UInt32 = 0
            for line in lines {
                total += UInt32(line.count)
                ends.append(total)
            }
            let xy = lines.flatMap { $0.flatMap { [$0.x, $0.y] } }
            return .table([lines.count > 1 ? .value(.uints(ends)) : nil, .value(.doubles(xy)), nil, nil, nil, nil, .u8(type)])
        }
        switch shape {
        case .point(let position): return flat([[position]], type: 1)
        case .lineString(let line): return flat([line], type: 2)
        case .polygon(let rings): return flat(rings, type: 3)
        case .multiPoint(let points): return flat([points], type: 4)
        case .multiLineString(let lines): return flat(lines, type: 5)
        case .multiPolygon(let polygons):
            return .table([nil, nil, nil, nil, nil, nil, .u8(6), .value(.tables(polygons.map { flat($0, type: 3) }))])
        case .collection(let members):
            return .table([nil, nil, nil, nil, nil, nil, .u8(7), .value(.tables(members.map(geometry)))])
        }
    }
}
