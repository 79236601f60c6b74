"""The Explore API v2.1 endpoints beyond records (issue 4): facets, attachments, catalog ODSQL and facets,
catalog exports (CSV, JSON, JSONL, DCAT-AP RDF/XML), XLSX, gzip-compressed exports, and an export that
round-trips through `garona import`."""

import csv
import gzip
import io
import json
import xml.etree.ElementTree as ET

import openpyxl
import pytest
import requests

from garona_server import GaronaServer, import_file

API = "/api/explore/v2.1"
GARES = f"{API}/catalog/datasets/gares-occitanie"
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
}


def get(server, path, params=None):
    return requests.get(server.url(path), params=params, timeout=60)


def ok_json(server, path, params=None):
    resp = get(server, path, params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def assert_bad_request(resp, code):
    assert resp.status_code == 400, resp.text
    body = resp.json()
    assert body["error_code"] == code and body["message"]


# Dataset facets

def assert_facet_shape(body):
    assert set(body) == {"links", "facets"}
    for facet in body["facets"]:
        assert set(facet) == {"name", "facets"}
        for value in facet["facets"]:
            assert {"name", "state", "value"} <= set(value)
            assert value["state"] in ("displayed", "refined", "excluded")
            assert isinstance(value["value"], str)


def test_dataset_facets_default_to_facet_fields_and_count_every_record(demo):
    body = ok_json(demo, f"{GARES}/facets")
    assert_facet_shape(body)
    fields = ok_json(demo, GARES)["fields"]
    flagged = [f["name"] for f in fields if "facet" in f["annotations"]]
    assert [f["name"] for f in body["facets"]] == flagged
    departement = ok_json(demo, f"{GARES}/facets", {"facet": "departement"})["facets"]
    assert [f["name"] for f in departement] == ["departement"]
    values = departement[0]["facets"]
    assert sum(v["count"] for v in values) == 280
    counts = [v["count"] for v in values]
    assert counts == sorted(counts, reverse=True)
    grouped = ok_json(demo, f"{GARES}/records", {"group_by": "departement", "select": "count(*) as n", "limit": 100})
    assert {v["value"]: v["count"] for v in values} == {r["departement"]: r["n"] for r in grouped["results"]}
    assert all(v["state"] == "displayed" and v["name"] == v["value"] for v in values)


def test_dataset_facets_apply_where_refine_exclude_and_q(demo, ):
    where = ok_json(demo, f"{GARES}/facets", {"facet": "departement", "where": 'departement="09"'})
    assert [(v["value"], v["state"]) for v in where["facets"][0]["facets"]] == [("09", "displayed")]
    refined = ok_json(demo, f"{GARES}/facets", {"facet": ["departement", "type"], "refine": "departement:31"})
    dep, kind = refined["facets"]
    assert [(v["value"], v["state"]) for v in dep["facets"]] == [("31", "refined")]
    total_31 = ok_json(demo, f"{GARES}/records", {"refine": "departement:31", "limit": 0})["total_count"]
    assert sum(v["count"] for v in kind["facets"]) == total_31
    excluded = ok_json(demo, f"{GARES}/facets", {"facet": "departement", "exclude": "departement:31"})["facets"][0]
    states = {v["value"]: v for v in excluded["facets"]}
    assert states["31"]["state"] == "excluded" and "count" not in states["31"]
    assert sum(v.get("count", 0) for v in excluded["facets"]) == 280 - total_31
    searched = ok_json(demo, f"{GARES}/facets", {"facet": "departement", "q": "Toulouse"})["facets"][0]["facets"]
    found = ok_json(demo, f"{GARES}/records", {"q": "Toulouse", "limit": 0})["total_count"]
    assert 0 < sum(v["count"] for v in searched) == found


def test_facet_function_sort_limit_and_dates(demo):
    spec = 'facet(name="departement", sort="alphanum", limit=3, disjunctive=true)'
    values = ok_json(demo, f"{GARES}/facets", {"facet": spec})["facets"][0]["facets"]
    names = [v["value"] for v in values]
    assert len(names) == 3 and names == sorted(names)
    years = ok_json(demo, f"{GARES}/facets", {"facet": "date_maj"})["facets"][0]["facets"]
    assert years and all(len(v["value"]) == 4 and v["value"].isdigit() for v in years)
    assert sum(v["count"] for v in years) <= 280
    year = years[0]["value"]
    nested = ok_json(demo, f"{GARES}/facets", {"facet": "date_maj", "refine": f"date_maj:{year}"})["facets"][0]
    top = nested["facets"][0]
    assert top["value"] == year and top["state"] == "refined"
    assert top["facets"] and all(m["value"].startswith(year + "/") for m in top["facets"])
    assert sum(m["count"] for m in top["facets"]) == top["count"]


def test_facet_errors_are_precise_400s(demo):
    assert_bad_request(get(demo, f"{GARES}/facets", {"facet": "nope"}), "InvalidRESTParameterError")
    assert_bad_request(get(demo, f"{GARES}/facets", {"facet": 'facet(name="departement", sort="sideways")'}),
                       "InvalidRESTParameterError")
    assert_bad_request(get(demo, f"{GARES}/facets", {"facet": "departement", "where": "nope = 1"}), "ODSQLError")
    assert_bad_request(get(demo, f"{GARES}/facets", {"facet": "departement", "refine": "nope:1"}), "ODSQLError")
    assert get(demo, f"{API}/catalog/datasets/unknown/facets").status_code == 404


def test_attachments_are_an_empty_well_shaped_list(demo):
    for path in (f"{GARES}/attachments", f"{GARES}/attachments/"):
        assert ok_json(demo, path) == {"links": [], "attachments": []}
    assert get(demo, f"{API}/catalog/datasets/unknown/attachments").status_code == 404


# The catalog with ODSQL

def test_catalog_where_order_select_refine_and_q(demo):
    everything = ok_json(demo, f"{API}/catalog/datasets", {"limit": 100})
    assert everything["total_count"] >= 2 and "links" not in everything
    big = ok_json(demo, f"{API}/catalog/datasets", {"where": "records_count > 1000"})
    assert [d["dataset_id"] for d in big["results"]] == ["donnees-exemple"]
    assert big["results"][0]["metas"]["default"]["records_count"] == 50_000
    ordered = ok_json(demo, f"{API}/catalog/datasets",
                      {"select": "dataset_id, records_count", "order_by": "records_count desc", "limit": 100})
    counts = [r["records_count"] for r in ordered["results"]]
    assert counts == sorted(counts, reverse=True)
    assert set(ordered["results"][0]) == {"dataset_id", "records_count"}
    refined = ok_json(demo, f"{API}/catalog/datasets", {"refine": "dataset_id:gares-occitanie", "select": "title"})
    assert refined["total_count"] == 1 and set(refined["results"][0]) == {"title"}
    excluded = ok_json(demo, f"{API}/catalog/datasets", {"exclude": "dataset_id:gares-occitanie", "limit": 100})
    assert "gares-occitanie" not in {d["dataset_id"] for d in excluded["results"]}
    assert excluded["total_count"] == everything["total_count"] - 1
    title = everything["results"][0]["metas"]["default"]["title"]
    word = max(title.split(), key=len)
    found = ok_json(demo, f"{API}/catalog/datasets", {"q": word, "limit": 100})
    assert everything["results"][0]["dataset_id"] in {d["dataset_id"] for d in found["results"]}
    paged = ok_json(demo, f"{API}/catalog/datasets", {"limit": 1, "offset": 1, "order_by": "dataset_id"})
    ids = sorted(d["dataset_id"] for d in everything["results"])
    assert [d["dataset_id"] for d in paged["results"]] == [ids[1]]


def test_catalog_group_by_multivalued_and_links(demo):
    grouped = ok_json(demo, f"{API}/catalog/datasets", {"group_by": "has_records", "select": "count(*) as n"})
    assert "total_count" not in grouped
    total = ok_json(demo, f"{API}/catalog/datasets", {"limit": 0})["total_count"]
    assert sum(r["n"] for r in grouped["results"]) == total
    features = ok_json(demo, f"{API}/catalog/datasets", {"select": "features", "where": '"geo" IN features'})
    assert features["results"] and all("geo" in r["features"] for r in features["results"])
    linked = ok_json(demo, f"{API}/catalog/datasets", {"include_links": "true", "limit": 1})
    assert {link["rel"] for link in linked["_links"]} >= {"self", "first", "last"}
    dataset_links = {link["rel"]: link["href"] for link in linked["results"][0]["_links"]}
    assert dataset_links["self"].startswith("http://") and dataset_links["records"].endswith("/records")
    assert ok_json(demo, dataset_links["records"].split(str(demo.port), 1)[1])["total_count"] >= 0
    one = ok_json(demo, f"{GARES}", {"include_links": "true"})
    catalog = dataset_links["catalog"]
    gares = f"{catalog}/gares-occitanie"
    assert {link["rel"]: link["href"] for link in one["_links"]} == {
        "self": gares, "catalog": catalog, "records": f"{gares}/records", "exports": f"{gares}/exports",
        "facets": f"{gares}/facets", "attachments": f"{gares}/attachments"}
    assert "_links" not in ok_json(demo, f"{GARES}") and "links" not in ok_json(demo, f"{GARES}")
    assert_bad_request(get(demo, f"{GARES}", {"include_links": "maybe"}), "InvalidRESTParameterError")


def test_group_by_a_multivalued_field_counts_each_value_like_its_facet(demo):
    grouped = ok_json(demo, f"{API}/catalog/datasets",
                      {"select": "keyword, count(*) as n", "group_by": "keyword", "order_by": "keyword", "limit": 1000})
    facet = ok_json(demo, f"{API}/catalog/facets", {"facet": "keyword"})["facets"][0]["facets"]
    assert {r["keyword"]: r["n"] for r in grouped["results"]} == {f["name"]: f["count"] for f in facet}
    assert all(isinstance(r["keyword"], str) for r in grouped["results"])
    # Selected without grouping, the field is still the whole list.
    listed = ok_json(demo, f"{API}/catalog/datasets", {"select": "keyword", "limit": 100})["results"]
    assert any(isinstance(r["keyword"], list) and r["keyword"] for r in listed)


def test_catalog_fields_take_the_optional_default_prefix(demo):
    plain = ok_json(demo, f"{API}/catalog/datasets",
                    {"select": "dataset_id, records_count", "where": "records_count >= 280", "order_by": "title"})
    prefixed = ok_json(demo, f"{API}/catalog/datasets", {"select": "dataset_id, default.records_count",
                                                         "where": "default.records_count >= 280",
                                                         "order_by": "default.title"})
    assert prefixed == plain and plain["total_count"] >= 2


def test_startswith_on_a_multivalued_field_tests_each_value(demo):
    everything = ok_json(demo, f"{API}/catalog/datasets", {"select": "dataset_id, keyword", "limit": 100})["results"]
    keywords = sorted({k for r in everything for k in (r["keyword"] or [])})
    assert keywords, everything
    prefix = keywords[0][:3]
    expected = {r["dataset_id"] for r in everything if any(k.startswith(prefix) for k in r["keyword"] or [])}
    found = ok_json(demo, f"{API}/catalog/datasets",
                    {"select": "dataset_id", "where": f'startswith(keyword, "{prefix}")', "limit": 100})["results"]
    assert {r["dataset_id"] for r in found} == expected
    # The JSON text of the list starts with `["`: it never matches.
    assert ok_json(demo, f"{API}/catalog/datasets", {"where": 'startswith(keyword, "[")'})["total_count"] == 0


def test_catalog_errors(demo):
    assert_bad_request(get(demo, f"{API}/catalog/datasets", {"where": "nope > 1"}), "ODSQLError")
    assert_bad_request(get(demo, f"{API}/catalog/datasets", {"select": "count(*"}), "ODSQLError")
    assert_bad_request(get(demo, f"{API}/catalog/datasets", {"limit": 1000}), "InvalidRESTParameterError")
    assert_bad_request(get(demo, f"{API}/catalog/datasets", {"where": "title = 'x' OR 1=1; DROP TABLE catalog"}),
                       "ODSQLError")
    assert_bad_request(get(demo, f"{API}/catalog/datasets", {"include_links": "maybe"}), "InvalidRESTParameterError")


def test_catalog_facets(demo):
    body = ok_json(demo, f"{API}/catalog/facets")
    assert_facet_shape(body)
    names = [f["name"] for f in body["facets"]]
    assert {"publisher", "features", "language", "theme", "keyword", "license"} <= set(names)
    features = next(f for f in body["facets"] if f["name"] == "features")["facets"]
    total = ok_json(demo, f"{API}/catalog/datasets", {"limit": 0})["total_count"]
    assert {"value": "analyze", "name": "analyze", "count": total, "state": "displayed"} in features
    geo = ok_json(demo, f"{API}/catalog/facets", {"facet": "features", "refine": "features:geo"})["facets"][0]
    assert {"value": "geo", "name": "geo", "count": geo["facets"][0]["count"], "state": "refined"} in geo["facets"]
    searched = ok_json(demo, f"{API}/catalog/facets", {"facet": ["keyword", "features"], "q": "ferroviaires"})
    keywords, features = (f["facets"] for f in searched["facets"])
    gares = ok_json(demo, f"{API}/catalog/datasets/gares-occitanie")
    assert sorted(v["value"] for v in keywords) == sorted(gares["metas"]["default"]["keyword"])
    assert sorted(v["value"] for v in features) == sorted(gares["features"])
    assert_bad_request(get(demo, f"{API}/catalog/facets", {"facet": "nope"}), "InvalidRESTParameterError")


# Catalog exports

def test_catalog_csv_json_jsonl_exports(demo):
    listed = ok_json(demo, f"{API}/catalog/exports")
    assert {link["rel"] for link in listed["links"]} == {
        "csv", "json", "jsonl", "xlsx", "dcat", "rdf", "rdfxml", "ttl", "turtle", "jsonld", "data.json",
        *(f"dcat_ap_{c}" for c in ("ch", "de", "se", "sp", "it", "vl", "benap"))}
    for link in listed["links"]:  # each listed format answers
        assert get(demo, link["href"].split(str(demo.port), 1)[1]).status_code == 200, link
    catalog = ok_json(demo, f"{API}/catalog/datasets", {"limit": 100, "order_by": "dataset_id"})
    ids = [d["dataset_id"] for d in catalog["results"]]
    resp = get(demo, f"{API}/catalog/exports/csv", {"order_by": "dataset_id"})
    assert resp.status_code == 200 and resp.content.startswith(b"\xef\xbb\xbf")
    assert 'filename="catalog.csv"' in resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.content.decode("utf-8-sig")), delimiter=";"))
    assert [r["dataset_id"] for r in rows] == ids
    assert rows[0]["features"].startswith("analyze")
    piped = get(demo, f"{API}/catalog/exports/csv",
                {"delimiter": "|", "list_separator": "/", "with_bom": "false", "select": "dataset_id,features"})
    lines = piped.content.decode("utf-8").splitlines()
    assert lines[0] == "dataset_id|features" and any("analyze/" in line for line in lines[1:])
    exported = get(demo, f"{API}/catalog/exports/json", {"order_by": "dataset_id"}).json()
    assert [d["dataset_id"] for d in exported] == ids
    assert isinstance(exported[0]["keyword"], list) and isinstance(exported[0]["records_count"], int)
    lines = get(demo, f"{API}/catalog/exports/jsonl", {"where": "records_count > 1000"}).text.strip().split("\n")
    assert [json.loads(line)["dataset_id"] for line in lines] == ["donnees-exemple"]
    paged = get(demo, f"{API}/catalog/exports/json", {"order_by": "dataset_id", "offset": 1, "limit": 1}).json()
    assert [d["dataset_id"] for d in paged] == ids[1:2]
    assert_bad_request(get(demo, f"{API}/catalog/exports/pdf"), "InvalidRESTParameterError")


def test_catalog_dcat_export_lists_a_distribution_per_format(demo):
    resp = get(demo, f"{API}/catalog/exports/dcat/", {"include_exports": "csv,json,geojson", "lang": "fr"})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/rdf+xml")
    root = ET.fromstring(resp.content)
    datasets = root.findall("dcat:Catalog/dcat:dataset/dcat:Dataset", NS)
    catalog = ok_json(demo, f"{API}/catalog/datasets", {"limit": 100})
    assert len(datasets) == catalog["total_count"]
    by_id = {d.findtext("dct:identifier", namespaces=NS): d for d in datasets}
    gares = by_id["gares-occitanie"]
    metas = next(d for d in catalog["results"] if d["dataset_id"] == "gares-occitanie")["metas"]["default"]
    assert gares.findtext("dct:title", namespaces=NS) == metas["title"]
    assert [k.text for k in gares.findall("dcat:keyword", NS)] == metas["keyword"]
    assert gares.find("dct:license", NS).get(f"{{{NS['rdf']}}}resource") == metas["license_url"]
    assert gares.findtext("dct:modified", namespaces=NS)
    if metas["publisher"]:
        assert gares.findtext("dct:publisher/foaf:Organization/foaf:name", namespaces=NS) == metas["publisher"]
    distributions = gares.findall("dcat:distribution/dcat:Distribution", NS)
    assert [d.findtext("dct:format", namespaces=NS) for d in distributions] == ["CSV", "JSON", "GEOJSON"]
    assert [d.findtext("dcat:mediaType", namespaces=NS) for d in distributions] == \
        ["text/csv", "application/json", "application/geo+json"]
    for distribution in distributions:
        url = distribution.find("dcat:downloadURL", NS).get(f"{{{NS['rdf']}}}resource")
        assert distribution.find("dcat:accessURL", NS) is not None
        path = url.split(str(demo.port), 1)[1]
        download = get(demo, path)
        assert download.status_code == 200 and download.content
    only = ET.fromstring(get(demo, f"{API}/catalog/exports/dcat", {"where": "records_count > 1000"}).content)
    ids = [d.findtext("dct:identifier", namespaces=NS) for d in only.iter(f"{{{NS['dcat']}}}Dataset")]
    assert ids == ["donnees-exemple"]
    unknown = get(demo, f"{API}/catalog/exports/dcat", {"include_exports": "csv,pdf"})
    assert unknown.status_code == 200
    formats = {d.text for d in ET.fromstring(unknown.content).iter(f"{{{NS['dct']}}}format")}
    assert formats == {"CSV"}


def test_catalog_dcat_answers_data_gouv_fr_harvester_url(demo):
    """data.gouv.fr's exact request: shp is a distribution now, and a format Garona lacks is left out, never a 400."""
    resp = requests.get(demo.url(f"{API}/catalog/exports/dcat?include_exports=json,csv,shp,geojson&lang=fr"),
                        timeout=30)
    assert resp.status_code == 200
    gares = next(d for d in ET.fromstring(resp.content).iter(f"{{{NS['dcat']}}}Dataset")
                 if d.findtext("dct:identifier", namespaces=NS) == "gares-occitanie")
    distributions = gares.findall("dcat:distribution/dcat:Distribution", NS)
    assert [d.findtext("dct:format", namespaces=NS) for d in distributions] == ["JSON", "CSV", "SHP", "GEOJSON"]
    shp = distributions[2]
    assert shp.findtext("dcat:mediaType", namespaces=NS) == "application/zip"
    url = shp.find("dcat:downloadURL", NS).get(f"{{{NS['rdf']}}}resource")
    download = get(demo, url.split(str(demo.port), 1)[1])
    assert download.status_code == 200 and download.content[:2] == b"PK"
    mixed = get(demo, f"{API}/catalog/exports/dcat", {"include_exports": "json,pdf,n3,SHP", "lang": "fr"})
    assert mixed.status_code == 200
    assert {d.text for d in ET.fromstring(mixed.content).iter(f"{{{NS['dct']}}}format")} == {"JSON", "SHP"}


# XLSX and compression

def test_xlsx_export_matches_the_json_export(demo, tmp_path):
    select = "objectid,toponyme,departement,date_maj,geo_point_2d"
    resp = get(demo, f"{GARES}/exports/xlsx", {"select": select, "order_by": "objectid"})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="gares-occitanie.xlsx"' in resp.headers["Content-Disposition"]
    path = tmp_path / "gares.xlsx"
    path.write_bytes(resp.content)
    sheet = openpyxl.load_workbook(path, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    exported = get(demo, f"{GARES}/exports/json", {"select": select, "order_by": "objectid"}).json()
    assert list(rows[0]) == select.split(",")
    assert len(rows) == len(exported) + 1 == 281
    for row, record in zip(rows[1:], exported):
        objectid, toponyme, departement, date_maj, point = row
        assert isinstance(objectid, int) and objectid == record["objectid"]
        assert toponyme == record["toponyme"] and departement == record["departement"]
        assert date_maj == record["date_maj"]
        lat, lon = (float(x) for x in point.split(","))
        assert abs(lat - record["geo_point_2d"]["lat"]) < 1e-9 and abs(lon - record["geo_point_2d"]["lon"]) < 1e-9


def test_xlsx_export_of_a_large_dataset_streams_every_row(demo, tmp_path):
    resp = get(demo, f"{API}/catalog/datasets/donnees-exemple/exports/xlsx", {"select": "id"})
    path = tmp_path / "big.xlsx"
    path.write_bytes(resp.content)
    sheet = openpyxl.load_workbook(path, read_only=True).active
    assert sum(1 for _ in sheet.iter_rows(values_only=True)) == 50_001


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "geojson", "xlsx"])
def test_compressed_exports_are_gzip_files(demo, fmt):
    plain = get(demo, f"{GARES}/exports/{fmt}", {"order_by": "objectid"})
    packed = get(demo, f"{GARES}/exports/{fmt}", {"order_by": "objectid", "compressed": "true"})
    assert packed.status_code == 200
    assert packed.headers["Content-Type"] == "application/gzip"
    assert "Content-Encoding" not in packed.headers
    assert f'filename="gares-occitanie.{fmt}.gzip"' in packed.headers["Content-Disposition"]
    assert packed.content[:2] == b"\x1f\x8b"
    if fmt == "xlsx":  # the zip is byte-identical; the rows are checked by the XLSX tests
        assert gzip.decompress(packed.content) == plain.content
    else:
        assert gzip.decompress(packed.content) == plain.content
        assert len(packed.content) < len(plain.content)


def test_compressed_catalog_exports(demo):
    for fmt in ("csv", "json", "dcat"):
        plain = get(demo, f"{API}/catalog/exports/{fmt}")
        packed = get(demo, f"{API}/catalog/exports/{fmt}", {"compressed": "true"})
        assert packed.headers["Content-Type"] == "application/gzip"
        assert gzip.decompress(packed.content) == plain.content
    assert_bad_request(get(demo, f"{GARES}/exports/csv", {"compressed": "yes please"}), "InvalidRESTParameterError")


# Round trip

def test_csv_export_reimported_gives_the_same_records(demo, tmp_path):
    resp = get(demo, f"{GARES}/exports/csv")
    exported = tmp_path / "gares.csv"
    exported.write_bytes(resp.content)
    data_dir = tmp_path / "data"
    done = import_file(exported, data_dir, "gares-occitanie")
    assert done.returncode == 0, done.stderr
    copy = GaronaServer(data_dir).start()
    try:
        params = {"order_by": "objectid", "limit": 100}
        for offset in (0, 100, 200):
            params["offset"] = offset
            original = ok_json(demo, f"{GARES}/records", params)
            again = ok_json(copy, f"{GARES}/records", params)
            assert again["total_count"] == original["total_count"] == 280
            assert again["results"] == original["results"]
    finally:
        copy.stop()
