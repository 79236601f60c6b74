import Foundation
import PostgresNIO
import Synchronization
import Testing

@testable import Store

/// A node takes the catalog version it heard on its listening connection (``CatalogVersionWatch``) instead of
/// reading it at every request: another node's change is heard, its own is seen at once, and a lost listening
/// connection sends it back to the database until it listens again. Skipped, saying why, without
/// `GARONA_TEST_POSTGRES_URL`.
@Suite(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason), .timeLimit(.minutes(1)))
struct PostgreSQLCatalogWatchTests {
    @Test func anotherNodesChangeIsHeardAndOurOwnIsSeenAtOnce() async throws {
        try await PostgreSQLTestDatabase.withStore { first, url in
            let second = try await PostgreSQLStore.open(url: url, poolSize: 2, waitSeconds: 5)
            defer { second.shutdown() }
            let start = try await Self.vouched(second)
            _ = try await Self.vouched(first)

            try await first.createDataset(DatasetMetadata(id: "gares"), now: StoreEngineBehaviours.now)
            // The writer reads the version again at its next call, whenever its notification arrives.
            #expect(try await first.datasets().map(\.id) == ["gares"])
            // The other node hears the new version without reading it: only a notification raises it.
            #expect(try await Self.eventually { (second.catalogWatch.current() ?? start) > start })
            #expect(try await second.datasets().map(\.id) == ["gares"])
        }
    }

    /// Before its notification arrives, another node's new dataset is found: a dataset missing from the catalog the
    /// watch vouches for is looked up in the database. (A one-trip query reads the version with its rows:
    /// `PostgreSQLRecordReadersTests`.)
    @Test func anotherNodesChangeIsSeenBeforeItsNotificationWhereItMatters() async throws {
        try await PostgreSQLTestDatabase.withStore { first, url in
            let second = try await PostgreSQLStore.open(url: url, poolSize: 2, waitSeconds: 5)
            defer { second.shutdown() }
            _ = try await Self.vouched(second)
            #expect(try await second.datasets().isEmpty)  // the catalog of the version vouched for, kept
            second.catalogWatch.hearing.withLock { $0 = false }
            try await first.createDataset(DatasetMetadata(id: "gares"), now: StoreEngineBehaviours.now)
            #expect(try await second.dataset(id: "gares")?.id == "gares")
            #expect(try await second.versionedDataset(id: "gares").dataset?.id == "gares")
        }
    }

    @Test func aLostListeningConnectionSendsTheNodeBackToTheDatabase() async throws {
        try await PostgreSQLTestDatabase.withStore { store, url in
            _ = try await Self.vouched(store)
            let admin = try await PostgreSQLStore.open(url: url, poolSize: 1, waitSeconds: 5)
            defer { admin.shutdown() }
            let channel = CatalogVersionWatch.channel
            let ended = try await admin.withConnection { connection in
                try await admin.run(
                    """
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = current_database() AND query = \("LISTEN \"\(channel)\";")
                    """, on: connection)
            }
            #expect(ended == 1)
            // Not vouched for while it is not listening; vouched again once it listens and has read the version.
            #expect(try await Self.eventually { store.catalogWatch.current() == nil })
            _ = try await Self.vouched(store)
            try await admin.createDataset(DatasetMetadata(id: "gares"), now: StoreEngineBehaviours.now)
            #expect(try await Self.eventually { try await store.datasets().map(\.id) == ["gares"] })
        }
    }

    /// Reads the catalog version until the store's watch vouches for it (it listens, and has read it since), and
    /// returns it.
    static func vouched(_ store: PostgreSQLStore) async throws -> Int64 {
        var vouched: Int64?
        #expect(
            try await eventually {
                _ = try await store.catalogVersion()
                vouched = store.catalogWatch.current()
                return vouched != nil
            })
        return vouched ?? 0
    }

    /// Waits (a liveness timeout, not a measure) until `condition` holds.
    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<200 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }
}
