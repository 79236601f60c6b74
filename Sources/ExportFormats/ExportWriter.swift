import ODSQL

/// A streaming file writer: the caller sends ``begin()``'s bytes, then each batch's from ``write(_:)``,
/// then calls ``nextTrailingChunk()`` until it returns nil. Memory stays bounded whatever the row count;
/// each writer documents what it keeps per row, if anything.
public protocol StreamingExportWriter: AnyObject {
    /// The first bytes of the file (may be empty when the header needs counts known only at the end).
    func begin() throws -> [UInt8]
    /// The bytes for a batch of rows, in the compiled query's SQL column layout (may be empty).
    func write(_ rows: [[SQLValue]]) throws -> [UInt8]
    /// The rest of the file, a bounded chunk at a time; nil once everything was returned.
    func nextTrailingChunk() throws -> [UInt8]?
}

/// Why an export cannot be written: a 400 for the caller when it comes from the request's parameters.
public struct ExportFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, in words for the API's answer.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
