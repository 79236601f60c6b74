import Foundation
import GRDB
import Ingest
import Store
import Testing

/// The full-text index is built beside the B-tree indexes and then copied in: it must be exactly
/// the index FTS5 would have built itself, and leave nothing behind.
@Suite struct FullTextIndexTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    func reader(_ csv: String) throws -> RecordBatchReader {
        let bytes = Array(csv.utf8)
        return try Ingest.read(bytes: bytes, detection: try Ingest.detect(bytes: bytes, fileName: "data.csv"), batchSize: 3)
    }

    @Test func theCopiedIndexPassesFTS5sIntegrityCheckAndFindsWords() async throws {
        try await withTemporaryStore { store, path in
            var csv = "ville;note\n"
            for index in 0..<500 { csv += "Ville \(index % 7);\(index % 5 == 0 ? "École publique" : "Mairie annexe") \(index)\n" }
            _ = try store.publish(datasetID: "v", reader: try reader(csv), newDataset: DatasetMetadata(id: "v"), now: now)
            try DatabaseQueue(path: path).write { db in
                // Compares every token of the index with the content table: fails on any difference.
                try db.execute(sql: "INSERT INTO \"records_v_v1__fts\"(\"records_v_v1__fts\") VALUES('integrity-check')")
                let hits = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM \"records_v_v1__fts\" WHERE \"records_v_v1__fts\" MATCH 'ecole'")
                #expect(hits == 100)
                let ranked = try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT rowid FROM "records_v_v1__fts" WHERE "records_v_v1__fts" MATCH 'note:"annexe 4"' ORDER BY rank
                        """)
                #expect(ranked == [5])
            }
            let leftovers = try FileManager.default.contentsOfDirectory(
                atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
            #expect(leftovers.allSatisfy { !$0.contains(".fts.") })
        }
    }

    @Test func recordIDsKeepTheirFormerValues() async throws {
        try await withTemporaryStore { store, path in
            _ = try store.publish(
                datasetID: "d", reader: try reader("name;n\nAlbi;1\nFoix;2.5\n"), newDataset: DatasetMetadata(id: "d"), now: now)
            let ids = try DatabaseQueue(path: path).read { db in
                try String.fetchAll(db, sql: "SELECT _id FROM \"records_d_v1\" ORDER BY rowid")
            }
            // Computed by the importer of the first release: ids must never change for the same data.
            #expect(ids == ["77a40c21827f9cf93c728de12d949002dfc08183", "719f25f97737c1cc5f7a0e566dc5135cc780152e"])
        }
    }

    @Test func sideFilesOfDeadImportsAreRemoved() async throws {
        try await withTemporaryStore { store, path in
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            let side = directory.appendingPathComponent("records_d_v7.fts.sqlite").path
            #expect(FileManager.default.createFile(atPath: side, contents: Data("x".utf8)))
            #expect(FileManager.default.createFile(atPath: side + "-journal", contents: Data("x".utf8)))
            try store.removeOrphanImports()
            #expect(!FileManager.default.fileExists(atPath: side))
            #expect(!FileManager.default.fileExists(atPath: side + "-journal"))
        }
    }
}
