import Foundation
import Hummingbird
import Store
import Web

/// `/backoffice/sources` and `/backoffice/datasets/{id}/source`: the datasets' sources, set, edited and removed by
/// editors and admins, "refresh now", and the last runs with their outcome. Every form carries the CSRF token.
///
/// It touches the sources and their runs (and the audit log) only; a run publishes through ``SourceRunner``.
struct SourceController: Sendable {
    /// The sources, the catalog they belong to and the audit log.
    let store: any StoreEngine
    /// Runs a source on this node ("refresh now").
    let runner: SourceRunner
    /// Who is logged in.
    let users: SessionUsers
    let renderer: PageRenderer
    /// The interface's texts.
    let catalog: Catalog
    let clock: @Sendable () -> Date

    /// How many runs the page lists.
    static let listedRuns = 20

    /// Adds the sources' pages to `backOffice`, the group under `/backoffice`.
    func addRoutes(to backOffice: RouterGroup<PortalRequestContext>) {
        backOffice.get("sources") { request, context in
            try await users.withUser(request, context) { _ in try await listPage(request: request, context: context) }
        }
        backOffice.get("datasets/{id}/source") { request, context in
            try await users.withUser(request, context) { _ in
                let dataset = try await requireDataset(context)
                let notice = ["saved", "refreshing", "busy", "removed"].first { request.queryForm[$0] != nil }
                return try await sourcePage(dataset, notice: notice, request: request, context: context)
            }
        }
        backOffice.post("datasets/{id}/source") { request, context in
            try await users.withUser(request, context) { user in
                try await save(try await requireDataset(context), user: user, request: request, context: context)
            }
        }
        backOffice.post("datasets/{id}/source/refresh") { request, context in
            try await users.withUser(request, context) { user in
                let dataset = try await requireDataset(context)
                guard try await store.source(datasetID: dataset.id) != nil else { throw PageError.notFound }
                // The run goes on after the answer: the page shows it among the last runs once it ends.
                guard let source = try await runner.claim(datasetID: dataset.id, force: true) else {
                    return redirect(to: "/backoffice/datasets/\(dataset.id)/source?busy=1", status: .seeOther)
                }
                let runner = self.runner
                let actor = user.username
                Task { _ = try? await runner.runClaimed(source, trigger: .manual, actor: actor) }
                return redirect(to: "/backoffice/datasets/\(dataset.id)/source?refreshing=1", status: .seeOther)
            }
        }
        backOffice.post("datasets/{id}/source/delete") { request, context in
            try await users.withUser(request, context) { user in
                let dataset = try await requireDataset(context)
                if try await store.deleteSource(datasetID: dataset.id) {
                    try await store.appendAudit(
                        AuditEntry(at: clock(), actor: user.username, action: .sourceRemove, target: dataset.id))
                }
                return redirect(to: "/backoffice/datasets/\(dataset.id)/source?removed=1", status: .seeOther)
            }
        }
    }

    private func requireDataset(_ context: PortalRequestContext) async throws -> Dataset {
        guard let id = context.parameters.get("id"), let dataset = try await store.dataset(id: id) else {
            throw PageError.notFound
        }
        return dataset
    }

    /// Checks and stores the form's source; the form again with the reason when refused.
    private func save(_ dataset: Dataset, user: User, request: Request, context: PortalRequestContext) async throws
        -> Response
    {
        let form = context.visit.form
        let existing = try await store.source(datasetID: dataset.id)
        var url = String((form["url"] ?? "").prefix(2_000)).trimmingCharacters(in: .whitespaces)
        // The page shows a URL's credentials masked: sent back unchanged, the stored URL stays.
        if let existing, url == existing.redactedURL { url = existing.url }
        let schedule =
            form["schedule"] == "daily"
            ? "daily " + (form["daily_time"] ?? "") : (form["every_minutes"] ?? "") + "m"
        let fieldTypes = (form["field_types"] ?? "").split(whereSeparator: \.isNewline).map(String.init)
        let fieldSeparators = ListFieldForm.declarations(form["field_separators"])
        let source: DatasetSource
        do throws(SourceSettingError) {
            source = try SourceSettings.source(
                datasetID: dataset.id, url: url, schedule: schedule, delimiter: form["delimiter"],
                encoding: form["encoding"], sheet: form["sheet"], fieldTypes: fieldTypes,
                fieldSeparators: fieldSeparators, now: clock())
        } catch {
            let language = context.visit.language
            var message = catalog.text(error.messageKey, in: language)
            if case .fieldType(let reason) = error { message += " " + reason }
            return try await sourcePage(
                dataset, form: SourceFormView(form: form), error: message, status: .badRequest, request: request,
                context: context)
        }
        try await store.saveSource(source)
        try await store.appendAudit(
            AuditEntry(
                at: clock(), actor: user.username, action: .sourceSet, target: dataset.id,
                detail: source.redactedURL + " " + source.schedule.text))
        return redirect(to: "/backoffice/datasets/\(dataset.id)/source?saved=1", status: .seeOther)
    }

    private func sourcePage(
        _ dataset: Dataset, form: SourceFormView? = nil, notice: String? = nil, error: String? = nil,
        status: HTTPResponse.Status = .ok, request: Request, context: PortalRequestContext
    ) async throws -> Response {
        let language = context.visit.language
        let source = try await store.source(datasetID: dataset.id)
        let runs = try await store.sourceRuns(datasetID: dataset.id, limit: Self.listedRuns)
        let form = form ?? source.map(SourceFormView.init(source:)) ?? SourceFormView()
        var values: [String: Any] = [
            "dataset": BackOfficeViews.row(dataset, language: language),
            "form": form.values,
            "has_source": source != nil,
            "runs": runs.map { SourceViews.run($0, language: language, catalog: catalog) },
            "has_runs": !runs.isEmpty,
        ]
        if let source { values["source"] = SourceViews.summary(source, language: language, catalog: catalog) }
        if let notice { values["notice"] = catalog.text("bo_source_notice_\(notice)", in: language) }
        if let error { values["error"] = error }
        return renderer.page(
            "bo_source", title: catalog.text("bo_source_title", in: language) + " – " + dataset.id, values: values,
            status: status, request: request, context: context)
    }

    private func listPage(request: Request, context: PortalRequestContext) async throws -> Response {
        let language = context.visit.language
        let sources = try await store.sources()
        return renderer.page(
            "bo_sources", title: catalog.text("bo_sources_title", in: language),
            values: [
                "sources": sources.map { SourceViews.summary($0, language: language, catalog: catalog) },
                "has_sources": !sources.isEmpty,
            ],
            request: request, context: context)
    }
}
