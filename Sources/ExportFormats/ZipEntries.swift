/// A minimal streaming ZIP writer for the shapefile archive: stored (uncompressed) entries whose CRC-32
/// and sizes follow their data in a data descriptor, then the central directory. No ZIP64: each entry and
/// the whole archive must stay under 4 GiB (``ExportFormatError`` otherwise).
struct ZipEntries {
    private struct Entry {
        var name: [UInt8]
        var offset: UInt32
        var crc: UInt32 = 0
        var size: UInt32 = 0
    }

    private var entries: [Entry] = []
    private var offset: UInt64 = 0
    private var current: Entry?

    /// The local header of a new entry named `name`.
    mutating func begin(_ name: String) throws -> [UInt8] {
        let entry = Entry(name: Array(name.utf8), offset: try Self.fits(offset))
        var header: [UInt8] = []
        ByteOrder.little(UInt32(0x0403_4B50), to: &header)
        commonFields(entry, to: &header)
        header += entry.name
        current = entry
        return counted(header)
    }

    /// `bytes` of the current entry's content.
    mutating func data(_ bytes: [UInt8]) throws -> [UInt8] {
        guard var entry = current else { return [] }
        entry.crc = Compression.crc32(bytes, continuing: entry.crc)
        entry.size = try Self.fits(UInt64(entry.size) + UInt64(bytes.count))
        current = entry
        return counted(bytes)
    }

    /// The current entry's data descriptor.
    mutating func end() -> [UInt8] {
        guard let entry = current else { return [] }
        entries.append(entry)
        current = nil
        var descriptor: [UInt8] = []
        ByteOrder.little(UInt32(0x0807_4B50), to: &descriptor)
        ByteOrder.little(entry.crc, to: &descriptor)
        ByteOrder.little(entry.size, to: &descriptor)
        ByteOrder.little(entry.size, to: &descriptor)
        return counted(descriptor)
    }

    /// The central directory and its end record.
    mutating func finish() throws -> [UInt8] {
        let start = try Self.fits(offset)
        var directory: [UInt8] = []
        for entry in entries {
            ByteOrder.little(UInt32(0x0201_4B50), to: &directory)
            ByteOrder.little(UInt16(20), to: &directory)  // made by: version 2.0
            var fields: [UInt8] = []
            commonFields(entry, to: &fields)
            directory += fields
            directory += [UInt8](repeating: 0, count: 10)  // comment length, disk, internal and external attributes
            ByteOrder.little(entry.offset, to: &directory)
            directory += entry.name
        }
        var end: [UInt8] = []
        ByteOrder.little(UInt32(0x0605_4B50), to: &end)
        end += [0, 0, 0, 0]
        ByteOrder.little(UInt16(clamping: entries.count), to: &end)
        ByteOrder.little(UInt16(clamping: entries.count), to: &end)
        ByteOrder.little(UInt32(directory.count), to: &end)
        ByteOrder.little(start, to: &end)
        end += [0, 0]
        return counted(directory + end)
    }

    /// Version needed, flags (data descriptor, UTF-8 names), method, time, CRC, sizes, name length, extra.
    private func commonFields(_ entry: Entry, to bytes: inout [UInt8]) {
        ByteOrder.little(UInt16(20), to: &bytes)
        ByteOrder.little(UInt16(0x0808), to: &bytes)
        ByteOrder.little(UInt16(0), to: &bytes)  // stored
        ByteOrder.little(UInt32(0x0021_0000), to: &bytes)  // 1980-01-01 00:00
        ByteOrder.little(entry.crc, to: &bytes)
        ByteOrder.little(entry.size, to: &bytes)
        ByteOrder.little(entry.size, to: &bytes)
        ByteOrder.little(UInt16(entry.name.count), to: &bytes)
        ByteOrder.little(UInt16(0), to: &bytes)
    }

    private mutating func counted(_ bytes: [UInt8]) -> [UInt8] {
        offset += UInt64(bytes.count)
        return bytes
    }

    private static func fits(_ value: UInt64) throws -> UInt32 {
        guard let small = UInt32(exactly: value) else { throw ExportFormatError("the shapefile archive would exceed 4 GiB") }
        return small
    }
}
