import Foundation
import Ingest
import Logging
import Store

/// Runs a dataset's source once: takes its lease, fetches the file with a conditional GET and, when it changed,
/// publishes it as the dataset's new version through the importer of uploads (the same detection, options and atomic
/// publication); then records the run, audits it and gives the lease back.
///
/// A failure at any step (network, HTTP status, a file too large or too slow, a file Ingest refuses) is recorded with
/// its reason and publishes nothing: the previous version stays served. Used by the scheduler of `garona serve`, the
/// back office's "refresh now" and `garona source refresh`.
public struct SourceRunner: Sendable {
    let store: any StoreEngine
    let limits: SourceFetcher.Limits
    /// Where each run gets a folder of its own for the file, removed when the run ends.
    let scratchDirectory: URL
    /// This node's name in the leases it takes.
    let node: String
    let clock: @Sendable () -> Date
    let logger: Logger
    /// The time zone of daily schedules.
    var timeZone = SourceSchedule.timeZone

    /// A runner writing its files under `scratchDirectory`, downloading at most `maxBytes` in `seconds`.
    public init(
        store: any StoreEngine, maxBytes: Int, seconds: Int, scratchDirectory: URL, node: String,
        clock: @escaping @Sendable () -> Date, logger: Logger
    ) {
        self.store = store
        limits = SourceFetcher.Limits(maxBytes: maxBytes, seconds: seconds)
        self.scratchDirectory = scratchDirectory
        self.node = node
        self.clock = clock
        self.logger = logger
    }

    /// How long a lease holds past the fetch's limit: the publication of a large file, after which a node that
    /// died is assumed gone.
    static let publicationAllowance: TimeInterval = 3_600

    /// Runs the source of `datasetID` now if this node can take its lease: when it is due, or whatever its schedule
    /// when `force` (refresh now). Returns the run, or nil when there is no source or another node holds the lease.
    /// `actor` is who asked, for the audit log.
    public func run(datasetID: String, trigger: SourceTrigger, actor: String, force: Bool) async throws -> SourceRun? {
        guard let source = try await claim(datasetID: datasetID, force: force) else { return nil }
        return try await runClaimed(source, trigger: trigger, actor: actor)
    }

    /// Takes the lease of the source of `datasetID` for this node, when it is due or `force`; returns the source,
    /// or nil when there is none or another node holds its lease.
    public func claim(datasetID: String, force: Bool) async throws -> DatasetSource? {
        let now = clock()
        let lease = now.addingTimeInterval(TimeInterval(limits.seconds) + Self.publicationAllowance)
        guard try await store.claimSource(datasetID: datasetID, node: node, now: now, leaseUntil: lease, force: force)
        else { return nil }
        return try await store.source(datasetID: datasetID)
    }

    /// Runs `source`, whose lease this node holds (``claim(datasetID:force:)``), records and audits the run, and
    /// gives the lease back.
    @discardableResult
    public func runClaimed(_ source: DatasetSource, trigger: SourceTrigger, actor: String) async throws -> SourceRun {
        let started = clock()
        let result = await SourceFetcher.withFetcher(limits: limits) { fetcher in
            await attempt(source, fetcher: fetcher, trigger: trigger, started: started)
        }
        try await store.finishSourceRun(result, node: node)
        let run = result.run
        _ = try? await store.appendAudit(
            AuditEntry(
                at: run.finishedAt, actor: actor, action: .sourceRun, target: source.datasetID,
                detail: run.outcome.rawValue + (run.detail.isEmpty ? "" : ": " + run.detail)))
        logger.info(
            "source run",
            metadata: ["dataset": "\(source.datasetID)", "outcome": "\(run.outcome.rawValue)", "trigger": "\(trigger.rawValue)"])
        return run
    }

    /// Fetches and, when changed, publishes; the outcome as a run and what it leaves on the source.
    func attempt(_ source: DatasetSource, fetcher: SourceFetcher, trigger: SourceTrigger, started: Date) async
        -> SourceRunResult
    {
        let next = source.schedule.nextRun(after: started, timeZone: timeZone)
        func result(_ outcome: SourceOutcome, _ detail: String, bytes: Int? = nil, etag: String?, lastModified: String?)
            -> SourceRunResult
        {
            SourceRunResult(
                run: SourceRun(
                    datasetID: source.datasetID, trigger: trigger, startedAt: started, finishedAt: clock(), outcome: outcome,
                    detail: detail, bytes: bytes),
                etag: etag, lastModified: lastModified, nextRunAt: next)
        }
        let folder = scratchDirectory.appendingPathComponent("source-" + UUID().uuidString.lowercased())
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            return result(.failed, "the server's disk could not be written", etag: nil, lastModified: nil)
        }
        let fetched: SourceFetcher.Outcome
        do throws(SourceFailure) {
            fetched = try await fetcher.fetch(
                source.url, etag: source.etag, lastModified: source.lastModified, into: folder)
        } catch {
            return result(.failed, error.description, etag: nil, lastModified: nil)
        }
        guard case .downloaded(let file, let bytes, let etag, let lastModified) = fetched else {
            return result(.unchanged, "", etag: source.etag, lastModified: source.lastModified)
        }
        // A dataset deleted while its file was downloaded is not brought back by the publication.
        guard (try? await store.dataset(id: source.datasetID)) != nil else {
            return result(.failed, "the dataset was deleted", bytes: bytes, etag: nil, lastModified: nil)
        }
        let options = source.options
        let request = ImportRequest(
            file: file, datasetID: source.datasetID, delimiter: options.delimiter, encoding: options.encoding,
            sheet: options.sheet, fieldTypes: options.fieldTypes, fieldSeparators: options.fieldSeparators,
            scratchDirectory: folder)
        let store = self.store
        let now = clock()
        let outcome: Result<PublishReport, ImportFailure>
        do {
            // A publication blocks its thread: one of its own, never one of the cooperative pool.
            outcome = try await onOwnThread {
                do throws(ImportFailure) {
                    return .success(try DatasetImporter.run(request, store: store, now: now).1)
                } catch {
                    return .failure(error)
                }
            }
        } catch {
            return result(.failed, "the import could not run", bytes: bytes, etag: nil, lastModified: nil)
        }
        switch outcome {
        case .success(let report):
            return result(
                .published, "version \(report.version), \(report.records) records", bytes: bytes, etag: etag,
                lastModified: lastModified)
        case .failure(let failure):
            return result(.failed, failure.description, bytes: bytes, etag: nil, lastModified: nil)
        }
    }
}
