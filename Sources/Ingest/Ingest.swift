#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Entry points of the Ingest module: detect a file's format, encoding, delimiter and field types in one
/// streaming pass, then read its typed records in batches in a second pass.
///
/// ```swift
/// let detection = try Ingest.detect(url: file)
/// let reader = try Ingest.read(url: file, detection: detection)
/// while let batch = try reader.next() { store(batch.rows) }
/// ```
public enum Ingest {
    /// Detects everything about a file. Reads it to the end (type inference covers all rows), in constant memory.
    /// - Parameters:
    ///   - options: forced format, encoding, delimiter and field types, and limits.
    ///   - progress: called now and then with the bytes read so far.
    public static func detect(
        url: URL, options: IngestOptions = IngestOptions(), progress: ((IngestProgress) -> Void)? = nil
    ) throws(IngestError) -> Detection {
        let path = url.path(percentEncoded: false)
        return try Detector(origin: .file(path), fileName: url.lastPathComponent, options: options, progress: progress).run()
    }

    /// Detects everything about bytes already in memory; `fileName` helps to tell the format.
    public static func detect(
        bytes: [UInt8], fileName: String? = nil, options: IngestOptions = IngestOptions(),
        progress: ((IngestProgress) -> Void)? = nil
    ) throws(IngestError) -> Detection {
        try Detector(origin: .memory(bytes), fileName: fileName, options: options, progress: progress).run()
    }

    /// Opens a reader of typed record batches for a file already detected (possibly with overridden types).
    public static func read(url: URL, detection: Detection, batchSize: Int = 1000) throws(IngestError) -> RecordBatchReader {
        try RecordBatchReader(origin: .file(url.path(percentEncoded: false)), detection: detection, batchSize: batchSize)
    }

    /// Opens a reader of typed record batches over bytes already in memory.
    public static func read(bytes: [UInt8], detection: Detection, batchSize: Int = 1000) throws(IngestError) -> RecordBatchReader
    {
        try RecordBatchReader(origin: .memory(bytes), detection: detection, batchSize: batchSize)
    }
}
