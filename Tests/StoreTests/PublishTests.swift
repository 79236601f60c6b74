import Foundation
import GRDB
import Ingest
import Store
import Testing
import Vocabulary

@Suite struct PublishTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    func reader(_ csv: String) throws -> RecordBatchReader {
        let bytes = Array(csv.utf8)
        let detection = try Ingest.detect(bytes: bytes, fileName: "data.csv")
        return try Ingest.read(bytes: bytes, detection: detection, batchSize: 2)
    }

    /// The records tables, current or staging; retired ones (see ``retiredTables(_:)``) aside.
    func tables(_ path: String) throws -> [String] {
        let retired = Set(try retiredTables(path))
        return try allTables(path).filter { !retired.contains($0) }
    }

    func allTables(_ path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'records%' ORDER BY name")
        }.filter { !$0.contains("__fts") }
    }

    /// Records tables replaced by a publication or a deletion and kept for ``SQLiteStore/retiredTableGrace``.
    func retiredTables(_ path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT records_table FROM retired_tables ORDER BY records_table")
        }
    }

    @Test func publishesTypedRecordsAndReplacesTheOldVersion() async throws {
        try await withTemporaryStore { store, path in
            let first = try store.publish(
                datasetID: "cities", reader: try reader("name;code;population\nAlbi;81004;49000\nFoix;09122;9600\n"),
                newDataset: DatasetMetadata(id: "cities", titleFR: "Villes"), now: now
            )
            #expect(first.records == 2 && first.version == 1)
            #expect(first.fields.map(\.type) == [.text, .text, .int])
            #expect(try tables(path) == ["records_cities_v1"])

            let second = try store.publish(
                datasetID: "cities",
                reader: try reader("name;code;population\nAlbi;81004;49100\nFoix;09122;9700\nRodez;12202;24000\n"),
                now: now
            )
            #expect(second.version == 2 && second.records == 3)
            #expect(try tables(path) == ["records_cities_v2"])
            // The old version stays readable for the requests that looked it up just before, then goes.
            #expect(try retiredTables(path) == ["records_cities_v1"])
            #expect(try allTables(path) == ["records_cities_v1", "records_cities_v2"])
            #expect(try await store.dropRetiredTables(now: now.addingTimeInterval(SQLiteStore.retiredTableGrace - 1)) == 0)
            #expect(try await store.dropRetiredTables(now: now.addingTimeInterval(SQLiteStore.retiredTableGrace)) == 1)
            #expect(try allTables(path) == ["records_cities_v2"] && retiredTables(path).isEmpty)
            let dataset = try #require(try await store.dataset(id: "cities"))
            #expect(dataset.recordsCount == 3)
            #expect(dataset.metadata.titleFR == "Villes")
            #expect(dataset.recordsTable == "records_cities_v2")
        }
    }

    @Test func aFailingImportLeavesThePreviousVersionAndNoStagingTable() async throws {
        try await withTemporaryStore { store, path in
            _ = try store.publish(
                datasetID: "cities", reader: try reader("name;population\nAlbi;49000\n"),
                newDataset: DatasetMetadata(id: "cities"), now: now
            )
            // Valid at detection time, ragged when read: the file changed between the two passes.
            let good = Array("name;population\nAlbi;1\nFoix;2\nRodez;3\n".utf8)
            let detection = try Ingest.detect(bytes: good, fileName: "data.csv")
            let broken = try Ingest.read(bytes: Array("name;population\nAlbi;1\nFoix;2\nRodez\n".utf8), detection: detection)
            #expect(throws: (any Error).self) { _ = try store.publish(datasetID: "cities", reader: broken, now: now) }
            #expect(try tables(path) == ["records_cities_v1"])
            #expect(try await store.dataset(id: "cities")?.recordsCount == 1)
        }
    }

    @Test func aNewDatasetWhoseFirstImportFailsIsNotLeftBehind() async throws {
        try await withTemporaryStore { store, _ in
            let good = Array("a;b\n1;2\n3;4\n".utf8)
            let detection = try Ingest.detect(bytes: good, fileName: "data.csv")
            let broken = try Ingest.read(bytes: Array("a;b\n1;2\n3\n".utf8), detection: detection)
            #expect(throws: (any Error).self) {
                _ = try store.publish(datasetID: "fresh", reader: broken, newDataset: DatasetMetadata(id: "fresh"), now: now)
            }
            #expect(try await store.dataset(id: "fresh") == nil)
        }
    }

    @Test func identicalRowsGetDistinctStableIDs() async throws {
        try await withTemporaryStore { store, path in
            let csv = "name;n\nAlbi;1\nAlbi;1\nFoix;2\n"
            _ = try store.publish(datasetID: "d", reader: try reader(csv), newDataset: DatasetMetadata(id: "d"), now: now)
            let first = try DatabaseQueue(path: path).read { db in
                try String.fetchAll(db, sql: "SELECT _id FROM \"records_d_v1\" ORDER BY rowid")
            }
            #expect(Set(first).count == 3)
            #expect(first.allSatisfy { $0.count >= 40 })
            _ = try store.publish(datasetID: "d", reader: try reader(csv), now: now)
            let second = try DatabaseQueue(path: path).read { db in
                try String.fetchAll(db, sql: "SELECT _id FROM \"records_d_v2\" ORDER BY rowid")
            }
            #expect(first == second)
        }
    }

    @Test func aDatasetDeletedAndCreatedAgainDoesNotReuseItsRetiredTable() async throws {
        try await withTemporaryStore { store, path in
            _ = try store.publish(
                datasetID: "again", reader: try reader("a\nold\n"), newDataset: DatasetMetadata(id: "again"), now: now)
            try await store.deleteDataset(id: "again")
            // records_again_v1 is retired, not dropped: the new dataset's first version goes past it.
            let report = try store.publish(
                datasetID: "again", reader: try reader("a\nnew\nnewer\n"), newDataset: DatasetMetadata(id: "again"),
                now: now)
            #expect(report.records == 2 && report.version == 2)
            #expect(try tables(path) == ["records_again_v2"] && retiredTables(path) == ["records_again_v1"])
            #expect(try await store.dataset(id: "again")?.recordsTable == "records_again_v2")
        }
    }

    @Test func orphanStagingTablesOfDeadImportsAreRemoved() async throws {
        try await withTemporaryStore { store, path in
            _ = try store.publish(datasetID: "d", reader: try reader("a\nx\n"), newDataset: DatasetMetadata(id: "d"), now: now)
            try DatabaseQueue(path: path).write { db in
                try db.execute(sql: "CREATE TABLE \"records_d_v7\" (\"_id\" TEXT)")
                try db.execute(sql: "CREATE TABLE \"records_d_v8\" (\"_id\" TEXT)")
                // v8 belongs to a live import (this process); v7 to a dead one.
                try db.execute(
                    sql: "INSERT INTO imports VALUES ('records_d_v7', 'd', 999999, 0), ('records_d_v8', 'd', ?, 0)",
                    arguments: [Int(getpid())])
            }
            #expect(try store.removeOrphanImports() == 1)
            #expect(try tables(path) == ["records_d_v1", "records_d_v8"])
        }
    }

    @Test func facetsAreChosenFromFewDistinctTextValues() async throws {
        try await withTemporaryStore { store, _ in
            var csv = "kind;label\n"
            for index in 0..<300 { csv += "\(["a", "b", "c"][index % 3]);item \(index)\n" }
            let report = try store.publish(
                datasetID: "f", reader: try reader(csv), newDataset: DatasetMetadata(id: "f"), now: now)
            #expect(report.fields.first { $0.name == "kind" }?.facet == true)
            #expect(report.fields.first { $0.name == "label" }?.facet == false)
        }
    }

    @Test func metadataRejectsBadSlugsAndDeletesRecords() async throws {
        try await withTemporaryStore { store, path in
            await #expect(throws: StoreError.invalid("dataset id \"Bad Slug\"")) {
                try await store.createDataset(DatasetMetadata(id: "Bad Slug"), now: now)
            }
            _ = try store.publish(
                datasetID: "gone", reader: try reader("a\nx\n"), newDataset: DatasetMetadata(id: "gone"), now: now)
            try await store.deleteDataset(id: "gone")
            #expect(try await store.dataset(id: "gone") == nil)
            #expect(try tables(path).isEmpty && retiredTables(path) == ["records_gone_v1"])
        }
    }
}
