import Foundation
import Store
import Testing
import Vocabulary

/// What the audience counts of a storage engine must do, whatever the engine: each behaviour runs on SQLite
/// (``SQLiteAudienceStoreTests``) and on PostgreSQL (``PostgreSQLAudienceStoreTests``), with a second store on the
/// same database standing for another node.
enum AudienceStoreBehaviours {
    /// One behaviour, named for the test report.
    struct Behaviour: Sendable, CustomTestStringConvertible {
        let name: String
        let check: @Sendable (any AudienceStore, any AudienceStore) async throws -> Void
        var testDescription: String { name }
    }

    /// Every behaviour, for a parameterized test per engine.
    static let all: [Behaviour] = [
        Behaviour(name: "increments add up across batches and nodes", check: incrementsAddUp),
        Behaviour(name: "counts are read by period and totalled per dataset", check: countsAreReadByPeriod),
        Behaviour(name: "old days are purged", check: oldDaysArePurged),
        Behaviour(name: "words below the threshold go once their day is over", check: rareWordsArePurged),
        Behaviour(name: "running totals follow the writes of every node and the purges", check: totalsFollowWrites),
    ]

    static let day = CivilDate(year: 2026, month: 12, day: 5)

    static func incrementsAddUp(_ store: any AudienceStore, _ otherNode: any AudienceStore) async throws {
        let home = AudienceCount(day: day, channel: .visitors, metric: .pageView, dimension: "home", count: 2)
        let csv = AudienceCount(
            day: day, channel: .visitors, metric: .download, datasetID: "gares", dimension: "csv", count: 1)
        // The same key twice in one batch is summed, a zero or negative count is ignored.
        try await store.addAudience([home, csv, csv, AudienceCount(day: day, channel: .visitors, metric: .referrer, count: 0)])
        try await otherNode.addAudience([home])
        try await store.addAudience([])
        // Two nodes flushing at once both count.
        async let first: Void = store.addAudience(Array(repeating: home, count: 3))
        async let second: Void = otherNode.addAudience([home, csv])
        _ = try await (first, second)
        let counts = try await store.audienceCounts(from: day, to: day)
        #expect(counts.count == 2)
        let views = counts.first(where: { $0.metric == .pageView }).map(\.count)
        let downloads = counts.first(where: { $0.metric == .download }).map(\.count)
        #expect(views == 12)  // 2 + 2 + 3 × 2 + 2
        #expect(downloads == 3)
    }

    static func countsAreReadByPeriod(_ store: any AudienceStore, _: any AudienceStore) async throws {
        let yesterday = CivilDate(daysSinceEpoch: day.daysSinceEpoch - 1)
        let lastMonth = CivilDate(daysSinceEpoch: day.daysSinceEpoch - 40)
        try await store.addAudience([
            AudienceCount(day: day, channel: .visitors, metric: .apiCall, datasetID: "gares", dimension: "records", count: 4),
            AudienceCount(
                day: yesterday, channel: .visitors, metric: .pageView, datasetID: "gares", dimension: "table", count: 5),
            AudienceCount(day: lastMonth, channel: .visitors, metric: .download, datasetID: "gares", dimension: "csv", count: 7),
            AudienceCount(day: day, channel: .apiKey, metric: .apiCall, datasetID: "gares", dimension: "records", count: 100),
            AudienceCount(day: day, channel: .backOffice, metric: .pageView, datasetID: "arbres", dimension: "table", count: 9),
            AudienceCount(day: day, channel: .visitors, metric: .search, dimension: "gare de toulouse", count: 6),
            AudienceCount(day: day, channel: .visitors, metric: .download, datasetID: "arbres", dimension: "json", count: 1),
        ])
        let recent = try await store.audienceCounts(from: yesterday, to: day)
        #expect(recent.count == 6)
        #expect(recent.first?.day == yesterday)
        #expect(recent.filter { $0.day == day }.map(\.channel).contains(.apiKey))
        #expect(try await store.audienceCounts(from: lastMonth, to: lastMonth).map(\.count) == [7])
        #expect(try await store.audienceCounts(from: day, to: yesterday).isEmpty)
        // Totals are the visitors' only: the API-key calls and the back office's views are apart.
        let totals = try await store.audienceDatasetTotals()
        #expect(totals["gares"] == AudienceDatasetTotals(pageViews: 5, downloads: 7, apiCalls: 4))
        #expect(totals["arbres"] == AudienceDatasetTotals(pageViews: 0, downloads: 1, apiCalls: 0))
        #expect(totals[""] == nil && totals.count == 2)
    }

    static func oldDaysArePurged(_ store: any AudienceStore, _: any AudienceStore) async throws {
        let old = CivilDate(daysSinceEpoch: day.daysSinceEpoch - AudienceRetention.maximumDays - 1)
        try await store.addAudience([
            AudienceCount(day: old, channel: .visitors, metric: .pageView, dimension: "home", count: 1),
            AudienceCount(day: old, channel: .visitors, metric: .referrer, dimension: "example.org", count: 1),
            AudienceCount(day: day, channel: .visitors, metric: .pageView, dimension: "home", count: 1),
        ])
        let cutoff = CivilDate(daysSinceEpoch: day.daysSinceEpoch - AudienceRetention.maximumDays)
        #expect(try await store.purgeAudience(before: cutoff) == 2)
        #expect(try await store.purgeAudience(before: cutoff) == 0)
        #expect(try await store.audienceCounts(from: old, to: day).map(\.day) == [day])
    }
}

extension AudienceStoreBehaviours {
    static func rareWordsArePurged(_ store: any AudienceStore, _: any AudienceStore) async throws {
        let yesterday = CivilDate(daysSinceEpoch: day.daysSinceEpoch - 1)
        try await store.addAudience([
            AudienceCount(day: yesterday, channel: .visitors, metric: .search, dimension: "rare", count: 4),
            AudienceCount(day: yesterday, channel: .visitors, metric: .search, dimension: "common", count: 5),
            AudienceCount(day: yesterday, channel: .visitors, metric: .referrer, dimension: "a.example", count: 1),
            AudienceCount(day: yesterday, channel: .visitors, metric: .pageView, dimension: "home", count: 1),
            AudienceCount(day: day, channel: .visitors, metric: .search, dimension: "today", count: 1),
        ])
        let purged = try await store.purgeAudience(below: 5, of: [.search, .referrer], before: day)
        #expect(purged == 2)
        let left = try await store.audienceCounts(from: yesterday, to: day).map(\.dimension)
        #expect(left == ["home", "common", "today"])
        #expect(try await store.purgeAudience(below: 5, of: [], before: day) == 0)
    }
}

extension AudienceStoreBehaviours {
    static func totalsFollowWrites(_ store: any AudienceStore, _ otherNode: any AudienceStore) async throws {
        let old = CivilDate(daysSinceEpoch: day.daysSinceEpoch - 30)
        func download(_ on: CivilDate, _ count: Int64, dataset: String = "gares", channel: AudienceChannel = .visitors)
            -> AudienceCount
        {
            AudienceCount(day: on, channel: channel, metric: .download, datasetID: dataset, dimension: "csv", count: count)
        }
        let view = AudienceCount(day: day, channel: .visitors, metric: .pageView, datasetID: "gares", dimension: "map", count: 2)
        try await store.addAudience([download(old, 3), download(day, 4), view, download(day, 50, channel: .apiKey)])
        // Two nodes flushing at once, each with both datasets: both count, in the totals as in the days.
        async let first: Void = store.addAudience([download(day, 1), download(day, 1, dataset: "arbres"), view])
        async let second: Void = otherNode.addAudience([download(day, 10, dataset: "arbres"), download(day, 10)])
        _ = try await (first, second)
        var totals = try await otherNode.audienceDatasetTotals()
        #expect(totals["gares"] == AudienceDatasetTotals(pageViews: 4, downloads: 18, apiCalls: 0))
        #expect(totals["arbres"] == AudienceDatasetTotals(pageViews: 0, downloads: 11, apiCalls: 0))
        // The days purged leave the totals.
        #expect(try await store.purgeAudience(before: CivilDate(daysSinceEpoch: day.daysSinceEpoch - 1)) == 1)
        totals = try await store.audienceDatasetTotals()
        #expect(totals["gares"]?.downloads == 15)
        // So do the rows purged under a threshold: the 11 downloads of "arbres" today go, the 15 of "gares" stay.
        let tomorrow = CivilDate(daysSinceEpoch: day.daysSinceEpoch + 1)
        #expect(try await store.purgeAudience(below: 12, of: [.download], before: tomorrow) == 1)
        totals = try await store.audienceDatasetTotals()
        #expect(totals["gares"] == AudienceDatasetTotals(pageViews: 4, downloads: 15, apiCalls: 0))
        #expect(totals["arbres"] == nil)
        // A dataset left with nothing is not listed.
        try await store.purgeAudience(before: tomorrow)
        #expect(try await store.audienceDatasetTotals().isEmpty)
    }
}

/// The behaviours on the embedded engine; the other node is a second store on the same file.
@Suite struct SQLiteAudienceStoreTests {
    @Test(arguments: AudienceStoreBehaviours.all) func behaviour(_ behaviour: AudienceStoreBehaviours.Behaviour) async throws {
        try await withTemporaryStore { store, path in try await behaviour.check(store, try SQLiteStore(path: path)) }
    }
}

/// The behaviours on PostgreSQL, each on a database of its own, the other node a second pool; skipped, saying why,
/// without `GARONA_TEST_POSTGRES_URL`.
@Suite(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason), .timeLimit(.minutes(1)))
struct PostgreSQLAudienceStoreTests {
    @Test(arguments: AudienceStoreBehaviours.all) func behaviour(_ behaviour: AudienceStoreBehaviours.Behaviour) async throws {
        try await PostgreSQLTestDatabase.withStore { store, url in
            let otherNode = try await PostgreSQLStore.open(url: url, poolSize: 2, waitSeconds: 5)
            defer { otherNode.shutdown() }
            try await behaviour.check(store, otherNode)
        }
    }
}
