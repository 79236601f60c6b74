import Foundation
import Testing

@testable import Store

/// The datasets' sources and attachments, on both engines: a source's lease is taken by one node only, validators
/// follow the run's outcome, runs are kept newest first and bounded, and both go with their dataset; attachments are
/// stored in chunks and read back whole.
@Suite struct SourceStoreTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    /// A store of either engine, as the scenarios need it.
    typealias Engine = SourceStore & AttachmentStore & DatasetStore

    static func source(_ id: String, url: String = "https://data.example.org/gares.csv") -> DatasetSource {
        DatasetSource(
            datasetID: id, url: url, options: ImportJobOptions(delimiter: ";", fieldTypes: ["code=text"]),
            schedule: .every(minutes: 60), nextRunAt: now, updatedAt: now)
    }

    static func result(
        _ id: String, _ outcome: SourceOutcome, at start: Date, etag: String? = nil, lastModified: String? = nil
    ) -> SourceRunResult {
        SourceRunResult(
            run: SourceRun(
                datasetID: id, trigger: .schedule, startedAt: start, finishedAt: start.addingTimeInterval(2),
                outcome: outcome, detail: outcome == .failed ? "the server answered HTTP 500" : "", bytes: 10),
            etag: etag, lastModified: lastModified, nextRunAt: start.addingTimeInterval(3_600))
    }

    // MARK: - Scenarios, run on each engine

    /// Setting, leasing, finishing and removing a source.
    static func sources(_ store: some Engine) async throws {
        await #expect(throws: StoreError.notFound("gares")) { try await store.saveSource(source("gares")) }
        try await store.createDataset(DatasetMetadata(id: "gares", titleFR: "Gares"), now: now)
        try await store.saveSource(source("gares"))
        let saved = try #require(try await store.source(datasetID: "gares"))
        #expect(saved.url == "https://data.example.org/gares.csv" && saved.schedule == .every(minutes: 60))
        #expect(saved.options.delimiter == ";" && saved.options.fieldTypes == ["code=text"])
        #expect(saved.etag == nil && saved.lastOutcome == nil && saved.leaseNode == nil)
        #expect(try await store.sources().map(\.datasetID) == ["gares"])
        #expect(try await store.dueSources(now: now.addingTimeInterval(-1), limit: 10).isEmpty)
        #expect(try await store.dueSources(now: now, limit: 10).map(\.datasetID) == ["gares"])

        // One node takes the lease; the other is refused, and the source is no longer listed as due.
        let lease = now.addingTimeInterval(600)
        #expect(try await store.claimSource(datasetID: "gares", node: "a", now: now, leaseUntil: lease, force: false))
        #expect(!(try await store.claimSource(datasetID: "gares", node: "b", now: now, leaseUntil: lease, force: true)))
        #expect(try await store.dueSources(now: now, limit: 10).isEmpty)
        #expect(try await store.source(datasetID: "gares")?.leaseNode == "a")

        // A published run sets the validators and the next due time, and releases the lease.
        try await store.finishSourceRun(
            result("gares", .published, at: now, etag: "\"v1\"", lastModified: "Mon, 01 Dec 2026 10:00:00 GMT"), node: "a")
        var after = try #require(try await store.source(datasetID: "gares"))
        #expect(after.etag == "\"v1\"" && after.lastModified == "Mon, 01 Dec 2026 10:00:00 GMT")
        #expect(after.leaseNode == nil && after.leaseUntil == nil && after.lastOutcome == .published)
        #expect(after.nextRunAt == now.addingTimeInterval(3_600) && after.lastRunAt == now)

        // Not due: only a forced claim (refresh now) runs it. A failed run keeps the validators.
        let later = now.addingTimeInterval(60)
        #expect(!(try await store.claimSource(datasetID: "gares", node: "b", now: later, leaseUntil: lease, force: false)))
        #expect(try await store.claimSource(datasetID: "gares", node: "b", now: later, leaseUntil: lease, force: true))
        try await store.finishSourceRun(result("gares", .failed, at: later), node: "b")
        after = try #require(try await store.source(datasetID: "gares"))
        #expect(after.etag == "\"v1\"" && after.lastOutcome == .failed)

        // A lease that expired is taken over (its node died).
        #expect(try await store.claimSource(datasetID: "gares", node: "a", now: later, leaseUntil: later, force: true))
        let expired = later.addingTimeInterval(1)
        #expect(try await store.claimSource(datasetID: "gares", node: "b", now: expired, leaseUntil: lease, force: true))
        // The dead node's late finish changes nothing on the source.
        try await store.finishSourceRun(result("gares", .published, at: later, etag: "\"zombie\""), node: "a")
        #expect(try await store.source(datasetID: "gares")?.etag == "\"v1\"")
        try await store.finishSourceRun(result("gares", .unchanged, at: expired, etag: "\"v1\""), node: "b")

        // The same URL and options keep the validators; another URL forgets them.
        try await store.saveSource(source("gares"))
        #expect(try await store.source(datasetID: "gares")?.etag == "\"v1\"")
        try await store.saveSource(source("gares", url: "https://data.example.org/gares-v2.csv"))
        #expect(try await store.source(datasetID: "gares")?.etag == nil)

        let runs = try await store.sourceRuns(datasetID: "gares", limit: 10)
        #expect(runs.map(\.outcome) == [.unchanged, .published, .failed, .published])
        #expect(runs[2].detail == "the server answered HTTP 500" && runs[2].bytes == 10 && runs[2].trigger == .schedule)
        #expect(try await store.sourceRuns(datasetID: nil, limit: 2).count == 2)
        #expect(try await store.sourceRuns(datasetID: "other", limit: 10).isEmpty)

        // The latest 50 runs are kept.
        for index in 0..<55 {
            let start = now.addingTimeInterval(Double(1_000 + index))
            #expect(try await store.claimSource(datasetID: "gares", node: "a", now: start, leaseUntil: start, force: true))
            try await store.finishSourceRun(result("gares", .unchanged, at: start), node: "a")
        }
        #expect(try await store.sourceRuns(datasetID: "gares", limit: 100).count == 50)

        #expect(try await store.deleteSource(datasetID: "gares"))
        #expect(!(try await store.deleteSource(datasetID: "gares")))
        #expect(try await store.source(datasetID: "gares") == nil)
        #expect(try await store.sourceRuns(datasetID: "gares", limit: 10).isEmpty)

        // A source and its runs go with their dataset.
        try await store.saveSource(source("gares"))
        #expect(try await store.claimSource(datasetID: "gares", node: "a", now: now, leaseUntil: lease, force: true))
        try await store.finishSourceRun(result("gares", .published, at: now), node: "a")
        try await store.deleteDataset(id: "gares")
        #expect(try await store.sources().isEmpty)
        #expect(try await store.sourceRuns(datasetID: nil, limit: 10).isEmpty)
    }

    /// Attachments stored in chunks, read back whole, unique per dataset, removed with their dataset.
    static func attachments(_ store: some Engine) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("garona-att-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("dictionnaire.pdf")
        let bytes = Data((0..<(Attachment.chunkBytes * 2 + 1_000)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try bytes.write(to: file)
        let attachment = Attachment(
            datasetID: "gares", id: "dictionnaire_pdf", title: "Dictionnaire des données", fileName: "dictionnaire.pdf",
            mimeType: "application/pdf", createdAt: now)

        await #expect(throws: StoreError.notFound("gares")) { try await store.addAttachment(attachment, contents: file) }
        try await store.createDataset(DatasetMetadata(id: "gares", titleFR: "Gares"), now: now)
        let stored = try await store.addAttachment(attachment, contents: file)
        #expect(stored.bytes == bytes.count)
        await #expect(throws: StoreError.duplicate("dictionnaire_pdf")) {
            try await store.addAttachment(attachment, contents: file)
        }
        var second = attachment
        second.id = "notice_txt"
        second.createdAt = now.addingTimeInterval(1)
        let empty = directory.appendingPathComponent("empty.txt")
        try Data().write(to: empty)
        try await store.addAttachment(second, contents: empty)

        #expect(try await store.attachments(datasetID: "gares").map(\.id) == ["dictionnaire_pdf", "notice_txt"])
        #expect(try await store.attachment(datasetID: "gares", id: "dictionnaire_pdf") == stored)
        #expect(try await store.attachment(datasetID: "gares", id: "nope") == nil)
        var read = Data()
        var sequence = 0
        while let chunk = try await store.attachmentChunk(datasetID: "gares", id: "dictionnaire_pdf", sequence: sequence) {
            read.append(chunk)
            sequence += 1
        }
        #expect(sequence == 3 && read == bytes)
        #expect(try await store.attachmentChunk(datasetID: "gares", id: "notice_txt", sequence: 0) == nil)

        #expect(try await store.deleteAttachment(datasetID: "gares", id: "notice_txt"))
        #expect(!(try await store.deleteAttachment(datasetID: "gares", id: "notice_txt")))
        try await store.deleteDataset(id: "gares")
        try await store.createDataset(DatasetMetadata(id: "gares", titleFR: "Gares"), now: now)
        #expect(try await store.attachments(datasetID: "gares").isEmpty)
        #expect(try await store.attachmentChunk(datasetID: "gares", id: "dictionnaire_pdf", sequence: 0) == nil)
    }

    /// Two nodes claim the same due source at once, many times: exactly one claim applies each time.
    static func oneLeaseAtATime(_ first: some Engine, _ second: some Engine) async throws {
        try await first.createDataset(DatasetMetadata(id: "gares", titleFR: "Gares"), now: now)
        try await first.saveSource(source("gares"))
        for round in 0..<20 {
            let start = now.addingTimeInterval(Double(round) * 7_200)
            async let a = first.claimSource(datasetID: "gares", node: "a", now: start, leaseUntil: start, force: false)
            async let b = second.claimSource(datasetID: "gares", node: "b", now: start, leaseUntil: start, force: false)
            let (claimedA, claimedB) = try await (a, b)
            #expect(claimedA != claimedB, "round \(round): exactly one node takes the lease")
            try await first.finishSourceRun(result("gares", .unchanged, at: start), node: claimedA ? "a" : "b")
        }
        #expect(try await first.sourceRuns(datasetID: "gares", limit: 100).count == 20)
    }

    @Test func sqliteSources() async throws { try await withTemporaryStore { store, _ in try await Self.sources(store) } }
    @Test func sqliteAttachments() async throws {
        try await withTemporaryStore { store, _ in try await Self.attachments(store) }
    }
    @Test func sqliteOneLeaseAtATime() async throws {
        try await withTemporaryStore { store, path in try await Self.oneLeaseAtATime(store, try SQLiteStore(path: path)) }
    }

    @Test(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason))
    func postgresqlSources() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in try await Self.sources(store) }
    }

    @Test(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason))
    func postgresqlAttachments() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in try await Self.attachments(store) }
    }

    @Test(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason))
    func postgresqlOneLeaseAtATime() async throws {
        try await PostgreSQLTestDatabase.withStore { store, url in
            let second = try await PostgreSQLStore.open(url: url, poolSize: 2, waitSeconds: 5)
            defer { second.shutdown() }
            try await Self.oneLeaseAtATime(store, second)
        }
    }
}

/// The schedules of sources: what the command line and the back office accept, and when the next run is due.
@Suite struct SourceScheduleTests {
    static let paris = TimeZone(identifier: "Europe/Paris")!

    @Test func readsPeriodsAndDailyTimes() {
        #expect(SourceSchedule(text: "30m") == .every(minutes: 30))
        #expect(SourceSchedule(text: "1h") == .every(minutes: 60))
        #expect(SourceSchedule(text: "hourly") == .every(minutes: 60))
        #expect(SourceSchedule(text: "90") == .every(minutes: 90))
        #expect(SourceSchedule(text: "daily 03:00") == .daily(hour: 3, minute: 0))
        #expect(SourceSchedule(text: "23:59") == .daily(hour: 23, minute: 59))
        for refused in ["", "4m", "0h", "169h", "25:00", "03:60", "3:0", "daily", "every", "1d", "-5m", "1000000000000m"] {
            #expect(SourceSchedule(text: refused) == nil, "\(refused)")
        }
        for schedule in [SourceSchedule.every(minutes: 30), .every(minutes: 120), .daily(hour: 3, minute: 5)] {
            #expect(SourceSchedule(text: schedule.text) == schedule)
        }
    }

    @Test func periodsCountFromTheRunsStart() {
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        #expect(SourceSchedule.every(minutes: 30).nextRun(after: start) == start.addingTimeInterval(1_800))
    }

    /// 2026-03-29 and 2026-10-25 are the nights Paris changes its clocks.
    @Test func dailyTimesAreParisWallClockTimesAcrossDaylightSaving() {
        func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text) ?? .distantPast }
        let daily = SourceSchedule.daily(hour: 3, minute: 0)
        // Winter: 03:00 in Paris is 02:00 UTC; a run at 03:00 itself is next due the day after.
        #expect(daily.nextRun(after: instant("2026-01-10T01:00:00Z"), timeZone: Self.paris) == instant("2026-01-10T02:00:00Z"))
        #expect(daily.nextRun(after: instant("2026-01-10T02:00:00Z"), timeZone: Self.paris) == instant("2026-01-11T02:00:00Z"))
        // Summer: 03:00 in Paris is 01:00 UTC.
        #expect(daily.nextRun(after: instant("2026-07-01T12:00:00Z"), timeZone: Self.paris) == instant("2026-07-02T01:00:00Z"))
        // The night clocks go forward, 02:30 does not exist: the run is at 03:00 (CEST), 01:00 UTC.
        let missing = SourceSchedule.daily(hour: 2, minute: 30)
        #expect(
            missing.nextRun(after: instant("2026-03-28T12:00:00Z"), timeZone: Self.paris)
                == instant("2026-03-29T01:00:00Z"))
        // The night clocks go back, 02:30 happens twice: the run is at the first, 00:30 UTC, once.
        let first = instant("2026-10-25T00:30:00Z")
        #expect(missing.nextRun(after: instant("2026-10-24T12:00:00Z"), timeZone: Self.paris) == first)
        #expect(missing.nextRun(after: first, timeZone: Self.paris) == instant("2026-10-26T01:30:00Z"))
    }

    @Test func redactsCredentialsAndRefusesOtherSchemes() {
        #expect(DatasetSource.redacted("https://user:secret@data.example.org/a.csv") == "https://***@data.example.org/a.csv")
        #expect(DatasetSource.redacted("https://data.example.org/a.csv?x=1") == "https://data.example.org/a.csv?x=1")
        #expect(DatasetSource.isFetchable("https://data.example.org/a.csv"))
        #expect(DatasetSource.isFetchable("HTTP://127.0.0.1:8000/a.csv"))
        for refused in [
            "file:///etc/passwd", "ftp://example.org/a.csv", "/a.csv", "https://", "javascript:alert(1)", "gopher://x/",
        ] {
            #expect(!DatasetSource.isFetchable(refused), "\(refused)")
        }
    }
}
