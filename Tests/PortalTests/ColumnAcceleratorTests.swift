import Foundation
import Logging
import ODSQL
import Testing

@testable import Portal
@testable import Store

/// The column accelerator gives, for every query it answers, exactly the rows the engine gives (a real import into a
/// real SQLite file, and into a real PostgreSQL database when `GARONA_TEST_POSTGRES_URL` is set), and declines the
/// queries it cannot answer exactly.
@Suite struct ColumnAcceleratorTests {
    /// 1,500 rows: texts with accents, capitals and blanks (NULL), integers and reals with blanks.
    static func csv() -> String {
        let groups = ["École", "ecole", "Zèbre", "arbre", "Arbre", "", "zinc", "Œuvre"]
        var lines = ["nom;groupe;n;x"]
        var seed: UInt64 = 42
        func next() -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(seed >> 33)
        }
        for row in 0..<1_500 {
            let group = groups[next() % groups.count]
            let number = next() % 11 == 0 ? "" : String(next() % 100 - 20)
            let real = next() % 13 == 0 ? "" : String(Double(next() % 10_000) / 100)
            lines.append("ligne \(row);\(group);\(number);\(real)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Imports ``csv()`` into a fresh database of `engine` (PostgreSQL: a database of `GARONA_TEST_POSTGRES_URL`'s
    /// server, dropped at the end), then runs `body` with the store, the dataset and its compiler.
    static func withDataset(
        engine: String = "sqlite", _ body: (any StoreEngine, Dataset, ODSQL.Compiler) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("accelerator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("valeurs.csv")
        try Data(csv().utf8).write(to: file)
        try await SiteStateSyncTests.withDatabase(engine: engine, root: directory) { database in
            let store = try await DataDirectory(path: directory.path).openStore(database, logger: Logger(label: "test"))
            let request = ImportRequest(file: file, datasetID: "valeurs", fieldTypes: ["n=int", "x=double"])
            _ = try await onOwnThread { try DatasetImporter.run(request, store: store, now: Date()) { _, _ in } }
            let dataset = try #require(try await store.dataset(id: "valeurs"))
            let compiler = try #require(recordsCompiler(for: dataset, dialect: store.dialect, now: Date(), language: "fr"))
            try await body(store, dataset, compiler)
        }
    }

    /// A new accelerator (nothing read yet) for the engine of `store`.
    static func accelerator(for store: any StoreEngine) throws -> ColumnAccelerator {
        ColumnAccelerator(engine: try #require(AcceleratedEngine(store.dialect)))
    }

    /// On PostgreSQL, the checks of both suites on one database (each database costs a migration and an import).
    @Test(.enabled(if: SiteStateSyncTests.engines.contains("postgres")))
    func everyAnswerIsPostgreSQLs() async throws {
        try await Self.withDataset(engine: "postgres") { store, dataset, compiler in
            try await Self.checkTotalsFacetsAndGroups(store, dataset, compiler)
            try await Self.checkDeclined(store, dataset, compiler)
            try await TablePageAcceleratorTests.checkPages(store, dataset, compiler)
            try await TablePageAcceleratorTests.checkMatchesAreReadOnce(store, dataset, compiler)
        }
    }

    static let filters = [
        "n >= 10", "n > 10 and n < 50", #"groupe = "École" and n <= 30"#, #"groupe != "arbre""#, "x >= 2.5",
        "x < 3", "n >= 10 and x < 50.5", #"groupe = "absent""#, "n >= 1000", "n = 7", "n != 7 and n > 3 and n <= 12",
    ]

    @Test func totalsFacetsAndGroupsAreThoseOfSQLite() async throws {
        try await Self.withDataset(Self.checkTotalsFacetsAndGroups)
    }

    @Test func queriesThatCouldDifferAreLeftToSQLite() async throws {
        try await Self.withDataset(Self.checkDeclined)
    }

    static func checkTotalsFacetsAndGroups(_ store: any StoreEngine, _ dataset: Dataset, _ compiler: ODSQL.Compiler)
        async throws
    {
        var queries: [CompiledQuery] = []
        for filter in Self.filters {
            let query = ODSQL.QueryText(where: [filter])
            queries.append(try compiler.count(query))
            for sort in [ODSQL.FacetSort.countDescending, .countAscending, .alphanumAscending, .alphanumDescending] {
                queries.append(try compiler.facet(query, field: "groupe", sort: sort))
                queries.append(try compiler.facet(query, field: "groupe", sort: sort, limit: 3))
            }
            for order in ["groupe", "groupe desc"] {
                let grouped = ODSQL.QueryText(
                    select: "groupe, avg(n) as m, count(*) as c, sum(n) as s, min(x) as lo, max(x) as hi, count(n)",
                    where: [filter], groupBy: "groupe", orderBy: order)
                queries.append(try compiler.records(grouped, limit: 100))
                queries.append(try compiler.records(grouped, limit: 3, offset: 2))
            }
        }
        // Totals under a full-text search: the matches come from the index, the rest from the columns.
        for filter in [
            #"search(nom, "ligne") and n >= 10"#, #"search(nom, "12") and groupe = "École""#,
            #"search(groupe, "arbre") and n < 30"#, #"search(nom, "nulle part") and n >= 0"#,
        ] {
            queries.append(try compiler.count(ODSQL.QueryText(where: [filter])))
        }
        let accelerator = try Self.accelerator(for: store)
        for query in queries {
            let fast = try await accelerator.rows(of: dataset, query, load: store.rows)
            #expect(fast != nil, "not answered: \(query.sql)")
            #expect(fast == (try await store.rows(query)), "\(query.sql) \(query.bindings)")
        }
    }

    static func checkDeclined(_ store: any StoreEngine, _ dataset: Dataset, _ compiler: ODSQL.Compiler) async throws {
        var declined = [
            // A sum of reals depends on the order of the additions.
            try compiler.records(ODSQL.QueryText(select: "groupe, avg(x)", groupBy: "groupe", orderBy: "groupe"), limit: 10),
            // No total order: groups of equal averages.
            try compiler.records(
                ODSQL.QueryText(select: "groupe, count(*) as c", groupBy: "groupe", orderBy: "c"), limit: 10),
            // Text order between values is the engine's.
            try compiler.count(ODSQL.QueryText(where: [#"groupe > "b""#])),
            // A count without any filter: the engine knows its rows.
            try compiler.count(ODSQL.QueryText()),
        ]
        let accelerator = try Self.accelerator(for: store)
        let searchAlone = try compiler.count(ODSQL.QueryText(where: [#"search(nom, "ligne")"#]))
        if store.dialect is PostgreSQLDialect {
            // A search in two fields reads both fields' vectors joined (`"a" || "b"`).
            declined.append(try compiler.count(ODSQL.QueryText(where: [#"search(nom, groupe, "ligne")"#])))
            // PostgreSQL tests the field's vector on each match to count them: the matches, read once, count.
            let counted = try await accelerator.rows(of: dataset, searchAlone, load: store.rows)
            let expected = try await store.rows(searchAlone)
            #expect(counted != nil && counted == expected)
        } else {
            // SQLite counts a search's matches without handing them over.
            declined.append(searchAlone)
        }
        for query in declined {
            #expect(try await accelerator.rows(of: dataset, query, load: store.rows) == nil, "\(query.sql)")
        }
    }

    @Test func theShapeIsReadFromTheCompiledSQL() {
        let query = CompiledQuery(
            sql: #"SELECT "k", COUNT(*) FROM "t" WHERE (("n" >= ? AND "n" <= ?) AND ("k" = ?)) AND "k" IS NOT NULL "#
                + "GROUP BY 1 ORDER BY 2 DESC, 1 ASC LIMIT ?",
            bindings: [.int(1), .int(5), .text("a"), .int(10)])
        let shape = AggregateShape(query)
        #expect(shape?.conditions.count == 4)
        #expect(
            shape?.order == [
                .init(ordinal: 2, descending: true, nullsLast: true), .init(ordinal: 1, descending: false, nullsLast: false),
            ])
        #expect(shape?.limit == 10)
        // One binding too many or too few, or anything unknown, and the shape is not read.
        #expect(AggregateShape(CompiledQuery(sql: query.sql, bindings: query.bindings + [.int(0)])) == nil)
        #expect(AggregateShape(CompiledQuery(sql: query.sql, bindings: Array(query.bindings.dropLast()))) == nil)
        #expect(AggregateShape(CompiledQuery(sql: query.sql.replacing("AND", with: "OR"), bindings: query.bindings)) == nil)
    }

    @Test func theShapeIsReadFromPostgreSQLsSQL() {
        let query = CompiledQuery(
            sql: #"SELECT "k", (CAST(SUM("n") AS double precision) / COUNT("n")), COUNT(*) FROM "t" WHERE "#
                + #"(("n" >= $1) AND "_search" @@ garona_search_query($2) AND "k__search" @@ garona_search_query($3)) "#
                + "GROUP BY 1 ORDER BY 2 DESC, 1 ASC LIMIT $4",
            bindings: [.int(1), .text("gare"), .text("gare"), .int(10)])
        let shape = AggregateShape(query, engine: .postgres)
        #expect(shape?.aggregates == [.avg("n"), .countAll])
        #expect(
            shape?.conditions == [
                .compare(column: "n", op: .greaterOrEqual, value: .int(1)),
                .fullText(index: "_search", query: .text("gare")), .fullText(index: "k__search", query: .text("gare")),
            ])
        // PostgreSQL puts NULLs first in descending order, last in ascending order.
        #expect(
            shape?.order == [
                .init(ordinal: 2, descending: true, nullsLast: false), .init(ordinal: 1, descending: false, nullsLast: true),
            ])
        // Placeholders out of order, or SQLite's reading of PostgreSQL's SQL, and the shape is not read.
        #expect(
            AggregateShape(CompiledQuery(sql: query.sql.replacing("$2", with: "$3"), bindings: query.bindings), engine: .postgres)
                == nil)
        #expect(AggregateShape(query, engine: .sqlite) == nil)
        // A search in two fields' vectors joined is left to the engine.
        let joined = CompiledQuery(
            sql: #"SELECT COUNT(*) FROM "t" WHERE ("a__search" || "b__search") @@ garona_search_query($1)"#,
            bindings: [.text("gare")])
        #expect(AggregateShape(joined, engine: .postgres) == nil)
    }
}
