import Testing

@testable import ODSQL

/// Golden cases: where text → AST → SQLite SQL → bindings, for every predicate of the reference.
struct WhereGolden: Sendable, CustomStringConvertible {
    var query: String
    var ast: String
    var sql: String
    var bindings: String
    var description: String { query }
}

let whereGoldens: [WhereGolden] = [
    WhereGolden(
        query: #"population > 10 and nom = 'x' or not open"#,
        ast: #"(or (and (> (field population) 10) (= (field nom) "x")) (not (field open)))"#,
        sql: #"SELECT "nom" FROM "gares" WHERE ((("population" > ?) AND ("nom" = ?)) OR ((("open" = 1)) IS NOT TRUE))"#,
        bindings: #"[10, 'x']"#),
    WhereGolden(
        query: #""tree" AND NOT "cat""#,
        ast: #"(and "tree" (not "cat"))"#,
        sql:
            #"SELECT "nom" FROM (SELECT rowid FROM "gares__fts" WHERE "gares__fts" MATCH ?) AS "fts" CROSS JOIN "gares" ON "gares".rowid = "fts".rowid WHERE (("gares".rowid IN (SELECT rowid FROM "gares__fts" WHERE "gares__fts" MATCH ?)) IS NOT TRUE)"#,
        bindings: #"['"tree"*', '"cat"*']"#),
    WhereGolden(
        query: #"search(nom, "bok of secret")"#,
        ast: #"(search (field nom) "bok of secret")"#,
        sql:
            #"SELECT "nom" FROM (SELECT rowid FROM "gares__fts" WHERE "gares__fts" MATCH ?) AS "fts" CROSS JOIN "gares" ON "gares".rowid = "fts".rowid"#,
        bindings: #"['{"nom"} : ("bok" "of" "secret"*)']"#),
    WhereGolden(
        query: #"suggest("film")"#,
        ast: #"(suggest "film")"#,
        sql:
            #"SELECT "nom" FROM (SELECT rowid FROM "gares__fts" WHERE "gares__fts" MATCH ?) AS "fts" CROSS JOIN "gares" ON "gares".rowid = "fts".rowid"#,
        bindings: #"['"film"*']"#),
    WhereGolden(
        query: #"startswith(code, "ID4536")"#,
        ast: #"(startswith (field code) "ID4536")"#,
        sql: #"SELECT "nom" FROM "gares" WHERE substr("code", 1, ?) = ?"#,
        bindings: #"[6, 'ID4536']"#),
    WhereGolden(
        query: #"default.nom = "Albi" and `default`.`code` = "x""#,
        ast: #"(and (= (field nom) "Albi") (= (field code) "x"))"#,
        sql: #"SELECT "nom" FROM "gares" WHERE (("nom" = ?) AND ("code" = ?))"#,
        bindings: #"['Albi', 'x']"#),
    WhereGolden(
        query: #"startswith(tags, "gar")"#,
        ast: #"(startswith (field tags) "gar")"#,
        sql:
            #"SELECT "nom" FROM "gares" WHERE EXISTS (SELECT 1 FROM json_each("tags") WHERE substr(CAST(json_each.value AS TEXT), 1, ?) = ?)"#,
        bindings: #"[3, 'gar']"#),
    WhereGolden(
        query: #"within_distance(geo, geom'POINT(2.35 48.85)', 1km)"#,
        ast: #"(within_distance (field geo) (geom "POINT(2.35 48.85)") (quantity 1 km))"#,
        sql:
            #"SELECT "nom" FROM "gares" WHERE ("geo__lat" BETWEEN ? AND ? AND "geo__lon" BETWEEN ? AND ? AND garona_distance("geo__lat", "geo__lon", ?, ?) <= ?)"#,
        bindings: #"[48.84101688825009, 48.858983111749914, 2.3363460810940255, 2.3636539189059746, 48.85, 2.35, 1000.0]"#),
    WhereGolden(
        query: #"in_bbox(geo, 48.84, 2.26, 48.85, 2.27)"#,
        ast: #"(in_bbox (field geo) 48.84 2.26 48.85 2.27)"#,
        sql: #"SELECT "nom" FROM "gares" WHERE ("geo__lat" BETWEEN ? AND ? AND "geo__lon" BETWEEN ? AND ?)"#,
        bindings: #"[48.84, 48.85, 2.26, 2.27]"#),
    WhereGolden(
        query: #"intersects(shape, geom'POLYGON((1 43, 2 43, 2 44, 1 44, 1 43))')"#,
        ast: #"(intersects (field shape) (geom "POLYGON((1 43, 2 43, 2 44, 1 44, 1 43))"))"#,
        sql:
            #"SELECT "nom" FROM "gares" WHERE ("shape__maxlon" >= ? AND "shape__minlon" <= ? AND "shape__maxlat" >= ? AND "shape__minlat" <= ? AND garona_intersects("shape", ?) = 1)"#,
        bindings:
            #"[1.0, 2.0, 43.0, 44.0, '{"type":"Polygon","coordinates":[[[1.0,43.0],[2.0,43.0],[2.0,44.0],[1.0,44.0],[1.0,43.0]]]}']"#
    ),
    WhereGolden(
        query: #"within(shape, geom'{"type":"Point","coordinates":[1,43]}')"#,
        ast: #"(within (field shape) (geom "{\"type\":\"Point\",\"coordinates\":[1,43]}"))"#,
        sql:
            #"SELECT "nom" FROM "gares" WHERE ("shape__minlon" >= ? AND "shape__maxlon" <= ? AND "shape__minlat" >= ? AND "shape__maxlat" <= ? AND garona_within("shape", ?) = 1)"#,
        bindings: #"[1.0, 1.0, 43.0, 43.0, '{"type":"Point","coordinates":[1.0,43.0]}']"#),
    WhereGolden(
        query: #"disjoint(geo, geom'POINT(1 43)')"#,
        ast: #"(disjoint (field geo) (geom "POINT(1 43)"))"#,
        sql:
            #"SELECT "nom" FROM "gares" WHERE ("geo__lat" IS NOT NULL AND (("geo__lat" BETWEEN ? AND ? AND "geo__lon" BETWEEN ? AND ? AND garona_intersects(json_object('type', 'Point', 'coordinates', json_array("geo__lon", "geo__lat")), ?) = 1)) IS NOT TRUE)"#,
        bindings: #"[43.0, 43.0, 1.0, 1.0, '{"type":"Point","coordinates":[1.0,43.0]}']"#),
    WhereGolden(
        query: #"population in [1..10]"#,
        ast: #"(in (field population) [1 10])"#,
        sql: #"SELECT "nom" FROM "gares" WHERE ("population" >= ? AND "population" <= ?)"#,
        bindings: #"[1, 10]"#),
    WhereGolden(
        query: #"price in ]1..10["#,
        ast: #"(in (field price) ]1 10[)"#,
        sql: #"SELECT "nom" FROM "gares" WHERE ("price" > ? AND "price" < ?)"#,
        bindings: #"[1, 10]"#),
    WhereGolden(
        query: #"date in [date'2017'..date'2018'["#,
        ast: #"(in (field date) [(date "2017") (date "2018")[)"#,
        sql: #"SELECT "nom" FROM "gares" WHERE ("date" >= ? AND "date" < ?)"#,
        bindings: #"['2017-01-01', '2018-01-01']"#),
    WhereGolden(
        query: #"commune in ("Paris", "Nantes")"#,
        ast: #"(in (field commune) ("Paris" "Nantes"))"#,
        sql: #"SELECT "nom" FROM "gares" WHERE ("commune" IN (?, ?))"#,
        bindings: #"['Paris', 'Nantes']"#),
    WhereGolden(
        query: #""rail" in tags"#,
        ast: #"(member "rail" (field tags))"#,
        sql: #"SELECT "nom" FROM "gares" WHERE EXISTS (SELECT 1 FROM json_each("tags") WHERE json_each.value = ?)"#,
        bindings: #"['rail']"#),
    WhereGolden(
        query: #"nom like "gare centre""#,
        ast: #"(like (field nom) "gare centre")"#,
        sql: #"SELECT "nom" FROM "gares" WHERE ("nom" LIKE ? ESCAPE '\' AND "nom" LIKE ? ESCAPE '\')"#,
        bindings: #"['%gare%', '%centre%']"#),
    WhereGolden(
        query: #"nom is null"#,
        ast: #"(is-null (field nom))"#,
        sql: #"SELECT "nom" FROM "gares" WHERE ("nom" IS NULL)"#,
        bindings: #"[]"#),
    WhereGolden(
        query: #"geo is not null"#,
        ast: #"(is-not-null (field geo))"#,
        sql: #"SELECT "nom" FROM "gares" WHERE ("geo__lat" IS NOT NULL)"#,
        bindings: #"[]"#),
    WhereGolden(
        query: #"open"#,
        ast: #"(field open)"#,
        sql: #"SELECT "nom" FROM "gares" WHERE ("open" = 1)"#,
        bindings: #"[]"#),
    WhereGolden(
        query: #"open is false"#,
        ast: #"(is (field open) false)"#,
        sql: #"SELECT "nom" FROM "gares" WHERE ("open" = 0)"#,
        bindings: #"[]"#),
    WhereGolden(
        query: #"date > date'1972'"#,
        ast: #"(> (field date) (date "1972"))"#,
        sql: #"SELECT "nom" FROM "gares" WHERE ("date" > ?)"#,
        bindings: #"['1972-01-01']"#),
    WhereGolden(
        query: #"updated >= date'2017-04-03T08:02'"#,
        ast: #"(>= (field updated) (date "2017-04-03T08:02"))"#,
        sql: #"SELECT "nom" FROM "gares" WHERE ("updated" >= ?)"#,
        bindings: #"['2017-04-03T08:02:00Z']"#),
    WhereGolden(
        query: #"date = date'2018/04/01'"#,
        ast: #"(= (field date) (date "2018/04/01"))"#,
        sql: #"SELECT "nom" FROM "gares" WHERE ("date" = ?)"#,
        bindings: #"['2018-04-01']"#),
    WhereGolden(
        query: #"date > 2020"#,
        ast: #"(> (field date) 2020)"#,
        sql: #"SELECT "nom" FROM "gares" WHERE ("date" > ?)"#,
        bindings: #"['2020-01-01']"#),
    WhereGolden(
        query: #"date_format(date, 'dd') = '08'"#,
        ast: #"(= (date_format (field date) "dd") "08")"#,
        sql: #"SELECT "nom" FROM "gares" WHERE ((substr(("date" || 'T00:00:00Z'), 9, 2)) = ?)"#,
        bindings: #"['08']"#),
    WhereGolden(
        query: #"year(updated) = 2020"#,
        ast: #"(= (year (field updated)) 2020)"#,
        sql: #"SELECT "nom" FROM "gares" WHERE (CAST(substr("updated", 1, 4) AS INTEGER) = ?)"#,
        bindings: #"[2020]"#),
    WhereGolden(
        query: #"length(nom) > 3"#,
        ast: #"(> (length (field nom)) 3)"#,
        sql: #"SELECT "nom" FROM "gares" WHERE (length("nom") > ?)"#,
        bindings: #"[3]"#),
    WhereGolden(
        query: #"population / 2 > 1.5"#,
        ast: #"(> (/ (field population) 2) 1.5)"#,
        sql: #"SELECT "nom" FROM "gares" WHERE ((CAST("population" AS DOUBLE PRECISION) / NULLIF(?, 0)) > ?)"#,
        bindings: #"[2, 1.5]"#),
    WhereGolden(
        query: #"`and` > 1 and `12` : 4"#,
        ast: #"(and (> (field and) 1) (= (field 12) 4))"#,
        sql: #"SELECT "nom" FROM "gares" WHERE (("and" > ?) AND ("12" = ?))"#,
        bindings: #"[1, 4]"#),
    WhereGolden(
        query: #"now(years=-1) < updated"#,
        ast: #"(< (now years=-1) (field updated))"#,
        sql: #"SELECT "nom" FROM "gares" WHERE (? < "updated")"#,
        bindings: #"['2020-05-06T12:34:55Z']"#),
]

@Test(arguments: whereGoldens) func whereGolden(_ golden: WhereGolden) throws {
    let parsed = try #require(try ODSQL.parseWhere(golden.query))
    #expect(parsed.description == golden.ast)
    let query = try Fixtures.records(select: "nom", where: [golden.query], limit: nil)
    #expect(query.sql == golden.sql)
    #expect("\(query.bindings)" == golden.bindings)
}
