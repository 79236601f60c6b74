import Hummingbird
import Store
import Web

/// Counts what the portal served, in one place: added once to the router before the routes, it wraps every matched
/// route and, after a successful answer to a GET (2xx, or 304 for a page), names the event from the route's path and
/// parameters.
///
/// - `/`, `/explore/`, a dataset tab, `/cookies`: a page view of that kind (and of that dataset);
/// - `/explore/` with words in `q`, on its first page: a catalog search, and a search without results when no public
///   dataset matches the words (``SearchOutcomes``);
/// - the data API: an export or an attachment is a download of its dataset in its format, any other endpoint an API
///   call of its dataset (none for the catalog's endpoints), named after its route. The legacy download link is not
///   counted itself: it redirects to the export, which is.
///
/// It runs after ``APIAccessMiddleware``, which tells whether an API key was presented.
struct AudienceMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    let audience: AudienceRecorder
    /// Whether catalog searches find something.
    let searches: SearchOutcomes

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let response = try await next(request, context)
        guard audience.enabled, request.method == .get, let path = context.endpointPath else { return response }
        let status = response.status.code
        if path.hasPrefix(ExploreAPIController.base) {
            guard (200..<300).contains(status) else { return response }
            if let event = Self.apiEvent(endpointPath: path, parameters: context.parameters) {
                audience.count(event, request: request, context: context, apiKey: APIAccess.current.key != nil)
            }
            return response
        }
        // A page the browser already had (304) was viewed again all the same.
        guard (200..<300).contains(status) || status == 304,
            let page = Self.page(endpointPath: path, parameters: context.parameters)
        else { return response }
        audience.count(.pageView(page, datasetID: context.parameters.get("id") ?? ""), request: request, context: context)
        if page == .catalog, let search = try? CatalogQuery(request.queryForm), search.page == 1,
            let words = SearchWords.normalised(search.text),
            // Counting never fails a request: a search whose outcome cannot be read is not counted.
            let found = try? await searches.found(words)
        {
            audience.count(.search(text: words, found: found), request: request, context: context, referrer: false)
        }
        return response
    }

    /// The kind of page of the route `endpointPath`, nil for a route that is not counted.
    static func page(endpointPath: String, parameters: Parameters) -> AudiencePage? {
        var path = Substring(endpointPath)
        while path.count > 1 && path.hasSuffix("/") { path = path.dropLast() }
        switch path {
        case "/": return .home
        case "/explore": return .catalog
        case "/cookies": return .charter
        case "/explore/dataset/{id}/map": return .map
        case "/explore/dataset/{id}/{tab}": return DatasetTab(rawValue: parameters.get("tab") ?? "").map(AudiencePage.init)
        default: return nil
        }
    }

    /// The event of a call to the API route `endpointPath` (`/api/explore/v2.1/catalog/datasets/{id}/records`).
    static func apiEvent(endpointPath: String, parameters: Parameters) -> AudienceEvent? {
        var segments = endpointPath.dropFirst(ExploreAPIController.base.count).split(separator: "/").map(String.init)
        guard !segments.isEmpty else { return nil }
        var datasetID = ""
        if segments.count >= 3, segments[0] == "catalog", segments[1] == "datasets", segments[2] == "{id}" {
            datasetID = parameters.get("id") ?? ""
            segments.removeFirst(3)
            if segments == ["exports", "{format}"] {
                return .download(datasetID: datasetID, format: parameters.get("format") ?? "")
            }
            if segments == ["attachments", "{attachment}"] { return .download(datasetID: datasetID, format: "attachment") }
            if segments.isEmpty { segments = ["dataset"] }
        }
        let endpoint = segments.filter { !$0.hasPrefix("{") }.joined(separator: "_")
        return .apiCall(datasetID: datasetID, endpoint: String(endpoint.prefix(60)))
    }
}
