import Foundation
import Store

/// The attachments listed on a dataset's information tab: title, file name, size and the API's download URL.
///
/// The tab is cached per catalog version and dataset modification (``DatasetPageController``): adding or removing an
/// attachment marks the dataset modified (``AttachmentController``), so the list is never stale.
enum DatasetPageAttachments {
    /// The template values of `dataset`'s attachments, read from `store` when it keeps attachments (every engine
    /// does; a store that does not lists none).
    static func values(_ dataset: Dataset, store: Any) async throws -> [String: Any] {
        guard let attachments = store as? any AttachmentStore else { return ["has_attachments": false] }
        let list = try await attachments.attachments(datasetID: dataset.id)
        return [
            "has_attachments": !list.isEmpty,
            "attachments": list.map { attachment -> [String: Any] in
                [
                    "title": attachment.title, "file_name": attachment.fileName, "type": attachment.mimeType,
                    "kilobytes": String(max(1, (attachment.bytes + 1_023) / 1_024)),
                    "href": ExploreAPIController.attachmentURL(attachment, base: ExploreAPIController.base),
                ]
            },
        ]
    }
}
