import Crypto
import GRDB
import GRDBSQLite
import Ingest

/// Writes typed rows into a records table with one prepared statement, and gives each record a
/// stable id: a hash of the dataset id and the record's values.
struct RecordWriter {
    let table: String
    let fields: [DatasetField]
    let datasetID: String
    private let sql: String
    private var hashInput: [UInt8] = []

    init(table: String, fields: [DatasetField], datasetID: String) {
        self.table = table
        self.fields = fields
        self.datasetID = datasetID
        let columns = [RecordLayout.recordIDColumn] + fields.flatMap(RecordLayout.columns).map(\.name)
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        sql =
            "INSERT INTO \(RecordLayout.quote(table)) (\(columns.map(RecordLayout.quote).joined(separator: ", "))) VALUES (\(placeholders))"
    }

    /// Binds each row straight to the prepared statement through SQLite's C API: no
    /// intermediate values per cell, which keeps a million-row import fast.
    mutating func insert(_ rows: [[Value]], in db: GRDB.Database) throws {
        let statement = try db.cachedStatement(sql: sql).sqliteStatement
        for row in rows {
            hashInput.removeAll(keepingCapacity: true)
            hashInput.append(contentsOf: datasetID.utf8)
            var column: Int32 = 2
            for (index, field) in fields.enumerated() {
                let value = index < row.count ? row[index] : .null
                column = bind(value, as: field.type, to: statement, at: column)
            }
            sqlite3_bind_text(statement, 1, recordID(), -1, Self.transient)
            let status = sqlite3_step(statement)
            sqlite3_reset(statement)
            guard status == SQLITE_DONE else {
                throw StoreError.invalid("cannot write a record: " + String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
        }
    }

    /// Binds one value (one to five columns) from `column` on, and feeds the record id hash.
    private mutating func bind(_ value: Value, as type: FieldType, to statement: OpaquePointer, at column: Int32) -> Int32 {
        hashInput.append(0x1F)
        switch value {
        case .null:
            let width: Int32 = type == .geoPoint2D ? 2 : type == .geoShape ? 5 : 1
            for offset in 0..<width { sqlite3_bind_null(statement, column + offset) }
            return column + width
        case .text(let text), .date(let text), .datetime(let text), .json(let text):
            sqlite3_bind_text(statement, column, text, -1, Self.transient)
            hashInput.append(contentsOf: text.utf8)
            return column + 1
        case .int(let number):
            sqlite3_bind_int64(statement, column, number)
            withUnsafeBytes(of: number) { hashInput.append(contentsOf: $0) }
            return column + 1
        case .double(let number):
            sqlite3_bind_double(statement, column, number)
            withUnsafeBytes(of: number.bitPattern) { hashInput.append(contentsOf: $0) }
            return column + 1
        case .bool(let flag):
            sqlite3_bind_int64(statement, column, flag ? 1 : 0)
            hashInput.append(flag ? 0x31 : 0x30)
            return column + 1
        case .geoPoint(let point):
            sqlite3_bind_double(statement, column, point.lat)
            sqlite3_bind_double(statement, column + 1, point.lon)
            withUnsafeBytes(of: point.lat.bitPattern) { hashInput.append(contentsOf: $0) }
            withUnsafeBytes(of: point.lon.bitPattern) { hashInput.append(contentsOf: $0) }
            return column + 2
        case .geoShape(let shape):
            sqlite3_bind_text(statement, column, shape.geoJSON, -1, Self.transient)
            for (offset, edge) in [shape.bbox.minLon, shape.bbox.minLat, shape.bbox.maxLon, shape.bbox.maxLat].enumerated() {
                sqlite3_bind_double(statement, column + 1 + Int32(offset), edge)
            }
            hashInput.append(contentsOf: shape.geoJSON.utf8)
            return column + 5
        }
    }

    /// SQLite copies the bound text before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// 40 hexadecimal characters, like Opendatasoft's record ids.
    private func recordID() -> String {
        let digest = SHA256.hash(data: hashInput)
        var hex = ""
        hex.reserveCapacity(40)
        for byte in digest.prefix(20) {
            hex.append(Self.hexDigits[Int(byte >> 4)])
            hex.append(Self.hexDigits[Int(byte & 0x0F)])
        }
        return hex
    }

    private static let hexDigits = Array("0123456789abcdef")
}
