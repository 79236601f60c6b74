import CookieCharter
import Foundation
import Hummingbird
import Store
import Web

/// The catalog page, `/explore/`: full-text search, facets, sorting and paging, its whole state in the URL.
///
/// It reads the catalog, never writes it; private datasets are listed for logged-in users only.
struct CatalogPageController: Sendable {
    /// The catalog the page lists.
    let store: any DatasetCatalog
    /// Who is logged in, for private datasets.
    let users: SessionUsers
    let renderer: PageRenderer
    /// The interface's texts.
    let catalog: Catalog
    /// Each dataset's use, for the sort by popularity (issue 15); none in tests that leave it out.
    var audienceTotals: AudienceTotals? = nil

    /// Adds `/explore` to `router`.
    func addRoutes(to router: some RouterMethods<PortalRequestContext>) {
        router.get("/explore") { request, context in
            try await catalogPage(request: request, context: context)
        }
    }

    /// The catalog page for this request's query string.
    func catalogPage(request: Request, context: PortalRequestContext) async throws -> Response {
        let query = try CatalogQuery(request.queryForm)
        let language = context.visit.language
        let includingPrivate = try await users.seesPrivateDatasets(context)
        // Everything else the page shows comes from the query string, which is part of the cache key with the path.
        var key = "catalog \(try await store.catalogVersion()) private \(includingPrivate)"
        var title = catalog.text("catalog_title", in: language)
        if !query.text.isEmpty {
            title = catalog.text("catalog_title_search", in: language, ["q": String(query.text.prefix(60))])
        }
        if query.page > 1 {
            title += " · " + catalog.text("catalog_page_label", in: language, ["page": String(query.page)])
        }
        // Sorted by popularity, the page also depends on the figures read.
        let popular = query.effectiveSort == .popularity ? await audienceTotals?.current() : nil
        if let popular { key += " audience \(popular.generation)" }
        return try await renderer.cachedPage("catalog", title: title, key: key, request: request, context: context) {
            let entries = try await visibleDatasets(in: store, includingPrivate: includingPrivate).map {
                CatalogEntry($0, language: language)
            }
            let popularity = (popular?.totals ?? [:]).mapValues(\.popularity)
            let search = CatalogSearch(entries: entries, query: query, popularity: popularity)
            guard query.page <= search.pageCount else { throw CatalogQuery.pageNotFound(String(query.page)) }
            return CatalogView(catalog: catalog, language: language, query: query, search: search).values()
        }
    }
}
