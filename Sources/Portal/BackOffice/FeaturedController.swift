import Foundation
import Hummingbird
import Store
import Web

/// `/backoffice/featured`: the datasets the home page features, chosen by the editors (and admins) from the
/// catalog, each with its place in the order. Stored as the `featured_datasets` site setting (the one that
/// `garona settings set featured_datasets id1,id2` provisions), through ``SiteSettingsEditor``: checked, audited
/// (action `settings`, the ids in order) and shown on the next page of every node.
struct FeaturedController: Sendable {
    let store: any StoreEngine
    let users: SessionUsers
    let renderer: PageRenderer
    let catalog: Catalog
    /// Rebuilds the site state here and tells the other nodes.
    let changed: @Sendable () async throws -> Void
    let clock: @Sendable () -> Date

    /// The highest place an editor may give (a larger number is taken as this one).
    static let maximumPosition = 1000

    func addRoutes(to backOffice: RouterGroup<PortalRequestContext>) {
        backOffice.get("featured") { request, context in
            try await users.withUser(request, context) { _ in
                try await page(saved: request.uri.queryParameters.get("saved") != nil, request: request, context: context)
            }
        }
        backOffice.post("featured") { request, context in
            try await users.withUser(request, context) { user in
                let form = context.visit.form
                let datasets = try await store.datasets().map(\.id)
                let chosen = Self.ordered(
                    chosen: datasets.filter { form["featured-" + $0] != nil }, known: datasets,
                    position: { form["position-" + $0] })
                let editor = SiteSettingsEditor(store: store, changed: changed)
                let value = chosen.isEmpty ? nil : chosen.joined(separator: ",")
                if try await store.setting(SiteSettingKey.featuredDatasets.rawValue) != value {
                    try await editor.set(.featuredDatasets, value, actor: user.username, now: clock())
                }
                return redirect(to: "/backoffice/featured?saved=1", status: .seeOther)
            }
        }
    }

    /// The ids ticked (each box is named `featured-<id>`), known datasets only, each once, sorted by the place entered
    /// beside it (a missing or unreadable place after the others), ties kept in the order of `chosen`.
    static func ordered(chosen: [String], known: [String], position: (String) -> String?) -> [String] {
        let knownIDs = Set(known)
        var seen: Set<String> = []
        let ids = chosen.filter { knownIDs.contains($0) && seen.insert($0).inserted }
        let places = ids.map { id -> Int in
            let entered = position(id).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            return entered.map { min(max($0, 1), maximumPosition) } ?? maximumPosition + 1
        }
        return zip(ids, places).enumerated().sorted { left, right in
            (left.element.1, left.offset) < (right.element.1, right.offset)
        }.map(\.element.0)
    }

    /// Every dataset, the featured ones first in their order, each with its box and its place.
    private func page(saved: Bool, request: Request, context: PortalRequestContext) async throws -> Response {
        let language = context.visit.language
        let featured = (try await store.setting(SiteSettingKey.featuredDatasets.rawValue) ?? "")
            .split(separator: ",").map(String.init)
        let place = Dictionary(featured.enumerated().map { ($0.element, $0.offset + 1) }, uniquingKeysWith: min)
        let datasets = try await store.datasets().sorted { left, right in
            (place[left.id] ?? Int.max, left.id) < (place[right.id] ?? Int.max, right.id)
        }
        let rows = datasets.map { dataset -> [String: Any] in
            var row = BackOfficeViews.row(dataset, language: language)
            row["featured"] = place[dataset.id] != nil
            row["position"] = place[dataset.id].map(String.init) ?? ""
            return row
        }
        return renderer.page(
            "bo_featured", title: catalog.text("featured_title", in: language),
            values: [
                "datasets": rows, "has_datasets": !rows.isEmpty, "saved": saved, "maximum": Self.maximumPosition,
            ], request: request, context: context)
    }
}
