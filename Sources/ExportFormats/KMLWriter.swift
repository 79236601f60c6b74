import ODSQL
import Vocabulary

/// Streams a KML 2.2 document: a `Schema` declaring the attribute fields, then one `Placemark` per row
/// with its attributes as `ExtendedData/SchemaData` and its geometry (the first geo_shape field, else the
/// first geo_point_2d one) as Point, LineString, Polygon or MultiGeometry; rows without one have none.
/// KML's coordinates are WGS 84 longitudes and latitudes by definition, so a reprojection other than
/// EPSG:4326 gives a file only clients that ignore the standard read as meant (Opendatasoft allows it).
///
/// Memory: one batch; nothing is kept between batches.
public final class KMLWriter: StreamingExportWriter {
    private let name: String
    private let geometry: ExportField?
    private let attributes: [ExportField]
    private let reprojection: Reprojection?
    private var finished = false

    /// A writer of `fields` for a document called `name` (the dataset id); coordinates go through
    /// `reprojection` when given.
    public init(fields: [ExportField], name: String, reprojection: Reprojection? = nil) {
        self.name = name
        let geometry = ExportField.geometryField(in: fields)
        self.geometry = geometry
        attributes = fields.filter { $0 != geometry }
        self.reprojection = reprojection
    }

    public func begin() throws -> [UInt8] {
        let schemaID = XMLText.escape(XMLText.elementName(name))
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += #"<kml xmlns="http://www.opengis.net/kml/2.2"><Document id="root_doc">"# + "\n"
        xml += "<Schema name=\"\(schemaID)\" id=\"\(schemaID)\">\n"
        for field in attributes {
            xml += "\t<SimpleField name=\"\(XMLText.escape(field.name))\" type=\"\(Self.kmlType(field.kind))\"></SimpleField>\n"
        }
        xml += "</Schema>\n<Folder><name>\(XMLText.escape(name))</name>\n"
        return Array(xml.utf8)
    }

    public func write(_ rows: [[SQLValue]]) throws -> [UInt8] {
        var xml = ""
        let schemaURL = "#" + XMLText.escape(XMLText.elementName(name))
        for row in rows {
            xml += "<Placemark>\n\t<ExtendedData><SchemaData schemaUrl=\"\(schemaURL)\">\n"
            for field in attributes {
                let value = field.value(in: row)
                // KML's bool is 0 or 1.
                guard let text = value == .bool(true) ? "1" : value == .bool(false) ? "0" : value.text else { continue }
                xml += "\t\t<SimpleData name=\"\(XMLText.escape(field.name))\">\(XMLText.escape(text))</SimpleData>\n"
            }
            xml += "\t</SchemaData></ExtendedData>\n"
            if let shape = geometry?.value(in: row).shape {
                xml += "\t" + Self.kml(reprojection?.project(shape) ?? shape) + "\n"
            }
            xml += "</Placemark>\n"
        }
        return Array(xml.utf8)
    }

    public func nextTrailingChunk() throws -> [UInt8]? {
        guard !finished else { return nil }
        finished = true
        return Array("</Folder>\n</Document></kml>\n".utf8)
    }

    static func kmlType(_ kind: ExportField.Kind) -> String {
        switch kind {
        case .int: "int"
        case .double: "float"
        case .boolean: "bool"
        default: "string"
        }
    }

    /// The KML geometry element of `shape`.
    static func kml(_ shape: Geometry) -> String {
        switch shape {
        case .point(let position): "<Point><coordinates>\(coordinates([position]))</coordinates></Point>"
        case .lineString(let line): "<LineString><coordinates>\(coordinates(line))</coordinates></LineString>"
        case .polygon(let rings): polygon(rings)
        case .multiPoint(let points): multi(points.map { kml(.point($0)) })
        case .multiLineString(let lines): multi(lines.map { kml(.lineString($0)) })
        case .multiPolygon(let polygons): multi(polygons.map(polygon))
        case .collection(let members): multi(members.map(kml))
        }
    }

    private static func polygon(_ rings: [[Position]]) -> String {
        var xml = "<Polygon>"
        for (index, ring) in rings.enumerated() {
            let boundary = index == 0 ? "outerBoundaryIs" : "innerBoundaryIs"
            xml += "<\(boundary)><LinearRing><coordinates>\(coordinates(ring))</coordinates></LinearRing></\(boundary)>"
        }
        return xml + "</Polygon>"
    }

    private static func multi(_ members: [String]) -> String {
        "<MultiGeometry>" + members.joined() + "</MultiGeometry>"
    }

    private static func coordinates(_ positions: [Position]) -> String {
        positions.map { XMLText.number($0.x) + "," + XMLText.number($0.y) }.joined(separator: " ")
    }
}
