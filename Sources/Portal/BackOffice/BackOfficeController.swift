import Foundation
import Hummingbird
import Ingest
import Store
import Vocabulary
import Web

/// The back office: datasets, uploads, import jobs, metadata, visibility and deletion.
///
/// Every page needs a logged-in editor or admin; anyone else is sent to `/login`. It writes the catalog (metadata,
/// visibility, deletion) and starts import jobs, which publish through ``ImportJobs``.
struct BackOfficeController: Sendable {
    /// The catalog the back office lists and edits.
    let store: any DatasetStore
    /// The import jobs of uploaded files.
    let jobs: ImportJobs
    /// Who is logged in.
    let users: SessionUsers
    let renderer: PageRenderer
    /// The interface's texts.
    let catalog: Catalog
    /// Checks the CSRF token of an upload once its form field has been read (see ``UploadReceiver``).
    let csrf: CSRFMiddleware
    /// Where uploads are streamed before they are imported.
    let uploadsDirectory: URL
    let maxUploadBytes: Int
    let clock: @Sendable () -> Date
    /// Where job ids come from.
    let random: RandomSource
    /// Records publications, edits, visibility changes and deletions in the audit log.
    let audit: AuditRecorder

    /// Adds the back office's pages to `router`, in a group under `/backoffice`, the API keys' included.
    func addRoutes(to router: some RouterMethods<PortalRequestContext>, apiKeys: APIKeyController) {
        let backOffice = router.group("/backoffice")
        backOffice.get { request, context in
            try await users.withUser(request, context) { user in
                let datasets = try await store.datasets()
                let language = context.visit.language
                return renderer.page(
                    "backoffice",
                    title: catalog.text("backoffice_title", in: language),
                    values: [
                        "datasets": datasets.map { BackOfficeViews.row($0, language: language) },
                        "has_datasets": !datasets.isEmpty,
                        "is_admin": user.role == .admin,
                    ],
                    request: request,
                    context: context
                )
            }
        }
        backOffice.get("upload") { request, context in
            try await users.withUser(request, context) { _ in
                let target = request.queryForm["dataset"]
                if let target, try await store.dataset(id: target) == nil { throw PageError.notFound }
                return uploadPage(request: request, context: context, dataset: target)
            }
        }
        backOffice.post("uploads") { request, context in
            try await users.withUser(request, context) { _ in try await receiveUpload(request: request, context: context) }
        }
        backOffice.get("jobs/{job}") { request, context in
            try await users.withUser(request, context) { _ in
                guard let job = try await jobs.job(id: context.parameters.get("job") ?? "") else { throw PageError.notFound }
                return jobPage(job, request: request, context: context)
            }
        }
        backOffice.post("jobs/{job}/publish") { request, context in
            try await users.withUser(request, context) { user in
                guard let id = context.parameters.get("job"), let job = try await jobs.job(id: id),
                    case .ready(let detection) = job.state
                else {
                    throw PageError.notFound
                }
                let form = context.visit.form
                let overrides = detection.fields.compactMap { field -> String? in
                    guard let chosen = form["type_\(field.name)"], chosen != field.type.rawValue else { return nil }
                    return "\(field.name)=\(chosen)"
                }
                let confirmed: Detection
                do throws(IngestError) {
                    confirmed = try detection.overriding(overrides)
                } catch {
                    throw PageError(.badRequest, messageKey: "bo_invalid_type", arguments: ["reason": error.message])
                }
                // False when another request, on any node, confirmed the job first: its page shows that import.
                _ = try await jobs.publish(id: id, detection: confirmed, by: user.username)
                return redirect(to: "/backoffice/jobs/\(id)", status: .seeOther)
            }
        }
        addDatasetEditingRoutes(to: backOffice)
        apiKeys.addRoutes(to: backOffice)
    }

    func uploadPage(
        request: Request, context: PortalRequestContext, dataset: String?, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let language = context.visit.language
        var values: [String: Any] = ["max_mb": maxUploadBytes / 1_048_576]
        if let dataset { values["replace"] = ["id": dataset] }
        if let error { values["error"] = error }
        return renderer.page(
            "bo_upload", title: catalog.text("bo_upload_title", in: language), values: values, status: status, request: request,
            context: context
        )
    }

    private func receiveUpload(request: Request, context: PortalRequestContext) async throws -> Response {
        let language = context.visit.language
        let jobID = random.string(length: 24, alphabet: TokenAlphabet.session)
        let directory = uploadsDirectory.appendingPathComponent(jobID)
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let receiver = UploadReceiver(directory: directory, maxBytes: maxUploadBytes)
        let upload: UploadReceiver.Upload
        do {
            upload = try await receiver.receive(request) { token in
                csrf.verifyDeferredToken(token, request: request, context: context)
            }
        } catch {
            try? FileManager.default.removeItem(at: directory)
            switch error {
            case .tokenRejected(let response): return response
            case .tooLarge:
                let message = catalog.text("bo_too_large", in: language, ["max": String(maxUploadBytes / 1_048_576)])
                return uploadPage(request: request, context: context, dataset: nil, error: message, status: .contentTooLarge)
            case .malformed, .noFile:
                return uploadPage(
                    request: request, context: context, dataset: nil, error: catalog.text("bo_no_file", in: language),
                    status: .badRequest
                )
            case .writeFailed:
                // A full disk or a write error: the partial file went with the directory; nothing was published.
                return uploadPage(
                    request: request, context: context, dataset: nil, error: catalog.text("bo_upload_write_failed", in: language),
                    status: .init(code: 507, reasonPhrase: "Insufficient Storage")
                )
            }
        }
        let datasetID = (upload.fields["dataset"] ?? "").trimmingCharacters(in: .whitespaces)
        let replacing = upload.fields["mode"] == "replace"
        let failure: String? =
            if !DatasetMetadata.isValidID(datasetID) {
                catalog.text("bo_invalid_id", in: language)
            } else if !replacing, try await store.dataset(id: datasetID) != nil {
                catalog.text("bo_id_taken", in: language, ["id": datasetID])
            } else if replacing, try await store.dataset(id: datasetID) == nil {
                catalog.text("error_not_found", in: language)
            } else {
                nil
            }
        guard let file = upload.file, failure == nil else {
            try? FileManager.default.removeItem(at: directory)
            return uploadPage(
                request: request, context: context, dataset: replacing ? datasetID : nil, error: failure, status: .badRequest
            )
        }
        let title = upload.fields["title"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            try await jobs.start(
                id: jobID,
                request: ImportRequest(
                    file: file, datasetID: datasetID, title: title,
                    fieldSeparators: ListFieldForm.declarations(upload.fields["field_separators"])),
                fileName: upload.fileName ?? "",
                isNew: !replacing
            )
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        return redirect(to: "/backoffice/jobs/\(jobID)", status: .seeOther)
    }

    private func jobPage(_ job: ImportJobs.Job, request: Request, context: PortalRequestContext) -> Response {
        let language = context.visit.language
        let values = ImportJobView.values(job, language: language, catalog: catalog)
        return renderer.page(
            "bo_job", title: catalog.text("bo_job_title", in: language), values: values, request: request, context: context
        )
    }
}
