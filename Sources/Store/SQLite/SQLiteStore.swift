import Foundation
import GRDB

/// The embedded engine: one SQLite file in the data directory, in WAL mode, so that a
/// `garona import` can write while `garona serve` reads.
public final class SQLiteStore: Sendable {
    let pool: DatabasePool
    /// How long one API query may run (``rows(_:)``).
    public let queryBudget = QueryBudget()

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            GeoFunctions.register(in: db)
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try SQLiteMigrations.migrator.migrate(pool)
        } catch {
            throw StoreError.unavailable("cannot open the database \(path): \(error)")
        }
    }
}

enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-accounts-sessions-consent") { db in
            try db.execute(
                sql: """
                    CREATE TABLE users (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        username TEXT NOT NULL UNIQUE,
                        role TEXT NOT NULL CHECK (role IN ('admin', 'editor')),
                        password_hash TEXT NOT NULL,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE sessions (
                        key TEXT PRIMARY KEY,
                        data TEXT NOT NULL,
                        expires_at REAL NOT NULL
                    );
                    CREATE INDEX sessions_expires_at ON sessions(expires_at);
                    CREATE TABLE consent_log (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        created_at REAL NOT NULL,
                        policy_version TEXT NOT NULL,
                        categories TEXT NOT NULL,
                        services TEXT NOT NULL,
                        action TEXT NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("v2-datasets") { db in
            try db.execute(
                sql: """
                    CREATE TABLE datasets (
                        id TEXT PRIMARY KEY,
                        metadata TEXT NOT NULL,
                        fields TEXT NOT NULL,
                        visibility TEXT NOT NULL,
                        records_count INTEGER NOT NULL,
                        version INTEGER NOT NULL,
                        records_table TEXT,
                        created_at REAL NOT NULL,
                        modified_at REAL NOT NULL,
                        processed_at REAL
                    );
                    CREATE TABLE imports (
                        records_table TEXT PRIMARY KEY,
                        dataset_id TEXT NOT NULL,
                        pid INTEGER NOT NULL,
                        started_at REAL NOT NULL
                    );
                    """
            )
        }
        return migrator
    }
}
