import Synchronization

/// A query that ran past the store's time budget and was interrupted.
public struct QueryTimeoutError: Error, Sendable, Equatable {
    /// The budget that was exceeded, in milliseconds.
    public let milliseconds: Int

    /// Creates the error for a budget of `milliseconds`.
    public init(milliseconds: Int) { self.milliseconds = milliseconds }
}

/// The time a read-only API query may run before the engine interrupts it (5,000 ms unless configured), and the
/// longer time a whole export may take (300,000 ms unless configured).
///
/// Each engine enforces it its own way: SQLite with a progress handler that interrupts the statement
/// (``SQLiteStore``), PostgreSQL with `statement_timeout`. Either way an expired query throws
/// ``QueryTimeoutError`` and leaves its connection usable.
public final class QueryBudget: Sendable {
    /// The largest budget: one day.
    static let maximum = 86_400_000
    private let limit = Atomic<Int>(5_000)
    private let exportLimit = Atomic<Int>(300_000)

    /// A budget with the defaults.
    init() {}

    /// The budget of one API query in milliseconds, from 1 ms to one day.
    public var milliseconds: Int {
        get { limit.load(ordering: .relaxed) }
        set { limit.store(min(max(1, newValue), Self.maximum), ordering: .relaxed) }
    }

    /// The budget of one whole export (its query and the sending of its rows) in milliseconds, from 1 ms to one day.
    public var exportMilliseconds: Int {
        get { exportLimit.load(ordering: .relaxed) }
        set { exportLimit.store(min(max(1, newValue), Self.maximum), ordering: .relaxed) }
    }
}
