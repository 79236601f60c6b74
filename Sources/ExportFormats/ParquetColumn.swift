import ODSQL
import Vocabulary

/// One column of the row group being filled: definition levels (one byte a row) and PLAIN-encoded values.
struct ParquetColumn {
    /// Parquet's physical types.
    enum PhysicalType: Int32 {
        case boolean = 0, int32 = 1, int64 = 2, double = 5, byteArray = 6
    }

    let field: ExportField
    /// The name in the schema (field names made unique).
    let name: String
    let physicalType: PhysicalType
    private(set) var definitions: [UInt8] = []
    private(set) var values: [UInt8] = []
    private var booleans: [Bool] = []

    init(field: ExportField, name: String) {
        self.field = field
        self.name = name
        physicalType =
            switch field.kind {
            case .int, .timestamp: .int64
            case .double: .double
            case .boolean: .boolean
            case .date: .int32
            case .text, .geoPoint, .geoShape: .byteArray
            }
    }

    /// Bytes held for the current row group.
    var bufferedBytes: Int { definitions.count + values.count + booleans.count }

    /// Appends the field's value in `row` (a null when it is missing or not of the column's type).
    mutating func append(_ row: [SQLValue]) {
        let value = field.value(in: row)
        switch (physicalType, value) {
        case (.int64, .int(let number)), (.int64, .timestamp(let number)): appendLittleEndian(UInt64(bitPattern: number))
        case (.double, .double(let number)): appendLittleEndian(number.bitPattern)
        case (.boolean, .bool(let flag)): booleans.append(flag)
        case (.int32, .date(let days)): appendLittleEndian(UInt32(bitPattern: days))
        case (.byteArray, .text(let text)), (.byteArray, .geoJSON(let text)): appendByteArray(text)
        case (.byteArray, .point(let position)): appendByteArray(GeoJSONText.point(position))
        default:
            definitions.append(0)
            return
        }
        definitions.append(1)
    }

    /// The data page's uncompressed content: definition levels (RLE/bit-packed hybrid, bit width 1, with
    /// their 4-byte length) then the values. Empties the column for the next row group.
    mutating func takePage() -> [UInt8] {
        let levels = Self.definitionLevels(definitions)
        var page: [UInt8] = []
        page.reserveCapacity(4 + levels.count + values.count + booleans.count / 8 + 1)
        ByteOrder.little(UInt32(levels.count), to: &page)
        page += levels
        if physicalType == .boolean {
            var byte: UInt8 = 0
            for (index, flag) in booleans.enumerated() {
                if flag { byte |= 1 << UInt8(index % 8) }
                if index % 8 == 7 {
                    page.append(byte)
                    byte = 0
                }
            }
            if booleans.count % 8 != 0 { page.append(byte) }
        } else {
            page += values
        }
        definitions.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        booleans.removeAll(keepingCapacity: true)
        return page
    }

    /// Definition levels: one RLE run when every value is present, else one bit-packed run.
    static func definitionLevels(_ levels: [UInt8]) -> [UInt8] {
        var encoded: [UInt8] = []
        if levels.allSatisfy({ $0 == 1 }) {
            ByteOrder.varint(UInt64(levels.count) << 1, to: &encoded)
            encoded.append(1)
            return encoded
        }
        let groups = (levels.count + 7) / 8
        ByteOrder.varint(UInt64(groups) << 1 | 1, to: &encoded)
        for group in 0..<groups {
            var byte: UInt8 = 0
            for bit in 0..<8 where group * 8 + bit < levels.count && levels[group * 8 + bit] == 1 {
                byte |= 1 << UInt8(bit)
            }
            encoded.append(byte)
        }
        return encoded
    }

    private mutating func appendByteArray(_ text: String) {
        ByteOrder.little(UInt32(truncatingIfNeeded: text.utf8.count), to: &values)
        values.append(contentsOf: text.utf8)
    }

    private mutating func appendLittleEndian<Integer: FixedWidthInteger>(_ value: Integer) {
        ByteOrder.little(value, to: &values)
    }
}

/// GeoJSON text of the geometries the writers build themselves.
enum GeoJSONText {
    /// `{"type":"Point","coordinates":[x,y]}`.
    static func point(_ position: Position) -> String {
        #"{"type":"Point","coordinates":["# + "\(position.x),\(position.y)]}"
    }
}
