import Foundation
import GRDB

/// Builds a records table's FTS5 index on a second core while the main connection builds the
/// B-tree indexes.
///
/// SQLite lets one connection write a database at a time, so the tokenizing happens in a
/// disposable side file next to the database: a contentless FTS5 table filled from the staging
/// table (committed, so readable beside the writer thanks to WAL). Once both are done,
/// ``install()`` creates the real external-content table and copies the finished index into its
/// shadow tables (`_data`, `_idx`, `_docsize`), in one transaction. A contentless and an
/// external-content FTS5 table store their index in the same format; only where the text comes
/// from differs, which the `CREATE VIRTUAL TABLE` statement says.
///
/// The side file is named after the staging table, so that ``SQLiteStore/removeOrphanImports()``
/// deletes it with the table when an import dies.
final class FullTextBuilder: @unchecked Sendable {
    // @unchecked: `failure` is written by the build thread before it signals `finished`, and read
    // only after waiting on it.
    static let tokenizer = "unicode61 remove_diacritics 2"

    let databasePath: String
    let table: String
    let columns: [String]
    let sidePath: String
    private let finished = DispatchSemaphore(value: 0)
    private var failure: (any Error)?

    init(databasePath: String, table: String, columns: [String]) {
        self.databasePath = databasePath
        self.table = table
        self.columns = columns
        sidePath = Self.sidePath(databasePath: databasePath, table: table)
    }

    /// Where the side file of `table` lives.
    static func sidePath(databasePath: String, table: String) -> String {
        URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent(table + ".fts.sqlite").path
    }

    /// Starts tokenizing on a thread of its own.
    func start() {
        Thread.detachNewThread { [self] in
            do {
                try build()
            } catch {
                failure = error
            }
            finished.signal()
        }
    }

    /// Waits for the side index, then installs it in the database. The side file is gone afterwards,
    /// whatever happens.
    func install() throws {
        finished.wait()
        defer { Self.removeSideFile(sidePath) }
        if let failure { throw failure }
        let queue = try DatabaseQueue(path: databasePath, configuration: Self.configuration)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS side", arguments: [sidePath])
            defer { try? db.execute(sql: "DETACH DATABASE side") }
            try db.inTransaction {
                let fts = RecordLayout.fullTextTable(of: table)
                try db.execute(
                    sql: """
                        CREATE VIRTUAL TABLE main.\(RecordLayout.quote(fts)) USING fts5(\(columnList), \
                        content=\(RecordLayout.quote(table)), content_rowid='rowid', tokenize='\(Self.tokenizer)')
                        """
                )
                for (shadow, columns) in [("_data", "id, block"), ("_idx", "segid, term, pgno"), ("_docsize", "id, sz")] {
                    let target = "main." + RecordLayout.quote(fts + shadow)
                    try db.execute(sql: "DELETE FROM \(target)")
                    try db.execute(
                        sql:
                            "INSERT INTO \(target) (\(columns)) SELECT \(columns) FROM side.\(RecordLayout.quote("side" + shadow))"
                    )
                }
                return .commit
            }
        }
    }

    /// Waits for the build thread and deletes the side file, after a failed import.
    func discard() {
        finished.wait()
        Self.removeSideFile(sidePath)
    }

    private func build() throws {
        Self.removeSideFile(sidePath)
        let queue = try DatabaseQueue(path: sidePath, configuration: Self.configuration)
        try queue.writeWithoutTransaction { db in
            // A disposable file: no journal, no fsync.
            try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")
            try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [databasePath])
            try db.execute(
                sql: "CREATE VIRTUAL TABLE main.side USING fts5(\(columnList), content='', tokenize='\(Self.tokenizer)')")
            try db.execute(
                sql:
                    "INSERT INTO main.side (rowid, \(columnList)) SELECT rowid, \(columnList) FROM source.\(RecordLayout.quote(table))"
            )
            try db.execute(sql: "DETACH DATABASE source")
        }
    }

    private var columnList: String { columns.map(RecordLayout.quote).joined(separator: ", ") }

    private static var configuration: Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        return configuration
    }

    static func removeSideFile(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
