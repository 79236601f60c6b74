import Foundation
import ODSQL
import Testing

@testable import ExportFormats

@Test func flatBuffersPointForwardAndAlignDoubles() {
    let buffer = FlatBufferEncoder.encode(.table([.u8(3), .value(.doubles([1.5]))]))
    let root = Int(buffer[0]) | Int(buffer[1]) << 8
    #expect(root % 8 == 0)
    // The vtable: its size (4 + 2 fields · 2 bytes), then the table's size.
    let vtable = root - (Int(buffer[root]) | Int(buffer[root + 1]) << 8)
    #expect(buffer[vtable] == 8)
    let vectorSlot = root + Int(buffer[vtable + 6])
    let vector = vectorSlot + (Int(buffer[vectorSlot]) | Int(buffer[vectorSlot + 1]) << 8)
    #expect(vector > vectorSlot)
    #expect((vector + 4) % 8 == 0)
    #expect(Array(buffer[vector + 4..<vector + 12]) == withUnsafeBytes(of: 1.5.bitPattern.littleEndian, Array.init))
}

@Test(.enabled(if: Readers.hasOGRInfo, "GDAL's ogrinfo is not installed (apt-get install gdal-bin)"))
func gdalReadsFlatGeobufWithMixedShapes() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let line = #"{"type":"LineString","coordinates":[[1.4,43.5],[1.5,43.6]]}"#
    let multi = #"{"type":"MultiPolygon","coordinates":[[[[1,43],[2,43],[2,44],[1,43]]],[[[3,43],[4,43],[4,44],[3,43]]]]}"#
    var rows = Fixtures.rows
    rows[1][8] = .text(line)
    rows[2][8] = .text(multi)
    let writer = FlatGeobufWriter(fields: Fixtures.fields, name: "villes", reprojection: try Reprojection(epsg: 3857))
    let url = directory.appending(path: "villes.fgb")
    try Data(try Fixtures.file(writer, [Array(rows[..<1]), Array(rows[1...])])).write(to: url)
    let (features, summary) = try Readers.gdal(url.path)
    #expect(summary.contains("Pseudo-Mercator"))
    #expect(summary.contains("population: Integer64"))
    #expect(summary.contains("area: Real"))
    #expect(summary.contains("updated: DateTime"))
    try #require(features.count == 3)
    let properties = try #require(features[0]["properties"] as? [String: Any])
    #expect(properties["name"] as? String == "Toulouse — «Ville rose» 🌹 <&>")
    #expect(properties["population"] as? Int == 504_078)
    #expect(properties["capital"] as? Bool == true || properties["capital"] as? Int == 1)
    #expect(
        properties["updated"] as? String == "2024-12-31T23:30:00Z" || properties["updated"] as? String == "2024/12/31 23:30:00+00"
    )
    let types = features.map { ($0["geometry"] as? [String: Any])?["type"] as? String }
    #expect(types == ["Polygon", "LineString", "MultiPolygon"])
    let line3857 = try #require((features[1]["geometry"] as? [String: Any])?["coordinates"] as? [[Double]])
    #expect(abs(line3857[0][0] - 155_847.29) < 0.01)
    let third = try #require(features[2]["properties"] as? [String: Any])
    #expect(third["population"] == nil || third["population"] is NSNull)
}
