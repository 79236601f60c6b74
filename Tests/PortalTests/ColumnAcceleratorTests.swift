import Foundation
import ODSQL
import Testing

@testable import Portal
@testable import Store

/// The column accelerator gives, for every query it answers, exactly the rows SQLite gives (a real import into a
/// real SQLite file), and declines the queries it cannot answer exactly.
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

    static func withDataset(_ body: (SQLiteStore, Dataset, ODSQL.Compiler) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("accelerator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("valeurs.csv")
        try Data(csv().utf8).write(to: file)
        let store = try SQLiteStore(path: directory.appendingPathComponent("garona.sqlite").path)
        let request = ImportRequest(file: file, datasetID: "valeurs", fieldTypes: ["n=int", "x=double"])
        _ = try DatasetImporter.run(request, store: store, now: Date()) { _, _ in }
        let dataset = try #require(try await store.dataset(id: "valeurs"))
        let compiler = try #require(recordsCompiler(for: dataset, dialect: SQLiteDialect(), now: Date(), language: "fr"))
        try await body(store, dataset, compiler)
    }

    static let filters = [
        "n >= 10", "n > 10 and n < 50", #"groupe = "École" and n <= 30"#, #"groupe != "arbre""#, "x >= 2.5",
        "x < 3", "n >= 10 and x < 50.5", #"groupe = "absent""#, "n >= 1000", "n = 7", "n != 7 and n > 3 and n <= 12",
    ]

    @Test func totalsFacetsAndGroupsAreThoseOfSQLite() async throws {
        try await Self.withDataset { store, dataset, compiler in
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
            for filter in [#"search(nom, "ligne") and n >= 10"#, #"search(nom, "12") and groupe = "École""#] {
                queries.append(try compiler.count(ODSQL.QueryText(where: [filter])))
            }
            let accelerator = ColumnAccelerator()
            for query in queries {
                let fast = try await accelerator.rows(of: dataset, query, load: store.rows)
                #expect(fast != nil, "not answered: \(query.sql)")
                #expect(fast == (try await store.rows(query)), "\(query.sql) \(query.bindings)")
            }
        }
    }

    @Test func queriesThatCouldDifferAreLeftToTheEngine() async throws {
        try await Self.withDataset { store, dataset, compiler in
            let declined = [
                // A sum of reals depends on the order of the additions.
                try compiler.records(ODSQL.QueryText(select: "groupe, avg(x)", groupBy: "groupe", orderBy: "groupe"), limit: 10),
                // No total order: groups of equal averages.
                try compiler.records(
                    ODSQL.QueryText(select: "groupe, count(*) as c", groupBy: "groupe", orderBy: "c"), limit: 10),
                // Text order between values is the engine's.
                try compiler.count(ODSQL.QueryText(where: [#"groupe > "b""#])),
                // A count without any filter: the engine knows its rows.
                try compiler.count(ODSQL.QueryText()),
                try compiler.count(ODSQL.QueryText(where: [#"search(nom, "ligne")"#])),
            ]
            let accelerator = ColumnAccelerator()
            for query in declined {
                #expect(try await accelerator.rows(of: dataset, query, load: store.rows) == nil, "\(query.sql)")
            }
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
}
