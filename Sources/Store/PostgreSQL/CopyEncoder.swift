import Ingest
import NIOCore
import Vocabulary

/// Encodes typed records as `COPY … FROM STDIN` text: one line per record, tab-separated columns in the order of
/// ``PostgreSQLRecordsTable/copyColumns(_:)`` (the record id, the row number, then the columns of each field as
/// ``RecordLayout/columns(of:)`` lays them out, then the search vectors of its text fields, then the record's),
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
    /// The indexes of the text fields, and for each whether it has a vector of its own
    /// (``PostgreSQLRecordsTable/fieldSearchColumns(_:)``), written in order before the record's.
    private let textFields: [(index: Int, ownVector: Bool)]
    /// The number of text fields with a vector of their own.
    private let ownVectorCount: Int
    /// The vectors of the row being encoded, the record's and one text field's, kept from row to row for their
    /// room; and the cutter of their texts.
    private var record = SearchVector()
    private var field = SearchVector()
    private var words = SearchWords()

    init(fields: [DatasetField], serverScalars: ScalarSet) {
        self.fields = fields
        self.serverScalars = serverScalars
        let ownVectors = Set(PostgreSQLRecordsTable.fieldSearchVectorIndexes(fields))
        textFields = fields.indices.filter { fields[$0].type == .text }.map { ($0, ownVectors.contains($0)) }
        ownVectorCount = ownVectors.count
    }

    /// Appends one record, its id and its position in the file (from 1, SQLite's rowid) to `buffer`.
    mutating func append(_ row: [Value], id: String, number: Int, to buffer: inout ByteBuffer) {
        Self.appendText(id, to: &buffer)
        buffer.writeInteger(UInt8(ascii: "\t"))
        Self.appendDecimal(Int64(number), to: &buffer)
        for (index, field) in fields.enumerated() {
            buffer.writeInteger(UInt8(ascii: "\t"))
            append(index < row.count ? row[index] : .null, as: field.type, to: &buffer)
        }
        let leftToServer = textFields.contains { field in
            field.index < row.count && Self.text(row[field.index]).map(serverScalars.intersects) ?? false
        }
        if leftToServer {
            for _ in 0...ownVectorCount { buffer.writeStaticString("\t\\N") }
        } else {
            encodeVectors(row, to: &buffer)
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    /// Appends the text fields' own vectors, then the record's, each text cut once for both.
    private mutating func encodeVectors(_ row: [Value], to buffer: inout ByteBuffer) {
        var record = SearchVector()
        var field = SearchVector()
        swap(&record, &self.record)
        swap(&field, &self.field)
        record.removeAll()
        for text in textFields {
            let value = text.index < row.count ? Self.text(row[text.index]) : nil
            if text.ownVector {
                field.removeAll()
                if let value {
                    words.cut(value) { word in
                        record.addWord(word)
                        field.addWord(word)
                    }
                }
                buffer.writeInteger(UInt8(ascii: "\t"))
                field.write(to: &buffer)
            } else if let value {
                words.cut(value) { record.addWord($0) }
            }
        }
        buffer.writeInteger(UInt8(ascii: "\t"))
        record.write(to: &buffer)
        swap(&record, &self.record)
        swap(&field, &self.field)
    }

    /// Appends `value` in decimal, without going through a string.
    static func appendDecimal(_ value: Int64, to buffer: inout ByteBuffer) {
        if value < 0 { buffer.writeInteger(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        guard magnitude >= 10 else {
            buffer.writeInteger(UInt8(ascii: "0") + UInt8(magnitude))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { room in
            while magnitude > 0 {
                count += 1
                room[24 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: room[(24 - count)...]))
        }
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
            Self.appendDecimal(number, to: &buffer)
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
