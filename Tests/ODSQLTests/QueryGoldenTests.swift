import Testing

@testable import ODSQL

/// Golden cases for whole queries: select/where/group_by/order_by → AST → SQLite SQL, bindings and output keys.
struct QueryGolden: Sendable, CustomStringConvertible {
    var select: String
    var whereText: String
    var groupBy: String
    var orderBy: String
    var ast: String
    var sql: String
    var bindings: String
    var keys: String
    var description: String { select + " / " + groupBy }
}

let queryGoldens: [QueryGolden] = [
    QueryGolden(
        select: #""#,
        whereText: #""#,
        groupBy: #""#,
        orderBy: #""#,
        ast: #" | "#,
        sql:
            #"SELECT "nom", "commune", "code", "population", "capacity", "price", "open", "date", "updated", "geo__lat", "geo__lon", "shape", "extra", "tags", "and", "12" FROM "gares" LIMIT ?"#,
        bindings: #"[10]"#,
        keys:
            #"["nom", "commune", "code", "population", "capacity", "price", "open", "date", "updated", "geo", "shape", "extra", "tags", "and", "12"]"#
    ),
    QueryGolden(
        select: #"nom, population * 2 as double_pop, length(nom), lower(commune), upper(code)"#,
        whereText: #"population > 10 and nom = 'x' or not open"#,
        groupBy: #""#,
        orderBy: #"population desc"#,
        ast:
            #"(field nom), (* (field population) 2) as double_pop, (length (field nom)), (lower (field commune)), (upper (field code)) | "#,
        sql:
            #"SELECT "nom", ("population" * ?), length("nom"), lower("commune"), upper("code") FROM "gares" WHERE ((("population" > ?) AND ("nom" = ?)) OR ((("open" = 1)) IS NOT TRUE)) ORDER BY "population" DESC NULLS LAST LIMIT ?"#,
        bindings: #"[2, 10, 'x', 10]"#,
        keys: #"["nom", "double_pop", "length(nom)", "lower(commune)", "upper(code)"]"#),
    QueryGolden(
        select: #"year(date), month(updated), day(date), hour(updated), minute(updated), second(updated)"#,
        whereText: #"date >= date'2020' and updated < date'2021-01-01T10:00'"#,
        groupBy: #""#,
        orderBy: #""#,
        ast:
            #"(year (field date)), (month (field updated)), (day (field date)), (hour (field updated)), (minute (field updated)), (second (field updated)) | "#,
        sql:
            #"SELECT CAST(substr(("date" || 'T00:00:00Z'), 1, 4) AS INTEGER), CAST(substr("updated", 6, 2) AS INTEGER), CAST(substr(("date" || 'T00:00:00Z'), 9, 2) AS INTEGER), CAST(substr("updated", 12, 2) AS INTEGER), CAST(substr("updated", 15, 2) AS INTEGER), CAST(substr("updated", 18, 2) AS INTEGER) FROM "gares" WHERE (("date" >= ?) AND ("updated" < ?)) LIMIT ?"#,
        bindings: #"['2020-01-01', '2021-01-01T10:00:00Z', 10]"#,
        keys: #"["year(date)", "month(updated)", "day(date)", "hour(updated)", "minute(updated)", "second(updated)"]"#),
    QueryGolden(
        select: #"date_format(updated, 'dd/MM/yyyy EEEE MMMM ww xxxx e D DDD HH:mm:ss'), ifnull(population, 0), now(years=-1)"#,
        whereText: #"date_format(date, 'dd') = '08'"#,
        groupBy: #""#,
        orderBy: #""#,
        ast:
            #"(date_format (field updated) "dd/MM/yyyy EEEE MMMM ww xxxx e D DDD HH:mm:ss"), (ifnull (field population) 0), (now years=-1) | "#,
        sql:
            #"SELECT (substr("updated", 9, 2) || ? || substr("updated", 6, 2) || ? || substr("updated", 1, 4) || ? || CASE ((CAST(strftime('%w', "updated") AS INTEGER) + 6) % 7 + 1) WHEN 1 THEN ? WHEN 2 THEN ? WHEN 3 THEN ? WHEN 4 THEN ? WHEN 5 THEN ? WHEN 6 THEN ? WHEN 7 THEN ? END || ? || CASE CAST(substr("updated", 6, 2) AS INTEGER) WHEN 1 THEN ? WHEN 2 THEN ? WHEN 3 THEN ? WHEN 4 THEN ? WHEN 5 THEN ? WHEN 6 THEN ? WHEN 7 THEN ? WHEN 8 THEN ? WHEN 9 THEN ? WHEN 10 THEN ? WHEN 11 THEN ? WHEN 12 THEN ? END || ? || printf('%02d', ((CAST(strftime('%j', date("updated", printf('%+d days', 4 - ((CAST(strftime('%w', "updated") AS INTEGER) + 6) % 7 + 1)))) AS INTEGER) - 1) / 7 + 1)) || ? || CAST(CAST(strftime('%Y', date("updated", printf('%+d days', 4 - ((CAST(strftime('%w', "updated") AS INTEGER) + 6) % 7 + 1)))) AS INTEGER) AS TEXT) || ? || CAST(((CAST(strftime('%w', "updated") AS INTEGER) + 6) % 7 + 1) AS TEXT) || ? || CAST(CAST(strftime('%j', "updated") AS INTEGER) AS TEXT) || ? || printf('%03d', CAST(strftime('%j', "updated") AS INTEGER)) || ? || substr("updated", 12, 2) || ? || substr("updated", 15, 2) || ? || substr("updated", 18, 2)), COALESCE("population", ?), ? FROM "gares" WHERE ((substr(("date" || 'T00:00:00Z'), 9, 2)) = ?) LIMIT ?"#,
        bindings:
            #"['/', '/', ' ', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche', ' ', 'janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre', ' ', ' ', ' ', ' ', ' ', ' ', ':', ':', 0, '2020-05-06T12:34:55Z', '08', 10]"#,
        keys:
            #"["date_format(updated, \'dd/MM/yyyy EEEE MMMM ww xxxx e D DDD HH:mm:ss\')", "ifnull(population, 0)", "now(years=-1)"]"#
    ),
    QueryGolden(
        select: #"distance(geo, geom'POINT(2.35 48.85)') as d"#,
        whereText: #"within_distance(geo, geom'POINT(2.35 48.85)', 10km) and in_bbox(geo, 48, 2, 49, 3)"#,
        groupBy: #""#,
        orderBy: #"d"#,
        ast: #"(distance (field geo) (geom "POINT(2.35 48.85)")) as d | "#,
        sql:
            #"SELECT garona_distance("geo__lat", "geo__lon", ?, ?) FROM "gares" WHERE (("geo__lat" BETWEEN ? AND ? AND "geo__lon" BETWEEN ? AND ? AND garona_distance("geo__lat", "geo__lon", ?, ?) <= ?) AND ("geo__lat" BETWEEN ? AND ? AND "geo__lon" BETWEEN ? AND ?)) ORDER BY 1 ASC NULLS LAST LIMIT ?"#,
        bindings:
            #"[48.85, 2.35, 48.7601688825009, 48.939831117499104, 2.213239780126503, 2.486760219873497, 48.85, 2.35, 10000.0, 48.0, 49.0, 2.0, 3.0, 10]"#,
        keys: #"["d"]"#),
    QueryGolden(
        select: #"nom"#,
        whereText:
            #"intersects(shape, geom'POLYGON((1 43, 2 43, 2 44, 1 44, 1 43))') or within(geo, geom'POLYGON((1 43, 2 43, 2 44, 1 44, 1 43))') or disjoint(shape, geom'POINT(1 43)')"#,
        groupBy: #""#,
        orderBy: #""#,
        ast: #"(field nom) | "#,
        sql:
            #"SELECT "nom" FROM "gares" WHERE (("shape__maxlon" >= ? AND "shape__minlon" <= ? AND "shape__maxlat" >= ? AND "shape__minlat" <= ? AND garona_intersects("shape", ?) = 1) OR ("geo__lat" BETWEEN ? AND ? AND "geo__lon" BETWEEN ? AND ? AND garona_within(json_object('type', 'Point', 'coordinates', json_array("geo__lon", "geo__lat")), ?) = 1) OR ("shape" IS NOT NULL AND (("shape__maxlon" >= ? AND "shape__minlon" <= ? AND "shape__maxlat" >= ? AND "shape__minlat" <= ? AND garona_intersects("shape", ?) = 1)) IS NOT TRUE)) LIMIT ?"#,
        bindings:
            #"[1.0, 2.0, 43.0, 44.0, '{"type":"Polygon","coordinates":[[[1.0,43.0],[2.0,43.0],[2.0,44.0],[1.0,44.0],[1.0,43.0]]]}', 43.0, 44.0, 1.0, 2.0, '{"type":"Polygon","coordinates":[[[1.0,43.0],[2.0,43.0],[2.0,44.0],[1.0,44.0],[1.0,43.0]]]}', 1.0, 1.0, 43.0, 43.0, '{"type":"Point","coordinates":[1.0,43.0]}', 10]"#,
        keys: #"["nom"]"#),
    QueryGolden(
        select: #"nom"#,
        whereText: #""gare toulouse" and search(nom, commune, "albi") and suggest("mont") and startswith(code, 'ID45')"#,
        groupBy: #""#,
        orderBy: #""#,
        ast: #"(field nom) | "#,
        sql:
            #"SELECT "nom" FROM (SELECT rowid FROM "gares__fts" WHERE "gares__fts" MATCH ?) AS "fts" CROSS JOIN "gares" ON "gares".rowid = "fts".rowid WHERE ("gares".rowid IN (SELECT rowid FROM "gares__fts" WHERE "gares__fts" MATCH ?) AND "gares".rowid IN (SELECT rowid FROM "gares__fts" WHERE "gares__fts" MATCH ?) AND substr("code", 1, ?) = ?) LIMIT ?"#,
        bindings: #"['"gare" "toulouse"*', '{"nom" "commune"} : ("albi"*)', '"mont"*', 4, 'ID45', 10]"#,
        keys: #"["nom"]"#),
    QueryGolden(
        select: #"nom"#,
        whereText:
            #"population in [1..10] and price in ]1.5..2[ and date in [date'2017'..date'2018'] and commune in ('Albi', 'Rodez') and 'rail' in tags and nom like 'gare centre'"#,
        groupBy: #""#,
        orderBy: #""#,
        ast: #"(field nom) | "#,
        sql:
            #"SELECT "nom" FROM "gares" WHERE (("population" >= ? AND "population" <= ?) AND ("price" > ? AND "price" < ?) AND ("date" >= ? AND "date" <= ?) AND ("commune" IN (?, ?)) AND EXISTS (SELECT 1 FROM json_each("tags") WHERE json_each.value = ?) AND ("nom" LIKE ? ESCAPE '\' AND "nom" LIKE ? ESCAPE '\')) LIMIT ?"#,
        bindings: #"[1, 10, 1.5, 2, '2017-01-01', '2018-01-01', 'Albi', 'Rodez', 'rail', '%gare%', '%centre%', 10]"#,
        keys: #"["nom"]"#),
    QueryGolden(
        select: #"nom"#,
        whereText: #"population is null and geo is not null and open is true and open is not false"#,
        groupBy: #""#,
        orderBy: #"random(3)"#,
        ast: #"(field nom) | "#,
        sql:
            #"SELECT "nom" FROM "gares" WHERE (("population" IS NULL) AND ("geo__lat" IS NOT NULL) AND ("open" = 1) AND ("open" IS DISTINCT FROM 0)) ORDER BY (((rowid + ?) * 1103515245 + 12345) % 2147483648) LIMIT ?"#,
        bindings: #"[3, 10]"#,
        keys: #"["nom"]"#),
    QueryGolden(
        select:
            #"commune, count(*) as n, sum(capacity), avg(price), min(date), max(updated), count(distinct nom), count(population)"#,
        whereText: #""#,
        groupBy: #"commune"#,
        orderBy: #"n desc"#,
        ast:
            #"(field commune), (count *) as n, (sum (field capacity)), (avg (field price)), (min (field date)), (max (field updated)), (count distinct (field nom)), (count (field population)) | (field commune)"#,
        sql:
            #"SELECT "commune", COUNT(*), SUM("capacity"), AVG("price"), MIN("date"), MAX("updated"), COUNT(DISTINCT "nom"), COUNT("population") FROM "gares" GROUP BY 1 ORDER BY 2 DESC NULLS LAST LIMIT ?"#,
        bindings: #"[10]"#,
        keys:
            #"["commune", "n", "sum(capacity)", "avg(price)", "min(date)", "max(updated)", "count(distinct nom)", "count(population)"]"#
    ),
    QueryGolden(
        select: #"count(*), median(price), percentile(capacity, 90)"#,
        whereText: #"population > 3"#,
        groupBy: #"commune"#,
        orderBy: #""#,
        ast: #"(count *), (median (field price)), (percentile (field capacity) 90) | (field commune)"#,
        sql:
            #"SELECT "commune", COUNT(*), (SELECT SUM("q"."v" * CASE WHEN "q"."n" = CAST("q"."r" AS INTEGER) THEN 1.0 - ("q"."r" - CAST("q"."r" AS INTEGER)) ELSE "q"."r" - CAST("q"."r" AS INTEGER) END) FROM (SELECT "price" AS "v", ROW_NUMBER() OVER (ORDER BY "price") - 1 AS "n", (COUNT(*) OVER () - 1) * ? AS "r" FROM "gares" AS "p" WHERE ("population" > ?) AND "commune" IS NOT DISTINCT FROM "gares"."commune" AND "price" IS NOT NULL) AS "q" WHERE "q"."n" BETWEEN CAST("q"."r" AS INTEGER) AND CAST("q"."r" AS INTEGER) + 1), (SELECT SUM("q"."v" * CASE WHEN "q"."n" = CAST("q"."r" AS INTEGER) THEN 1.0 - ("q"."r" - CAST("q"."r" AS INTEGER)) ELSE "q"."r" - CAST("q"."r" AS INTEGER) END) FROM (SELECT "capacity" AS "v", ROW_NUMBER() OVER (ORDER BY "capacity") - 1 AS "n", (COUNT(*) OVER () - 1) * ? AS "r" FROM "gares" AS "p" WHERE ("population" > ?) AND "commune" IS NOT DISTINCT FROM "gares"."commune" AND "capacity" IS NOT NULL) AS "q" WHERE "q"."n" BETWEEN CAST("q"."r" AS INTEGER) AND CAST("q"."r" AS INTEGER) + 1) FROM "gares" WHERE ("population" > ?) GROUP BY 1 ORDER BY 1 ASC NULLS LAST LIMIT ?"#,
        bindings: #"[0.5, 3, 0.9, 3, 3, 10]"#,
        keys: #"["commune", "count(*)", "median(price)", "percentile(capacity, 90)"]"#),
    QueryGolden(
        // Grouping by a multivalued field counts each of its values, as its facet does.
        select: #"tags, count(*) as n"#,
        whereText: #""#,
        groupBy: #"tags"#,
        orderBy: #"n desc"#,
        ast: #"(field tags), (count *) as n | (field tags)"#,
        sql:
            #"SELECT "mv"."value", COUNT(*) FROM "gares", json_each("tags") AS "mv" GROUP BY 1 ORDER BY 2 DESC NULLS LAST LIMIT ?"#,
        bindings: #"[10]"#,
        keys: #"["tags", "n"]"#),
    QueryGolden(
        // A percentile alone is a subquery: the trailing COUNT(*) (never read) keeps the answer to one row.
        select: #"median(price) * 2 as m"#,
        whereText: #""#,
        groupBy: #""#,
        orderBy: #""#,
        ast: #"(* (median (field price)) 2) as m | "#,
        sql:
            #"SELECT ((SELECT SUM("q"."v" * CASE WHEN "q"."n" = CAST("q"."r" AS INTEGER) THEN 1.0 - ("q"."r" - CAST("q"."r" AS INTEGER)) ELSE "q"."r" - CAST("q"."r" AS INTEGER) END) FROM (SELECT "price" AS "v", ROW_NUMBER() OVER (ORDER BY "price") - 1 AS "n", (COUNT(*) OVER () - 1) * ? AS "r" FROM "gares" AS "p" WHERE (1 = 1) AND "price" IS NOT NULL) AS "q" WHERE "q"."n" BETWEEN CAST("q"."r" AS INTEGER) AND CAST("q"."r" AS INTEGER) + 1) * ?), COUNT(*) FROM "gares" LIMIT ?"#,
        bindings: #"[0.5, 2, 10]"#,
        keys: #"["m"]"#),
    QueryGolden(
        select: #"count(*), median(price), percentile(capacity, 90), envelope(geo), bbox(shape)"#,
        whereText: #""#,
        groupBy: #""#,
        orderBy: #""#,
        ast:
            #"(count *), (median (field price)), (percentile (field capacity) 90), (envelope (field geo)), (bbox (field shape)) | "#,
        sql:
            #"SELECT COUNT(*), (SELECT SUM("q"."v" * CASE WHEN "q"."n" = CAST("q"."r" AS INTEGER) THEN 1.0 - ("q"."r" - CAST("q"."r" AS INTEGER)) ELSE "q"."r" - CAST("q"."r" AS INTEGER) END) FROM (SELECT "price" AS "v", ROW_NUMBER() OVER (ORDER BY "price") - 1 AS "n", (COUNT(*) OVER () - 1) * ? AS "r" FROM "gares" AS "p" WHERE (1 = 1) AND "price" IS NOT NULL) AS "q" WHERE "q"."n" BETWEEN CAST("q"."r" AS INTEGER) AND CAST("q"."r" AS INTEGER) + 1), (SELECT SUM("q"."v" * CASE WHEN "q"."n" = CAST("q"."r" AS INTEGER) THEN 1.0 - ("q"."r" - CAST("q"."r" AS INTEGER)) ELSE "q"."r" - CAST("q"."r" AS INTEGER) END) FROM (SELECT "capacity" AS "v", ROW_NUMBER() OVER (ORDER BY "capacity") - 1 AS "n", (COUNT(*) OVER () - 1) * ? AS "r" FROM "gares" AS "p" WHERE (1 = 1) AND "capacity" IS NOT NULL) AS "q" WHERE "q"."n" BETWEEN CAST("q"."r" AS INTEGER) AND CAST("q"."r" AS INTEGER) + 1), MIN("geo__lon"), MIN("geo__lat"), MAX("geo__lon"), MAX("geo__lat"), MIN("shape__minlon"), MIN("shape__minlat"), MAX("shape__maxlon"), MAX("shape__maxlat") FROM "gares" LIMIT ?"#,
        bindings: #"[0.5, 0.9, 10]"#,
        keys: #"["count(*)", "median(price)", "percentile(capacity, 90)", "envelope(geo)", "bbox(shape)"]"#),
    QueryGolden(
        select: #"count(*)"#,
        whereText: #""#,
        groupBy: #"range(capacity, *, 10, 50, 100, *) as capacity"#,
        orderBy: #""#,
        ast: #"(count *) | (range (field capacity) * 10 50 100 *) as capacity"#,
        sql:
            #"SELECT CASE WHEN "capacity" IS NULL THEN NULL WHEN "capacity" < ? THEN ? WHEN "capacity" < ? THEN ? WHEN "capacity" < ? THEN ? ELSE ? END, COUNT(*) FROM "gares" GROUP BY 1 ORDER BY MIN("capacity") ASC NULLS LAST LIMIT ?"#,
        bindings: #"[10, '[*, 9]', 50, '[10, 49]', 100, '[50, 99]', '[100, *]', 10]"#,
        keys: #"["capacity", "count(*)"]"#),
    QueryGolden(
        select: #"count(*)"#,
        whereText: #""#,
        groupBy: #"range(capacity, 15), range(price, 2.5)"#,
        orderBy: #""#,
        ast: #"(count *) | (range (field capacity) 15), (range (field price) 2.5)"#,
        sql:
            #"SELECT ('[' || CAST(CAST(((CAST((CAST("capacity" AS DOUBLE PRECISION) / ?) AS INTEGER) - ((CAST("capacity" AS DOUBLE PRECISION) / ?) < CAST((CAST("capacity" AS DOUBLE PRECISION) / ?) AS INTEGER))) * ?) AS BIGINT) AS TEXT) || ', ' || CAST(CAST(((CAST((CAST("capacity" AS DOUBLE PRECISION) / ?) AS INTEGER) - ((CAST("capacity" AS DOUBLE PRECISION) / ?) < CAST((CAST("capacity" AS DOUBLE PRECISION) / ?) AS INTEGER))) * ?) AS BIGINT) + ? - 1 AS TEXT) || ']'), ('[' || CAST(((CAST((CAST("price" AS DOUBLE PRECISION) / ?) AS INTEGER) - ((CAST("price" AS DOUBLE PRECISION) / ?) < CAST((CAST("price" AS DOUBLE PRECISION) / ?) AS INTEGER))) * ?) AS TEXT) || ', ' || CAST((((CAST((CAST("price" AS DOUBLE PRECISION) / ?) AS INTEGER) - ((CAST("price" AS DOUBLE PRECISION) / ?) < CAST((CAST("price" AS DOUBLE PRECISION) / ?) AS INTEGER))) * ?) + ?) AS TEXT) || '['), COUNT(*) FROM "gares" GROUP BY 1, 2 ORDER BY MIN("capacity") ASC NULLS LAST, MIN("price") ASC NULLS LAST LIMIT ?"#,
        bindings: #"[15, 15, 15, 15, 15, 15, 15, 15, 15, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 10]"#,
        keys: #"["range(capacity, 15)", "range(price, 2.5)", "count(*)"]"#),
    QueryGolden(
        select: #"count(*)"#,
        whereText: #""#,
        groupBy: #"range(date, *, date'2020-11-13', date'2021-01-01')"#,
        orderBy: #""#,
        ast: #"(count *) | (range (field date) * (date "2020-11-13") (date "2021-01-01"))"#,
        sql:
            #"SELECT CASE WHEN "date" IS NULL THEN NULL WHEN "date" < ? THEN ? WHEN "date" < ? THEN ? END, COUNT(*) FROM "gares" GROUP BY 1 ORDER BY MIN("date") ASC NULLS LAST LIMIT ?"#,
        bindings:
            #"['2020-11-13', '[*, 2020-11-13T00:00:00.000Z[', '2021-01-01', '[2020-11-13T00:00:00.000Z, 2021-01-01T00:00:00.000Z[', 10]"#,
        keys: #"["range(date, *, date\'2020-11-13\', date\'2021-01-01\')", "count(*)"]"#),
    QueryGolden(
        select: #"count(*)"#,
        whereText: #""#,
        groupBy: #"range(updated, 1 day), range(date, 1M)"#,
        orderBy: #""#,
        ast: #"(count *) | (range (field updated) (quantity 1 day)), (range (field date) (quantity 1 M))"#,
        sql:
            #"SELECT ('[' || strftime('%Y-%m-%dT%H:%M:%f', (((CAST(strftime('%s', "updated") AS INTEGER) * 1000) / ? - ((CAST(strftime('%s', "updated") AS INTEGER) * 1000) % ? < 0)) * ?) / 1000.0, 'unixepoch') || 'Z' || ', ' || strftime('%Y-%m-%dT%H:%M:%f', ((((CAST(strftime('%s', "updated") AS INTEGER) * 1000) / ? - ((CAST(strftime('%s', "updated") AS INTEGER) * 1000) % ? < 0)) * ?) + ?) / 1000.0, 'unixepoch') || 'Z' || '['), ('[' || date(("date" || 'T00:00:00Z'), 'start of month') || 'T00:00:00.000Z' || ', ' || date(date(("date" || 'T00:00:00Z'), 'start of month'), '+1 month') || 'T00:00:00.000Z' || '['), COUNT(*) FROM "gares" GROUP BY 1, 2 ORDER BY MIN("updated") ASC NULLS LAST, MIN(("date" || 'T00:00:00Z')) ASC NULLS LAST LIMIT ?"#,
        bindings: #"[86400000, 86400000, 86400000, 86400000, 86400000, 86400000, 86400000, 10]"#,
        keys: #"["range(updated, 1 day)", "range(date, 1M)", "count(*)"]"#),
    QueryGolden(
        select: #"count(*)"#,
        whereText: #""#,
        groupBy: #"range(updated, 1w), range(updated, 1q), range(updated, 1y), range(updated, 2h)"#,
        orderBy: #""#,
        ast:
            #"(count *) | (range (field updated) (quantity 1 w)), (range (field updated) (quantity 1 q)), (range (field updated) (quantity 1 y)), (range (field updated) (quantity 2 h))"#,
        sql:
            #"SELECT ('[' || date("updated", printf('-%d days', ((CAST(strftime('%w', "updated") AS INTEGER) + 6) % 7 + 1) - 1)) || 'T00:00:00.000Z' || ', ' || date(date("updated", printf('-%d days', ((CAST(strftime('%w', "updated") AS INTEGER) + 6) % 7 + 1) - 1)), '+7 days') || 'T00:00:00.000Z' || '['), ('[' || date("updated", 'start of month', printf('-%d months', (CAST(strftime('%m', "updated") AS INTEGER) - 1) % 3)) || 'T00:00:00.000Z' || ', ' || date(date("updated", 'start of month', printf('-%d months', (CAST(strftime('%m', "updated") AS INTEGER) - 1) % 3)), '+3 months') || 'T00:00:00.000Z' || '['), ('[' || date("updated", 'start of year') || 'T00:00:00.000Z' || ', ' || date(date("updated", 'start of year'), '+1 year') || 'T00:00:00.000Z' || '['), ('[' || strftime('%Y-%m-%dT%H:%M:%f', (((CAST(strftime('%s', "updated") AS INTEGER) * 1000) / ? - ((CAST(strftime('%s', "updated") AS INTEGER) * 1000) % ? < 0)) * ?) / 1000.0, 'unixepoch') || 'Z' || ', ' || strftime('%Y-%m-%dT%H:%M:%f', ((((CAST(strftime('%s', "updated") AS INTEGER) * 1000) / ? - ((CAST(strftime('%s', "updated") AS INTEGER) * 1000) % ? < 0)) * ?) + ?) / 1000.0, 'unixepoch') || 'Z' || '['), COUNT(*) FROM "gares" GROUP BY 1, 2, 3, 4 ORDER BY MIN("updated") ASC NULLS LAST, MIN("updated") ASC NULLS LAST, MIN("updated") ASC NULLS LAST, MIN("updated") ASC NULLS LAST LIMIT ?"#,
        bindings: #"[7200000, 7200000, 7200000, 7200000, 7200000, 7200000, 7200000, 10]"#,
        keys: #"["range(updated, 1w)", "range(updated, 1q)", "range(updated, 1y)", "range(updated, 2h)", "count(*)"]"#),
    QueryGolden(
        select: #"count(*)"#,
        whereText: #""#,
        groupBy: #"year(date) as y, date_format(date, 'MM') as m, lower(commune)"#,
        orderBy: #"y desc, count(*)"#,
        ast: #"(count *) | (year (field date)) as y, (date_format (field date) "MM") as m, (lower (field commune))"#,
        sql:
            #"SELECT CAST(substr(("date" || 'T00:00:00Z'), 1, 4) AS INTEGER), (substr(("date" || 'T00:00:00Z'), 6, 2)), lower("commune"), COUNT(*) FROM "gares" GROUP BY 1, 2, 3 ORDER BY 1 DESC NULLS LAST, 4 ASC NULLS LAST LIMIT ?"#,
        bindings: #"[10]"#,
        keys: #"["y", "m", "lower(commune)", "count(*)"]"#),
    QueryGolden(
        select: #"include(pop*), exclude(price)"#,
        whereText: #""#,
        groupBy: #""#,
        orderBy: #"random(1)"#,
        ast: #"(include pop*), (exclude price) | "#,
        sql: #"SELECT "population" FROM "gares" ORDER BY (((rowid + ?) * 1103515245 + 12345) % 2147483648) LIMIT ?"#,
        bindings: #"[1, 10]"#,
        keys: #"["population"]"#),
    QueryGolden(
        select: #"json_format(extra, 'bad'), `and`, `12`"#,
        whereText: #"`and` > 1 and `12` : 4"#,
        groupBy: #""#,
        orderBy: #""#,
        ast: #"(json_format (field extra) "bad"), (field and), (field 12) | "#,
        sql:
            #"SELECT CASE WHEN json_valid("extra") THEN "extra" ELSE ? END, "and", "12" FROM "gares" WHERE (("and" > ?) AND ("12" = ?)) LIMIT ?"#,
        bindings: #"['bad', 1, 4, 10]"#,
        keys: #"["json_format(extra, \'bad\')", "and", "12"]"#),
]

@Test(arguments: queryGoldens) func queryGolden(_ golden: QueryGolden) throws {
    let select = try ODSQL.parseSelect(golden.select).map(\.description).joined(separator: ", ")
    let groups = try ODSQL.parseGroupBy(golden.groupBy).map(\.description).joined(separator: ", ")
    #expect("\(select) | \(groups)" == golden.ast)
    let query = try Fixtures.records(
        select: golden.select, where: golden.whereText.isEmpty ? [] : [golden.whereText], groupBy: golden.groupBy,
        orderBy: golden.orderBy)
    #expect(query.sql == golden.sql)
    #expect("\(query.bindings)" == golden.bindings)
    #expect("\(query.columns.map(\.key))" == golden.keys)
}
