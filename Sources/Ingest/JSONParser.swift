import Vocabulary

/// Ingest's door to Vocabulary's JSON reader: the same parse, with errors as ``IngestError/invalidJSON(offset:reason:)``
/// at their offset in the whole file.
enum JSONParser {
    /// Parses one JSON value filling all of `bytes`; `baseOffset` is where they start in the file.
    static func parse(_ bytes: Bytes, baseOffset: Int = 0, maxDepth: Int = 200) throws(IngestError) -> JSONValue {
        do {
            return try JSONValue.parse(bytes, maxDepth: maxDepth)
        } catch {
            throw .invalidJSON(offset: baseOffset + error.offset, reason: error.reason)
        }
    }

    /// Parses one JSON value filling all of `bytes`.
    static func parse(_ bytes: [UInt8], baseOffset: Int = 0) throws(IngestError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(IngestError) -> JSONValue in
            try parse(buffer, baseOffset: baseOffset)
        }
    }
}
