import CookieCharter
import Foundation
import Hummingbird
import Store
import Web

/// The home page (`/`), the health check (`/healthz`) and the portal's static files (`/static/…`).
///
/// It reads the catalog, never writes it; private datasets count for logged-in users only.
struct HomeController: Sendable {
    /// The catalog the home page sums up.
    let store: any DatasetCatalog
    /// Who is logged in, for private datasets.
    let users: SessionUsers
    let renderer: PageRenderer
    /// The interface's texts.
    let catalog: Catalog
    /// The site in force now (its declared services, for the map's tiles and their consent), which may change while
    /// the portal runs.
    let site: LiveSite
    let staticFiles: StaticFiles

    /// How many of the latest datasets the home page lists.
    static let latestOnHome = 6

    /// The home page's themes with their dataset counts and its latest datasets, from one read of the catalog.
    func homeCatalogValues(language: Language, includingPrivate: Bool) async throws -> [String: Any] {
        let datasets = try await visibleDatasets(in: store, includingPrivate: includingPrivate)
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

    /// Adds `/`, `/healthz` and `/static/{name}` to `router`.
    func addRoutes(to router: some RouterMethods<PortalRequestContext>) {
        router.get("/") { request, context in
            let language = context.visit.language
            let mapService = site.current.registry.service(id: "map_tiles")
            let mapAllowed = mapService.map { context.visit.consent.allows($0) } ?? false
            let includingPrivate = try await users.seesPrivateDatasets(context)
            // The page shows the catalog, which datasets this visitor may see, and the map preview or its placeholder.
            let key = "catalog \(try await store.catalogVersion()) private \(includingPrivate) map \(mapAllowed)"
            return try await renderer.cachedPage(
                "home", title: catalog.text("nav_home", in: language), key: key, request: request, context: context
            ) {
                var values: [String: Any] = [:]
                if let service = mapService {
                    values["map"] = [
                        "allowed": mapAllowed,
                        "markup": service.markup,
                        "service_id": service.id,
                        "placeholder": catalog.text("consent_placeholder", in: language, ["provider": service.provider]),
                    ]
                }
                values.merge(try await homeCatalogValues(language: language, includingPrivate: includingPrivate)) { _, new in
                    new
                }
                HomeIdentity.decorate(
                    &values, identity: renderer.site.current.identity,
                    datasets: try await visibleDatasets(in: store, includingPrivate: includingPrivate), language: language,
                    catalog: catalog)
                return values
            }
        }
        router.get("/healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/static/{name}") { request, context in
            try staticFiles.response(to: request, context: context)
        }
    }
}
