import Logging
import ODSQL
import PostgresNIO
import Synchronization

/// The connections of the data API's record queries: two pools whose connections start with a record query's
/// settings (sent in the start-up message), so that a query is one round trip to the server, with no transaction
/// to open, no setting to send and no commit.
///
/// Both pools run their statements read-only, within the query budget (`statement_timeout`), with the store's
/// schemas before `pg_catalog` (SQLite's integer `sum()`, `lower()` and `upper()`, migrations 8 and 9) and without
/// parallel workers. ``rows`` also reads rows in the table's order, as SQLite returns the rows of a query without
/// order: no synchronized scan and no index-only scan (which may read a descending index).
/// ``counts`` answers a `SELECT COUNT(*)` without `GROUP BY`, one row whatever the order, with index-only scans,
/// which count an index without reading the table once `VACUUM` has set the visibility map (after each import).
///
/// Built once, for the query budget of the first record query (``PostgreSQLStore/queryBudget``, set by
/// `garona serve` at start-up); a query under another budget takes the transaction with its own settings
/// (``PostgreSQLStore/readOnly(on:milliseconds:grouped:_:)``).
final class PostgreSQLRecordReaders: Sendable {
    /// The `statement_timeout` of both pools, in milliseconds.
    let milliseconds: Int
    /// Rows in the table's order.
    let rows: PostgresClient
    /// Counts, with index-only scans.
    let counts: PostgresClient
    /// Run ``rows`` and ``counts``; cancelled by ``shutdown()``.
    private let runners: [Task<Void, Never>]

    /// Starts both pools, each of at most `size` connections, for `address`; nothing connects before a query.
    /// `searchPath` is the database's own `search_path`, to which `pg_catalog` is appended.
    init(address: PostgreSQLAddress, size: Int, milliseconds: Int, searchPath: String, logger: Logger) {
        self.milliseconds = milliseconds
        let common = [
            ("statement_timeout", String(milliseconds)), ("default_transaction_read_only", "on"),
            ("max_parallel_workers_per_gather", "0"), ("search_path", searchPath + ", pg_catalog"),
        ]
        var poolLogger = logger
        poolLogger.logLevel = max(logger.logLevel, .error)
        func pool(_ settings: [(String, String)]) -> PostgresClient {
            var configuration = address.poolConfiguration(size: size)
            configuration.options.additionalStartupParameters += common + settings
            return PostgresClient(configuration: configuration, backgroundLogger: poolLogger)
        }
        let rows = pool([("synchronize_seqscans", "off"), ("enable_indexonlyscan", "off")])
        let counts = pool([])
        self.rows = rows
        self.counts = counts
        runners = [Task { await rows.run() }, Task { await counts.run() }]
    }

    deinit { shutdown() }

    /// Closes both pools.
    func shutdown() {
        for runner in runners { runner.cancel() }
    }

    /// The pool for `query`: ``counts`` for a count without groups, else ``rows``. Nil for a grouped query, which
    /// also turns sorting off (``PostgreSQLStore/setBudget(_:grouped:on:)``) and so takes a transaction.
    func pool(for query: CompiledQuery) -> PostgresClient? {
        if PostgreSQLStore.isGrouped(query) { return nil }
        return query.sql.hasPrefix("SELECT COUNT(*) FROM ") && query.columns.isEmpty ? counts : rows
    }
}

extension PostgreSQLStore {
    /// The record readers for the current query budget, made at the first call; nil when the budget has changed
    /// since (the caller then sets its budget in a transaction).
    func recordReaders() async throws -> PostgreSQLRecordReaders? {
        let budget = queryBudget.milliseconds
        if let readers = recordReaderSlot.withLock({ $0 }) { return readers.milliseconds == budget ? readers : nil }
        let searchPath = try await read { connection in
            try await connection.query("SELECT current_setting('search_path')", logger: logger)
                .decode(String.self).first { _ in true } ?? "public"
        }
        return recordReaderSlot.withLock { slot in
            if let readers = slot { return readers.milliseconds == budget ? readers : nil }
            let readers = PostgreSQLRecordReaders(
                address: address, size: readerCount, milliseconds: budget, searchPath: searchPath, logger: logger)
            slot = readers
            return readers
        }
    }

    /// Runs `query` alone on a connection of `pool`: one round trip. A lost connection is retried as ``read(_:)``
    /// does.
    func fetch(_ query: CompiledQuery, from pool: PostgresClient, milliseconds: Int) async throws -> [[SQLValue]] {
        do {
            return try await retryingLostConnections {
                try await pool.withConnection(waitingAtMost: Self.leaseWait) { connection in
                    try await fetch(query, on: connection)
                }
            }
        } catch {
            throw Self.queryError(error, milliseconds: milliseconds)
        }
    }
}

/// The slot of ``PostgreSQLStore``'s record readers, filled at the first record query.
final class RecordReaderSlot: Sendable {
    private let slot = Mutex<PostgreSQLRecordReaders?>(nil)

    /// Runs `body` with the slot locked.
    func withLock<T: Sendable>(_ body: (inout PostgreSQLRecordReaders?) -> T) -> T { slot.withLock { body(&$0) } }
}
