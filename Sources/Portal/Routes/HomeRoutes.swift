import CookieCharter
import Foundation
import Hummingbird
import Store
import Web

/// `/`, `/healthz` and `/static/…`.
extension PortalServices {
    static let latestOnHome = 6

    /// The home page's themes with their dataset counts and its latest datasets, from one read of the catalog.
    func homeCatalogValues(_ context: PortalRequestContext) async throws -> [String: Any] {
        let language = context.visit.language
        let datasets = try await visibleDatasets(context)
        var themes: [String: Int] = [:]
        for dataset in datasets {
            for theme in Set(dataset.metadata.themes) where !theme.isEmpty { themes[theme, default: 0] += 1 }
        }
        let latest = datasets.sorted { $0.modified != $1.modified ? $0.modified > $1.modified : $0.id < $1.id }
            .prefix(Self.latestOnHome)
        let sortedThemes = themes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let themeValues: [[String: String]] = sortedThemes.map { theme, count in
            [
                "name": theme, "href": "/explore/?refine.theme=" + CatalogView.encode(theme),
                "count": CatalogFormat.count(count, language: language, catalog: catalog),
            ]
        }
        let latestValues: [[String: Any]] = latest.map { dataset in
            let entry = CatalogEntry(dataset, language: language)
            return CatalogFormat.summary(entry, language: language, catalog: catalog)
        }
        return [
            "themes": themeValues,
            "latest": latestValues,
            "show_themes": !themeValues.isEmpty,
            "show_latest": !latestValues.isEmpty,
            "catalog_count": CatalogFormat.count(datasets.count, language: language, catalog: catalog),
        ]
    }

    func addHomeRoutes(to router: Router<PortalRequestContext>) {
        router.get("/") { request, context in
            let language = context.visit.language
            var values: [String: Any] = [:]
            if let service = registry.service(id: "map_tiles") {
                values["map"] = [
                    "allowed": context.visit.consent.allows(service),
                    "markup": service.markup,
                    "service_id": service.id,
                    "placeholder": catalog.text("consent_placeholder", in: language, ["provider": service.provider]),
                ]
            }
            values.merge(try await homeCatalogValues(context)) { _, new in new }
            return renderer.page(
                "home", title: catalog.text("nav_home", in: language), values: values, request: request, context: context)
        }
        router.get("/healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/static/{name}") { request, context in
            try Self.staticAsset(staticFiles, request: request, context: context)
        }
    }
}
