"""The same answers on both engines (issue 11): one server on SQLite, one on PostgreSQL, the same files
published into both (the demo's datasets, and the real gares CSV through `garona import`), then a few hundred
API requests, each asked of both servers and compared answer for answer: the status, the content type, and
the body (JSON equal once the publication times are removed, exports byte for byte).

Skipped when GARONA_TEST_POSTGRES_URL is unset or the binary has no --database-url yet."""

import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from garona_server import GARES_CSV, GaronaServer, PostgresDatabase, import_file, postgres_skip_reason

API = "/api/explore/v2.1"
CATALOG = f"{API}/catalog/datasets"
SAMPLE = "donnees-exemple"  # the demo's 50,000 generated rows
GARES = "gares-occitanie"  # the demo's copy of the gares
IMPORTED = "gares-import"  # the real CSV, imported with the CLI into each engine
LISTED = "gares-listes"  # the same CSV with two list fields: toponyme split on "-", type on " "
# What differs between two publications of the same file: when they happened; and the audience figures of the
# catalog's metadata, which count each server's own traffic (the two servers are not asked the same requests).
VOLATILE = {"data_processed", "metadata_processed", "modified", "download_count", "api_call_count", "_timestamp",
            "popularity_score"}

TOULOUSE = "geom'POINT(1.444 43.604)'"
SQUARE = "geom'POLYGON((1.0 43.0, 2.0 43.0, 2.0 44.0, 1.0 44.0, 1.0 43.0))'"
TRIANGLE = "geom'POLYGON((0.5 42.5, 3.5 43.2, 1.2 44.6, 0.5 42.5))'"

# --- the requests ---------------------------------------------------------------------------------------------

# Hand-written record queries: every clause and function family, and a few refusals (the same 400 on both).
RECORDS = [
    (SAMPLE, {"where": 'departement = "31"', "order_by": "id", "limit": 20}),
    (SAMPLE, {"where": "montant > 20000 and effectif < 500", "order_by": "montant desc, id", "limit": 10}),
    (SAMPLE, {"where": "date_creation >= date'2020-01-01'", "order_by": "date_creation, id", "limit": 10}),
    (SAMPLE, {"where": "date_maj < date'2021-06-01T12:00:00+02:00'", "order_by": "date_maj desc, id", "limit": 10}),
    (SAMPLE, {"select": "year(date_creation) as y, count(*) as n", "group_by": "year(date_creation)",
              "order_by": "y"}),
    (SAMPLE, {"select": "month(date_maj) as m, avg(montant) as a", "group_by": "month(date_maj)", "order_by": "m"}),
    (SAMPLE, {"select": "day(date_creation) as d, count(*) as n", "group_by": "day(date_creation)",
              "order_by": "d"}),
    (SAMPLE, {"select": "hour(date_maj) as h, minute(date_maj) as mi, count(*) as n",
              "group_by": "hour(date_maj), minute(date_maj)", "order_by": "h, mi", "limit": 100}),
    (SAMPLE, {"select": "date_format(date_creation, 'yyyy-MM') as ym, count(*) as n",
              "group_by": "date_format(date_creation, 'yyyy-MM')", "order_by": "ym", "limit": 100}),
    (SAMPLE, {"select": "date_format(date_maj, 'dd/MM/yyyy HH:mm') as t", "order_by": "id", "limit": 20}),
    # timezone inside ODSQL (issue 12): both engines read the same offsets, bound as parameters.
    (SAMPLE, {"select": "year(date_maj) as y, month(date_maj) as m, count(*) as n",
              "group_by": "year(date_maj), month(date_maj)", "order_by": "y, m", "timezone": "Europe/Paris"}),
    (SAMPLE, {"select": "hour(date_maj) as h, count(*) as n", "group_by": "hour(date_maj)", "order_by": "h",
              "timezone": "America/New_York"}),
    (SAMPLE, {"select": "id, date_format(date_maj, 'yyyy-MM-dd HH:mm EEEE') as t", "order_by": "id", "limit": 50,
              "timezone": "Asia/Kolkata"}),
    (SAMPLE, {"where": "date_maj >= date'2021-03-28T02:30' and date_maj < date'2021-10-31'",
              "select": "count(*) as n", "timezone": "Europe/Paris"}),
    (SAMPLE, {"refine": "date_maj:2021/03", "select": "count(*) as n", "timezone": "Pacific/Auckland"}),
    (SAMPLE, {"select": "count(*) as n", "group_by": "range(date_maj, 1 month) as r", "order_by": "r",
              "timezone": "Europe/Paris"}),
    (SAMPLE, {"select": "count(*) as n", "group_by": "range(date_maj, 6 hours) as r", "order_by": "r", "limit": 50,
              "timezone": "America/New_York"}),
    (SAMPLE, {"select": "count(*) as n, avg(montant) as a", "group_by": "geo_cluster(geo_point_2d, 9) as c",
              "order_by": "n desc, a", "limit": 100}),
    (SAMPLE, {"select": "categorie, accessible, sum(effectif) as e", "group_by": "categorie, accessible",
              "order_by": "e desc, categorie, accessible"}),
    (SAMPLE, {"select": "departement, median(montant) as med, percentile(effectif, 90) as p90",
              "group_by": "departement", "order_by": "departement"}),
    (SAMPLE, {"select": "count(*) as n, min(montant), max(montant), avg(effectif), sum(montant)"}),
    (SAMPLE, {"select": "count(distinct commune) as n, min(date_creation) as first, max(date_maj) as last"}),
    (SAMPLE, {"select": "upper(commune) as c, lower(categorie) as k, length(description) as l",
              "order_by": "id", "limit": 20}),
    (SAMPLE, {"select": "ifnull(categorie, 'x') as c, include(id), exclude(description)", "order_by": "id",
              "limit": 5}),
    (SAMPLE, {"select": "id, distance(geo_point_2d, " + TOULOUSE + ") as d", "order_by": "d, id", "limit": 20}),
    (SAMPLE, {"where": "within_distance(geo_point_2d, " + TOULOUSE + ", 20km)", "select": "id, commune",
              "order_by": "id", "limit": 100}),
    (SAMPLE, {"where": "distance(geo_point_2d, " + TOULOUSE + ", 5km)", "select": "count(*) as n"}),
    (SAMPLE, {"where": "intersects(geo_point_2d, " + SQUARE + ")", "select": "count(*) as n"}),
    (SAMPLE, {"where": "within(geo_point_2d, " + TRIANGLE + ")", "select": "id", "order_by": "id", "limit": 100}),
    (SAMPLE, {"where": "disjoint(geo_point_2d, " + TRIANGLE + ")", "select": "count(*) as n"}),
    (SAMPLE, {"where": "in_bbox(geo_point_2d, 43.0, 1.0, 44.0, 2.0)", "select": "count(*) as n"}),
    (SAMPLE, {"where": "startswith(commune, 'Saint')", "select": "commune, count(*) as n",
              "group_by": "commune", "order_by": "commune"}),
    (SAMPLE, {"where": "suggest(commune, 'tou')", "select": "count(*) as n"}),
    (SAMPLE, {"where": "commune like 'Mont*'", "select": "count(*) as n"}),
    (SAMPLE, {"where": "categorie in ('Sport', 'Santé') and not accessible", "select": "count(*) as n"}),
    (SAMPLE, {"where": "montant in [1000..2000[", "order_by": "montant, id", "limit": 10}),
    (SAMPLE, {"where": "effectif in ]100..200]", "select": "effectif, count(*) as n", "group_by": "effectif",
              "order_by": "effectif"}),
    (SAMPLE, {"where": "commune is not null", "select": "count(distinct commune) as n"}),
    (SAMPLE, {"order_by": "random(7)", "select": "id", "limit": 10}),
    (SAMPLE, {"limit": 10}),
    (SAMPLE, {"limit": 100, "offset": 9900, "select": "id"}),
    (SAMPLE, {"refine": "categorie:Sport", "exclude": "departement:31", "select": "count(*) as n"}),
    (SAMPLE, {"refine": ["date_creation:2015", "accessible:true"], "select": "count(*) as n"}),
    (SAMPLE, {"refine": "date_creation:2015/03", "order_by": "id", "limit": 10}),
    (SAMPLE, {"refine.departement": "66", "exclude.categorie": "Santé", "select": "count(*) as n"}),
    (SAMPLE, {"select": "weekday(date_creation)", "group_by": "weekday(date_creation)"}),  # a 400
    # Bucket labels of a real field ("[2500.0, 5000.0[") and of an integer one, written alike by both engines.
    (SAMPLE, {"select": "count(*) as n", "group_by": "range(montant, 2500)", "limit": 100}),
    (SAMPLE, {"select": "count(*) as n", "group_by": "range(montant, 1250.5)", "limit": 100}),
    (SAMPLE, {"select": "count(*) as n", "group_by": "range(effectif, 3000000000)"}),
    (SAMPLE, {"where": "montant > 'x'"}),  # a 400
    (SAMPLE, {"order_by": "nope"}),  # a 400
    (SAMPLE, {"limit": 101}),  # a 400
    (GARES, {"where": "intersects(geo_shape, " + SQUARE + ")", "select": "objectid", "order_by": "objectid"}),
    (GARES, {"where": "within_distance(geo_shape, " + TOULOUSE + ", 10km)", "select": "objectid, toponyme",
             "order_by": "objectid"}),
    (GARES, {"select": "toponyme, distance(geo_point_2d, " + TOULOUSE + ") as d", "order_by": "d", "limit": 20}),
    (GARES, {"where": "date_maj > date'2018-01-01'", "select": "count(*) as n"}),
    (GARES, {"select": "departement, count(*) as n", "group_by": "departement", "order_by": "n desc, departement"}),
    (GARES, {"limit": 100, "offset": 100}),
    (GARES, {"limit": 100, "offset": 200, "order_by": "toponyme desc"}),
    (GARES, {"order_by": "codeuic", "select": "codeuic, toponyme", "limit": 30}),
]

# Filters of the sample, each asked in every shape below.
SAMPLE_WHERES = [
    'departement = "09"',
    "effectif >= 1000 and montant < 5000",
    "montant < 100 or montant > 24900",
    "date_creation < date'2011-01-01'",
    "year(date_maj) = 2023 and month(date_maj) in (1, 2, 3)",
    "accessible = false",
    "categorie = 'Environnement'",
    "code_insee like '31*'",
    "search(description, 'éolien')",
    "'garrigue'",
    "within_distance(geo_point_2d, geom'POINT(3.877 43.611)', 15km)",
    "in_bbox(geo_point_2d, 43.5, 1.2, 43.8, 1.6)",
    "startswith(commune, 'Saint-')",
    "not (departement = '31' or departement = '34')",
    "commune = 'Sète' and effectif > 500",
]
SAMPLE_SHAPES = [
    {"order_by": "id", "limit": 20},
    {"select": "count(*) as n, sum(effectif) as e"},
    {"select": "commune, montant", "order_by": "montant desc, id", "limit": 10, "offset": 30},
    {"select": "departement, count(*) as n, avg(montant) as a", "group_by": "departement",
     "order_by": "departement"},
]

# Full-text searches: accents and case folded, a prefix on the last word, several words.
SEARCHES = ["médiathèque", "mediatheque", "MÉDIA", "brebis sol", "eolien", "Éolien citoyens", "vélo", "velo r",
            "toulouse", "gare", "zzzz",
            # One typo in a word of five letters or more (issue 12): the same corrections on both engines.
            "mediatheqe v", "citoyns eolien", "garigue m", "bbrebis sol"]
GARES_QUERIES = [
    {"order_by": "objectid", "limit": 100},
    {"where": "departement = '31'", "order_by": "toponyme"},
    {"select": "type, count(*) as n", "group_by": "type", "order_by": "type"},
    {"q": "saint", "order_by": "objectid", "select": "objectid, toponyme"},
    {"where": "codeuic > 87600000", "select": "min(objectid), max(objectid), count(*)"},
    {"select": "year(date_maj) as y, count(*) as n", "group_by": "year(date_maj)", "order_by": "y"},
]

# Records with their technical members (issue 12): the same ids, sizes and links on both engines.
LINKED = [
    (GARES, {"include_links": "true", "order_by": "objectid", "limit": 100}),
    (IMPORTED, {"include_links": "true", "order_by": "objectid", "offset": 200, "limit": 100}),
    (IMPORTED, {"include_links": "true", "q": "saint", "select": "objectid, toponyme", "order_by": "objectid"}),
    (SAMPLE, {"include_links": "true", "where": 'departement = "31"', "select": "id, montant, date_maj",
              "order_by": "id", "limit": 50, "timezone": "Europe/Paris"}),
]

FACETS = [
    (SAMPLE, {}),
    (SAMPLE, {"facet": ["departement", "categorie"]}),
    (SAMPLE, {"facet": "accessible", "where": "montant > 20000"}),
    (SAMPLE, {"facet": "date_creation"}),
    (SAMPLE, {"facet": "date_creation", "refine": "date_creation:2016"}),
    (SAMPLE, {"facet": "date_maj", "refine": "date_maj:2021", "timezone": "Europe/Paris"}),
    (SAMPLE, {"facet": "commune", "refine": "departement:31", "exclude": "commune:Toulouse"}),
    (SAMPLE, {"facet": "categorie", "q": "médiathèque"}),
    (SAMPLE, {"facet": "facet(name=\"commune\", sort=\"-count\", limit=5)"}),
    (SAMPLE, {"facet": "facet(name=\"commune\", sort=\"alphanum\", limit=10)"}),
    (SAMPLE, {"facet": "nope"}),  # a 400
    (GARES, {}),
    (GARES, {"facet": "departement", "where": "type = 'halte ferroviaire'"}),
    (GARES, {"facet": ["nature", "type"], "refine": "departement:31"}),
    (IMPORTED, {}),
    (IMPORTED, {"facet": "departement", "q": "saint"}),
    # facet() options (issue 12): disjunctive refines, hierarchical paths.
    (SAMPLE, {"facet": ['facet(name="departement", disjunctive=true)', "categorie"],
              "refine": ["departement:31", "departement:81"]}),
    (SAMPLE, {"facet": 'facet(name="date_creation", disjunctive=true)', "refine": "date_creation:2016"}),
    (SAMPLE, {"facet": ['facet(name="commune", hierarchical=true, separator="-", sort="alphanum")', "categorie"],
              "refine": "commune:Saint"}),
    (IMPORTED, {"facet": 'facet(name="toponyme", hierarchical=true, separator=" ", limit=10)'}),
    (IMPORTED, {"facet": ['facet(name="toponyme", disjunctive=true, hierarchical=true, separator="-")', "departement"],
                "refine": ["toponyme:Saint", "toponyme:Toulouse"], "exclude": "toponyme:Saint-Jory"}),
]

FORMATS = ["csv", "json", "jsonl", "geojson", "xlsx", "parquet", "shp", "kml", "gpx", "fgb"]
EXPORT_VARIANTS = [
    {},
    {"where": 'departement = "31"', "order_by": "toponyme"},
    {"select": "objectid, toponyme, geo_point_2d", "where": "within_distance(geo_point_2d, "
     + TOULOUSE + ", 50km)", "order_by": "objectid desc", "limit": 15},
]
SAMPLE_EXPORTS = [
    ("csv", {}),
    ("json", {"where": "departement = '12'", "order_by": "id"}),
    ("jsonl", {"q": "éolien", "order_by": "id", "limit": 500}),
    ("geojson", {"where": "in_bbox(geo_point_2d, 43.0, 1.0, 44.0, 2.0)", "order_by": "id"}),
    ("parquet", {"select": "id, montant, date_creation, date_maj, accessible", "order_by": "id"}),
    ("xlsx", {"where": "departement = '48'", "order_by": "id"}),
    ("kml", {"where": "commune = 'Albi'", "order_by": "id"}),
    ("fgb", {"where": "commune = 'Rodez'", "order_by": "id"}),
    ("csv", {"select": "departement, count(*) as n, sum(montant) as s", "group_by": "departement",
             "order_by": "departement"}),
    ("csv", {"compressed": "true", "where": "effectif > 1400", "order_by": "id"}),
    ("json", {"compressed": "true", "where": "effectif < 20", "order_by": "id"}),
]
GIS_OPTIONS = [
    ("shp", {"epsg": "2154"}),
    ("fgb", {"epsg": "3857"}),
    ("kml", {"name_field": "toponyme", "description_field_list": "type,departement"}),
    ("gpx", {"name_field": "toponyme", "use_extension": "true"}),
    ("parquet", {"parquet_compression": "gzip"}),
    ("csv", {"delimiter": ",", "with_bom": "false"}),
]

CATALOG_QUERIES = [
    {},
    {"order_by": "dataset_id"},
    {"select": "dataset_id, records_count", "order_by": "records_count desc"},
    {"where": "records_count >= 280", "order_by": "dataset_id"},
    {"q": "gares", "order_by": "dataset_id"},
    {"refine": "features:geo", "select": "dataset_id", "order_by": "dataset_id"},
    {"select": "keyword, count(*) as n", "group_by": "keyword", "order_by": "keyword"},
]


# List (multivalued) fields: each value filtered, faceted, grouped, searched and exported alike.
LIST_QUERIES = [
    {"where": '"Saint" IN toponyme', "select": "objectid, toponyme", "order_by": "objectid", "limit": 100},
    {"where": 'toponyme IN ("Thomas", "Geniez") or "ferroviaire" IN type', "order_by": "objectid", "limit": 50},
    {"refine": ["toponyme:Saint", "type:halte"], "exclude": "toponyme:Jean", "order_by": "objectid", "limit": 100},
    {"select": "toponyme, count(*) as n", "group_by": "toponyme", "order_by": "n desc, toponyme", "limit": 40},
    {"q": "thomas", "select": "objectid, toponyme, type", "order_by": "objectid"},
]
LIST_FACETS = [{"facet": "toponyme"}, {"facet": ["type", "toponyme"], "refine": "type:gare"}]
LIST_EXPORTS = [("csv", {}), ("csv", {"list_separator": "|", "where": '"Saint" IN toponyme'}), ("json", {}),
                ("jsonl", {"refine": "toponyme:Saint"}), ("geojson", {}), ("xlsx", {"list_separator": "/"}),
                ("parquet", {})]


def requests_to_compare():
    """(path, params, how) for every request: how is "json" or "bytes"."""
    cases = [(f"{CATALOG}/{ds}/records", params, "json") for ds, params in RECORDS]
    cases += [(f"{CATALOG}/{SAMPLE}/records", {"where": where, **shape}, "json")
              for where in SAMPLE_WHERES for shape in SAMPLE_SHAPES]
    cases += [(f"{CATALOG}/{SAMPLE}/records", {"q": q, **shape}, "json")
              for q in SEARCHES for shape in ({"order_by": "id", "limit": 10}, {"select": "count(*) as n"})]
    cases += [(f"{CATALOG}/{ds}/records", params, "json") for ds in (GARES, IMPORTED) for params in GARES_QUERIES]
    cases += [(f"{CATALOG}/{ds}/records", params, "json") for ds, params in LINKED]
    cases += [(f"{CATALOG}/{ds}", {"include_links": "true", "include_app_metas": "true"}, "json")
              for ds in (GARES, IMPORTED)]
    cases += [(f"{CATALOG}/{ds}/facets", params, "json") for ds, params in FACETS]
    cases += [(f"{CATALOG}/{ds}/exports/{fmt}", params, "bytes")
              for ds in (GARES, IMPORTED) for fmt in FORMATS for params in EXPORT_VARIANTS]
    cases += [(f"{CATALOG}/{SAMPLE}/exports/{fmt}", params, "bytes") for fmt, params in SAMPLE_EXPORTS]
    cases += [(f"{CATALOG}/{GARES}/exports/{fmt}", params, "bytes") for fmt, params in GIS_OPTIONS]
    cases += [(CATALOG, params, "json") for params in CATALOG_QUERIES]
    cases += [(f"{CATALOG}/{LISTED}/records", params, "json") for params in LIST_QUERIES]
    cases += [(f"{CATALOG}/{LISTED}/facets", params, "json") for params in LIST_FACETS]
    cases += [(f"{CATALOG}/{LISTED}/exports/{fmt}", params, "bytes") for fmt, params in LIST_EXPORTS]
    cases += [(f"{CATALOG}/{LISTED}", {}, "json")]
    cases += [(f"{CATALOG}/{ds}", {}, "json") for ds in (SAMPLE, GARES, IMPORTED)]
    cases += [(f"{API}/catalog/facets", {}, "json"), (f"{API}/catalog/exports/json", {}, "json"),
              (f"{API}/catalog/exports/csv", {}, "csv"), (f"{CATALOG}/{SAMPLE}/exports", {}, "json")]
    return cases


CASES = requests_to_compare()

# --- the two servers ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    """(SQLite server, PostgreSQL server), both with the demo and the imported gares."""
    if reason := postgres_skip_reason():
        pytest.skip(f"PostgreSQL engine not testable: {reason}")
    database = PostgresDatabase()
    servers = [GaronaServer(tmp_path_factory.mktemp("parity"), "--demo", database_url=url)
               for url in (None, database.url)]

    def publish(server):
        server.start()
        done = import_file(GARES_CSV, server.data_dir, IMPORTED, "--title", "Gares (import)",
                           *(["--database-url", server.database_url] if server.database_url else []))
        assert done.returncode == 0, done.stderr
        done = import_file(GARES_CSV, server.data_dir, LISTED, "--field-separator", "toponyme=-",
                           "--field-separator", "type= ",
                           *(["--database-url", server.database_url] if server.database_url else []))
        assert done.returncode == 0, done.stderr

    try:
        with ThreadPoolExecutor(2) as pool:  # both demos publish 50,000 rows: side by side
            list(pool.map(publish, servers))
        yield tuple(servers)
    finally:
        for server in servers:
            server.stop()
        database.drop()


def without_volatile(value):
    """`value` without the VOLATILE keys, at any depth."""
    if isinstance(value, dict):
        return {k: without_volatile(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [without_volatile(v) for v in value]
    return value


def first_difference(expected, actual, path="$"):
    """Where two JSON values first differ, as a short sentence, or None when they are equal."""
    if type(expected) is not type(actual):
        return f"{path}: {expected!r} on SQLite, {actual!r} on PostgreSQL"
    if isinstance(expected, dict):
        if list(expected) != list(actual):
            return f"{path}: keys {list(expected)} on SQLite, {list(actual)} on PostgreSQL"
        return next((d for k in expected if (d := first_difference(expected[k], actual[k], f"{path}.{k}"))), None)
    if isinstance(expected, list):
        if len(expected) != len(actual):
            return f"{path}: {len(expected)} items on SQLite, {len(actual)} on PostgreSQL"
        return next((d for i, (e, a) in enumerate(zip(expected, actual))
                     if (d := first_difference(e, a, f"{path}[{i}]"))), None)
    return None if expected == actual else f"{path}: {expected!r} on SQLite, {actual!r} on PostgreSQL"


def catalog_csv_rows(body):
    """The catalog's CSV export as rows, without the VOLATILE columns."""
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    return [{k: v for k, v in row.items() if k not in VOLATILE} for row in rows]


def case_id(case):
    path, params, _ = case
    return path.removeprefix(CATALOG).removeprefix(API) + "?" + json.dumps(params, ensure_ascii=False)


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_both_engines_give_the_same_answer(engines, case):
    path, params, how = case
    sqlite, postgres = (requests.get(s.url(path), params=params, timeout=120) for s in engines)
    assert (postgres.status_code, postgres.headers.get("content-type")) == \
        (sqlite.status_code, sqlite.headers.get("content-type")), postgres.text[:300]
    if how == "bytes":
        same = postgres.content == sqlite.content
        at = next((i for i, (a, b) in enumerate(zip(sqlite.content, postgres.content)) if a != b),
                  min(len(sqlite.content), len(postgres.content)))
        assert same, (f"{len(sqlite.content)} bytes on SQLite, {len(postgres.content)} on PostgreSQL, first "
                      f"difference at byte {at}: {sqlite.content[at:at + 60]!r} / {postgres.content[at:at + 60]!r}")
    elif how == "csv":
        assert catalog_csv_rows(postgres.content) == catalog_csv_rows(sqlite.content)
    else:
        # Links name each server's own origin.
        sqlite_json, postgres_json = (json.loads(r.text.replace(s.base, "")) for r, s in zip((sqlite, postgres), engines))
        difference = first_difference(without_volatile(sqlite_json), without_volatile(postgres_json))
        assert difference is None, difference


def test_a_record_fetched_by_its_id_is_the_same_on_both_engines(engines):
    """The ids a page gives (issue 12) name the same records on both engines, with the same members."""
    sqlite, postgres = engines
    page = requests.get(sqlite.url(f"{CATALOG}/{IMPORTED}/records"), timeout=60,
                        params={"include_links": "true", "order_by": "objectid", "limit": 20}).json()["results"]
    ids = [record["_id"] for record in page]
    assert len(set(ids)) == 20
    for record_id in ids[:10]:
        answers = [requests.get(s.url(f"{CATALOG}/{IMPORTED}/records/{record_id}"), timeout=60,
                                params={"include_links": "true"}) for s in engines]
        assert [a.status_code for a in answers] == [200, 200], answers[1].text[:300]
        bodies = [without_volatile(json.loads(a.text.replace(s.base, ""))) for a, s in zip(answers, engines)]
        assert bodies[0] == bodies[1] and bodies[0]["_id"] == record_id


def test_the_comparison_covers_a_few_hundred_requests_and_every_export_format(engines):
    assert len(CASES) >= 200
    exported = {path.rsplit("/", 1)[1] for path, _, how in CASES if how == "bytes"}
    assert exported == set(FORMATS)
    # Both servers hold the three datasets, with the same record counts.
    counts = [{d["dataset_id"]: d["metas"]["default"]["records_count"]
               for d in requests.get(s.url(CATALOG), params={"limit": 100}, timeout=30).json()["results"]}
              for s in engines]
    assert counts[0] == counts[1] and {SAMPLE: 50_000, GARES: 280, IMPORTED: 280}.items() <= counts[0].items()
