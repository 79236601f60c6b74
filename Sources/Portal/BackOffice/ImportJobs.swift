import Foundation
import Ingest
import Store
import Synchronization

/// Imports started from the back office, each running on its own thread so that a long import
/// never ties up the server, with a state the job page polls.
///
/// At most ``maxConcurrent`` analyses and publications run at once; the others wait in ``State/queued``, first
/// come, first served. A job that finished, or that waits for a confirmation nobody gave, is removed after
/// ``retention`` by ``purge(now:)``, with its uploaded file.
///
/// Jobs live in memory: after a restart, a job page is gone, but nothing half-published
/// remains, since publishing is atomic and orphan staging tables are removed at start-up; the
/// uploads they left are removed by ``purge(now:)``.
final class ImportJobs: Sendable {
    enum State: Sendable {
        /// Waiting for one of the running imports to end.
        case queued
        case analysing(IngestProgress?)
        case ready(Detection)
        case importing(IngestProgress?)
        case done(PublishReport)
        case failed(String)
    }

    struct Job: Sendable {
        let id: String
        let request: ImportRequest
        let fileName: String
        /// Whether the job creates a dataset (else it replaces the data of an existing one).
        let isNew: Bool
        var state: State
        /// When the job last changed phase (queued, ready, done or failed): the age that ``purge(now:)`` looks at.
        var since: Date
    }

    /// The jobs, and the work waiting for a free slot.
    private struct Book {
        var jobs: [String: Job] = [:]
        var waiting: [@Sendable () -> Void] = []
        var running = 0
    }

    /// How long a finished job stays visible, and a ready one waits for its confirmation.
    static let retention: TimeInterval = 3_600

    private let book = Mutex(Book())
    private let store: any StoreEngine
    private let clock: @Sendable () -> Date
    /// How many analyses and publications may run at once.
    let maxConcurrent: Int
    /// Where uploads are kept, one folder per job; swept of folders no job owns.
    private let uploadsDirectory: URL?

    init(
        store: any StoreEngine, clock: @escaping @Sendable () -> Date, maxConcurrent: Int = 2, uploadsDirectory: URL? = nil
    ) {
        self.store = store
        self.clock = clock
        self.maxConcurrent = max(1, maxConcurrent)
        self.uploadsDirectory = uploadsDirectory
    }

    func job(id: String) -> Job? { book.withLock { $0.jobs[id] } }

    /// Registers an uploaded file and detects it as soon as a slot is free.
    func start(id: String, request: ImportRequest, fileName: String, isNew: Bool) {
        let now = clock()
        book.withLock {
            $0.jobs[id] = Job(id: id, request: request, fileName: fileName, isNew: isNew, state: .queued, since: now)
        }
        enqueue { [self] in
            update(id, .analysing(nil))
            do throws(ImportFailure) {
                let detection = try DatasetImporter.detect(request) { progress in self.update(id, .analysing(progress)) }
                update(id, .ready(detection), phaseChange: true)
            } catch {
                finish(id, .failed(error.description))
            }
        }
    }

    /// Publishes a job whose detection the publisher confirmed, possibly with other types, as soon as a slot is free.
    func publish(id: String, detection: Detection) -> Bool {
        let now = clock()
        let request: ImportRequest? = book.withLock { book in
            guard let job = book.jobs[id], case .ready = job.state else { return nil }
            book.jobs[id]?.state = .queued
            book.jobs[id]?.since = now
            return job.request
        }
        guard let request else { return false }
        enqueue { [self] in
            update(id, .importing(nil))
            do throws(ImportFailure) {
                let report = try DatasetImporter.publish(request, detection: detection, store: store, now: clock()) { progress in
                    self.update(id, .importing(progress))
                }
                finish(id, .done(report))
            } catch {
                finish(id, .failed(error.description))
            }
        }
        return true
    }

    /// Jobs analysing or publishing now, and jobs queued (for tests and the job page).
    var load: (running: Int, queued: Int) { book.withLock { ($0.running, $0.waiting.count) } }

    /// Removes the jobs that finished, or have waited for a confirmation, for longer than ``retention``, with
    /// their uploads, and the upload folders no job owns that nothing wrote to for as long (left by a restart or
    /// an interrupted upload). Returns how many jobs and folders went.
    @discardableResult func purge(now: Date) -> Int {
        let horizon = now.addingTimeInterval(-Self.retention)
        let (removed, live) = book.withLock { book -> ([Job], Set<String>) in
            let stale = book.jobs.values.filter { job in
                switch job.state {
                case .done, .failed, .ready: job.since < horizon
                case .queued, .analysing, .importing: false
                }
            }
            for job in stale { book.jobs[job.id] = nil }
            return (stale, Set(book.jobs.keys))
        }
        for job in removed { Self.removeUpload(job.request.file) }
        return removed.count + sweepUploads(keeping: live, olderThan: horizon)
    }

    /// Runs `work` on its own thread now if a slot is free, else when one frees.
    private func enqueue(_ work: @escaping @Sendable () -> Void) {
        let now: Bool = book.withLock { book in
            guard book.running < maxConcurrent else {
                book.waiting.append(work)
                return false
            }
            book.running += 1
            return true
        }
        if now { launch(work) }
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

    private func update(_ id: String, _ state: State, phaseChange: Bool = false) {
        let now = phaseChange ? clock() : nil
        book.withLock { book in
            book.jobs[id]?.state = state
            if let now { book.jobs[id]?.since = now }
        }
    }

    /// Records the outcome and removes the uploaded file, which is no longer needed.
    private func finish(_ id: String, _ state: State) {
        let now = clock()
        let file = book.withLock { book -> URL? in
            book.jobs[id]?.state = state
            book.jobs[id]?.since = now
            return book.jobs[id]?.request.file
        }
        if let file { Self.removeUpload(file) }
    }

    /// Removes the folder of an uploaded file (one folder per job).
    private static func removeUpload(_ file: URL) {
        try? FileManager.default.removeItem(at: file.deletingLastPathComponent())
    }

    /// Removes the upload folders not in `live` whose newest entry is older than `horizon`.
    private func sweepUploads(keeping live: Set<String>, olderThan horizon: Date) -> Int {
        guard let uploadsDirectory else { return 0 }
        let files = FileManager.default
        let folders = (try? files.contentsOfDirectory(at: uploadsDirectory, includingPropertiesForKeys: nil)) ?? []
        var removed = 0
        for folder in folders where !live.contains(folder.lastPathComponent) {
            let entries = (try? files.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
            let newest = ([folder] + entries).compactMap { url in
                (try? files.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
            }.max()
            guard let newest, newest < horizon else { continue }
            if (try? files.removeItem(at: folder)) != nil { removed += 1 }
        }
        return removed
    }
}
