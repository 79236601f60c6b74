import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// How SQLite enforces a ``QueryBudget``: `sqlite3_progress_handler` on the connection running the query. Every
/// few thousand virtual-machine steps SQLite asks whether the deadline has passed, and aborts the statement with
/// `SQLITE_INTERRUPT` when it has. The handler is removed before the read transaction ends, so the connection goes
/// back to the pool in a usable state.
extension QueryBudget {
    /// How many SQLite virtual-machine instructions run between two clock checks.
    static let checkInterval: Int32 = 4_096

    /// Runs `body` on `db` under the budget; an interrupted query throws ``QueryTimeoutError``.
    func run<T>(_ db: GRDB.Database, _ body: () throws -> T) throws -> T {
        try Self.run(db, QueryInterruption(milliseconds: milliseconds), body)
    }

    /// Runs `body` on `db` until `interruption` expires or is stopped. An expired query throws
    /// ``QueryTimeoutError``; a stopped one throws SQLite's own interruption error.
    static func run<T>(_ db: GRDB.Database, _ interruption: QueryInterruption, _ body: () throws -> T) throws -> T {
        let connection = db.sqliteConnection
        // Non-zero (interrupt) once the interruption in `context` expired or was stopped.
        sqlite3_progress_handler(
            connection, checkInterval,
            { context in
                guard let context else { return 0 }
                return Unmanaged<QueryInterruption>.fromOpaque(context).takeUnretainedValue().isDue ? 1 : 0
            }, Unmanaged.passUnretained(interruption).toOpaque())
        defer { sqlite3_progress_handler(connection, 0, nil, nil) }
        do {
            return try withExtendedLifetime(interruption) { try body() }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT && interruption.isExpired {
            throw QueryTimeoutError(milliseconds: interruption.milliseconds)
        } catch let error as DatabaseError where QueryOverflowError.isOverflow(error) {
            throw QueryOverflowError()
        }
    }
}

/// When a running query must stop: a deadline, and a stop request from its consumer (an export whose client
/// went away). SQLite checks it every few thousand steps (see ``QueryBudget``).
final class QueryInterruption: Sendable {
    /// The budget, in milliseconds.
    let milliseconds: Int
    /// The deadline on the monotonic clock, in nanoseconds.
    private let deadline: UInt64
    /// The same deadline on the wall clock, for condition waits.
    let wallDeadline: Date
    private let stopped = Atomic<Bool>(false)

    /// Starts a budget of `milliseconds` (1 ms to one day) now.
    init(milliseconds: Int) {
        let budget = min(max(1, milliseconds), QueryBudget.maximum)
        self.milliseconds = budget
        deadline = DispatchTime.now().uptimeNanoseconds + UInt64(budget) * 1_000_000
        wallDeadline = Date().addingTimeInterval(Double(budget) / 1_000)
    }

    /// Asks the query to stop at its next check.
    func stop() { stopped.store(true, ordering: .relaxed) }

    var isStopped: Bool { stopped.load(ordering: .relaxed) }
    var isExpired: Bool { DispatchTime.now().uptimeNanoseconds >= deadline }
    /// Whether SQLite should interrupt the query now.
    var isDue: Bool { isStopped || isExpired }
}
