import Foundation
import Testing

@testable import ODSQL

/// Writes compiled SQL for a corpus of queries when ODSQL_DUMP is set, so a script can run it on real SQLite.
@Test func dumpCorpusForSQLiteValidation() throws {
    guard let path = ProcessInfo.processInfo.environment["ODSQL_DUMP"] else { return }
    var entries: [[String: Any]] = []
    for (select, wheres, groupBy, orderBy) in SQLCorpus.queries {
        let query = try Fixtures.records(select: select, where: wheres, groupBy: groupBy, orderBy: orderBy)
        let bindings: [Any] = query.bindings.map { value -> Any in
            switch value {
            case .null: return NSNull()
            case .int(let v): return v
            case .double(let v): return v
            case .text(let v): return v
            case .bool(let v): return v ? 1 : 0
            }
        }
        entries.append(["sql": query.sql, "bindings": bindings])
        let count = try Fixtures.sqlite.count(
            ODSQL.QueryText(select: select, where: wheres, groupBy: groupBy, orderBy: orderBy))
        entries.append(["sql": count.sql, "bindings": count.bindings.map(\.description)])
    }
    let data = try JSONSerialization.data(withJSONObject: entries, options: [.prettyPrinted])
    try data.write(to: URL(fileURLWithPath: path))
}

enum SQLCorpus {
    static let queries: [(String, [String], String, String)] = [
        ("", [], "", ""),
        (
            "nom, population * 2 as double_pop, length(nom), lower(commune), upper(code)",
            ["population > 10 and nom = 'x' or not open"], "", "population desc"
        ),
        (
            "year(date), month(updated), day(date), hour(updated), minute(updated), second(updated)",
            ["date >= date'2020' and updated < date'2021-01-01T10:00'"], "", ""
        ),
        (
            "date_format(updated, 'dd/MM/yyyy EEEE MMMM ww xxxx e D DDD HH:mm:ss'), ifnull(population, 0), now(years=-1)",
            ["date_format(date, 'dd') = '08'"], "", ""
        ),
        (
            "distance(geo, geom'POINT(2.35 48.85)') as d",
            ["within_distance(geo, geom'POINT(2.35 48.85)', 10km) and in_bbox(geo, 48, 2, 49, 3)"], "", "d"
        ),
        (
            "nom",
            [
                "intersects(shape, geom'POLYGON((1 43, 2 43, 2 44, 1 44, 1 43))') or within(geo, geom'POLYGON((1 43, 2 43, 2 44, 1 44, 1 43))') or disjoint(shape, geom'POINT(1 43)')"
            ], "", ""
        ),
        (
            "nom", ["\"gare toulouse\" and search(nom, commune, \"albi\") and suggest(\"mont\") and startswith(code, 'ID45')"],
            "", ""
        ),
        (
            "nom",
            [
                "population in [1..10] and price in ]1.5..2[ and date in [date'2017'..date'2018'] and commune in ('Albi', 'Rodez') and 'rail' in tags and nom like 'gare centre'"
            ], "", ""
        ),
        ("nom", ["population is null and geo is not null and open is true and open is not false"], "", "random(3)"),
        (
            "commune, count(*) as n, sum(capacity), avg(price), min(date), max(updated), count(distinct nom), count(population)",
            [], "commune", "n desc"
        ),
        ("count(*), median(price), percentile(capacity, 90)", ["population > 3"], "commune", ""),
        ("count(*), median(price), percentile(capacity, 90), envelope(geo), bbox(shape)", [], "", ""),
        ("count(*)", [], "range(capacity, *, 10, 50, 100, *) as capacity", ""),
        ("count(*)", [], "range(capacity, 15), range(price, 2.5)", ""),
        ("count(*)", [], "range(date, *, date'2020-11-13', date'2021-01-01')", ""),
        ("count(*)", [], "range(updated, 1 day), range(date, 1M)", ""),
        ("count(*)", [], "range(updated, 1w), range(updated, 1q), range(updated, 1y), range(updated, 2h)", ""),
        ("count(*)", [], "year(date) as y, date_format(date, 'MM') as m, lower(commune)", "y desc, count(*)"),
        ("include(pop*), exclude(price)", [], "", "random(1)"),
        ("json_format(extra, 'bad'), `and`, `12`", ["`and` > 1 and `12` : 4"], "", ""),
    ]
}
