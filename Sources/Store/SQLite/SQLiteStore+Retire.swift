import Foundation
import GRDB

extension SQLiteStore {
    /// How long a replaced records table stays in the database after a publication (or a deletion) pointed the
    /// dataset away from it: two minutes.
    ///
    /// A request looks a dataset up (its row names its records table), then queries that table, in a later
    /// statement, possibly on another connection and after waiting for one. Were the table dropped in between,
    /// the query would fail with "no such table". Kept for this long, every request answers from the version it
    /// looked up, old or new; a statement that has started reads its own snapshot (WAL) and does not need the
    /// table afterwards. The wait for a reading connection is far shorter than this.
    public static let retiredTableGrace: TimeInterval = 120

    /// Marks `table` (a records table no dataset points at any more) for dropping after ``retiredTableGrace``.
    static func retireRecordsTable(_ table: String, at now: Date, in db: GRDB.Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO retired_tables (records_table, retired_at) VALUES (?, ?)",
            arguments: [table, now.timeIntervalSince1970]
        )
    }

    /// Drops the records tables retired at least ``retiredTableGrace`` before `now`, and says how many.
    ///
    /// The server calls it periodically; each publication calls it too, so that `garona import` alone also
    /// cleans up.
    @discardableResult public func dropRetiredTables(now: Date) async throws -> Int {
        try await pool.write { db in try Self.dropRetiredTables(now: now, in: db) }
    }

    @discardableResult static func dropRetiredTables(now: Date, in db: GRDB.Database) throws -> Int {
        let cutoff = now.timeIntervalSince1970 - retiredTableGrace
        let due = try String.fetchAll(
            db, sql: "SELECT records_table FROM retired_tables WHERE retired_at <= ?", arguments: [cutoff])
        guard !due.isEmpty else { return 0 }
        // A table a dataset points at again (never expected) is not dropped, only forgotten.
        let current = Set(
            try String.fetchAll(db, sql: "SELECT records_table FROM datasets WHERE records_table IS NOT NULL"))
        for table in due where !current.contains(table) { try dropRecordsTable(table, in: db) }
        try db.execute(
            sql: "DELETE FROM retired_tables WHERE records_table IN (SELECT value FROM json_each(?))",
            arguments: [try json(due)]
        )
        return due.count
    }

    /// The retired tables still kept.
    static func retiredTables(in db: GRDB.Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT records_table FROM retired_tables")
    }
}
