/// The SQL functions the records side of the PostgreSQL engine relies on (see ``PostgreSQLDialect``), created by
/// migrations 5 to 7: full-text folding, the haversine distance, a JSON test, and the planar shape predicates of
/// `PlanarShape` (SQLite's, in Swift) ported to PL/pgSQL statement for statement, so that both engines select the
/// same records. Pure SQL and PL/pgSQL, no PostGIS; migration 5 creates the `unaccent` extension (contrib,
/// trusted), which migration 6 no longer uses. Needs a UTF8 database with the ICU collation `und-x-icu`.
///
/// - `garona_search_vector(text)`: the words of the text, folded by `garona_search_fold` (``searchFold``: lower
///   case, the accents of Latin letters removed), every character that is not a letter or a digit (Unicode
///   classes, through the ICU collation `und-x-icu`) being a separator: the words SQLite's
///   `unicode61 remove_diacritics 2` tokenizer makes (superscript and fraction digits aside, which it keeps).
/// - `garona_search_query(text)`: a `tsquery` from ``PostgreSQLDialect/fullTextQuery(_:columns:)``'s text, folded
///   the same way.
/// - `garona_distance(lat1, lon1, lat2, lon2)`: metres, with SQLite's formula and operation order.
/// - `garona_json_valid(text)`: whether the text parses as JSON (NULL for NULL, as SQLite's `json_valid`).
/// - `garona_intersects(a, b)`, `garona_within(a, b)`: 1, 0, or NULL when a side is NULL or not GeoJSON.
enum PostgreSQLRecordFunctions {
    /// The statements, in order.
    static let statements: [String] = [
        """
        CREATE EXTENSION IF NOT EXISTS unaccent
        """,
        """
        CREATE FUNCTION garona_search_fold(t text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT
        AS $$ SELECT unaccent('unaccent'::regdictionary, lower(t)) $$
        """,
        """
        CREATE FUNCTION garona_search_vector(t text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT
        AS $$ SELECT to_tsvector('simple'::regconfig,
            regexp_replace(garona_search_fold(t) COLLATE "und-x-icu", '[^[:alnum:]]+', ' ', 'g')) $$
        """,
        """
        CREATE FUNCTION garona_search_query(t text) RETURNS tsquery
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT
        AS $$ SELECT to_tsquery('simple'::regconfig, garona_search_fold(t)) $$
        """,
        """
        CREATE FUNCTION garona_distance(lat1 float8, lon1 float8, lat2 float8, lon2 float8) RETURNS float8
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT 2 * 6371008.8::float8 * atan2(sqrt(a), sqrt(1 - a)) FROM (
            SELECT sin(d.lat / 2) * sin(d.lat / 2)
                + cos(lat1 * pi() / 180) * cos(lat2 * pi() / 180) * sin(d.lon / 2) * sin(d.lon / 2) AS a
            FROM (SELECT (lat2 - lat1) * pi() / 180 AS lat, (lon2 - lon1) * pi() / 180 AS lon) AS d) AS q $$
        """,
        """
        CREATE FUNCTION garona_json_valid(t text) RETURNS boolean
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ BEGIN PERFORM t::json; RETURN true; EXCEPTION WHEN others THEN RETURN false; END $$
        """,
        """
        CREATE TYPE garona_shape AS (
            pts float8[], verts float8[], segs float8[], rings float8[], ring_polys int[], ring_bounds int[],
            paths int, polys int)
        """,
        """
        CREATE FUNCTION garona_shape_line(c jsonb) RETURNS float8[]
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
        AS $$
        DECLARE
            line float8[] := '{}';
            p jsonb;
        BEGIN
            IF jsonb_typeof(c) IS DISTINCT FROM 'array' OR jsonb_array_length(c) = 0 THEN RETURN NULL; END IF;
            FOR p IN SELECT value FROM jsonb_array_elements(c) LOOP
                IF jsonb_typeof(p) <> 'array' OR jsonb_array_length(p) < 2 OR jsonb_typeof(p -> 0) <> 'number'
                    OR jsonb_typeof(p -> 1) <> 'number' THEN RETURN NULL; END IF;
                line := line || (p ->> 0)::float8 || (p ->> 1)::float8;
            END LOOP;
            RETURN line;
        END $$
        """,
        """
        CREATE FUNCTION garona_shape_path(s garona_shape, line float8[]) RETURNS garona_shape
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
        AS $$
        DECLARE
            i int;
        BEGIN
            s.verts := s.verts || line;
            FOR i IN 1 .. array_length(line, 1) / 2 - 1 LOOP
                s.segs := s.segs || line[2 * i - 1 : 2 * i + 2];
            END LOOP;
            RETURN s;
        END $$
        """,
        """
        CREATE FUNCTION garona_shape_add(s garona_shape, g jsonb, depth int) RETURNS garona_shape
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
        AS $$
        DECLARE
            kind text;
            c jsonb;
            member jsonb;
            polygon jsonb;
            ring jsonb;
            line float8[];
        BEGIN
            IF s IS NULL OR depth > 4 OR jsonb_typeof(g) IS DISTINCT FROM 'object'
                OR jsonb_typeof(g -> 'type') IS DISTINCT FROM 'string' THEN RETURN NULL; END IF;
            kind := g ->> 'type';
            IF kind = 'Feature' THEN
                IF jsonb_typeof(g -> 'geometry') IS DISTINCT FROM 'object' THEN RETURN NULL; END IF;
                RETURN garona_shape_add(s, g -> 'geometry', depth + 1);
            ELSIF kind = 'GeometryCollection' THEN
                IF jsonb_typeof(g -> 'geometries') IS DISTINCT FROM 'array' THEN RETURN NULL; END IF;
                FOR member IN SELECT value FROM jsonb_array_elements(g -> 'geometries') LOOP
                    s := garona_shape_add(s, member, depth + 1);
                    IF s IS NULL THEN RETURN NULL; END IF;
                END LOOP;
                RETURN s;
            END IF;
            c := g -> 'coordinates';
            IF kind = 'Point' THEN
                line := garona_shape_line(jsonb_build_array(c));
                IF line IS NULL THEN RETURN NULL; END IF;
                s.pts := s.pts || line;
                s.verts := s.verts || line;
            ELSIF kind IN ('MultiPoint', 'MultiLineString', 'MultiPolygon') THEN
                IF jsonb_typeof(c) IS DISTINCT FROM 'array' THEN RETURN NULL; END IF;
                FOR member IN SELECT value FROM jsonb_array_elements(c) LOOP
                    s := garona_shape_add(s, jsonb_build_object(
                        'type', substr(kind, 6), 'coordinates', member), depth);
                    IF s IS NULL THEN RETURN NULL; END IF;
                END LOOP;
            ELSIF kind = 'LineString' THEN
                line := garona_shape_line(c);
                IF line IS NULL THEN RETURN NULL; END IF;
                s := garona_shape_path(s, line);
                s.paths := s.paths + 1;
            ELSIF kind = 'Polygon' THEN
                IF jsonb_typeof(c) IS DISTINCT FROM 'array' THEN RETURN NULL; END IF;
                s.polys := s.polys + 1;
                FOR ring IN SELECT value FROM jsonb_array_elements(c) LOOP
                    line := garona_shape_line(ring);
                    IF line IS NULL THEN RETURN NULL; END IF;
                    s := garona_shape_path(s, line);
                    s.ring_polys := s.ring_polys || s.polys;
                    s.ring_bounds := s.ring_bounds || (coalesce(array_length(s.rings, 1), 0) / 2 + 1)
                        || (coalesce(array_length(s.rings, 1), 0) / 2 + array_length(line, 1) / 2);
                    s.rings := s.rings || line;
                END LOOP;
            ELSE
                RETURN NULL;
            END IF;
            RETURN s;
        END $$
        """,
        """
        CREATE FUNCTION garona_shape(t text) RETURNS garona_shape
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
        AS $$
        DECLARE
            s garona_shape := ROW('{}', '{}', '{}', '{}', '{}', '{}', 0, 0)::garona_shape;
            g jsonb;
        BEGIN
            BEGIN
                g := t::jsonb;
            EXCEPTION WHEN others THEN
                RETURN NULL;
            END;
            BEGIN
                s := garona_shape_add(s, g, 0);
            EXCEPTION WHEN numeric_value_out_of_range THEN
                RETURN NULL;
            END;
            IF s IS NULL OR (cardinality(s.pts) = 0 AND s.paths = 0 AND s.polys = 0) THEN RETURN NULL; END IF;
            RETURN s;
        END $$
        """,
        """
        CREATE FUNCTION garona_turn(ax float8, ay float8, bx float8, b_y float8, cx float8, cy float8) RETURNS float8
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT (bx - ax) * (cy - ay) - (b_y - ay) * (cx - ax) $$
        """,
        """
        CREATE FUNCTION garona_on_segment(px float8, py float8, ax float8, ay float8, bx float8, b_y float8) RETURNS boolean
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT garona_turn(ax, ay, bx, b_y, px, py) = 0 AND least(ax, bx) <= px AND px <= greatest(ax, bx)
            AND least(ay, b_y) <= py AND py <= greatest(ay, b_y) $$
        """,
        """
        CREATE FUNCTION garona_segments_cross(s float8[], i int, t float8[], j int) RETURNS boolean
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
        AS $$
        DECLARE
            d1 float8 := garona_turn(t[j], t[j + 1], t[j + 2], t[j + 3], s[i], s[i + 1]);
            d2 float8 := garona_turn(t[j], t[j + 1], t[j + 2], t[j + 3], s[i + 2], s[i + 3]);
            d3 float8 := garona_turn(s[i], s[i + 1], s[i + 2], s[i + 3], t[j], t[j + 1]);
            d4 float8 := garona_turn(s[i], s[i + 1], s[i + 2], s[i + 3], t[j + 2], t[j + 3]);
        BEGIN
            RETURN ((d1 > 0 AND d2 < 0) OR (d1 < 0 AND d2 > 0)) AND ((d3 > 0 AND d4 < 0) OR (d3 < 0 AND d4 > 0));
        END $$
        """,
        """
        CREATE FUNCTION garona_segments_touch(s float8[], i int, t float8[], j int) RETURNS boolean
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
        AS $$
        BEGIN
            RETURN garona_segments_cross(s, i, t, j)
                OR garona_on_segment(t[j], t[j + 1], s[i], s[i + 1], s[i + 2], s[i + 3])
                OR garona_on_segment(t[j + 2], t[j + 3], s[i], s[i + 1], s[i + 2], s[i + 3])
                OR garona_on_segment(s[i], s[i + 1], t[j], t[j + 1], t[j + 2], t[j + 3])
                OR garona_on_segment(s[i + 2], s[i + 3], t[j], t[j + 1], t[j + 2], t[j + 3]);
        END $$
        """,
        """
        CREATE FUNCTION garona_covers(s garona_shape, px float8, py float8) RETURNS boolean
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
        AS $$
        DECLARE
            i int;
            k int;
            first int;
            last int;
            ax float8;
            ay float8;
            bx float8;
            b_y float8;
            inside boolean;
        BEGIN
            FOR i IN 1 .. coalesce(array_length(s.pts, 1), 0) / 2 LOOP
                IF s.pts[2 * i - 1] = px AND s.pts[2 * i] = py THEN RETURN true; END IF;
            END LOOP;
            FOR i IN 1 .. coalesce(array_length(s.segs, 1), 0) / 4 LOOP
                IF garona_on_segment(px, py, s.segs[4 * i - 3], s.segs[4 * i - 2], s.segs[4 * i - 1], s.segs[4 * i])
                    THEN RETURN true; END IF;
            END LOOP;
            FOR k IN 1 .. s.polys LOOP
                inside := false;
                FOR i IN 1 .. coalesce(array_length(s.ring_polys, 1), 0) LOOP
                    CONTINUE WHEN s.ring_polys[i] <> k;
                    first := s.ring_bounds[2 * i - 1];
                    last := s.ring_bounds[2 * i];
                    FOR j IN first .. last LOOP
                        ax := s.rings[2 * j - 1];
                        ay := s.rings[2 * j];
                        IF j = last THEN
                            bx := s.rings[2 * first - 1];
                            b_y := s.rings[2 * first];
                        ELSE
                            bx := s.rings[2 * j + 1];
                            b_y := s.rings[2 * j + 2];
                        END IF;
                        IF (ay > py) <> (b_y > py) AND px < ax + (py - ay) / (b_y - ay) * (bx - ax) THEN
                            inside := NOT inside;
                        END IF;
                    END LOOP;
                END LOOP;
                IF inside THEN RETURN true; END IF;
            END LOOP;
            RETURN false;
        END $$
        """,
        """
        CREATE FUNCTION garona_intersects(a text, b text) RETURNS int
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
        AS $$
        DECLARE
            sa garona_shape := garona_shape(a);
            sb garona_shape := garona_shape(b);
            i int;
            j int;
        BEGIN
            IF sa IS NULL OR sb IS NULL THEN RETURN NULL; END IF;
            FOR i IN 1 .. coalesce(array_length(sa.segs, 1), 0) / 4 LOOP
                FOR j IN 1 .. coalesce(array_length(sb.segs, 1), 0) / 4 LOOP
                    IF garona_segments_touch(sa.segs, 4 * i - 3, sb.segs, 4 * j - 3) THEN RETURN 1; END IF;
                END LOOP;
            END LOOP;
            FOR i IN 1 .. array_length(sa.verts, 1) / 2 LOOP
                IF garona_covers(sb, sa.verts[2 * i - 1], sa.verts[2 * i]) THEN RETURN 1; END IF;
            END LOOP;
            FOR i IN 1 .. array_length(sb.verts, 1) / 2 LOOP
                IF garona_covers(sa, sb.verts[2 * i - 1], sb.verts[2 * i]) THEN RETURN 1; END IF;
            END LOOP;
            RETURN 0;
        END $$
        """,
        """
        CREATE FUNCTION garona_within(a text, b text) RETURNS int
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
        AS $$
        DECLARE
            sa garona_shape := garona_shape(a);
            sb garona_shape := garona_shape(b);
            i int;
            j int;
        BEGIN
            IF sa IS NULL OR sb IS NULL THEN RETURN NULL; END IF;
            FOR i IN 1 .. coalesce(array_length(sa.verts, 1), 0) / 2 LOOP
                IF NOT garona_covers(sb, sa.verts[2 * i - 1], sa.verts[2 * i]) THEN RETURN 0; END IF;
            END LOOP;
            FOR i IN 1 .. coalesce(array_length(sa.segs, 1), 0) / 4 LOOP
                IF NOT garona_covers(sb, (sa.segs[4 * i - 3] + sa.segs[4 * i - 1]) / 2,
                    (sa.segs[4 * i - 2] + sa.segs[4 * i]) / 2) THEN RETURN 0; END IF;
                FOR j IN 1 .. coalesce(array_length(sb.segs, 1), 0) / 4 LOOP
                    IF garona_segments_cross(sa.segs, 4 * i - 3, sb.segs, 4 * j - 3) THEN RETURN 0; END IF;
                END LOOP;
            END LOOP;
            RETURN 1;
        END $$
        """,
    ]

    /// Migration 6: words folded as SQLite's `unicode61 remove_diacritics 2` folds them, instead of `unaccent`,
    /// which also rewrote letters SQLite keeps (`œ` to `oe`, `ß` to `ss`, `ø` to `o`, Greek and Cyrillic accents):
    /// lower case (and the long s as s), then the combining marks of Latin letters removed after the canonical
    /// decomposition (NFD), then composed again. Tables published before keep their stored vectors until they are
    /// published again. Needs a UTF8 database (`normalize`).
    static let searchFold: [String] = [
        #"""
        CREATE OR REPLACE FUNCTION garona_search_fold(t text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT
        AS $$ SELECT normalize(regexp_replace(normalize(translate(lower(t), 'ſ', 's'), NFD),
            '([a-z])[\u0300-\u036f]+', '\1', 'g'), NFC) $$
        """#
    ]

    /// Migration 7: the functions that catch an error (a text that is not JSON, a coordinate out of range) open a
    /// subtransaction, which a parallel worker cannot: they run in the leader only (a parallel plan failed with
    /// "cannot start subtransactions during a parallel operation").
    static let restricted: [String] = [
        "ALTER FUNCTION garona_json_valid(text) PARALLEL RESTRICTED",
        "ALTER FUNCTION garona_shape(text) PARALLEL RESTRICTED",
        "ALTER FUNCTION garona_intersects(text, text) PARALLEL RESTRICTED",
        "ALTER FUNCTION garona_within(text, text) PARALLEL RESTRICTED",
    ]

    /// Migration 8: `sum(bigint)` as SQLite's `sum()` of integers, a `bigint` that stops with "bigint out of range"
    /// (``QueryOverflowError``) past 64 bits, where PostgreSQL's own returns an unbounded `numeric`: a sum that
    /// only orders or filters then fails as on SQLite. Created in the schema of the records tables; record queries
    /// search that schema before `pg_catalog` (``PostgreSQLStore/setBudget(_:grouped:on:)``), other statements
    /// still get PostgreSQL's.
    static let integerSum: [String] = [
        "CREATE AGGREGATE sum(bigint) (SFUNC = int8pl, STYPE = bigint, COMBINEFUNC = int8pl, PARALLEL = SAFE)"
    ]

    /// Migration 9: `lower(text)` and `upper(text)` as SQLite's, which change ASCII letters only (`ÉCOLE` lowers to
    /// `École`), found before `pg_catalog`'s in record queries as ``integerSum`` is.
    static let asciiCase: [String] = [
        """
        CREATE FUNCTION lower(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT translate($1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') $$
        """,
        """
        CREATE FUNCTION upper(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT translate($1, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') $$
        """,
    ]
}
