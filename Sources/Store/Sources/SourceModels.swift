import Foundation

/// Where a dataset's data comes from: a file on another system, fetched over HTTP(S) on a schedule and published as
/// a new version when it changed.
///
/// The URL may carry credentials (`https://user:secret@host/…`): it is stored whole, since the fetch needs them, but
/// shown and logged only through ``redactedURL``.
public struct DatasetSource: Sendable, Equatable {
    /// The dataset the source feeds; it exists (a source goes with its dataset).
    public var datasetID: String
    /// An `http` or `https` URL of a CSV, JSON, GeoJSON or XLSX file.
    public var url: String
    /// How to read the file: delimiter, encoding, sheet, forced types (the title is unused: the dataset exists).
    public var options: ImportJobOptions
    public var schedule: SourceSchedule
    /// The validators of the last published file, sent back in a conditional GET; nil when unknown.
    public var etag: String?
    public var lastModified: String?
    /// When the next scheduled run is due.
    public var nextRunAt: Date
    /// The node running the source now, and until when its lease holds (a node that died leaves it to expire).
    public var leaseNode: String?
    public var leaseUntil: Date?
    /// The outcome of the last finished run, and when it started.
    public var lastOutcome: SourceOutcome?
    public var lastRunAt: Date?
    public var updatedAt: Date

    public init(
        datasetID: String, url: String, options: ImportJobOptions = ImportJobOptions(), schedule: SourceSchedule,
        nextRunAt: Date, updatedAt: Date
    ) {
        self.datasetID = datasetID
        self.url = url
        self.options = options
        self.schedule = schedule
        self.nextRunAt = nextRunAt
        self.updatedAt = updatedAt
    }

    /// ``url`` without its user and password, for pages and logs.
    public var redactedURL: String { Self.redacted(url) }

    /// `url` without user information; the text up to the scheme when it is not a URL.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(invalid URL)" }
        if components.user != nil || components.password != nil {
            components.user = nil
            components.password = nil
            return (components.string ?? "(invalid URL)").replacingOccurrences(of: "://", with: "://***@")
        }
        return components.string ?? "(invalid URL)"
    }

    /// Whether `url` is an absolute `http` or `https` URL with a host: the only ones a source may have.
    public static func isFetchable(_ url: String) -> Bool {
        guard url.count <= 2_000, let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { return false }
        return true
    }
}

/// How a source run ended.
public enum SourceOutcome: String, Sendable, Hashable, CaseIterable {
    /// A new version was published.
    case published
    /// The server said the file had not changed (304), or it was byte for byte the last one: nothing published.
    case unchanged
    /// The fetch or the import failed; the previous version stays served.
    case failed
}

/// What started a source run.
public enum SourceTrigger: String, Sendable, Hashable {
    /// The schedule of `garona serve`.
    case schedule
    /// "Refresh now" in the back office.
    case manual
    /// `garona source refresh`.
    case commandLine = "cli"
}

/// One run of a source, as the back office lists it.
public struct SourceRun: Sendable, Equatable {
    /// The store's identifier; nil until stored.
    public var id: Int64?
    public var datasetID: String
    public var trigger: SourceTrigger
    public var startedAt: Date
    public var finishedAt: Date
    public var outcome: SourceOutcome
    /// One line for the publisher: the version published, or why the run failed. Never the URL.
    public var detail: String
    /// The bytes fetched, when a file was.
    public var bytes: Int?

    public init(
        id: Int64? = nil, datasetID: String, trigger: SourceTrigger, startedAt: Date, finishedAt: Date,
        outcome: SourceOutcome, detail: String, bytes: Int? = nil
    ) {
        self.id = id
        self.datasetID = datasetID
        self.trigger = trigger
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.detail = detail
        self.bytes = bytes
    }
}

/// What a finished run leaves on its source: the validators to send next time (unchanged when nil) and when the
/// next run is due.
public struct SourceRunResult: Sendable {
    public var run: SourceRun
    public var etag: String?
    public var lastModified: String?
    public var nextRunAt: Date

    public init(run: SourceRun, etag: String?, lastModified: String?, nextRunAt: Date) {
        self.run = run
        self.etag = etag
        self.lastModified = lastModified
        self.nextRunAt = nextRunAt
    }
}

/// The datasets' sources and their runs, shared by every node. Conformers: ``SQLiteStore``, ``PostgreSQLStore``.
///
/// A run belongs to one node at a time: ``claimSource(datasetID:node:now:leaseUntil:force:)`` takes the source's
/// lease with one conditional `UPDATE` (it applies on one node only, whatever the number of nodes racing), and
/// ``finishSourceRun(_:node:)`` records the run and gives the lease back. A node that dies mid-run leaves a lease that
/// expires, after which another node may run the source.
public protocol SourceStore: Sendable {
    /// Sets (creates or replaces) the source of an existing dataset. A new URL or new options forget the validators,
    /// so that the next run fetches the whole file. Throws ``StoreError/notFound(_:)`` for an unknown dataset.
    func saveSource(_ source: DatasetSource) async throws
    /// The source of dataset `datasetID`, or nil.
    func source(datasetID: String) async throws -> DatasetSource?
    /// Every source, by dataset id.
    func sources() async throws -> [DatasetSource]
    /// Removes the source of `datasetID` and its runs; says whether there was one.
    @discardableResult func deleteSource(datasetID: String) async throws -> Bool
    /// The sources due at `now` and not leased, earliest due first.
    func dueSources(now: Date, limit: Int) async throws -> [DatasetSource]
    /// Takes the lease of the source of `datasetID` for `node` until `leaseUntil`, if it is due at `now` (or `force`)
    /// and no other lease holds; says whether this call took it.
    func claimSource(datasetID: String, node: String, now: Date, leaseUntil: Date, force: Bool) async throws -> Bool
    /// Records a run of `node`'s lease: appends the run (keeping the latest 50 of the dataset), sets the validators,
    /// the next due time and the last outcome, and releases the lease.
    func finishSourceRun(_ result: SourceRunResult, node: String) async throws
    /// The latest runs of `datasetID` (of every dataset when nil), newest first.
    func sourceRuns(datasetID: String?, limit: Int) async throws -> [SourceRun]
}

extension SourceStore {
    /// How many runs a dataset keeps.
    public static var keptRuns: Int { 50 }
}
