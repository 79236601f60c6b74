import Foundation
import Hummingbird
import Ingest
import Logging
import ODSQL
import Store
import Web

/// The data API: Opendatasoft's Explore API v2.1 under `/api/explore/v2.1`, both trailing-slash forms, and the
/// legacy download link of older clients. GET only, JSON bodies, errors as `{"error_code", "message"}`, no cookies,
/// CORS open.
///
/// It reads the catalog and the records, never writes them. Who may see what comes from ``APIAccess/current``, bound
/// by ``APIAccessMiddleware``, which the wiring adds to the whole router (it also answers CORS preflights and unknown
/// API paths, which no route of this controller matches).
struct ExploreAPIController: Sendable {
    /// Where the API's routes live.
    static let base = "/api/explore/v2.1"

    /// The catalog and the records the API reads.
    let store: any DatasetCatalog & RecordQueries
    /// The files attached to datasets (``addAttachmentRoutes(to:)``).
    let attachments: any AttachmentStore
    /// Totals, facet counts and `group_by` answers per published version, shared with the dataset pages.
    let memo: AggregateMemo
    /// The catalog as an ODSQL table, per catalog version.
    let catalogTables: CatalogTables
    /// How many dataset exports may stream at once.
    let exportSlots: ExportSlots
    /// Where the file exports (Parquet, shapefile…) write their scratch files.
    let uploadsDirectory: URL
    let clock: @Sendable () -> Date
    let logger: Logger
    /// Each dataset's downloads and API calls, for `metas.explore` (issue 15); none in tests that leave it out.
    var audienceTotals: AudienceTotals? = nil
    /// The site's state, for the portal's name in the catalog's DCAT and `data.json` (issue 16); none in tests.
    var site: LiveSite? = nil
    /// Typo-tolerant search (issue 12): the indexed words a mistyped search word may mean; none in tests that leave it
    /// out.
    var spelling: SearchSpelling? = nil

    /// Adds the API's routes under ``base`` and the legacy download link to `router`.
    func addRoutes(to router: some RouterMethods<PortalRequestContext>) {
        let api = router.group(RouterPath(Self.base))
        api.get("catalog/datasets") { request, context in
            try await catalogDatasets(request: request, context: context)
        }
        api.get("catalog/datasets/{id}") { request, context in
            try await datasetDocument(request: request, context: context)
        }
        api.get("catalog/datasets/{id}/records") { request, context in
            try await records(request: request, context: context)
        }
        api.get("catalog/datasets/{id}/records/{record}") { request, context in
            try await record(request: request, context: context)
        }
        api.get("catalog/datasets/{id}/exports") { _, context in
            let dataset = try await visibleDataset(context)
            return Self.exportLinks(ExportFormat.allCases.map(\.rawValue)) {
                "\(Self.base)/catalog/datasets/\(dataset.id)/exports/\($0)"
            }
        }
        api.get("catalog/datasets/{id}/exports/{format}") { request, context in
            guard let format = ExportFormat(rawValue: context.parameters.get("format") ?? "") else {
                throw APIError(status: .badRequest, code: "InvalidRESTParameterError", message: "Unknown export format.")
            }
            return try await export(format, request: request, context: context)
        }
        addCatalogRoutes(to: api)
        addOpenAPIRoute(to: api)
        router.get("/explore/dataset/{id}/download") { request, context in
            try await legacyDownload(request: request, context: context)
        }
    }

    /// A dataset the caller may see (``APIAccess/current``), else the API's 404, as for an unknown one.
    func visibleDataset(_ context: PortalRequestContext) async throws -> Dataset {
        let id = context.parameters.get("id") ?? ""
        guard let dataset = try await store.dataset(id: id), APIAccess.current.canSee(dataset) else {
            throw APIError(status: .notFound, code: "NotFound", message: "Unknown dataset: \(id)")
        }
        return dataset
    }

    /// The compiler of an API request on `dataset`, or the API's 404 when it has no records yet.
    func compiler(for dataset: Dataset, parameters: APIParameters) throws -> ODSQL.Compiler {
        guard
            let compiler = recordsCompiler(
                for: dataset, dialect: store.dialect, now: clock(), language: parameters.language)
        else {
            throw APIError(status: .notFound, code: "NotFound", message: "The dataset \(dataset.id) has no records yet.")
        }
        return compiler.reading(timeZone: parameters.timeZone)
    }

    /// ``compiler(for:parameters:)`` with the corrections of the request's mistyped search words (``SearchSpelling``).
    func searchCompiler(for dataset: Dataset, parameters: APIParameters) async throws -> ODSQL.Compiler {
        let compiler = try compiler(for: dataset, parameters: parameters)
        return await spelling?.correcting(compiler, for: dataset, query: parameters.query) ?? compiler
    }

    /// A page without `order_by`, from the column accelerator, which shares its filter's columns and a search's
    /// matches with the page's total (see ``ColumnAccelerator/pageRowids``); nil when the engine must answer. On
    /// SQLite, only under a search whose matches the engine's plan reads first, in rowid order.
    private func columnPage(
        _ dataset: Dataset, compiler: ODSQL.Compiler, query: ODSQL.QueryText, count: CompiledQuery,
        page: CompiledQuery, window: (limit: Int, offset: Int)
    ) async throws -> [[SQLValue]]? {
        guard let accelerator = memo.accelerator, try compiler.listsRecordsUnordered(query),
            accelerator.engine == .postgres || ColumnAccelerator.readsMatchesFirst(page),
            let rowids = try await accelerator.pageRowids(
                of: dataset, filter: count, column: nil, descending: false, offset: window.offset, limit: window.limit,
                load: store.rows)
        else { return nil }
        let unfiltered = try compiler.records(ODSQL.QueryText(select: query.select), limit: 1)
        return try await accelerator.rows(rowids, of: dataset, select: unfiltered, page: page, load: store.rows)
    }

    private func records(request: Request, context: PortalRequestContext) async throws -> Response {
        let dataset = try await visibleDataset(context)
        let parameters = try APIParameters(request)
        let grouped = !parameters.query.groupBy.isEmpty
        let (limit, offset) = try parameters.page(
            defaultLimit: 10, maxLimit: grouped ? 20_000 : 100, window: grouped ? 20_000 : 10_000)
        let compiler = try await searchCompiler(for: dataset, parameters: parameters)
        // With include_links, records carry their technical members (RecordLinks.swift), the id read first.
        let linked = try parameters.flag("include_links", default: false) && !grouped
        let compiled: CompiledQuery
        let countQuery: CompiledQuery?
        do {
            compiled = try compiler.records(parameters.query, limit: limit, offset: offset, includeRecordID: linked)
            countQuery = grouped ? nil : try compiler.count(parameters.query)
        } catch {
            throw APIError(status: .badRequest, code: "ODSQLError", message: error.message)
        }
        let rows: [[SQLValue]]
        if grouped {
            rows = try await memo.rows(of: dataset, compiled, load: store.rows)
        } else if !linked, let countQuery,
            let page = try await columnPage(
                dataset, compiler: compiler, query: parameters.query, count: countQuery, page: compiled,
                window: (limit, offset))
        {
            rows = page
        } else {
            rows = try await store.rows(compiled)
        }
        if linked, let countQuery {
            let total = try await memo.rows(of: dataset, countQuery, load: store.rows).first?.first?.double ?? 0
            return try await linkedRecords(
                dataset, compiled: compiled, rows: rows, total: Int(total), compiler: compiler, parameters: parameters,
                page: (limit, offset), request: request, context: context)
        }
        let renderer = RecordRenderer(columns: compiled.columns, timeZone: parameters.timeZone)
        var writer = JSONWriter()
        writer.raw("{")
        if let countQuery {
            let total = try await memo.rows(of: dataset, countQuery, load: store.rows).first?.first?.double ?? 0
            writer.raw("\"total_count\":\(Int(total)),")
        }
        writer.raw("\"results\":[")
        for (index, row) in rows.enumerated() {
            if index > 0 { writer.raw(",") }
            renderer.writeObject(row, to: &writer)
        }
        writer.raw("]}")
        return jsonResponse(writer)
    }

    private func record(request: Request, context: PortalRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let recordID = context.parameters.get("record") ?? ""
        let parameters = try APIParameters(request)
        let access = APIAccess.current
        let lookedUp = LookedUpDataset()
        // The dataset and the record are read in one trip to the database.
        let found = try await store.rows(ofDataset: id) { dataset in
            guard access.canSee(dataset) else { return nil }
            lookedUp.keep(dataset)
            return try recordQuery(dataset, parameters: parameters, recordID: recordID)
        }
        guard let answer = found else {
            throw APIError(status: .notFound, code: "NotFound", message: "Unknown dataset: \(id)")
        }
        guard let row = answer.rows.first else {
            throw APIError(status: .notFound, code: "NotFound", message: "Unknown record: \(recordID)")
        }
        if try parameters.flag("include_links", default: false), let dataset = lookedUp.value {
            return try await linkedRecord(
                row, columns: answer.query.columns, dataset: dataset, parameters: parameters, context: context)
        }
        var writer = JSONWriter()
        RecordRenderer(columns: Array(answer.query.columns.dropFirst()), timeZone: parameters.timeZone)
            .writeObject(row, to: &writer)
        return jsonResponse(writer)
    }

    /// The query of one record by its id, with the request's `select`.
    private func recordQuery(_ dataset: Dataset, parameters: APIParameters, recordID: String) throws -> CompiledQuery {
        let compiler = try compiler(for: dataset, parameters: parameters)
        var compiled: CompiledQuery
        do {
            compiled = try compiler.records(ODSQL.QueryText(select: parameters.query.select), limit: nil, includeRecordID: true)
        } catch {
            throw APIError(status: .badRequest, code: "ODSQLError", message: error.message)
        }
        // The id is the query's last binding, numbered as the engine numbers them (`?` or `$n`).
        compiled.bindings.append(.text(recordID))
        let placeholder = compiler.dialect.placeholder(compiled.bindings.count)
        compiled.sql = "SELECT * FROM (\(compiled.sql)) AS record WHERE record.\"_id\" = \(placeholder) LIMIT 1"
        return compiled
    }

    /// `{"links":[{"rel": format, "href": …}]}`, the answer of the export lists.
    static func exportLinks(_ formats: [String], href: (String) -> String) -> Response {
        var writer = JSONWriter()
        writer.raw("{\"links\":[")
        for (index, format) in formats.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw("{\"rel\":")
            writer.string(format)
            writer.raw(",\"href\":")
            writer.string(href(format))
            writer.raw("}")
        }
        writer.raw("]}")
        return jsonResponse(writer)
    }
}
