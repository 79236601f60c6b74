import Foundation
import Hummingbird
import ODSQL
import Store
import Web

/// The catalog endpoints that query the catalog with ODSQL (`catalog/datasets`, `catalog/facets`) and the
/// per-dataset `facets` and `attachments`.
extension ExploreAPIController {
    /// Adds the catalog's ODSQL endpoints and the per-dataset `facets` and `attachments` to `api`, the API's group.
    func addCatalogRoutes(to api: RouterGroup<PortalRequestContext>) {
        let base = Self.base
        api.get("catalog/facets") { request, context in
            try await catalogFacets(request: request, context: context)
        }
        api.get("catalog/datasets/{id}/facets") { request, context in
            try await datasetFacets(request: request, context: context)
        }
        addAttachmentRoutes(to: api)
        api.get("catalog/exports") { _, context in
            Self.exportLinks(CatalogExportFormat.listed) {
                "\(requestOrigin(context))\(base)/catalog/exports/\($0)"
            }
        }
        api.get("catalog/exports/{format}") { request, context in
            guard let format = CatalogExportFormat(name: context.parameters.get("format") ?? "") else {
                throw APIError(status: .badRequest, code: "InvalidRESTParameterError", message: "Unknown export format.")
            }
            return try await catalogExport(format, request: request, context: context)
        }
    }

    /// The datasets the caller may see (``APIAccess/current``) as a queryable table, built once per catalog version
    /// (see ``CatalogTables``).
    func catalogTable(language: String) async throws -> CatalogTable {
        let access = APIAccess.current
        let store = self.store
        // The version is read before the datasets: should a change land in between, the table holds newer datasets
        // under the older version, and the next request, seeing the newer version, builds it again.
        let version = try await store.catalogVersion()
        return try await catalogTables.table(version: version, language: language, includingPrivate: access.key != nil) {
            let visible = try await store.datasets().filter { access.canSee($0) }
            return try CatalogTable(visible, language: language)
        }
    }

    /// `catalog/datasets`: ODSQL over the catalog. Without `select`/`group_by` each result is the full dataset
    /// document; otherwise the selected values, flat.
    func catalogDatasets(request: Request, context: PortalRequestContext) async throws -> Response {
        let parameters = try APIParameters(request)
        let grouped = !parameters.query.groupBy.isEmpty
        let (limit, offset) = try parameters.page(
            defaultLimit: 10, maxLimit: grouped ? 20_000 : 100, window: grouped ? 20_000 : 10_000)
        let includeLinks = try parameters.flag("include_links", default: false)
        let table = try await catalogTable(language: parameters.language)
        let compiler = table.correcting(
            CatalogTable.compiler(now: clock(), language: parameters.language).reading(timeZone: parameters.timeZone),
            query: parameters.query)
        let select = parameters.query.select.trimmingCharacters(in: .whitespaces)
        let whole = !grouped && (select.isEmpty || select == "*")
        let compiled: CompiledQuery
        let countQuery: CompiledQuery?
        do {
            compiled = try compiler.records(parameters.query, limit: limit, offset: offset, includeRecordID: whole)
            countQuery = grouped ? nil : try compiler.count(parameters.query)
        } catch {
            throw APIError(status: .badRequest, code: "ODSQLError", message: error.message)
        }
        let rows = try table.rows(compiled)
        let apiBase = requestOrigin(context) + Self.base
        var writer = JSONWriter()
        writer.raw("{")
        if let countQuery {
            let total = try table.rows(countQuery).first?.first?.double ?? 0
            writer.raw("\"total_count\":\(Int(total)),")
            if includeLinks {
                writer.raw("\"_links\":")
                let kept = RecordLinks.query(of: request, without: ["limit", "offset"])
                writer.encoded(
                    Self.pageLinks(
                        apiBase + "/catalog/datasets", limit: limit, offset: offset, total: Int(total), keeping: kept))
                writer.raw(",")
            }
        }
        let audience = await audienceTotals?.current().totals
        writer.raw("\"results\":[")
        let renderer = RecordRenderer(columns: compiled.columns, timeZone: parameters.timeZone)
        for (index, row) in rows.enumerated() {
            if index > 0 { writer.raw(",") }
            if whole, case .text(let id) = row.first, let dataset = table.datasets[id] {
                let totals = audience.map { $0[id] ?? AudienceDatasetTotals() }
                writer.encoded(try await document(of: dataset, parameters: parameters, base: apiBase, audience: totals))
            } else {
                renderer.writeObject(row, to: &writer)
            }
        }
        writer.raw("]}")
        return jsonResponse(writer)
    }

    /// `self`, `first`, `last` and (when there is more) `next` for a paged list, each with the parameters `kept`
    /// (an encoded query string without `limit` and `offset`).
    static func pageLinks(_ url: String, limit: Int, offset: Int, total: Int, keeping kept: String = "")
        -> [DatasetDocument.Link]
    {
        let size = max(limit, 1)
        let base = url + "?" + (kept.isEmpty ? "" : kept + "&")
        var links = [
            DatasetDocument.Link(rel: "self", href: "\(base)limit=\(limit)&offset=\(offset)"),
            DatasetDocument.Link(rel: "first", href: "\(base)limit=\(limit)&offset=0"),
            DatasetDocument.Link(rel: "last", href: "\(base)limit=\(limit)&offset=\(max(0, (total - 1) / size * size))"),
        ]
        if offset + limit < total {
            links.append(DatasetDocument.Link(rel: "next", href: "\(base)limit=\(limit)&offset=\(offset + limit)"))
        }
        return links
    }

    private func facetSpecs(_ request: Request, defaults: [String]) throws -> [FacetSpec] {
        let given = request.queryForm.pairs.filter { $0.name == "facet" }.map(\.value)
        guard !given.isEmpty else { return defaults.map { FacetSpec(name: $0) } }
        return try given.map { try FacetSpec(parsing: $0) }
    }

    private func datasetFacets(request: Request, context: PortalRequestContext) async throws -> Response {
        let dataset = try await visibleDataset(context)
        let parameters = try APIParameters(request)
        let specs = try facetSpecs(request, defaults: dataset.fields.filter(\.facet).map(\.name))
        let compiler = try await searchCompiler(for: dataset, parameters: parameters)
        let (store, memo) = (self.store, self.memo)
        let enumeration = FacetEnumeration(compiler: compiler, query: parameters.query) {
            try await memo.rows(of: dataset, $0, load: store.rows)
        }
        return jsonResponse(try await enumeration.document(specs))
    }

    private func catalogFacets(request: Request, context: PortalRequestContext) async throws -> Response {
        let parameters = try APIParameters(request)
        let specs = try facetSpecs(request, defaults: CatalogTable.defaultFacets)
        let table = try await catalogTable(language: parameters.language)
        let compiler = table.correcting(
            CatalogTable.compiler(now: clock(), language: parameters.language).reading(timeZone: parameters.timeZone),
            query: parameters.query)
        let enumeration = FacetEnumeration(compiler: compiler, query: parameters.query) { try table.rows($0) }
        return jsonResponse(try await enumeration.document(specs))
    }
}
