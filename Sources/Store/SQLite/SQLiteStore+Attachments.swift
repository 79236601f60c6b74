import Foundation
import GRDB

extension SQLiteStore: AttachmentStore {
    @discardableResult
    public func addAttachment(_ attachment: Attachment, contents: URL) async throws -> Attachment {
        try await pool.write { db in
            let handle = try FileHandle(forReadingFrom: contents)
            defer { try? handle.close() }
            guard
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM datasets WHERE id = ?)", arguments: [attachment.datasetID]) == true
            else { throw StoreError.notFound(attachment.datasetID) }
            guard
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM dataset_attachments WHERE dataset_id = ? AND id = ?)",
                    arguments: [attachment.datasetID, attachment.id]) != true
            else { throw StoreError.duplicate(attachment.id) }
            try db.execute(
                sql: """
                    INSERT INTO dataset_attachments (dataset_id, id, title, file_name, mime_type, bytes, created_at)
                    VALUES (?, ?, ?, ?, ?, 0, ?)
                    """,
                arguments: [
                    attachment.datasetID, attachment.id, attachment.title, attachment.fileName, attachment.mimeType,
                    attachment.createdAt.timeIntervalSince1970,
                ])
            var stored = attachment
            stored.bytes = 0
            var sequence = 0
            while let data = try handle.read(upToCount: Attachment.chunkBytes), !data.isEmpty {
                try db.execute(
                    sql: "INSERT INTO attachment_chunks (dataset_id, attachment_id, seq, data) VALUES (?, ?, ?, ?)",
                    arguments: [attachment.datasetID, attachment.id, sequence, data])
                sequence += 1
                stored.bytes += data.count
            }
            try db.execute(
                sql: "UPDATE dataset_attachments SET bytes = ? WHERE dataset_id = ? AND id = ?",
                arguments: [stored.bytes, attachment.datasetID, attachment.id])
            return stored
        }
    }

    public func attachments(datasetID: String) async throws -> [Attachment] {
        try await pool.read { db in
            try AttachmentRow.fetchAll(
                db, sql: "SELECT * FROM dataset_attachments WHERE dataset_id = ? ORDER BY created_at, id",
                arguments: [datasetID]
            ).map(\.attachment)
        }
    }

    public func attachment(datasetID: String, id: String) async throws -> Attachment? {
        try await pool.read { db in
            try AttachmentRow.fetchOne(
                db, sql: "SELECT * FROM dataset_attachments WHERE dataset_id = ? AND id = ?", arguments: [datasetID, id]
            )?.attachment
        }
    }

    public func attachmentChunk(datasetID: String, id: String, sequence: Int) async throws -> Data? {
        try await pool.read { db in
            try Data.fetchOne(
                db, sql: "SELECT data FROM attachment_chunks WHERE dataset_id = ? AND attachment_id = ? AND seq = ?",
                arguments: [datasetID, id, sequence])
        }
    }

    @discardableResult public func deleteAttachment(datasetID: String, id: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM attachment_chunks WHERE dataset_id = ? AND attachment_id = ?", arguments: [datasetID, id])
            try db.execute(
                sql: "DELETE FROM dataset_attachments WHERE dataset_id = ? AND id = ?", arguments: [datasetID, id])
            return db.changesCount == 1
        }
    }
}

/// A row of `dataset_attachments`.
private struct AttachmentRow: Decodable, FetchableRecord {
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    var datasetId: String
    var id: String
    var title: String
    var fileName: String
    var mimeType: String
    var bytes: Int
    var createdAt: Double

    var attachment: Attachment {
        Attachment(
            datasetID: datasetId, id: id, title: title, fileName: fileName, mimeType: mimeType, bytes: bytes,
            createdAt: Date(timeIntervalSince1970: createdAt))
    }
}
