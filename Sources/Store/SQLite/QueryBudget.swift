import Dispatch
import GRDB
import GRDBSQLite
import Synchronization

/// A query that ran past the store's time budget and was interrupted.
public struct QueryTimeoutError: Error, Sendable, Equatable {
    /// The budget that was exceeded, in milliseconds.
    public let milliseconds: Int

    /// Creates the error for a budget of `milliseconds`.
    public init(milliseconds: Int) { self.milliseconds = milliseconds }
}

/// The time a read-only API query may run before SQLite interrupts it (5,000 ms unless configured).
///
/// The budget is enforced with `sqlite3_progress_handler` on the connection running the query: every
/// few thousand virtual-machine steps SQLite asks whether the deadline has passed, and aborts the
/// statement with `SQLITE_INTERRUPT` when it has. The handler is removed before the read transaction
/// ends, so the connection goes back to the pool in a usable state.
public final class QueryBudget: Sendable {
    /// How many SQLite virtual-machine instructions run between two clock checks.
    static let checkInterval: Int32 = 4_096
    private let limit = Atomic<Int>(5_000)

    init() {}

    /// The budget in milliseconds, from 1 ms to one day.
    public var milliseconds: Int {
        get { limit.load(ordering: .relaxed) }
        set { limit.store(min(max(1, newValue), 86_400_000), ordering: .relaxed) }
    }

    /// Runs `body` on `db` under the budget; an interrupted query throws ``QueryTimeoutError``.
    func run<T>(_ db: GRDB.Database, _ body: () throws -> T) throws -> T {
        let budget = milliseconds
        let deadline = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        defer { deadline.deallocate() }
        deadline.pointee = DispatchTime.now().uptimeNanoseconds + UInt64(budget) * 1_000_000
        let connection = db.sqliteConnection
        // Non-zero (interrupt) once the deadline in `context` has passed.
        sqlite3_progress_handler(
            connection, Self.checkInterval,
            { context in
                guard let deadline = context?.assumingMemoryBound(to: UInt64.self).pointee else { return 0 }
                return DispatchTime.now().uptimeNanoseconds >= deadline ? 1 : 0
            }, UnsafeMutableRawPointer(deadline))
        defer { sqlite3_progress_handler(connection, 0, nil, nil) }
        do {
            return try body()
        } catch let error as DatabaseError
            where error.resultCode == .SQLITE_INTERRUPT && DispatchTime.now().uptimeNanoseconds >= deadline.pointee
        {
            throw QueryTimeoutError(milliseconds: budget)
        }
    }
}
