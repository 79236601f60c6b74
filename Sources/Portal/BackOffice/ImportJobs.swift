import Foundation
import Ingest
import Store
import Synchronization

/// Imports started from the back office, each running on its own thread so that a long import
/// never ties up the server, with a state the job page polls.
///
/// Jobs live in memory: after a restart, a job page is gone, but nothing half-published
/// remains, since publishing is atomic and orphan staging tables are removed at start-up.
final class ImportJobs: Sendable {
    enum State: Sendable {
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
    }

    private let jobs = Mutex<[String: Job]>([:])
    private let store: SQLiteStore
    private let clock: @Sendable () -> Date

    init(store: SQLiteStore, clock: @escaping @Sendable () -> Date) {
        self.store = store
        self.clock = clock
    }

    func job(id: String) -> Job? { jobs.withLock { $0[id] } }

    /// Registers an uploaded file and starts detecting it.
    func start(id: String, request: ImportRequest, fileName: String, isNew: Bool) {
        jobs.withLock { $0[id] = Job(id: id, request: request, fileName: fileName, isNew: isNew, state: .analysing(nil)) }
        Thread.detachNewThread { [self] in
            do throws(ImportFailure) {
                let detection = try DatasetImporter.detect(request) { progress in self.update(id, .analysing(progress)) }
                update(id, .ready(detection))
            } catch {
                finish(id, .failed(error.description))
            }
        }
    }

    /// Publishes a job whose detection the publisher confirmed, possibly with other types.
    func publish(id: String, detection: Detection) -> Bool {
        let request: ImportRequest? = jobs.withLock { jobs in
            guard let job = jobs[id], case .ready = job.state else { return nil }
            jobs[id]?.state = .importing(nil)
            return job.request
        }
        guard let request else { return false }
        Thread.detachNewThread { [self] in
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

    private func update(_ id: String, _ state: State) {
        jobs.withLock { $0[id]?.state = state }
    }

    /// Records the outcome and removes the uploaded file, which is no longer needed.
    private func finish(_ id: String, _ state: State) {
        let file = jobs.withLock { jobs -> URL? in
            jobs[id]?.state = state
            return jobs[id]?.request.file
        }
        if let file { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
    }
}
