import Testing
import Vocabulary

@testable import Ingest

@Suite struct JSONTests {
    @Test func arrayOfObjects() throws {
        let text = """
            [
              {"id": 1, "nom": "Albi", "pop": 49236.5, "actif": true, "tags": ["a", "b"], "code": "09"},
              {"id": 2, "nom": "Rodez \\"centre\\"", "pop": null, "actif": false, "extra": {"k": 1}}
            ]
            """
        let (detection, rows) = try readAll(text, fileName: "communes.json")
        #expect(detection.format == .json)
        #expect(detection.fields.map(\.name) == ["id", "nom", "pop", "actif", "tags", "code", "extra"])
        #expect(detection.fields.map(\.type) == [.int, .text, .double, .boolean, .jsonBlob, .text, .jsonBlob])
        #expect(rows[0] == [.int(1), .text("Albi"), .double(49236.5), .bool(true), .json("[\"a\",\"b\"]"), .text("09"), .null])
        #expect(rows[1] == [.int(2), .text("Rodez \"centre\""), .null, .bool(false), .null, .null, .json("{\"k\":1}")])
    }

    @Test func jsonArrayAcrossTinyChunks() throws {
        var text = "["
        for k in 0..<500 { text += (k > 0 ? ",\n" : "") + "{\"n\": \(k), \"s\": \"é[\\\"]{}\(k)\"}" }
        text += "]"
        let options = IngestOptions(limits: IngestLimits(chunkSize: 16))
        let (detection, rows) = try readAll(Array(text.utf8), fileName: "x.json", options: options)
        #expect(detection.recordCount == 500)
        #expect(rows[499] == [.int(499), .text("é[\"]{}499")])
    }

    @Test func jsonLines() throws {
        let text = "{\"a\": 1, \"d\": \"2024-01-02\"}\r\n\n{\"a\": 2, \"b\": \"x\"}\n"
        let (detection, rows) = try readAll(text, fileName: "data.jsonl")
        #expect(detection.format == .jsonLines)
        #expect(detection.fields.map(\.name) == ["a", "d", "b"])
        #expect(detection.type("d") == .date)
        #expect(rows == [[.int(1), .date("2024-01-02"), .null], [.int(2), .null, .text("x")]])
        let sniffed = try Ingest.detect(bytes: Array(text.utf8))
        #expect(sniffed.format == .jsonLines)
    }

    @Test func jsonThatIsNotAnArrayOfObjects() {
        let object = ingestError { _ = try Ingest.detect(bytes: Array("{\"a\": 1}".utf8), fileName: "x.json") }
        #expect(object == .notArrayOfObjects(record: 0, found: "an object"))
        #expect(object?.message == "The JSON must be an array of objects, but the document is an object.")
        let numbers = ingestError { _ = try Ingest.detect(bytes: Array("[{\"a\": 1}, 2]".utf8), fileName: "x.json") }
        #expect(numbers == .notArrayOfObjects(record: 2, found: "a number"))
        let broken = ingestError { _ = try Ingest.detect(bytes: Array("[{\"a\": 1,}]".utf8), fileName: "x.json") }
        #expect(broken?.code == "invalid_json")
        let truncated = ingestError { _ = try Ingest.detect(bytes: Array("[{\"a\": 1}".utf8), fileName: "x.json") }
        #expect(truncated?.code == "invalid_json")
        #expect(ingestError { _ = try Ingest.detect(bytes: Array("[]".utf8), fileName: "x.json") } == .emptyFile)
    }

    @Test func hostileNestingDoesNotCrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = ingestError { _ = try Ingest.detect(bytes: Array(("[{\"a\": " + deep + "}]").utf8), fileName: "x.json") }
        #expect(error?.code == "invalid_json")
    }

    let collection = """
        {"type": "FeatureCollection", "name": "communes",
         "features": [
          {"type": "Feature", "properties": {"nom": "A", "code": "09"},
           "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]}},
          {"type": "Feature", "properties": {"nom": "B", "code": "31"},
           "geometry": {"type": "Point", "coordinates": [1.44, 43.6]}},
          {"type": "Feature", "properties": null, "geometry": null}
         ]}
        """

    @Test func geoJSONFeatureCollection() throws {
        let (detection, rows) = try readAll(collection, fileName: "communes.geojson")
        #expect(detection.format == .geoJSON)
        #expect(detection.fields.map(\.name) == ["nom", "code", "geo_shape", "geo_point_2d"])
        #expect(detection.fields.map(\.type) == [.text, .text, .geoShape, .geoPoint2D])
        #expect(rows.count == 3)
        #expect(rows[0][3] == .geoPoint(GeoPoint(lat: 1, lon: 1)))
        #expect(rows[1][3] == .geoPoint(GeoPoint(lat: 43.6, lon: 1.44)))
        guard case .geoShape(let shape) = rows[1][2] else {
            Issue.record("not a shape")
            return
        }
        #expect(shape.geoJSON == "{\"type\":\"Point\",\"coordinates\":[1.44,43.6]}")
        #expect(rows[2] == [.null, .null, .null, .null])
        let sniffed = try Ingest.detect(bytes: Array(collection.utf8), fileName: "communes.json")
        #expect(sniffed.format == .geoJSON)
    }

    @Test func geoJSONWithAnInvalidGeometry() {
        let text = """
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1, 2]}},
              {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}}
            ]}
            """
        let error = ingestError { _ = try Ingest.detect(bytes: Array(text.utf8), fileName: "x.geojson") }
        #expect(error == .invalidGeometry(feature: 2, reason: "at least 4 positions are needed"))
        #expect(error?.message == "Feature 2 has an invalid geometry: at least 4 positions are needed.")
    }

    @Test func geoJSONThatIsNotAFeatureCollection() {
        let feature = "{\"type\": \"Feature\", \"properties\": {}, \"geometry\": null}"
        let error = ingestError { _ = try Ingest.detect(bytes: Array(feature.utf8), fileName: "x.geojson") }
        #expect(error?.code == "invalid_geojson")
    }
}
