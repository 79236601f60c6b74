import Foundation

/// A file in the caller's scratch directory that a writer appends to while rows come, then reads back in
/// chunks once; it is deleted when the writer goes away.
final class ScratchFile {
    private let url: URL
    private let handle: FileHandle
    private var pending: [UInt8] = []
    private(set) var size: Int64 = 0
    private var readingStarted = false

    /// A new, empty file named `prefix-UUID` in `directory`.
    init(in directory: URL, prefix: String) throws {
        url = directory.appending(path: "\(prefix)-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw ExportFormatError("cannot create a scratch file in \(directory.lastPathComponent)")
        }
        handle = try FileHandle(forUpdating: url)
    }

    deinit {
        try? handle.close()
        try? FileManager.default.removeItem(at: url)
    }

    /// Appends `bytes` (buffered up to 1 MiB).
    func append(_ bytes: [UInt8]) throws {
        pending += bytes
        size += Int64(bytes.count)
        if pending.count >= 1 << 20 { try flush() }
    }

    /// The next chunk of at most 1 MiB from the start of the file; nil at its end.
    func nextChunk() throws -> [UInt8]? {
        if !readingStarted {
            try flush()
            try handle.seek(toOffset: 0)
            readingStarted = true
        }
        guard let data = try handle.read(upToCount: 1 << 20), !data.isEmpty else { return nil }
        return Array(data)
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        try handle.write(contentsOf: pending)
        pending.removeAll(keepingCapacity: true)
    }
}

/// Reads a ``ScratchFile`` back sequentially, a given number of bytes at a time.
struct ScratchReader {
    private let file: ScratchFile
    private var buffer: [UInt8] = []
    private var position = 0

    init(_ file: ScratchFile) { self.file = file }

    /// The next `count` bytes; nil when the file ends first.
    mutating func read(_ count: Int) throws -> ArraySlice<UInt8>? {
        while buffer.count - position < count {
            guard let chunk = try file.nextChunk() else { return nil }
            buffer = Array(buffer[position...]) + chunk
            position = 0
        }
        defer { position += count }
        return buffer[position..<position + count]
    }

    mutating func uint32() throws -> UInt32? {
        guard let bytes = try read(4) else { return nil }
        return bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func double() throws -> Double? {
        guard let bytes = try read(8) else { return nil }
        return Double(bitPattern: bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) })
    }
}
