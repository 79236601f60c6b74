import Foundation
import Hummingbird
import Store
import Testing
import Vocabulary

@testable import Portal

/// The audience's pure parts: what a route counts as, the bounded counters, robots, referring hosts, the report's
/// threshold and shape, periods and the CSV.
@Suite struct AudienceTests {
    let day = CivilDate(year: 2026, month: 12, day: 5)

    @Test func routesNameTheirEvents() {
        let parameters: Parameters = ["id": "gares", "tab": "table", "format": "geojson"]
        #expect(AudienceMiddleware.page(endpointPath: "/", parameters: parameters) == .home)
        #expect(AudienceMiddleware.page(endpointPath: "/explore/", parameters: parameters) == .catalog)
        #expect(AudienceMiddleware.page(endpointPath: "/explore/dataset/{id}/{tab}", parameters: parameters) == .table)
        #expect(AudienceMiddleware.page(endpointPath: "/explore/dataset/{id}/map/points.json", parameters: parameters) == nil)
        #expect(AudienceMiddleware.page(endpointPath: "/backoffice/audience/", parameters: parameters) == nil)
        let base = ExploreAPIController.base
        #expect(
            AudienceMiddleware.apiEvent(endpointPath: base + "/catalog/datasets/{id}/exports/{format}", parameters: parameters)
                == .download(datasetID: "gares", format: "geojson"))
        #expect(
            AudienceMiddleware.apiEvent(endpointPath: base + "/catalog/datasets/{id}/records/{record}", parameters: parameters)
                == .apiCall(datasetID: "gares", endpoint: "records"))
        #expect(
            AudienceMiddleware.apiEvent(endpointPath: base + "/catalog/datasets/{id}", parameters: parameters)
                == .apiCall(datasetID: "gares", endpoint: "dataset"))
        #expect(
            AudienceMiddleware.apiEvent(endpointPath: base + "/catalog/facets", parameters: parameters)
                == .apiCall(datasetID: "", endpoint: "catalog_facets"))
    }

    @Test func countersAreBoundedAndDrained() {
        let counters = AudienceCounters(capacity: AudienceCounters.shardCount)  // one key per shard
        for index in 0..<200 {
            counters.increment(
                AudienceCounterKey(day: 1, channel: .visitors, metric: .search, datasetID: "", dimension: "w\(index)"))
        }
        let counts = counters.drain()
        #expect(counts.reduce(0) { $0 + $1.count } == 200)
        #expect(counts.count <= AudienceCounters.shardCount + 1)
        #expect(counts.contains { $0.dimension == AudienceCounters.otherBucket && $0.count > 0 })
        #expect(counters.drain().isEmpty)
        counters.restore(counts)
        #expect(counters.drain().reduce(0) { $0 + $1.count } == 200)
    }

    @Test func robotsAndReferrers() {
        #expect(KnownBots.isBot("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"))
        #expect(KnownBots.isBot(""))
        #expect(!KnownBots.isBot("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"))
        #expect(ReferrerHost.external("https://user:pw@News.Example.NET:8443/a?b#c", ownHost: "portal.org") == "news.example.net")
        #expect(ReferrerHost.external("https://portal.org/explore/", ownHost: "portal.org:443") == nil)
        #expect(ReferrerHost.external("http://192.0.2.7/x", ownHost: "portal.org") == nil)
        #expect(ReferrerHost.external("https://[2001:db8::1]/", ownHost: "portal.org") == nil)
        #expect(ReferrerHost.external("android-app://com.example", ownHost: "portal.org") == nil)
        #expect(SearchWords.normalised("  Gares   de\tTOULOUSE ") == "gares de toulouse")
        #expect(SearchWords.normalised(" \n ") == nil)
    }

    @Test func theReportShowsWordsAndHostsAtTheThresholdOnly() throws {
        let other = CivilDate(daysSinceEpoch: day.daysSinceEpoch - 1)
        let counts = [
            AudienceCount(day: day, channel: .visitors, metric: .search, dimension: "gares", count: 5),
            AudienceCount(day: other, channel: .visitors, metric: .search, dimension: "gares", count: 4),
            AudienceCount(day: day, channel: .visitors, metric: .search, dimension: "rare", count: 4),
            AudienceCount(day: day, channel: .visitors, metric: .referrer, dimension: "a.example", count: 6),
            AudienceCount(day: day, channel: .visitors, metric: .pageView, datasetID: "g", dimension: "table", count: 2),
            AudienceCount(day: day, channel: .visitors, metric: .download, datasetID: "g", dimension: "csv", count: 3),
            AudienceCount(day: day, channel: .backOffice, metric: .pageView, datasetID: "g", dimension: "map", count: 9),
        ]
        let report = AudienceReport(from: other, to: day, counts: counts)
        #expect(report.searches.map(\.q) == ["gares"] && report.searches.first?.count == 5)
        #expect(report.referrers.map(\.host) == ["a.example"])
        #expect(report.pages["table"] == 2 && report.pages["map"] == 0 && report.pages.count == AudiencePage.allCases.count)
        #expect(report.datasets.count == 1 && report.datasets[0].downloads == ["csv": 3])
        #expect(report.apart[.backOffice] == 9 && report.daily.count == 2)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        #expect(
            Set(json?.keys.map { $0 } ?? [])
                == ["from", "to", "pages", "datasets", "searches", "searches_without_results", "referrers"])
        let csv = String(decoding: AudienceCSV.bytes(counts), as: UTF8.self)
        #expect(csv.contains("gares") && !csv.contains("rare"))
        #expect(AudienceCSV.cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" && AudienceCSV.cell("a;b") == "\"a;b\"")
    }

    @Test func periodsAreCheckedDates() throws {
        let period = try AudiencePeriod(from: nil, to: nil, today: day)
        #expect(period.to == day && period.to.daysSinceEpoch - period.from.daysSinceEpoch == 29)
        #expect(try AudiencePeriod(from: "2024-02-29", to: "2024-03-01", today: day).from.text == "2024-02-29")
        for bad in ["2023-02-29", "2026-1-01", "２０２６-01-01", "2026-01-01x", "0000-01-01"] {
            #expect(throws: AudiencePeriod.Refusal.invalidDate(bad)) { try AudiencePeriod(from: bad, to: nil, today: day) }
        }
        #expect(throws: AudiencePeriod.Refusal.invalidRange) {
            try AudiencePeriod(from: "2026-05-02", to: "2026-05-01", today: day)
        }
    }
}
