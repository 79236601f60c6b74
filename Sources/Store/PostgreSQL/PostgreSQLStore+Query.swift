import Foundation
import ODSQL
import PostgresNIO

extension PostgreSQLStore {
    /// Runs a compiled, read-only ODSQL query within ``queryBudget``: in one round trip on a connection of the record
    /// readers (``PostgreSQLRecordReaders``), whose settings are the query's; a grouped query, or one under a budget
    /// changed since the readers were made, in a read-only transaction that sets them. Values are bound, never
    /// spliced into the SQL. A query over budget throws ``QueryTimeoutError``, an integer overflow
    /// ``QueryOverflowError``; the connection goes back to the pool usable.
    public func rows(_ query: CompiledQuery) async throws -> [[SQLValue]] {
        let milliseconds = queryBudget.milliseconds
        if let pool = try await recordReaders()?.pool(for: query) {
            return try await fetch(query, from: pool, milliseconds: milliseconds)
        }
        return try await withReadConnection { connection in
            try await readOnly(on: connection, milliseconds: milliseconds, grouped: Self.isGrouped(query)) {
                try await fetch(query, on: connection)
            }
        }
    }

    /// Looks up dataset `id`, then runs the query `compile` makes for it (nil to skip); nil when there is no such
    /// dataset or the query was skipped. One round trip when the catalog has not changed since this store last
    /// read it (``rowsAtCachedVersion(ofDataset:_:)``).
    public func rows(
        ofDataset id: String, _ compile: @escaping @Sendable (Dataset) throws -> CompiledQuery?
    ) async throws -> (query: CompiledQuery, rows: [[SQLValue]])? {
        if let answer = try await rowsAtCachedVersion(ofDataset: id, compile) { return answer }
        guard let dataset = try await dataset(id: id), let query = try compile(dataset) else { return nil }
        return (query, try await rows(query))
    }

    /// Every row of `query` on `connection`.
    func fetch(_ query: CompiledQuery, on connection: PostgresConnection) async throws -> [[SQLValue]] {
        var rows: [[SQLValue]] = []
        for try await row in try await connection.query(PostgreSQLRecordValues.query(query), logger: logger) {
            rows.append(try PostgreSQLRecordValues.values(row))
        }
        return rows
    }

    /// Runs `body` in a read-only transaction on `connection` whose statements may each run `milliseconds`, then
    /// ends it (committed, or rolled back when `body` throws). PostgreSQL's cancellation by the timeout becomes
    /// ``QueryTimeoutError``, its arithmetic overflows ``QueryOverflowError``.
    func readOnly<T: Sendable>(
        on connection: PostgresConnection, milliseconds: Int, grouped: Bool, _ body: () async throws -> T
    ) async throws -> T {
        do {
            try await connection.query("BEGIN READ ONLY", logger: logger)
            let result: T
            do {
                try await setBudget(milliseconds, grouped: grouped, on: connection)
                result = try await body()
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            try await connection.query("COMMIT", logger: logger)
            return result
        } catch {
            throw Self.queryError(error, milliseconds: milliseconds)
        }
    }

    /// Sets, for the current transaction, the `statement_timeout` and a plain sequential reading: no parallel
    /// workers, no scan joining another one midway, and no index-only scan (which may read a descending index for
    /// a query without order), so that rows without an order come in the table's order (SQLite's rowid order, see
    /// ``publish(datasetID:reader:newDataset:now:progress:)``) and sums of reals add up in the same order as on
    /// SQLite, to the same last digit. A `grouped` query also avoids sorting its rows (a hash, or an index on the
    /// group key, instead): PostgreSQL's sort is not stable, and would add each group's reals in another order.
    /// The store's schemas come before `pg_catalog`, for SQLite's integer `sum()`, `lower()` and `upper()`
    /// (migrations 8 and 9).
    func setBudget(_ milliseconds: Int, grouped: Bool, on connection: PostgresConnection) async throws {
        let timeout = String(min(max(1, milliseconds), QueryBudget.maximum))
        let sort = grouped ? "off" : "on"
        try await connection.query(
            """
            SELECT set_config('statement_timeout', \(timeout), true),
                set_config('max_parallel_workers_per_gather', '0', true), set_config('synchronize_seqscans', 'off', true),
                set_config('enable_indexonlyscan', 'off', true), set_config('enable_sort', \(sort), true),
                set_config('search_path', current_setting('search_path') || ', pg_catalog', true)
            """, logger: logger)
    }

    /// Whether `query` groups rows (its SQL has a GROUP BY: ODSQL never puts a value in SQL text).
    static func isGrouped(_ query: CompiledQuery) -> Bool { query.sql.contains(" GROUP BY ") }

    /// The domain error for a failed query: ``QueryTimeoutError`` for `statement_timeout` (SQLSTATE 57014),
    /// ``QueryOverflowError`` for an integer out of range (22003); anything else unchanged.
    static func queryError(_ error: any Error, milliseconds: Int) -> any Error {
        switch sqlState(error) {
        case "57014": QueryTimeoutError(milliseconds: milliseconds)
        case "22003": QueryOverflowError()
        default: error
        }
    }
}
