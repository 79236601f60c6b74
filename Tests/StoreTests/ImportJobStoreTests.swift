import Foundation
import Ingest
import Testing

@testable import Store

/// The import jobs of the back office, on both engines: states changed only from the expected ones (a job is
/// claimed once, whatever the number of nodes), uploads kept in chunks and deleted with their jobs, the purge and
/// the jobs of dead nodes.
@Suite struct ImportJobStoreTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    static let csv = "nom;valeur\nalpha;1\nbeta;2\ngamma;3\n"

    /// Two SQLite stores on one database file, as two processes would open it.
    static func withSQLite(_ body: (SQLiteStore, SQLiteStore) async throws -> Void) async throws {
        try await withTemporaryStore { first, path in try await body(first, try SQLiteStore(path: path)) }
    }

    /// Two PostgreSQL stores on one new database, as two nodes would open it.
    static func withPostgreSQL(_ body: (PostgreSQLStore, PostgreSQLStore) async throws -> Void) async throws {
        try await PostgreSQLTestDatabase.withStore { first, url in
            let second = try await PostgreSQLStore.open(url: url, poolSize: 2, waitSeconds: 5)
            defer { second.shutdown() }
            try await body(first, second)
        }
    }

    static func job(_ id: String, node: String = "node-a", at date: Date = now) -> ImportJob {
        ImportJob(
            id: id, datasetID: "ds-\(id)", isNew: true, fileName: "Données.csv", uploadName: "Donn_es.csv",
            options: ImportJobOptions(title: "Données", delimiter: ";", fieldTypes: ["valeur=text"]), node: node, now: date)
    }

    static func detection() throws -> Detection {
        try Ingest.detect(bytes: Array(csv.utf8), fileName: "data.csv")
    }

    // MARK: - Scenarios, run on each engine

    /// A job goes through its states, each change applied only from the expected state.
    static func lifecycle(_ store: some ImportJobStore) async throws {
        try await store.createImportJob(job("j1"))
        await #expect(throws: StoreError.duplicate("j1")) { try await store.createImportJob(job("j1")) }
        let created = try #require(try await store.importJob(id: "j1"))
        #expect(created.state == .queued && created.node == "node-a" && created.fileName == "Données.csv")
        #expect(created.options == ImportJobOptions(title: "Données", delimiter: ";", fieldTypes: ["valeur=text"]))
        #expect(created.created == now && created.changed == now && created.progress == nil && created.upload == nil)
        #expect(try await store.importJob(id: "nope") == nil)

        let later = now.addingTimeInterval(5)
        #expect(try await store.changeImportJob(id: "j1", expecting: [.queued], to: ImportJobChange(.analysing), now: later))
        #expect(!(try await store.changeImportJob(id: "j1", expecting: [.queued], to: ImportJobChange(.failed), now: later)))
        let progress = ImportJobProgress(bytesRead: 10, totalBytes: 40, records: 2)
        try await store.recordImportProgress(id: "j1", state: .analysing, progress: progress, now: later)
        // A late write of a pass that ended changes nothing.
        try await store.recordImportProgress(
            id: "j1", state: .importing, progress: ImportJobProgress(bytesRead: 1, totalBytes: 1, records: 1), now: later)
        #expect(try await store.importJob(id: "j1")?.progress == progress)
        #expect(try await store.importJob(id: "j1")?.progress?.percent == 25)

        let detection = try detection()
        #expect(
            try await store.changeImportJob(
                id: "j1", expecting: [.analysing],
                to: ImportJobChange(.ready, detection: detection, upload: ImportUpload(chunks: 2, bytes: 30)),
                now: later.addingTimeInterval(1)))
        let ready = try #require(try await store.importJob(id: "j1"))
        #expect(ready.state == .ready && ready.detection == detection && ready.progress == nil)
        #expect(ready.upload == ImportUpload(chunks: 2, bytes: 30) && ready.changed == later.addingTimeInterval(1))

        let report = PublishReport(
            datasetID: "ds-j1", version: 3, records: 3,
            fields: [DatasetField(name: "nom", label: "Nom", type: detection.fields[0].type, facet: true, sortable: true)],
            warnings: [IngestWarning(code: "invalid_values", field: "nom", message: "2 cells", count: 2)],
            phases: [("read", 0.5)])
        #expect(try await store.claimImportJob(id: "j1", detection: detection, node: "node-b", now: later))
        #expect(
            try await store.changeImportJob(
                id: "j1", expecting: [.queued], to: ImportJobChange(.done, report: report), now: later))
        let done = try #require(try await store.importJob(id: "j1"))
        #expect(done.state == .done && done.node == "node-b" && done.detection == detection)
        #expect(done.report?.records == 3 && done.report?.version == 3 && done.report?.fields == report.fields)
        #expect(done.report?.warnings == report.warnings && done.report?.phases.first?.0 == "read")

        try await store.createImportJob(job("j2", at: now.addingTimeInterval(60)))
        #expect(try await store.recentImportJobs(limit: 10).map(\.id) == ["j2", "j1"])
        #expect(try await store.recentImportJobs(limit: 1).map(\.id) == ["j2"])
    }

    /// Chunks come back as stored, and go with their job or on their own.
    static func uploads(_ store: some ImportJobStore) async throws {
        try await store.createImportJob(job("u1"))
        try await store.createImportJob(job("u2"))
        let chunks = [Data([0, 1, 2, 255]), Data(repeating: 7, count: 70_000), Data("fin".utf8)]
        for (sequence, chunk) in chunks.enumerated() {
            try await store.saveImportUploadChunk(jobID: "u1", sequence: sequence, bytes: chunk)
        }
        try await store.saveImportUploadChunk(jobID: "u2", sequence: 0, bytes: Data([9]))
        for (sequence, chunk) in chunks.enumerated() {
            #expect(try await store.importUploadChunk(jobID: "u1", sequence: sequence) == chunk)
        }
        #expect(try await store.importUploadChunk(jobID: "u1", sequence: 3) == nil)
        try await store.deleteImportUpload(jobID: "u1")
        #expect(try await store.importUploadChunk(jobID: "u1", sequence: 0) == nil)
        #expect(try await store.importUploadChunk(jobID: "u2", sequence: 0) == Data([9]))

        // The ready job u2 ages out with its chunks; the running u1 stays.
        #expect(try await store.changeImportJob(id: "u2", expecting: [.queued], to: ImportJobChange(.ready), now: now))
        #expect(try await store.purgeImportJobs(changedBefore: now) == [])
        #expect(try await store.purgeImportJobs(changedBefore: now.addingTimeInterval(1)) == ["u2"])
        #expect(try await store.importJob(id: "u2") == nil)
        #expect(try await store.importUploadChunk(jobID: "u2", sequence: 0) == nil)
        #expect(try await store.importJob(id: "u1")?.state == .queued)
    }

    /// The running jobs of a node that restarted, and those silent for too long, are marked failed; others stay.
    static func deadNodes(_ store: some ImportJobStore) async throws {
        for (id, node) in [("a1", "node-a"), ("a2", "node-a"), ("b1", "node-b"), ("b2", "node-b")] {
            try await store.createImportJob(job(id, node: node))
        }
        try await store.saveImportUploadChunk(jobID: "a1", sequence: 0, bytes: Data([1]))
        #expect(try await store.changeImportJob(id: "a2", expecting: [.queued], to: ImportJobChange(.ready), now: now))
        let failed = try await store.failRunningImportJobs(
            node: "node-a", updatedBefore: nil, sparing: [], reason: "interrupted", now: now.addingTimeInterval(1))
        #expect(failed == 1)
        let a1 = try #require(try await store.importJob(id: "a1"))
        #expect(a1.state == .failed && a1.failure == "interrupted" && a1.changed == now.addingTimeInterval(1))
        #expect(try await store.importUploadChunk(jobID: "a1", sequence: 0) == nil)
        #expect(try await store.importJob(id: "a2")?.state == .ready)

        // b1 gives a sign of life, b2 does not.
        try await store.touchImportJobs(ids: ["b1"], now: now.addingTimeInterval(100))
        #expect(
            try await store.failRunningImportJobs(
                node: nil, updatedBefore: now.addingTimeInterval(50), sparing: [], reason: "silent", now: now) == 1)
        #expect(try await store.importJob(id: "b1")?.state == .queued)
        #expect(try await store.importJob(id: "b2")?.failure == "silent")
        #expect(
            try await store.failRunningImportJobs(
                node: "node-b", updatedBefore: nil, sparing: ["b1"], reason: "x", now: now) == 0)
        #expect(try await store.importJob(id: "b1")?.state == .queued)
    }

    /// Node A receives the file and analyses it; node B claims the job (A no longer can), copies the file back from
    /// the chunks, publishes, and A sees the outcome and the dataset.
    ///
    /// `publish` publishes on node B (the file's bytes, with the job's detection), `records` counts on node A the
    /// records of a dataset.
    static func confirmedOnAnotherNode(
        _ nodeA: some ImportJobStore, _ nodeB: some ImportJobStore,
        publish: (ImportJob, [UInt8]) throws -> PublishReport, records: (String) async throws -> Int?
    ) async throws {
        let bytes = Array(csv.utf8)
        try await nodeA.createImportJob(job("x1", node: "node-a"))
        #expect(try await nodeA.changeImportJob(id: "x1", expecting: [.queued], to: ImportJobChange(.analysing), now: now))
        var chunks = 0
        for start in stride(from: 0, to: bytes.count, by: 7) {
            let chunk = Data(bytes[start..<min(start + 7, bytes.count)])
            try await nodeA.saveImportUploadChunk(jobID: "x1", sequence: chunks, bytes: chunk)
            chunks += 1
        }
        let detection = try detection()
        let upload = ImportUpload(chunks: chunks, bytes: bytes.count)
        #expect(
            try await nodeA.changeImportJob(
                id: "x1", expecting: [.analysing], to: ImportJobChange(.ready, detection: detection, upload: upload),
                now: now))

        let seen = try #require(try await nodeB.importJob(id: "x1"))
        #expect(seen.state == .ready && seen.upload == upload)
        let confirmed = try seen.detection?.overriding(["valeur=text"])
        let claimed = try #require(confirmed)
        #expect(try await nodeB.claimImportJob(id: "x1", detection: claimed, node: "node-b", now: now))
        #expect(!(try await nodeA.claimImportJob(id: "x1", detection: claimed, node: "node-a", now: now)))
        #expect(!(try await nodeB.claimImportJob(id: "x1", detection: claimed, node: "node-b", now: now)))
        #expect(try await nodeB.changeImportJob(id: "x1", expecting: [.queued], to: ImportJobChange(.importing), now: now))

        var copy: [UInt8] = []
        for sequence in 0..<upload.chunks {
            copy += try #require(try await nodeB.importUploadChunk(jobID: "x1", sequence: sequence))
        }
        #expect(copy == bytes)
        let job = try #require(try await nodeB.importJob(id: "x1"))
        #expect(job.detection == claimed)
        let report = try publish(job, copy)
        #expect(report.fields.map(\.type) == claimed.fields.map(\.type))
        #expect(claimed.fields.map(\.type) != detection.fields.map(\.type))
        #expect(
            try await nodeB.changeImportJob(
                id: "x1", expecting: [.importing], to: ImportJobChange(.done, report: report), now: now))
        try await nodeB.deleteImportUpload(jobID: "x1")

        let outcome = try #require(try await nodeA.importJob(id: "x1"))
        #expect(outcome.state == .done && outcome.node == "node-b" && outcome.report?.records == 3)
        #expect(try await nodeA.importUploadChunk(jobID: "x1", sequence: 0) == nil)
        #expect(try await records("ds-x1") == 3)
    }

    /// Publishes `bytes` on `store` for `job`, as the node that claimed the job does.
    static func publish(_ job: ImportJob, _ bytes: [UInt8], on store: some DatasetPublisher) throws -> PublishReport {
        let detection = try #require(job.detection)
        return try store.publish(
            datasetID: job.datasetID, reader: try Ingest.read(bytes: bytes, detection: detection),
            newDataset: DatasetMetadata(id: job.datasetID, titleFR: job.options.title ?? job.datasetID), now: now,
            progress: nil)
    }

    // MARK: - SQLite

    @Test func sqliteLifecycle() async throws { try await Self.withSQLite { store, _ in try await Self.lifecycle(store) } }
    @Test func sqliteUploads() async throws { try await Self.withSQLite { store, _ in try await Self.uploads(store) } }
    @Test func sqliteDeadNodes() async throws { try await Self.withSQLite { store, _ in try await Self.deadNodes(store) } }
    @Test func sqliteJobCreatedByStoreAIsPublishedThroughStoreB() async throws {
        try await Self.withSQLite { first, second in
            try await Self.confirmedOnAnotherNode(
                first, second, publish: { try Self.publish($0, $1, on: second) },
                records: { try await first.dataset(id: $0)?.recordsCount })
        }
    }

    // MARK: - PostgreSQL

    @Test(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason))
    func postgresqlLifecycle() async throws { try await Self.withPostgreSQL { store, _ in try await Self.lifecycle(store) } }

    @Test(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason))
    func postgresqlUploads() async throws { try await Self.withPostgreSQL { store, _ in try await Self.uploads(store) } }

    @Test(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason))
    func postgresqlDeadNodes() async throws { try await Self.withPostgreSQL { store, _ in try await Self.deadNodes(store) } }

    @Test(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason))
    func postgresqlJobCreatedByStoreAIsPublishedThroughStoreB() async throws {
        try await Self.withPostgreSQL { first, second in
            try await Self.confirmedOnAnotherNode(
                first, second, publish: { try Self.publish($0, $1, on: second) },
                records: { try await first.dataset(id: $0)?.recordsCount })
        }
    }
}
