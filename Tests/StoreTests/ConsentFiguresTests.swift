import Foundation
import Testing

@testable import Store

/// The consent log's daily aggregate (``ConsentFigures``) answers alike on both engines: grouped by UTC day, action
/// and categories, within `[from, to)`, in a fixed order. The PostgreSQL run is skipped, saying why, without
/// `GARONA_TEST_POSTGRES_URL`.
@Suite struct ConsentFiguresTests {
    static let day = 20_700.0 * 86_400

    /// Entries on three days (one just before midnight, one at midnight), and the figures expected from them.
    static func check(_ store: any ConsentLog & ConsentFigures) async throws {
        func entry(_ offset: Double, _ action: String, _ categories: String) -> ConsentLogEntry {
            ConsentLogEntry(
                date: Date(timeIntervalSince1970: day + offset), policyVersion: "p1", acceptedCategories: categories,
                acceptedServices: "", action: action)
        }
        for entry in [
            entry(-1, "accept_all", "third_party"), entry(0, "accept_all", "third_party"), entry(10, "save", "statistics"),
            entry(20, "accept_all", "third_party"), entry(30, "save", "third_party"), entry(86_399, "withdraw", ""),
            entry(86_400, "refuse_all", ""), entry(2 * 86_400, "accept_all", "third_party"),
        ] {
            try await store.appendConsent(entry)
        }
        let from = Date(timeIntervalSince1970: day - 86_400)
        let tallies = try await store.consentTallies(from: from, to: Date(timeIntervalSince1970: day + 2 * 86_400))
        #expect(
            tallies == [
                ConsentTally(day: 20_699, action: "accept_all", categories: "third_party", count: 1),
                ConsentTally(day: 20_700, action: "accept_all", categories: "third_party", count: 2),
                ConsentTally(day: 20_700, action: "save", categories: "statistics", count: 1),
                ConsentTally(day: 20_700, action: "save", categories: "third_party", count: 1),
                ConsentTally(day: 20_700, action: "withdraw", categories: "", count: 1),
                ConsentTally(day: 20_701, action: "refuse_all", categories: "", count: 1),
            ])
        let none = try await store.consentTallies(from: Date(timeIntervalSince1970: 0), to: Date(timeIntervalSince1970: 86_400))
        #expect(none.isEmpty)
    }

    @Test func sqliteGroupsByDayActionAndCategories() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("garona-consents-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Self.check(try SQLiteStore(path: directory.appendingPathComponent("garona.sqlite").path))
    }

    @Test(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason))
    func postgresqlGroupsByDayActionAndCategories() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in try await Self.check(store) }
    }
}
