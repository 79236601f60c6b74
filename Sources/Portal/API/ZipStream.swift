/// Writes a zip archive front to back, so it can be streamed: each entry's local header carries flag 3
/// (sizes and CRC follow the data in a data descriptor), entries are deflated, and the central directory
/// comes at the end. No Zip64: archives over 4 GiB are out of scope for exports.
final class ZipStream {
    private struct Entry {
        let name: [UInt8]
        let offset: UInt32
        var crc: UInt32 = 0
        var compressedSize: UInt32 = 0
        var size: UInt32 = 0
    }

    private var entries: [Entry] = []
    private var open: Entry?
    private var deflater: Deflater?
    private var written: UInt32 = 0
    /// General purpose flags: sizes in a data descriptor (bit 3), UTF-8 names (bit 11).
    private let flags: UInt16 = 0x0808
    /// 1980-01-01 00:00 in MS-DOS form.
    private let dosDate: UInt16 = 0x21

    /// Starts an entry; its data follows with ``write(_:)``.
    func begin(_ name: String) -> [UInt8] {
        let previous = end()
        let entry = Entry(name: Array(name.utf8), offset: written)
        var header = Bytes()
        header.u32(0x0403_4b50)
        header.u16(20)
        header.u16(flags)
        header.u16(8)
        header.u16(0)
        header.u16(dosDate)
        header.u32(0)
        header.u32(0)
        header.u32(0)
        header.u16(UInt16(entry.name.count))
        header.u16(0)
        header.bytes += entry.name
        open = entry
        deflater = Deflater(.raw)
        return previous + count(header.bytes)
    }

    /// Adds data to the open entry.
    func write(_ data: [UInt8]) -> [UInt8] {
        guard var entry = open, let deflater else { return [] }
        entry.crc = Deflater.crc32(data, continuing: entry.crc)
        entry.size &+= UInt32(truncatingIfNeeded: data.count)
        let compressed = deflater.compress(data)
        entry.compressedSize &+= UInt32(truncatingIfNeeded: compressed.count)
        open = entry
        return count(compressed)
    }

    /// A whole entry at once.
    func add(_ name: String, _ data: [UInt8]) -> [UInt8] {
        begin(name) + write(data)
    }

    /// Closes the archive: the last entry's descriptor, the central directory and its end record.
    func finish() -> [UInt8] {
        let previous = end()
        let directoryOffset = written
        var directory = Bytes()
        for entry in entries {
            directory.u32(0x0201_4b50)
            directory.u16(20)
            directory.u16(20)
            directory.u16(flags)
            directory.u16(8)
            directory.u16(0)
            directory.u16(dosDate)
            directory.u32(entry.crc)
            directory.u32(entry.compressedSize)
            directory.u32(entry.size)
            directory.u16(UInt16(entry.name.count))
            directory.u16(0)
            directory.u16(0)
            directory.u16(0)
            directory.u16(0)
            directory.u32(0)
            directory.u32(entry.offset)
            directory.bytes += entry.name
        }
        let directorySize = UInt32(directory.bytes.count)
        directory.u32(0x0605_4b50)
        directory.u16(0)
        directory.u16(0)
        directory.u16(UInt16(entries.count))
        directory.u16(UInt16(entries.count))
        directory.u32(directorySize)
        directory.u32(directoryOffset)
        directory.u16(0)
        return previous + count(directory.bytes)
    }

    /// Ends the open entry, if any, with its data descriptor.
    private func end() -> [UInt8] {
        guard var entry = open, let deflater else { return [] }
        let tail = deflater.finish()
        entry.compressedSize &+= UInt32(truncatingIfNeeded: tail.count)
        var descriptor = Bytes()
        descriptor.bytes = tail
        descriptor.u32(0x0807_4b50)
        descriptor.u32(entry.crc)
        descriptor.u32(entry.compressedSize)
        descriptor.u32(entry.size)
        entries.append(entry)
        open = nil
        self.deflater = nil
        return count(descriptor.bytes)
    }

    private func count(_ bytes: [UInt8]) -> [UInt8] {
        written &+= UInt32(truncatingIfNeeded: bytes.count)
        return bytes
    }

    private struct Bytes {
        var bytes: [UInt8] = []
        mutating func u16(_ value: UInt16) { bytes += [UInt8(value & 0xFF), UInt8(value >> 8)] }
        mutating func u32(_ value: UInt32) {
            bytes += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
        }
    }
}
