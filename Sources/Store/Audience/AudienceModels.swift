import Foundation
import Vocabulary

/// Who made the requests a count is about: the public, kept apart from the publishers' own back-office traffic and
/// from programs holding an API key, so that neither swells the figures a publisher reads.
///
/// The raw value is stored; never rename one.
public enum AudienceChannel: String, Sendable, Hashable, CaseIterable, Codable {
    /// Anonymous visitors and API clients without a key.
    case visitors
    /// Logged-in publishers (editors and admins), wherever they browse.
    case backOffice = "backoffice"
    /// Data API calls that presented a valid API key.
    case apiKey = "apikey"
}

/// What a count counts. The raw value is stored; never rename one.
public enum AudienceMetric: String, Sendable, Hashable, CaseIterable, Codable {
    /// A page shown; the dimension is the page kind (`home`, `catalog`, a dataset tab, `charter`).
    case pageView = "page_view"
    /// A file downloaded; the dimension is the format (`csv`, `geojson`, …).
    case download
    /// A data API call; the dimension is the endpoint (`records`, `exports`, `facets`, …).
    case apiCall = "api_call"
    /// A catalog search; the dimension is the words searched, normalised.
    case search
    /// A catalog search that found nothing; the dimension is the words searched.
    case searchWithoutResults = "search_empty"
    /// A visit that came from another site; the dimension is that site's host name.
    case referrer
}

/// One daily count: how many times `metric` happened on `day`, for `datasetID` and `dimension`.
///
/// It holds no address, no user agent, no identifier: the key is the day and what was seen, never who saw it.
/// Counts of several nodes add up in the store (``AudienceStore/addAudience(_:)``).
public struct AudienceCount: Sendable, Hashable {
    /// The day, in UTC.
    public var day: CivilDate
    public var channel: AudienceChannel
    public var metric: AudienceMetric
    /// The dataset the count is about, empty for none (the home page, a catalog search).
    public var datasetID: String
    /// The page kind, format, endpoint, search words or referring host; empty when the metric has none.
    public var dimension: String
    public var count: Int64

    public init(
        day: CivilDate, channel: AudienceChannel, metric: AudienceMetric, datasetID: String = "", dimension: String = "",
        count: Int64
    ) {
        self.day = day
        self.channel = channel
        self.metric = metric
        self.datasetID = datasetID
        self.dimension = dimension
        self.count = count
    }
}

/// A dataset's counts over the whole retention period, public channel only: the catalog's popularity and what the
/// information tab and the catalog API show.
public struct AudienceDatasetTotals: Sendable, Hashable {
    public var pageViews: Int64 = 0
    public var downloads: Int64 = 0
    public var apiCalls: Int64 = 0

    public init(pageViews: Int64 = 0, downloads: Int64 = 0, apiCalls: Int64 = 0) {
        self.pageViews = pageViews
        self.downloads = downloads
        self.apiCalls = apiCalls
    }

    /// What the catalog sorts by popularity on: every use of the dataset.
    public var popularity: Int64 { pageViews &+ downloads &+ apiCalls }
}

/// The longest audience figures may be kept: 25 months (760 days), the CNIL's limit for audience measurement
/// exempt from consent.
public enum AudienceRetention {
    /// 25 months, in days.
    public static let maximumDays = 760
}

/// Daily audience counts. Conformers: ``SQLiteStore``, ``PostgreSQLStore``.
///
/// One row per day, channel, metric, dataset and dimension, holding a sum: writes are additive upserts, so that
/// several nodes flushing their counters add up, and a count is never read back to be written. Beside them, a
/// running total per dataset and metric (visitors only) moves with every write and purge, in the same transaction.
public protocol AudienceStore: Sendable {
    /// Adds each count to the stored one with the same key (creating it at the count), in one transaction.
    func addAudience(_ counts: [AudienceCount]) async throws
    /// Every stored count from `from` to `to`, both included, oldest day first.
    func audienceCounts(from: CivilDate, to: CivilDate) async throws -> [AudienceCount]
    /// The visitors' page views, downloads and API calls per dataset over every kept day, for the datasets that have
    /// any: read from the running totals, one row per dataset and metric, however many days are kept.
    func audienceDatasetTotals() async throws -> [String: AudienceDatasetTotals]
    /// Deletes the counts of the days before `cutoff` and says how many rows went.
    @discardableResult func purgeAudience(before cutoff: CivilDate) async throws -> Int
    /// Deletes the counts of `metrics` below `threshold` on the days before `cutoff`, and says how many rows went:
    /// search words and referring hosts that can never be shown are not kept once their day is over.
    @discardableResult func purgeAudience(below threshold: Int64, of metrics: [AudienceMetric], before cutoff: CivilDate)
        async throws -> Int
}
