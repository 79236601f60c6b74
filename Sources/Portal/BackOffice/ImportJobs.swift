import Foundation
import Ingest
import Store
import Synchronization

/// Imports started from the back office, each running on its own thread so that a long import never ties up the
/// server, with a state that the job page reads from the store, whichever node serves it.
///
/// The jobs live in the store (``ImportJobStore``), with their uploaded files in chunks: a job uploaded to one node
/// may be confirmed through another, which claims it (once, whatever the number of nodes), copies the file to its own
/// upload folder and publishes. Only the running work is kept here: the threads, the queue and the throttling of
/// progress writes. At most ``maxConcurrent`` analyses and publications run at once on this node; the others wait
/// in ``ImportJobState/queued``, first come, first served.
///
/// A job that finished, or that waits for a confirmation nobody gave, is removed after ``retention`` by
/// ``purge(now:)``, with its uploaded file; a job whose node restarted (``recoverInterrupted()``) or stopped giving
/// signs of life for ``stallTimeout`` is marked failed. Nothing half-published remains, since publishing is atomic
/// and orphan staging tables are removed at start-up.
final class ImportJobs: Sendable {
    /// A job as the job page shows it.
    enum State: Sendable {
        /// Waiting for one of the running imports to end.
        case queued
        case analysing(ImportJobProgress?)
        case ready(Detection)
        case importing(ImportJobProgress?)
        case done(PublishReport)
        case failed(String)
    }

    /// A job, for the job page.
    struct Job: Sendable {
        let id: String
        let datasetID: String
        let fileName: String
        /// Whether the job creates a dataset (else it replaces the data of an existing one).
        let isNew: Bool
        var state: State
        /// When the job last changed phase (queued, ready, done or failed): the age that ``purge(now:)`` looks at.
        var since: Date
    }

    /// The jobs this node runs or keeps queued, and the work waiting for a free slot.
    private struct Book {
        var local: Set<String> = []
        var waiting: [@Sendable () -> Void] = []
        var running = 0
    }

    /// How long a finished job stays visible, and a ready one waits for its confirmation, unless the operator says
    /// otherwise (`--job-retention-hours`).
    static let defaultRetention: TimeInterval = 3_600
    /// How long a running job may go without a sign of life from its node before it counts as interrupted: well
    /// over the hour between two purges, each of which tells that the node's jobs are alive.
    static let stallTimeout: TimeInterval = 3 * 3_600
    /// The size of the chunks an uploaded file is stored in.
    static let chunkBytes = 1 << 20
    /// The least time between two progress writes of one job.
    static let progressInterval = Duration.milliseconds(500)

    private let book = Mutex(Book())
    let store: any StoreEngine
    let clock: @Sendable () -> Date
    /// How many analyses and publications may run at once on this node.
    let maxConcurrent: Int
    /// Where uploads are kept, one folder per job; swept of folders no job needs.
    let uploadsDirectory: URL
    /// This node's name in the jobs it runs, the same after a restart (see ``nodeName(uploadsDirectory:)``).
    let node: String
    /// How long a finished job stays visible (on every node: jobs live in the store), and a ready one waits for its
    /// confirmation, before ``purge(now:)`` removes it with its upload.
    let retention: TimeInterval

    init(
        store: any StoreEngine, clock: @escaping @Sendable () -> Date, maxConcurrent: Int = 2, uploadsDirectory: URL,
        node: String? = nil, retention: TimeInterval = ImportJobs.defaultRetention
    ) {
        self.retention = retention
        self.store = store
        self.clock = clock
        self.maxConcurrent = max(1, maxConcurrent)
        self.uploadsDirectory = uploadsDirectory
        self.node = node ?? Self.nodeName(uploadsDirectory: uploadsDirectory)
    }

    /// The job `id`, as the store has it, or nil.
    func job(id: String) async throws -> Job? {
        try await store.importJob(id: id).map(Self.job)
    }

    /// The job page's view of a stored job.
    static func job(_ job: ImportJob) -> Job {
        let state: State =
            switch job.state {
            case .queued: .queued
            case .analysing: .analysing(job.progress)
            case .importing: .importing(job.progress)
            case .ready: job.detection.map { .ready($0) } ?? .failed("the analysis of the file was lost")
            case .done: job.report.map { .done($0) } ?? .failed("the report of the import was lost")
            case .failed: .failed(job.failure ?? "")
            }
        return Job(
            id: job.id, datasetID: job.datasetID, fileName: job.fileName, isNew: job.isNew, state: state, since: job.changed)
    }

    /// Registers an uploaded file (in this node's folder for job `id`) and detects it as soon as a slot is free;
    /// the file goes to the store once detected, for the node that will publish it.
    func start(id: String, request: ImportRequest, fileName: String, isNew: Bool) async throws {
        let options = ImportJobOptions(
            title: request.title, delimiter: request.delimiter, encoding: request.encoding, sheet: request.sheet,
            fieldTypes: request.fieldTypes, fieldSeparators: request.fieldSeparators)
        try await store.createImportJob(
            ImportJob(
                id: id, datasetID: request.datasetID, isNew: isNew, fileName: fileName,
                uploadName: request.file.lastPathComponent, options: options, node: node, now: clock()))
        enqueue(id) { [self] in
            do {
                guard try change(id, from: [.queued], to: ImportJobChange(.analysing)) else { return }
                let detection: Detection
                do throws(ImportFailure) {
                    let progress = ProgressWriter(jobs: self, id: id, state: .analysing)
                    detection = try DatasetImporter.detect(request) { progress.record($0) }
                } catch {
                    finish(id, from: [.analysing], ImportJobChange(.failed, failure: error.description))
                    return
                }
                let upload = try saveUpload(id, file: request.file)
                try change(id, from: [.analysing], to: ImportJobChange(.ready, detection: detection, upload: upload))
            } catch {
                finish(id, from: [.queued, .analysing], ImportJobChange(.failed, failure: Self.storeFailure))
            }
        }
    }

    /// Claims a job whose detection the publisher confirmed, possibly with other types, and publishes it on this
    /// node as soon as a slot is free. Returns false when the job is not ready (any more): another request, maybe on
    /// another node, claimed it first. A publication is audited as made by `actor`, when given, before the job shows
    /// it done.
    func publish(id: String, detection: Detection, by actor: String? = nil) async throws -> Bool {
        guard let job = try await store.importJob(id: id), job.state == .ready,
            try await store.claimImportJob(id: id, detection: detection, node: node, now: clock())
        else { return false }
        enqueue(id) { [self] in
            do {
                guard try change(id, from: [.queued], to: ImportJobChange(.importing)) else { return }
                let file = try localUpload(job)
                let request = ImportRequest(
                    file: file, datasetID: job.datasetID, title: job.options.title, delimiter: job.options.delimiter,
                    encoding: job.options.encoding, sheet: job.options.sheet, fieldTypes: job.options.fieldTypes,
                    fieldSeparators: job.options.fieldSeparators)
                let confirmed = Self.extracting(detection, into: file.deletingLastPathComponent())
                do throws(ImportFailure) {
                    let progress = ProgressWriter(jobs: self, id: id, state: .importing)
                    let report = try DatasetImporter.publish(request, detection: confirmed, store: store, now: clock()) {
                        progress.record($0)
                    }
                    if let actor { recordPublication(report, isNew: job.isNew, by: actor) }
                    finish(id, from: [.importing], ImportJobChange(.done, report: report))
                } catch {
                    finish(id, from: [.importing], ImportJobChange(.failed, failure: error.description))
                }
            } catch is ImportUploadMissing {
                finish(id, from: [.importing], ImportJobChange(.failed, failure: Self.uploadMissing))
            } catch {
                finish(id, from: [.queued, .importing], ImportJobChange(.failed, failure: Self.storeFailure))
            }
        }
        return true
    }

    /// Records a publication in the audit log, waiting for it on this thread (the job's own, never one of the
    /// cooperative pool's); a failure to record it does not fail the publication.
    private func recordPublication(_ report: PublishReport, isNew: Bool, by actor: String) {
        let entry = AuditEntry(
            at: clock(), actor: actor, action: isNew ? .publish : .republish, target: report.datasetID,
            detail: "version \(report.version), \(report.records) records")
        let recorded = DispatchSemaphore(value: 0)
        Task { [store] in
            try? await store.appendAudit(entry)
            recorded.signal()
        }
        recorded.wait()
    }

    /// Jobs analysing or publishing now on this node, and jobs queued (for tests and the job page).
    var load: (running: Int, queued: Int) { book.withLock { ($0.running, $0.waiting.count) } }

    /// Marks as failed the jobs that this node was running when it stopped (at start-up, before any new job).
    func recoverInterrupted() async throws {
        let live = book.withLock { $0.local }
        try await store.failRunningImportJobs(
            node: node, updatedBefore: nil, sparing: live, reason: Self.interrupted, now: clock())
    }

    /// Tells that this node's jobs are alive, marks as failed those of nodes silent for ``stallTimeout``, removes
    /// the jobs that finished, or have waited for a confirmation, for longer than ``retention``, with their uploads,
    /// and the upload folders that no job needs and nothing wrote to for as long (left by another node's
    /// publication, a restart or an interrupted upload). Returns how many jobs and folders went.
    @discardableResult func purge(now: Date) async throws -> Int {
        let horizon = now.addingTimeInterval(-retention)
        let live = book.withLock { $0.local }
        try await store.touchImportJobs(ids: live.sorted(), now: now)
        try await store.failRunningImportJobs(
            node: nil, updatedBefore: now.addingTimeInterval(-Self.stallTimeout), sparing: live, reason: Self.interrupted,
            now: now)
        let removed = try await store.purgeImportJobs(changedBefore: horizon)
        for id in removed { removeUpload(id) }
        return removed.count + (try await sweepUploads(keeping: live, olderThan: horizon))
    }

    /// What the publisher reads when the store failed during a job.
    static let storeFailure = "the import could not be recorded in the database; nothing was published"
    /// What the publisher reads when the uploaded file is no longer whole in the store.
    static let uploadMissing = "the uploaded file is no longer available; nothing was published, send the file again"
    /// What the publisher reads about a job whose node stopped while running it.
    static let interrupted = "the import was interrupted (the server stopped); nothing was published, send the file again"

    /// Runs `work` for job `id` on its own thread now if a slot is free, else when one frees.
    private func enqueue(_ id: String, _ work: @escaping @Sendable () -> Void) {
        let job: @Sendable () -> Void = { [self] in
            work()
            _ = book.withLock { $0.local.remove(id) }
        }
        let now: Bool = book.withLock { book in
            book.local.insert(id)
            guard book.running < maxConcurrent else {
                book.waiting.append(job)
                return false
            }
            book.running += 1
            return true
        }
        if now { launch(job) }
    }

    private func launch(_ work: @escaping @Sendable () -> Void) {
        Thread.detachNewThread { [self] in
            work()
            let next: (@Sendable () -> Void)? = book.withLock { book in
                guard !book.waiting.isEmpty else {
                    book.running -= 1
                    return nil
                }
                return book.waiting.removeFirst()
            }
            if let next { launch(next) }
        }
    }

    /// Applies `change` to job `id` if it is in one of `expected`, from an import thread; says whether it did.
    @discardableResult
    private func change(_ id: String, from expected: Set<ImportJobState>, to change: ImportJobChange) throws -> Bool {
        let now = clock()
        return try StoreCall.wait { [store] in
            try await store.changeImportJob(id: id, expecting: expected, to: change, now: now)
        }
    }

    /// Records how far job `id` is, from an import thread; a failure only costs the page an update.
    fileprivate func recordProgress(_ id: String, _ state: ImportJobState, _ progress: ImportJobProgress) {
        let now = clock()
        _ = try? StoreCall.wait { [store] in
            try await store.recordImportProgress(id: id, state: state, progress: progress, now: now)
        }
    }

    /// Removes this node's copy of the uploaded file, which is no longer needed, records the outcome, then deletes
    /// the stored copy: once the job page shows the outcome, no file of the job is left on this node.
    private func finish(_ id: String, from expected: Set<ImportJobState>, _ outcome: ImportJobChange) {
        removeUpload(id)
        _ = try? change(id, from: expected, to: outcome)
        _ = try? StoreCall.wait { [store] in try await store.deleteImportUpload(jobID: id) }
    }

    /// Removes the upload folder of job `id` (one folder per job).
    private func removeUpload(_ id: String) {
        try? FileManager.default.removeItem(at: uploadsDirectory.appendingPathComponent(id))
    }
}

/// Writes the progress of one pass of a job to the store, at most once per ``ImportJobs/progressInterval``.
///
/// Used by the one import thread that runs the pass.
private final class ProgressWriter {
    let jobs: ImportJobs
    let id: String
    let state: ImportJobState
    private var last: ContinuousClock.Instant?

    init(jobs: ImportJobs, id: String, state: ImportJobState) {
        self.jobs = jobs
        self.id = id
        self.state = state
    }

    func record(_ progress: IngestProgress) {
        let now = ContinuousClock.now
        if let last, now - last < ImportJobs.progressInterval { return }
        last = now
        jobs.recordProgress(id, state, ImportJobProgress(progress))
    }
}
