import Foundation
import GRDB

extension SQLiteStore: SourceStore {
    /// The tables of migration `v9-sources-attachments`: the datasets' sources and their runs, and the attachments in
    /// chunks; each goes with its dataset (`ON DELETE CASCADE`).
    static let sourcesSchema = """
        CREATE TABLE dataset_sources (
            dataset_id TEXT PRIMARY KEY REFERENCES datasets (id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            options TEXT NOT NULL,
            schedule TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            next_run_at REAL NOT NULL,
            lease_node TEXT,
            lease_until REAL,
            last_outcome TEXT,
            last_run_at REAL,
            updated_at REAL NOT NULL
        );
        CREATE INDEX dataset_sources_next_run_at ON dataset_sources (next_run_at);
        CREATE TABLE source_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
            run_trigger TEXT NOT NULL,
            started_at REAL NOT NULL,
            finished_at REAL NOT NULL,
            outcome TEXT NOT NULL,
            detail TEXT NOT NULL,
            bytes INTEGER
        );
        CREATE INDEX source_runs_dataset_id ON source_runs (dataset_id, id);
        CREATE TABLE dataset_attachments (
            dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
            id TEXT NOT NULL,
            title TEXT NOT NULL,
            file_name TEXT NOT NULL,
            mime_type TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            created_at REAL NOT NULL,
            PRIMARY KEY (dataset_id, id)
        );
        CREATE TABLE attachment_chunks (
            dataset_id TEXT NOT NULL,
            attachment_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (dataset_id, attachment_id, seq),
            FOREIGN KEY (dataset_id, attachment_id) REFERENCES dataset_attachments (dataset_id, id) ON DELETE CASCADE
        );
        """

    public func saveSource(_ source: DatasetSource) async throws {
        let options = try ImportJobCoding.text(source.options)
        try await pool.write { db in
            guard
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM datasets WHERE id = ?)", arguments: [source.datasetID])
                    == true
            else { throw StoreError.notFound(source.datasetID) }
            try db.execute(
                sql: """
                    INSERT INTO dataset_sources (dataset_id, url, options, schedule, next_run_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (dataset_id) DO UPDATE SET
                        etag = CASE WHEN url = excluded.url AND options = excluded.options THEN etag END,
                        last_modified = CASE WHEN url = excluded.url AND options = excluded.options THEN last_modified END,
                        url = excluded.url, options = excluded.options, schedule = excluded.schedule,
                        next_run_at = excluded.next_run_at, updated_at = excluded.updated_at
                    """,
                arguments: [
                    source.datasetID, source.url, options, source.schedule.text, source.nextRunAt.timeIntervalSince1970,
                    source.updatedAt.timeIntervalSince1970,
                ])
        }
    }

    public func source(datasetID: String) async throws -> DatasetSource? {
        try await pool.read { db in
            try SourceColumns.fetchOne(db, sql: "SELECT * FROM dataset_sources WHERE dataset_id = ?", arguments: [datasetID])?
                .source()
        }
    }

    public func sources() async throws -> [DatasetSource] {
        try await pool.read { db in
            try SourceColumns.fetchAll(db, sql: "SELECT * FROM dataset_sources ORDER BY dataset_id").compactMap { $0.source() }
        }
    }

    @discardableResult public func deleteSource(datasetID: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM source_runs WHERE dataset_id = ?", arguments: [datasetID])
            try db.execute(sql: "DELETE FROM dataset_sources WHERE dataset_id = ?", arguments: [datasetID])
            return db.changesCount == 1
        }
    }

    public func dueSources(now: Date, limit: Int) async throws -> [DatasetSource] {
        let time = now.timeIntervalSince1970
        return try await pool.read { db in
            try SourceColumns.fetchAll(
                db,
                sql: """
                    SELECT * FROM dataset_sources WHERE next_run_at <= ? AND (lease_until IS NULL OR lease_until < ?)
                    ORDER BY next_run_at, dataset_id LIMIT ?
                    """,
                arguments: [time, time, max(0, limit)]
            ).compactMap { $0.source() }
        }
    }

    public func claimSource(datasetID: String, node: String, now: Date, leaseUntil: Date, force: Bool) async throws -> Bool {
        let time = now.timeIntervalSince1970
        return try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE dataset_sources SET lease_node = ?, lease_until = ?
                    WHERE dataset_id = ? AND (? OR next_run_at <= ?) AND (lease_until IS NULL OR lease_until < ?)
                    """,
                arguments: [node, leaseUntil.timeIntervalSince1970, datasetID, force, time, time])
            return db.changesCount == 1
        }
    }

    public func finishSourceRun(_ result: SourceRunResult, node: String) async throws {
        let run = result.run
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE dataset_sources SET
                        etag = CASE WHEN ? THEN etag ELSE ? END,
                        last_modified = CASE WHEN ? THEN last_modified ELSE ? END,
                        next_run_at = ?, last_outcome = ?, last_run_at = ?, lease_node = NULL, lease_until = NULL
                    WHERE dataset_id = ? AND lease_node = ?
                    """,
                arguments: [
                    result.keepsValidators, result.etag, result.keepsValidators, result.lastModified,
                    result.nextRunAt.timeIntervalSince1970, run.outcome.rawValue, run.startedAt.timeIntervalSince1970,
                    run.datasetID, node,
                ])
            try db.execute(
                sql: """
                    INSERT INTO source_runs (dataset_id, run_trigger, started_at, finished_at, outcome, detail, bytes)
                    SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM dataset_sources WHERE dataset_id = ?)
                    """,
                arguments: [
                    run.datasetID, run.trigger.rawValue, run.startedAt.timeIntervalSince1970,
                    run.finishedAt.timeIntervalSince1970, run.outcome.rawValue, String(run.detail.prefix(1_000)), run.bytes,
                    run.datasetID,
                ])
            try db.execute(
                sql: """
                    DELETE FROM source_runs WHERE dataset_id = ? AND id NOT IN (
                        SELECT id FROM source_runs WHERE dataset_id = ? ORDER BY id DESC LIMIT ?)
                    """,
                arguments: [run.datasetID, run.datasetID, Self.keptRuns])
        }
    }

    public func sourceRuns(datasetID: String?, limit: Int) async throws -> [SourceRun] {
        try await pool.read { db in
            try SourceRunColumns.fetchAll(
                db,
                sql: "SELECT * FROM source_runs WHERE (?1 IS NULL OR dataset_id = ?1) ORDER BY id DESC LIMIT ?2",
                arguments: [datasetID, max(0, limit)]
            ).compactMap { $0.run() }
        }
    }
}

/// A row of `dataset_sources`, read by its column names.
extension SourceColumns: FetchableRecord {}

/// A row of `source_runs`, read by its column names.
extension SourceRunColumns: FetchableRecord {}
