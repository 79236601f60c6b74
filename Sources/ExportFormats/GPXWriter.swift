import Foundation
import ODSQL
import Vocabulary

/// The GPX export's options, as Opendatasoft names them.
public struct GPXOptions: Sendable, Hashable {
    /// `name_field`: the field whose value is each point's or track's `<name>`.
    public var nameField: String?
    /// `description_field_list`: the fields written, as `field: value` lines, in `<desc>`.
    public var descriptionFields: [String]
    /// `use_extension` (default true): attributes as `<extensions>` elements (as GDAL writes them);
    /// false puts them in `<desc>` (when no `description_field_list` says otherwise).
    public var useExtension: Bool

    /// Options; the defaults are the reference's.
    public init(nameField: String? = nil, descriptionFields: [String] = [], useExtension: Bool = true) {
        self.nameField = nameField
        self.descriptionFields = descriptionFields
        self.useExtension = useExtension
    }
}

/// Streams a GPX 1.1 file: a row whose geometry is a point (or multipoint) gives waypoints `<wpt>`, one with
/// lines or polygons a track `<trk>` with a segment per line or ring; GeometryCollections contribute their
/// members. GPX orders all waypoints before all tracks, so tracks go to a scratch file in the caller's
/// directory and follow the waypoints at the end. Rows without a geometry are left out. Coordinates are
/// WGS 84 (GPX has no other system).
///
/// Memory: one batch (tracks are on disk until the end).
public final class GPXWriter: StreamingExportWriter {
    private let geometry: ExportField?
    private let attributes: [ExportField]
    private let nameField: ExportField?
    private let descriptionFields: [ExportField]
    private let options: GPXOptions
    private let tracks: ScratchFile
    private var trailerSent = false

    /// A writer of `fields`; throws for an option naming an unknown field.
    public init(fields: [ExportField], options: GPXOptions, scratchDirectory: URL) throws {
        geometry = ExportField.geometryField(in: fields)
        attributes = fields.filter { !($0.kind == .geoPoint || $0.kind == .geoShape) }
        func field(_ name: String, option: String) throws -> ExportField {
            guard let found = fields.first(where: { $0.column.key == name || $0.name == name }) else {
                throw ExportFormatError("\(option): unknown field \"\(name)\"")
            }
            return found
        }
        nameField = try options.nameField.map { try field($0, option: "name_field") }
        var described = try options.descriptionFields.map { try field($0, option: "description_field_list") }
        if described.isEmpty, !options.useExtension { described = attributes }
        descriptionFields = described
        self.options = options
        tracks = try ScratchFile(in: scratchDirectory, prefix: "gpx-tracks")
    }

    public func begin() throws -> [UInt8] {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += #"<gpx version="1.1" creator="Garona" xmlns="http://www.topografix.com/GPX/1/1""#
        xml += #" xmlns:ogr="http://osgeo.org/gdal" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#
        xml += #" xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd">"#
        return Array((xml + "\n").utf8)
    }

    public func write(_ rows: [[SQLValue]]) throws -> [UInt8] {
        var waypoints = ""
        var trackText = ""
        for row in rows {
            guard let shape = geometry?.value(in: row).shape else { continue }
            let details = self.details(row)
            for point in Self.points(of: shape) {
                waypoints += "<wpt lat=\"\(XMLText.number(point.y))\" lon=\"\(XMLText.number(point.x))\">\n\(details)</wpt>\n"
            }
            let segments = Self.segments(of: shape)
            if !segments.isEmpty {
                trackText += "<trk>\n\(details)"
                for segment in segments {
                    trackText += "  <trkseg>\n"
                    for point in segment {
                        trackText += "    <trkpt lat=\"\(XMLText.number(point.y))\" lon=\"\(XMLText.number(point.x))\"></trkpt>\n"
                    }
                    trackText += "  </trkseg>\n"
                }
                trackText += "</trk>\n"
            }
        }
        if !trackText.isEmpty { try tracks.append(Array(trackText.utf8)) }
        return Array(waypoints.utf8)
    }

    public func nextTrailingChunk() throws -> [UInt8]? {
        if let chunk = try tracks.nextChunk() { return chunk }
        guard !trailerSent else { return nil }
        trailerSent = true
        return Array("</gpx>\n".utf8)
    }

    /// `<name>`, `<desc>` and `<extensions>` of a row, in GPX's element order.
    private func details(_ row: [SQLValue]) -> String {
        var xml = ""
        if let text = nameField?.value(in: row).text { xml += "  <name>\(XMLText.escape(text))</name>\n" }
        let lines = descriptionFields.compactMap { field in field.value(in: row).text.map { "\(field.name): \($0)" } }
        if !lines.isEmpty { xml += "  <desc>\(XMLText.escape(lines.joined(separator: "\n")))</desc>\n" }
        if options.useExtension {
            var extensions = ""
            for field in attributes {
                guard let text = field.value(in: row).text else { continue }
                let element = "ogr:" + XMLText.elementName(field.name)
                extensions += "    <\(element)>\(XMLText.escape(text))</\(element)>\n"
            }
            if !extensions.isEmpty { xml += "  <extensions>\n\(extensions)  </extensions>\n" }
        }
        return xml
    }

    static func points(of shape: Geometry) -> [Position] {
        switch shape {
        case .point(let position): [position]
        case .multiPoint(let points): points
        case .collection(let members): members.flatMap(points)
        default: []
        }
    }

    static func segments(of shape: Geometry) -> [[Position]] {
        switch shape {
        case .point, .multiPoint: []
        case .collection(let members): members.flatMap(segments)
        default: shape.parts
        }
    }
}
