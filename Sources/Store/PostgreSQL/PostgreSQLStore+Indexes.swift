import PostgresNIO
import Synchronization

extension PostgreSQLStore {
    /// Builds the indexes of a loaded table (``PostgreSQLRecordsTable/indexStatements(_:fields:)``), in that order,
    /// on `connection` and on a second connection of the pool when one is lent: each takes the next statement
    /// when it is done with its own, in a transaction of its own with more memory for its sorts than the default
    /// 64 MB.
    ///
    /// A build keeps about one core busy, whatever parallel workers PostgreSQL lends it: two builds at a time took
    /// 25% less time for the 22 indexes of 500,000 records of the sample on two cores (in `psql`, 7.4 s one after
    /// the other, 5.5 s on two connections). The helper connection is not waited for: when the
    /// pool lends none before `connection` has taken the last statement, `connection` builds them all. The first
    /// failure stops both, and is thrown once neither is building. Returns how many statements the helper ran.
    @discardableResult
    func buildIndexes(_ statements: [String], on connection: PostgresConnection) async throws -> Int {
        let queue = IndexQueue(statements)
        try await withThrowingTaskGroup(of: Void.self) { group in
            if readerCount > 1 {
                group.addTask {
                    do {
                        try await self.withConnection { helper in
                            guard queue.join() else { return }
                            try await self.build(from: queue, on: helper, asHelper: true)
                        }
                    } catch  where !queue.joined {
                        // No connection lent, or its wait given up: `connection` built them all.
                    }
                }
            }
            try await build(from: queue, on: connection, asHelper: false)
            if queue.leave() { group.cancelAll() }
            try await group.waitForAll()
        }
        return queue.helperCount
    }

    /// Runs the statements `queue` hands out on `connection`, in one transaction, until none is left.
    private func build(from queue: IndexQueue, on connection: PostgresConnection, asHelper: Bool) async throws {
        try await connection.query("BEGIN", logger: logger)
        do {
            try await connection.query("SET LOCAL maintenance_work_mem = '256MB'", logger: logger)
            while let statement = queue.next(asHelper: asHelper) {
                try await run(PostgresQuery(unsafeSQL: statement), on: connection)
            }
            try await connection.query("COMMIT", logger: logger)
        } catch {
            queue.fail()
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }
}

/// The index statements of one table, handed out in order to the connections that build them; and whether the
/// helper connection joined before there was nothing left for it.
final class IndexQueue: Sendable {
    private struct State {
        var statements: [String]
        var next = 0
        /// How many the helper took.
        var helperCount = 0
        /// The helper: nil while its connection is awaited, then whether it joined.
        var helperJoined: Bool?
    }
    private let state: Mutex<State>

    init(_ statements: [String]) { state = Mutex(State(statements: statements)) }

    /// The next statement to run, or nil when none is left (or a build failed).
    func next(asHelper: Bool) -> String? {
        state.withLock { state in
            guard state.next < state.statements.count else { return nil }
            state.next += 1
            if asHelper { state.helperCount += 1 }
            return state.statements[state.next - 1]
        }
    }

    /// A build failed: no more statements.
    func fail() { state.withLock { $0.next = $0.statements.count } }

    /// The helper has its connection: true when it may build, false when the first connection already left.
    func join() -> Bool {
        state.withLock { state in
            guard state.helperJoined == nil else { return false }
            state.helperJoined = true
            return true
        }
    }

    /// How many statements the helper took.
    var helperCount: Int { state.withLock { $0.helperCount } }

    /// Whether the helper joined.
    var joined: Bool { state.withLock { $0.helperJoined == true } }

    /// The first connection is done: true when the helper has not joined, and will not (its wait can be cancelled).
    func leave() -> Bool {
        state.withLock { state in
            guard state.helperJoined == nil else { return false }
            state.helperJoined = false
            return true
        }
    }
}
