/// Writes Apache Thrift's compact protocol, the encoding of Parquet's page headers and file footer:
/// field headers as id deltas, integers as zigzag varints, lists with their element type in the header.
struct ThriftCompactWriter {
    /// The compact protocol's type codes.
    enum FieldType: UInt8 {
        case booleanTrue = 1, booleanFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7, binary = 8
        case list = 9, set = 10, map = 11, structure = 12
    }

    private(set) var bytes: [UInt8] = []
    private var lastFieldID: Int16 = 0
    private var enclosingFieldIDs: [Int16] = []

    /// The header of field `id`, as a delta from the previous field when it fits in four bits.
    mutating func fieldHeader(_ id: Int16, _ type: FieldType) {
        let delta = id - lastFieldID
        if delta > 0, delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            varint(zigzag(Int64(id)))
        }
        lastFieldID = id
    }

    mutating func i32(_ id: Int16, _ value: Int32) {
        fieldHeader(id, .i32)
        varint(zigzag(Int64(value)))
    }

    mutating func i64(_ id: Int16, _ value: Int64) {
        fieldHeader(id, .i64)
        varint(zigzag(value))
    }

    mutating func bool(_ id: Int16, _ value: Bool) {
        fieldHeader(id, value ? .booleanTrue : .booleanFalse)
    }

    mutating func string(_ id: Int16, _ value: String) {
        fieldHeader(id, .binary)
        stringValue(value)
    }

    /// Opens a struct-valued field; close it with ``endStruct()``.
    mutating func beginStruct(_ id: Int16) {
        fieldHeader(id, .structure)
        beginStructValue()
    }

    /// Opens a struct that is a list element (no field header).
    mutating func beginStructValue() {
        enclosingFieldIDs.append(lastFieldID)
        lastFieldID = 0
    }

    /// Writes the stop byte and returns to the enclosing struct's field ids.
    mutating func endStruct() {
        bytes.append(0)
        lastFieldID = enclosingFieldIDs.popLast() ?? 0
    }

    /// A list field's header; its `count` elements follow (values, or structs with ``beginStructValue()``).
    mutating func listHeader(_ id: Int16, elementType: FieldType, count: Int) {
        fieldHeader(id, .list)
        if count < 15 {
            bytes.append(UInt8(count) << 4 | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            varint(UInt64(count))
        }
    }

    /// An i32 list element or an enum value.
    mutating func i32Value(_ value: Int32) { varint(zigzag(Int64(value))) }

    /// A string list element.
    mutating func stringValue(_ value: String) {
        varint(UInt64(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }

    /// A list element that is a struct encoded by another writer (stop byte included).
    mutating func encodedStructValue(_ encoded: [UInt8]) { bytes += encoded }

    /// The stop byte that ends the outermost struct.
    mutating func end() { bytes.append(0) }

    private func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

    private mutating func varint(_ value: UInt64) { ByteOrder.varint(value, to: &bytes) }
}
