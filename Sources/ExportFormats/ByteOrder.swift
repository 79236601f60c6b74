/// Appends integers and doubles in the byte orders the file formats use.
enum ByteOrder {
    /// `value` little-endian (Parquet, DBF, FlatGeobuf, ZIP, most of a shapefile).
    static func little<Integer: FixedWidthInteger>(_ value: Integer, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// `value` big-endian (a shapefile's file and record headers).
    static func big<Integer: FixedWidthInteger>(_ value: Integer, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// A double's bits little-endian.
    static func little(_ value: Double, to bytes: inout [UInt8]) { little(value.bitPattern, to: &bytes) }

    /// An unsigned LEB128 varint (Thrift, Parquet's RLE run headers).
    static func varint(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
