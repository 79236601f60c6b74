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

    /// Each dataset's running total per metric over the kept days, visitors only (migration 22), filled from the
    /// daily counts: kept up to date by ``addAudience(_:)`` and the purges in the same statement, so that reading
    /// the totals does not sum every kept day.
    static let audienceTotalsSchema = [
        """
        CREATE TABLE audience_totals (
            dataset_id text NOT NULL,
            metric text NOT NULL,
            hits bigint NOT NULL,
            PRIMARY KEY (dataset_id, metric)
        )
        """,
        """
        INSERT INTO audience_totals (dataset_id, metric, hits)
        SELECT dataset_id, metric, sum(hits)::bigint FROM audience_daily
        WHERE dataset_id <> '' AND channel = '\(AudienceChannel.visitors.rawValue)'
        GROUP BY dataset_id, metric
        """,
    ]

    /// One statement for the whole batch, the daily rows and the running totals together: the keys travel as arrays,
    /// unnested into rows; the totals are written in key order, as the daily rows, so that two nodes flushing at
    /// once wait for each other rather than deadlock.
    public func addAudience(_ counts: [AudienceCount]) async throws {
        let rows = AudienceBatch.merged(counts)
        guard !rows.isEmpty else { return }
        let days = rows.map { Int32(clamping: $0.key.day) }
        let channels = rows.map(\.key.channel)
        let metrics = rows.map(\.key.metric)
        let datasets = rows.map(\.key.datasetID)
        let dimensions = rows.map(\.key.dimension)
        let hits = rows.map(\.count)
        let visitors = AudienceChannel.visitors.rawValue
        try await run(
            """
            WITH batch AS (
                SELECT * FROM unnest(\(days)::integer[], \(channels)::text[], \(metrics)::text[], \(datasets)::text[],
                                     \(dimensions)::text[], \(hits)::bigint[])
                    AS b (day, channel, metric, dataset_id, dimension, hits)
            ), daily AS (
                INSERT INTO audience_daily AS a (day, channel, metric, dataset_id, dimension, hits)
                SELECT day, channel, metric, dataset_id, dimension, hits FROM batch
                ON CONFLICT (day, channel, metric, dataset_id, dimension) DO UPDATE SET hits = a.hits + excluded.hits
            )
            INSERT INTO audience_totals AS t (dataset_id, metric, hits)
            SELECT dataset_id, metric, sum(hits)::bigint FROM batch
            WHERE channel = \(visitors) AND dataset_id <> ''
            GROUP BY dataset_id, metric ORDER BY dataset_id, metric
            ON CONFLICT (dataset_id, metric) DO UPDATE SET hits = t.hits + excluded.hits
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

    public func audienceDatasetTotals() async throws -> [String: AudienceDatasetTotals] {
        try await read { connection in
            var totals: [String: AudienceDatasetTotals] = [:]
            let rows = try await connection.query(
                "SELECT dataset_id, metric, hits FROM audience_totals WHERE hits > 0", logger: logger)
            for try await (dataset, metric, hits) in rows.decode((String, String, Int64).self) {
                AudienceBatch.add(metric: metric, hits: hits, to: &totals[dataset, default: .init()])
            }
            return totals
        }
    }

    /// Deletes the daily rows of `metrics` below `threshold` before `cutoff`, and takes what they added off the
    /// running totals, in one statement.
    @discardableResult public func purgeAudience(
        below threshold: Int64, of metrics: [AudienceMetric], before cutoff: CivilDate
    ) async throws -> Int {
        let day = Int32(clamping: cutoff.daysSinceEpoch)
        let names = metrics.map(\.rawValue)
        return try await run(
            """
            WITH gone AS (
                DELETE FROM audience_daily WHERE day < \(day) AND hits < \(threshold) AND metric = ANY(\(names)::text[])
                RETURNING channel, metric, dataset_id, hits
            ), \(unescaped: Self.lowerTotals)
            SELECT 1 FROM gone
            """)
    }

    /// The end of a purge's `WITH`: takes what the deleted rows (`gone`) added off the running totals. Holds no value
    /// from outside (the channel is a constant).
    private static let lowerTotals = """
        lowered AS (
            UPDATE audience_totals t SET hits = t.hits - s.hits
            FROM (
                SELECT dataset_id, metric, sum(hits)::bigint AS hits FROM gone
                WHERE channel = '\(AudienceChannel.visitors.rawValue)' AND dataset_id <> '' GROUP BY dataset_id, metric
            ) s
            WHERE t.dataset_id = s.dataset_id AND t.metric = s.metric
            RETURNING 1
        )
        """

    @discardableResult public func purgeAudience(before cutoff: CivilDate) async throws -> Int {
        let day = Int32(clamping: cutoff.daysSinceEpoch)
        return try await run(
            """
            WITH gone AS (
                DELETE FROM audience_daily WHERE day < \(day) RETURNING channel, metric, dataset_id, hits
            ), \(unescaped: Self.lowerTotals)
            SELECT 1 FROM gone
            """)
    }
}
