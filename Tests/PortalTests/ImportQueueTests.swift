import CookieCharter
import Foundation
import Ingest
import Logging
import Testing
import Web

@testable import Portal
@testable import Store

/// Back-office imports wait in a queue beyond their limit, a job uploaded to one node is published by another,
/// and the periodic purge removes finished and abandoned jobs, orphan uploads and proofs of consent past their
/// retention.
@Suite struct ImportQueueTests {
    static let csv = "name;count\nalpha;1\nbeta;2\n"

    /// A data directory with a store and an uploads folder, removed afterwards.
    static func withDirectory(_ body: (SQLiteStore, URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("garona-jobs-\(UUID().uuidString)")
        let uploads = directory.appendingPathComponent("uploads")
        try FileManager.default.createDirectory(at: uploads, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(try SQLiteStore(path: directory.appendingPathComponent("garona.sqlite").path), uploads)
    }

    /// An upload folder `id` holding `upload.csv`.
    static func upload(_ id: String, in uploads: URL) throws -> URL {
        let folder = uploads.appendingPathComponent(id)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("upload.csv")
    }

    /// Waits (a liveness timeout, not a measure) until `condition` holds.
    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<600 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    static func isReady(_ job: ImportJobs.Job?) -> Bool {
        if case .ready = job?.state { return true }
        return false
    }

    static func isQueued(_ job: ImportJobs.Job?) -> Bool {
        if case .queued = job?.state { return true }
        return false
    }

    @Test func importsBeyondTheLimitWaitQueuedThenRun() async throws {
        try await Self.withDirectory { store, uploads in
            let jobs = ImportJobs(store: store, clock: { Date() }, maxConcurrent: 1, uploadsDirectory: uploads)
            // The first file is a FIFO: its analysis blocks in open() until the test writes to it.
            let blocking = try Self.upload("first", in: uploads)
            #expect(mkfifo(blocking.path, 0o600) == 0)
            try await jobs.start(
                id: "first", request: ImportRequest(file: blocking, datasetID: "first"), fileName: "a.csv", isNew: true)
            for id in ["second", "third"] {
                let file = try Self.upload(id, in: uploads)
                try Self.csv.write(to: file, atomically: true, encoding: .utf8)
                try await jobs.start(id: id, request: ImportRequest(file: file, datasetID: id), fileName: "b.csv", isNew: true)
            }
            #expect(jobs.load == (running: 1, queued: 2))
            #expect(try await Self.isQueued(jobs.job(id: "second")))
            #expect(try await Self.isQueued(jobs.job(id: "third")))
            // Unblock: pair a writer with the waiting reader, put a regular file in the FIFO's place for any later
            // pass, then send the content.
            let writer = FileHandle(forWritingAtPath: blocking.path)
            try FileManager.default.removeItem(at: blocking)
            try Self.csv.write(to: blocking, atomically: true, encoding: .utf8)
            writer?.write(Data(Self.csv.utf8))
            try writer?.close()
            var mostRunning = 0
            let done = try await Self.eventually {
                mostRunning = max(mostRunning, jobs.load.running)
                for id in ["first", "second", "third"] where !Self.isReady(try await jobs.job(id: id)) { return false }
                return true
            }
            #expect(done && mostRunning <= 1)
            // The last thread gives its slot back once its job is recorded ready.
            #expect(try await Self.eventually { jobs.load == (running: 0, queued: 0) })
        }
    }

    @Test func theJobPageShowsAQueuedJobAsWaiting() throws {
        let catalog = try Catalog.load(from: WebResources.directory.appendingPathComponent("locales"))
        let job = ImportJobs.Job(id: "queued", datasetID: "queued", fileName: "a.csv", isNew: true, state: .queued, since: Date())
        for language in [Language.fr, .en] {
            let values = ImportJobView.values(job, language: language, catalog: catalog)
            let running = values["running"] as? [String: Any]
            #expect(running?["phase"] as? String == catalog.text("bo_phase_queued", in: language))
            #expect(values["refresh"] as? Int == 1)
        }
        #expect(catalog.text("bo_phase_queued", in: .fr) != catalog.text("bo_phase_queued", in: .en))
    }

    @Test func thePurgeRemovesAbandonedJobsAndOrphanUploads() async throws {
        try await Self.withDirectory { store, uploads in
            let jobs = ImportJobs(store: store, clock: { Date() }, maxConcurrent: 2, uploadsDirectory: uploads)
            let file = try Self.upload("abandoned", in: uploads)
            try Self.csv.write(to: file, atomically: true, encoding: .utf8)
            try await jobs.start(
                id: "abandoned", request: ImportRequest(file: file, datasetID: "abandoned"), fileName: "a.csv", isNew: true)
            #expect(try await Self.eventually { Self.isReady(try await jobs.job(id: "abandoned")) })
            let old = try Self.upload("old-orphan", in: uploads)
            try Self.csv.write(to: old, atomically: true, encoding: .utf8)
            let longAgo = Date().addingTimeInterval(-3 * 3_600)
            for path in [old.path, old.deletingLastPathComponent().path] {
                try FileManager.default.setAttributes([.modificationDate: longAgo], ofItemAtPath: path)
            }
            let fresh = try Self.upload("upload-in-progress", in: uploads)
            try Self.csv.write(to: fresh, atomically: true, encoding: .utf8)

            #expect(try await jobs.purge(now: Date()) == 1)
            let left = try FileManager.default.contentsOfDirectory(atPath: uploads.path).sorted()
            #expect(left == ["abandoned", "upload-in-progress"])
            #expect(try await jobs.job(id: "abandoned") != nil)
            #expect(try await store.importUploadChunk(jobID: "abandoned", sequence: 0) != nil)

            // Two hours on, the job nobody confirmed is gone with its upload (the other folder is still fresh on disk
            // but older than the horizon of that clock, so it goes too).
            #expect(try await jobs.purge(now: Date().addingTimeInterval(2 * 3_600)) == 2)
            #expect(try await jobs.job(id: "abandoned") == nil)
            #expect(try await store.importUploadChunk(jobID: "abandoned", sequence: 0) == nil)
            #expect(try FileManager.default.contentsOfDirectory(atPath: uploads.path).isEmpty)
        }
    }

    @Test func aJobUploadedToOneNodeIsConfirmedAndPublishedByAnother() async throws {
        try await Self.withDirectory { store, uploads in
            // Node B: a second process on the same database, with upload folders of its own.
            let otherUploads = uploads.deletingLastPathComponent().appendingPathComponent("uploads-b")
            try FileManager.default.createDirectory(at: otherUploads, withIntermediateDirectories: true)
            let nodeA = ImportJobs(store: store, clock: { Date() }, uploadsDirectory: uploads, node: "a")
            let nodeB = ImportJobs(
                store: try SQLiteStore(path: store.path), clock: { Date() }, uploadsDirectory: otherUploads, node: "b")
            let file = try Self.upload("shared", in: uploads)
            try Self.csv.write(to: file, atomically: true, encoding: .utf8)
            try await nodeA.start(
                id: "shared", request: ImportRequest(file: file, datasetID: "shared", title: "Partagé"), fileName: "a.csv",
                isNew: true)
            #expect(try await Self.eventually { Self.isReady(try await nodeB.job(id: "shared")) })
            // Node A's copy is out of B's reach: B publishes from the store's.
            try FileManager.default.removeItem(at: file.deletingLastPathComponent())
            guard case .ready(let detection) = try await nodeB.job(id: "shared")?.state else { return }
            let confirmed = try detection.overriding(["count=text"])
            #expect(try await nodeB.publish(id: "shared", detection: confirmed))
            #expect(!(try await nodeA.publish(id: "shared", detection: confirmed)))
            #expect(
                try await Self.eventually {
                    if case .done = try await nodeA.job(id: "shared")?.state { return true }
                    return false
                })
            guard case .done(let report) = try await nodeA.job(id: "shared")?.state else { return }
            #expect(report.records == 2 && report.fields.map(\.type) == confirmed.fields.map(\.type))
            #expect(try await store.dataset(id: "shared")?.metadata.titleFR == "Partagé")
            #expect(try await store.importJob(id: "shared")?.node == "b")
            // Once the outcome is recorded, both copies of the file go.
            #expect(
                try await Self.eventually {
                    try await store.importUploadChunk(jobID: "shared", sequence: 0) == nil
                        && FileManager.default.contentsOfDirectory(atPath: otherUploads.path).isEmpty
                })
        }
    }

    @Test func aJobWhoseFileIsGoneFromTheStoreFailsOnTheNodeThatConfirmsIt() async throws {
        try await Self.withDirectory { store, uploads in
            let otherUploads = uploads.deletingLastPathComponent().appendingPathComponent("uploads-b")
            try FileManager.default.createDirectory(at: otherUploads, withIntermediateDirectories: true)
            let nodeA = ImportJobs(store: store, clock: { Date() }, uploadsDirectory: uploads, node: "a")
            let nodeB = ImportJobs(store: store, clock: { Date() }, uploadsDirectory: otherUploads, node: "b")
            let file = try Self.upload("lost", in: uploads)
            try Self.csv.write(to: file, atomically: true, encoding: .utf8)
            try await nodeA.start(
                id: "lost", request: ImportRequest(file: file, datasetID: "lost"), fileName: "a.csv", isNew: true)
            #expect(try await Self.eventually { Self.isReady(try await nodeB.job(id: "lost")) })
            try await store.deleteImportUpload(jobID: "lost")
            guard case .ready(let detection) = try await nodeB.job(id: "lost")?.state else { return }
            #expect(try await nodeB.publish(id: "lost", detection: detection))
            #expect(
                try await Self.eventually {
                    if case .failed(let message) = try await nodeA.job(id: "lost")?.state {
                        return message == ImportJobs.uploadMissing
                    }
                    return false
                })
            #expect(try await store.dataset(id: "lost") == nil)
        }
    }

    @Test func theJobsANodeRanBeforeItStoppedAreMarkedFailedWhenItStarts() async throws {
        try await Self.withDirectory { store, uploads in
            for (id, node) in [("mine", "a"), ("theirs", "b")] {
                try await store.createImportJob(
                    ImportJob(
                        id: id, datasetID: id, isNew: true, fileName: "a.csv", uploadName: "a.csv", state: .analysing,
                        node: node, now: Date()))
            }
            let jobs = ImportJobs(store: store, clock: { Date() }, uploadsDirectory: uploads, node: "a")
            try await jobs.recoverInterrupted()
            guard case .failed(let message) = try await jobs.job(id: "mine")?.state else {
                Issue.record("the interrupted job is not failed")
                return
            }
            #expect(message == ImportJobs.interrupted)
            #expect(try await store.importJob(id: "theirs")?.state == .analysing)
        }
    }

    @Test func aNodeKeepsItsNameAcrossRestartsAndTwoNodesNeverShareOne() async throws {
        try await Self.withDirectory { _, uploads in
            try await Self.withDirectory { _, otherUploads in
                let name = ImportJobs.nodeName(uploadsDirectory: uploads)
                #expect(ImportJobs.nodeName(uploadsDirectory: uploads) == name)
                #expect(ImportJobs.nodeName(uploadsDirectory: otherUploads) != name)
                let file = uploads.deletingLastPathComponent().appendingPathComponent("node-id").path
                let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
                #expect(mode == 0o600)
                // A new data directory at the same place (on another host of the same name) gets a name of its own.
                try FileManager.default.removeItem(atPath: file)
                #expect(ImportJobs.nodeName(uploadsDirectory: uploads) != name)
            }
        }
    }

    @Test func aDetectionReadsWorkbookPartsInTheFolderOfTheNodeThatPublishes() throws {
        let detection = try Ingest.detect(bytes: Array(Self.csv.utf8), fileName: "a.csv")
        let folder = URL(fileURLWithPath: "/var/lib/garona/uploads/job")
        let moved = ImportJobs.extracting(detection, into: folder)
        #expect(moved != detection && moved.fields == detection.fields && moved.preview == detection.preview)
        let json = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(moved)) as? [String: Any]
        #expect((json?["limits"] as? [String: Any])?["extractionDirectory"] as? String == folder.path)
    }

    @Test func thePeriodicPurgeRemovesProofsOfConsentPastTheirRetention() async throws {
        try await Self.withDirectory { store, _ in
            let now = Date(timeIntervalSince1970: 1_790_000_000)
            for age in [40.0, 20.0, 1.0] {
                try await store.appendConsent(
                    ConsentLogEntry(
                        date: now.addingTimeInterval(-age * 86_400), policyVersion: "1", acceptedCategories: "",
                        acceptedServices: "", action: "refuse_all"))
            }
            let purge = SessionPurge(
                store: store, clock: { now }, logger: Logger(label: "test"), consentRetention: 30 * 86_400, jobs: nil)
            await purge.purge()
            let kept = try await store.recentConsents(limit: 10).map(\.date)
            #expect(kept == [now.addingTimeInterval(-86_400), now.addingTimeInterval(-20 * 86_400)])
        }
    }
}
