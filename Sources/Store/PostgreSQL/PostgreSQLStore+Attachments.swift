import Foundation
import PostgresNIO

extension PostgreSQLStore: AttachmentStore {
    @discardableResult
    public func addAttachment(_ attachment: Attachment, contents: URL) async throws -> Attachment {
        try await withTransaction { connection in
            let handle = try FileHandle(forReadingFrom: contents)
            defer { try? handle.close() }
            let inserted = try await run(
                """
                INSERT INTO dataset_attachments (dataset_id, id, title, file_name, mime_type, bytes, created_at)
                SELECT \(attachment.datasetID), \(attachment.id), \(attachment.title), \(attachment.fileName),
                    \(attachment.mimeType), 0, \(attachment.createdAt.timeIntervalSince1970)
                WHERE EXISTS (SELECT 1 FROM datasets WHERE id = \(attachment.datasetID))
                ON CONFLICT (dataset_id, id) DO NOTHING
                RETURNING 1
                """, on: connection)
            if inserted != 1 {
                let known = try await run("SELECT 1 FROM datasets WHERE id = \(attachment.datasetID)", on: connection)
                throw known == 1 ? StoreError.duplicate(attachment.id) : StoreError.notFound(attachment.datasetID)
            }
            var stored = attachment
            stored.bytes = 0
            var sequence = 0
            while let data = try handle.read(upToCount: Attachment.chunkBytes), !data.isEmpty {
                try await run(
                    """
                    INSERT INTO attachment_chunks (dataset_id, attachment_id, seq, data)
                    VALUES (\(attachment.datasetID), \(attachment.id), \(sequence), \(data))
                    """, on: connection)
                sequence += 1
                stored.bytes += data.count
            }
            try await run(
                """
                UPDATE dataset_attachments SET bytes = \(stored.bytes)
                WHERE dataset_id = \(attachment.datasetID) AND id = \(attachment.id)
                """, on: connection)
            return stored
        }
    }

    public func attachments(datasetID: String) async throws -> [Attachment] {
        try await attachmentRows(
            """
            SELECT dataset_id, id, title, file_name, mime_type, bytes, created_at FROM dataset_attachments
            WHERE dataset_id = \(datasetID) ORDER BY created_at, id
            """)
    }

    public func attachment(datasetID: String, id: String) async throws -> Attachment? {
        try await attachmentRows(
            """
            SELECT dataset_id, id, title, file_name, mime_type, bytes, created_at FROM dataset_attachments
            WHERE dataset_id = \(datasetID) AND id = \(id)
            """
        ).first
    }

    public func attachmentChunk(datasetID: String, id: String, sequence: Int) async throws -> Data? {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT data FROM attachment_chunks
                WHERE dataset_id = \(datasetID) AND attachment_id = \(id) AND seq = \(sequence)
                """, logger: logger)
            var chunk: Data?
            for try await data in rows.decode(Data.self) { chunk = data }
            return chunk
        }
    }

    @discardableResult public func deleteAttachment(datasetID: String, id: String) async throws -> Bool {
        // The chunks go with their attachment (ON DELETE CASCADE).
        try await run("DELETE FROM dataset_attachments WHERE dataset_id = \(datasetID) AND id = \(id) RETURNING 1") == 1
    }

    /// The attachments that `query` finds, its columns in the order of ``Attachment``'s.
    private func attachmentRows(_ query: PostgresQuery) async throws -> [Attachment] {
        try await read { connection in
            var attachments: [Attachment] = []
            let rows = try await connection.query(query, logger: logger)
            for try await (dataset, id, title, fileName, mimeType, bytes, created) in rows.decode(
                (String, String, String, String, String, Int64, Double).self)
            {
                attachments.append(
                    Attachment(
                        datasetID: dataset, id: id, title: title, fileName: fileName, mimeType: mimeType,
                        bytes: Int(clamping: bytes), createdAt: Date(timeIntervalSince1970: created)))
            }
            return attachments
        }
    }
}
