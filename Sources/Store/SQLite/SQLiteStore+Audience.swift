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

    /// Each dataset's running total per metric over the kept days, visitors only (migration v17), filled from the
    /// daily counts: kept up to date by ``addAudience(_:)`` and the purges, so that reading the totals does not sum
    /// every kept day.
    static let audienceTotalsSchema = """
        CREATE TABLE audience_totals (
            dataset_id TEXT NOT NULL,
            metric TEXT NOT NULL,
            hits INTEGER NOT NULL,
            PRIMARY KEY (dataset_id, metric)
        ) WITHOUT ROWID;
        INSERT INTO audience_totals (dataset_id, metric, hits)
        SELECT dataset_id, metric, SUM(hits) FROM audience_daily
        WHERE dataset_id <> '' AND channel = '\(AudienceChannel.visitors.rawValue)'
        GROUP BY dataset_id, metric;
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
            let total = try db.cachedStatement(
                sql: """
                    INSERT INTO audience_totals (dataset_id, metric, hits) VALUES (?, ?, ?)
                    ON CONFLICT (dataset_id, metric) DO UPDATE SET hits = hits + excluded.hits
                    """)
            for (key, count) in rows {
                try statement.execute(arguments: [key.day, key.channel, key.metric, key.datasetID, key.dimension, count])
                if key.channel == AudienceChannel.visitors.rawValue, !key.datasetID.isEmpty {
                    try total.execute(arguments: [key.datasetID, key.metric, count])
                }
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

    public func audienceDatasetTotals() async throws -> [String: AudienceDatasetTotals] {
        try await pool.read { db in
            var totals: [String: AudienceDatasetTotals] = [:]
            let rows = try AudienceSumRow.fetchAll(
                db, sql: "SELECT dataset_id, metric, hits FROM audience_totals WHERE hits > 0")
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
            try Self.deleteAudience(db, where: "day < ? AND hits < ? AND metric IN (\(placeholders))", arguments)
        }
    }

    @discardableResult public func purgeAudience(before cutoff: CivilDate) async throws -> Int {
        try await pool.write { db in try Self.deleteAudience(db, where: "day < ?", [cutoff.daysSinceEpoch]) }
    }

    /// Deletes the daily counts matching `condition` after taking what they added off the running totals; says how
    /// many rows went.
    private static func deleteAudience(_ db: Database, where condition: String, _ arguments: StatementArguments) throws
        -> Int
    {
        var sumArguments = arguments
        _ = sumArguments.append(contentsOf: [AudienceChannel.visitors.rawValue])
        let sums = try AudienceSumRow.fetchAll(
            db,
            sql: """
                SELECT dataset_id, metric, SUM(hits) AS hits FROM audience_daily
                WHERE \(condition) AND channel = ? AND dataset_id <> '' GROUP BY dataset_id, metric
                """,
            arguments: sumArguments)
        let lower = try db.cachedStatement(sql: "UPDATE audience_totals SET hits = hits - ? WHERE dataset_id = ? AND metric = ?")
        for sum in sums { try lower.execute(arguments: [sum.hits, sum.datasetId, sum.metric]) }
        try db.execute(sql: "DELETE FROM audience_daily WHERE \(condition)", arguments: arguments)
        return db.changesCount
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

/// A dataset's total for one metric.
private struct AudienceSumRow: Decodable, FetchableRecord {
    var datasetId: String
    var metric: String
    var hits: Int64

    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}
