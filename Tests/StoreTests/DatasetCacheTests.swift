import Foundation
import GRDB
import Store
import Testing

/// The decoded catalog is reused between requests, and must never outlive a change, even one made
/// by another process (`garona import` while `garona serve` runs).
@Suite struct DatasetCacheTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func aChangeByAnotherConnectionIsSeenAtOnce() async throws {
        try await withTemporaryStore { store, path in
            try await store.createDataset(DatasetMetadata(id: "a", titleFR: "Premier"), now: now)
            #expect(try await store.datasets().map(\.metadata.titleFR) == ["Premier"])
            #expect(try await store.dataset(id: "a")?.metadata.titleFR == "Premier")
            let other = try DatabaseQueue(path: path)
            try await other.write { db in
                try db.execute(sql: "UPDATE datasets SET metadata = json_set(metadata, '$.titleFR', 'Renommé') WHERE id = 'a'")
            }
            #expect(try await store.dataset(id: "a")?.metadata.titleFR == "Renommé")
            try await other.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO datasets
                        SELECT 'b', json_set(metadata, '$.id', 'b'), fields, visibility, 0, 0, NULL, 0, 0, NULL FROM datasets
                        """)
            }
            #expect(try await store.datasets().map(\.id) == ["a", "b"])
            try await other.write { db in try db.execute(sql: "DELETE FROM datasets WHERE id = 'a'") }
            #expect(try await store.datasets().map(\.id) == ["b"])
            #expect(try await store.dataset(id: "a") == nil)
        }
    }
}
