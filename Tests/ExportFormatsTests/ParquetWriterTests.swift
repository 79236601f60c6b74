import Foundation
import ODSQL
import Testing

@testable import ExportFormats

/// pyarrow's view of a Parquet file: the schema's types and every row, as JSON.
private let pyarrowDump = #"""
    import json, sys, pyarrow.parquet as pq
    f = pq.ParquetFile(sys.argv[1])
    t = f.read()
    print(json.dumps({"types": {x.name: str(x.type) for x in t.schema},
        "groups": f.metadata.num_row_groups, "codec": f.metadata.row_group(0).column(0).compression,
        "rows": [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in t.to_pylist()]}))
    """#

/// DuckDB's view: column types and rows.
private let duckdbDump = #"""
    import json, sys, duckdb
    c = duckdb.connect()
    r = c.execute("select * from read_parquet(?)", [sys.argv[1]])
    types = {d[0]: str(d[1]) for d in r.description}
    rows = [[(v.isoformat() if hasattr(v, "isoformat") else v) for v in row] for row in r.fetchall()]
    n = c.execute("select count(*), sum(population) from read_parquet(?)", [sys.argv[1]]).fetchone()
    print(json.dumps({"types": types, "rows": rows, "count": n[0], "sum": n[1]}))
    """#

private func writeParquet(
    _ batches: [[[SQLValue]]], compression: ParquetCompression, rowsPerGroup: Int = 65_536
) throws -> URL {
    let writer = ParquetWriter(fields: Fixtures.fields, compression: compression, rowsPerGroup: rowsPerGroup)
    let bytes = try Fixtures.file(writer, batches)
    let url = try Fixtures.temporaryDirectory().appending(path: "data.parquet")
    try Data(bytes).write(to: url)
    return url
}

@Test func parquetFramesTheFileWithMagicAndFooterLength() throws {
    let bytes = try Fixtures.file(ParquetWriter(fields: Fixtures.fields, compression: .uncompressed), [Fixtures.rows])
    #expect(Array(bytes.prefix(4)) == Array("PAR1".utf8))
    #expect(Array(bytes.suffix(4)) == Array("PAR1".utf8))
    let footerLength = bytes.suffix(8).prefix(4).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    #expect(footerLength > 0 && footerLength < bytes.count - 12)
    // The UTF-8 text is stored as is, uncompressed.
    #expect(String(decoding: bytes, as: UTF8.self).contains("Toulouse — «Ville rose» 🌹 <&>"))
}

@Test func parquetEmitsRowGroupsAsTheyFill() throws {
    let writer = ParquetWriter(fields: Fixtures.fields, compression: .gzip, rowsPerGroup: 10)
    _ = try writer.begin()
    #expect(try writer.write(Fixtures.manyRows(9)).isEmpty)
    #expect(try !writer.write(Fixtures.manyRows(1)).isEmpty)
    // A byte budget closes a group before the row count does.
    let small = ParquetWriter(fields: Fixtures.fields, compression: .gzip, rowsPerGroup: 1_000, bytesPerGroup: 40)
    _ = try small.begin()
    #expect(try !small.write(Fixtures.manyRows(1)).isEmpty)
}

@Test(
    .enabled(if: Readers.hasPyArrow, "pyarrow is not installed (pip install -r Tests/Acceptance/requirements.txt)"),
    arguments: ParquetCompression.allCases)
func pyarrowReadsTypesAndRows(compression: ParquetCompression) throws {
    let url = try writeParquet([Fixtures.rows], compression: compression)
    defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
    let dump = try #require(try Readers.python(pyarrowDump, [url.path]) as? [String: Any])
    let types = try #require(dump["types"] as? [String: String])
    #expect(
        types == [
            "name": "string", "population": "int64", "area": "double", "capital": "bool", "founded": "date32[day]",
            "updated": "timestamp[us, tz=UTC]", "location": "string", "outline": "string",
        ])
    #expect(dump["codec"] as? String == compression.rawValue.uppercased())
    let rows = try #require(dump["rows"] as? [[String: Any]])
    try #require(rows.count == 3)
    #expect(rows[0]["name"] as? String == "Toulouse — «Ville rose» 🌹 <&>")
    #expect(rows[0]["population"] as? Int == 504_078)
    #expect(rows[0]["area"] as? Double == 118.3)
    #expect(rows[0]["capital"] as? Bool == true)
    #expect(rows[1]["capital"] as? Bool == false)
    #expect(rows[0]["founded"] as? String == "1790-03-04")
    #expect(rows[0]["updated"] as? String == "2024-12-31T23:30:00+00:00")
    #expect(rows[2]["updated"] as? String == "2000-02-29T12:00:00.250000+00:00")
    #expect(rows[0]["location"] as? String == #"{"type":"Point","coordinates":[1.444,43.604]}"#)
    #expect(rows[0]["outline"] as? String == Fixtures.square)
    #expect(rows[1]["founded"] is NSNull)
    #expect(rows[2]["name"] is NSNull && rows[2]["population"] is NSNull && rows[2]["location"] is NSNull)
}

@Test(.enabled(if: Readers.hasDuckDB, "duckdb is not installed (pip install -r Tests/Acceptance/requirements.txt)"))
func duckdbReadsManyRowGroups() throws {
    let rows = Fixtures.manyRows(2_500)
    let url = try writeParquet([Array(rows[..<1_000]), Array(rows[1_000...])], compression: .snappy, rowsPerGroup: 1_000)
    defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
    let dump = try #require(try Readers.python(duckdbDump, [url.path]) as? [String: Any])
    let types = try #require(dump["types"] as? [String: String])
    #expect(types["population"] == "BIGINT")
    #expect(types["area"] == "DOUBLE")
    #expect(types["capital"] == "BOOLEAN")
    #expect(types["founded"] == "DATE")
    #expect(types["updated"] == "TIMESTAMP WITH TIME ZONE")
    #expect(types["name"] == "VARCHAR")
    #expect(dump["count"] as? Int == 2_500)
    #expect(dump["sum"] as? Int == 2_499 * 2_500 / 2)
    let read = try #require(dump["rows"] as? [[Any]])
    #expect(read.count == 2_500)
    #expect(read[1_999][0] as? String == "row 1999")
    #expect(read[3][7] is NSNull)
    #expect(read[4][7] as? String == Fixtures.square)
}
