import Foundation
import ODSQL
import Testing

@testable import ExportFormats

@Test(arguments: ExportFileFormat.allCases)
func everyFormatWritesAnEmptyExport(format: ExportFileFormat) throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let options = ExportFileFormat.Options(name: "vide", epsg: 2154, scratchDirectory: directory)
    let bytes = try Fixtures.file(try format.writer(fields: Fixtures.fields, options: options), [[]])
    #expect(!bytes.isEmpty)
    let url = directory.appending(path: "vide.\(format.fileExtension)")
    try Data(bytes).write(to: url)
    // Only the export remains: every scratch file went with its writer.
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [url.lastPathComponent])
    if format == .parquet, Readers.hasPyArrow {
        let script = "import json, sys, pyarrow.parquet as pq; print(json.dumps([pq.read_table(sys.argv[1]).num_rows]))"
        #expect(try Readers.python(script, [url.path]) as? [Int] == [0])
    } else if format != .parquet, Readers.hasOGRInfo {
        let path = format == .shp ? "/vsizip/" + url.path + "/vide.shp" : url.path
        let summary = try #require(Readers.run("ogrinfo", ["-ro", "-so", "-al", path]))
        #expect(summary.status == 0)
        #expect(summary.output.contains("Feature Count: 0") || format == .gpx)
    }
}

@Test func unknownEPSGIsAnErrorBeforeAnyByte() throws {
    let options = ExportFileFormat.Options(name: "x", epsg: 123_456)
    #expect(throws: ReprojectionError.self) { try ExportFileFormat.shp.writer(fields: Fixtures.fields, options: options) }
    // GPX and Parquet ignore `epsg`.
    _ = try ExportFileFormat.gpx.writer(fields: Fixtures.fields, options: options)
}
