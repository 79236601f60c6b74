import Foundation
import Ingest
import NIOCore
import PostgresNIO
import Vocabulary

extension PostgreSQLStore {
    /// Imports every record of `reader` as a new version of a dataset, atomically.
    ///
    /// The calling thread reads the file (with ``BatchPipeline``'s parsing thread), numbers the record ids and
    /// encodes the rows for `COPY … FROM STDIN`; an async task streams them into a new records table (named as on
    /// SQLite, ``PostgreSQLRecordsTable``) on one pooled connection, indexes it, and swaps it in with one short
    /// transaction that also retires the previous version (kept for ``retiredTableGrace``). Until that commit the
    /// previous version stays served; a failure drops the new table. The importing connection holds a session
    /// advisory lock on the table for the whole import, so that ``removeOrphanImports()``, on any node, tells a
    /// live import from a dead one.
    ///
    /// Synchronous: it blocks the calling thread, which must not be one of Swift's cooperative pool.
    public func publish(
        datasetID: String,
        reader: RecordBatchReader,
        newDataset: DatasetMetadata? = nil,
        now: Date,
        progress: ((IngestProgress) -> Void)? = nil
    ) throws -> PublishReport {
        let fields = reader.detection.fields.map(SQLiteStore.initialField)
        let warnings = reader.detection.warnings
        let serverScalars = try BlockingWait.run { try await self.serverFoldedScalars() }
        let feed = CopyFeed()
        let loading = Task {
            defer { feed.close() }
            return try await load(datasetID: datasetID, fields: fields, newDataset: newDataset, now: now, feed: feed)
        }
        let pipeline = BatchPipeline(
            reader: reader, hasher: RecordHasher(datasetID: datasetID, types: fields.map(\.type)),
            tally: DistinctTally(indexes: fields.indices.filter { fields[$0].type == .text }))
        pipeline.start()
        var encoder = CopyEncoder(fields: fields, serverScalars: serverScalars)
        var numbering = RecordIDNumbering()
        var records = 0
        reading: while true {
            switch pipeline.take() {
            case .rows(let rows, let ids, let done):
                var buffer = ByteBuffer()
                buffer.reserveCapacity(rows.count * 128)
                for (row, id) in zip(rows, ids) {
                    records += 1
                    encoder.append(row, id: numbering.number(id), number: records, to: &buffer)
                }
                guard feed.put(buffer) else {
                    pipeline.stop()
                    break reading
                }
                progress?(done)
            case .end(let tally):
                feed.finish(.success((tally, records)))
                break reading
            case .failed(let error):
                feed.finish(.failure(error))
                break reading
            }
        }
        let loaded = try BlockingWait.run { try await loading.value }
        return PublishReport(
            datasetID: datasetID, version: loaded.version, records: loaded.records, fields: loaded.fields,
            warnings: warnings, phases: loaded.phases)
    }

    /// What the loading task did.
    private struct Loaded: Sendable {
        var version: Int
        var records: Int
        var fields: [DatasetField]
        var phases: [(String, Double)]
    }

    /// Reserves the version, loads the feed into a new table, indexes it and swaps it in; on failure, leaves
    /// nothing behind (the table, its import row, a dataset created for it). The feed's rows end with their search
    /// vector, or NULL for the server to compute it.
    private func load(
        datasetID: String, fields: [DatasetField], newDataset: DatasetMetadata?, now: Date, feed: CopyFeed
    ) async throws -> Loaded {
        var created = false
        if let newDataset, try await dataset(id: datasetID) == nil {
            do {
                try await createDataset(newDataset, now: now)
                created = true
            } catch StoreError.duplicate {
                // Created meanwhile by another node or process: publish into it.
            }
        }
        return try await withConnection { connection in
            var clock = PhaseClock()
            let (table, version) = try await reserveVersion(datasetID: datasetID, now: now, on: connection)
            do {
                // Created and filled in one transaction: COPY then skips the free-space map and lays the rows out in
                // file order, which is the order SQLite returns them in when a query has no order_by.
                try await connection.query("BEGIN", logger: logger)
                try await run(
                    PostgresQuery(unsafeSQL: try PostgreSQLRecordsTable.createStatement(table, fields: fields)),
                    on: connection)
                try await connection.copyFrom(
                    table: table, columns: PostgreSQLRecordsTable.copyColumns(fields), logger: logger
                ) { writer in
                    while let buffer = try await feed.next() { try await writer.write(buffer) }
                }
                try await run(
                    PostgresQuery(unsafeSQL: PostgreSQLRecordsTable.fillSearchVectors(table, fields: fields)),
                    on: connection)
                try await connection.query("COMMIT", logger: logger)
                guard let end = feed.end else { throw CancellationError() }
                clock.lap("read and write records")
                let finalFields = PostgreSQLRecordsTable.decideFacets(fields, tally: end.tally)
                // VACUUM sets the visibility map, which COPY leaves empty: counts read the indexes alone. Before the
                // indexes, it reads the table alone.
                try await run(PostgresQuery(unsafeSQL: "VACUUM (ANALYZE) \(RecordLayout.quote(table))"), on: connection)
                try await buildIndexes(
                    PostgreSQLRecordsTable.indexStatements(table, fields: finalFields), on: connection)
                clock.lap("facets, indexes and full-text index")
                let merged = try await swapIn(
                    table: table, version: version, datasetID: datasetID, fields: finalFields, records: end.records,
                    now: now, on: connection)
                try await unlockImport(table, on: connection)
                clock.lap("swap in")
                try await dropRetiredTables(now: now)
                return Loaded(version: version, records: end.records, fields: merged, phases: clock.laps)
            } catch {
                feed.close()
                _ = try? await connection.query("ROLLBACK", logger: logger)
                _ = try? await run(
                    PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(RecordLayout.quote(table))"), on: connection)
                _ = try? await run("DELETE FROM imports WHERE records_table = \(table)", on: connection)
                // A dataset created for this import, and never published, goes with it.
                if created {
                    _ = try? await run(
                        "DELETE FROM datasets WHERE id = \(datasetID) AND records_table IS NULL", on: connection)
                }
                _ = try? await unlockImport(table, on: connection)
                throw error
            }
        }
    }

    /// Picks the next version whose table name is free (no import of it, no table under it: a dataset deleted and
    /// created again starts from version 0 while its old tables wait for ``retiredTableGrace``), registers the
    /// import and takes its advisory lock, in one transaction on `connection`.
    private func reserveVersion(datasetID: String, now: Date, on connection: PostgresConnection) async throws
        -> (String, Int)
    {
        try await connection.query("BEGIN", logger: logger)
        do {
            let current = try await connection.query(
                "SELECT version FROM datasets WHERE id = \(datasetID) FOR UPDATE", logger: logger
            ).collect().first?.decode(Int64.self)
            guard let current else { throw StoreError.notFound(datasetID) }
            var version = Int(current) + 1
            while true {
                let table = PostgreSQLRecordsTable.name(datasetID: datasetID, version: version)
                let taken = try await connection.query(
                    """
                    SELECT EXISTS (SELECT 1 FROM imports WHERE records_table = \(table))
                        OR to_regclass(quote_ident(\(table))) IS NOT NULL
                    """, logger: logger
                ).collect().first?.decode(Bool.self)
                guard taken == true else { break }
                version += 1
            }
            let table = PostgreSQLRecordsTable.name(datasetID: datasetID, version: version)
            try await connection.query(
                "SELECT pg_advisory_lock(\(PostgreSQLRecordsTable.importLockClass), hashtext(\(table)))", logger: logger)
            try await run(
                """
                INSERT INTO imports (records_table, dataset_id, pid, started_at)
                VALUES (\(table), \(datasetID), pg_backend_pid(), \(now.timeIntervalSince1970))
                """, on: connection)
            try await connection.query("COMMIT", logger: logger)
            return (table, version)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// Releases the advisory lock of the import of `table`.
    private func unlockImport(_ table: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            "SELECT pg_advisory_unlock(\(PostgreSQLRecordsTable.importLockClass), hashtext(\(table)))", logger: logger)
    }

    /// The atomic step: point the dataset at the new table, keeping what the publisher wrote about fields that still
    /// exist, and retire the old table. Returns the fields as stored.
    private func swapIn(
        table: String, version: Int, datasetID: String, fields: [DatasetField], records: Int, now: Date,
        on connection: PostgresConnection
    ) async throws -> [DatasetField] {
        guard records > 0 else { throw StoreError.invalid("the import produced no record") }
        try await connection.query("BEGIN", logger: logger)
        let row = try await connection.query(
            "SELECT records_table, fields FROM datasets WHERE id = \(datasetID) FOR UPDATE", logger: logger
        ).collect().first
        guard let row else { throw StoreError.notFound(datasetID) }
        let (old, oldFieldsText) = try row.decode((String?, String).self)
        let oldFields = try JSONDecoder().decode([DatasetField].self, from: Data(oldFieldsText.utf8))
        let merged = fields.map { field in
            guard let previous = oldFields.first(where: { $0.name == field.name && $0.type == field.type }) else {
                return field
            }
            var field = field
            field.description = previous.description
            return field
        }
        let time = now.timeIntervalSince1970
        try await run(
            """
            UPDATE datasets SET records_table = \(table), version = \(Int64(version)), records_count = \(Int64(records)),
                fields = \(try DatasetRow.json(merged)), processed_at = \(time), modified_at = \(time)
            WHERE id = \(datasetID)
            """, on: connection)
        if let old, old != table {
            try await run(
                """
                INSERT INTO retired_tables (records_table, retired_at) VALUES (\(old), \(time))
                ON CONFLICT (records_table) DO UPDATE SET retired_at = excluded.retired_at
                """, on: connection)
        }
        try await run("DELETE FROM imports WHERE records_table = \(table)", on: connection)
        try await connection.query("COMMIT", logger: logger)
        return merged
    }
}

/// With pg-core's accounts, catalog and settings and the import jobs, ``PostgreSQLStore`` is a whole `StoreEngine`.
extension PostgreSQLStore: DatasetPublisher, RecordQueries {}
