import Foundation
import PostgresNIO

extension PostgreSQLStore: ImportJobStore {
    /// The statements of the `import-jobs` migration: the jobs, and the chunks of their uploaded files (`bytea`).
    static let importJobsSchema = [
        """
        CREATE TABLE import_jobs (
            id text PRIMARY KEY,
            dataset_id text NOT NULL,
            is_new boolean NOT NULL,
            file_name text NOT NULL,
            upload_name text NOT NULL,
            options text NOT NULL,
            state text NOT NULL CHECK (state IN ('queued', 'analysing', 'ready', 'importing', 'done', 'failed')),
            node text NOT NULL,
            progress_bytes bigint,
            progress_total bigint,
            progress_records bigint,
            detection text,
            report text,
            failure text,
            upload_chunks bigint,
            upload_bytes bigint,
            created_at double precision NOT NULL,
            changed_at double precision NOT NULL,
            updated_at double precision NOT NULL
        )
        """,
        "CREATE INDEX import_jobs_created_at ON import_jobs (created_at)",
        "CREATE INDEX import_jobs_state ON import_jobs (state, changed_at)",
        """
        CREATE TABLE import_upload_chunks (
            job_id text NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
            seq integer NOT NULL,
            data bytea NOT NULL,
            PRIMARY KEY (job_id, seq)
        )
        """,
    ]

    public func createImportJob(_ job: ImportJob) async throws {
        let options = try ImportJobCoding.text(job.options)
        let detection = try ImportJobCoding.text(job.detection)
        let report = try ImportJobCoding.text(job.report)
        let progress = job.progress
        let upload = job.upload
        let inserted = try await run(
            """
            INSERT INTO import_jobs (
                id, dataset_id, is_new, file_name, upload_name, options, state, node,
                progress_bytes, progress_total, progress_records, detection, report, failure,
                upload_chunks, upload_bytes, created_at, changed_at, updated_at)
            VALUES (
                \(job.id), \(job.datasetID), \(job.isNew), \(job.fileName), \(job.uploadName), \(options),
                \(job.state.rawValue), \(job.node), \(progress?.bytesRead), \(progress?.totalBytes),
                \(progress?.records), \(detection), \(report), \(job.failure), \(upload?.chunks), \(upload?.bytes),
                \(job.created.timeIntervalSince1970), \(job.changed.timeIntervalSince1970),
                \(job.updated.timeIntervalSince1970))
            ON CONFLICT (id) DO NOTHING
            RETURNING 1
            """)
        guard inserted == 1 else { throw StoreError.duplicate(job.id) }
    }

    public func importJob(id: String) async throws -> ImportJob? {
        try await jobs("SELECT * FROM import_jobs WHERE id = \(id)").first
    }

    public func recentImportJobs(limit: Int) async throws -> [ImportJob] {
        try await jobs("SELECT * FROM import_jobs ORDER BY created_at DESC, id LIMIT \(max(0, limit))")
    }

    @discardableResult
    public func changeImportJob(
        id: String, expecting expected: Set<ImportJobState>, to change: ImportJobChange, now: Date
    ) async throws -> Bool {
        let detection = try ImportJobCoding.text(change.detection)
        let report = try ImportJobCoding.text(change.report)
        let states = expected.map(\.rawValue).sorted()
        let time = now.timeIntervalSince1970
        let progress = change.progress
        let upload = change.upload
        return try await run(
            """
            UPDATE import_jobs SET state = \(change.state.rawValue), node = COALESCE(\(change.node), node),
                progress_bytes = \(progress?.bytesRead), progress_total = \(progress?.totalBytes),
                progress_records = \(progress?.records),
                detection = COALESCE(\(detection), detection), report = COALESCE(\(report), report),
                failure = COALESCE(\(change.failure), failure),
                upload_chunks = COALESCE(\(upload?.chunks), upload_chunks),
                upload_bytes = COALESCE(\(upload?.bytes), upload_bytes),
                changed_at = \(time), updated_at = \(time)
            WHERE id = \(id) AND state = ANY(\(states))
            RETURNING 1
            """) == 1
    }

    public func recordImportProgress(id: String, state: ImportJobState, progress: ImportJobProgress, now: Date) async throws {
        try await run(
            """
            UPDATE import_jobs SET progress_bytes = \(progress.bytesRead), progress_total = \(progress.totalBytes),
                progress_records = \(progress.records), updated_at = \(now.timeIntervalSince1970)
            WHERE id = \(id) AND state = \(state.rawValue)
            """)
    }

    public func touchImportJobs(ids: [String], now: Date) async throws {
        guard !ids.isEmpty else { return }
        try await run(
            "UPDATE import_jobs SET updated_at = \(now.timeIntervalSince1970) WHERE id = ANY(\(ids))")
    }

    @discardableResult
    public func failRunningImportJobs(
        node: String?, updatedBefore cutoff: Date?, sparing: Set<String>, reason: String, now: Date
    ) async throws -> Int {
        let running = ImportJobState.running.map(\.rawValue).sorted()
        let spared = sparing.sorted()
        let time = now.timeIntervalSince1970
        let before = cutoff?.timeIntervalSince1970
        return try await withTransaction { connection in
            var ids: [String] = []
            let rows = try await connection.query(
                """
                SELECT id FROM import_jobs
                WHERE state = ANY(\(running))
                    AND ((\(node)::text IS NOT NULL AND node = \(node)::text)
                        OR (\(before)::double precision IS NOT NULL AND updated_at < \(before)::double precision))
                    AND NOT (id = ANY(\(spared)))
                FOR UPDATE
                """, logger: logger)
            for try await id in rows.decode(String.self) { ids.append(id) }
            guard !ids.isEmpty else { return 0 }
            try await run(
                """
                UPDATE import_jobs SET state = 'failed', failure = \(reason), progress_bytes = NULL,
                    progress_total = NULL, progress_records = NULL, changed_at = \(time), updated_at = \(time)
                WHERE id = ANY(\(ids))
                """, on: connection)
            try await run("DELETE FROM import_upload_chunks WHERE job_id = ANY(\(ids))", on: connection)
            return ids.count
        }
    }

    public func purgeImportJobs(changedBefore cutoff: Date) async throws -> [String] {
        let settled = ImportJobState.settled.map(\.rawValue).sorted()
        return try await withTransaction { connection in
            var ids: [String] = []
            let rows = try await connection.query(
                """
                DELETE FROM import_jobs WHERE state = ANY(\(settled)) AND changed_at < \(cutoff.timeIntervalSince1970)
                RETURNING id
                """, logger: logger)
            for try await id in rows.decode(String.self) { ids.append(id) }
            // The chunks went with their jobs (ON DELETE CASCADE).
            return ids.sorted()
        }
    }

    public func saveImportUploadChunk(jobID: String, sequence: Int, bytes: Data) async throws {
        try await run(
            """
            INSERT INTO import_upload_chunks (job_id, seq, data) VALUES (\(jobID), \(sequence), \(bytes))
            ON CONFLICT (job_id, seq) DO UPDATE SET data = excluded.data
            """)
    }

    public func importUploadChunk(jobID: String, sequence: Int) async throws -> Data? {
        try await withConnection { connection in
            let rows = try await connection.query(
                "SELECT data FROM import_upload_chunks WHERE job_id = \(jobID) AND seq = \(sequence)", logger: logger)
            var chunk: Data?
            for try await data in rows.decode(Data.self) { chunk = data }
            return chunk
        }
    }

    public func deleteImportUpload(jobID: String) async throws {
        try await run("DELETE FROM import_upload_chunks WHERE job_id = \(jobID)")
    }

    /// The jobs that `query` (a `SELECT *` of `import_jobs`) finds.
    private func jobs(_ query: PostgresQuery) async throws -> [ImportJob] {
        try await withConnection { connection in
            var jobs: [ImportJob] = []
            for try await row in try await connection.query(query, logger: logger) {
                jobs.append(try Self.job(row.makeRandomAccess()))
            }
            return jobs
        }
    }
    /// A row of `import_jobs` as a job.
    private static func job(_ row: PostgresRandomAccessRow) throws -> ImportJob {
        try ImportJobRow(
            id: row["id"].decode(String.self), datasetId: row["dataset_id"].decode(String.self),
            isNew: row["is_new"].decode(Bool.self), fileName: row["file_name"].decode(String.self),
            uploadName: row["upload_name"].decode(String.self), options: row["options"].decode(String.self),
            state: row["state"].decode(String.self), node: row["node"].decode(String.self),
            progressBytes: row["progress_bytes"].decode(Int64?.self),
            progressTotal: row["progress_total"].decode(Int64?.self),
            progressRecords: row["progress_records"].decode(Int64?.self),
            detection: row["detection"].decode(String?.self), report: row["report"].decode(String?.self),
            failure: row["failure"].decode(String?.self), uploadChunks: row["upload_chunks"].decode(Int64?.self),
            uploadBytes: row["upload_bytes"].decode(Int64?.self), createdAt: row["created_at"].decode(Double.self),
            changedAt: row["changed_at"].decode(Double.self), updatedAt: row["updated_at"].decode(Double.self)
        ).job()
    }
}
