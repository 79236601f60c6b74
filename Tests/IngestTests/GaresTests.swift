import Foundation
import Testing
import Vocabulary

@testable import Ingest

@Suite struct GaresTests {
    /// `../shared/data/gares-occitanie.csv` beside the repository root.
    static let file: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent()  // IngestTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root
        .appendingPathComponent("../shared/data/gares-occitanie.csv")
        .standardizedFileURL

    @Test func realExportFromDataLaregionFr() throws {
        let detection = try Ingest.detect(url: Self.file)
        #expect(detection.format == .csv)
        #expect(detection.encoding == .utf8)
        #expect(detection.delimiterText == ";")
        #expect(detection.recordCount == 280)
        #expect(detection.type("objectid") == .int)
        #expect(detection.type("codeuic") == .int)
        #expect(detection.type("departement") == .text)
        #expect(detection.type("date_maj") == .datetime)
        #expect(detection.type("geo_shape") == .geoShape)
        #expect(detection.type("geo_point_2d") == .geoPoint2D)
        #expect(detection.fields.count == 11)
        #expect(detection.preview.count == 20)

        let reader = try Ingest.read(url: Self.file, detection: detection, batchSize: 100)
        var rows: [[Value]] = []
        var sizes: [Int] = []
        while let batch = try reader.next() {
            sizes.append(batch.rows.count)
            rows.append(contentsOf: batch.rows)
        }
        #expect(sizes == [100, 100, 80])
        #expect(reader.progress.bytesRead == reader.progress.totalBytes)
        #expect(rows.count == 280)
        let names = detection.fields.map(\.name)
        let first = Dictionary(uniqueKeysWithValues: zip(names, rows[0]))
        #expect(first["objectid"] == .int(1))
        #expect(first["toponyme"] == .text("Fontpédrouse-Saint-Thomas"))
        #expect(first["departement"] == .text("66"))
        #expect(first["date_maj"] == .datetime("2018-02-07T01:00:00Z"))
        #expect(first["geo_point_2d"] == .geoPoint(GeoPoint(lat: 42.5136974097, lon: 2.18860655572)))
        guard case .geoShape(let shape)? = first["geo_shape"] else {
            Issue.record("geo_shape is not a shape")
            return
        }
        #expect(shape.geoJSON == "{\"type\":\"Point\",\"coordinates\":[2.188606555723969,42.51369740973698]}")
        #expect(shape.centroid == GeoPoint(lat: 42.51369740973698, lon: 2.188606555723969))
        let departements = Set(
            rows.compactMap { row -> String? in
                if case .text(let code) = row[7] { return code } else { return nil }
            })
        #expect(departements.contains("09"))
    }
}
