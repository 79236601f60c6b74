import Foundation
import ODSQL
import PostgresNIO

extension PostgreSQLStore {
    /// Starts a compiled, read-only ODSQL query and returns its rows as a stream of batches, read through a cursor
    /// in one read-only transaction on one pooled connection: one pass over the table and constant memory whatever
    /// its size. Values are bound, never spliced into the SQL.
    ///
    /// Each batch is one `FETCH`, run only once the consumer has room for it: a consumer that stops (a client that
    /// went away) stops the fetching at once, and the cursor, the transaction and the connection go back. The whole
    /// read runs under `milliseconds` (the export budget, ``QueryBudget/exportMilliseconds``, unless given): each
    /// `FETCH` gets what is left of it as its `statement_timeout`, and a consumer that reads nothing until the
    /// deadline ends the stream with ``QueryTimeoutError``.
    public func rowStream(_ query: CompiledQuery, milliseconds: Int? = nil, batchSize: Int = 1_000) -> RowStream {
        let budget = min(max(1, milliseconds ?? queryBudget.exportMilliseconds), QueryBudget.maximum)
        let deadline = Date().addingTimeInterval(Double(budget) / 1_000)
        let channel = RowChannel()
        Task {
            do {
                try await withConnection { connection in
                    try await readOnly(on: connection, milliseconds: budget, grouped: Self.isGrouped(query)) {
                        try await produce(
                            query, on: connection, batchSize: max(1, batchSize), into: channel, until: deadline,
                            budget: budget)
                    }
                }
                channel.finish(nil)
            } catch {
                channel.finish(error)
            }
        }
        // Nothing to interrupt: a cancelled channel refuses the next batch, which ends the fetching.
        return RowStream(channel: channel, stop: {})
    }

    /// Declares the cursor, then fetches batches into `channel` until the end, the consumer gives up or the
    /// deadline passes (then throws ``QueryTimeoutError``).
    private func produce(
        _ query: CompiledQuery, on connection: PostgresConnection, batchSize: Int, into channel: RowChannel,
        until deadline: Date, budget: Int
    ) async throws {
        let cursor = PostgresQuery(
            unsafeSQL: "DECLARE garona_rows NO SCROLL CURSOR FOR " + query.sql,
            binds: PostgreSQLRecordValues.bindings(query.bindings))
        try await connection.query(cursor, logger: logger)
        let fetch = PostgresQuery(unsafeSQL: "FETCH FORWARD \(batchSize) FROM garona_rows")
        while true {
            let left = Int((deadline.timeIntervalSinceNow * 1_000).rounded(.up))
            guard left > 0 else { throw QueryTimeoutError(milliseconds: budget) }
            try await setBudget(left, grouped: Self.isGrouped(query), on: connection)
            var batch: [[SQLValue]] = []
            batch.reserveCapacity(batchSize)
            for try await row in try await connection.query(fetch, logger: logger) {
                batch.append(try PostgreSQLRecordValues.values(row))
            }
            if batch.isEmpty { return }
            guard await channel.put(batch, until: deadline) else {
                if Date() >= deadline { throw QueryTimeoutError(milliseconds: budget) }
                return
            }
            if batch.count < batchSize { return }
        }
    }
}
