import Foundation
import Ingest
import ODSQL
import PostgresNIO
import Testing

@testable import Store

/// The PostgreSQL engine's fast paths: record queries in one round trip with their settings
/// (``PostgreSQLRecordReaders``), published tables vacuumed for index-only counts, and the inlined search functions
/// of migration 10 meaning what migration 6's meant.
@Suite(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason))
struct PostgreSQLRecordReadersTests {
    /// The settings a record query runs under, and where its budget came from: `client` when the connection
    /// started with it (no statement sets it before the query), `session` when set in the query's transaction.
    static let settings = CompiledQuery(
        sql: """
            SELECT current_setting('enable_indexonlyscan'), current_setting('transaction_read_only'),
                current_setting('statement_timeout'), current_setting('max_parallel_workers_per_gather'),
                current_setting('synchronize_seqscans'),
                (SELECT source FROM pg_settings WHERE name = 'statement_timeout')
            """, bindings: [])

    @Test func recordQueriesRunAloneWithTheirSettings() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            let settings = try await store.rows(Self.settings)
            #expect(settings == [[.text("off"), .text("on"), .text("5s"), .text("0"), .text("off"), .text("client")]])
            // A count without groups has one row whatever the order: it may count an index alone.
            let count = CompiledQuery(
                sql: """
                    SELECT COUNT(*) FROM (SELECT current_setting('enable_indexonlyscan') AS scans,
                        (SELECT source FROM pg_settings WHERE name = 'statement_timeout') AS budget) AS q
                    WHERE scans = 'on' AND budget = 'client'
                    """, bindings: [])
            let counted = try await store.rows(count)
            #expect(counted == [[.int(1)]])
            // A grouped query sorts nothing, in a transaction of its own.
            let grouped = CompiledQuery(
                sql: "SELECT current_setting('enable_sort') AS s FROM (VALUES (1)) AS v(n) GROUP BY 1", bindings: [])
            let sorting = try await store.rows(grouped)
            #expect(sorting == [[.text("off")]])
        }
    }

    @Test func aBudgetChangedAfterwardsStillHolds() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            _ = try await store.rows(Self.settings)
            store.queryBudget.milliseconds = 1_234
            let rows = try await store.rows(Self.settings)
            #expect(rows == [[.text("off"), .text("on"), .text("1234ms"), .text("0"), .text("off"), .text("session")]])
            store.queryBudget.milliseconds = 50
            await #expect(throws: QueryTimeoutError(milliseconds: 50)) {
                try await store.rows(CompiledQuery(sql: "SELECT pg_sleep(30)", bindings: []))
            }
        }
    }

    @Test func aPublishedTableIsVacuumedAndAnalysed() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            let csv = "name;kind\n" + (1...2_000).map { "place \($0);kind \($0 % 7)" }.joined(separator: "\n")
            let bytes = Array(csv.utf8)
            let detection = try Ingest.detect(bytes: bytes, fileName: "places.csv")
            let report = try await PostgreSQLTestDatabase.onThread {
                try store.publish(
                    datasetID: "places", reader: try Ingest.read(bytes: bytes, detection: detection, batchSize: 100),
                    newDataset: DatasetMetadata(id: "places"), now: Date(), progress: nil)
            }
            #expect(report.records == 2_000)
            // Whether VACUUM may mark every page all-visible depends on the transactions other connections hold open
            // at that moment, so the test checks that the publisher vacuumed and analysed the table, not the map.
            let stats = try await store.withConnection { connection in
                try await connection.query(
                    """
                    SELECT c.reltuples::bigint, pg_stat_get_vacuum_count(c.oid), pg_stat_get_analyze_count(c.oid)
                    FROM pg_class c WHERE c.relname = 'records_places_v1'
                    """,
                    logger: store.logger
                ).collect().map { try $0.decode((Int64, Int64, Int64).self) }
            }
            let (tuples, vacuums, analyses) = try #require(stats.first)
            #expect(tuples == 2_000 && vacuums >= 1 && analyses >= 1)
        }
    }

    @Test func aDatasetQueryAtTheCachedVersionSeesAnotherNodesChanges() async throws {
        try await PostgreSQLTestDatabase.withStore { store, url in
            let other = try await PostgreSQLStore.open(url: url, poolSize: 2, waitSeconds: 5)
            defer { other.shutdown() }
            let bytes = Array("name;kind\nAlbi;a\nFoix;b\n".utf8)
            let detection = try Ingest.detect(bytes: bytes, fileName: "places.csv")
            _ = try await PostgreSQLTestDatabase.onThread {
                try store.publish(
                    datasetID: "places", reader: try Ingest.read(bytes: bytes, detection: detection, batchSize: 10),
                    newDataset: DatasetMetadata(id: "places"), now: Date(), progress: nil)
            }
            @Sendable func names(_ dataset: Dataset) -> CompiledQuery? {
                dataset.recordsTable.map { table in
                    CompiledQuery(
                        sql: "SELECT \"name\" FROM \"\(table)\" WHERE \"kind\" <> $1 ORDER BY \"name\"",
                        bindings: [.text("z")])
                }
            }
            // Read once (catalog and query), then at the cached version, in one trip: the same rows.
            let first = try await store.rows(ofDataset: "places", names)
            let second = try await store.rows(ofDataset: "places", names)
            #expect(first?.rows == [[.text("Albi")], [.text("Foix")]] && second?.rows == first?.rows)
            let cached = try await store.rowsAtCachedVersion(ofDataset: "places", names)
            #expect(cached??.rows == first?.rows)
            let none = try await store.rows(ofDataset: "places") { dataset in
                CompiledQuery(sql: "SELECT \"name\" FROM \"\(dataset.recordsTable ?? "")\" WHERE false", bindings: [])
            }
            #expect(none?.rows == [])
            // Another node deletes it (its table stays a while for late readers): the version moved, so not found.
            try await other.deleteDataset(id: "places")
            #expect(try await store.rows(ofDataset: "places", names) == nil)
        }
    }

    @Test func inlinedSearchFunctionsMeanWhatMigrationSixMeant() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            try await store.withConnection { connection in
                for statement in Self.migrationSixSearch {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: store.logger)
                }
                // Every character up to U+33FF, alone and among others, byte-wise ("C", as records are) and not.
                // Since migration 11 the fold lowers in the database's collation whatever the argument's: on a
                // "C" text it means what migration 6 meant on a text of the database's collation.
                let differences = try await connection.query(
                    """
                    SELECT count(*) FROM generate_series(1, 13311) AS n, LATERAL (VALUES
                        (chr(n)), ('Xa' || chr(n) || 'B é 1' || chr(n) || 'Été'), ('ÉCOLE ' || chr(n) || 'œuvre')
                    ) AS v(t)
                    WHERE n NOT BETWEEN 55296 AND 57343 AND (
                        garona_search_vector(t COLLATE "C") IS DISTINCT FROM pg_temp.old_vector(t)
                        OR garona_search_vector(t) IS DISTINCT FROM pg_temp.old_vector(t)
                        OR garona_search_fold(t COLLATE "C") IS DISTINCT FROM pg_temp.old_fold(t)
                        OR garona_search_fold(t) IS DISTINCT FROM pg_temp.old_fold(t))
                    """, logger: store.logger
                ).collect().map { try $0.decode(Int.self) }
                #expect(differences == [0])
                try await connection.query(
                    "CREATE TEMPORARY TABLE texts AS SELECT 'Été' COLLATE \"C\" AS t", logger: store.logger)
                let plan = try await connection.query(
                    "EXPLAIN VERBOSE SELECT garona_search_vector(t) FROM texts", logger: store.logger
                ).collect().map { try $0.decode(String.self) }.joined(separator: "\n")
                #expect(plan.contains("to_tsvector") && !plan.contains("garona_search"), "\(plan)")
            }
        }
    }

    /// Migration 6's fold and migration 5's vector, as temporary functions.
    static let migrationSixSearch = [
        #"""
        CREATE FUNCTION pg_temp.old_fold(t text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT
        AS $$ SELECT normalize(regexp_replace(normalize(translate(lower(t), 'ſ', 's'), NFD),
            '([a-z])[\u0300-\u036f]+', '\1', 'g'), NFC) $$
        """#,
        """
        CREATE FUNCTION pg_temp.old_vector(t text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT
        AS $$ SELECT to_tsvector('simple'::regconfig,
            regexp_replace(pg_temp.old_fold(t) COLLATE "und-x-icu", '[^[:alnum:]]+', ' ', 'g')) $$
        """,
    ]
}
