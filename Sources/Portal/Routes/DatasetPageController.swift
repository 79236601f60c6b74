import CookieCharter
import Foundation
import Hummingbird
import Ingest
import ODSQL
import Store
import Web

/// The tabs of a dataset page, each at `/explore/dataset/{id}/{tab}/`.
enum DatasetTab: String, CaseIterable {
    case information, table, map, analyze, export, api

    /// Whether `dataset` has this tab: the map needs a geographic field, the data tabs need records.
    func isAvailable(for dataset: Dataset) -> Bool {
        switch self {
        case .information: true
        case .map: dataset.recordsTable != nil && DatasetMap.geoField(of: dataset) != nil
        default: dataset.recordsTable != nil
        }
    }
}

/// Where the map tab finds Leaflet and its tiles.
struct DatasetPageOptions: Sendable {
    /// Debian's `libjs-leaflet` (and `libjs-leaflet.markercluster`) install here; `GARONA_LEAFLET_DIR` overrides it.
    static let debianLeafletDirectory = "/usr/share/javascript/leaflet"

    /// The tile URL template of the `map_tiles` consent service.
    var tileURL: String
    var leaflet: StaticFiles
    var leafletImages: StaticFiles

    init(tileURL: String, leafletDirectory: String? = nil) {
        let directory = URL(
            fileURLWithPath: leafletDirectory ?? ProcessInfo.processInfo.environment["GARONA_LEAFLET_DIR"]
                ?? Self.debianLeafletDirectory)
        self.tileURL = tileURL
        leaflet = StaticFiles(directory: directory)
        leafletImages = StaticFiles(directory: directory.appendingPathComponent("images"))
    }

    /// Whether Leaflet itself is installed; clustering is used when its plugin is there too.
    var hasLeaflet: Bool { leaflet.asset(named: "leaflet.js") != nil && leaflet.asset(named: "leaflet.css") != nil }
    var hasClustering: Bool { leaflet.asset(named: "leaflet.markercluster.js") != nil }
}

/// The dataset pages: `/explore/dataset/{id}/` and its tabs (information, table, map, analyze, export and api), the
/// map's points, and Leaflet's files.
///
/// It reads the catalog and the records, never writes them; a private dataset is shown to logged-in users only.
struct DatasetPageController: Sendable {
    /// The catalog and the records the pages read.
    let store: any DatasetCatalog & RecordQueries
    /// Totals and facet counts per published version, shared with the data API.
    let memo: AggregateMemo
    /// Who is logged in, for private datasets.
    let users: SessionUsers
    let renderer: PageRenderer
    /// The interface's texts.
    let catalog: Catalog
    /// The site in force now (its declared services, for the map's tiles and their consent), which may change while
    /// the portal runs.
    let site: LiveSite
    let clock: @Sendable () -> Date
    /// Where the map tab finds Leaflet and its tiles.
    let options: DatasetPageOptions
    /// Each dataset's downloads and API calls, for the information tab (issue 15); none in tests that leave it out.
    var audienceTotals: AudienceTotals? = nil
    /// Typo-tolerant search (issue 12), shared with the data API; none in tests that leave it out.
    var spelling: SearchSpelling? = nil

    /// Adds the dataset pages to `router`, under `/explore/dataset/{id}`, and Leaflet's files under `/static/leaflet`.
    func addRoutes(to router: some RouterMethods<PortalRequestContext>) {
        let options = self.options
        let page = router.group("/explore/dataset/{id}")
        page.get { request, context in
            let (dataset, _) = try await pageDataset(context)
            let query = request.uri.query.map { "?" + $0 } ?? ""
            return redirect(to: "/explore/dataset/\(dataset.id)/information/" + query)
        }
        let tabPage = { @Sendable (request: Request, context: PortalRequestContext, name: String) async throws -> Response in
            let (dataset, version) = try await pageDataset(context)
            guard let tab = DatasetTab(rawValue: name), tab.isAvailable(for: dataset) else {
                throw PageError.notFound
            }
            do {
                return try await datasetPage(
                    tab, dataset: dataset, catalogVersion: version, options: options, request: request, context: context)
            } catch is ODSQLError {
                // The page only builds checked queries; should one still be refused, the visitor gets a 400, not a 500.
                throw PageError(.badRequest, messageKey: "error_bad_request")
            }
        }
        page.get("{tab}") { request, context in
            try await tabPage(request, context, context.parameters.get("tab") ?? "")
        }
        // The router prefers the constant `map` of `map/points.json` to `{tab}`: the map tab needs its own route.
        page.get("map") { request, context in try await tabPage(request, context, "map") }
        page.get("map/points.json") { request, context in
            let (dataset, _) = try await pageDataset(context)
            guard DatasetTab.map.isAvailable(for: dataset) else { throw PageError.notFound }
            do {
                return try await mapPoints(dataset, request: request, context: context)
            } catch is ODSQLError {
                throw PageError(.badRequest, messageKey: "error_bad_request")
            }
        }
        router.get("/static/leaflet/{name}") { request, context in
            try options.leaflet.response(to: request, context: context)
        }
        router.get("/static/leaflet/images/{name}") { request, context in
            try options.leafletImages.response(to: request, context: context)
        }
    }

    /// ODSQL over the published records of `dataset` in the visitor's `language`; nil before its first import.
    func pageCompiler(for dataset: Dataset, language: Language) -> ODSQL.Compiler? {
        recordsCompiler(for: dataset, dialect: store.dialect, now: clock(), language: language.rawValue)
    }

    /// The dataset named in the URL, if this visitor may see it (private ones only for logged-in users), with the
    /// catalog version it was read at.
    func pageDataset(_ context: PortalRequestContext) async throws -> (dataset: Dataset, catalogVersion: Int64) {
        let id = context.parameters.get("id") ?? ""
        guard DatasetMetadata.isValidID(id) else { throw PageError.notFound }
        let (found, version) = try await store.versionedDataset(id: id)
        guard let dataset = found else { throw PageError.notFound }
        if dataset.metadata.visibility != .public, try await users.currentUser(context) == nil { throw PageError.notFound }
        return (dataset, version)
    }

    private func datasetPage(
        _ tab: DatasetTab, dataset: Dataset, catalogVersion: Int64, options: DatasetPageOptions, request: Request,
        context: PortalRequestContext
    ) async throws -> Response {
        let language = context.visit.language
        let title =
            catalog.text("dataset_tab_\(tab.rawValue)", in: language) + " · " + DatasetText(dataset, language: language).title
        let build = {
            try await datasetValues(tab, dataset: dataset, options: options, request: request, context: context)
        }
        var response: Response
        switch tab {
        case .information, .table:
            // Everything these tabs show comes from the dataset (its row in the catalog, and its records table, which
            // only a publication replaces) and from the query string; the information tab also prints the site origin.
            var key = "catalog \(catalogVersion) dataset \(dataset.id) version \(dataset.version) "
            key += "records \(dataset.recordsTable ?? "-") processed \(dataset.dataProcessed?.timeIntervalSince1970 ?? 0) "
            key += "modified \(dataset.modified.timeIntervalSince1970)"
            if tab == .information { key += " origin " + siteOrigin(request, context) }
            if tab == .information, let audienceTotals { key += " audience \(await audienceTotals.current().generation)" }
            response = try await renderer.cachedPage(
                "dataset_\(tab.rawValue)", title: title, key: key, request: request, context: context, values: build)
        default:
            response = renderer.page(
                "dataset_\(tab.rawValue)", title: title, values: try await build(), request: request, context: context)
        }
        if dataset.metadata.visibility != .public { response.headers[.cacheControl] = "private, no-store" }
        return response
    }

    /// The values of one tab's template.
    private func datasetValues(
        _ tab: DatasetTab, dataset: Dataset, options: DatasetPageOptions, request: Request, context: PortalRequestContext
    ) async throws -> [String: Any] {
        let language = context.visit.language
        var compiler = pageCompiler(for: dataset, language: language)
        var query = DatasetPageQuery(
            pairs: request.queryForm.pairs, dataset: dataset, compiler: tab == .information ? nil : compiler)
        if tab == .information { query.ignored = [] }
        compiler = await correcting(compiler, for: dataset, query: query)
        let text = DatasetText(dataset, language: language)
        var values: [String: Any] = [:]
        var head = "<link rel=\"stylesheet\" href=\"/static/dataset.css\">"
        switch tab {
        case .information:
            values = informationValues(dataset, text: text, language: language)
            if let audienceTotals {
                values["audience"] = AudienceTotals.values(await audienceTotals.of(dataset.id), language: language)
            }
            values.merge(try await DatasetPageAttachments.values(dataset, store: store)) { _, attached in attached }
            head +=
                "\n"
                + DatasetJSONLD.script(dataset, text: text, base: siteOrigin(request, context) + ExploreAPIController.base)
        case .table:
            values = try await tableValues(
                dataset, compiler: compiler, query: &query, language: language)
        case .map:
            values = try await mapValues(dataset, query: query, options: options, request: request, context: context)
            if options.hasLeaflet {
                head += "\n<link rel=\"stylesheet\" href=\"/static/leaflet/leaflet.css\">"
                if options.hasClustering {
                    head += "\n<link rel=\"stylesheet\" href=\"/static/leaflet/MarkerCluster.css\">"
                    head += "\n<link rel=\"stylesheet\" href=\"/static/leaflet/MarkerCluster.Default.css\">"
                }
            }
        case .analyze:
            values = try await analyzeValues(dataset, compiler: compiler, query: &query, language: language)
        case .export:
            values = exportValues(dataset, query: query)
        case .api:
            values = apiValues(dataset, query: query, request: request, context: context)
        }
        values["dataset_head"] = head
        values["dataset"] = [
            "id": dataset.id, "title": text.title, "description": text.description, "has_description": !text.description.isEmpty,
            "private": dataset.metadata.visibility != .public,
        ]
        values["tabs"] = DatasetTab.allCases.filter { $0.isAvailable(for: dataset) }.map { other in
            [
                "label": catalog.text("dataset_tab_\(other.rawValue)", in: language),
                "href": "/explore/dataset/\(dataset.id)/\(other.rawValue)/" + (other == .information ? "" : query.link()),
                "current": other == tab,
            ] as [String: Any]
        }
        if !query.ignored.isEmpty {
            values["ignored"] = [
                "text": catalog.text("dataset_ignored", in: language, ["items": query.ignored.joined(separator: ", ")])
            ]
        }
        return values
    }
}

/// A dataset's metadata in the visitor's language, falling back to the other language.
struct DatasetText {
    let title: String
    let description: String
    let language: Language

    init(_ dataset: Dataset, language: Language) {
        let metadata = dataset.metadata
        let pick = { (french: String, english: String) -> String in
            let first = language == .fr ? french : english
            return first.isEmpty ? (language == .fr ? english : french) : first
        }
        let title = pick(metadata.titleFR, metadata.titleEN)
        self.title = title.isEmpty ? dataset.id : title
        description = pick(metadata.descriptionFR, metadata.descriptionEN)
        self.language = language
    }
}
