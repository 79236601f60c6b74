"""Hostile input on the Explore API (issue 4): every answer is a precise 4xx in the ODS shape, never a 500,
and the server keeps answering. Runs on the demo's gares dataset."""

import sqlite3

import pytest
import requests

API = "/api/explore/v2.1"
GARES = f"{API}/catalog/datasets/gares-occitanie"
ODS_CODES = {"ODSQLError", "InvalidRESTParameterError"}

DEEP = "(" * 1000 + "objectid = 1" + ")" * 1000
LONG = "objectid = 1 OR " * 3_500 + "objectid = 2"  # about 56 KB: over the 10,000-character ODSQL limit
HUGE = "objectid = 1 OR " * 6_500 + "objectid = 2"  # about 100 KB: over the HTTP parser's default 80 KB request head

# (parameter, value, words the message must contain, case-insensitive). Each must be refused with a 400.
REFUSED = [
    # SQL injection attempts: quotes, statement separators, comments, UNION, backquote escapes.
    ("where", "1=1; DROP TABLE datasets", []),
    ("where", "toponyme = 'x'; DELETE FROM users", []),
    ("where", "toponyme = 'x' -- ", []),
    ("where", "toponyme = 'x' /* comment */", []),
    ("where", "toponyme = 'x' UNION SELECT username, password_hash FROM users", []),
    ("where", "toponyme = 'x\\' OR 1=1 --", []),
    ("where", "`toponyme` = 1) OR (1=1", []),
    ("where", "`toponyme\\` = 1 OR `x` = 1", []),
    ("where", "`toponyme\" FROM users --` = 1", ["unknown field"]),
    ("where", "\"x\" = \"y\"\"", []),
    ("select", "toponyme FROM users", []),
    ("select", "(SELECT password_hash FROM users)", []),
    ("select", "toponyme; DROP TABLE datasets", []),
    ("select", "`toponyme\" , (select 1) as \"`", ["unknown field"]),
    ("select", "sqlite_version()", []),
    ("order_by", "toponyme; DROP TABLE datasets", []),
    ("order_by", "(SELECT 1)", []),
    ("order_by", "toponyme DESC, 1 UNION SELECT 1", []),
    ("group_by", "toponyme UNION SELECT 1", []),
    ("group_by", "toponyme; DROP TABLE datasets", []),
    ("refine", "departement'; DROP TABLE datasets; --:31", []),
    ("refine", "nosuchfield:31", ["nosuchfield"]),
    ("refine", "departement", []),
    ("exclude", "nosuchfield:31", ["nosuchfield"]),
    ("exclude", "'; DROP TABLE datasets; --", []),
    # Nesting and size.
    ("where", DEEP, ["deep"]),
    ("select", DEEP, ["deep"]),
    ("order_by", DEEP, ["deep"]),
    ("group_by", DEEP, ["deep"]),
    ("where", "not " * 1000 + "objectid = 1", ["deep"]),
    ("where", "-" * 1000 + "1 = objectid", ["deep"]),
    ("where", LONG, ["too long"]),
    ("select", "objectid, " * 5_000 + "objectid", ["too long"]),
    ("order_by", "objectid, " * 5_000 + "objectid", ["too long"]),
    ("refine", "departement:" + "3" * 50_000, ["too long"]),
    # Unknown fields and wrong types.
    ("where", "nosuchfield = 1", ["nosuchfield"]),
    ("select", "nosuchfield", ["nosuchfield"]),
    ("order_by", "nosuchfield", ["nosuchfield"]),
    ("group_by", "nosuchfield", ["nosuchfield"]),
    ("where", "in_bbox(toponyme, 1, 2, 3, 4)", []),
    ("where", "year(toponyme) = 2020", []),
    ("where", "within_distance(departement, geom'POINT(1 43)', 1km)", []),
    ("select", "sum(toponyme)", []),
    ("select", "toponyme + 1", []),
    ("where", "toponyme", []),
    ("where", "nosuchfunction(toponyme)", []),
    # Invalid dates and geometries.
    ("where", "date_maj > date'2020-13-45'", ["date"]),
    ("where", "date_maj > date'not a date'", ["date"]),
    ("where", "date_maj > date'99999-01-01'", ["date"]),
    ("where", "intersects(geo_shape, geom'POLYGON((0 0')", ["geom"]),
    ("where", "within(geo_shape, geom'POLYGON((0 0, 1 1, 0 0))')", []),
    ("where", "intersects(geo_shape, geom'{\"type\":\"Polygon\"}')", []),
    ("where", "within_distance(geo_point_2d, geom'POINT(500 500)', 1km)", []),
    ("where", "in_bbox(geo_point_2d, 'a', 2, 3, 4)", []),
    # NUL bytes.
    ("where", "toponyme = 'a'\x00 OR 1=1", []),
    ("select", "toponyme\x00", []),
    ("order_by", "\x00", []),
    # Absurd numbers.
    ("where", "objectid > 1e999999", []),
    ("where", "within_distance(geo_point_2d, geom'POINT(1 43)', 1e999km)", []),
    ("group_by", "range(objectid, 0)", []),
    ("group_by", "range(objectid, -5)", []),
    # Bad REST parameters.
    ("limit", "abc", ["limit"]),
    ("limit", "1e9", ["limit"]),
    ("limit", "99999999999999999999999999", ["limit"]),
    ("limit", "-2", ["limit"]),
    ("limit", "1.5", ["limit"]),
    ("limit", "1; DROP TABLE datasets", ["limit"]),
    ("offset", "-1", ["offset"]),
    ("offset", "abc", ["offset"]),
    ("offset", "99999999999999999999999999", ["offset"]),
    ("offset", "9223372036854775807", ["offset"]),
    ("lang", "xx", ["lang"]),
    ("lang", "fr'; DROP TABLE datasets; --", ["lang"]),
    ("lang", "fr\x00", ["lang"]),
    ("timezone", "Mars/Olympus_Mons", ["timezone"]),
    ("timezone", "../../../etc/passwd", ["timezone"]),
    ("timezone", "UTC'; DROP TABLE datasets; --", ["timezone"]),
]

# Values that are valid ODSQL (a text search, a string compared as text…): they may answer 200, but never a
# 500, and never more than the dataset's rows.
TOLERATED = [
    ("q", "' OR 1=1 --"),
    ("q", "\"; DROP TABLE datasets; --"),
    ("q", "x' UNION SELECT password_hash FROM users --"),
    ("q", "\x00"),
    ("q", "é" * 5_000),
    ("q", "*"),
    ("q", "\"\\"),
    ("where", "toponyme = \"' OR '1'='1\""),
    ("where", "toponyme = '\\' OR 1=1 --'"),
    ("where", "\"'; DROP TABLE datasets; --\""),
    ("where", "toponyme = '\x00'"),
    ("where", "toponyme LIKE '%'"),
    ("where", "objectid > 99999999999999999999999999999"),
    ("where", "objectid = -9223372036854775809"),
    ("where", "objectid IN [1..99999999999999999999]"),
    ("select", "objectid * 99999999999999999999 as big"),
    ("select", "objectid / 0 as nothing"),
    ("where", "date_maj > date'0001-01-01'"),
    ("where", "date_maj < date'9999-12-31T23:59:59'"),
    ("where", "search(toponyme, \"'; DROP TABLE users; --\")"),
    ("where", "startswith(toponyme, \"%_\")"),
    ("where", "suggest(\"\\\"\")"),
    ("refine", "departement:'; DROP TABLE datasets; --"),
    ("exclude", "departement:\x00"),
    ("order_by", "random(99999999999999999999)"),
    ("group_by", "range(objectid, 1e300)"),
]


def get(server, path, params=None):
    return requests.get(server.url(path), params=params, timeout=60)


def assert_refused(resp, words, label):
    assert resp.status_code == 400, (label, resp.status_code, resp.text[:300])
    body = resp.json()
    assert set(body) == {"error_code", "message"}, (label, body)
    assert body["error_code"] in ODS_CODES and body["message"], (label, body)
    for word in words:
        assert word.lower() in body["message"].lower(), (label, word, body["message"][:300])


def label(case):
    return repr(case)[:60]


@pytest.mark.parametrize("param,value,words", REFUSED, ids=[label(c[:2]) for c in REFUSED])
def test_hostile_records_parameters_are_refused_in_the_ods_shape(demo, param, value, words):
    assert_refused(get(demo, f"{GARES}/records", {param: value}), words, (param, value[:60]))


EXPORT_REFUSED = [c for c in REFUSED if c[0] not in ("limit", "offset")]


@pytest.mark.parametrize("param,value,words", EXPORT_REFUSED, ids=[label(c[:2]) for c in EXPORT_REFUSED])
def test_hostile_export_parameters_are_refused_before_streaming(demo, param, value, words):
    assert_refused(get(demo, f"{GARES}/exports/json", {param: value}), words, (param, value[:60]))


@pytest.mark.parametrize("param,value", TOLERATED, ids=[label(c) for c in TOLERATED])
def test_valid_but_suspicious_values_never_fail_and_never_leak(demo, param, value):
    resp = get(demo, f"{GARES}/records", {param: value})
    assert resp.status_code in (200, 400), (param, value[:60], resp.status_code, resp.text[:300])
    body = resp.json()
    if resp.status_code == 400:
        assert body["error_code"] in ODS_CODES and body["message"]
        return
    assert len(body["results"]) <= 10 and body.get("total_count", 0) <= 280
    assert "password_hash" not in resp.text


@pytest.mark.parametrize("raw", [
    "where=%FF%FE", "where=toponyme%20%3D%20%27%C3%28%27", "select=%C0%AF", "q=%ED%A0%80", "refine=departement:%FF",
    "where=%00", "where=%", "where=%zz", "order_by=%E2%82", "timezone=%FF", "lang=%FF",
    "where=" + "%28" * 1000 + "1" + "%29" * 1000,
])
def test_invalid_percent_escapes_and_utf8_get_a_4xx(demo, raw):
    resp = requests.get(demo.url(f"{GARES}/records?{raw}"), timeout=60)
    assert 400 <= resp.status_code < 500, (raw[:60], resp.status_code, resp.text[:300])
    if resp.headers.get("Content-Type", "").startswith("application/json"):
        body = resp.json()
        assert body["error_code"] and body["message"]


@pytest.mark.parametrize("param", ["where", "select", "order_by", "group_by", "refine", "exclude", "q"])
def test_a_100_kb_query_is_refused(demo, param):
    # Garona's HTTP layer accepts request heads up to 256 KB, so the API itself refuses the query, in its shape.
    resp = get(demo, f"{GARES}/records", {param: HUGE})
    assert_refused(resp, ["too long"] if param != "q" else [], param)


def test_a_request_head_over_256_kb_is_refused_by_the_http_layer(demo):
    resp = get(demo, f"{GARES}/records", {"where": HUGE * 3})
    assert resp.status_code == 400
    assert requests.get(demo.url(f"{GARES}/records"), timeout=10).status_code == 200  # the server is still up


def test_many_filters_are_refused(demo):
    resp = get(demo, f"{GARES}/records", [("where", "objectid > 0")] * 101)
    assert_refused(resp, ["too many filters"], "101 where")
    resp = get(demo, f"{GARES}/records", [("refine", "departement:31")] * 60 + [("exclude", "departement:32")] * 60)
    assert_refused(resp, ["too many filters"], "120 refine and exclude")


def test_catalog_and_record_routes_refuse_hostile_parameters(demo):
    for path in (f"{API}/catalog/datasets", GARES, f"{GARES}/records/not-a-record"):
        for param, value in (("lang", "xx'--"), ("timezone", "Nowhere/Land")):
            assert_refused(get(demo, path, {param: value}), [param], (path, param))
    for path in (f"{API}/catalog/datasets/'%20OR%201=1", f"{API}/catalog/datasets/..%2F..%2Fetc",
                 f"{GARES}/records/'%20OR%20'1'='1"):
        resp = requests.get(demo.url(path), timeout=30)
        assert resp.status_code == 404 and resp.json()["error_code"] == "NotFound", path


def test_the_server_still_answers_and_nothing_was_dropped(demo):
    for param, value, _ in REFUSED[:10]:
        get(demo, f"{GARES}/records", {param: value})
    body = get(demo, f"{GARES}/records", {"limit": 1}).json()
    assert body["total_count"] == 280 and len(body["results"]) == 1
    db = sqlite3.connect(f"file:{demo.data_dir / 'garona.sqlite'}?mode=ro", uri=True)
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"datasets", "users", "sessions"} <= tables
        assert db.execute("SELECT count(*) FROM datasets").fetchone()[0] >= 2
    finally:
        db.close()


@pytest.fixture(scope="module")
def impatient(tmp_path_factory, tiles):
    """A demo server whose queries may run 1 ms only."""
    from conftest import start_server

    server = start_server(tmp_path_factory, "--demo", "--tile-url", tiles.template, "--query-timeout-ms", "1")
    yield server
    server.stop()


def test_a_query_over_the_time_budget_is_interrupted_with_a_clear_error(impatient):
    # The median and the 90th percentile of 50,000 rows, per department: far more than 1 ms of work.
    slow = {"select": "departement, median(montant), percentile(effectif, 90)", "group_by": "departement",
            "order_by": "random(7)", "limit": 100}
    for _ in range(3):
        resp = get(impatient, f"{API}/catalog/datasets/donnees-exemple/records", slow)
        assert resp.status_code == 400, resp.text[:300]
        assert resp.json() == {"error_code": "ODSQLError",
                               "message": "The query took longer than 1 ms and was interrupted."}
    # The server is not tied up: routes without a query answer, and so does the OpenAPI document.
    catalog = get(impatient, f"{API}/catalog/datasets")
    assert catalog.status_code == 200 and catalog.json()["total_count"] >= 2
    assert get(impatient, f"{API}/openapi.json").status_code == 200


def test_intersects_and_within_on_the_gares_geo_shape(demo):
    square = "POLYGON((1 43.3, 1.8 43.3, 1.8 43.9, 1 43.9, 1 43.3))"  # around Toulouse

    def count(where):
        resp = get(demo, f"{GARES}/records", {"where": where, "limit": 0})
        assert resp.status_code == 200, resp.text[:300]
        return resp.json()["total_count"]

    inside = count("in_bbox(geo_point_2d, 43.3, 1, 43.9, 1.8)")
    assert inside > 0
    assert count(f"within(geo_shape, geom'{square}')") == inside
    assert count(f"intersects(geo_shape, geom'{square}')") == inside
    assert count(f"disjoint(geo_shape, geom'{square}')") == 280 - inside
    hole = "POLYGON((1 43.3, 1.8 43.3, 1.8 43.9, 1 43.9, 1 43.3), (1.1 43.4, 1.7 43.4, 1.7 43.8, 1.1 43.8, 1.1 43.4))"
    ring = count("in_bbox(geo_point_2d, 43.3, 1, 43.9, 1.8) AND NOT in_bbox(geo_point_2d, 43.4, 1.1, 43.8, 1.7)")
    assert count(f"within(geo_shape, geom'{hole}')") == ring < inside
    assert count("within(geo_shape, geom'POLYGON((10 10, 11 10, 11 11, 10 10))')") == 0
    assert count(f"intersects(geo_shape, geom'{{\"type\":\"Polygon\",\"coordinates\":[[[1,43.3],[1.8,43.3],[1.8,43.9],[1,43.3]]]}}')") > 0


# Issue 10: numbers, dates and geometries at their extremes, full-text syntax, deep nesting, long ids and odd
# time zones. Each is a normal answer or a 4xx in the ODS shape, never a 5xx, and the process lives through all.

CATALOG = f"{API}/catalog/datasets"
BIG = "9223372036854775807"  # Int64.max
NINES = "9" * 306  # a finite number of miles, but no finite number of metres

EXTREMES = [
    # Integers and floats.
    (CATALOG, "group_by", "range(records_count,0,10000000000000000000)"),
    (CATALOG, "group_by", f"range(records_count, *, -9223372036854775808, {BIG}, *)"),
    (CATALOG, "where", "records_count > 9223372036854775808"),
    (CATALOG, "limit", "1e400"),
    (CATALOG, "offset", "-9223372036854775808"),
    (GARES + "/records", "group_by", "range(objectid, 0, 10000000000000000000)"),
    (GARES + "/records", "group_by", f"range(objectid, {BIG})"),
    (GARES + "/records", "group_by", "range(objectid, 1e400)"),
    (GARES + "/records", "where", "objectid > 1e400"),
    (GARES + "/records", "where", "objectid = -9223372036854775808"),
    (GARES + "/records", "where", "objectid = 9223372036854775808"),
    (GARES + "/records", "where", "objectid = -0"),
    (GARES + "/records", "where", "objectid = nan"),
    (GARES + "/records", "where", "objectid < inf"),
    (GARES + "/records", "select", f"objectid * {BIG} * {BIG} as big"),
    (GARES + "/records", "select", f"-{BIG} - 1 - 1 as small"),
    (GARES + "/records", "select", f"sum(objectid * {BIG}) as total"),
    (GARES + "/records", "order_by", f"random({BIG})"),
    (GARES + "/records", "order_by", "random(-9223372036854775808)"),
    (GARES + "/records", "refine", "objectid:9223372036854775808"),
    (GARES + "/records", "refine", "objectid:-0"),
    (GARES + "/records", "refine", "objectid:1e400"),
    (GARES + "/records", "refine", "objectid:nan"),
    (GARES + "/records", "limit", "-9223372036854775808"),
    (GARES + "/records", "limit", "9223372036854775808"),
    (GARES + "/records", "limit", "nan"),
    (GARES + "/records", "limit", "inf"),
    (GARES + "/records", "limit", "-0"),
    (GARES + "/records", "offset", "1e400"),
    (GARES + "/records", "offset", "-0"),
    (GARES + "/exports/csv", "limit", BIG),
    (GARES + "/exports/csv", "offset", BIG),
    (GARES + "/exports/json", "limit", "9223372036854775808"),
    (f"{API}/catalog/exports/csv", "offset", BIG),
    (GARES + "/facets", "facet", f"facet(name=\"departement\", limit={BIG})"),
    (GARES + "/facets", "facet", "facet(name=\"departement\", limit=99999999999999999999)"),
    (GARES + "/facets", "limit", BIG),
    # Dates out of range.
    (GARES + "/records", "where", "date_maj > date'0000-01-01'"),
    (GARES + "/records", "where", "date_maj > date'99999-01-01'"),
    (GARES + "/records", "where", "date_maj > date'-0001-01-01'"),
    (GARES + "/records", "where", "date_maj > date'2020-13-01'"),
    (GARES + "/records", "where", "date_maj > date'9999-12-31T23:59:59-14:00'"),
    (GARES + "/records", "where", "date_maj > 0"),
    (GARES + "/records", "where", "date_maj > 99999"),
    (GARES + "/records", "where", "date_maj > now(year=0)"),
    (GARES + "/records", "where", f"date_maj > now(days={BIG})"),
    (GARES + "/records", "where", f"date_maj > now(years=-{BIG}, months={BIG}, mondays={BIG})"),
    (GARES + "/records", "refine", "date_maj:0000"),
    (GARES + "/records", "refine", "date_maj:99999"),
    (GARES + "/records", "refine", "date_maj:9999-12-31"),
    (GARES + "/records", "group_by", "range(date_maj, 1000000 days)"),
    (GARES + "/records", "group_by", f"range(date_maj, {BIG} days)"),
    (GARES + "/records", "group_by", "range(date_maj, date'0001-01-01', date'9999-12-31')"),
    (GARES + "/records", "select", "date_format(date_maj, '" + "y" * 5_000 + "') as d"),
    # Geometry extremes.
    (GARES + "/records", "where", "within_distance(geo_point_2d, geom'POINT(1 1e308)', 1km)"),
    (GARES + "/records", "where", "within_distance(geo_point_2d, geom'POINT(1 43)', 1e400m)"),
    (GARES + "/records", "where", f"within_distance(geo_point_2d, geom'POINT(1 43)', {NINES}mi)"),
    (GARES + "/records", "where", "within_distance(geo_point_2d, geom'POINT(180 90)', 20000km)"),
    (GARES + "/records", "select", "distance(geo_point_2d, geom'POINT(1 1e308)') as d"),
    (GARES + "/records", "order_by", "distance(geo_point_2d, geom'POINT(-180 -90)')"),
    (GARES + "/records", "where", "intersects(geo_shape, geom'POLYGON((0 0, 1e308 0, 1 1, 0 0))')"),
    (GARES + "/records", "where", "intersects(geo_shape, geom'POLYGON((0 0, nan 0, 1 1, 0 0))')"),
    (GARES + "/records", "where", "within(geo_shape, geom'POLYGON((0 0, 1e400 0, 1 1, 0 0))')"),
    (GARES + "/records", "where",
     "intersects(geo_shape, geom'{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1e400,0],[1,1],[0,0]]]}')"),
    (GARES + "/records", "where", "intersects(geo_shape, geom'{\"type\":\"GeometryCollection\",\"geometries\":[]}')"),
    (GARES + "/records", "where", "in_bbox(geo_point_2d, 1e308, -1e308, 0, 0)"),
    # Full-text syntax in search() and q.
    *[(GARES + "/records", "where", f"search(toponyme, '{text}')")
      for text in ['"', "*", "^", "NEAR(", "AND", ":", "(", "\"a OR \"b", "toulouse\" NEAR/2 \"gare", "a*b*", "-"]],
    *[(path, "q", text) for path in (GARES + "/records", CATALOG)
      for text in ['"', "*", "^", "NEAR(", "AND", "OR", "NOT", ":", "(", ")", '"unbalanced', "a:b", "{toponyme}: x"]],
    # Nesting, size and ids.
    (GARES + "/records", "where", "(" * 3_000 + "objectid = 1" + ")" * 3_000),
    (GARES + "/records", "select", ", ".join(["objectid"] * 5_000)),
    (GARES + "/records", "order_by", ", ".join(["objectid"] * 5_000)),
    (GARES + "/records", "group_by", ", ".join(["departement"] * 5_000)),
    (GARES + "/records", "where", " or ".join(["1=1"] * 1_400)),  # SQLite: expression tree over 1,000 levels
    (GARES + "/records", "where", " and ".join(["1=1"] * 1_100)),
    (GARES + "/records", "where", "or".join(["(1=1)"] * 1_400)),
    (CATALOG, "where", " or ".join(["1=1"] * 1_400)),
    # Odd time zones.
    (GARES + "/records", "timezone", "../../etc/passwd"),
    (GARES + "/records", "timezone", "Europe/../../../etc/passwd"),
    (GARES + "/records", "timezone", "Europe/Paris" + "x" * 10_240),
    (GARES + "/records", "timezone", "UTC+99"),
    (GARES + "/records", "timezone", ""),
    (GARES + "/records", "timezone", "Pacific/Kiritimati"),
    (GARES + "/exports/csv", "timezone", "Etc/GMT+12"),
]


def assert_alive(server):
    """The process has not exited and the home page answers."""
    assert server.proc.poll() is None, f"garona exited with {server.proc.returncode}: {server.stderr_lines[-5:]}"
    assert requests.get(server.url("/"), timeout=30).status_code == 200


def assert_answered(resp, label):
    """A normal answer, or a 4xx that the API explains in its shape."""
    assert resp.status_code < 500, (label, resp.status_code, resp.text[:300])
    if resp.status_code >= 400 and resp.headers.get("Content-Type", "").startswith("application/json"):
        body = resp.json()
        assert body["error_code"] and body["message"], (label, body)


@pytest.mark.parametrize("path,param,value", EXTREMES, ids=[label(c) for c in EXTREMES])
def test_extreme_values_never_fail_the_server(demo, path, param, value):
    resp = get(demo, path, {param: value})
    assert_answered(resp, (path, param, value[:60]))
    assert_alive(demo)


@pytest.mark.parametrize("path", [CATALOG, GARES + "/records"])
def test_range_bounds_past_int64_group_as_decimals(demo, path):
    field = "records_count" if path == CATALOG else "objectid"
    resp = get(demo, path, {"select": "count(*) as n", "group_by": f"range({field}, 0, 10000000000000000000) as r"})
    assert resp.status_code == 200, resp.text[:300]
    assert [row["r"] for row in resp.json()["results"]] == ["[0, 1e+19["]
    assert_alive(demo)


@pytest.mark.parametrize("path,params", [
    (GARES + "/records", {"select": f"sum({BIG}) as total"}),
    (GARES + "/records", {"select": f"sum({BIG}) as total", "group_by": "departement"}),
    (GARES + "/records", {"select": "departement", "group_by": "departement", "order_by": f"sum({BIG})"}),
    (GARES + "/exports/csv", {"select": f"sum({BIG}) as total"}),
    (CATALOG, {"select": f"sum({BIG}) as total"}),
])
def test_an_integer_sum_past_int64_is_a_clear_400(demo, path, params):
    resp = get(demo, path, params)
    assert resp.status_code == 400, resp.text[:300]
    body = resp.json()
    assert body["error_code"] == "ODSQLError" and "sum(field * 1.0)" in body["message"], body
    decimal = get(demo, GARES + "/records", {"select": f"sum({BIG} * 1.0) as total"})
    assert decimal.status_code == 200 and decimal.json()["results"][0]["total"] > 2e21
    assert_alive(demo)


@pytest.mark.parametrize("path", [
    f"{API}/catalog/datasets/" + "d" * 10_000,
    f"{API}/catalog/datasets/" + "d" * 10_000 + "/records",
    f"{API}/catalog/datasets/" + "d" * 10_000 + "/exports/csv",
    f"{API}/catalog/datasets/" + "d" * 10_000 + "/facets",
    f"{GARES}/records/" + "r" * 10_000,
    f"{GARES}/records/" + "9" * 10_000,
    f"{API}/catalog/datasets/" + "%C3%A9" * 3_000,
])
def test_ten_thousand_character_ids_are_not_found(demo, path):
    resp = requests.get(demo.url(path), timeout=30)
    assert resp.status_code == 404, (path[:80], resp.status_code, resp.text[:200])
    assert resp.json()["error_code"] == "NotFound"
    assert_alive(demo)


def test_many_ored_equalities_in_several_filters_are_answered(demo):
    # Three filters of 600 `objectid=1 or …` kept SQLite's planner busy past the query budget; as IN lists they are
    # answered, with the same records as one equality.
    chain = " or ".join(["objectid=1"] * 600)
    resp = get(demo, GARES + "/records", [("where", chain)] * 3 + [("select", "objectid")])
    assert resp.status_code == 200, resp.text[:300]
    assert resp.json() == get(demo, GARES + "/records", {"where": "objectid=1", "select": "objectid"}).json()
    assert_alive(demo)
