import Foundation
import GRDB
import Ingest
import ODSQL
import PostgresNIO
import Testing
import Vocabulary

@testable import Store

/// ``PostgreSQLStore``'s publication on a real server: COPY into a new table per version, the swap, retired
/// tables, failures that leave the previous version served, orphans of dead imports on any node, and the same
/// record ids, fields and facets as SQLite for the same file.
@Suite(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason))
struct PostgreSQLPublishTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func reader(_ csv: String) throws -> RecordBatchReader {
        let bytes = Array(csv.utf8)
        let detection = try Ingest.detect(bytes: bytes, fileName: "data.csv")
        return try Ingest.read(bytes: bytes, detection: detection, batchSize: 2)
    }

    /// Publishes `csv` from a thread of its own.
    func publish(
        _ store: PostgreSQLStore, _ id: String, _ csv: String, create: Bool = false, at time: Date? = nil
    ) async throws -> PublishReport {
        let now = time ?? self.now
        return try await PostgreSQLTestDatabase.onThread {
            try store.publish(
                datasetID: id, reader: try Self.reader(csv), newDataset: create ? DatasetMetadata(id: id) : nil,
                now: now, progress: nil)
        }
    }

    func retired(_ store: PostgreSQLStore) async throws -> [String] {
        try await store.withConnection { connection in
            try await connection.query("SELECT records_table FROM retired_tables ORDER BY 1", logger: store.logger)
                .collect().map { try $0.decode(String.self) }
        }
    }

    @Test func publishesTypedRecordsAndReplacesTheOldVersion() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            let first = try await publish(
                store, "cities", "name;code;population\nAlbi;81004;49000\nFoix;09122;9600\n", create: true)
            #expect(first.records == 2 && first.version == 1)
            #expect(first.fields.map(\.type) == [.text, .text, .int])
            let second = try await publish(
                store, "cities", "name;code;population\nAlbi;81004;49100\nFoix;09122;9700\nRodez;12202;24000\n")
            #expect(second.version == 2 && second.records == 3)
            #expect(try await PostgreSQLTestDatabase.tables(store) == ["records_cities_v1", "records_cities_v2"])
            #expect(try await retired(store) == ["records_cities_v1"])
            let grace = PostgreSQLStore.retiredTableGrace
            #expect(try await store.dropRetiredTables(now: now.addingTimeInterval(grace - 1)) == 0)
            #expect(try await store.dropRetiredTables(now: now.addingTimeInterval(grace)) == 1)
            #expect(try await PostgreSQLTestDatabase.tables(store) == ["records_cities_v2"])
            let dataset = try #require(try await store.dataset(id: "cities"))
            #expect(dataset.recordsCount == 3 && dataset.recordsTable == "records_cities_v2" && dataset.version == 2)
            let rows = try await store.rows(
                CompiledQuery(sql: #"SELECT "name", "population" FROM "records_cities_v2" ORDER BY 2"#, bindings: []))
            #expect(rows == [[.text("Foix"), .int(9_700)], [.text("Rodez"), .int(24_000)], [.text("Albi"), .int(49_100)]])
        }
    }

    @Test func aFailingImportLeavesThePreviousVersionAndNoTable() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            _ = try await publish(store, "cities", "name;population\nAlbi;49000\n", create: true)
            // Valid at detection time, ragged when read: the file changed between the two passes.
            let detection = try Ingest.detect(bytes: Array("name;population\nAlbi;1\nFoix;2\nRodez;3\n".utf8))
            await #expect(throws: (any Error).self) {
                try await PostgreSQLTestDatabase.onThread {
                    let broken = try Ingest.read(
                        bytes: Array("name;population\nAlbi;1\nFoix;2\nRodez\n".utf8), detection: detection, batchSize: 1)
                    return try store.publish(datasetID: "cities", reader: broken, now: now).version
                }
            }
            #expect(try await PostgreSQLTestDatabase.tables(store) == ["records_cities_v1"])
            #expect(try await store.dataset(id: "cities")?.recordsCount == 1)
            // A new dataset whose first import fails is not left behind.
            let fresh = try Ingest.detect(bytes: Array("a;b\n1;2\n3;4\n".utf8))
            await #expect(throws: (any Error).self) {
                try await PostgreSQLTestDatabase.onThread {
                    let broken = try Ingest.read(bytes: Array("a;b\n1;2\n3\n".utf8), detection: fresh)
                    return try store.publish(
                        datasetID: "fresh", reader: broken, newDataset: DatasetMetadata(id: "fresh"), now: now
                    ).version
                }
            }
            #expect(try await store.dataset(id: "fresh") == nil)
            #expect(try await store.rows(CompiledQuery(sql: "SELECT count(*) FROM imports", bindings: [])) == [[.int(0)]])
        }
    }

    @Test func recordIDsFieldsAndFacetsAreSQLites() async throws {
        var csv = "kind;label;n\n"
        for index in 0..<300 { csv += "\(["a", "b", "c"][index % 3]);item \(index % 150);\(index % 150)\n" }
        let text = csv
        try await withTemporaryStore { sqlite, path in
            let expected = try await PostgreSQLTestDatabase.onThread {
                try sqlite.publish(
                    datasetID: "f", reader: try Self.reader(text), newDataset: DatasetMetadata(id: "f"), now: now,
                    progress: nil)
            }
            let ids: [String] = try await DatabaseQueue(path: path).read { db in
                try String.fetchAll(db, sql: #"SELECT _id FROM "records_f_v1" ORDER BY rowid"#)
            }
            try await PostgreSQLTestDatabase.withStore { store, _ in
                let report = try await publish(store, "f", text, create: true)
                #expect(report.fields == expected.fields && report.records == expected.records)
                #expect(report.fields.first { $0.name == "kind" }?.facet == true)
                let stored = try await store.rows(CompiledQuery(sql: #"SELECT _id FROM "records_f_v1""#, bindings: []))
                // Each row comes twice: the second gets "-1", as on SQLite.
                #expect(stored == ids.map { [.text($0)] })
                #expect(Set(ids).count == 300 && ids.contains { $0.hasSuffix("-1") })
            }
        }
    }

    @Test func rowsWithoutAnOrderComeInSQLitesOrder() async throws {
        // The real gares file: rows of very different sizes, which PostgreSQL would place out of file order.
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/Portal/Resources/demo/gares-occitanie.csv").standardized
        let text = try String(contentsOf: file, encoding: .utf8)
        let query = #"SELECT "objectid", "toponyme" FROM "records_gares_v1""#
        try await withTemporaryStore { sqlite, _ in
            _ = try await PostgreSQLTestDatabase.onThread {
                try sqlite.publish(
                    datasetID: "gares", reader: try Self.reader(text), newDataset: DatasetMetadata(id: "gares"),
                    now: now, progress: nil)
            }
            let expected = try await sqlite.rows(CompiledQuery(sql: query, bindings: []))
            try await PostgreSQLTestDatabase.withStore { store, _ in
                _ = try await publish(store, "gares", text, create: true)
                let rows = try await store.rows(CompiledQuery(sql: query, bindings: []))
                #expect(rows.count == 280 && rows == expected)
            }
        }
    }

    @Test func aLongDatasetIDGetsAShortenedTableAndADeletedOneIsNotReused() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            let long = String(repeating: "tres-long-", count: 9)
            let report = try await publish(store, long, "a\nx\n", create: true)
            let table = try #require(try await store.dataset(id: long)?.recordsTable)
            #expect(report.version == 1 && table.utf8.count <= 63 && table.hasSuffix("_v1"))
            _ = try await publish(store, "again", "a\nold\n", create: true)
            try await store.deleteDataset(id: "again")
            let again = try await publish(store, "again", "a\nnew\nnewer\n", create: true)
            #expect(again.records == 2 && again.version == 2)
            #expect(try await retired(store) == ["records_again_v1"])
        }
    }

    @Test func orphansOfDeadImportsAreRemovedWhateverNodeRanThem() async throws {
        try await PostgreSQLTestDatabase.withStore { store, url in
            _ = try await publish(store, "d", "a\nx\n", create: true)
            for version in 7...9 {
                try await store.run(PostgresQuery(unsafeSQL: #"CREATE TABLE "records_d_v\#(version)" ("_id" text)"#))
            }
            // v7 and v8 are registered imports, v9 is known to none; v8's import is live on another node (its
            // connection holds the lock), v7's died.
            try await store.run(
                "INSERT INTO imports VALUES ('records_d_v7', 'd', 1, 0), ('records_d_v8', 'd', 2, 0)")
            let other = try PostgreSQLStore(url: url, poolSize: 1)
            defer { other.shutdown() }
            let removed = try await other.withConnection { connection in
                try await connection.query(
                    "SELECT pg_advisory_lock(\(PostgreSQLRecordsTable.importLockClass), hashtext('records_d_v8'))",
                    logger: other.logger)
                return try await PostgreSQLTestDatabase.onThread { try store.removeOrphanImports() }
            }
            #expect(removed == 2)
            #expect(try await PostgreSQLTestDatabase.tables(store) == ["records_d_v1", "records_d_v8"])
            #expect(
                try await store.rows(CompiledQuery(sql: "SELECT records_table FROM imports", bindings: []))
                    == [[.text("records_d_v8")]])
        }
    }
}
