"""The GIS and data-tool exports (issue 12, Formats): Parquet, zipped shapefile, KML, GPX and FlatGeobuf
downloaded over HTTP from the demo's gares dataset and opened by real readers (GDAL's ogrinfo, pyarrow,
DuckDB, pandas), compared with the JSON export of the same query."""

import gzip
import re
import shutil
import subprocess
import time
from datetime import datetime
from xml.etree import ElementTree

import pytest
import requests

API = "/api/explore/v2.1"
GARES = f"{API}/catalog/datasets/gares-occitanie"
WHERE = 'departement = "31"'

pytestmark = pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL's ogrinfo (gdal-bin) is missing")


def get(server, path, **params):
    return requests.get(server.url(path), params=params, timeout=60)


def download(server, tmp_path, fmt, **params):
    """The export as a file, after checking the status, type and file name."""
    resp = get(server, f"{GARES}/exports/{fmt}", where=WHERE, **params)
    assert resp.status_code == 200, resp.text[:300]
    extension = "zip" if fmt == "shp" else fmt
    assert f'filename="gares-occitanie.{extension}' in resp.headers["content-disposition"]
    path = tmp_path / f"gares.{extension}"
    path.write_bytes(resp.content)
    return path


def ogrinfo(source, *layer):
    done = subprocess.run(["ogrinfo", "-ro", "-so", *(["-al"] if not layer else []), str(source), *layer],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def feature_count(summary):
    return int(re.search(r"Feature Count: (\d+)", summary).group(1))


def field_names(summary):
    return set(re.findall(r"^(\w+): \w+ \(", summary, re.M))


@pytest.fixture(scope="module")
def expected(demo):
    """total_count and the JSON export's rows for WHERE."""
    total = get(demo, f"{GARES}/records", where=WHERE, limit=0).json()["total_count"]
    rows = get(demo, f"{GARES}/exports/json", where=WHERE).json()
    assert total == len(rows) and total > 5
    return total, rows


@pytest.mark.parametrize("epsg,name", [(None, "WGS 84"), ("2154", "Lambert-93"), ("3857", "Pseudo-Mercator")])
def test_zipped_shapefile_reads_in_gdal_with_its_projection(demo, tmp_path, expected, epsg, name):
    path = download(demo, tmp_path, "shp", **({"epsg": epsg} if epsg else {}))
    summary = ogrinfo(f"/vsizip/{path}")
    assert feature_count(summary) == expected[0]
    assert {"toponyme", "nature", "objectid"} <= field_names(summary)
    assert name in summary


@pytest.mark.parametrize("epsg,name", [("2154", "Lambert-93"), ("3857", "Pseudo-Mercator")])
def test_flatgeobuf_reads_in_gdal_with_its_projection(demo, tmp_path, expected, epsg, name):
    summary = ogrinfo(download(demo, tmp_path, "fgb", epsg=epsg))
    assert feature_count(summary) == expected[0]
    assert {"toponyme", "nature", "objectid"} <= field_names(summary)
    assert name in summary


def test_kml_reads_in_gdal(demo, tmp_path, expected):
    summary = ogrinfo(download(demo, tmp_path, "kml"))
    assert feature_count(summary) == expected[0]


def test_gpx_waypoints_carry_the_name_field(demo, tmp_path, expected):
    path = download(demo, tmp_path, "gpx", name_field="toponyme", description_field_list="nature,type")
    summary = ogrinfo(path, "waypoints")
    assert feature_count(summary) == expected[0]
    gpx = "{http://www.topografix.com/GPX/1/1}"
    points = ElementTree.parse(path).getroot().findall(f"{gpx}wpt")
    assert sorted(point.findtext(f"{gpx}name") for point in points) == sorted(row["toponyme"] for row in expected[1])
    assert all(point.findtext(f"{gpx}desc").startswith("nature: ") for point in points)


def test_parquet_has_the_json_export_rows_and_real_types(demo, tmp_path, expected):
    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    table = pq.read_table(download(demo, tmp_path, "parquet"))
    assert table.num_rows == expected[0]
    types = {field.name: field.type for field in table.schema}
    fields = {f["name"]: f["type"] for f in get(demo, GARES).json()["fields"]}
    arrow = {"int": pa.int64(), "double": pa.float64(), "boolean": pa.bool_(), "date": pa.date32(),
             "datetime": pa.timestamp("us", tz="UTC"), "text": pa.string()}
    for name, kind in fields.items():
        if kind in arrow:
            assert types[name] == arrow[kind], (name, kind, types[name])
    rows = table.to_pylist()
    keyed = {row["objectid"]: row for row in rows}
    for row in expected[1]:
        for key in ("toponyme", "nature", "codeuic", "departement"):
            assert keyed[row["objectid"]][key] == row[key]
    stamp = next(n for n, k in fields.items() if k == "datetime")
    for row in expected[1]:
        assert keyed[row["objectid"]][stamp] == datetime.fromisoformat(row[stamp])


def test_parquet_compressions_and_gzip_read_in_duckdb(demo, tmp_path, expected):
    duckdb = pytest.importorskip("duckdb")
    for compression in ("gzip", "uncompressed", "snappy"):
        path = download(demo, tmp_path, "parquet", parquet_compression=compression)
        count = duckdb.sql(f"select count(*) from read_parquet('{path}')").fetchall()[0][0]
        assert count == expected[0]
    resp = get(demo, f"{GARES}/exports/parquet", where=WHERE, compressed="true")
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/gzip"
    unzipped = tmp_path / "gunzipped.parquet"
    unzipped.write_bytes(gzip.decompress(resp.content))
    assert duckdb.sql(f"select count(*) from read_parquet('{unzipped}')").fetchall()[0][0] == expected[0]


def test_pandas_reads_the_csv_and_json_export_urls(demo, expected):
    pd = pytest.importorskip("pandas")
    query = "?where=" + requests.utils.quote(WHERE)
    frame = pd.read_csv(demo.url(f"{GARES}/exports/csv") + query, sep=";")
    assert len(frame) == expected[0] and "toponyme" in frame.columns
    frame = pd.read_json(demo.url(f"{GARES}/exports/json") + query)
    assert len(frame) == expected[0] and set(frame["objectid"]) == {row["objectid"] for row in expected[1]}


@pytest.mark.parametrize("fmt,params,word", [
    ("shp", {"epsg": "999999"}, "999999"),
    ("fgb", {"epsg": "lambert"}, "lambert"),
    ("kml", {"epsg": "99999999999999999999999"}, "epsg"),
    ("parquet", {"parquet_compression": "zstd"}, "zstd is not available"),
    ("parquet", {"parquet_compression": "brotli"}, "brotli"),
    ("gpx", {"name_field": "nope"}, "nope"),
    ("gpx", {"description_field_list": "nature,nope"}, "nope"),
])
def test_bad_parameters_are_a_400_in_the_api_shape(demo, fmt, params, word):
    resp = get(demo, f"{GARES}/exports/{fmt}", **params)
    assert resp.status_code == 400, resp.text[:300]
    body = resp.json()
    assert body["error_code"] == "InvalidRESTParameterError" and word in body["message"]


def test_export_listing_names_the_new_formats(demo):
    links = get(demo, f"{GARES}/exports").json()["links"]
    hrefs = " ".join(link["href"] for link in links)
    assert all(f"/exports/{fmt}" in hrefs for fmt in ("parquet", "shp", "kml", "gpx", "fgb"))


def test_scratch_directories_are_removed_after_the_response(demo, tmp_path):
    download(demo, tmp_path, "shp")
    download(demo, tmp_path, "gpx")
    uploads = demo.data_dir / "uploads"
    deadline = time.monotonic() + 30  # liveness only: removal follows the body's last byte
    while list(uploads.glob("export-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert uploads.is_dir() and not list(uploads.glob("export-*"))


def test_a_client_gone_mid_export_frees_its_slot_and_scratch_directory(demo):
    """Four abandoned shapefile and GPX downloads of the large demo dataset: the three export slots are given back
    and no scratch directory stays (a leaked slot would make the last download a 503)."""
    for fmt in ("shp", "gpx", "shp", "gpx"):
        with requests.get(demo.url(f"{API}/catalog/datasets/donnees-exemple/exports/{fmt}"), stream=True,
                          timeout=60) as resp:
            assert resp.status_code == 200
            next(resp.iter_content(64))
    uploads = demo.data_dir / "uploads"
    deadline = time.monotonic() + 30  # liveness only
    while list(uploads.glob("export-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not list(uploads.glob("export-*"))
    assert get(demo, f"{GARES}/exports/shp", where=WHERE).status_code == 200
