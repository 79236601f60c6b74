import Foundation
import Hummingbird
import Store
import Web

/// `/backoffice/datasets/{id}/attachments`: the files attached to a dataset (documentation, a data dictionary, a
/// PDF), with a title; uploaded with the same size limit as imports (``UploadReceiver``, CSRF token before the file)
/// and an allow-list of types (``AttachmentFiles``), stored in the database so that every node serves them.
///
/// It touches the attachments (and the audit log) only, for a logged-in editor or admin.
struct AttachmentController: Sendable {
    /// The attachments, the catalog they belong to and the audit log.
    let store: any StoreEngine
    /// Who is logged in.
    let users: SessionUsers
    let renderer: PageRenderer
    /// The interface's texts.
    let catalog: Catalog
    /// Checks the CSRF token of an upload once its form field has been read.
    let csrf: CSRFMiddleware
    /// Where an upload is streamed before it is copied to the database.
    let uploadsDirectory: URL
    let maxUploadBytes: Int
    let clock: @Sendable () -> Date
    /// Where upload folders' names come from.
    let random: RandomSource

    /// The upload's path: fixed, so that the CSRF middleware leaves its multipart body to ``UploadReceiver``.
    static let uploadPath = "/backoffice/attachments"

    /// Adds the attachments' pages to `backOffice`, the group under `/backoffice`.
    func addRoutes(to backOffice: RouterGroup<PortalRequestContext>) {
        backOffice.get("datasets/{id}/attachments") { request, context in
            try await users.withUser(request, context) { _ in
                let dataset = try await requireDataset(context.parameters.get("id"))
                let notice = ["added", "deleted"].first { request.queryForm[$0] != nil }
                return try await attachmentsPage(dataset, notice: notice, request: request, context: context)
            }
        }
        backOffice.post("attachments") { request, context in
            try await users.withUser(request, context) { user in try await receive(request, context: context, user: user) }
        }
        backOffice.post("datasets/{id}/attachments/{attachment}/delete") { request, context in
            try await users.withUser(request, context) { user in
                let dataset = try await requireDataset(context.parameters.get("id"))
                let id = context.parameters.get("attachment") ?? ""
                guard try await store.deleteAttachment(datasetID: dataset.id, id: id) else { throw PageError.notFound }
                try await touch(dataset)
                try await store.appendAudit(
                    AuditEntry(at: clock(), actor: user.username, action: .attachmentDelete, target: dataset.id, detail: id))
                return redirect(to: "/backoffice/datasets/\(dataset.id)/attachments?deleted=1", status: .seeOther)
            }
        }
    }

    /// Marks `dataset` modified: its attachments are part of its metadata, and the pages that list them (the
    /// information tab, cached per dataset modification) are rendered again, on every node.
    private func touch(_ dataset: Dataset) async throws {
        guard let current = try await store.dataset(id: dataset.id) else { return }
        try await store.updateDataset(current.metadata, fields: nil, now: clock())
    }

    private func requireDataset(_ id: String?) async throws -> Dataset {
        guard let id, let dataset = try await store.dataset(id: id) else { throw PageError.notFound }
        return dataset
    }

    /// Streams the upload to disk, checks it, copies it to the store and removes the file.
    private func receive(_ request: Request, context: PortalRequestContext, user: User) async throws -> Response {
        let language = context.visit.language
        let directory = uploadsDirectory.appendingPathComponent(
            "attachment-" + random.string(length: 24, alphabet: TokenAlphabet.session))
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        let upload: UploadReceiver.Upload
        do {
            upload = try await UploadReceiver(directory: directory, maxBytes: maxUploadBytes).receive(request) { token in
                csrf.verifyDeferredToken(token, request: request, context: context)
            }
        } catch {
            switch error {
            case .tokenRejected(let response): return response
            case .tooLarge:
                throw PageError(.contentTooLarge, messageKey: "bo_too_large", arguments: ["max": String(maxUploadBytes >> 20)])
            case .malformed, .noFile: throw PageError(.badRequest, messageKey: "bo_no_file")
            case .writeFailed:
                throw PageError(.init(code: 507, reasonPhrase: "Insufficient Storage"), messageKey: "bo_upload_write_failed")
            }
        }
        let dataset = try await requireDataset(upload.fields["dataset"])
        let fileName = upload.fileName ?? ""
        let title = String((upload.fields["title"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(300))
        guard let file = upload.file, upload.bytes > 0 else {
            return try await attachmentsPage(
                dataset, error: catalog.text("bo_no_file", in: language), status: .badRequest, request: request,
                context: context)
        }
        guard let mediaType = AttachmentFiles.mediaType(of: fileName) else {
            return try await attachmentsPage(
                dataset,
                error: catalog.text(
                    "bo_attachments_bad_type", in: language,
                    ["types": AttachmentFiles.extensions.joined(separator: ", ")]),
                status: .unsupportedMediaType, request: request, context: context)
        }
        let taken = Set(try await store.attachments(datasetID: dataset.id).map(\.id))
        let base = Attachment.id(forFileName: fileName)
        let id = ([base] + (2...999).map { "\(base)_\($0)" }).first { !taken.contains($0) } ?? base
        let attachment = Attachment(
            datasetID: dataset.id, id: id, title: title.isEmpty ? fileName : title, fileName: fileName,
            mimeType: mediaType, createdAt: clock())
        do {
            try await store.addAttachment(attachment, contents: file)
        } catch StoreError.duplicate {
            // Another upload took the id meanwhile.
            throw PageError(.conflict, messageKey: "bo_attachments_conflict")
        }
        try await touch(dataset)
        try await store.appendAudit(
            AuditEntry(at: clock(), actor: user.username, action: .attachmentAdd, target: dataset.id, detail: id))
        return redirect(to: "/backoffice/datasets/\(dataset.id)/attachments?added=1", status: .seeOther)
    }

    private func attachmentsPage(
        _ dataset: Dataset, notice: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok,
        request: Request, context: PortalRequestContext
    ) async throws -> Response {
        let language = context.visit.language
        let attachments = try await store.attachments(datasetID: dataset.id)
        var values: [String: Any] = [
            "dataset": BackOfficeViews.row(dataset, language: language),
            "attachments": attachments.map { attachment -> [String: Any] in
                [
                    "id": attachment.id, "title": attachment.title, "file_name": attachment.fileName,
                    "type": attachment.mimeType, "size": NumberFormat.integer(attachment.bytes, language: language),
                    "href": ExploreAPIController.attachmentURL(attachment, base: ExploreAPIController.base),
                    "delete_action": "/backoffice/datasets/\(dataset.id)/attachments/\(attachment.id)/delete",
                ]
            },
            "has_attachments": !attachments.isEmpty,
            "max_mb": maxUploadBytes >> 20,
            "types": AttachmentFiles.extensions.joined(separator: ", "),
            "accept": AttachmentFiles.extensions.map { "." + $0 }.joined(separator: ","),
        ]
        if let notice { values["notice"] = catalog.text("bo_attachments_notice_\(notice)", in: language) }
        if let error { values["error"] = error }
        return renderer.page(
            "bo_attachments", title: catalog.text("bo_attachments_title", in: language) + " – " + dataset.id,
            values: values, status: status, request: request, context: context)
    }
}
