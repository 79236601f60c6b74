import Foundation
import Testing
import Vocabulary

@testable import Ingest

@Suite struct ValueTests {
    func convert(_ text: String, _ type: FieldType) -> Value? {
        Array(text.utf8).withUnsafeBufferPointer { ValueConverter.convert($0, to: type) }
    }

    @Test func datetimeNormalisedToUTC() {
        #expect(convert("2018-02-07T02:00:00+01:00", .datetime) == .datetime("2018-02-07T01:00:00Z"))
        #expect(convert("2020-01-01T00:30:00+0100", .datetime) == .datetime("2019-12-31T23:30:00Z"))
        #expect(convert("1999-12-31T23:59:59.5-05", .datetime) == .datetime("2000-01-01T04:59:59.5Z"))
        #expect(convert("2024-03-01", .datetime) == .datetime("2024-03-01T00:00:00Z"))
        #expect(convert("07/02/2018 10:15:00", .datetime) == .datetime("2018-02-07T10:15:00Z"))
        #expect(convert("2018-13-07T02:00:00", .datetime) == nil)
        #expect(convert("2018-02-07T25:00:00", .datetime) == nil)
    }

    @Test func scalarConversions() {
        #expect(convert("-12", .int) == .int(-12))
        #expect(convert("3,25", .double) == .double(3.25))
        #expect(convert("Vrai", .boolean) == .bool(true))
        #expect(convert("non", .boolean) == .bool(false))
        #expect(convert("29/02/2023", .date) == nil)
        #expect(convert("{\"a\":[1,2]}", .jsonBlob) == .json("{\"a\":[1,2]}"))
        #expect(convert("not json", .jsonBlob) == nil)
    }

    @Test func wktConvertsToGeoJSON() throws {
        let value = convert("POLYGON ((0 0, 4 0, 4 2, 0 2, 0 0))", .geoShape)
        guard case .geoShape(let shape)? = value else {
            Issue.record("not a shape")
            return
        }
        #expect(shape.geoJSON == "{\"type\":\"Polygon\",\"coordinates\":[[[0.0,0.0],[4.0,0.0],[4.0,2.0],[0.0,2.0],[0.0,0.0]]]}")
        #expect(shape.bbox == BoundingBox(minLon: 0, minLat: 0, maxLon: 4, maxLat: 2))
        #expect(shape.centroid == GeoPoint(lat: 1, lon: 2))
        let point = convert("SRID=4326;POINT Z (1.5 43.2 150)", .geoShape)
        #expect(
            (point.map { if case .geoShape(let s) = $0 { s.geoJSON } else { "" } })
                == "{\"type\":\"Point\",\"coordinates\":[1.5,43.2]}")
        #expect(convert("POLYGON ((0 0, 1 0, 0 0))", .geoShape) == nil)
        #expect(convert("CIRCLE (1 2)", .geoShape) == nil)
    }

    @Test func geoPointFromAShapeIsItsCentroid() {
        #expect(convert("POINT (1 2)", .geoPoint2D) == .geoPoint(GeoPoint(lat: 2, lon: 1)))
        #expect(convert("95.0,1.0", .geoPoint2D) == nil)
    }

    @Test func invalidGeoJSONGeometries() {
        for text in [
            "{\"type\":\"Point\",\"coordinates\":[1]}", "{\"type\":\"Pointy\",\"coordinates\":[1,2]}",
            "{\"type\":\"Point\",\"coordinates\":[200,2]}", "{\"type\":\"LineString\",\"coordinates\":[[1,2]]}",
            "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}",
        ] {
            #expect(convert(text, .geoShape) == nil, "\(text)")
        }
    }

    @Test func recordBatchesOfAThousand() throws {
        var text = "n;t\n"
        for k in 0..<2_500 { text += "\(k);row \(k)\n" }
        let bytes = Array(text.utf8)
        let detection = try Ingest.detect(bytes: bytes)
        let reader = try Ingest.read(bytes: bytes, detection: detection)
        var batches: [RecordBatch] = []
        while let batch = try reader.next() { batches.append(batch) }
        #expect(batches.map(\.rows.count) == [1000, 1000, 500])
        #expect(batches.map(\.firstRecord) == [0, 1000, 2000])
        #expect(batches[2].rows[499] == [.int(2499), .text("row 2499")])
        #expect(try reader.next() == nil)
    }

    @Test func progressIsReported() throws {
        var text = "n\n"
        for k in 0..<40_000 { text += "\(k)\n" }
        var reports: [IngestProgress] = []
        _ = try Ingest.detect(bytes: Array(text.utf8)) { reports.append($0) }
        #expect(reports.count >= 2)
        #expect(reports.last?.bytesRead == text.utf8.count)
        #expect(reports.last?.records == 40_000)
    }
}

@Suite struct DetectionCodingTests {
    @Test func detectionSurvivesAJSONRoundTripBetweenPreviewAndConfirm() throws {
        let text = "id;geo;wkt\n1;43.6,1.44;POINT (1 2)\n"
        let detection = try detectCSV(text)
        let data = try JSONEncoder().encode(detection)
        let decoded = try JSONDecoder().decode(Detection.self, from: data)
        #expect(decoded == detection)
        #expect(decoded.preview == detection.preview)
        let reader = try Ingest.read(bytes: Array(text.utf8), detection: decoded)
        #expect(try reader.next()?.rows.count == 1)
    }
}
