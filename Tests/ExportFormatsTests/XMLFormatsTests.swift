import Foundation
import ODSQL
import Testing
import Vocabulary

@testable import ExportFormats

private func write(_ writer: some StreamingExportWriter, name: String) throws -> URL {
    let url = try Fixtures.temporaryDirectory().appending(path: name)
    try Data(try Fixtures.file(writer, [Fixtures.rows, []])).write(to: url)
    return url
}

@Test func xmlEscapingWorksPerUnicodeScalar() {
    // "e" + combining acute is one Character of two scalars; a flag is one Character of two scalars.
    #expect(XMLText.escape("<e\u{301}&🇫🇷>\"'") == "&lt;e\u{301}&amp;🇫🇷&gt;&quot;'")
    // "\r\n" is one Character: both scalars are kept; controls that XML forbids go.
    #expect(XMLText.escape("a\r\nb\u{1}c\u{FFFE}") == "a\r\nbc")
    #expect(XMLText.elementName("1 prix (€)") == "_1_prix____")
    #expect(XMLText.elementName("名前") == "名前")
}

@Test func kmlPlacemarksCarryAttributesAndGeometry() throws {
    let text = String(
        decoding: try Fixtures.file(KMLWriter(fields: Fixtures.fields, name: "villes"), [Fixtures.rows]), as: UTF8.self)
    #expect(text.components(separatedBy: "<Placemark>").count == 4)
    #expect(text.contains(#"<SimpleData name="name">Toulouse — «Ville rose» 🌹 &lt;&amp;&gt;</SimpleData>"#))
    #expect(text.contains("<Polygon><outerBoundaryIs><LinearRing><coordinates>1.4,43.5 1.5,43.5"))
    #expect(text.contains(#"<SimpleField name="population" type="int">"#))
    #expect(text.hasSuffix("</Document></kml>\n"))
}

@Test(.enabled(if: Readers.hasOGRInfo, "GDAL's ogrinfo is not installed (apt-get install gdal-bin)"))
func gdalReadsKML() throws {
    let url = try write(KMLWriter(fields: Fixtures.fields, name: "villes"), name: "villes.kml")
    defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
    let (features, summary) = try Readers.gdal(url.path)
    #expect(summary.contains("Feature Count: 3"))
    #expect(summary.contains("population: Integer"))
    #expect(summary.contains("area: Real"))
    let first = try #require(features.first)
    let properties = try #require(first["properties"] as? [String: Any])
    // GDAL reads a field called "name" as the placemark's Name.
    #expect(properties["Name"] as? String == "Toulouse — «Ville rose» 🌹 <&>")
    #expect(properties["population"] as? Int == 504_078)
    #expect(properties["capital"] as? Int == 1)
    #expect((features[1]["properties"] as? [String: Any])?["capital"] as? Int == 0)
    let geometry = try #require(first["geometry"] as? [String: Any])
    #expect(geometry["type"] as? String == "Polygon")
    #expect(features[1]["geometry"] is NSNull)
}

@Test func gpxPutsWaypointsBeforeTracks() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let fields = Fixtures.fields.filter { $0.kind != .geoPoint }
    let point = #"{"type":"Point","coordinates":[2.148,43.929]}"#
    var rows = Fixtures.rows.map { Array($0[..<6]) + [$0[8]] }
    for index in rows.indices { rows[index][6] = index == 1 ? .text(point) : rows[index][6] }
    let fieldsByKey = fields.enumerated().map {
        ExportField(name: $1.name, column: ResultColumn(key: $1.column.key, type: $1.column.type, firstSQLColumn: $0))
    }
    let gpx = try GPXWriter(fields: fieldsByKey, options: GPXOptions(nameField: "name"), scratchDirectory: directory)
    let text = String(decoding: try Fixtures.file(gpx, [rows]), as: UTF8.self)
    let waypoint = try #require(text.range(of: "<wpt lat=\"43.929\" lon=\"2.148\">"))
    let track = try #require(text.range(of: "<trk>"))
    #expect(waypoint.upperBound < track.lowerBound)
    #expect(text.contains("<name>Toulouse — «Ville rose» 🌹 &lt;&amp;&gt;</name>"))
    #expect(text.contains("<ogr:population>504078</ogr:population>"))
}

@Test func gpxOptionsFollowTheReference() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let described = try GPXWriter(
        fields: Fixtures.fields, options: GPXOptions(descriptionFields: ["population", "area"], useExtension: false),
        scratchDirectory: directory)
    let text = String(decoding: try Fixtures.file(described, [Fixtures.rows]), as: UTF8.self)
    #expect(text.contains("<desc>population: 504078\narea: 118.3</desc>"))
    #expect(!text.contains("<extensions>"))
    let points = Fixtures.fields.filter { $0.kind != .geoShape }
    let plain = try GPXWriter(fields: points, options: GPXOptions(useExtension: false), scratchDirectory: directory)
    let all = String(decoding: try Fixtures.file(plain, [Fixtures.rows]), as: UTF8.self)
    #expect(all.contains("<desc>name: Albi\npopulation: 49236\narea: 44.26\ncapital: false</desc>"))
    #expect(throws: ExportFormatError.self) {
        try GPXWriter(fields: Fixtures.fields, options: GPXOptions(nameField: "nope"), scratchDirectory: directory)
    }
}

@Test(.enabled(if: Readers.hasOGRInfo, "GDAL's ogrinfo is not installed (apt-get install gdal-bin)"))
func gdalReadsGPXWaypointsWithExtensions() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let fields = Fixtures.fields.filter { $0.kind != .geoShape }
    let writer = try GPXWriter(fields: fields, options: GPXOptions(nameField: "name"), scratchDirectory: directory)
    let url = directory.appending(path: "villes.gpx")
    try Data(try Fixtures.file(writer, [Fixtures.rows])).write(to: url)
    let (features, summary) = try Readers.gdal(url.path, layer: "waypoints")
    #expect(summary.contains("Layer name: waypoints"))
    let waypoints = features.filter { ($0["geometry"] as? [String: Any])?["type"] as? String == "Point" }
    #expect(waypoints.count == 2)
    let properties = try #require(waypoints.first?["properties"] as? [String: Any])
    #expect(properties["name"] as? String == "Toulouse — «Ville rose» 🌹 <&>")
    #expect("\(properties["ogr_population"] ?? "")" == "504078")
    let coordinates = try #require((waypoints.first?["geometry"] as? [String: Any])?["coordinates"] as? [Double])
    #expect(coordinates == [1.444, 43.604])
    // The scratch file is gone with the writer.
    _ = consume writer
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["villes.gpx"])
}
