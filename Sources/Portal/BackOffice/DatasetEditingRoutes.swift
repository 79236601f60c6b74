import Foundation
import Hummingbird
import Ingest
import Store
import Vocabulary
import Web

/// `/backoffice/datasets/{id}`: the metadata form, publish/unpublish and delete with confirmation.
extension BackOfficeController {
    /// Adds `datasets/{id}` and its visibility and deletion to `backOffice`, the group under `/backoffice`.
    func addDatasetEditingRoutes(to backOffice: RouterGroup<PortalRequestContext>) {
        backOffice.get("datasets/{id}") { request, context in
            try await users.withUser(request, context) { _ in
                let dataset = try await requireDataset(context)
                return editPage(dataset, request: request, context: context, saved: request.queryForm["saved"] != nil)
            }
        }
        backOffice.post("datasets/{id}") { request, context in
            try await users.withUser(request, context) { user in
                let dataset = try await requireDataset(context)
                let form = context.visit.form
                var metadata = dataset.metadata
                metadata.titleFR = String((form["title_fr"] ?? "").prefix(300))
                metadata.titleEN = String((form["title_en"] ?? "").prefix(300))
                metadata.descriptionFR = String((form["description_fr"] ?? "").prefix(20_000))
                metadata.descriptionEN = String((form["description_en"] ?? "").prefix(20_000))
                metadata.keywords = Self.list(form["keywords"])
                metadata.themes = Self.list(form["themes"])
                metadata.publisher = String((form["publisher"] ?? "").prefix(300))
                metadata.licence = Licence(rawValue: form["licence"] ?? "") ?? metadata.licence
                metadata.licenceURL = String((form["licence_url"] ?? "").prefix(500))
                metadata.visibility = Visibility(rawValue: form["visibility"] ?? "") ?? metadata.visibility
                if metadata.licence == .other
                    && !(metadata.licenceURL.hasPrefix("https://") || metadata.licenceURL.hasPrefix("http://"))
                {
                    return editPage(
                        dataset, request: request, context: context,
                        error: catalog.text("bo_licence_url_needed", in: context.visit.language), status: .badRequest
                    )
                }
                let fields = dataset.fields.map { field in
                    var field = field
                    field.description = String((form["description_\(field.name)"] ?? field.description).prefix(2_000))
                    field.facet = form["facet_\(field.name)"] == "on"
                    field.sortable = form["sortable_\(field.name)"] == "on"
                    return field
                }
                try await store.updateDataset(metadata, fields: fields, now: clock())
                await audit.record(.metadata, by: user.username, target: dataset.id)
                if metadata.visibility != dataset.metadata.visibility {
                    await audit.record(.visibility, by: user.username, target: dataset.id, detail: metadata.visibility.rawValue)
                }
                return redirect(to: "/backoffice/datasets/\(dataset.id)?saved=1", status: .seeOther)
            }
        }
        backOffice.post("datasets/{id}/visibility") { request, context in
            try await users.withUser(request, context) { user in
                var metadata = try await requireDataset(context).metadata
                guard let visibility = Visibility(rawValue: context.visit.form["visibility"] ?? "") else {
                    throw PageError(.badRequest, messageKey: "error_bad_request")
                }
                let changed = metadata.visibility != visibility
                metadata.visibility = visibility
                try await store.updateDataset(metadata, fields: nil, now: clock())
                if changed {
                    await audit.record(.visibility, by: user.username, target: metadata.id, detail: visibility.rawValue)
                }
                return redirect(to: "/backoffice/", status: .seeOther)
            }
        }
        backOffice.get("datasets/{id}/delete") { request, context in
            try await users.withUser(request, context) { _ in
                let dataset = try await requireDataset(context)
                let language = context.visit.language
                return renderer.page(
                    "bo_delete", title: catalog.text("bo_delete_title", in: language),
                    values: ["dataset": BackOfficeViews.row(dataset, language: language)], request: request, context: context
                )
            }
        }
        backOffice.post("datasets/{id}/delete") { request, context in
            try await users.withUser(request, context) { user in
                let dataset = try await requireDataset(context)
                guard context.visit.form["confirm"] == dataset.id else {
                    throw PageError(.badRequest, messageKey: "bo_delete_confirm_mismatch")
                }
                try await store.deleteDataset(id: dataset.id)
                await audit.record(.delete, by: user.username, target: dataset.id)
                return redirect(to: "/backoffice/", status: .seeOther)
            }
        }
    }

    private func requireDataset(_ context: PortalRequestContext) async throws -> Dataset {
        guard let id = context.parameters.get("id"), let dataset = try await store.dataset(id: id) else {
            throw PageError.notFound
        }
        return dataset
    }

    private func editPage(
        _ dataset: Dataset, request: Request, context: PortalRequestContext, saved: Bool = false, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let language = context.visit.language
        let metadata = dataset.metadata
        var values: [String: Any] = [
            "dataset": BackOfficeViews.row(dataset, language: language),
            "m": [
                "id": metadata.id, "title_fr": metadata.titleFR, "title_en": metadata.titleEN,
                "description_fr": metadata.descriptionFR, "description_en": metadata.descriptionEN,
                "keywords": metadata.keywords.joined(separator: ", "), "themes": metadata.themes.joined(separator: ", "),
                "publisher": metadata.publisher, "licence_url": metadata.licenceURL,
                "public": metadata.visibility == .public,
            ],
            "licences": Licence.allCases.map { ["value": $0.rawValue, "title": $0.title, "selected": $0 == metadata.licence] },
            "fields": dataset.fields.map {
                [
                    "name": $0.name, "label": $0.label, "type": $0.type.rawValue, "description": $0.description,
                    "facet": $0.facet,
                    "sortable": $0.sortable,
                ] as [String: Any]
            },
            "saved": saved,
        ]
        if let error { values["error"] = error }
        return renderer.page(
            "bo_dataset", title: BackOfficeViews.title(metadata, language: language), values: values, status: status,
            request: request, context: context
        )
    }

    /// A comma-separated list, trimmed, without empty or duplicate items.
    static func list(_ text: String?) -> [String] {
        var seen = Set<String>()
        return (text ?? "").split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces).prefix(100)) }
            .filter { !$0.isEmpty && seen.insert($0).inserted }.prefix(50).map { $0 }
    }
}
