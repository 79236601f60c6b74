import Foundation
import Ingest
import ODSQL
import Testing
import Vocabulary

@testable import Store

/// Every golden query of ODSQL's tests (`QueryGoldenTests`, `WhereGoldenTests`: same select, where, group_by and
/// order_by texts) runs on a records table published through both engines from the same file, with every field
/// type; the answers must be equal (reals to 1e-9 relative; rows in order when the order is total, else as sets).
@Suite(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason))
struct PostgreSQLDialectTests {
    /// One query of the goldens.
    struct Case: Sendable, CustomStringConvertible {
        var select = ""
        var whereText = ""
        var groupBy = ""
        var orderBy = ""
        var description: String { [select, whereText, groupBy, orderBy].joined(separator: " | ") }
    }

    /// The select, where, group_by and order_by of `queryGoldens` in `Tests/ODSQLTests/QueryGoldenTests.swift`.
    static let queryCases: [Case] = [
        Case(),
        Case(
            select: "nom, population * 2 as double_pop, length(nom), lower(commune), upper(code)",
            whereText: "population > 10 and nom = 'x' or not open", orderBy: "population desc"),
        Case(
            select: "year(date), month(updated), day(date), hour(updated), minute(updated), second(updated)",
            whereText: "date >= date'2020' and updated < date'2021-01-01T10:00'"),
        Case(
            select:
                "date_format(updated, 'dd/MM/yyyy EEEE MMMM ww xxxx e D DDD HH:mm:ss'), ifnull(population, 0), now(years=-1)",
            whereText: "date_format(date, 'dd') = '08'"),
        Case(
            select: "distance(geo, geom'POINT(1.5 43.5)') as d",
            whereText: "within_distance(geo, geom'POINT(1.5 43.5)', 30km) and in_bbox(geo, 43, 1, 44, 2)", orderBy: "d"),
        Case(
            select: "nom",
            whereText:
                "intersects(shape, geom'POLYGON((1 43, 1.5 43, 1.5 43.5, 1 43.5, 1 43))') or within(geo, geom'POLYGON((1 43, 2 43, 2 44, 1 44, 1 43))') or disjoint(shape, geom'POINT(1 43)')"
        ),
        Case(select: "nom", whereText: #""gare toulouse" and search(nom, commune, "albi") and suggest("mont")"#),
        Case(select: "nom", whereText: #""gare" and search(nom, commune, "albi") and startswith(code, 'ID45')"#),
        Case(
            select: "nom",
            whereText:
                "population in [1..500] and price in ]1.5..9[ and date in [date'2017'..date'2020'] and commune in ('Albi', 'Rodez') and 'rail' in tags and nom like 'gare centre'"
        ),
        Case(
            select: "nom", whereText: "population is null and geo is not null and open is true and open is not false",
            orderBy: "random(3)"),
        Case(
            select:
                "commune, count(*) as n, sum(capacity), avg(price), min(date), max(updated), count(distinct nom), count(population)",
            groupBy: "commune", orderBy: "n desc, commune"),
        Case(
            select: "count(*), median(price), percentile(capacity, 90)", whereText: "population > 3",
            groupBy: "commune"),
        Case(select: "tags, count(*) as n", groupBy: "tags", orderBy: "n desc, tags"),
        Case(select: "median(price) * 2 as m"),
        Case(select: "count(*), median(price), percentile(capacity, 90), envelope(geo), bbox(shape)"),
        Case(select: "count(*)", groupBy: "range(capacity, *, 10, 50, 100, *) as capacity"),
        Case(select: "count(*)", groupBy: "range(capacity, 15), range(price, 2.5)"),
        Case(select: "count(*)", groupBy: "range(date, *, date'2020-11-13', date'2021-01-01')"),
        Case(select: "count(*)", groupBy: "range(updated, 1 day), range(date, 1M)"),
        Case(select: "count(*)", groupBy: "range(updated, 1w), range(updated, 1q), range(updated, 1y), range(updated, 2h)"),
        Case(
            select: "count(*)", groupBy: "year(date) as y, date_format(date, 'MM') as m, lower(commune)",
            orderBy: "y desc, count(*), m, lower(commune)"),
        Case(select: "include(pop*), exclude(price)", orderBy: "random(1)"),
        Case(select: "json_format(extra, 'bad'), `and`, `12`", whereText: "`and` > 1 and `12` : 4"),
    ]

    /// The where texts of `whereGoldens` in `Tests/ODSQLTests/WhereGoldenTests.swift`.
    static let whereCases: [String] = [
        "population > 10 and nom = 'x' or not open", #""tree" AND NOT "cat""#, #"search(nom, "bok of secret")"#,
        #"suggest("film")"#, #"startswith(code, "ID4536")"#, #"default.nom = "Albi" and `default`.`code` = "x""#,
        #"startswith(tags, "gar")"#, "within_distance(geo, geom'POINT(2.35 48.85)', 1km)",
        "in_bbox(geo, 48.84, 2.26, 48.85, 2.27)", "intersects(shape, geom'POLYGON((1 43, 2 43, 2 44, 1 44, 1 43))')",
        #"within(shape, geom'{"type":"Point","coordinates":[1,43]}')"#, "disjoint(geo, geom'POINT(1 43)')",
        "population in [1..10]", "price in ]1..10[", "date in [date'2017'..date'2018'[", #"commune in ("Paris", "Nantes")"#,
        #""rail" in tags"#, #"nom like "gare centre""#, "nom is null", "geo is not null", "open", "open is false",
        "date > date'1972'", "updated >= date'2017-04-03T08:02'", "date = date'2018/04/01'", "date > 2020",
        "date_format(date, 'dd') = '08'", "year(updated) = 2020", "length(nom) > 3", "population / 2 > 1.5",
        "`and` > 1 and `12` : 4", "now(years=-1) < updated",
    ]

    /// Queries whose answers differ between the engines, with why (the API documents these differences).
    static let knownDifferences: [String: String] = [
        "count(*) |  | range(capacity, 15), range(price, 2.5) | ":
            "a real bound printed as text: SQLite writes 0.0, PostgreSQL 0"
    ]

    @Test func everyGoldenAnswersAsOnSQLite() async throws {
        let cases = Self.queryCases + Self.whereCases.map { Case(select: "nom", whereText: $0) }
        try await withTemporaryStore { sqliteStore, _ in
            try await PostgreSQLTestDatabase.withStore { postgresStore, _ in
                let engines: [any StoreEngineForTests] = [sqliteStore, postgresStore]
                var compilers: [ODSQL.Compiler] = []
                for engine in engines {
                    let report = try await PostgreSQLTestDatabase.onThread {
                        try engine.publish(
                            datasetID: "gares", reader: try Self.reader(),
                            newDataset: DatasetMetadata(id: "gares", titleFR: "Gares"),
                            now: Date(timeIntervalSince1970: 1_790_000_000), progress: nil)
                    }
                    #expect(report.records == Self.recordCount)
                    let dataset = try #require(try await engine.dataset(id: "gares"))
                    compilers.append(Self.compiler(dataset, dialect: engine.dialect))
                }
                var compared = 0
                for query in cases {
                    let text = ODSQL.QueryText(
                        select: query.select, where: query.whereText.isEmpty ? [] : [query.whereText],
                        groupBy: query.groupBy, orderBy: query.orderBy)
                    let sqlite = try await sqliteStore.rows(try compilers[0].records(text, limit: 1_000))
                    let postgres = try await postgresStore.rows(try compilers[1].records(text, limit: 1_000))
                    if let reason = Self.knownDifferences[query.description] {
                        // Runs on both engines; equality is not expected (see the reason).
                        #expect(sqlite.count == postgres.count, "\(query): \(reason)")
                        continue
                    }
                    // Grouped, distance and random orders are total; others may order ties differently: compared as sets.
                    let ordered = !query.groupBy.isEmpty || query.orderBy == "d" || query.orderBy.hasPrefix("random")
                    let left = ordered ? sqlite : sqlite.sorted(by: Self.precedes)
                    let right = ordered ? postgres : postgres.sorted(by: Self.precedes)
                    #expect(left.count == right.count, "\(query)")
                    for (a, b) in zip(left, right) { #expect(Self.same(a, b), "\(query): \(a) vs \(b)") }
                    if !left.isEmpty { compared += 1 }
                }
                // Most queries select something from the data: the comparison is not between empty answers.
                #expect(compared > cases.count * 2 / 3)
                try await Self.compareFacetsAndCounts(compilers, sqliteStore, postgresStore)
            }
        }
    }

    /// Facets (every level and sort, a list field, under filters) and total counts give the same answers.
    static func compareFacetsAndCounts(
        _ compilers: [ODSQL.Compiler], _ sqlite: any RecordQueries, _ postgres: any RecordQueries
    ) async throws {
        let filters = [
            ODSQL.QueryText(), ODSQL.QueryText(where: [#"search("gare")"#, "population > 100"]),
            ODSQL.QueryText(where: ["within_distance(geo, geom'POINT(1.5 43.5)', 20km)"], refines: ["commune:Albi"]),
        ]
        let facets: [(String, ODSQL.FacetLevel, ODSQL.FacetSort)] = [
            ("commune", .value, .countDescending), ("commune", .value, .alphanumDescending), ("tags", .value, .countAscending),
            ("open", .value, .numDescending), ("date", .year, .alphanumAscending), ("date", .month, .countDescending),
            ("updated", .day, .alphanumAscending), ("population", .value, .numAscending),
        ]
        for filter in filters {
            let counts = [
                try await sqlite.rows(try compilers[0].count(filter)),
                try await postgres.rows(try compilers[1].count(filter)),
            ]
            #expect(counts[0] == counts[1] && counts[0] != [[.int(0)]], "count \(filter.wheres)")
            for (field, level, sort) in facets {
                let left = try await sqlite.rows(try compilers[0].facet(filter, field: field, level: level, sort: sort))
                let right = try await postgres.rows(try compilers[1].facet(filter, field: field, level: level, sort: sort))
                // Ties in counts may come in another order: compared as sets.
                #expect(
                    left.sorted(by: precedes) == right.sorted(by: precedes),
                    "facet \(field) \(level) \(sort) \(filter.wheres)")
            }
        }
    }

    static let recordCount = 300

    /// A CSV of ``recordCount`` stations with every field type, nulls, accents and invalid JSON included.
    static func reader() throws -> RecordBatchReader {
        let names = [
            "Gare de Toulouse-Matabiau", "Albi-Ville", "Rodez", "Béziers", "Nîmes Centre", "Saint-Étienne", "Montpellier",
            "Gare centre", "ÉCOLE", "Montauban", "x",
        ]
        let communes = ["Albi", "Rodez", "Toulouse", "Nîmes", "Montpellier", "Montauban", "Castres", "Béziers"]
        var lines = ["nom;commune;code;population;capacity;price;open;date;updated;geo;shape;extra;tags;and;12"]
        for i in 0..<recordCount {
            let lat = 43.0 + Double(i % 50) * 0.02
            let lon = 1.0 + Double(i % 40) * 0.025
            let shape =
                i % 3 == 0
                ? #"{"type":"Point","coordinates":[\#(lon),\#(lat)]}"#
                : #"{"type":"Polygon","coordinates":[[[\#(lon),\#(lat)],[\#(lon + 0.05),\#(lat)],[\#(lon + 0.05),\#(lat + 0.05)],[\#(lon),\#(lat)]]]}"#
            let cells: [String] = [
                names[i % names.count] + (i % 4 == 0 ? " \(i)" : ""),
                communes[i % communes.count],
                "ID45" + String(i % 60),
                i % 7 == 0 ? "" : String((i * 37) % 1_000),
                String((i * 13) % 120),
                String(Double(i % 17) * 0.75 + 0.5),
                i % 3 == 0 ? "false" : "true",
                String(format: "%04d-%02d-%02d", 2016 + i % 6, 1 + i % 12, 1 + i % 28),
                String(
                    format: "%04d-%02d-%02dT%02d:%02d:%02dZ", 2016 + i % 6, 1 + (i * 5) % 12, 1 + (i * 3) % 28, i % 24,
                    (i * 7) % 60, (i * 11) % 60),
                "\(lat), \(lon)",
                "\"" + shape.replacingOccurrences(of: "\"", with: "\"\"") + "\"",
                i % 10 == 0 ? "bad{" : "\"{\"\"k\"\": \(i)}\"",
                i % 2 == 0 ? "\"[\"\"rail\"\",\"\"bus\"\"]\"" : "\"[\"\"gare\"\"]\"",
                String(i % 5),
                String(i % 9),
            ]
            lines.append(cells.joined(separator: ";"))
        }
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        let types: [String: FieldType] = [
            "nom": .text, "commune": .text, "code": .text, "population": .int, "capacity": .int, "price": .double,
            "open": .boolean, "date": .date, "updated": .datetime, "geo": .geoPoint2D, "shape": .geoShape,
            "extra": .jsonBlob, "tags": .text, "and": .int, "12": .int,
        ]
        let detection = try Ingest.detect(
            bytes: bytes, fileName: "gares.csv", options: IngestOptions(delimiter: UInt8(ascii: ";"), fieldTypes: types))
        return try Ingest.read(bytes: bytes, detection: detection, batchSize: 64)
    }

    /// The compiler of a published dataset, `tags` being a list as in ODSQL's fixtures.
    static func compiler(_ dataset: Dataset, dialect: any SQLDialect) -> ODSQL.Compiler {
        let schema = ODSQL.Schema(
            fields: dataset.fields.map { ODSQL.Field(name: $0.name, type: $0.type, isMultivalued: $0.name == "tags") })
        let options = ODSQL.CompileOptions(now: Date(timeIntervalSince1970: 1_620_304_495), language: "fr")
        return ODSQL.Compiler(
            schema: schema, layout: TableLayout(recordsTable: dataset.recordsTable ?? ""), dialect: dialect,
            options: options)
    }

    /// Equal values, reals within 1e-9 of each other (relative): aggregates may add in another order.
    static func same(_ a: [SQLValue], _ b: [SQLValue]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { x, y in
            switch (x, y) {
            case (.double(let p), .double(let q)): abs(p - q) <= 1e-9 * max(1, abs(p), abs(q))
            default: x == y
            }
        }
    }

    /// A total order on rows, for comparing unordered answers.
    static func precedes(_ a: [SQLValue], _ b: [SQLValue]) -> Bool {
        a.map(\.description).joined(separator: "\u{1F}") < b.map(\.description).joined(separator: "\u{1F}")
    }
}

/// What the parity test needs of both engines.
protocol StoreEngineForTests: DatasetPublisher, DatasetCatalog, RecordQueries {}
extension SQLiteStore: StoreEngineForTests {}
extension PostgreSQLStore: StoreEngineForTests {}
