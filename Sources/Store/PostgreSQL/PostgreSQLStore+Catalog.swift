import Foundation
import PostgresNIO

extension PostgreSQLStore: DatasetCatalog, DatasetStore {
    public func datasets() async throws -> [Dataset] {
        try await currentCatalog().datasets
    }

    public func dataset(id: String) async throws -> Dataset? {
        try await catalog(holding: id).dataset(id: id)
    }

    /// A dataset by id, with the catalog version it was read at (see ``catalogVersion()``).
    public func versionedDataset(id: String) async throws -> (dataset: Dataset?, catalogVersion: Int64) {
        let catalog = try await catalog(holding: id)
        return (catalog.dataset(id: id), catalog.version)
    }

    /// The current catalog, read again from the database when the one the watch vouches for lacks dataset `id`: a
    /// dataset that another process has just published is found even before its notification arrives.
    func catalog(holding id: String) async throws -> DatasetCache.Snapshot {
        let catalog = try await currentCatalog()
        guard catalog.dataset(id: id) == nil, catalogWatch.current() != nil else { return catalog }
        return try await read { connection in try await self.catalog(on: connection) }
    }

    /// The catalog version: the one the watch heard (``CatalogVersionWatch``), else read from the database, so
    /// that a change made through any node or the command line is seen by every node at once.
    public func catalogVersion() async throws -> Int64 {
        if let version = catalogWatch.current() { return version }
        catalogWatch.startListening(address: address, logger: logger)
        return try await read { connection in try await catalogVersion(on: connection) }
    }

    func catalogVersion(on connection: PostgresConnection) async throws -> Int64 {
        let generation = catalogWatch.generation()
        let version =
            try await connection.query("SELECT version FROM catalog_version WHERE id = 1", logger: logger)
            .decode(Int64.self).first { _ in true } ?? 0
        catalogWatch.read(version, since: generation)
        return version
    }

    /// The current catalog: the cached copy when the watch vouches for its version, else read on a connection.
    func currentCatalog() async throws -> DatasetCache.Snapshot {
        if let version = catalogWatch.current(), let cached = datasetCache.snapshot(version: version) { return cached }
        catalogWatch.startListening(address: address, logger: logger)
        return try await read { connection in try await catalog(on: connection) }
    }

    /// The current catalog: the cached copy when the version still matches, else a fresh read.
    ///
    /// The two reads are separate statements: should a change land between them, the snapshot holds newer datasets
    /// under an older version, and the next call reads them again.
    func catalog(on connection: PostgresConnection) async throws -> DatasetCache.Snapshot {
        let version = try await catalogVersion(on: connection)
        noteCatalogVersion(version)
        if let cached = datasetCache.snapshot(version: version) { return cached }
        let datasets = try await datasets("SELECT \(unescaped: Self.datasetColumns) FROM datasets ORDER BY id", on: connection)
        return datasetCache.store(DatasetCache.Snapshot(version: version, datasets: datasets))
    }

    public func createDataset(_ metadata: DatasetMetadata, now: Date) async throws {
        try await withConnection { connection in try await insertDataset(metadata, now: now, on: connection) }
    }

    public func updateDataset(_ metadata: DatasetMetadata, fields: [DatasetField]?, now: Date) async throws {
        let metadataJSON = try DatasetRow.json(metadata)
        try await withTransaction { connection in
            guard
                var dataset = try await datasets(
                    "SELECT \(unescaped: Self.datasetColumns) FROM datasets WHERE id = \(metadata.id) FOR UPDATE",
                    on: connection
                ).first
            else { throw StoreError.notFound(metadata.id) }
            if let fields { dataset.fields = DatasetRow.editing(dataset.fields, with: fields) }
            let fieldsJSON = try DatasetRow.json(dataset.fields)
            try await run(
                """
                UPDATE datasets SET metadata = \(metadataJSON), fields = \(fieldsJSON),
                    visibility = \(metadata.visibility.rawValue), modified_at = \(now.timeIntervalSince1970)
                WHERE id = \(metadata.id)
                """, on: connection)
        }
    }

    public func deleteDataset(id: String) async throws {
        let now = Date().timeIntervalSince1970
        try await withTransaction { connection in
            // One statement: the row goes, and its records table is kept a while for the requests that looked the
            // dataset up just before (dropped later by `dropRetiredTables`).
            let deleted = try await connection.query(
                """
                WITH gone AS (DELETE FROM datasets WHERE id = \(id) RETURNING records_table),
                retired AS (
                    INSERT INTO retired_tables (records_table, retired_at)
                    SELECT records_table, \(now) FROM gone WHERE records_table IS NOT NULL
                    ON CONFLICT (records_table) DO UPDATE SET retired_at = excluded.retired_at
                )
                SELECT count(*) FROM gone
                """, logger: logger
            ).decode(Int.self).first { _ in true }
            guard (deleted ?? 0) > 0 else { throw StoreError.notFound(id) }
        }
    }

    /// Inserts a dataset without records.
    /// - Throws: ``StoreError/invalid(_:)`` for an id that is not a slug, ``StoreError/duplicate(_:)`` when taken.
    func insertDataset(_ metadata: DatasetMetadata, now: Date, on connection: PostgresConnection) async throws {
        guard DatasetMetadata.isValidID(metadata.id) else { throw StoreError.invalid("dataset id \"\(metadata.id)\"") }
        let json = try DatasetRow.json(metadata)
        let time = now.timeIntervalSince1970
        do {
            try await run(
                """
                INSERT INTO datasets (id, metadata, fields, visibility, records_count, version, created_at, modified_at)
                VALUES (\(metadata.id), \(json), '[]', \(metadata.visibility.rawValue), 0, 0, \(time), \(time))
                """, on: connection)
        } catch  where Self.sqlState(error) == Self.uniqueViolation {
            throw StoreError.duplicate(metadata.id)
        }
    }

    /// The columns ``datasets(_:on:)`` decodes, in its order.
    static let datasetColumns =
        "metadata, fields, records_count, version, records_table, created_at, modified_at, processed_at"

    /// The datasets `query` selects, with ``datasetColumns``.
    func datasets(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [Dataset] {
        var datasets: [Dataset] = []
        let rows = try await connection.query(query, logger: logger)
        for try await (metadata, fields, count, version, table, created, modified, processed) in rows.decode(
            (String, String, Int, Int, String?, Double, Double, Double?).self)
        {
            datasets.append(
                try DatasetRow(
                    metadata: metadata, fields: fields, recordsCount: count, version: version, recordsTable: table,
                    createdAt: created, modifiedAt: modified, processedAt: processed
                ).dataset())
        }
        return datasets
    }
}
