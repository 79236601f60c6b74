import Foundation
import Logging
import Synchronization
import Testing

@testable import Portal
@testable import Store

/// The scheduler of sources with an injected clock, on a real SQLite store: a source runs when due and not before,
/// its next run follows its schedule from the run's start, and of two nodes passing at once only one runs it.
///
/// The sources point at a closed port of the loopback, so each run fails at once (with its reason) and nothing
/// else than the schedule is at stake; the fetch and publication are tested on a real server by test_sources.py.
@Suite struct SourceSchedulerTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)
    static let closedURL = "http://127.0.0.1:1/gares.csv"

    /// A clock the test moves by hand.
    final class TestClock: Sendable {
        let now = Mutex(SourceSchedulerTests.start)
        var read: @Sendable () -> Date { { [self] in now.withLock { $0 } } }
        func set(_ date: Date) { now.withLock { $0 = date } }
    }

    static func withStore(_ body: (SQLiteStore, String, URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("garona-src-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("garona.sqlite").path
        let store = try SQLiteStore(path: path)
        try await store.createDataset(DatasetMetadata(id: "gares", titleFR: "Gares"), now: start)
        try await body(store, path, directory)
    }

    static func scheduler(_ store: any StoreEngine, node: String, clock: TestClock, scratch: URL) -> SourceScheduler {
        let runner = SourceRunner(
            store: store, maxBytes: 1 << 20, seconds: 5, scratchDirectory: scratch, node: node, clock: clock.read,
            logger: Logger(label: "test"))
        return SourceScheduler(runner: runner, store: store, clock: clock.read, logger: Logger(label: "test"))
    }

    @Test func runsWhenDueAndFollowsItsPeriod() async throws {
        try await Self.withStore { store, _, scratch in
            let clock = TestClock()
            try await store.saveSource(
                DatasetSource(
                    datasetID: "gares", url: Self.closedURL, schedule: .every(minutes: 30), nextRunAt: Self.start,
                    updatedAt: Self.start))
            let scheduler = Self.scheduler(store, node: "a", clock: clock, scratch: scratch)

            let first = await scheduler.pass()
            #expect(first.map(\.outcome) == [.failed] && first.first?.trigger == .schedule)
            let detail = try #require(first.first?.detail)
            #expect(detail == "the server could not be reached")
            let source = try #require(try await store.source(datasetID: "gares"))
            #expect(source.nextRunAt == Self.start.addingTimeInterval(1_800) && source.leaseNode == nil)

            clock.set(Self.start.addingTimeInterval(1_799))
            #expect(await scheduler.pass().isEmpty)
            clock.set(Self.start.addingTimeInterval(1_800))
            #expect(await scheduler.pass().count == 1)
            #expect(try await store.source(datasetID: "gares")?.nextRunAt == Self.start.addingTimeInterval(3_600))
            #expect(try await store.sourceRuns(datasetID: "gares", limit: 10).count == 2)
            // The scratch folder of each run is removed.
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.hasPrefix("source-") }.isEmpty)
        }
    }

    @Test func dailySourcesRunAtTheirParisTime() async throws {
        try await Self.withStore { store, _, scratch in
            let clock = TestClock()
            let daily = SourceSchedule.daily(hour: 3, minute: 0)
            try await store.saveSource(
                DatasetSource(
                    datasetID: "gares", url: Self.closedURL, schedule: daily, nextRunAt: Self.start, updatedAt: Self.start))
            let scheduler = Self.scheduler(store, node: "a", clock: clock, scratch: scratch)
            #expect(await scheduler.pass().count == 1)
            let next = try #require(try await store.source(datasetID: "gares")?.nextRunAt)
            #expect(next == daily.nextRun(after: Self.start))
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = try #require(TimeZone(identifier: "Europe/Paris"))
            #expect(calendar.dateComponents([.hour, .minute], from: next) == DateComponents(hour: 3, minute: 0))
            clock.set(next.addingTimeInterval(-1))
            #expect(await scheduler.pass().isEmpty)
            clock.set(next)
            #expect(await scheduler.pass().count == 1)
        }
    }

    @Test func twoNodesPassingAtOnceRunASourceOnce() async throws {
        try await Self.withStore { store, path, scratch in
            let clock = TestClock()
            try await store.saveSource(
                DatasetSource(
                    datasetID: "gares", url: Self.closedURL, schedule: .every(minutes: 60), nextRunAt: Self.start,
                    updatedAt: Self.start))
            let other = try SQLiteStore(path: path)
            let a = Self.scheduler(store, node: "a", clock: clock, scratch: scratch)
            let b = Self.scheduler(other, node: "b", clock: clock, scratch: scratch)
            for round in 0..<5 {
                clock.set(Self.start.addingTimeInterval(Double(round) * 3_600))
                async let first = a.pass()
                async let second = b.pass()
                let (ranA, ranB) = await (first, second)
                #expect(ranA.count + ranB.count == 1, "round \(round)")
            }
            #expect(try await store.sourceRuns(datasetID: "gares", limit: 10).count == 5)
        }
    }
}
