import CookieCharter
import Foundation
import Hummingbird
import Store
import Web

/// `/explore/`: the catalog, with full-text search, facets, sorting and paging, its whole state in the URL.
extension PortalServices {
    func addCatalogPageRoutes(to router: Router<PortalRequestContext>) {
        router.get("/explore") { request, context in
            try await catalogPage(request: request, context: context)
        }
    }

    func catalogPage(request: Request, context: PortalRequestContext) async throws -> Response {
        let query = try CatalogQuery(request.queryForm)
        let language = context.visit.language
        let includingPrivate = try await seesPrivateDatasets(context)
        // Everything else the page shows comes from the query string, which is part of the cache key with the path.
        let key = "catalog \(try await store.catalogVersion()) private \(includingPrivate)"
        var title = catalog.text("catalog_title", in: language)
        if !query.text.isEmpty {
            title = catalog.text("catalog_title_search", in: language, ["q": String(query.text.prefix(60))])
        }
        if query.page > 1 {
            title += " · " + catalog.text("catalog_page_label", in: language, ["page": String(query.page)])
        }
        return try await renderer.cachedPage("catalog", title: title, key: key, request: request, context: context) {
            let entries = try await visibleDatasets(includingPrivate: includingPrivate).map {
                CatalogEntry($0, language: language)
            }
            let search = CatalogSearch(entries: entries, query: query)
            guard query.page <= search.pageCount else { throw CatalogQuery.pageNotFound(String(query.page)) }
            return CatalogView(catalog: catalog, language: language, query: query, search: search).values()
        }
    }

    /// Whether this visitor sees private datasets: a logged-in editor or admin does.
    func seesPrivateDatasets(_ context: PortalRequestContext) async throws -> Bool {
        guard context.visit.userID != nil else { return false }
        return try await currentUser(context) != nil
    }

    /// The public datasets, and the private ones too when `includingPrivate`.
    func visibleDatasets(includingPrivate: Bool) async throws -> [Dataset] {
        let all = try await store.datasets()
        return includingPrivate ? all : all.filter { $0.metadata.visibility == .public }
    }
}
