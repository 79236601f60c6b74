import Foundation
import GRDB

extension SQLiteStore: WriteAheadLogCompaction {
    /// The write-ahead log beside the database.
    var writeAheadLogPath: String { path + "-wal" }

    /// The log's size in bytes, 0 when it does not exist.
    func writeAheadLogSize() -> Int64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: writeAheadLogPath)
        return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// Copies every page of the write-ahead log into the database and truncates the log, when it holds more than
    /// `bytes`; returns the log's size before, or nil when it was small enough or the truncation could not happen now.
    ///
    /// SQLite's automatic checkpoints copy pages back after each large commit, but only restart the log from its
    /// beginning at a moment when no reader still uses a page of it. A portal that is read without pause, and written
    /// a little between reads (sessions), never has such a moment: the log then grows with every publication, by
    /// the size of the records written (a gigabyte in ten minutes of the soak, republishing 200,000 rows every
    /// minute), and the shared-memory index beside it grows with it. A `TRUNCATE` checkpoint stops new writers
    /// while it waits for the readers of older pages to finish, which the query budget bounds; it runs on a
    /// connection of its own that waits at most two seconds, so that a long export only postpones it to the next
    /// pass, and writers wait at most that long.
    public func compactWriteAheadLog(over bytes: Int64) async throws -> Int64? {
        let before = writeAheadLogSize()
        guard before > bytes else { return nil }
        var configuration = Configuration()
        configuration.busyMode = .timeout(2)
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        do {
            _ = try await connection.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            return nil
        }
        try connection.close()
        return before
    }
}
