import Testing
import Vocabulary

/// The one geometry model: what its readers accept and refuse, what its writer prints, and its measures.
@Suite struct GeometryTests {
    /// Moved from IngestTests (ValueTests.centroids).
    @Test func centroids() throws {
        // A square with a square hole in its lower-left quarter.
        let holed = try Geometry(wkt: "POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (0 0, 2 0, 2 2, 0 2, 0 0))").centroid
        #expect(abs(holed.x - 7.0 / 3.0) < 1e-9 && abs(holed.y - 7.0 / 3.0) < 1e-9)
        let line = try Geometry(geoJSON: "{\"type\":\"LineString\",\"coordinates\":[[0,0],[2,0],[2,1]]}").centroid
        #expect(abs(line.x - 4.0 / 3.0) < 1e-9 && abs(line.y - 1.0 / 6.0) < 1e-9)
        #expect(try Geometry(wkt: "MULTIPOINT ((0 0), (2 4))").centroid == Position(x: 1, y: 2))
        #expect(Geometry.collection([]).centroid == Position(x: 0, y: 0))
    }

    @Test func wktAndGeoJSONReadTheSameGeometry() throws {
        let pairs = [
            ("POINT (1.5 43.2)", #"{"type":"Point","coordinates":[1.5,43.2]}"#),
            ("MULTIPOINT (1 2, 3 4)", #"{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}"#),
            ("MULTIPOINT ((1 2), (3 4))", #"{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}"#),
            ("LINESTRING Z (0 0 5, 1 1 6)", #"{"type":"LineString","coordinates":[[0,0,5],[1,1,6]]}"#),
            (
                "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)))",
                #"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}"#
            ),
            (
                "GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (0 0, 1 1))",
                #"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},"#
                    + #"{"type":"LineString","coordinates":[[0,0],[1,1]]}]}"#
            ),
        ]
        for (wkt, geoJSON) in pairs {
            #expect(try Geometry(wkt: wkt) == Geometry(geoJSON: geoJSON), "\(wkt)")
        }
        #expect(try Geometry(wkt: "SRID=4326;POINT(1 2)") == .point(Position(x: 1, y: 2)))
    }

    @Test func writerPrintsCompactGeoJSON() throws {
        let polygon = try Geometry(wkt: "POLYGON ((0 0, 4 0, 4 2, 0 2, 0 0))")
        #expect(polygon.geoJSON == #"{"type":"Polygon","coordinates":[[[0.0,0.0],[4.0,0.0],[4.0,2.0],[0.0,2.0],[0.0,0.0]]]}"#)
        let text = #"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[2.35,48.85]}]}"#
        #expect(try Geometry(geoJSON: text).geoJSON == text)
        #expect(try Geometry(geoJSON: polygon.geoJSON) == polygon)
    }

    @Test func readersRefuseInvalidGeometry() {
        for wkt in [
            "POLYGON ((0 0, 1 0, 0 0))", "POLYGON ((0 0, 1 0, 1 1, 0 1))", "CIRCLE (1 2)", "POINT EMPTY",
            "POINT (200 0)", "POINT (1)", "LINESTRING (0 0)", "POINT (1 2) x", "GEOMETRYCOLLECTION ()", "",
            "POINT (1e999 2)",
        ] {
            #expect(throws: GeometryError.self, "\(wkt)") { try Geometry(wkt: wkt) }
        }
        for geoJSON in [
            #"{"type":"Point","coordinates":[1]}"#, #"{"type":"Pointy","coordinates":[1,2]}"#,
            #"{"type":"Point","coordinates":[1,95]}"#, #"{"type":"MultiPoint","coordinates":[]}"#,
            #"{"type":"Point","coordinates":[true,false]}"#, "[1,2]", "{", #"{"type":"Point"}"#,
        ] {
            #expect(throws: GeometryError.self, "\(geoJSON)") { try Geometry(geoJSON: geoJSON) }
        }
    }

    /// Ingest refused a Feature in a cell, ODSQL accepted one in a `geom'…'` literal: each keeps its behaviour
    /// through `acceptingFeature` (a cell's Feature would lose its properties silently; the literal follows the
    /// Opendatasoft API, which takes a Feature).
    @Test func featureOnlyWhenAsked() throws {
        let feature = #"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}"#
        #expect(throws: GeometryError.self) { try Geometry(geoJSON: feature) }
        #expect(try Geometry(geoJSON: feature, acceptingFeature: true) == .point(Position(x: 1, y: 2)))
    }

    /// ODSQL's reader took 2 to 4 numbers per WKT position and refused a fifth; Ingest's dropped any extra:
    /// Ingest's is kept (M and ZM values carry no meaning here, and a cell that GDAL wrote must import).
    @Test func extraNumbersOfAPositionAreDropped() throws {
        #expect(try Geometry(wkt: "POINT ZM (1 2 3 4)") == .point(Position(x: 1, y: 2)))
        #expect(try Geometry(wkt: "POINT (1 2 3 4 5)") == .point(Position(x: 1, y: 2)))
    }

    @Test func collectionsNestAtMostEightDeep() {
        let deep = String(repeating: "GEOMETRYCOLLECTION (", count: 9) + "POINT (1 2)" + String(repeating: ")", count: 9)
        #expect(throws: GeometryError.self) { try Geometry(wkt: deep) }
        let shallow = String(repeating: "GEOMETRYCOLLECTION (", count: 8) + "POINT (1 2)" + String(repeating: ")", count: 8)
        #expect((try? Geometry(wkt: shallow)) != nil)
    }

    @Test func extentAndFamily() throws {
        let line = try Geometry(wkt: "LINESTRING (1 5, -3 2)")
        var expected = Extent()
        expected.add(Position(x: -3, y: 2))
        expected.add(Position(x: 1, y: 5))
        #expect(line.extent == expected)
        #expect(line.family == .line)
        #expect(Geometry.collection([]).extent.isEmpty)
        #expect(Geometry.collection([line]).family == nil)
        #expect(line.mapPositions { Position(x: $0.x * 2, y: $0.y) }.positions.map(\.x) == [2, -6])
    }

    /// Moved from ODSQLTests (CompileTests.geometriesParse): the `geom'…'` literal examples.
    @Test func literalExamples() throws {
        let wkt = try Geometry(wkt: "MULTIPOLYGON(((1 1, 2 1, 2 2, 1 1)), ((3 3, 4 3, 4 4, 3 3)))")
        let box = wkt.extent
        #expect([box.minX, box.minY, box.maxX, box.maxY] == [1, 1, 4, 4])
        let json = try Geometry(geoJSON: #"{"type":"LineString","coordinates":[[1,2],[3,4]]}"#)
        #expect(json.geoJSON == #"{"type":"LineString","coordinates":[[1.0,2.0],[3.0,4.0]]}"#)
        #expect(try Geometry(wkt: "MULTIPOINT(1 1, 2 2)") == .multiPoint([Position(x: 1, y: 1), Position(x: 2, y: 2)]))
        #expect((try? Geometry(wkt: "POINT EMPTY")) == nil)
        #expect((try? Geometry(wkt: "CIRCLE(1 1)")) == nil)
        #expect((try? Geometry(geoJSON: "{not json")) == nil)
    }
}

/// The JSON reader under the GeoJSON reader (and Ingest's JSON files).
@Suite struct JSONValueTests {
    @Test func keepsOrderAndNumberText() throws {
        let value = try JSONValue.parse(Array(#"{"b":1.50,"a":[true,null,"\u00e9"]}"#.utf8))
        #expect(value["b"] == .number("1.50"))
        #expect(value["a"] == .array([.bool(true), .null, .string("é")]))
        #expect(value.text == #"{"b":1.50,"a":[true,null,"é"]}"#)
    }

    /// The escaper the API's JSONWriter uses too: `\n`, `\r`, `\t` by name, other control characters as `\u00xx`.
    @Test func stringsAreEscaped() {
        var out: [UInt8] = []
        JSONValue.writeString("a\"b\\c\n\r\t\u{1}\u{1f}é", to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #""a\"b\\c\n\r\t\u0001\u001fé""#)
    }

    @Test func errorsSayWhere() {
        let error = #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Array(#"{"a" 1}"#.utf8)) }
        #expect(error?.offset == 5 && error?.reason == "expected ':'")
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Array("[[[1]]]".utf8), maxDepth: 2) }
        #expect((try? JSONValue.parse(Array("[[1]]".utf8), maxDepth: 2)) != nil)
    }
}
