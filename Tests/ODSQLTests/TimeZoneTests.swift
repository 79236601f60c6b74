import Foundation
import Testing
import Vocabulary

@testable import ODSQL

/// `timezone` inside ODSQL: offsets from Foundation, literals and refines converted in Swift, date functions read
/// through the dialect.
private let paris = ZoneOffsets(TimeZone(identifier: "Europe/Paris")!)

private func seconds(_ text: String) -> Int64 { DateValue.parse(text)!.seconds }

@Test func parisOffsetsFollowSummerTime() {
    #expect(!paris.isUTC && paris.transitions.count > 200)
    #expect(paris.offset(atUTC: seconds("2023-12-31T23:30:00Z")) == 3_600)
    #expect(paris.offset(atUTC: seconds("2023-03-26T00:59:59Z")) == 3_600)
    #expect(paris.offset(atUTC: seconds("2023-03-26T01:00:00Z")) == 7_200)
    #expect(ZoneOffsets(TimeZone(secondsFromGMT: 0)!).isUTC)
}

@Test func wallClockTimesBecomeInstants() {
    #expect(paris.utc(fromLocal: seconds("2024-01-01T00:00:00Z")) == seconds("2023-12-31T23:00:00Z"))
    #expect(paris.utc(fromLocal: seconds("2023-07-14T14:00:00Z")) == seconds("2023-07-14T12:00:00Z"))
    // 02:30 does not exist on 26 March 2023 in Paris: the offset before the gap applies.
    #expect(paris.utc(fromLocal: seconds("2023-03-26T02:30:00Z")) == seconds("2023-03-26T01:30:00Z"))
    // 02:30 happens twice on 29 October 2023: the first one.
    #expect(paris.utc(fromLocal: seconds("2023-10-29T02:30:00Z")) == seconds("2023-10-29T00:30:00Z"))
}

private func compiler(_ zone: String, dialect: any SQLDialect = SQLiteDialect()) -> ODSQL.Compiler {
    ODSQL.Compiler(schema: Fixtures.schema, layout: Fixtures.layout, dialect: dialect, options: Fixtures.options)
        .reading(timeZone: TimeZone(identifier: zone)!)
}

@Test func literalsAndRefinesWithoutOffsetAreWallClockTimes() throws {
    let query = ODSQL.QueryText(
        where: ["updated >= date'2024-01-01' and updated < date'2024-06-01T00:00:00Z' and date = date'2024-01-01'"],
        refines: ["updated:2024"])
    let compiled = try compiler("Europe/Paris").records(query, limit: 1)
    let texts = compiled.bindings.compactMap { if case .text(let text) = $0 { text } else { nil } }
    #expect(
        texts == [
            "2023-12-31T23:00:00Z", "2024-06-01T00:00:00Z", "2024-01-01", "2023-12-31T23:00:00Z",
            "2024-12-31T23:00:00Z",
        ])
    let utc = try compiler("UTC").records(query, limit: 1)
    #expect(utc.bindings.first == .text("2024-01-01T00:00:00Z"))
}

@Test func dateFunctionsReadDatetimesInTheZoneOnly() throws {
    let query = ODSQL.QueryText(select: "year(updated) as y, year(date) as d")
    let sqlite = try compiler("Europe/Paris").records(query, limit: 1)
    #expect(sqlite.sql.components(separatedBy: "strftime(").count == 2)
    #expect(sqlite.bindings.count > 400)
    let postgres = try compiler("Europe/Paris", dialect: PostgreSQLDialect()).records(query, limit: 1)
    #expect(postgres.sql.contains("AT TIME ZONE 'UTC') AT TIME ZONE $1"))
    #expect(postgres.bindings.first == .text("Europe/Paris"))
    let utc = try compiler("UTC").records(query, limit: 1)
    #expect(!utc.sql.contains("strftime"))
    let facet = try compiler("Europe/Paris").facet(ODSQL.QueryText(), field: "updated", level: .year)
    #expect(facet.sql.contains("strftime("))
}

@Test func geoClusterGroupsByCellAndAnswersTheCentroid() throws {
    let query = try Fixtures.records(select: "count(*) as n", groupBy: "geo_cluster(geo, 10)", limit: nil)
    #expect(query.sql.contains(#"GROUP BY (CAST((("geo__lat" + 90)"#))
    #expect(query.sql.contains(#"{"cluster_centroid":{"lat":"#))
    #expect(query.columns.first?.key == "geo_cluster(geo, 10)" && query.columns.first?.type == .json)
    // Zoom 10 with 40 pixels is about 6 km: geohash precision 4 (0.18° by 0.35°); zoom 0 keeps the coarsest cells.
    let fine = GeoClusterGrid(zoom: 10, radius: 40)
    #expect(fine.latitudeStep == 180 / 1_024 && fine.longitudeStep == 360 / 1_024)
    #expect(GeoClusterGrid(zoom: 0, radius: 40).longitudeStep == 360)
    let count = try Fixtures.sqlite.count(ODSQL.QueryText(select: "count(*)", groupBy: "geo_cluster(geo, 10)"))
    #expect(!count.sql.contains("AVG("))
}
