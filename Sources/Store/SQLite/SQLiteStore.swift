import Foundation
import GRDB
import ODSQL

/// The embedded engine: one SQLite file in the data directory, in WAL mode, so that a
/// `garona import` can write while `garona serve` reads.
public final class SQLiteStore: Sendable {
    let pool: DatabasePool
    /// A read-only connection of its own for the catalog, used synchronously by the calling task. Every page and
    /// API call checks the catalog version; a read through the pool would cost two thread switches, far more than
    /// the read itself (one indexed row, or the decoded catalog kept in ``datasetCache``).
    let catalogReader: DatabaseQueue
    /// The decoded datasets, reused while the catalog version does not change.
    let datasetCache = DatasetCache()
    /// How long one API query may run (``rows(_:)``).
    public let queryBudget = QueryBudget()
    /// The database file.
    let path: String
    /// SQLite's SQL flavour, for the ODSQL compiler.
    public var dialect: any SQLDialect { SQLiteDialect() }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            GeoFunctions.register(in: db)
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try SQLiteMigrations.migrator.migrate(pool)
            var readOnly = Configuration()
            readOnly.readonly = true
            readOnly.busyMode = .timeout(10)
            catalogReader = try DatabaseQueue(path: path, configuration: readOnly)
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
        migrator.registerMigration("v3-api-keys") { db in
            try db.execute(
                sql: """
                    CREATE TABLE api_keys (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        label TEXT NOT NULL,
                        key_hash TEXT NOT NULL UNIQUE,
                        prefix TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        last_used_at REAL,
                        revoked_at REAL
                    );
                    CREATE INDEX api_keys_user_id ON api_keys(user_id);
                    """
            )
        }
        migrator.registerMigration("v4-catalog-version") { db in
            // Bumped by every change to `datasets`, whoever makes it (the server, or `garona import` in another
            // process), so that readers know when their decoded copy of the catalog is stale.
            try db.execute(
                sql: """
                    CREATE TABLE catalog_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
                    INSERT INTO catalog_version VALUES (1, 0);
                    CREATE TRIGGER datasets_inserted AFTER INSERT ON datasets
                        BEGIN UPDATE catalog_version SET version = version + 1; END;
                    CREATE TRIGGER datasets_updated AFTER UPDATE ON datasets
                        BEGIN UPDATE catalog_version SET version = version + 1; END;
                    CREATE TRIGGER datasets_deleted AFTER DELETE ON datasets
                        BEGIN UPDATE catalog_version SET version = version + 1; END;
                    """
            )
        }
        migrator.registerMigration("v5-retired-records-tables") { db in
            // A records table replaced by a publication (or of a deleted dataset) is kept a while for the readers
            // that looked the dataset up just before; see ``SQLiteStore/dropRetiredTables(now:)``.
            try db.execute(
                sql: "CREATE TABLE retired_tables (records_table TEXT PRIMARY KEY, retired_at REAL NOT NULL)"
            )
        }
        migrator.registerMigration("v6-settings") { db in
            // Named instance settings (``InstanceSettings``); the secret stays in its own file, mode 0600.
            try db.execute(sql: "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        }
        migrator.registerMigration("v7-import-jobs") { db in
            // Back-office import jobs and their uploaded files, in chunks (``ImportJobStore``).
            try db.execute(sql: SQLiteStore.importJobsSchema)
        }
        migrator.registerMigration("v8-accounts-audit") { db in
            // Disabled accounts, last logins, sessions by account (``UserStore``) and the audit log (``AuditTrail``).
            try db.execute(sql: SQLiteStore.accountStateSchema)
            try db.execute(sql: SQLiteStore.auditSchema)
        }
        migrator.registerMigration("v9-sources-attachments") { db in
            // Datasets' sources and their runs (``SourceStore``), attachments in chunks (``AttachmentStore``).
            try db.execute(sql: SQLiteStore.sourcesSchema)
        }
        migrator.registerMigration("v10-consent-log-by-date") { db in
            // The consent figures group the log by day over a range of dates (``ConsentFigures``).
            try db.execute(sql: "CREATE INDEX consent_log_created_at ON consent_log(created_at)")
        }
        migrator.registerMigration("v11-audience") { db in
            // Daily audience counts, additive upserts from every node (``AudienceStore``).
            try db.execute(sql: SQLiteStore.audienceSchema)
        }
        migrator.registerMigration("v12-content-pages") { db in
            // The editors' content pages (``ContentPageStore``); the site's settings live in `settings`.
            try db.execute(sql: SQLiteStore.contentPagesSchema)
        }
        migrator.registerMigration("v17-audience-totals") { db in
            // Each dataset's running audience totals, so that reading them does not sum every kept day.
            try db.execute(sql: SQLiteStore.audienceTotalsSchema)
        }
        return migrator
    }
}

extension SQLiteStore: DatasetCatalog, DatasetPublisher, RecordQueries {}
