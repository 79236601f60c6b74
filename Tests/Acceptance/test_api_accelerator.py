"""The column accelerator (issue 13) answers totals, facet counts and group_by from a published version's columns
held in memory: the same answers as SQL (GARONA_FAST_AGGREGATES=0), and it does answer them (counted by the server
into the file named by GARONA_AGGREGATE_STATS). Runs on the engine of GARONA_TEST_ENGINE (sqlite or postgres)."""

import json
import random
import time

import requests
from conftest import ENGINE
from garona_server import GaronaServer, PostgresDatabase

API = "/api/explore/v2.1/catalog/datasets/mesures"
GROUPS = ["École", "ecole", "Zèbre", "arbre", "Arbre", "", "Œuvre"]


def write_csv(path, rows=3000, seed=13):
    rng = random.Random(seed)
    lines = ["nom;groupe;n;x"]
    for row in range(rows):
        number = "" if rng.random() < 0.08 else str(rng.randint(-20, 80))
        real = "" if rng.random() < 0.08 else f"{rng.randint(0, 9999) / 100}"
        lines.append(f"mesure {row} {rng.choice(['pluie', 'vent', 'soleil'])};{rng.choice(GROUPS)};{number};{real}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


REQUESTS = [
    ("/facets", {"facet": ["groupe", "n"], "where": "n >= 10 and n <= 50"}),
    ("/facets", {"facet": "facet(name=\"groupe\", sort=\"alphanum\")", "where": "x < 50"}),
    ("/facets", {"facet": "groupe", "where": 'search(nom, "pluie") and n > 0'}),
    ("/records", {"where": 'groupe = "École" and n >= 30', "limit": 1}),
    ("/records", {"where": 'search(nom, "vent") and groupe != "arbre" and n < 40', "limit": 1}),
    # A page of a search without order_by: on SQLite, its rows come from the columns, in rowid order as SQL's plan.
    ("/records", {"where": 'search(nom, "pluie") and n >= 10 and groupe != "Zèbre"', "limit": 7, "offset": 30}),
    # An aggregate of a search's records, which SQL reads otherwise, is not a page.
    ("/records", {"select": "count(*) as n, max(n) as m", "where": 'search(nom, "vent") and n >= 0'}),
    ("/records", {"select": "groupe, avg(n) as m, count(*) as c, sum(n) as s, min(x) as lo, max(x) as hi",
                  "where": "n >= 5", "group_by": "groupe", "order_by": "groupe desc"}),
    ("/records", {"select": "groupe, avg(n) as m", "where": "n >= 0 and n <= 60", "group_by": "groupe",
                  "order_by": "groupe", "limit": 3, "offset": 1}),
]


def answers(server):
    out = []
    for path, params in REQUESTS:
        resp = requests.get(server.url(API + path), params=params, timeout=30)
        assert resp.status_code == 200, resp.text
        out.append(resp.json())
    return out


def counted(stats_path):
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            return json.loads(stats_path.read_text())
        except (OSError, ValueError):
            time.sleep(0.1)
    raise AssertionError("the server wrote no statistics")


def test_the_accelerator_answers_as_sql_does(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    source = tmp_path / "mesures.csv"
    write_csv(source)
    database_url = PostgresDatabase().url if ENGINE == "postgres" else None
    done = GaronaServer(data_dir, database_url=database_url).import_file(
        source, "mesures", "--field-type", "n=int", "--field-type", "x=double")
    assert done.returncode == 0, done.stderr
    results = {}
    for mode in ("columns", "sql"):
        stats = tmp_path / f"{mode}.json"
        monkeypatch.setenv("GARONA_AGGREGATE_STATS", str(stats))
        if mode == "sql":
            monkeypatch.setenv("GARONA_FAST_AGGREGATES", "0")
        else:
            monkeypatch.delenv("GARONA_FAST_AGGREGATES", raising=False)
        server = GaronaServer(data_dir, database_url=database_url).start()
        try:
            results[mode] = answers(server)
            time.sleep(0.5)  # the counts are written every quarter of a second
            results[mode + " counts"] = counted(stats)
        finally:
            server.stop()
    assert results["columns"] == results["sql"]
    # Ten aggregates were asked, once each (two facets in the first request, a total in each /records page, the
    # group_by answers): with the accelerator on, the columns answered every one; with it off, SQL did.
    assert results["columns counts"] == {"memo": 0, "accelerator": 10, "engine": 0}
    assert results["sql counts"] == {"memo": 0, "accelerator": 0, "engine": 10}
