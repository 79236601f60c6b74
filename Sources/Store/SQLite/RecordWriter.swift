import GRDB
import GRDBSQLite
import Ingest
import Vocabulary

/// Writes typed rows and their record ids (see ``RecordHasher``) into a records table with one
/// prepared statement.
struct RecordWriter {
    let table: String
    let fields: [DatasetField]
    private let sql: String

    init(table: String, fields: [DatasetField]) {
        self.table = table
        self.fields = fields
        let columns = [RecordLayout.recordIDColumn] + fields.flatMap(RecordLayout.columns).map(\.name)
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        sql =
            "INSERT INTO \(RecordLayout.quote(table)) (\(columns.map(RecordLayout.quote).joined(separator: ", "))) VALUES (\(placeholders))"
    }

    /// Binds each row straight to the prepared statement through SQLite's C API: no
    /// intermediate values per cell, which keeps a million-row import fast.
    func insert(_ rows: [[Value]], ids: [String], in db: GRDB.Database) throws {
        let statement = try db.cachedStatement(sql: sql).sqliteStatement
        for (row, id) in zip(rows, ids) {
            var column: Int32 = 2
            for (index, field) in fields.enumerated() {
                let value = index < row.count ? row[index] : .null
                column = bind(value, as: field.type, to: statement, at: column)
            }
            sqlite3_bind_text(statement, 1, id, -1, Self.transient)
            let status = sqlite3_step(statement)
            sqlite3_reset(statement)
            guard status == SQLITE_DONE else {
                throw StoreError.invalid("cannot write a record: " + String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
        }
    }

    /// Binds one value (one to five columns) from `column` on.
    private func bind(_ value: Value, as type: FieldType, to statement: OpaquePointer, at column: Int32) -> Int32 {
        switch value {
        case .null:
            let width: Int32 = type == .geoPoint2D ? 2 : type == .geoShape ? 5 : 1
            for offset in 0..<width { sqlite3_bind_null(statement, column + offset) }
            return column + width
        case .text(let text), .date(let text), .datetime(let text), .json(let text):
            sqlite3_bind_text(statement, column, text, -1, Self.transient)
            return column + 1
        case .int(let number):
            sqlite3_bind_int64(statement, column, number)
            return column + 1
        case .double(let number):
            sqlite3_bind_double(statement, column, number)
            return column + 1
        case .bool(let flag):
            sqlite3_bind_int64(statement, column, flag ? 1 : 0)
            return column + 1
        case .geoPoint(let point):
            sqlite3_bind_double(statement, column, point.lat)
            sqlite3_bind_double(statement, column + 1, point.lon)
            return column + 2
        case .geoShape(let shape):
            sqlite3_bind_text(statement, column, shape.geoJSON, -1, Self.transient)
            for (offset, edge) in [shape.bbox.minLon, shape.bbox.minLat, shape.bbox.maxLon, shape.bbox.maxLat].enumerated() {
                sqlite3_bind_double(statement, column + 1 + Int32(offset), edge)
            }
            return column + 5
        }
    }

    /// SQLite copies the bound text before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
