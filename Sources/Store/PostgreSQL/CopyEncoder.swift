import Ingest
import NIOCore
import Vocabulary

/// Encodes typed records as `COPY … FROM STDIN` text: one line per record, tab-separated columns in the order of
/// ``PostgreSQLRecordsTable/copyColumns(_:)`` (the record id, the row number, then the columns of each field as
/// ``RecordLayout/columns(of:)`` lays them out, then the search vector of the record, then those of its text fields),
/// `\N` for NULL.
///
/// Text escapes backslash, tab, newline and carriage return as COPY's text format requires. Text stops before a NUL
/// character, which PostgreSQL's `text` cannot hold, as SQLite's publication stores it (bound as a C string). Numbers are written so that they read back as the same value:
/// integers in decimal, doubles in Swift's shortest round-trip form (`inf`, `-inf` and `nan` included, which
/// PostgreSQL reads as its infinities and NaN).
struct CopyEncoder {
    /// The fields, in the reader's column order.
    let fields: [DatasetField]
    /// The code points the server folds otherwise (``PostgreSQLStore/serverFoldedScalars()``): each record ends with
    /// its search vector (``SearchVector``), computed here rather than by the server, or NULL when its text holds one
    /// of them.
    let serverScalars: ScalarSet
    /// The indexes of the text fields with a vector of their own (``PostgreSQLRecordsTable/fieldSearchColumns(_:)``),
    /// written after the record's, in order.
    let ownVectors: Set<Int>

    init(fields: [DatasetField], serverScalars: ScalarSet) {
        self.fields = fields
        self.serverScalars = serverScalars
        ownVectors = Set(PostgreSQLRecordsTable.fieldSearchVectorIndexes(fields))
    }

    /// Appends one record, its id and its position in the file (from 1, SQLite's rowid) to `buffer`.
    func append(_ row: [Value], id: String, number: Int, to buffer: inout ByteBuffer) {
        Self.appendText(id, to: &buffer)
        buffer.writeInteger(UInt8(ascii: "\t"))
        buffer.writeString(String(number))
        for (index, field) in fields.enumerated() {
            buffer.writeInteger(UInt8(ascii: "\t"))
            append(index < row.count ? row[index] : .null, as: field.type, to: &buffer)
        }
        let texts = fields.indices.map { index in
            fields[index].type == .text && index < row.count ? Self.text(row[index]) : nil
        }
        if texts.contains(where: { $0.map(serverScalars.intersects) ?? false }) {
            for _ in 0...ownVectors.count { buffer.writeStaticString("\t\\N") }
        } else {
            var record = SearchVector()
            var own: [SearchVector] = []
            own.reserveCapacity(ownVectors.count)
            for index in fields.indices where fields[index].type == .text {
                var vector = SearchVector()
                if let text = texts[index] { vector.add(text) }
                record.append(vector)
                if ownVectors.contains(index) { own.append(vector) }
            }
            buffer.writeInteger(UInt8(ascii: "\t"))
            record.write(to: &buffer)
            for vector in own {
                buffer.writeInteger(UInt8(ascii: "\t"))
                vector.write(to: &buffer)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    /// Appends the one to five columns of a value.
    private func append(_ value: Value, as type: FieldType, to buffer: inout ByteBuffer) {
        switch value {
        case .null:
            let width = type == .geoPoint2D ? 2 : type == .geoShape ? 5 : 1
            for column in 0..<width {
                if column > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                buffer.writeStaticString("\\N")
            }
        case .text(let text), .date(let text), .datetime(let text), .json(let text):
            Self.appendText(text, to: &buffer)
        case .int(let number):
            buffer.writeString(String(number))
        case .double(let number):
            buffer.writeString(String(number))
        case .bool(let flag):
            buffer.writeInteger(UInt8(ascii: flag ? "1" : "0"))
        case .geoPoint(let point):
            buffer.writeString(String(point.lat))
            buffer.writeInteger(UInt8(ascii: "\t"))
            buffer.writeString(String(point.lon))
        case .geoShape(let shape):
            Self.appendText(shape.geoJSON, to: &buffer)
            for edge in [shape.bbox.minLon, shape.bbox.minLat, shape.bbox.maxLon, shape.bbox.maxLat] {
                buffer.writeInteger(UInt8(ascii: "\t"))
                buffer.writeString(String(edge))
            }
        }
    }

    /// The text a value of a text field is stored as, for its search vector; nil for NULL.
    static func text(_ value: Value) -> String? {
        switch value {
        case .null, .geoPoint, .geoShape: nil
        case .text(let text), .date(let text), .datetime(let text), .json(let text): text
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): flag ? "1" : "0"
        }
    }

    /// Appends `text` with COPY's escapes; written byte for byte when nothing needs escaping.
    static func appendText(_ text: String, to buffer: inout ByteBuffer) {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x00 }) else {
            buffer.writeString(text)
            return
        }
        for byte in utf8 {
            switch byte {
            case 0x5C: buffer.writeStaticString("\\\\")
            case 0x09: buffer.writeStaticString("\\t")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            case 0x00: return
            default: buffer.writeInteger(byte)
            }
        }
    }
}

/// Makes record ids unique in file order, as SQLite's publication does: the first record with an id keeps it, the
/// next ones with the same id (identical records) get `-1`, `-2`, … appended.
///
/// Ids are 40 hexadecimal digits (``RecordHasher``); it remembers 128 bits of each, 16 bytes a record, rather than
/// the whole text.
struct RecordIDNumbering {
    private var seen: Set<SIMD2<UInt64>> = []
    private var repeats: [String: Int] = [:]

    /// The id to store for the next record whose hashed id is `id`.
    mutating func number(_ id: String) -> String {
        guard let key = Self.key(id) else { return id }
        if seen.insert(key).inserted { return id }
        let count = (repeats[id] ?? 0) + 1
        repeats[id] = count
        return id + "-" + String(count)
    }

    /// The first 32 hexadecimal digits as two integers; nil for an id of another shape.
    private static func key(_ id: String) -> SIMD2<UInt64>? {
        let digits = id.utf8
        guard digits.count >= 32 else { return nil }
        let high = UInt64(Substring(id.prefix(16)), radix: 16)
        let low = UInt64(Substring(id.dropFirst(16).prefix(16)), radix: 16)
        guard let high, let low else { return nil }
        return SIMD2(high, low)
    }
}
