import Foundation
import PostgresNIO

extension PostgreSQLStore {
    /// How long a replaced records table stays after a publication (or a deletion) pointed the dataset away from
    /// it: as on SQLite (``SQLiteStore/retiredTableGrace``), for the requests, on any node, that looked the dataset
    /// up just before.
    public static var retiredTableGrace: TimeInterval { SQLiteStore.retiredTableGrace }

    /// Drops the records tables retired at least ``retiredTableGrace`` before `now`, and says how many were due.
    ///
    /// One transaction: the rows of `retired_tables` are taken (deleted) and their tables dropped together, so two
    /// nodes doing it at once never drop a table twice; a table a dataset points at again is only forgotten.
    @discardableResult public func dropRetiredTables(now: Date) async throws -> Int {
        let cutoff = now.timeIntervalSince1970 - Self.retiredTableGrace
        return try await withTransaction { connection in
            let due = try await connection.query(
                "DELETE FROM retired_tables WHERE retired_at <= \(cutoff) RETURNING records_table", logger: logger
            ).collect().map { try $0.decode(String.self) }
            guard !due.isEmpty else { return 0 }
            let current = Set(try await currentTables(on: connection))
            for table in due where !current.contains(table) {
                try await run(
                    PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(RecordLayout.quote(table))"), on: connection)
            }
            return due.count
        }
    }

    /// Drops the tables of imports that died (killed, crashed, on any node), and says how many.
    ///
    /// An import is live while its connection holds the session advisory lock it took on its table (see
    /// ``publish(datasetID:reader:newDataset:now:progress:)``): a connection that died released it, whatever
    /// machine ran it. Records tables that no live import, no dataset and no retirement names are dropped with them.
    @discardableResult public func removeOrphanImports() throws -> Int {
        try BlockingWait.run { try await self.removeOrphans() }
    }

    private func removeOrphans() async throws -> Int {
        try await withConnection { connection in
            // Tables first: a table listed here was registered in `imports` before it was created, so its import
            // is seen below; one created later is not listed.
            let tables = try await connection.query(
                """
                SELECT tablename FROM pg_tables
                WHERE schemaname = current_schema() AND tablename LIKE 'records\\_%'
                """, logger: logger
            ).collect().map { try $0.decode(String.self) }
            var live: [String] = []
            let imports = try await connection.query("SELECT records_table FROM imports", logger: logger).collect()
            for row in imports {
                let table = try row.decode(String.self)
                let free = try await connection.query(
                    "SELECT pg_try_advisory_lock(\(PostgreSQLRecordsTable.importLockClass), hashtext(\(table)))",
                    logger: logger
                ).collect().first?.decode(Bool.self)
                if free == true {
                    try await connection.query(
                        "SELECT pg_advisory_unlock(\(PostgreSQLRecordsTable.importLockClass), hashtext(\(table)))",
                        logger: logger)
                } else {
                    live.append(table)
                }
            }
            let retired = try await connection.query("SELECT records_table FROM retired_tables", logger: logger)
                .collect().map { try $0.decode(String.self) }
            let keep = Set(live + (try await currentTables(on: connection)) + retired)
            let orphans = tables.filter { !keep.contains($0) }
            for table in orphans {
                try await run(
                    PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(RecordLayout.quote(table))"), on: connection)
            }
            try await run("DELETE FROM imports WHERE NOT (records_table = ANY(\(live)))", on: connection)
            return orphans.count
        }
    }

    /// The records tables datasets point at.
    private func currentTables(on connection: PostgresConnection) async throws -> [String] {
        try await connection.query(
            "SELECT records_table FROM datasets WHERE records_table IS NOT NULL", logger: logger
        ).collect().map { try $0.decode(String.self) }
    }
}
