import Crypto
import GRDB
import Ingest

/// Writes typed rows into a records table with one prepared statement, and gives each record a
/// stable id: a hash of the dataset id and the record's values.
struct RecordWriter {
    let table: String
    let fields: [DatasetField]
    let datasetID: String
    private let sql: String
    private var buffer: [DatabaseValue] = []
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

    mutating func insert(_ rows: [[Value]], in db: GRDB.Database) throws {
        let statement = try db.cachedStatement(sql: sql)
        for row in rows {
            buffer.removeAll(keepingCapacity: true)
            hashInput.removeAll(keepingCapacity: true)
            hashInput.append(contentsOf: datasetID.utf8)
            buffer.append(.null)
            for (index, field) in fields.enumerated() {
                let value = index < row.count ? row[index] : .null
                append(value, as: field.type)
            }
            buffer[0] = recordID().databaseValue
            statement.setUncheckedArguments(StatementArguments(buffer))
            try statement.execute()
        }
    }

    private mutating func append(_ value: Value, as type: FieldType) {
        hashInput.append(0x1F)
        switch value {
        case .null:
            let width = type == .geoPoint2D ? 2 : type == .geoShape ? 5 : 1
            for _ in 0..<width { buffer.append(.null) }
        case .text(let text), .date(let text), .datetime(let text), .json(let text):
            buffer.append(text.databaseValue)
            hashInput.append(contentsOf: text.utf8)
        case .int(let number):
            buffer.append(number.databaseValue)
            hashInput.append(contentsOf: String(number).utf8)
        case .double(let number):
            buffer.append(number.databaseValue)
            hashInput.append(contentsOf: String(number).utf8)
        case .bool(let flag):
            buffer.append((flag ? 1 : 0).databaseValue)
            hashInput.append(flag ? 0x31 : 0x30)
        case .geoPoint(let point):
            buffer.append(point.lat.databaseValue)
            buffer.append(point.lon.databaseValue)
            hashInput.append(contentsOf: "\(point.lat),\(point.lon)".utf8)
        case .geoShape(let shape):
            buffer.append(shape.geoJSON.databaseValue)
            for edge in [shape.bbox.minLon, shape.bbox.minLat, shape.bbox.maxLon, shape.bbox.maxLat] {
                buffer.append(edge.databaseValue)
            }
            hashInput.append(contentsOf: shape.geoJSON.utf8)
        }
    }

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
