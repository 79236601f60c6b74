import Foundation
import GRDB

extension SQLiteStore: ImportJobStore {
    /// The tables of migration `v7-import-jobs`: the jobs, and the chunks of their uploaded files.
    static let importJobsSchema = """
        CREATE TABLE import_jobs (
            id TEXT PRIMARY KEY,
            dataset_id TEXT NOT NULL,
            is_new INTEGER NOT NULL,
            file_name TEXT NOT NULL,
            upload_name TEXT NOT NULL,
            options TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('queued', 'analysing', 'ready', 'importing', 'done', 'failed')),
            node TEXT NOT NULL,
            progress_bytes INTEGER,
            progress_total INTEGER,
            progress_records INTEGER,
            detection TEXT,
            report TEXT,
            failure TEXT,
            upload_chunks INTEGER,
            upload_bytes INTEGER,
            created_at REAL NOT NULL,
            changed_at REAL NOT NULL,
            updated_at REAL NOT NULL
        );
        CREATE INDEX import_jobs_created_at ON import_jobs (created_at);
        CREATE INDEX import_jobs_state ON import_jobs (state, changed_at);
        CREATE TABLE import_upload_chunks (
            job_id TEXT NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (job_id, seq)
        );
        """

    public func createImportJob(_ job: ImportJob) async throws {
        let options = try ImportJobCoding.text(job.options)
        let detection = try ImportJobCoding.text(job.detection)
        let report = try ImportJobCoding.text(job.report)
        try await pool.write { db in
            guard
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM import_jobs WHERE id = ?)", arguments: [job.id]) != true
            else { throw StoreError.duplicate(job.id) }
            try db.execute(
                sql: """
                    INSERT INTO import_jobs (
                        id, dataset_id, is_new, file_name, upload_name, options, state, node,
                        progress_bytes, progress_total, progress_records, detection, report, failure,
                        upload_chunks, upload_bytes, created_at, changed_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    job.id, job.datasetID, job.isNew, job.fileName, job.uploadName, options, job.state.rawValue, job.node,
                    job.progress?.bytesRead, job.progress?.totalBytes, job.progress?.records, detection, report,
                    job.failure, job.upload?.chunks, job.upload?.bytes, job.created.timeIntervalSince1970,
                    job.changed.timeIntervalSince1970, job.updated.timeIntervalSince1970,
                ])
        }
    }

    public func importJob(id: String) async throws -> ImportJob? {
        try await pool.read { db in
            try ImportJobRow.fetchOne(db, sql: "SELECT * FROM import_jobs WHERE id = ?", arguments: [id])?.job()
        }
    }

    public func recentImportJobs(limit: Int) async throws -> [ImportJob] {
        try await pool.read { db in
            try ImportJobRow.fetchAll(
                db, sql: "SELECT * FROM import_jobs ORDER BY created_at DESC, id LIMIT ?", arguments: [max(0, limit)]
            ).map { try $0.job() }
        }
    }

    @discardableResult
    public func changeImportJob(
        id: String, expecting expected: Set<ImportJobState>, to change: ImportJobChange, now: Date
    ) async throws -> Bool {
        let detection = try ImportJobCoding.text(change.detection)
        let report = try ImportJobCoding.text(change.report)
        let states = try Self.json(expected.map(\.rawValue).sorted())
        return try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE import_jobs SET state = ?, node = COALESCE(?, node),
                        progress_bytes = ?, progress_total = ?, progress_records = ?,
                        detection = COALESCE(?, detection), report = COALESCE(?, report), failure = COALESCE(?, failure),
                        upload_chunks = COALESCE(?, upload_chunks), upload_bytes = COALESCE(?, upload_bytes),
                        changed_at = ?, updated_at = ?
                    WHERE id = ? AND state IN (SELECT value FROM json_each(?))
                    """,
                arguments: [
                    change.state.rawValue, change.node, change.progress?.bytesRead, change.progress?.totalBytes,
                    change.progress?.records, detection, report, change.failure, change.upload?.chunks,
                    change.upload?.bytes, now.timeIntervalSince1970, now.timeIntervalSince1970, id, states,
                ])
            return db.changesCount == 1
        }
    }

    public func recordImportProgress(id: String, state: ImportJobState, progress: ImportJobProgress, now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE import_jobs SET progress_bytes = ?, progress_total = ?, progress_records = ?, updated_at = ?
                    WHERE id = ? AND state = ?
                    """,
                arguments: [
                    progress.bytesRead, progress.totalBytes, progress.records, now.timeIntervalSince1970, id,
                    state.rawValue,
                ])
        }
    }

    public func touchImportJobs(ids: [String], now: Date) async throws {
        guard !ids.isEmpty else { return }
        let list = try Self.json(ids)
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE import_jobs SET updated_at = ? WHERE id IN (SELECT value FROM json_each(?))",
                arguments: [now.timeIntervalSince1970, list])
        }
    }

    @discardableResult
    public func failRunningImportJobs(
        node: String?, updatedBefore cutoff: Date?, sparing: Set<String>, reason: String, now: Date
    ) async throws -> Int {
        let running = try Self.json(ImportJobState.running.map(\.rawValue).sorted())
        let spared = try Self.json(sparing.sorted())
        return try await pool.write { db in
            let ids = try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM import_jobs
                    WHERE state IN (SELECT value FROM json_each(?1))
                        AND ((?2 IS NOT NULL AND node = ?2) OR (?3 IS NOT NULL AND updated_at < ?3))
                        AND id NOT IN (SELECT value FROM json_each(?4))
                    """,
                arguments: [running, node, cutoff?.timeIntervalSince1970, spared])
            let list = try Self.json(ids)
            try db.execute(
                sql: """
                    UPDATE import_jobs SET state = 'failed', failure = ?, progress_bytes = NULL, progress_total = NULL,
                        progress_records = NULL, changed_at = ?, updated_at = ?
                    WHERE id IN (SELECT value FROM json_each(?))
                    """,
                arguments: [reason, now.timeIntervalSince1970, now.timeIntervalSince1970, list])
            try db.execute(
                sql: "DELETE FROM import_upload_chunks WHERE job_id IN (SELECT value FROM json_each(?))", arguments: [list])
            return ids.count
        }
    }

    public func purgeImportJobs(changedBefore cutoff: Date) async throws -> [String] {
        let settled = try Self.json(ImportJobState.settled.map(\.rawValue).sorted())
        return try await pool.write { db in
            let ids = try String.fetchAll(
                db,
                sql: "SELECT id FROM import_jobs WHERE state IN (SELECT value FROM json_each(?)) AND changed_at < ? ORDER BY id",
                arguments: [settled, cutoff.timeIntervalSince1970])
            let list = try Self.json(ids)
            try db.execute(
                sql: "DELETE FROM import_upload_chunks WHERE job_id IN (SELECT value FROM json_each(?))", arguments: [list])
            try db.execute(sql: "DELETE FROM import_jobs WHERE id IN (SELECT value FROM json_each(?))", arguments: [list])
            return ids
        }
    }

    public func saveImportUploadChunk(jobID: String, sequence: Int, bytes: Data) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO import_upload_chunks (job_id, seq, data) VALUES (?, ?, ?)
                    ON CONFLICT (job_id, seq) DO UPDATE SET data = excluded.data
                    """,
                arguments: [jobID, sequence, bytes])
        }
    }

    public func importUploadChunk(jobID: String, sequence: Int) async throws -> Data? {
        try await pool.read { db in
            try Data.fetchOne(
                db, sql: "SELECT data FROM import_upload_chunks WHERE job_id = ? AND seq = ?", arguments: [jobID, sequence])
        }
    }

    public func deleteImportUpload(jobID: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM import_upload_chunks WHERE job_id = ?", arguments: [jobID])
        }
    }
}

/// Read with the column names of `import_jobs`.
extension ImportJobRow: FetchableRecord {
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}
