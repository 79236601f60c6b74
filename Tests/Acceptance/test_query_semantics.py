"""Query semantics that clients depend on (issue 12): `timezone` applies inside ODSQL, to date functions, date
grouping, date refine/exclude and facets, and `date'…'` literals written without an offset.

Six records around New Year and the 2023 spring-forward in Paris, imported with the CLI; runs on either engine
(GARONA_TEST_ENGINE=postgres)."""

import csv

import pytest
import requests

from conftest import start_server
from garona_server import import_file

API = "/api/explore/v2.1"
DATASET = "instants"
ROWS = [
    (1, "2023-12-31T23:30:00Z", "2024-01-01"),  # Paris: 2024-01-01 00:30
    (2, "2023-12-31T22:30:00Z", "2023-12-31"),  # Paris: 2023-12-31 23:30
    (3, "2023-03-26T00:30:00Z", "2023-03-26"),  # Paris: 01:30, winter time (+01:00)
    (4, "2023-03-26T01:30:00Z", "2023-03-26"),  # Paris: 03:30, summer time (+02:00)
    (5, "2023-07-14T12:00:00Z", "2023-07-14"),  # Paris: 14:00
    (6, "2024-01-01T04:30:00Z", "2024-01-01"),  # New York: 2023-12-31 23:30
]


@pytest.fixture(scope="module")
def server(tmp_path_factory, tiles):
    srv = start_server(tmp_path_factory, "--tile-url", tiles.template)
    path = tmp_path_factory.mktemp("instants") / "instants.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["id", "quand", "jour"])
        writer.writerows(ROWS)
    database = ["--database-url", srv.database_url] if srv.database_url else []
    done = import_file(path, srv.data_dir, DATASET, "--field-type", "quand=datetime", "--field-type", "jour=date",
                       *database)
    assert done.returncode == 0, done.stderr
    yield srv
    srv.stop()


def records(server, **params):
    resp = requests.get(server.url(f"{API}/catalog/datasets/{DATASET}/records"), params={"limit": 100, **params},
                        timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()["results"]


def ids(server, **params):
    return sorted(r["id"] for r in records(server, select="id", **params))


@pytest.mark.parametrize("zone,expected", [
    ("UTC", {2023: 5, 2024: 1}),
    ("Europe/Paris", {2023: 4, 2024: 2}),
    ("America/New_York", {2023: 6}),
])
def test_year_groups_count_in_the_timezone(server, zone, expected):
    rows = records(server, select="year(quand) as y, count(*) as n", group_by="year(quand)", timezone=zone)
    assert {r["y"]: r["n"] for r in rows} == expected


def test_the_new_year_record_counts_in_the_next_year_in_paris(server):
    assert ids(server, where="year(quand) = 2024", timezone="Europe/Paris") == [1, 6]
    assert ids(server, where="year(quand) = 2024") == [6]
    rows = records(server, select="id, month(quand) as m, day(quand) as d, hour(quand) as h",
                   where="id in (1, 3, 4)", order_by="id", timezone="Europe/Paris")
    assert [(r["m"], r["d"], r["h"]) for r in rows] == [(1, 1, 0), (3, 26, 1), (3, 26, 3)]


def test_date_format_writes_the_wall_clock_time(server):
    rows = records(server, select="id, date_format(quand, 'yyyy-MM-dd HH:mm') as t", order_by="id",
                   timezone="Europe/Paris")
    assert [r["t"] for r in rows] == ["2024-01-01 00:30", "2023-12-31 23:30", "2023-03-26 01:30",
                                      "2023-03-26 03:30", "2023-07-14 14:00", "2024-01-01 05:30"]
    half_hour = records(server, select="date_format(quand, 'HH:mm') as t", where="id = 5", timezone="Asia/Kolkata")
    assert half_hour[0]["t"] == "17:30"


def test_literals_without_an_offset_are_wall_clock_times(server):
    assert ids(server, where="quand >= date'2024-01-01'", timezone="Europe/Paris") == [1, 6]
    assert ids(server, where="quand >= date'2024-01-01'") == [6]
    # An offset written in the literal wins over the timezone.
    assert ids(server, where="quand >= date'2024-01-01T00:00:00Z'", timezone="Europe/Paris") == [6]
    # 03:00 in Paris on 26 March 2023 is 01:00 UTC, the first instant of summer time.
    assert ids(server, where="quand < date'2023-03-26T03:00'", timezone="Europe/Paris") == [3]
    assert ids(server, where="quand in [date'2023-12-31T23:00'..date'2024-01-01T01:00']",
               timezone="Europe/Paris") == [1, 2]


def test_refine_and_exclude_read_periods_in_the_timezone(server):
    assert ids(server, refine="quand:2024", timezone="Europe/Paris") == [1, 6]
    assert ids(server, refine="quand:2024") == [6]
    assert ids(server, exclude="quand:2023", timezone="Europe/Paris") == [1, 6]
    assert ids(server, refine="quand:2023/12/31", timezone="America/New_York") == [1, 2, 6]


def test_date_facets_count_in_the_timezone(server):
    def years(zone):
        resp = requests.get(server.url(f"{API}/catalog/datasets/{DATASET}/facets"),
                            params={"facet": "quand", "timezone": zone}, timeout=30)
        assert resp.status_code == 200, resp.text
        facet = next(f for f in resp.json()["facets"] if f["name"] == "quand")
        return {value["name"]: value["count"] for value in facet["facets"]}
    assert years("Europe/Paris") == {"2023": 4, "2024": 2}
    assert years("UTC") == {"2023": 5, "2024": 1}


def test_dates_have_no_time_of_day_to_move(server):
    rows = records(server, select="year(jour) as y, count(*) as n", group_by="year(jour)",
                   timezone="America/New_York")
    assert {r["y"]: r["n"] for r in rows} == {2023: 4, 2024: 2}
    assert ids(server, refine="jour:2024", timezone="Pacific/Kiritimati") == [1, 6]


@pytest.mark.parametrize("zone", ["Etc/GMT-2", "GMT+2", "GMT+02:00"])
def test_fixed_offsets_read_as_foundation_reads_them(server, zone):
    # Etc/GMT-2 is UTC+2 (POSIX's inverted sign in the name), GMT+2 is UTC+2: no engine may read either backwards.
    rows = records(server, select="date_format(quand, 'HH:mm') as t", where="id = 5", timezone=zone)
    assert rows[0]["t"] == "14:00"


def test_date_histograms_bucket_wall_clock_days(server):
    def buckets(zone, width):
        rows = records(server, select="count(*) as n", group_by=f"range(quand, {width}) as r", timezone=zone)
        return {r["r"]: r["n"] for r in rows}
    assert buckets("Europe/Paris", "1 year") == {
        "[2023-01-01T00:00:00.000, 2024-01-01T00:00:00.000[": 4,
        "[2024-01-01T00:00:00.000, 2025-01-01T00:00:00.000[": 2}
    paris_days = buckets("Europe/Paris", "1 day")
    assert paris_days["[2024-01-01T00:00:00.000, 2024-01-02T00:00:00.000["] == 2
    assert paris_days["[2023-12-31T00:00:00.000, 2024-01-01T00:00:00.000["] == 1
    assert buckets("UTC", "1 day")["[2023-12-31T00:00:00.000Z, 2024-01-01T00:00:00.000Z["] == 2


@pytest.mark.parametrize("zoom", [0, 6, 10, 14])
def test_geo_cluster_groups_points_for_a_map(demo, zoom):
    """geo_cluster(): one group per grid cell fitting 40 pixels at the zoom, keyed by its points' centroid."""
    gares = f"{API}/catalog/datasets/gares-occitanie/records"
    key = f"geo_cluster(geo_point_2d, {zoom})"
    resp = requests.get(demo.url(gares), params={"select": "count(*) as n", "group_by": key, "limit": 20000},
                        timeout=30)
    assert resp.status_code == 200, resp.text
    clusters = resp.json()["results"]
    # Records without a point, if any, make one group whose key is null, as null values do in group_by.
    total = requests.get(demo.url(gares), params={"select": "count(*) as n"}, timeout=30).json()["results"][0]["n"]
    assert sum(c["n"] for c in clusters) == total
    for cluster in (c for c in clusters if c[key] is not None):
        centroid = cluster[key]["cluster_centroid"]
        assert 42 < centroid["lat"] < 45.5 and -0.5 < centroid["lon"] < 5
    if zoom == 0:
        assert len([c for c in clusters if c[key] is not None]) == 1
    if zoom == 14:
        assert len(clusters) > 100
    grouped = requests.get(demo.url(gares), params={"select": "count(*) as n", "group_by": f"{key} as c",
                                                    "order_by": "n desc", "limit": 3}, timeout=30).json()
    assert [c["n"] for c in grouped["results"]] == sorted((c["n"] for c in clusters), reverse=True)[:3]


def test_geo_cluster_refuses_what_it_cannot_group(demo):
    gares = f"{API}/catalog/datasets/gares-occitanie/records"
    for group_by in ("geo_cluster(geo_point_2d, 30)", "geo_cluster(toponyme, 5)", "geo_cluster(geo_point_2d)"):
        resp = requests.get(demo.url(gares), params={"select": "count(*)", "group_by": group_by}, timeout=30)
        assert resp.status_code == 400 and resp.json()["error_code"] == "ODSQLError", group_by


def test_geo_cluster_with_a_median(demo):
    resp = requests.get(demo.url(f"{API}/catalog/datasets/donnees-exemple/records"),
                        params={"select": "count(*) as n, median(montant) as m",
                                "group_by": "geo_cluster(geo_point_2d, 7) as c", "order_by": "n desc", "limit": 5},
                        timeout=60)
    assert resp.status_code == 200, resp.text
    assert all(r["m"] is not None and r["c"]["cluster_centroid"] for r in resp.json()["results"])
