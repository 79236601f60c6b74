import Crypto
import Foundation
import GRDB
import Ingest
import Vocabulary

extension SQLiteStore {
    /// Imports every record of `reader` as a new version of a dataset, atomically.
    ///
    /// The records go to a staging table, written in chunks so that the portal keeps serving
    /// and writing sessions meanwhile. The staging table is then validated, indexed and given
    /// its full-text index, and only then swapped in, with one short transaction that also
    /// retires the previous version (kept for ``retiredTableGrace``, for the requests that looked
    /// it up just before). Until that commit the previous version stays served; a
    /// failure drops the staging table, and a killed import leaves one that
    /// ``removeOrphanImports()`` deletes at the next start.
    ///
    /// - Parameters:
    ///   - newDataset: the metadata to create the dataset with, when it does not exist yet.
    ///   - progress: called after each written batch.
    public func publish(
        datasetID: String,
        reader: RecordBatchReader,
        newDataset: DatasetMetadata? = nil,
        now: Date,
        progress: ((IngestProgress) -> Void)? = nil
    ) throws -> PublishReport {
        let fields = reader.detection.fields.map(Self.initialField)
        let (table, version, created) = try reserveVersion(datasetID: datasetID, newDataset: newDataset, now: now)
        do {
            var clock = PhaseClock()
            try pool.write { db in try Self.createRecordsTable(table, fields: fields, in: db) }
            let writer = RecordWriter(table: table, fields: fields)
            let pipeline = BatchPipeline(
                reader: reader, hasher: RecordHasher(datasetID: datasetID, types: fields.map(\.type)),
                tally: DistinctTally(indexes: fields.indices.filter { fields[$0].type == .text }))
            pipeline.start()
            var pending: [[Value]] = []
            var pendingIDs: [String] = []
            var tally: DistinctTally?
            while tally == nil {
                switch pipeline.take() {
                case .rows(let rows, let ids, let done):
                    pending.append(contentsOf: rows)
                    pendingIDs.append(contentsOf: ids)
                    if pending.count >= 20_000 {
                        do {
                            try pool.write { db in try writer.insert(pending, ids: pendingIDs, in: db) }
                        } catch {
                            pipeline.stop()
                            throw error
                        }
                        pending.removeAll(keepingCapacity: true)
                        pendingIDs.removeAll(keepingCapacity: true)
                    }
                    progress?(done)
                case .end(let final):
                    tally = final
                case .failed(let error):
                    throw error
                }
            }
            if !pending.isEmpty { try pool.write { db in try writer.insert(pending, ids: pendingIDs, in: db) } }
            clock.lap("read and write records")
            let finalFields = try finish(table: table, fields: fields, tally: tally ?? DistinctTally(indexes: []), clock: &clock)
            let count = try pool.write { db in
                try Self.swapIn(table: table, version: version, datasetID: datasetID, fields: finalFields, now: now, in: db)
            }
            clock.lap("swap in")
            return PublishReport(
                datasetID: datasetID, version: version, records: count, fields: finalFields,
                warnings: reader.detection.warnings, phases: clock.laps
            )
        } catch {
            try? pool.write { db in
                try Self.dropRecordsTable(table, in: db)
                try db.execute(sql: "DELETE FROM imports WHERE records_table = ?", arguments: [table])
                // A dataset created for this import, and never published, goes with it.
                if created {
                    try db.execute(sql: "DELETE FROM datasets WHERE id = ? AND records_table IS NULL", arguments: [datasetID])
                }
            }
            throw Self.publishingError(error)
        }
    }

    /// ``StoreError/unwritable(_:)`` for SQLite's full disk (`SQLITE_FULL`) and failed writes (`SQLITE_IOERR`, any
    /// extended code: a file size limit gives `SQLITE_IOERR_WRITE`), so that callers need not know SQLite's codes;
    /// anything else unchanged.
    static func publishingError(_ error: any Error) -> any Error {
        guard let error = error as? DatabaseError, error.resultCode == .SQLITE_FULL || error.resultCode == .SQLITE_IOERR
        else { return error }
        return StoreError.unwritable(error.description)
    }

    /// Drops staging tables left by imports that died (killed, crashed), and says how many.
    ///
    /// A staging table belongs to a live import while the process that registered it runs; only
    /// tables of dead processes, or of no known import, are removed.
    @discardableResult public func removeOrphanImports() throws -> Int {
        try pool.write { db in
            let live = try Row.fetchAll(db, sql: "SELECT records_table, pid FROM imports").filter { row in
                let pid: Int32 = row["pid"]
                return kill(pid, 0) == 0 || errno == EPERM
            }.map { $0["records_table"] as String }
            let current = try String.fetchAll(db, sql: "SELECT records_table FROM datasets WHERE records_table IS NOT NULL")
            // Retired tables go after their grace period (``dropRetiredTables(now:)``), not here.
            let keep = Set(live + current + (try Self.retiredTables(in: db)))
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'records\\_%' ESCAPE '\\'"
            ).filter { !$0.hasSuffix("__fts") && !$0.contains("__fts_") }
            let orphans = tables.filter { !keep.contains($0) }
            for table in orphans { try Self.dropRecordsTable(table, in: db) }
            removeSideFiles(keeping: Set(live))
            try db.execute(
                sql: "DELETE FROM imports WHERE records_table NOT IN (SELECT value FROM json_each(?))",
                arguments: [try Self.json(live)]
            )
            return orphans.count
        }
    }

    /// Deletes the full-text side files (see ``FullTextBuilder``) of every import but the live ones.
    private func removeSideFiles(keeping live: Set<String>) {
        let directory = URL(fileURLWithPath: pool.path).deletingLastPathComponent()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix("records_") && name.hasSuffix(".fts.sqlite") {
            let table = String(name.dropLast(".fts.sqlite".count))
            guard !live.contains(table) else { continue }
            FullTextBuilder.removeSideFile(directory.appendingPathComponent(name).path)
        }
    }

    private func reserveVersion(datasetID: String, newDataset: DatasetMetadata?, now: Date) throws -> (String, Int, Bool) {
        try pool.write { db in
            var created = false
            if try Self.dataset(id: datasetID, in: db) == nil {
                guard let newDataset else { throw StoreError.notFound(datasetID) }
                try Self.insertDataset(newDataset, now: now, in: db)
                created = true
            }
            let current = try Int.fetchOne(db, sql: "SELECT version FROM datasets WHERE id = ?", arguments: [datasetID]) ?? 0
            var version = current + 1
            // Past the tables of live imports, and past any table still there under that name: a dataset deleted
            // and created again starts from version 0, while its old tables are kept for ``retiredTableGrace``.
            while try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM imports WHERE records_table = ?1)
                        OR EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)
                    """,
                arguments: [RecordLayout.tableName(datasetID: datasetID, version: version)]) == true
            {
                version += 1
            }
            let table = RecordLayout.tableName(datasetID: datasetID, version: version)
            try db.execute(
                sql: "INSERT INTO imports (records_table, dataset_id, pid, started_at) VALUES (?, ?, ?, ?)",
                arguments: [table, datasetID, Int(getpid()), now.timeIntervalSince1970]
            )
            return (table, version, created)
        }
    }

    static func initialField(_ field: Field) -> DatasetField {
        let sortable: Bool =
            switch field.type {
            case .int, .double, .date, .datetime: true
            default: false
            }
        var initial = DatasetField(
            name: field.name, label: field.label, type: field.type, facet: field.type == .boolean, sortable: sortable)
        initial.separator = field.separator
        return initial
    }

    static func createRecordsTable(_ table: String, fields: [DatasetField], in db: GRDB.Database) throws {
        let columns =
            [RecordLayout.quote(RecordLayout.recordIDColumn) + " TEXT NOT NULL"]
            + fields.flatMap(RecordLayout.columns).map { RecordLayout.quote($0.name) + " " + $0.type }
        try db.execute(sql: "CREATE TABLE \(RecordLayout.quote(table)) (\(columns.joined(separator: ", ")))")
    }

    /// Indexes the staging table: the B-tree indexes on this thread, the full-text index on
    /// another (see ``FullTextBuilder``), both at once.
    private func finish(table: String, fields: [DatasetField], tally: DistinctTally, clock: inout PhaseClock) throws
        -> [DatasetField]
    {
        let textColumns = fields.filter { $0.type == .text }.map(\.name)
        let fullText =
            textColumns.isEmpty ? nil : FullTextBuilder(databasePath: pool.path, table: table, columns: textColumns)
        fullText?.start()
        let finalFields: [DatasetField]
        do {
            finalFields = try pool.write { db in try Self.finishTable(table, fields: fields, tally: tally, in: db, clock: &clock)
            }
        } catch {
            fullText?.discard()
            throw error
        }
        try fullText?.install()
        clock.lap("full-text index (waiting for it, then copying it)")
        return finalFields
    }

    /// Makes record ids unique, decides facets, and builds the B-tree indexes.
    static func finishTable(
        _ table: String, fields: [DatasetField], tally: DistinctTally, in db: GRDB.Database, clock: inout PhaseClock
    ) throws -> [DatasetField] {
        let quoted = RecordLayout.quote(table)
        let id = RecordLayout.quote(RecordLayout.recordIDColumn)
        try db.execute(sql: "CREATE INDEX \(RecordLayout.quote(table + "__index___id")) ON \(quoted)(\(id))")
        // Identical rows hash to the same id: number the repeats in file order, which is stable.
        try db.execute(
            sql: """
                UPDATE \(quoted) SET \(id) = \(id) || '-' || (
                    SELECT count(*) FROM \(quoted) AS earlier WHERE earlier.\(id) = \(quoted).\(id) AND earlier.rowid < \(quoted).rowid)
                WHERE \(id) IN (SELECT \(id) FROM \(quoted) GROUP BY \(id) HAVING count(*) > 1)
                  AND rowid NOT IN (SELECT min(rowid) FROM \(quoted) GROUP BY \(id) HAVING count(*) > 1)
                """
        )
        clock.lap("record ids")
        var fields = fields
        for index in fields.indices where fields[index].type == .text {
            // A text field with a few distinct values is a facet, and sorts.
            if let distinct = tally.count(at: index), (1...DistinctTally.cap).contains(distinct) {
                fields[index].facet = true
                fields[index].sortable = true
            }
        }
        for field in fields where field.facet || field.sortable {
            guard let column = RecordLayout.columns(of: field).first?.name else { continue }
            try db.execute(
                sql:
                    "CREATE INDEX \(RecordLayout.quote(table + "__index_" + field.name)) ON \(quoted)(\(RecordLayout.quote(column)))"
            )
        }
        clock.lap("facets and indexes")
        return fields
    }

    /// The atomic step: point the dataset at the new table and retire the old one; drop the tables retired
    /// long enough ago.
    static func swapIn(table: String, version: Int, datasetID: String, fields: [DatasetField], now: Date, in db: GRDB.Database)
        throws -> Int
    {
        guard let dataset = try dataset(id: datasetID, in: db) else { throw StoreError.notFound(datasetID) }
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(RecordLayout.quote(table))") ?? 0
        guard count > 0 else { throw StoreError.invalid("the import produced no record") }
        // Keep what the publisher wrote about fields that still exist.
        let merged = fields.map { field in
            guard let old = dataset.fields.first(where: { $0.name == field.name && $0.type == field.type }) else { return field }
            var field = field
            field.description = old.description
            return field
        }
        try db.execute(
            sql: """
                UPDATE datasets SET records_table = ?, version = ?, records_count = ?, fields = ?, processed_at = ?,
                    modified_at = ? WHERE id = ?
                """,
            arguments: [table, version, count, try json(merged), now.timeIntervalSince1970, now.timeIntervalSince1970, datasetID]
        )
        if let old = dataset.recordsTable, old != table { try retireRecordsTable(old, at: now, in: db) }
        try db.execute(sql: "DELETE FROM imports WHERE records_table = ?", arguments: [table])
        try dropRetiredTables(now: now, in: db)
        return count
    }
}

/// Measures the phases of a publication, for the import summary.
struct PhaseClock {
    private var last = Date()
    private(set) var laps: [(String, Double)] = []

    mutating func lap(_ name: String) {
        let now = Date()
        laps.append((name, now.timeIntervalSince(last)))
        last = now
    }
}
