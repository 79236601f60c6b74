import Foundation
import ODSQL
import PostgresNIO
import Testing

@testable import Store

/// ``PostgreSQLStore``'s ``RecordQueries`` on a real server: values decoded as SQLite gives them, the budget, the
/// overflow, and row streams (batches, cancel, a stalled consumer).
@Suite(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason))
struct PostgreSQLQueryTests {
    /// A table of `count` rows: `n` from 1, `x` = n / 4, `s` = "row n".
    func makeTable(_ store: PostgreSQLStore, count: Int = 5_000) async throws {
        try await store.run(
            PostgresQuery(
                unsafeSQL: """
                    CREATE TABLE numbers AS SELECT n::bigint AS n, n / 4.0::float8 AS x, 'row ' || n AS s
                    FROM generate_series(1, \(count)) AS n
                    """))
    }

    func query(_ sql: String, _ bindings: [SQLValue] = []) -> CompiledQuery {
        CompiledQuery(sql: sql, bindings: bindings)
    }

    @Test func decodesValuesAsSQLiteGivesThem() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            try await makeTable(store, count: 4)
            let rows = try await store.rows(
                query(
                    "SELECT n, x, s, NULL, n > $1, sum(n) OVER (), avg(n) OVER (), $2 FROM numbers WHERE n = $3",
                    [.int(1), .double(0.5), .int(2)]))
            #expect(
                rows == [[.int(2), .double(0.5), .text("row 2"), .null, .int(1), .int(2), .double(2), .double(0.5)]])
            let numerics = try await store.rows(
                query("SELECT 12345678.125::numeric, -0.5::numeric, 100000000::numeric, -20003::numeric, 0::numeric"))
            #expect(numerics == [[.double(12_345_678.125), .double(-0.5), .int(100_000_000), .int(-20_003), .int(0)]])
            // Text stops before a NUL, as SQLite binds it, where PostgreSQL would refuse it.
            #expect(try await store.rows(query("SELECT $1", [.text("ab\u{0}cd")])) == [[.text("ab")]])
            // A bound integer beyond 32 bits is a bigint.
            #expect(try await store.rows(query("SELECT $1 + 1", [.int(5_000_000_000)])) == [[.int(5_000_000_001)]])
        }
    }

    @Test func integerOverflowIsTheSameErrorAsOnSQLite() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            // PostgreSQL sums bigints as numeric: a whole sum past 64 bits is what SQLite refuses.
            await #expect(throws: QueryOverflowError.self) {
                try await store.rows(
                    query("SELECT sum(v) FROM (VALUES ($1::bigint), ($1::bigint)) AS t(v)", [.int(Int64.max)]))
            }
            await #expect(throws: QueryOverflowError.self) {
                try await store.rows(query("SELECT $1::bigint * 2", [.int(Int64.max)]))
            }
            // Also where the sum only orders the answer, as SQLite's sum() stops there too.
            await #expect(throws: QueryOverflowError.self) {
                try await store.rows(
                    query(
                        "SELECT v FROM (VALUES ($1::bigint), ($1::bigint)) AS t(v) GROUP BY v ORDER BY sum(v)",
                        [.int(Int64.max)]))
            }
            let sum = try await store.rows(query("SELECT sum(n) FROM (VALUES (2::bigint), (NULL)) AS t(n)"))
            #expect(sum == [[.int(2)]])
            let after = try await store.rows(query("SELECT 1"))
            #expect(after == [[.int(1)]])
        }
    }

    @Test func queryOverBudgetTimesOutAndLeavesTheConnectionUsable() async throws {
        try await PostgreSQLTestDatabase.withStore(poolSize: 1) { store, _ in
            store.queryBudget.milliseconds = 100
            await #expect(throws: QueryTimeoutError(milliseconds: 100)) {
                try await store.rows(query("SELECT pg_sleep(30)"))
            }
            // The only connection is back, outside any transaction, without the timeout.
            #expect(try await store.rows(query("SELECT 1")) == [[.int(1)]])
            #expect(try await store.rows(query("SELECT current_setting('transaction_read_only')")) == [[.text("on")]])
            try await store.run("CREATE TABLE written (n bigint)")
        }
    }

    @Test func streamsEveryRowInBatches() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            try await makeTable(store, count: 2_500)
            let stream = store.rowStream(
                query("SELECT n FROM numbers WHERE n > $1 ORDER BY n", [.int(0)]), milliseconds: nil, batchSize: 1_000)
            var sizes: [Int] = []
            var values: [Int64] = []
            while let batch = try await stream.next() {
                sizes.append(batch.count)
                values += batch.compactMap { if case .int(let n) = $0.first { n } else { nil } }
            }
            #expect(sizes == [1_000, 1_000, 500])
            #expect(values == Array(1...2_500))
        }
    }

    @Test func cancelledStreamGivesItsConnectionBack() async throws {
        try await PostgreSQLTestDatabase.withStore(poolSize: 1) { store, _ in
            try await makeTable(store)
            let stream = store.rowStream(query("SELECT n FROM numbers ORDER BY n"), milliseconds: nil, batchSize: 10)
            #expect(try await stream.next()?.count == 10)
            stream.cancel()
            // The pool's only connection serves the next query (a liveness check, not a time limit on the answer).
            let answer = try await withThrowingTaskGroup(of: [[SQLValue]]?.self) { group in
                group.addTask { try await store.rows(query("SELECT count(*) FROM numbers")) }
                group.addTask {
                    try await Task.sleep(for: .seconds(60))
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
            #expect(answer == [[.int(5_000)]])
        }
    }

    @Test func stalledConsumerEndsTheStreamAtTheDeadline() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            try await makeTable(store)
            let stream = store.rowStream(query("SELECT n FROM numbers"), milliseconds: 200, batchSize: 1)
            // Read nothing past the deadline: the producer stops with the queue full.
            try await Task.sleep(for: .milliseconds(600))
            var read = 0
            await #expect(throws: QueryTimeoutError(milliseconds: 200)) {
                while let batch = try await stream.next() { read += batch.count }
            }
            #expect(read < 5_000)
        }
    }
}
