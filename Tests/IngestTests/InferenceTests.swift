import Testing
import Vocabulary

@testable import Ingest

@Suite struct InferenceTests {
    /// A CSV with one column `v` holding the given cells.
    func column(_ cells: [String]) throws -> Detection {
        try detectCSV("id;v\n" + cells.enumerated().map { "\($0.offset);\($0.element)" }.joined(separator: "\n") + "\n")
    }

    @Test func integers() throws {
        #expect(try column(["1", "-42", "0", "9223372036854775807"]).type("v") == .int)
        #expect(try column(["1", "99999999999999999999"]).type("v") == .double)
    }

    @Test func doublesWithDotOrFrenchComma() throws {
        #expect(try column(["1.5", "2", "-0.25", "1e3"]).type("v") == .double)
        #expect(try column(["1,5", "2", "-0,25"]).type("v") == .double)
        let (_, rows) = try readAll("id;v\n1;1,5\n2;-0,25\n3;12\n")
        #expect(rows.map { $0[1] } == [.double(1.5), .double(-0.25), .double(12)])
    }

    @Test func mixedDecimalSeparatorsFallBackToTextWithAReason() throws {
        let detection = try column(["1.5", "2.5", "1,5"])
        #expect(detection.type("v") == .text)
        #expect(detection.field("v")?.reason == "value \"1,5\" (line 4) is not double like the 2 value(s) before it")
        #expect(detection.warnings.contains { $0.code == "text_fallback" && $0.field == "v" })
    }

    @Test func plainTextColumnsGetNoWarningButMostlyNumbersDo() throws {
        let plain = try column(["Toulouse", "Albi"])
        #expect(plain.type("v") == .text)
        #expect(plain.field("v")?.reason == nil)
        #expect(!plain.warnings.contains { $0.field == "v" })
        let mostly = try column(["n/a", "1", "2", "3"])
        #expect(mostly.type("v") == .text)
        #expect(mostly.field("v")?.reason == "3 of 4 values are numbers, but \"n/a\" (line 2) is not")
    }

    @Test func codesWithLeadingZerosStayText() throws {
        let detection = try column(["31", "09", "01234", "12"])
        #expect(detection.type("v") == .text)
        #expect(detection.field("v")?.reason?.contains("leading zeros") == true)
        let (_, rows) = try readAll("code\n09\n31\n")
        #expect(rows[0][0] == .text("09"))
    }

    @Test func booleans() throws {
        #expect(try column(["true", "FALSE", "True"]).type("v") == .boolean)
        #expect(try column(["oui", "non", "Oui"]).type("v") == .boolean)
        #expect(try column(["0", "1"]).type("v") == .int)
    }

    @Test func datesISOAndFrench() throws {
        #expect(try column(["2024-01-31", "2023-12-01"]).type("v") == .date)
        #expect(try column(["31/01/2024", "1/2/2023"]).type("v") == .date)
        #expect(try column(["2024-02-30"]).type("v") == .text)
        let (_, rows) = try readAll("d\n31/01/2024\n2024-02-29\n")
        #expect(rows.map { $0[0] } == [.date("2024-01-31"), .date("2024-02-29")])
    }

    @Test func datetimesWithOffsets() throws {
        #expect(try column(["2018-02-07T02:00:00+01:00", "2020-01-01T00:00:00Z", "2020-01-01"]).type("v") == .datetime)
        let (_, rows) = try readAll("t\n2018-02-07T02:00:00+01:00\n2020-06-30T23:30:00.125-02:00\n2021-03-04 05:06\n")
        #expect(
            rows.map { $0[0] } == [
                .datetime("2018-02-07T01:00:00Z"), .datetime("2020-07-01T01:30:00.125Z"), .datetime("2021-03-04T05:06:00Z"),
            ])
    }

    @Test func geoPointFromLatLonStrings() throws {
        let detection = try detectCSV("nom;geo\nA;\"43.6,1.44\"\nB;44.1, 3.5\n")
        #expect(detection.type("geo") == .geoPoint2D)
        let (_, rows) = try readAll("nom;geo\nA;\"43.6,1.44\"\n")
        #expect(rows[0][1] == .geoPoint(GeoPoint(lat: 43.6, lon: 1.44)))
    }

    @Test(arguments: [("lat", "lon"), ("latitude", "longitude"), ("Y", "X")])
    func geoPointFromALatitudeLongitudeColumnPair(lat: String, lon: String) throws {
        let (detection, rows) = try readAll("nom;\(lat);\(lon)\nA;43,6;1,44\nB;;2\n")
        #expect(detection.type(lat.lowercased()) == .double)
        let point = try #require(detection.field("geo_point_2d"))
        #expect(point.type == .geoPoint2D)
        #expect(point.source == .latLon(latitude: 1, longitude: 2))
        #expect(rows[0][3] == .geoPoint(GeoPoint(lat: 43.6, lon: 1.44)))
        #expect(rows[1][3] == .null)
    }

    @Test func outOfRangePairIsNotAPoint() throws {
        let detection = try detectCSV("x;y\n650000;6200000\n")
        #expect(detection.field("geo_point_2d") == nil)
    }

    @Test func geoShapeFromGeoJSONAndWKT() throws {
        let geojson = try detectCSV("id;shape\n1;\"{\"\"type\"\": \"\"Point\"\", \"\"coordinates\"\": [2.1, 42.5]}\"\n")
        #expect(geojson.type("shape") == .geoShape)
        #expect(geojson.field("geo_point_2d")?.source == .centroid(of: 1))
        let wkt = try detectCSV(
            "id;wkt\n1;POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))\n2;POINT (1 2)\n3;MULTILINESTRING ((0 0, 1 1), (2 2, 3 3))\n")
        #expect(wkt.type("wkt") == .geoShape)
    }

    @Test func jsonBlobs() throws {
        #expect(try column(["{\"a\": 1}", "[1, 2]"]).type("v") == .jsonBlob)
        #expect(try column(["{\"a\": 1}", "{broken"]).type("v") == .text)
    }

    @Test func emptyCellsAreNullsAndDoNotBreakInference() throws {
        let (detection, rows) = try readAll("a;b;c\n1;;\n;2.5;\n3;;\n")
        #expect(detection.type("a") == .int)
        #expect(detection.type("b") == .double)
        #expect(detection.type("c") == .text)
        #expect(detection.field("a")?.nullCount == 1)
        #expect(detection.warnings.contains { $0.code == "empty_column" && $0.field == "c" })
        #expect(rows[1] == [.null, .double(2.5), .null])
    }

    @Test func inferenceCoversAllRowsNotASample() throws {
        var text = "n\n"
        for k in 0..<50_000 { text += "\(k)\n" }
        text += "oops\n"
        let detection = try detectCSV(text)
        #expect(detection.type("n") == .text)
        #expect(detection.field("n")?.reason?.contains("line 50002") == true)
    }

    @Test func fieldTypeOverrides() throws {
        let parsed = try IngestOptions.parseFieldOverride("code = int")
        #expect(parsed.name == "code" && parsed.type == .int)
        #expect(ingestError { _ = try IngestOptions.parseFieldOverride("code=number") } == .unknownFieldType("number"))
        #expect(ingestError { _ = try IngestOptions.parseFieldOverride("code") } == .invalidFieldOverride("code"))
        let options = IngestOptions(fieldTypes: ["code": .int, "Montant": .text])
        let (detection, rows) = try readAll("code;montant\n09;1.5\nabc;2\n", options: options)
        #expect(detection.type("code") == .int)
        #expect(detection.field("code")?.inferredType == .text)
        #expect(detection.type("montant") == .text)
        #expect(rows.map { $0[0] } == [.int(9), .null])
        #expect(detection.preview[0] == [.int(9), .text("1.5")])
        let unknown = ingestError { _ = try detectCSV("a\n1\n", options: IngestOptions(fieldTypes: ["b": .int])) }
        #expect(unknown == .unknownField("b"))
        let again = try detection.overriding(["code=text"])
        #expect(again.preview[0][0] == .text("09"))
    }
}
