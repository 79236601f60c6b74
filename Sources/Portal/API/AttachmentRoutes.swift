import Foundation
import Hummingbird
import NIOCore
import Store
import Web

/// A dataset's attachments in the data API: the list in Opendatasoft's shape, and each file.
///
/// `GET catalog/datasets/{id}/attachments` answers `{"links":[],"attachments":[{"href", "metas":{"mime-type", "title",
/// "url", "id"}}]}`; the `href` is the file's download URL, which sends the stored bytes with their type, as an
/// attachment (`Content-Disposition`) that browsers must not sniff (`X-Content-Type-Options: nosniff`). Both need
/// the dataset to be visible to the caller, as every dataset route of the API.
extension ExploreAPIController {
    /// Adds the attachments' list and download to `api`, the API's group.
    func addAttachmentRoutes(to api: RouterGroup<PortalRequestContext>) {
        api.get("catalog/datasets/{id}/attachments") { _, context in
            let dataset = try await visibleDataset(context)
            let attachments = try await self.attachments.attachments(datasetID: dataset.id)
            let base = requestOrigin(context) + Self.base
            var writer = JSONWriter()
            writer.raw("{\"links\":[],\"attachments\":[")
            for (index, attachment) in attachments.enumerated() {
                if index > 0 { writer.raw(",") }
                writer.raw("{\"href\":")
                writer.string(Self.attachmentURL(attachment, base: base))
                writer.raw(",\"metas\":{\"mime-type\":")
                writer.string(attachment.mimeType)
                writer.raw(",\"title\":")
                writer.string(attachment.title)
                writer.raw(",\"url\":")
                writer.string("odsfile://" + attachment.fileName)
                writer.raw(",\"id\":")
                writer.string(attachment.id)
                writer.raw("}}")
            }
            writer.raw("]}")
            return jsonResponse(writer)
        }
        api.get("catalog/datasets/{id}/attachments/{attachment}") { _, context in
            let dataset = try await visibleDataset(context)
            let id = context.parameters.get("attachment") ?? ""
            guard let attachment = try await self.attachments.attachment(datasetID: dataset.id, id: id) else {
                throw APIError(status: .notFound, code: "NotFound", message: "Unknown attachment: \(id)")
            }
            return Self.download(attachment, from: self.attachments)
        }
    }

    /// The download URL of `attachment`, under the API's `base` (`https://host/api/explore/v2.1`).
    static func attachmentURL(_ attachment: Attachment, base: String) -> String {
        "\(base)/catalog/datasets/\(attachment.datasetID)/attachments/\(attachment.id)"
    }

    /// The stored bytes of `attachment`, sent chunk by chunk as they are read.
    static func download(_ attachment: Attachment, from store: any AttachmentStore) -> Response {
        let body = ResponseBody { writer in
            var sequence = 0
            while let chunk = try await store.attachmentChunk(
                datasetID: attachment.datasetID, id: attachment.id, sequence: sequence)
            {
                try await writer.write(ByteBuffer(bytes: chunk))
                sequence += 1
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: attachment.mimeType,
                .contentLength: String(attachment.bytes),
                .contentDisposition: AttachmentFiles.disposition(fileName: attachment.fileName),
                .init("X-Content-Type-Options")!: "nosniff",
                .cacheControl: "no-cache",
            ],
            body: body)
    }
}
