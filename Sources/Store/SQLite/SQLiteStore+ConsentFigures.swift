import Foundation
import GRDB

extension SQLiteStore: ConsentFigures {
    /// Grouped in SQL over the `consent_log_created_at` index (migration v10): one row per day, action and categories.
    public func consentTallies(from: Date, to: Date) async throws -> [ConsentTally] {
        try await pool.read { db in
            try TallyRow.fetchAll(
                db,
                sql: """
                    SELECT CAST(created_at / ? AS INTEGER) AS day, action, categories, COUNT(*) AS count
                    FROM consent_log WHERE created_at >= ? AND created_at < ?
                    GROUP BY day, action, categories ORDER BY day, action, categories
                    """,
                arguments: [ConsentTally.secondsPerDay, from.timeIntervalSince1970, to.timeIntervalSince1970]
            ).map { ConsentTally(day: $0.day, action: $0.action, categories: $0.categories, count: $0.count) }
        }
    }
}

/// One row of the consent aggregate, as SQLite returns it.
private struct TallyRow: Decodable, FetchableRecord {
    let day: Int64
    let action: String
    let categories: String
    let count: Int
}
