import Foundation
import ODSQL
import Testing
import Vocabulary

@testable import ExportFormats

private func shapefile(_ fields: [ExportField], _ rows: [[SQLValue]], epsg: Int, batches: Int = 1) throws -> (URL, URL) {
    let directory = try Fixtures.temporaryDirectory()
    let writer = try ShapefileWriter(
        fields: fields, name: "villes", reprojection: try Reprojection(epsg: epsg), scratchDirectory: directory)
    let size = max(1, rows.count / batches)
    let parts = stride(from: 0, to: rows.count, by: size).map { Array(rows[$0..<min(rows.count, $0 + size)]) }
    let url = directory.appending(path: "villes.zip")
    try Data(try Fixtures.file(writer, parts)).write(to: url)
    return (url, directory)
}

@Test func dbfCutsTextOnScalarBoundaries() {
    #expect(DBFTable.cut("aé", to: 2) == "a")
    #expect(DBFTable.cut("abc", to: 3) == "abc")
    #expect(DBFTable.cut(String(repeating: "🌹", count: 100), to: 254).utf8.count == 252)
}

@Test func polygonRingsAreClockwiseOutside() {
    let counterClockwise = [Position(x: 0, y: 0), Position(x: 1, y: 0), Position(x: 1, y: 1), Position(x: 0, y: 0)]
    let oriented = ShapeRecord.oriented([counterClockwise, counterClockwise])
    #expect(oriented[0] == counterClockwise.reversed())
    #expect(oriented[1] == counterClockwise)
}

@Test(.enabled(if: Readers.hasOGRInfo, "GDAL's ogrinfo is not installed (apt-get install gdal-bin)"))
func gdalReadsPointsInLambert93() throws {
    let fields = Fixtures.fields.filter { $0.kind != .geoShape }
    let (url, directory) = try shapefile(fields, Fixtures.rows, epsg: 2154)
    defer { try? FileManager.default.removeItem(at: directory) }
    let (features, summary) = try Readers.gdal("/vsizip/" + url.path + "/villes.shp")
    #expect(summary.contains("Geometry: Point"))
    #expect(summary.contains("Feature Count: 3"))
    #expect(summary.contains("RGF93"))
    #expect(summary.contains("population: Integer (6.0)"))
    #expect(summary.contains("area: Real (6.2)"))
    #expect(summary.contains("founded: Date (10.0)"))
    #expect(summary.contains("name: String (36.0)"))
    let first = try #require(features.first)
    let coordinates = try #require((first["geometry"] as? [String: Any])?["coordinates"] as? [Double])
    #expect(abs(coordinates[0] - 574_340) < 10 && abs(coordinates[1] - 6_279_566) < 10)
    let properties = try #require(first["properties"] as? [String: Any])
    #expect(properties["name"] as? String == "Toulouse — «Ville rose» 🌹 <&>")
    #expect(properties["population"] as? Int == 504_078)
    #expect(properties["area"] as? Double == 118.3)
    #expect(properties["founded"] as? String == "1790-03-04")
    #expect("\(properties["capital"] ?? "")" == "1" || properties["capital"] as? String == "T")
    #expect(features[2]["geometry"] is NSNull)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["villes.zip"])
}

@Test(.enabled(if: Readers.hasOGRInfo, "GDAL's ogrinfo is not installed (apt-get install gdal-bin)"))
func gdalReadsTheDominantShapeFamily() throws {
    let line = #"{"type":"LineString","coordinates":[[1.4,43.5],[1.5,43.6]]}"#
    let holed =
        #"{"type":"MultiPolygon","coordinates":[[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[1,2],[2,2],[2,1],[1,1]]]]}"#
    let fields = [
        ExportField(ResultColumn(key: "id", type: .int, firstSQLColumn: 0)),
        ExportField(ResultColumn(key: "shape", type: .geoShape, firstSQLColumn: 1)),
    ]
    let rows: [[SQLValue]] = (0..<12_000).map { index in
        [.int(Int64(index)), .text(index == 5 ? line : index % 2 == 0 ? Fixtures.square : holed)]
    }
    let (url, directory) = try shapefile(fields, rows, epsg: 4326, batches: 7)
    defer { try? FileManager.default.removeItem(at: directory) }
    let (features, summary) = try Readers.gdal("/vsizip/" + url.path + "/villes.shp")
    #expect(summary.contains("Geometry: Polygon"))
    #expect(summary.contains("Feature Count: 12000"))
    #expect(summary.contains("Extent: (0.000000, 0.000000) - (4.000000, 43.700000)"))
    #expect(summary.contains("id: Integer (5.0)"))
    #expect(features[5]["geometry"] is NSNull)
    #expect((features[5]["properties"] as? [String: Any])?["id"] as? Int == 5)
    let holedGeometry = try #require(features[1]["geometry"] as? [String: Any])
    #expect(holedGeometry["type"] as? String == "Polygon")
    #expect((holedGeometry["coordinates"] as? [Any])?.count == 2)
    #expect((features[11_999]["properties"] as? [String: Any])?["id"] as? Int == 11_999)
}
