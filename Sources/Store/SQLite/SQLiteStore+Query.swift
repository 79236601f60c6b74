import Foundation
import GRDB
import ODSQL

extension SQLiteStore {
    /// Runs a compiled, read-only ODSQL query. Values are bound, never spliced into the SQL.
    public func rows(_ query: CompiledQuery) async throws -> [[SQLValue]] {
        try await pool.read { db in
            let statement = try db.cachedStatement(sql: query.sql)
            statement.setUncheckedArguments(StatementArguments(query.bindings.map(Self.databaseValue)))
            let cursor = try Row.fetchCursor(statement)
            var rows: [[SQLValue]] = []
            while let row = try cursor.next() {
                rows.append((0..<row.count).map { Self.sqlValue(row[$0] as DatabaseValue) })
            }
            return rows
        }
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
