import ODSQL
import PostgresNIO
import Synchronization

extension PostgreSQLStore {
    /// Runs the query `compile` makes for dataset `id` as known at the last catalog version this store read, in one
    /// round trip that also reads the catalog version: the answer stands when that version is still the current
    /// one, in the same snapshot as the rows. Nil when the version has changed, the dataset is not in the cached
    /// catalog, a budget changed since the record readers were made, or the table is gone (a deleted dataset): the
    /// caller then reads the catalog and runs the query again.
    func rowsAtCachedVersion(
        ofDataset id: String, _ compile: @escaping @Sendable (Dataset) throws -> CompiledQuery?
    ) async throws -> (query: CompiledQuery, rows: [[SQLValue]])?? {
        guard let version = lastCatalogVersion.withLock({ $0 }),
            let snapshot = datasetCache.snapshot(version: version), let dataset = snapshot.dataset(id: id),
            let readers = try await recordReaders()
        else { return nil }
        guard let query = try compile(dataset) else { return .some(nil) }
        guard let pool = readers.pool(for: query) else { return nil }
        // The query's rows on the right of a one-row left join: its order is kept, and an empty answer is still
        // one row, with the version and a null marker.
        let checked = CompiledQuery(
            sql: """
                SELECT "garona_catalog"."version", "garona_rows".* FROM catalog_version AS "garona_catalog"
                LEFT JOIN LATERAL (SELECT 1 AS "garona_found", "garona_query".* FROM (\(query.sql)) AS "garona_query")
                    AS "garona_rows" ON true
                WHERE "garona_catalog"."id" = 1
                """, bindings: query.bindings, columns: query.columns)
        let rows: [[SQLValue]]
        do {
            rows = try await fetch(checked, from: pool, milliseconds: readers.milliseconds)
        } catch  where Self.sqlState(error) == "42P01" {
            return nil
        }
        guard let first = rows.first, first.first == .int(version) else {
            // A newer version: the watch may not have heard of it yet, and must not vouch for the one before.
            if case .int(let newer)? = rows.first?.first { catalogWatch.saw(newer) }
            return nil
        }
        return .some((query, rows.filter { $0.count > 1 && $0[1] != .null }.map { Array($0.dropFirst(2)) }))
    }

    /// Records the catalog version a snapshot was read at, for ``rowsAtCachedVersion(ofDataset:_:)``.
    func noteCatalogVersion(_ version: Int64) {
        lastCatalogVersion.withLock { last in last = max(last ?? version, version) }
    }
}
