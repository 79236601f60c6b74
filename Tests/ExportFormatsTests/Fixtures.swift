import Foundation
import ODSQL
import Testing

@testable import ExportFormats

/// A small dataset with one field of every type, nulls included, in the SQL column layout of a compiled
/// records query (a geo_point_2d takes two columns: latitude, longitude).
enum Fixtures {
    static let columns: [ResultColumn] = [
        ResultColumn(key: "name", type: .text, firstSQLColumn: 0),
        ResultColumn(key: "population", type: .int, firstSQLColumn: 1),
        ResultColumn(key: "area", type: .double, firstSQLColumn: 2),
        ResultColumn(key: "capital", type: .boolean, firstSQLColumn: 3),
        ResultColumn(key: "founded", type: .date, firstSQLColumn: 4),
        ResultColumn(key: "updated", type: .datetime, firstSQLColumn: 5),
        ResultColumn(key: "location", type: .geoPoint, firstSQLColumn: 6),
        ResultColumn(key: "outline", type: .geoShape, firstSQLColumn: 8),
    ]

    static var fields: [ExportField] { columns.map(ExportField.init) }

    static let square = #"{"type":"Polygon","coordinates":[[[1.4,43.5],[1.5,43.5],[1.5,43.7],[1.4,43.7],[1.4,43.5]]]}"#

    static let rows: [[SQLValue]] = [
        [
            .text("Toulouse — «Ville rose» 🌹 <&>"), .int(504_078), .double(118.3), .int(1), .text("1790-03-04"),
            .text("2024-12-31T23:30:00Z"), .double(43.604), .double(1.444), .text(square),
        ],
        [.text("Albi"), .int(49_236), .double(44.26), .int(0), .null, .null, .double(43.929), .double(2.148), .null],
        [.null, .null, .null, .null, .text("2000-02-29"), .text("2000-02-29T12:00:00.250Z"), .null, .null, .null],
    ]

    /// `count` rows like the first ones, for multi-group files.
    static func manyRows(_ count: Int) -> [[SQLValue]] {
        (0..<count).map { index in
            let shape: SQLValue = index % 3 == 0 ? .null : .text(square)
            let location: [SQLValue] = [.double(43 + Double(index % 100) / 100), .double(1 + Double(index % 50) / 100)]
            let values: [SQLValue] = [
                .text("row \(index)"), .int(Int64(index)), .double(Double(index) / 4), .int(Int64(index % 2)),
                .text("2020-01-01"), .text("2020-01-01T00:00:00Z"),
            ]
            return values + location + [shape]
        }
    }

    /// Runs `writer` over `batches` and returns the whole file.
    static func file(_ writer: some StreamingExportWriter, _ batches: [[[SQLValue]]]) throws -> [UInt8] {
        var bytes = try writer.begin()
        for batch in batches { bytes += try writer.write(batch) }
        while let chunk = try writer.nextTrailingChunk() { bytes += chunk }
        return bytes
    }

    /// A fresh scratch directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "export-formats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Real readers (pyarrow, DuckDB, GDAL) run as processes; tests that need one are skipped, with their
/// reason, where it is missing.
enum Readers {
    static let hasPyArrow = run("python3", ["-c", "import pyarrow"])?.status == 0
    static let hasDuckDB = run("python3", ["-c", "import duckdb"])?.status == 0
    static let hasOGRInfo = run("ogrinfo", ["--version"])?.status == 0

    /// Runs `tool` (found on PATH) and returns its exit status and standard output; nil when it cannot start.
    static func run(_ tool: String, _ arguments: [String]) -> (status: Int32, output: String)? {
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// GDAL's reading of `path`: `ogr2ogr` to GeoJSON (features, properties, coordinates) and `ogrinfo -so`'s
    /// summary (field types, feature count, layer SRS).
    static func gdal(_ path: String, layer: String? = nil) throws -> (features: [[String: Any]], summary: String) {
        let converted = try #require(run("ogr2ogr", ["-f", "GeoJSON", "/vsistdout/", path] + (layer.map { [$0] } ?? [])))
        #expect(converted.status == 0, "ogr2ogr exited with \(converted.status)")
        let collection = try JSONSerialization.jsonObject(with: Data(converted.output.utf8)) as? [String: Any]
        let features = try #require(collection?["features"] as? [[String: Any]])
        let summary = try #require(run("ogrinfo", ["-ro", "-so", path] + (layer.map { [$0] } ?? ["-al"])))
        #expect(summary.status == 0)
        return (features, summary.output)
    }

    /// Runs a Python snippet with `arguments` in `sys.argv[1:]` and decodes its JSON output.
    static func python(_ script: String, _ arguments: [String]) throws -> Any {
        let result = try #require(run("python3", ["-c", script] + arguments))
        #expect(result.status == 0, "python3 exited with \(result.status)")
        return try JSONSerialization.jsonObject(with: Data(result.output.utf8))
    }
}
