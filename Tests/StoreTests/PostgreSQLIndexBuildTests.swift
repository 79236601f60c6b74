import ODSQL
import PostgresNIO
import Testing

@testable import Store

/// The indexes of a loaded table, built on the importing connection and on a helper connection of the pool when
/// one is lent (``PostgreSQLStore/buildIndexes(_:on:)``).
@Suite(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason))
struct PostgreSQLIndexBuildTests {
    /// The first statement keeps the importing connection busy long enough for the helper to be lent a connection.
    static let slowFirst = "SELECT pg_sleep(2)"

    static func makeTable(on store: PostgreSQLStore) async throws {
        try await store.run("CREATE TABLE t (a bigint, b text, c double precision)")
        try await store.run("INSERT INTO t SELECT g, g::text, g / 3.0 FROM generate_series(1, 20000) g")
    }

    /// With a pool of one, the importing connection builds them all; with more, the helper takes its share. Either
    /// way every index is there, and no connection is left in a transaction.
    @Test(arguments: [1, 3])
    func everyIndexIsBuiltWhateverThePoolLends(poolSize: Int) async throws {
        try await PostgreSQLTestDatabase.withStore(poolSize: poolSize) { store, _ in
            try await Self.makeTable(on: store)
            let columns = ["a", "b", "c", "a DESC NULLS LAST", "b DESC NULLS LAST", "c DESC NULLS LAST"]
            let statements = [Self.slowFirst] + columns.map { "CREATE INDEX ON t (\($0))" }
            let helped = try await store.withConnection { connection in
                try await store.buildIndexes(statements, on: connection)
            }
            #expect(poolSize == 1 ? helped == 0 : helped > 0)
            let indexes = try await store.rows(
                CompiledQuery(sql: "SELECT count(*) FROM pg_indexes WHERE tablename = 't'", bindings: []))
            #expect(indexes == [[.int(6)]])
            #expect(try await Self.idleInTransaction(store) == 0)
        }
    }

    /// A statement that fails, on either connection, is thrown once both are done; both transactions are over.
    @Test func aFailureIsThrownAndEndsBothTransactions() async throws {
        try await PostgreSQLTestDatabase.withStore(poolSize: 3) { store, _ in
            try await Self.makeTable(on: store)
            let statements = [
                Self.slowFirst, "CREATE INDEX ON t (a)", "CREATE INDEX ON t (missing)", "CREATE INDEX ON t (b)",
            ]
            await #expect(throws: (any Error).self) {
                try await store.withConnection { connection in try await store.buildIndexes(statements, on: connection) }
            }
            #expect(try await Self.idleInTransaction(store) == 0)
            let left = try await store.rows(
                CompiledQuery(sql: "SELECT count(*) FROM pg_indexes WHERE tablename = 't' AND indexdef LIKE '%(b)'", bindings: [])
            )
            #expect(left == [[.int(0)]], "no statement runs after the failure")
        }
    }

    @Test func theHelperThatJoinsLateTakesNothing() {
        let queue = IndexQueue(["one", "two"])
        #expect(queue.next(asHelper: false) == "one")
        #expect(queue.next(asHelper: false) == "two")
        #expect(queue.next(asHelper: false) == nil)
        #expect(queue.leave(), "the helper had not joined: its wait may be cancelled")
        #expect(!queue.join())
        let failed = IndexQueue(["one", "two"])
        #expect(failed.join() && !failed.leave())
        failed.fail()
        #expect(failed.next(asHelper: true) == nil && failed.helperCount == 0)
    }

    /// The pool's connections left inside a transaction.
    static func idleInTransaction(_ store: PostgreSQLStore) async throws -> Int64 {
        let rows = try await store.rows(
            CompiledQuery(
                sql: """
                    SELECT count(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND state LIKE 'idle in transaction%'
                    """, bindings: []))
        guard case .int(let count) = rows.first?.first else { return -1 }
        return count
    }
}
