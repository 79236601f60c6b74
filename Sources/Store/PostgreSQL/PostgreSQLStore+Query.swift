import Foundation
import ODSQL
import PostgresNIO

extension PostgreSQLStore {
    /// Runs a compiled, read-only ODSQL query within ``queryBudget``, in a read-only transaction whose
    /// `statement_timeout` is the budget. Values are bound, never spliced into the SQL. A query over budget throws
    /// ``QueryTimeoutError``, an integer overflow ``QueryOverflowError``; the connection goes back to the pool usable.
    public func rows(_ query: CompiledQuery) async throws -> [[SQLValue]] {
        let milliseconds = queryBudget.milliseconds
        return try await withConnection { connection in
            try await readOnly(on: connection, milliseconds: milliseconds) {
                try await fetch(query, on: connection)
            }
        }
    }

    /// Looks up dataset `id`, then runs the query `compile` makes for it (nil to skip); nil when there is no such
    /// dataset or the query was skipped.
    public func rows(
        ofDataset id: String, _ compile: @escaping @Sendable (Dataset) throws -> CompiledQuery?
    ) async throws -> (query: CompiledQuery, rows: [[SQLValue]])? {
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
        on connection: PostgresConnection, milliseconds: Int, _ body: () async throws -> T
    ) async throws -> T {
        do {
            try await connection.query("BEGIN READ ONLY", logger: logger)
            let result: T
            do {
                let timeout = String(min(max(1, milliseconds), QueryBudget.maximum))
                try await connection.query(
                    "SELECT set_config('statement_timeout', \(timeout), true)", logger: logger)
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
