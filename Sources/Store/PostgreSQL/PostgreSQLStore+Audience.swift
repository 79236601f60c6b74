import Foundation
import PostgresNIO
import Vocabulary

extension PostgreSQLStore: AudienceStore {
    /// The daily audience counts (migration 15): one row per key, its day as days since 1970-01-01 (UTC).
    static let audienceSchema = [
        """
        CREATE TABLE audience_daily (
            day integer NOT NULL,
            channel text NOT NULL,
            metric text NOT NULL,
            dataset_id text NOT NULL,
            dimension text NOT NULL,
            hits bigint NOT NULL,
            PRIMARY KEY (day, channel, metric, dataset_id, dimension)
        )
        """,
        "CREATE INDEX audience_daily_dataset ON audience_daily (dataset_id, channel, metric)",
    ]

    /// One statement for the whole batch: the keys travel as arrays, unnested into rows.
    public func addAudience(_ counts: [AudienceCount]) async throws {
        let rows = AudienceBatch.merged(counts)
        guard !rows.isEmpty else { return }
        let days = rows.map { Int32(clamping: $0.key.day) }
        let channels = rows.map(\.key.channel)
        let metrics = rows.map(\.key.metric)
        let datasets = rows.map(\.key.datasetID)
        let dimensions = rows.map(\.key.dimension)
        let hits = rows.map(\.count)
        try await run(
            """
            INSERT INTO audience_daily AS a (day, channel, metric, dataset_id, dimension, hits)
            SELECT * FROM unnest(\(days)::integer[], \(channels)::text[], \(metrics)::text[], \(datasets)::text[],
                                 \(dimensions)::text[], \(hits)::bigint[])
            ON CONFLICT (day, channel, metric, dataset_id, dimension) DO UPDATE SET hits = a.hits + excluded.hits
            """)
    }

    public func audienceCounts(from: CivilDate, to: CivilDate) async throws -> [AudienceCount] {
        let first = Int32(clamping: from.daysSinceEpoch)
        let last = Int32(clamping: to.daysSinceEpoch)
        return try await read { connection in
            var counts: [AudienceCount] = []
            let rows = try await connection.query(
                """
                SELECT day, channel, metric, dataset_id, dimension, hits FROM audience_daily
                WHERE day BETWEEN \(first) AND \(last)
                ORDER BY day, channel COLLATE "C", metric COLLATE "C", dataset_id COLLATE "C", dimension COLLATE "C"
                """, logger: logger)
            for try await (day, channel, metric, dataset, dimension, hits) in rows.decode(
                (Int32, String, String, String, String, Int64).self)
            {
                if let count = AudienceBatch.count(
                    day: Int(day), channel: channel, metric: metric, datasetID: dataset, dimension: dimension, hits: hits)
                {
                    counts.append(count)
                }
            }
            return counts
        }
    }

    public func audienceDatasetTotals(since: CivilDate) async throws -> [String: AudienceDatasetTotals] {
        let first = Int32(clamping: since.daysSinceEpoch)
        let channel = AudienceChannel.visitors.rawValue
        return try await read { connection in
            var totals: [String: AudienceDatasetTotals] = [:]
            let rows = try await connection.query(
                """
                SELECT dataset_id, metric, sum(hits)::bigint FROM audience_daily
                WHERE dataset_id <> '' AND channel = \(channel) AND day >= \(first)
                GROUP BY dataset_id, metric
                """, logger: logger)
            for try await (dataset, metric, hits) in rows.decode((String, String, Int64).self) {
                AudienceBatch.add(metric: metric, hits: hits, to: &totals[dataset, default: .init()])
            }
            return totals
        }
    }

    @discardableResult public func purgeAudience(
        below threshold: Int64, of metrics: [AudienceMetric], before cutoff: CivilDate
    ) async throws -> Int {
        let day = Int32(clamping: cutoff.daysSinceEpoch)
        let names = metrics.map(\.rawValue)
        return try await run(
            """
            DELETE FROM audience_daily WHERE day < \(day) AND hits < \(threshold) AND metric = ANY(\(names)::text[])
            RETURNING 1
            """)
    }

    @discardableResult public func purgeAudience(before cutoff: CivilDate) async throws -> Int {
        let day = Int32(clamping: cutoff.daysSinceEpoch)
        return try await run("DELETE FROM audience_daily WHERE day < \(day) RETURNING 1")
    }
}
