import Foundation
import ZIPFoundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One entry of a ZIP archive's central directory, as the archive declares it.
struct ZipEntry {
    let name: String
    /// 0 (stored) or 8 (deflated); anything else is refused when the entry is extracted.
    let method: UInt16
    let flags: UInt16
    let compressedSize: Int
    /// The uncompressed size the central directory declares; the inflated bytes may not exceed it.
    let declaredSize: Int
    let headerOffset: Int
}

/// Reads the parts of a ZIP archive (an XLSX workbook) under the limits of ``IngestLimits``, so that a
/// decompression bomb is refused within seconds and in bounded memory.
///
/// Every limit is checked twice: against the sizes the central directory declares, when the archive is
/// opened, and against the bytes actually inflated, chunk by chunk, since headers lie. The central
/// directory is parsed here; inflating uses ZIPFoundation's zlib stream with a provider that never
/// reads past the entry's compressed bytes, so a stream that does not end cannot spin forever.
/// Entry names are never used as paths: a part is extracted to a fresh file of mode 0600 in the
/// extraction directory, unlinked as soon as it is open, or to memory when there is no directory.
final class XLSXZipReader {
    /// How many bytes are inflated or copied at once.
    static let chunkSize = 64 * 1024
    /// A part may always inflate to this many bytes, whatever its compression ratio.
    static let ratioFloor = 1 << 20
    /// The most bytes a part read whole into memory (the workbook description, styles) may have.
    static let descriptionLimit = 16 << 20

    private let storage: ArchiveBytes
    private let limits: IngestLimits
    private let directory: String?
    /// Entries by name; the first of duplicates wins.
    private let entries: [String: ZipEntry]
    /// Bytes inflated so far, all parts together.
    private var inflatedTotal = 0

    init(origin: SourceOrigin, limits: IngestLimits) throws(IngestError) {
        storage = try ArchiveBytes(origin: origin)
        self.limits = limits
        switch origin {
        case .file(let path):
            directory = limits.extractionDirectory ?? URL(fileURLWithPath: path).deletingLastPathComponent().path
        case .memory:
            directory = limits.extractionDirectory
        }
        entries = try Self.readDirectory(storage, limits: limits)
    }

    func contains(_ name: String) -> Bool { entries[name] != nil }

    /// A small part, whole, in memory: at most ``descriptionLimit`` bytes.
    func bytes(_ name: String) throws(IngestError) -> [UInt8] {
        guard let entry = entries[name] else { throw .invalidWorkbook(reason: "\(name) is missing") }
        var bytes: [UInt8] = []
        try inflate(entry, limit: min(Self.descriptionLimit, limits.maxArchivePartBytes)) { data throws(IngestError) in
            bytes.append(contentsOf: data)
        }
        return bytes
    }

    /// A part as a byte source: extracted to a file of mode 0600 in the extraction directory (removed
    /// from the directory as soon as it is open), or to memory when there is no directory.
    func extract(_ name: String) throws(IngestError) -> any ByteSource {
        guard let entry = entries[name] else { throw .invalidWorkbook(reason: "\(name) is missing") }
        guard let directory else {
            var bytes: [UInt8] = []
            try inflate(entry, limit: limits.maxArchivePartBytes) { data throws(IngestError) in bytes.append(contentsOf: data) }
            return MemoryByteSource(bytes)
        }
        let path = directory + "/garona-part-" + UUID().uuidString
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw .extractionFailed(reason: Self.errorText()) }
        var open = true
        defer {
            if open { close(descriptor) }
            unlink(path)
        }
        try inflate(entry, limit: limits.maxArchivePartBytes) { data throws(IngestError) in
            try Self.write(data, to: descriptor)
        }
        open = false
        guard close(descriptor) == 0 else { throw .extractionFailed(reason: Self.errorText()) }
        return try FileByteSource(path: path)
    }

    /// Inflates (or copies) one entry into `sink`, chunk by chunk, counting every byte against the limits.
    private func inflate(
        _ entry: ZipEntry, limit: Int, into sink: (Data) throws(IngestError) -> Void
    ) throws(IngestError) {
        let header = try storage.read(at: entry.headerOffset, count: 30)
        guard header.count == 30, Self.le32(header, 0) == 0x0403_4B50 else {
            throw .invalidWorkbook(reason: "the local header of \(entry.name) is damaged")
        }
        let dataOffset = entry.headerOffset + 30 + Self.le16(header, 26) + Self.le16(header, 28)
        guard dataOffset <= storage.size, entry.compressedSize <= storage.size - dataOffset else {
            throw .invalidWorkbook(reason: "\(entry.name) is truncated")
        }
        guard entry.flags & 1 == 0 else { throw .invalidWorkbook(reason: "\(entry.name) is encrypted") }
        let (product, overflow) = limits.maxCompressionRatio.multipliedReportingOverflow(by: entry.compressedSize)
        let ratioLimit = max(overflow ? Int.max : product, Self.ratioFloor)
        var produced = 0
        func count(_ bytes: Int) throws(IngestError) {
            produced += bytes
            inflatedTotal += bytes
            if produced > limit { throw .archiveLimit(.partSize(part: entry.name, limit: limit)) }
            if produced > ratioLimit {
                throw .archiveLimit(.compressionRatio(part: entry.name, limit: limits.maxCompressionRatio))
            }
            if inflatedTotal > limits.maxArchiveBytes { throw .archiveLimit(.totalSize(limit: limits.maxArchiveBytes)) }
            // The limits above held for the declared sizes; a part larger than declared lied about itself.
            if produced > entry.declaredSize {
                throw .invalidWorkbook(
                    reason: "\(entry.name) inflates to more than the \(entry.declaredSize) bytes its header declares")
            }
        }
        switch entry.method {
        case 0:
            var copied = 0
            while copied < entry.compressedSize {
                let chunk = try storage.read(at: dataOffset + copied, count: min(Self.chunkSize, entry.compressedSize - copied))
                guard !chunk.isEmpty else { throw .invalidWorkbook(reason: "\(entry.name) is truncated") }
                copied += chunk.count
                try count(chunk.count)
                try sink(Data(chunk))
            }
        case 8:
            var fed = 0
            let storage = self.storage
            do {
                _ = try Data.decompress(
                    size: Int64(entry.compressedSize), bufferSize: Self.chunkSize, skipCRC32: true,
                    provider: { _, size in
                        // Always a full buffer: past the entry's last byte, zeros (an invalid deflate block).
                        guard fed < entry.compressedSize else {
                            throw IngestError.invalidWorkbook(reason: "\(entry.name) is truncated")
                        }
                        var chunk = try storage.read(at: dataOffset + fed, count: min(size, entry.compressedSize - fed))
                        fed += chunk.count
                        if chunk.count < size { chunk.append(contentsOf: repeatElement(0, count: size - chunk.count)) }
                        return Data(chunk)
                    },
                    consumer: { data in
                        try count(data.count)
                        try sink(data)
                    })
            } catch let error as IngestError {
                throw error
            } catch {
                throw .invalidWorkbook(reason: "\(entry.name) is corrupt")
            }
        default:
            throw .invalidWorkbook(reason: "\(entry.name) uses an unsupported compression method")
        }
    }

    /// Parses the end record and the central directory, and checks every declared size.
    private static func readDirectory(_ storage: ArchiveBytes, limits: IngestLimits) throws(IngestError) -> [String: ZipEntry] {
        let notZIP = IngestError.invalidWorkbook(reason: "it is not a ZIP archive")
        let tailStart = max(0, storage.size - (22 + 65_535))
        let tail = try storage.read(at: tailStart, count: storage.size - tailStart)
        guard tail.count >= 22,
            let end = stride(from: tail.count - 22, through: 0, by: -1).first(where: { le32(tail, $0) == 0x0605_4B50 })
        else { throw notZIP }
        let count = le16(tail, end + 10)
        let directorySize = le32(tail, end + 12)
        let directoryOffset = le32(tail, end + 16)
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            throw .invalidWorkbook(reason: "it is a ZIP64 archive, which no workbook within the size limits needs")
        }
        guard count <= limits.maxArchiveEntries else { throw .archiveLimit(.entries(limit: limits.maxArchiveEntries)) }
        guard directoryOffset + directorySize <= tailStart + end else { throw notZIP }
        // 10,000 entries with long names take a few MiB; more is read into memory for nothing.
        guard directorySize <= 64 << 20 else { throw .archiveLimit(.entries(limit: limits.maxArchiveEntries)) }
        let directory = try storage.read(at: directoryOffset, count: directorySize)
        var entries: [String: ZipEntry] = [:]
        var position = 0
        var declaredTotal = 0
        for _ in 0..<count {
            guard position + 46 <= directory.count, le32(directory, position) == 0x0201_4B50 else {
                throw .invalidWorkbook(reason: "its central directory is damaged")
            }
            let nameLength = le16(directory, position + 28)
            let next = position + 46 + nameLength + le16(directory, position + 30) + le16(directory, position + 32)
            guard next <= directory.count else { throw .invalidWorkbook(reason: "its central directory is damaged") }
            let name = String(decoding: directory[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)
            let entry = ZipEntry(
                name: name, method: UInt16(le16(directory, position + 10)), flags: UInt16(le16(directory, position + 8)),
                compressedSize: le32(directory, position + 20), declaredSize: le32(directory, position + 24),
                headerOffset: le32(directory, position + 42))
            position = next
            try check(entry, limits: limits)
            declaredTotal += entry.declaredSize
            guard declaredTotal <= limits.maxArchiveBytes else { throw .archiveLimit(.totalSize(limit: limits.maxArchiveBytes)) }
            if entries[name] == nil { entries[name] = entry }
        }
        return entries
    }

    /// Refuses an entry whose name could escape a directory, or whose declared sizes break a limit.
    private static func check(_ entry: ZipEntry, limits: IngestLimits) throws(IngestError) {
        let segments = entry.name.split(separator: "/", omittingEmptySubsequences: false)
        if entry.name.hasPrefix("/") || entry.name.contains("\\") || entry.name.contains("\0") || segments.contains("..") {
            throw .invalidWorkbook(reason: "it holds an entry with an unsafe name")
        }
        if entry.compressedSize == 0xFFFF_FFFF || entry.declaredSize == 0xFFFF_FFFF || entry.headerOffset == 0xFFFF_FFFF {
            throw .invalidWorkbook(reason: "it is a ZIP64 archive, which no workbook within the size limits needs")
        }
        if entry.declaredSize > limits.maxArchivePartBytes {
            throw .archiveLimit(.partSize(part: entry.name, limit: limits.maxArchivePartBytes))
        }
        let (product, overflow) = limits.maxCompressionRatio.multipliedReportingOverflow(by: entry.compressedSize)
        if !overflow, entry.declaredSize > max(product, ratioFloor) {
            throw .archiveLimit(.compressionRatio(part: entry.name, limit: limits.maxCompressionRatio))
        }
    }

    /// Writes all of `data`, retrying short writes; a full disk or any error is an ``IngestError``.
    private static func write(_ data: Data, to descriptor: Int32) throws(IngestError) {
        var failure: String?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count, let base = raw.baseAddress {
                #if canImport(Darwin)
                    let written = Darwin.write(descriptor, base + offset, raw.count - offset)
                #else
                    let written = Glibc.write(descriptor, base + offset, raw.count - offset)
                #endif
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errorText()
                    return
                }
                offset += written
            }
        }
        if let failure { throw .extractionFailed(reason: failure) }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }

    static func le16(_ bytes: [UInt8], _ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 }

    static func le32(_ bytes: [UInt8], _ offset: Int) -> Int { le16(bytes, offset) | le16(bytes, offset + 2) << 16 }
}

/// The bytes of an archive, read at any offset: from a file with `pread`, or from memory.
private final class ArchiveBytes {
    private let descriptor: Int32?
    private let memory: [UInt8]
    private let path: String
    let size: Int

    init(origin: SourceOrigin) throws(IngestError) {
        switch origin {
        case .memory(let bytes):
            descriptor = nil
            memory = bytes
            path = "memory"
            size = bytes.count
        case .file(let path):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            var info = stat()
            guard fd >= 0, fstat(fd, &info) == 0 else {
                let reason = String(cString: strerror(errno))
                if fd >= 0 { close(fd) }
                throw .unreadable(path: path, reason: reason)
            }
            descriptor = fd
            memory = []
            self.path = path
            size = Int(info.st_size)
        }
    }

    deinit { if let descriptor { close(descriptor) } }

    /// Up to `count` bytes from `offset`: fewer only at the end of the archive.
    func read(at offset: Int, count: Int) throws(IngestError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size else { return [] }
        let wanted = min(count, size - offset)
        guard let descriptor else { return Array(memory[offset..<(offset + wanted)]) }
        var bytes = [UInt8](repeating: 0, count: wanted)
        var got = 0
        while got < wanted {
            let n = bytes.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pread(descriptor, base + got, wanted - got, off_t(offset + got))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            got += n
        }
        bytes.removeLast(wanted - got)
        return bytes
    }
}
