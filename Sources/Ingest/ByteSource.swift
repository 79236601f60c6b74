#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where raw bytes come from: a file read chunk by chunk, or bytes already in memory.
protocol ByteSource: AnyObject {
    /// Total size in bytes, when known.
    var totalBytes: Int { get }
    /// Appends up to `maxCount` bytes to `buffer`; returns how many were appended, 0 at the end.
    func read(into buffer: inout [UInt8], maxCount: Int) throws(IngestError) -> Int
}

/// Reads a file with POSIX `read` into a reused buffer: memory stays constant whatever the file size.
final class FileByteSource: ByteSource {
    private let descriptor: Int32
    private let path: String
    let totalBytes: Int

    init(path: String) throws(IngestError) {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .unreadable(path: path, reason: Self.errorText()) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = Self.errorText()
            close(fd)
            throw .unreadable(path: path, reason: reason)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw .unreadable(path: path, reason: "it is a directory")
        }
        descriptor = fd
        totalBytes = Int(info.st_size)
    }

    deinit { close(descriptor) }

    func read(into buffer: inout [UInt8], maxCount: Int) throws(IngestError) -> Int {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: maxCount))
        var got = 0
        while got < maxCount {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                #if canImport(Darwin)
                    return Darwin.read(descriptor, base + start + got, maxCount - got)
                #else
                    return Glibc.read(descriptor, base + start + got, maxCount - got)
                #endif
            }
            if n < 0 {
                if errno == EINTR { continue }
                buffer.removeLast(maxCount)
                throw .unreadable(path: path, reason: Self.errorText())
            }
            if n == 0 { break }
            got += n
        }
        buffer.removeLast(maxCount - got)
        return got
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}

/// Bytes already in memory, served in chunks like a file.
final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    var totalBytes: Int { bytes.count }

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: inout [UInt8], maxCount: Int) throws(IngestError) -> Int {
        let n = min(maxCount, bytes.count - offset)
        guard n > 0 else { return 0 }
        buffer.append(contentsOf: bytes[offset..<(offset + n)])
        offset += n
        return n
    }
}

/// Opens sources again: detection and reading each need a fresh pass over the file.
enum SourceOrigin: Sendable {
    case file(String)
    case memory([UInt8])

    func open() throws(IngestError) -> any ByteSource {
        switch self {
        case .file(let path): try FileByteSource(path: path)
        case .memory(let bytes): MemoryByteSource(bytes)
        }
    }

    /// Counts lines up to `offset` (1-based), for error messages; reads the file again.
    func line(atOffset offset: Int) -> Int {
        guard let source = try? open() else { return 0 }
        var buffer: [UInt8] = []
        var seen = 0
        var line = 1
        while seen < offset {
            buffer.removeAll(keepingCapacity: true)
            guard let n = try? source.read(into: &buffer, maxCount: min(1 << 16, offset - seen)), n > 0 else { break }
            for byte in buffer where byte == 0x0A { line += 1 }
            seen += n
        }
        return line
    }
}
