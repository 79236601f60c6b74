import Store

/// Something the portal counts: a page shown, a file downloaded, an API call, a catalog search.
///
/// It names what was used, never who used it: no address, user agent, cookie or identifier ever enters an event.
enum AudienceEvent: Sendable, Hashable {
    /// A page of the front office, of a dataset when `datasetID` is set.
    case pageView(AudiencePage, datasetID: String = "")
    /// A download of `datasetID` in `format` (an export, the legacy link, an attachment).
    case download(datasetID: String, format: String)
    /// A data API call on `datasetID` (empty for the catalog's endpoints) at `endpoint`.
    case apiCall(datasetID: String, endpoint: String)
    /// A catalog search for `text`, which found `found` datasets.
    case search(text: String, found: Int)

    /// The counts this event adds, besides the referrer: a search that found nothing also counts apart.
    var counts: [(metric: AudienceMetric, datasetID: String, dimension: String)] {
        switch self {
        case .pageView(let page, let datasetID): [(.pageView, datasetID, page.rawValue)]
        case .download(let datasetID, let format): [(.download, datasetID, format)]
        case .apiCall(let datasetID, let endpoint): [(.apiCall, datasetID, endpoint)]
        case .search(let text, let found):
            found > 0 ? [(.search, "", text)] : [(.search, "", text), (.searchWithoutResults, "", text)]
        }
    }
}

/// The kinds of page counted; the raw value is stored and is the key of `pages` in the audience JSON.
enum AudiencePage: String, Sendable, Hashable, CaseIterable {
    case home, catalog
    /// The tabs of a dataset page.
    case information, table, map, analyze, export, api
    /// The cookie charter.
    case charter
}

extension AudiencePage {
    /// The page kind of a dataset tab.
    init(_ tab: DatasetTab) {
        switch tab {
        case .information: self = .information
        case .table: self = .table
        case .map: self = .map
        case .analyze: self = .analyze
        case .export: self = .export
        case .api: self = .api
        }
    }
}
