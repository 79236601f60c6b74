import Foundation
import Testing

@testable import ODSQL

@Test func refinesCompileToEqualityAndDatePrefixes() throws {
    let query = try Fixtures.records(
        select: "nom", refine: ["commune:Albi", "date:2023/05", "updated:2023", "tags:rail"],
        exclude: ["open:true"], limit: 5, offset: 10)
    #expect(
        query.sql == #"""
            SELECT "nom" FROM "gares" WHERE (("commune" = ?) AND ("date" >= ? AND "date" < ?) AND ("updated" >= ? AND "updated" < ?) AND EXISTS (SELECT 1 FROM json_each("tags") WHERE json_each.value = ?) AND ((("open" = ?)) IS NOT TRUE)) LIMIT ? OFFSET ?
            """#)
    #expect(
        query.bindings == [
            .text("Albi"), .text("2023-05-01"), .text("2023-06-01"), .text("2023-01-01T00:00:00Z"),
            .text("2024-01-01T00:00:00Z"), .text("rail"), .bool(true), .int(5), .int(10),
        ])
}

@Test func countAndFacetsAndAggregate() throws {
    let text = ODSQL.QueryText(where: ["population > 5"], refines: ["commune:Albi"])
    let count = try Fixtures.sqlite.count(text)
    #expect(count.sql == #"SELECT COUNT(*) FROM "gares" WHERE (("population" > ?) AND ("commune" = ?))"#)
    let groups = try Fixtures.sqlite.count(ODSQL.QueryText(select: "count(*)", groupBy: "commune"))
    #expect(groups.sql == #"SELECT COUNT(*) FROM (SELECT "commune" FROM "gares" GROUP BY 1) AS "g""#)
    let facet = try Fixtures.sqlite.facet(text, field: "date", level: .month, limit: 10)
    #expect(
        facet.sql == #"""
            SELECT replace(substr("date", 1, 7), '-', '/'), COUNT(*) FROM "gares" WHERE (("population" > ?) AND ("commune" = ?)) AND replace(substr("date", 1, 7), '-', '/') IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 ASC LIMIT ?
            """#)
    let tags = try Fixtures.sqlite.facet(ODSQL.QueryText(), field: "tags", sort: .alphanumAscending)
    #expect(
        tags.sql == #"""
            SELECT "mv"."value", COUNT(*) FROM "gares", json_each("tags") AS "mv" WHERE "mv"."value" IS NOT NULL GROUP BY 1 ORDER BY 1 ASC
            """#)
    let aggregate = try Fixtures.sqlite.aggregate(ODSQL.QueryText(select: "count(*), avg(price) as p"))
    #expect(aggregate.sql == #"SELECT COUNT(*), AVG("price") FROM "gares""#)
    #expect(aggregate.columns.map(\.key) == ["count(*)", "p"])
    #expect(Fixtures.error { _ = try Fixtures.sqlite.aggregate(ODSQL.QueryText(select: "nom")) } != nil)
}

@Test func recordIDAndGeoColumns() throws {
    let query = try Fixtures.sqlite.records(
        ODSQL.QueryText(select: "geo, nom"),
        limit: 1, includeRecordID: true)
    #expect(query.sql == #"SELECT "_id", "geo__lat", "geo__lon", "nom" FROM "gares" LIMIT ?"#)
    #expect(
        query.columns == [
            ResultColumn(key: "_id", type: .text, firstSQLColumn: 0),
            ResultColumn(key: "geo", type: .geoPoint, firstSQLColumn: 1),
            ResultColumn(key: "nom", type: .text, firstSQLColumn: 3),
        ])
}

@Test func nowFollowsRelativeDeltaSemantics() {
    let now: Int64 = 1_620_304_495  // Thursday 2021-05-06T12:34:55Z
    func eval(_ parameters: [String: Int]) -> String { NowFunction.evaluate(now: now, parameters: parameters).dateTimeText }
    #expect(eval([:]) == "2021-05-06T12:34:55Z")
    #expect(eval(["year": 2000]) == "2000-05-06T12:34:55Z")
    #expect(eval(["years": -1]) == "2020-05-06T12:34:55Z")
    #expect(eval(["year": 2001, "months": -1]) == "2001-04-06T12:34:55Z")
    #expect(eval(["day": 31, "month": 2]) == "2021-02-28T12:34:55Z")
    #expect(eval(["weekday": 0]) == "2021-05-10T12:34:55Z")
    #expect(eval(["mondays": 1]) == "2021-05-10T12:34:55Z")
    #expect(eval(["mondays": -1]) == "2021-05-03T12:34:55Z")
}

@Test func dateLiteralsParse() {
    #expect(DateValue.parse("2017-04-03T08:02")?.dateTimeText == "2017-04-03T08:02:00Z")
    #expect(DateValue.parse("2017-04-03T08:02:00+02:00")?.dateTimeText == "2017-04-03T06:02:00Z")
    #expect(DateValue.parse("2018/04/01")?.dateText == "2018-04-01")
    #expect(DateValue.parse("2017")?.precision == .year)
    #expect(DateValue.parse("2017-02-29") == nil)
    #expect(DateValue.parse("2017-04-03T25:00") == nil)
    #expect(DateValue.parse("hello") == nil)
}

@Test func postgresUsesNumberedPlaceholdersAndTsquery() throws {
    let query = try Fixtures.records(
        select: "nom, median(price)", where: ["search(nom, 'gare tou') and commune = 'Albi'"], groupBy: "nom",
        limit: 10, compiler: Fixtures.postgres)
    #expect(
        query.sql == #"""
            SELECT "nom", percentile_cont($1) WITHIN GROUP (ORDER BY "price") FROM "gares" WHERE (("_search" @@ garona_search_query($2) AND "nom__search" @@ garona_search_query($3)) AND ("commune" = $4)) GROUP BY 1 ORDER BY 1 ASC NULLS LAST LIMIT $5
            """#)
    #expect(query.bindings == [.double(0.5), .text("'gare' & 'tou':*"), .text("'gare' & 'tou':*"), .text("Albi"), .int(10)])
    let distance = try Fixtures.records(
        select: "distance(geo, geom'POINT(1 43)') as d", orderBy: "d", compiler: Fixtures.postgres)
    #expect(distance.sql.contains("garona_distance(\"geo__lat\", \"geo__lon\", $1, $2)"))
    #expect(!distance.sql.contains("?"))
}

@Test func postgresSearchesInFieldsByTheirOwnVectorsUnlessANameIsTooLong() {
    let dialect = PostgreSQLDialect()
    let layout = TableLayout(recordsTable: "t")
    let long = String(repeating: "n", count: 56)
    #expect(TableLayout.fieldSearchVectorColumn(String(repeating: "n", count: 55)) != nil)
    #expect(TableLayout.fieldSearchVectorColumn(long) == nil)
    let two = dialect.fullTextPredicate(layout: layout, query: "$1", columns: ["nom", "commune"]).sql
    #expect(
        two
            == #"("_search" @@ garona_search_query($1) AND ("nom__search" || "commune__search") @@ garona_search_query($1))"#
    )
    let tooLong = dialect.fullTextPredicate(layout: layout, query: "$1", columns: ["nom", long]).sql
    #expect(tooLong.contains(#"garona_search_vector(coalesce("nom", '') || ' ' || coalesce("\#(long)", ''))"#))
}
