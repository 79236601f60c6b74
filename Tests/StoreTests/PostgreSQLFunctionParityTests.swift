import Foundation
import GRDB
import ODSQL
import PostgresNIO
import Testing

@testable import Store

/// The SQL functions of migration 5 (``PostgreSQLRecordFunctions``) against SQLite's own: the same distances to the
/// last bit, the same shape predicates, the same full-text matches as FTS5 with Garona's tokenizer.
@Suite(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason))
struct PostgreSQLFunctionParityTests {
    @Test func distancesAreSQLitesToTheLastBit() async throws {
        let pairs: [(Double, Double, Double, Double)] = [
            (48.85, 2.35, 43.6, 1.44), (43.604, 1.444, 43.605, 1.445), (0, 0, 0, 180), (-33.9, 151.2, 51.5, -0.12),
            (89.9, 10, -89.9, -170), (43.6, 1.44, 43.6, 1.44),
        ]
        try await PostgreSQLTestDatabase.withStore { store, _ in
            for (lat1, lon1, lat2, lon2) in pairs {
                let rows = try await store.rows(
                    CompiledQuery(
                        sql: "SELECT garona_distance($1, $2, $3, $4)",
                        bindings: [.double(lat1), .double(lon1), .double(lat2), .double(lon2)]))
                #expect(rows == [[.double(GeoFunctions.haversine(lat1, lon1, lat2, lon2))]], "\(lat1) \(lon1)")
            }
        }
    }

    @Test func lowerAndUpperChangeASCIILettersOnlyAsOnSQLite() async throws {
        let texts = ["ÉCOLE Ça", "école ça", "Straße ĲSSEL", "ǅemal Ωμέγα", "MiXeD 123"]
        let sqlite = try DatabaseQueue()
        let expected = try await sqlite.read { db in
            try texts.map { text in
                try Row.fetchOne(db, sql: "SELECT lower(?), upper(?)", arguments: [text, text]).map {
                    [SQLValue.text($0[0]), .text($0[1])]
                }
            }
        }
        try await PostgreSQLTestDatabase.withStore { store, _ in
            for (text, row) in zip(texts, expected) {
                let answer = try await store.rows(
                    CompiledQuery(sql: "SELECT lower($1), upper($1)", bindings: [.text(text)]))
                #expect(answer == [row].compactMap { $0 }, "\(text)")
            }
        }
    }

    static let shapes = [
        #"{"type":"Polygon","coordinates":[[[1,43],[2,43],[2,44],[1,44],[1,43]]]}"#,
        #"{"type":"Point","coordinates":[1.5,43.5]}"#,
        #"{"type":"Point","coordinates":[1,43.5]}"#,
        #"{"type":"Point","coordinates":[3,43.5]}"#,
        #"{"type":"Point","coordinates":[1,43]}"#,
        #"{"type":"LineString","coordinates":[[1.5,43.5],[3,43.5]]}"#,
        #"{"type":"LineString","coordinates":[[1.2,43.2],[1.8,43.8]]}"#,
        #"{"type":"LineString","coordinates":[[5,5],[6,6]]}"#,
        #"{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]}"#,
        #"{"type":"Point","coordinates":[5,5]}"#,
        #"{"type":"Point","coordinates":[2,2]}"#,
        #"{"type":"Polygon","coordinates":[[[1.5,43.5],[2.5,43.5],[2.5,44.5],[1.5,44.5],[1.5,43.5]]]}"#,
        #"{"type":"MultiPoint","coordinates":[[1.5,43.5],[3,43.5]]}"#,
        #"{"type":"MultiPolygon","coordinates":[[[[1,1],[3,1],[3,3],[1,3],[1,1]]],[[[7,7],[8,7],[8,8],[7,8],[7,7]]]]}"#,
        #"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[5,5]},{"type":"Point","coordinates":[2,2]}]}"#,
        #"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[7.5,7.5]}}"#,
        #"{"type":"MultiLineString","coordinates":[[[0,5],[10,5]],[[9,9],[9.5,9.5]]]}"#,
        #"{"type":"MultiPoint","coordinates":[]}"#,
        #"{"type":"Circle","coordinates":[1,2]}"#,
        #"{"type":"Point","coordinates":["1",2]}"#,
        "not json",
    ]

    @Test func shapePredicatesAreSQLites() async throws {
        var firsts: [String] = []
        var seconds: [String] = []
        for first in Self.shapes {
            for second in Self.shapes {
                firsts.append(first)
                seconds.append(second)
            }
        }
        func expected(_ test: (PlanarShape, PlanarShape) -> Bool) -> [Int?] {
            zip(firsts, seconds).map { first, second in
                guard let a = PlanarShape(geoJSON: first), let b = PlanarShape(geoJSON: second) else { return nil }
                return test(a, b) ? 1 : 0
            }
        }
        try await PostgreSQLTestDatabase.withStore { store, _ in
            let rows = try await store.withConnection { connection in
                try await connection.query(
                    """
                    SELECT garona_intersects(a, b), garona_within(a, b)
                    FROM unnest(\(firsts)::text[], \(seconds)::text[]) WITH ORDINALITY AS p(a, b, i) ORDER BY i
                    """, logger: store.logger
                ).collect().map { try $0.decode((Int?, Int?).self) }
            }
            #expect(rows.map(\.0) == expected { $0.intersects($1) })
            #expect(rows.map(\.1) == expected { $0.isWithin($1) })
            #expect(rows.contains { $0.0 == 1 } && rows.contains { $0.1 == 0 } && rows.contains { $0.0 == nil })
            // They open subtransactions (to catch a text that is not JSON), which parallel workers cannot.
            let parallel = try await store.rows(
                CompiledQuery(
                    sql: "SELECT DISTINCT proparallel FROM pg_proc WHERE proname IN ('garona_intersects', 'garona_within')",
                    bindings: []))
            #expect(parallel == [[.text("r")]])
        }
    }

    static let texts = [
        "Gare de Toulouse-Matabiau", "L'Église Saint-Étienne", "ÉCOLE primaire", "contact: a@b.fr", "v1.2.3 release",
        "3.14 pi", "naïve Café", "ID45 quai n°3", "snake_case_name", "tab\there\nnewline", "Montpellier Saint-Roch",
        "Montauban-Ville-Bourbon", "http://example.org/path/to?q=1", "Ωμέγα", "中文 text", "ÇA ÊTRE", "1e5 0x1F",
        "Cœur de ville", "STRASSE Straße", "Ærø Łódź", "ά ё Ђ", "ſoleil İstanbul", "Vietnam: Hồ Chí Minh",
        "Été à l'ÎLE", "ÉTÉ ÇA Ōsaka",
    ]

    static let searches = [
        "toulouse", "mata", "eglise", "EGLISE", "Église", "etienne", "ecole", "école", "b", "fr", "a", "contact", "2",
        "3", "14", "naive", "cafe", "id45", "id", "n", "snake", "case", "name", "tab", "here", "newline", "mont",
        "montpellier saint", "saint roch", "ville bourbon", "example", "path", "org", "q", "ωμέγα", "中文", "ca etre",
        "1e5", "0x1f", "zzz", "quai 3", "mon",
        "cœur", "coeur", "strasse", "straße", "aero", "ærø", "lodz", "łódź", "ά", "α", "ё", "е", "soleil", "istanbul",
        "ho chi", "hồ", "ete", "été", "ÉTÉ", "ile", "île", "osaka", "Ō",
    ]

    /// The words of a search, as ODSQL's analyzer cuts them: runs of letters and digits, the last one a prefix.
    static func terms(_ text: String) -> [FullTextTerm] {
        var terms = text.split { !($0.isLetter || $0.isNumber) }.map { FullTextTerm(text: String($0), isPrefix: false) }
        if !terms.isEmpty { terms[terms.count - 1].isPrefix = true }
        return terms
    }

    @Test func fullTextMatchesAreSQLites() async throws {
        let sqlite = try DatabaseQueue()
        let expected = try await sqlite.write { db in
            try db.execute(sql: "CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='\(FullTextBuilder.tokenizer)')")
            for (index, text) in Self.texts.enumerated() {
                try db.execute(sql: "INSERT INTO docs (rowid, body) VALUES (?, ?)", arguments: [index, text])
            }
            return try Self.searches.map { search in
                try Int.fetchAll(
                    db, sql: "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rowid",
                    arguments: [SQLiteDialect().fullTextQuery(Self.terms(search), columns: [])])
            }
        }
        try await PostgreSQLTestDatabase.withStore { store, _ in
            try await store.withConnection { connection in
                try await connection.query("CREATE TABLE docs (id bigint, body text COLLATE \"C\")", logger: store.logger)
                try await connection.query(
                    """
                    INSERT INTO docs SELECT i - 1, body FROM unnest(\(Self.texts)::text[]) WITH ORDINALITY AS d(body, i)
                    """, logger: store.logger)
            }
            for (search, matches) in zip(Self.searches, expected) {
                let query = PostgreSQLDialect().fullTextQuery(Self.terms(search), columns: [])
                let rows = try await store.rows(
                    CompiledQuery(
                        sql: "SELECT id FROM docs WHERE garona_search_vector(body) @@ garona_search_query($1) ORDER BY id",
                        bindings: [.text(query)]))
                #expect(rows == matches.map { [.int(Int64($0))] }, "search \(search)")
            }
            #expect(expected.contains { !$0.isEmpty } && expected.contains(where: \.isEmpty))
        }
    }
}
