import Foundation

/// A file attached to a dataset: its documentation, a data dictionary, a PDF report.
///
/// The bytes are kept in the database, in chunks of at most ``chunkBytes``, so that every node of an instance serves
/// them. The id is a slug made from the file name (`dictionnaire_pdf`), unique within the dataset, as Opendatasoft
/// names attachments.
public struct Attachment: Sendable, Equatable {
    public var datasetID: String
    /// `[a-z0-9_]`, 1 to 100 characters.
    public var id: String
    public var title: String
    /// The file's name as uploaded, made harmless: the download's name.
    public var fileName: String
    public var mimeType: String
    public var bytes: Int
    public var createdAt: Date

    public init(
        datasetID: String, id: String, title: String, fileName: String, mimeType: String, bytes: Int = 0,
        createdAt: Date
    ) {
        self.datasetID = datasetID
        self.id = id
        self.title = title
        self.fileName = fileName
        self.mimeType = mimeType
        self.bytes = bytes
        self.createdAt = createdAt
    }

    /// The size of the stored chunks.
    public static let chunkBytes = 1 << 20

    /// Whether `id` is a valid attachment id.
    public static func isValidID(_ id: String) -> Bool {
        (1...100).contains(id.count) && id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
    }

    /// The id Opendatasoft would give a file named `fileName`: lowercase, every other character an underscore.
    public static func id(forFileName fileName: String) -> String {
        let slug = String(
            fileName.lowercased().unicodeScalars.map { scalar -> Character in
                scalar.isASCII && CharacterSet.alphanumerics.contains(scalar) ? Character(scalar) : "_"
            }
        ).prefix(90)
        return slug.isEmpty ? "attachment" : String(slug)
    }
}

/// The files attached to datasets, shared by every node. Conformers: ``SQLiteStore``, ``PostgreSQLStore``.
///
/// An attachment is stored whole or not at all: ``addAttachment(_:contents:)`` copies the file in one transaction.
/// Attachments go with their dataset.
public protocol AttachmentStore: Sendable {
    /// Stores `attachment` with the bytes of the file at `contents`, in chunks; returns it with its size. Throws
    /// ``StoreError/duplicate(_:)`` when the dataset already has an attachment with that id,
    /// ``StoreError/notFound(_:)`` for an unknown dataset.
    @discardableResult func addAttachment(_ attachment: Attachment, contents: URL) async throws -> Attachment
    /// The attachments of `datasetID`, in the order they were added.
    func attachments(datasetID: String) async throws -> [Attachment]
    /// The attachment `id` of `datasetID`, or nil.
    func attachment(datasetID: String, id: String) async throws -> Attachment?
    /// Chunk `sequence` (from 0) of an attachment's bytes; nil past the last one.
    func attachmentChunk(datasetID: String, id: String, sequence: Int) async throws -> Data?
    /// Removes an attachment and its bytes; says whether there was one.
    @discardableResult func deleteAttachment(datasetID: String, id: String) async throws -> Bool
}
