import Foundation
import GRDB
import Vocabulary

extension SQLiteStore: AudienceStore {
    /// The daily audience counts (migration v11): one row per key, its day as days since 1970-01-01 (UTC).
    static let audienceSchema = """
        CREATE TABLE audience_daily (
            day INTEGER NOT NULL,
            channel TEXT NOT NULL,
            metric TEXT NOT NULL,
            dataset_id TEXT NOT NULL,
            dimension TEXT NOT NULL,
            hits INTEGER NOT NULL,
            PRIMARY KEY (day, channel, metric, dataset_id, dimension)
        ) WITHOUT ROWID;
        CREATE INDEX audience_daily_dataset ON audience_daily (dataset_id, channel, metric);
        """

    public func addAudience(_ counts: [AudienceCount]) async throws {
        let rows = AudienceBatch.merged(counts)
        guard !rows.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO audience_daily (day, channel, metric, dataset_id, dimension, hits)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (day, channel, metric, dataset_id, dimension) DO UPDATE SET hits = hits + excluded.hits
                    """)
            for (key, count) in rows {
                try statement.execute(arguments: [key.day, key.channel, key.metric, key.datasetID, key.dimension, count])
            }
        }
    }

    public func audienceCounts(from: CivilDate, to: CivilDate) async throws -> [AudienceCount] {
        try await pool.read { db in
            try AudienceRow.fetchAll(
                db,
                sql: """
                    SELECT day, channel, metric, dataset_id, dimension, hits FROM audience_daily
                    WHERE day BETWEEN ? AND ? ORDER BY day, channel, metric, dataset_id, dimension
                    """,
                arguments: [from.daysSinceEpoch, to.daysSinceEpoch]
            ).compactMap(\.count)
        }
    }

    public func audienceDatasetTotals(since: CivilDate) async throws -> [String: AudienceDatasetTotals] {
        try await pool.read { db in
            var totals: [String: AudienceDatasetTotals] = [:]
            let rows = try AudienceSumRow.fetchAll(
                db,
                sql: """
                    SELECT dataset_id, metric, SUM(hits) AS hits FROM audience_daily
                    WHERE dataset_id <> '' AND channel = ? AND day >= ?
                    GROUP BY dataset_id, metric
                    """,
                arguments: [AudienceChannel.visitors.rawValue, since.daysSinceEpoch])
            for row in rows {
                AudienceBatch.add(metric: row.metric, hits: row.hits, to: &totals[row.datasetId, default: .init()])
            }
            return totals
        }
    }

    @discardableResult public func purgeAudience(
        below threshold: Int64, of metrics: [AudienceMetric], before cutoff: CivilDate
    ) async throws -> Int {
        guard !metrics.isEmpty else { return 0 }
        let placeholders = Array(repeating: "?", count: metrics.count).joined(separator: ", ")
        var arguments: StatementArguments = [cutoff.daysSinceEpoch, threshold]
        for metric in metrics { _ = arguments.append(contentsOf: [metric.rawValue]) }
        return try await pool.write { [arguments] db in
            try db.execute(
                sql: "DELETE FROM audience_daily WHERE day < ? AND hits < ? AND metric IN (\(placeholders))",
                arguments: arguments)
            return db.changesCount
        }
    }

    @discardableResult public func purgeAudience(before cutoff: CivilDate) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM audience_daily WHERE day < ?", arguments: [cutoff.daysSinceEpoch])
            return db.changesCount
        }
    }
}

/// A row of `audience_daily`.
private struct AudienceRow: Decodable, FetchableRecord {
    var day: Int
    var channel: String
    var metric: String
    var datasetId: String
    var dimension: String
    var hits: Int64

    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    var count: AudienceCount? {
        AudienceBatch.count(
            day: day, channel: channel, metric: metric, datasetID: datasetId, dimension: dimension, hits: hits)
    }
}

/// A dataset's sum for one metric.
private struct AudienceSumRow: Decodable, FetchableRecord {
    var datasetId: String
    var metric: String
    var hits: Int64

    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}
