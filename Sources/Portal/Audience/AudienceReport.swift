import Store
import Vocabulary

/// The audience figures of a period, as `/backoffice/audience.json` gives them and the back-office page shows them:
/// the visitors' channel only (back-office and API-key traffic are apart, in ``apart``).
///
/// Search words and referring hosts are listed only for the days when at least ``threshold`` of them were counted,
/// so that nothing one person typed or came from is ever displayed.
struct AudienceReport: Encodable, Sendable {
    /// A dataset's figures.
    struct DatasetFigures: Encodable, Sendable {
        let datasetID: String
        var pageViews: Int64 = 0
        var downloads: [String: Int64] = [:]
        var apiCalls: Int64 = 0

        var total: Int64 { pageViews &+ downloads.values.reduce(0, &+) &+ apiCalls }

        enum CodingKeys: String, CodingKey {
            case datasetID = "dataset_id"
            case pageViews = "page_views"
            case downloads
            case apiCalls = "api_calls"
        }
    }

    /// Search words and their count.
    struct Search: Encodable, Sendable {
        let q: String
        let count: Int64
    }

    /// A referring host and its count.
    struct Referrer: Encodable, Sendable {
        let host: String
        let count: Int64
    }

    /// The least daily count for search words or a referring host to be shown.
    static let threshold: Int64 = 5
    /// The longest lists of searches and referrers.
    static let listLimit = 100

    let from: String
    let to: String
    let pages: [String: Int64]
    let datasets: [DatasetFigures]
    let searches: [Search]
    let searchesWithoutResults: [Search]
    let referrers: [Referrer]
    /// Page views, downloads and API calls of the back office and of API keys (not in the JSON).
    let apart: [AudienceChannel: Int64]
    /// The visitors' page views, downloads and API calls per day of the period, every day present (not in the JSON).
    let daily: [(day: CivilDate, pageViews: Int64, downloads: Int64, apiCalls: Int64)]

    enum CodingKeys: String, CodingKey {
        case from, to, pages, datasets, searches
        case searchesWithoutResults = "searches_without_results"
        case referrers
    }

    init(from first: CivilDate, to last: CivilDate, counts: [AudienceCount]) {
        from = first.text
        to = last.text
        var pages = Dictionary(uniqueKeysWithValues: AudiencePage.allCases.map { ($0.rawValue, Int64(0)) })
        var datasets: [String: DatasetFigures] = [:]
        var searches: [String: Int64] = [:]
        var empty: [String: Int64] = [:]
        var referrers: [String: Int64] = [:]
        var apart: [AudienceChannel: Int64] = [:]
        var daily: [Int: (Int64, Int64, Int64)] = [:]
        for count in counts {
            guard count.channel == .visitors else {
                if count.metric == .pageView || count.metric == .download || count.metric == .apiCall {
                    apart[count.channel, default: 0] &+= count.count
                }
                continue
            }
            let day = count.day.daysSinceEpoch
            switch count.metric {
            case .pageView:
                if AudiencePage(rawValue: count.dimension) != nil { pages[count.dimension, default: 0] &+= count.count }
                if !count.datasetID.isEmpty {
                    datasets[count.datasetID, default: DatasetFigures(datasetID: count.datasetID)].pageViews &+= count.count
                }
                daily[day, default: (0, 0, 0)].0 &+= count.count
            case .download:
                if !count.datasetID.isEmpty {
                    datasets[count.datasetID, default: DatasetFigures(datasetID: count.datasetID)]
                        .downloads[count.dimension, default: 0] &+= count.count
                }
                daily[day, default: (0, 0, 0)].1 &+= count.count
            case .apiCall:
                if !count.datasetID.isEmpty {
                    datasets[count.datasetID, default: DatasetFigures(datasetID: count.datasetID)].apiCalls &+= count.count
                }
                daily[day, default: (0, 0, 0)].2 &+= count.count
            case .search where count.count >= Self.threshold:
                searches[count.dimension, default: 0] &+= count.count
            case .searchWithoutResults where count.count >= Self.threshold:
                empty[count.dimension, default: 0] &+= count.count
            case .referrer where count.count >= Self.threshold:
                referrers[count.dimension, default: 0] &+= count.count
            default:
                break
            }
        }
        self.pages = pages
        self.datasets = datasets.values.sorted { $0.total != $1.total ? $0.total > $1.total : $0.datasetID < $1.datasetID }
        self.searches = Self.top(searches).map { Search(q: $0.key, count: $0.value) }
        self.searchesWithoutResults = Self.top(empty).map { Search(q: $0.key, count: $0.value) }
        self.referrers = Self.top(referrers).map { Referrer(host: $0.key, count: $0.value) }
        self.apart = apart
        let firstDay = first.daysSinceEpoch
        self.daily = (firstDay...max(firstDay, last.daysSinceEpoch)).map { day in
            let figures = daily[day] ?? (0, 0, 0)
            return (CivilDate(daysSinceEpoch: day), figures.0, figures.1, figures.2)
        }
    }

    /// The largest counts first, then in alphabetical order, at most ``listLimit``.
    private static func top(_ counts: [String: Int64]) -> [(key: String, value: Int64)] {
        Array(counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(listLimit))
    }
}
