import Foundation
import GRDB
import Ingest

extension SQLiteStore: DatasetStore {
    public func datasets() async throws -> [Dataset] {
        try catalogReader.inDatabase { db in try catalog(in: db).datasets }
    }

    public func dataset(id: String) async throws -> Dataset? {
        try catalogReader.inDatabase { db in try catalog(in: db).dataset(id: id) }
    }

    /// A dataset by id, with the catalog version it was read at (see ``catalogVersion()``), in one read.
    public func versionedDataset(id: String) async throws -> (dataset: Dataset?, catalogVersion: Int64) {
        try catalogReader.inDatabase { db in
            let catalog = try catalog(in: db)
            return (catalog.dataset(id: id), catalog.version)
        }
    }

    /// The catalog version: a number that changes whenever any dataset is created, edited, published or deleted,
    /// by this process or another one on the same file. Pages rendered from the catalog are kept by it.
    public func catalogVersion() async throws -> Int64 {
        try catalogReader.inDatabase { db in try Self.catalogVersion(in: db) }
    }

    static func catalogVersion(in db: GRDB.Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT version FROM catalog_version")) ?? 0
    }

    /// The current catalog: the cached copy when the version still matches, else a fresh read.
    ///
    /// It runs outside a transaction (most calls are one statement). Should a publication land between the two
    /// reads, the snapshot holds newer datasets under an older version, and the next call reads them again.
    func catalog(in db: GRDB.Database) throws -> DatasetCache.Snapshot {
        let version = try Self.catalogVersion(in: db)
        if let cached = datasetCache.snapshot(version: version) { return cached }
        let datasets = try Row.fetchAll(db, sql: "SELECT * FROM datasets ORDER BY id").map(Self.dataset)
        return datasetCache.store(DatasetCache.Snapshot(version: version, datasets: datasets))
    }

    public func createDataset(_ metadata: DatasetMetadata, now: Date) async throws {
        try await pool.write { db in try Self.insertDataset(metadata, now: now, in: db) }
    }

    public func updateDataset(_ metadata: DatasetMetadata, fields: [DatasetField]?, now: Date) async throws {
        try await pool.write { db in
            guard var dataset = try Self.dataset(id: metadata.id, in: db) else { throw StoreError.notFound(metadata.id) }
            if let fields { dataset.fields = DatasetRow.editing(dataset.fields, with: fields) }
            try db.execute(
                sql: "UPDATE datasets SET metadata = ?, fields = ?, visibility = ?, modified_at = ? WHERE id = ?",
                arguments: [
                    try Self.json(metadata), try Self.json(dataset.fields), metadata.visibility.rawValue,
                    now.timeIntervalSince1970, metadata.id,
                ]
            )
        }
    }

    public func deleteDataset(id: String) async throws {
        try await pool.write { db in
            guard let dataset = try Self.dataset(id: id, in: db) else { throw StoreError.notFound(id) }
            // Requests that looked the dataset up just before still read its records (see ``retiredTableGrace``).
            if let table = dataset.recordsTable { try Self.retireRecordsTable(table, at: Date(), in: db) }
            try db.execute(sql: "DELETE FROM datasets WHERE id = ?", arguments: [id])
        }
    }

    static func insertDataset(_ metadata: DatasetMetadata, now: Date, in db: GRDB.Database) throws {
        guard DatasetMetadata.isValidID(metadata.id) else { throw StoreError.invalid("dataset id \"\(metadata.id)\"") }
        do {
            try db.execute(
                sql: """
                    INSERT INTO datasets (id, metadata, fields, visibility, records_count, version, created_at, modified_at)
                    VALUES (?, ?, '[]', ?, 0, 0, ?, ?)
                    """,
                arguments: [
                    metadata.id, try json(metadata), metadata.visibility.rawValue, now.timeIntervalSince1970,
                    now.timeIntervalSince1970,
                ]
            )
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw StoreError.duplicate(metadata.id)
        }
    }

    static func dataset(id: String, in db: GRDB.Database) throws -> Dataset? {
        try Row.fetchOne(db, sql: "SELECT * FROM datasets WHERE id = ?", arguments: [id]).map(dataset)
    }

    static func dataset(_ row: Row) throws -> Dataset {
        try DatasetRow(
            metadata: row["metadata"], fields: row["fields"], recordsCount: row["records_count"],
            version: row["version"], recordsTable: row["records_table"], createdAt: row["created_at"],
            modifiedAt: row["modified_at"], processedAt: row["processed_at"]
        ).dataset()
    }

    static func json(_ value: some Encodable) throws -> String { try DatasetRow.json(value) }

    static func dropRecordsTable(_ table: String, in db: GRDB.Database) throws {
        try db.execute(sql: "DROP TABLE IF EXISTS \(RecordLayout.quote(RecordLayout.fullTextTable(of: table)))")
        try db.execute(sql: "DROP TABLE IF EXISTS \(RecordLayout.quote(table))")
    }
}
