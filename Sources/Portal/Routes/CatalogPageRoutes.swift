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
        let entries = try await visibleDatasets(context).map {
            CatalogEntry($0, language: language)
        }
        let search = CatalogSearch(entries: entries, query: query)
        guard query.page <= search.pageCount else { throw CatalogQuery.pageNotFound(String(query.page)) }
        let values = CatalogView(catalog: catalog, language: language, query: query, search: search).values()
        var title = catalog.text("catalog_title", in: language)
        if !query.text.isEmpty {
            title = catalog.text("catalog_title_search", in: language, ["q": String(query.text.prefix(60))])
        }
        if query.page > 1 {
            title += " · " + catalog.text("catalog_page_label", in: language, ["page": String(query.page)])
        }
        return renderer.page("catalog", title: title, values: values, request: request, context: context)
    }

    /// The datasets this visitor may see: public ones, and private ones too for a logged-in editor or admin.
    func visibleDatasets(_ context: PortalRequestContext) async throws -> [Dataset] {
        let all = try await store.datasets()
        if context.visit.userID != nil, try await currentUser(context) != nil { return all }
        return all.filter { $0.metadata.visibility == .public }
    }
}
