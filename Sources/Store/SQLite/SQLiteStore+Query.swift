import Foundation
import GRDB
import ODSQL

extension SQLiteStore {
    /// Runs a compiled, read-only ODSQL query within ``queryBudget``. Values are bound, never spliced into
    /// the SQL. A query over budget throws ``QueryTimeoutError`` and leaves its connection usable.
    ///
    /// One statement reads one consistent snapshot by itself, so it runs outside a transaction: BEGIN and COMMIT
    /// would cost as much as a lookup by id.
    public func rows(_ query: CompiledQuery) async throws -> [[SQLValue]] {
        try await pool.unsafeRead { [queryBudget] db in
            try queryBudget.run(db) { try Self.fetch(query, in: db) }
        }
    }

    /// Looks up dataset `id`, then runs the query `compile` makes for it, on one connection in one trip to a
    /// database thread: for a lookup by id, each trip costs more than the query. `compile` returns nil to skip the
    /// query (say, the dataset is not visible to the caller); the answer is nil then, and when there is no such
    /// dataset.
    public func rows(
        ofDataset id: String, _ compile: @escaping @Sendable (Dataset) throws -> CompiledQuery?
    ) async throws -> (query: CompiledQuery, rows: [[SQLValue]])? {
        try await pool.unsafeRead { [queryBudget] db in
            guard let dataset = try catalog(in: db).dataset(id: id), let query = try compile(dataset) else { return nil }
            return (query, try queryBudget.run(db) { try Self.fetch(query, in: db) })
        }
    }

    /// Runs `query` on `db`. The statement is prepared for this one run, never kept in GRDB's statement cache:
    /// that cache has no bound, and clients choose the query's shape (a random `select` list is a new statement
    /// each time), so caching grew a connection's memory by about 7 KB a request, without limit.
    static func fetch(_ query: CompiledQuery, in db: GRDB.Database) throws -> [[SQLValue]] {
        let statement = try db.makeStatement(sql: query.sql)
        statement.setUncheckedArguments(StatementArguments(query.bindings.map(Self.databaseValue)))
        let cursor = try Row.fetchCursor(statement)
        var rows: [[SQLValue]] = []
        while let row = try cursor.next() {
            rows.append((0..<row.count).map { Self.sqlValue(row[$0] as DatabaseValue) })
        }
        return rows
    }

    static func databaseValue(_ value: SQLValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .int(let number): number.databaseValue
        case .double(let number): number.databaseValue
        case .text(let text): text.databaseValue
        case .bool(let flag): (flag ? 1 : 0).databaseValue
        }
    }

    static func sqlValue(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: .null
        case .int64(let number): .int(number)
        case .double(let number): .double(number)
        case .string(let text): .text(text)
        case .blob(let data): .text(String(decoding: data, as: UTF8.self))
        }
    }
}

/// SQL functions the ODSQL compiler relies on, registered on every connection.
enum GeoFunctions {
    static func register(in db: GRDB.Database) {
        db.add(
            function: DatabaseFunction("garona_distance", argumentCount: 4, pure: true) { values in
                guard let lat1 = Double.fromDatabaseValue(values[0]), let lon1 = Double.fromDatabaseValue(values[1]),
                    let lat2 = Double.fromDatabaseValue(values[2]), let lon2 = Double.fromDatabaseValue(values[3])
                else { return nil }
                return haversine(lat1, lon1, lat2, lon2)
            })
        db.add(function: shapePredicate("garona_intersects") { $0.intersects($1) })
        db.add(function: shapePredicate("garona_within") { $0.isWithin($1) })
    }

    /// `name(geojson_a, geojson_b)`: 1 or 0, or NULL when either side is NULL or not GeoJSON.
    static func shapePredicate(_ name: String, _ test: @escaping @Sendable (PlanarShape, PlanarShape) -> Bool)
        -> DatabaseFunction
    {
        DatabaseFunction(name, argumentCount: 2, pure: true) { values in
            guard let first = String.fromDatabaseValue(values[0]).flatMap(PlanarShape.init(geoJSON:)),
                let second = String.fromDatabaseValue(values[1]).flatMap(PlanarShape.init(geoJSON:))
            else { return nil }
            return test(first, second) ? 1 : 0
        }
    }

    /// Great-circle distance in metres.
    static func haversine(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let radius = 6_371_008.8
        let dLat = (lat2 - lat1) * .pi / 180
        let dLon = (lon2 - lon1) * .pi / 180
        let a = sin(dLat / 2) * sin(dLat / 2) + cos(lat1 * .pi / 180) * cos(lat2 * .pi / 180) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * radius * atan2(sqrt(a), sqrt(1 - a))
    }
}
