"""The Explore API v2.1 basics on the demo's real gares dataset (issue 4, first slice)."""

import csv
import io
import sqlite3

import requests

from garona_server import psql, run_cli

API = "/api/explore/v2.1"
GARES = f"{API}/catalog/datasets/gares-occitanie"


def get(server, path, **params):
    return requests.get(server.url(path), params=params, timeout=30)


def test_catalog_lists_public_datasets_with_total_count(demo):
    body = get(demo, f"{API}/catalog/datasets", limit=100).json()
    ids = {d["dataset_id"] for d in body["results"]}
    assert {"gares-occitanie", "donnees-exemple"} <= ids
    assert body["total_count"] == len(body["results"])
    gares = next(d for d in body["results"] if d["dataset_id"] == "gares-occitanie")
    assert gares["metas"]["default"]["records_count"] == 280
    types = {f["name"]: f["type"] for f in gares["fields"]}
    assert types["departement"] == "text" and types["geo_point_2d"] == "geo_point_2d"


def test_both_trailing_slash_forms_answer_the_same(demo):
    a = get(demo, f"{GARES}/records", limit=3).json()
    b = get(demo, f"{GARES}/records/", limit=3).json()
    assert a == b and len(a["results"]) == 3 and a["total_count"] == 280


def test_records_filter_sort_and_value_encoding(demo):
    body = get(demo, f"{GARES}/records", where='departement="09"', order_by="objectid desc",
               select="objectid,departement,date_maj,geo_point_2d", limit=100).json()
    assert "results" in body, body
    results = body["results"]
    assert body["total_count"] == len(results) > 0
    assert all(r["departement"] == "09" for r in results)
    ids = [r["objectid"] for r in results]
    assert ids == sorted(ids, reverse=True)
    first = results[0]
    assert set(first["geo_point_2d"]) == {"lon", "lat"}
    assert first["date_maj"].endswith("+00:00")
    paris = get(demo, f"{GARES}/records", select="date_maj", limit=1, timezone="Europe/Paris").json()
    assert paris["results"][0]["date_maj"][-6:] in ("+01:00", "+02:00")


def test_group_by_with_aggregate(demo):
    body = get(demo, f"{GARES}/records", group_by="departement", select="count(*) as n",
               order_by="n desc", limit=20).json()
    assert "total_count" not in body
    counts = [r["n"] for r in body["results"]]
    assert sum(counts) == 280 and counts == sorted(counts, reverse=True)


def test_percentiles_without_group_by_give_one_row(demo):
    body = get(demo, f"{GARES}/records", select="median(objectid) as m, percentile(objectid, 90) * 2 as p").json()
    assert len(body["results"]) == 1, body
    everything = get(demo, f"{GARES}/records", select="objectid", order_by="objectid", limit=100).json()["results"]
    assert body["results"][0]["m"] >= everything[0]["objectid"]
    none = get(demo, f"{GARES}/records", select="median(objectid) as m", where="objectid < 0").json()
    assert none["results"] == [{"m": None}], none


def test_full_text_search_with_q(demo):
    body = get(demo, f"{API}/catalog/datasets/donnees-exemple/records", q="montpellier",
               select="commune,description", limit=100).json()
    assert body["total_count"] > 0
    for record in body["results"]:
        text = (record["commune"] + " " + record["description"]).lower()
        assert "montpellier" in text, record
    nothing = get(demo, f"{API}/catalog/datasets/donnees-exemple/records", q="zzqxnotaword").json()
    assert nothing["total_count"] == 0 and nothing["results"] == []


def first_gare(server):
    """The id and objectid of a record of the gares, read from the server's database, whichever the engine."""
    if server.database_url:
        table = psql(server.database_url, "SELECT records_table FROM datasets WHERE id = 'gares-occitanie'").strip()
        record_id, objectid = psql(server.database_url, f'SELECT _id, objectid FROM "{table}" LIMIT 1').strip().split("|")
        return record_id, int(objectid)
    db = sqlite3.connect(f"file:{server.data_dir / 'garona.sqlite'}?mode=ro", uri=True)
    table = db.execute("SELECT records_table FROM datasets WHERE id = 'gares-occitanie'").fetchone()[0]
    record_id, objectid = db.execute(f'SELECT _id, objectid FROM "{table}" LIMIT 1').fetchone()
    db.close()
    return record_id, objectid


def test_record_by_id(demo):
    record_id, objectid = first_gare(demo)
    record = get(demo, f"{GARES}/records/{record_id}").json()
    assert record["objectid"] == objectid and set(record["geo_point_2d"]) == {"lon", "lat"}
    assert get(demo, f"{GARES}/records/{record_id}/", select="objectid").json() == {"objectid": objectid}
    missing = get(demo, f"{GARES}/records/not-a-record")
    assert missing.status_code == 404 and missing.json()["error_code"] == "NotFound"


def test_errors_use_the_ods_shape(demo):
    bad_field = get(demo, f"{GARES}/records", where="nope = 1")
    assert bad_field.status_code == 400
    assert bad_field.json()["error_code"] == "ODSQLError" and "nope" in bad_field.json()["message"]
    too_many = get(demo, f"{GARES}/records", limit=1000)
    assert too_many.status_code == 400
    assert too_many.json() == {"error_code": "InvalidRESTParameterError", "message":
                               "Invalid value for limit API parameter: 1000 was found but -1 <= limit <= 100 is expected."}
    window = get(demo, f"{GARES}/records", offset=9950, limit=100)
    assert window.status_code == 400 and "offset + limit" in window.json()["message"]
    unknown = get(demo, f"{API}/catalog/datasets/nope/records")
    assert unknown.status_code == 404 and unknown.json()["error_code"] == "NotFound"
    for hostile in ["1=1; DROP TABLE datasets", "(" * 5000 + "1" + ")" * 5000, "x" * 100_000,
                    "departement = date'not a date'", "in_bbox(departement, 1, 2, 3, 4)"]:
        resp = get(demo, f"{GARES}/records", where=hostile)
        assert resp.status_code in (400, 414), (hostile[:40], resp.status_code)
    assert get(demo, f"{GARES}/records", limit=1).json()["total_count"] == 280


def test_api_sets_no_cookie_and_is_open_to_other_origins(demo):
    resp = requests.get(demo.url(f"{GARES}/records"), params={"limit": 1},
                        headers={"Origin": "https://elsewhere.example"}, timeout=30)
    assert "set-cookie" not in {k.lower() for k in resp.headers}
    assert resp.headers["Access-Control-Allow-Origin"] == "*"


def test_csv_export_defaults_and_round_trip(demo, tmp_path):
    resp = get(demo, f"{GARES}/exports/csv")
    assert resp.status_code == 200
    assert resp.content.startswith(b"\xef\xbb\xbf")
    assert 'filename="gares-occitanie.csv"' in resp.headers["Content-Disposition"]
    text = resp.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 281
    header = rows[0]
    point = rows[1][header.index("geo_point_2d")]
    lat, lon = (float(x) for x in point.split(","))
    assert 42 < lat < 45 and -1 < lon < 5
    exported = tmp_path / "gares-export.csv"
    exported.write_bytes(resp.content)
    done = run_cli("import", str(exported), "--data-dir", str(tmp_path / "data"), "--dataset", "roundtrip")
    assert done.returncode == 0, done.stderr
    assert "280 records" in done.stdout
    assert "departement   text" in done.stdout or "departement  text" in done.stdout


def test_exports_stream_past_the_records_window(demo):
    resp = get(demo, f"{API}/catalog/datasets/donnees-exemple/exports/jsonl", select="id")
    lines = resp.text.strip().split("\n")
    assert len(lines) == 50_000


def test_legacy_download_link(demo):
    resp = requests.get(demo.url("/explore/dataset/gares-occitanie/download/"),
                        params={"format": "csv", "csv_separator": ";", "use_labels_for_header": "true"}, timeout=30)
    assert resp.status_code == 200 and resp.content.startswith(b"\xef\xbb\xbf")
    missing = requests.get(demo.url("/explore/dataset/nope/download/"), params={"format": "csv"}, timeout=30)
    assert missing.status_code == 404 and "error" in missing.json()
