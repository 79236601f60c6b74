import Foundation
import Testing

@testable import Portal
@testable import Store

/// Finished import jobs live in the store: a restarted node (a new store and job book on the same database) shows the
/// same job, and the purge keeps it for the configured retention (`--job-retention-hours`), then removes it.
@Suite struct JobRetentionTests {
    @Test func aFinishedJobOutlivesARestartForTheConfiguredRetention() async throws {
        try await ImportQueueTests.withDirectory { store, uploads in
            let finished = Date(timeIntervalSince1970: 1_790_000_000)
            try await store.createImportJob(
                ImportJob(
                    id: "kept", datasetID: "kept", isNew: true, fileName: "a.csv", uploadName: "a.csv", state: .analysing,
                    node: "a", now: finished))
            #expect(
                try await store.changeImportJob(
                    id: "kept", expecting: [.analysing], to: ImportJobChange(.failed, failure: "bad file"), now: finished))
            // Another process on the same database, as after a restart or on another node.
            let restarted = ImportJobs(
                store: try SQLiteStore(path: store.path), clock: { finished }, uploadsDirectory: uploads, node: "b",
                retention: 3 * 3_600)
            guard case .failed(let reason) = try await restarted.job(id: "kept")?.state else {
                Issue.record("the restarted node does not show the job")
                return
            }
            #expect(reason == "bad file")
            // Past the default hour, within the three configured: kept.
            #expect(try await restarted.purge(now: finished.addingTimeInterval(2 * 3_600)) == 0)
            #expect(try await restarted.job(id: "kept") != nil)
            #expect(try await restarted.purge(now: finished.addingTimeInterval(3 * 3_600 + 1)) == 1)
            #expect(try await restarted.job(id: "kept") == nil)
        }
    }
}
