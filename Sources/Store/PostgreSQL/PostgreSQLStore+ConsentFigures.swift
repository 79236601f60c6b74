import Foundation
import PostgresNIO

extension PostgreSQLStore: ConsentFigures {
    /// Grouped in SQL over the `consent_log_created_at` index: one row per day, action and categories.
    public func consentTallies(from: Date, to: Date) async throws -> [ConsentTally] {
        try await read { connection in
            var tallies: [ConsentTally] = []
            let rows = try await connection.query(
                """
                SELECT floor(created_at / \(ConsentTally.secondsPerDay))::bigint AS day, action, categories, count(*)
                FROM consent_log WHERE created_at >= \(from.timeIntervalSince1970) AND created_at < \(to.timeIntervalSince1970)
                GROUP BY 1, 2, 3 ORDER BY 1, action COLLATE "C", categories COLLATE "C"
                """, logger: logger)
            for try await (day, action, categories, count) in rows.decode((Int64, String, String, Int64).self) {
                tallies.append(ConsentTally(day: day, action: action, categories: categories, count: Int(count)))
            }
            return tallies
        }
    }
}
