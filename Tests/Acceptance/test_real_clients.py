"""Real client code from PyPI, unmodified, against a real Garona server on loopback (issue 12, "Real clients in
the tests").

- odsclient 0.8.4, the Opendatasoft client most scripts use: it downloads through the legacy link
  `/explore/dataset/{id}/download/?format=…&use_labels_for_header=…&csv_separator=…&timezone=…` (and `apikey`).
- portalkit 0.1.1, a multi-portal client: it recognises an Opendatasoft portal by `catalog/datasets?limit=1`, then
  searches with `search(*, "…")`, describes with `catalog/datasets/{id}`, pages `records` by 100 and switches to
  `exports/json` when no limit is given.
- pandas, DuckDB and GDAL on export URLs where the other suites do not already read them (test_gis_exports.py reads
  the Parquet, shapefile, FlatGeobuf, KML and GPX exports and the CSV and JSON ones with pandas; test_dcat.py and
  test_dataset_document.py parse DCAT with rdflib).

Runs on either engine (GARONA_TEST_ENGINE=postgres)."""

import gzip
import io
import shutil
import subprocess

import pytest
import requests

from conftest import PASSWORD, USER, start_server
from garona_server import run_cli
from web import Client

API = "/api/explore/v2.1"
GARES = "gares-occitanie"
DEPARTEMENT = 'departement = "31"'


def api_json(server, path, **params):
    resp = requests.get(server.url(API + path), params=params, timeout=60)
    assert resp.status_code == 200, resp.text[:300]
    return resp.json()


@pytest.fixture(scope="module")
def gares(demo):
    """The JSON export of the gares dataset, keyed by objectid, and its field types."""
    rows = api_json(demo, f"/catalog/datasets/{GARES}/exports/json")
    fields = {f["name"]: f["type"] for f in api_json(demo, f"/catalog/datasets/{GARES}")["fields"]}
    return {row["objectid"]: row for row in rows}, fields


# --- odsclient -------------------------------------------------------------------------------------------------


def ods_client(server, **options):
    odsclient = pytest.importorskip("odsclient")
    if "apikey" not in options:
        options["apikey_filepath"] = None  # no key file from the working directory
    return odsclient.ODSClient(base_url=server.url("/"), use_keyring=False, **options)


def test_odsclient_reads_the_whole_dataset_as_csv_text_and_dataframe(demo, gares):
    rows, _ = gares
    client = ods_client(demo)
    text = client.get_whole_dataset(GARES)
    header, *lines = text.lstrip("\ufeff").strip().splitlines()
    assert header.split(";")[:4] == ["objectid", "id_rte500", "nature", "toponyme"]
    assert len(lines) == len(rows)
    frame = client.get_whole_dataframe(GARES)
    assert len(frame) == len(rows) and set(frame["objectid"]) == set(rows)
    assert {frame.loc[i, "objectid"]: frame.loc[i, "toponyme"] for i in frame.index} == {
        k: v["toponyme"] for k, v in rows.items()}


def test_odsclient_downloads_other_formats_and_to_a_file(demo, gares, tmp_path):
    rows, _ = gares
    client = ods_client(demo)
    import json

    assert {row["objectid"] for row in json.loads(client.get_whole_dataset(GARES, format="json"))} == set(rows)
    target = tmp_path / "gares.csv"
    assert client.get_whole_dataset(GARES, csv_separator=",", to_path=target) is None
    pandas = pytest.importorskip("pandas")
    frame = pandas.read_csv(target, sep=",", encoding="utf-8-sig")
    assert len(frame) == len(rows) and "toponyme" in frame.columns


def test_odsclient_timezone_applies_to_datetimes(demo, gares):
    rows, fields = gares
    stamp = next(name for name, kind in fields.items() if kind == "datetime")
    client = ods_client(demo)
    frame = client.get_whole_dataframe(GARES)  # odsclient forbids `timezone` here; UTC is the default
    paris = client.get_whole_dataset(GARES, timezone="Europe/Paris", csv_separator=";")
    header, first, *_ = paris.lstrip("\ufeff").splitlines()
    column = header.split(";").index(stamp)
    objectid = int(first.split(";")[0])
    utc = frame.loc[frame["objectid"] == objectid, stamp].iloc[0]
    assert utc.endswith("+00:00"), utc
    local = first.split(";")[column]
    assert local[-6:] in ("+01:00", "+02:00"), local
    from datetime import datetime

    assert datetime.fromisoformat(local) == datetime.fromisoformat(utc)


def test_odsclient_reports_an_unknown_dataset_as_an_ods_exception(demo):
    odsclient = pytest.importorskip("odsclient")
    with pytest.raises(odsclient.core.ODSException) as raised:
        ods_client(demo).get_whole_dataset("nulle-part")
    assert raised.value.status_code == 404
    assert raised.value.details["error"] == "Unknown dataset: nulle-part"


@pytest.fixture(scope="module")
def private(tmp_path_factory, tiles):
    """A server holding one private dataset, and an API key that may read it."""
    server = start_server(tmp_path_factory, "--tile-url", tiles.template)
    path = tmp_path_factory.mktemp("real-clients") / "prive.csv"
    path.write_text("code;nom\n1;Albi\n2;Rodez\n3;Foix\n", encoding="utf-8")
    assert server.import_file(path, "prive").returncode == 0
    office = Client(server)
    assert office.login(USER, PASSWORD).status_code == 302
    resp = office.post("/backoffice/datasets/prive/visibility",
                       data={"csrfmiddlewaretoken": office.token("/backoffice/"), "visibility": "private"})
    assert resp.status_code == 303
    database = ["--database-url", server.database_url] if server.database_url else []
    done = run_cli("apikey", "create", "--data-dir", str(server.data_dir), "--username", USER, "--label", "odsclient",
                   *database)
    assert done.returncode == 0, done.stderr
    yield server, done.stdout.strip()
    server.stop()


def test_odsclient_reads_a_private_dataset_with_its_api_key_only(private):
    odsclient = pytest.importorskip("odsclient")
    server, key = private
    frame = ods_client(server, apikey=key).get_whole_dataframe("prive")
    assert list(frame["nom"]) == ["Albi", "Rodez", "Foix"]
    with pytest.raises(odsclient.core.ODSException) as raised:
        ods_client(server).get_whole_dataframe("prive")
    assert raised.value.status_code == 404


# --- portalkit -------------------------------------------------------------------------------------------------


@pytest.fixture
def portal(demo):
    portalkit = pytest.importorskip("portalkit")
    from portalkit.detect import forget, identify

    forget()
    assert identify(demo.url("/")) == "opendatasoft"
    return portalkit.open(demo.url("/"), cache=False)


def test_portalkit_recognises_searches_and_describes_the_portal(portal, gares):
    rows, fields = gares
    assert [info.id for info in portal.search("gares")] == [GARES]
    info = portal.describe(GARES)
    assert info.rows == len(rows)
    assert {field.name: field.dtype for field in info.fields} == fields
    assert info.url.endswith(f"/explore/dataset/{GARES}/")
    from portalkit.errors import DatasetNotFound

    with pytest.raises(DatasetNotFound):
        portal.describe("nulle-part")


def test_portalkit_pages_the_records_and_types_the_columns(portal, gares):
    rows, _ = gares
    frame = portal.dataset(GARES).to_pandas(order="objectid", limit=250, cache=False)
    assert list(frame["objectid"]) == sorted(rows)[:250]  # three pages: 100, 100, 50
    assert str(frame["objectid"].dtype) == "Int64"
    assert str(frame["date_maj"].dtype).startswith("datetime64")
    near = portal.dataset(GARES).to_pandas(where=DEPARTEMENT, select="objectid, toponyme", limit=500, cache=False)
    assert set(near["objectid"]) == {k for k, v in rows.items() if v["departement"] == "31"}
    assert list(near.columns) == ["objectid", "toponyme"]


def test_portalkit_reads_everything_through_the_json_export(portal, gares):
    rows, _ = gares
    frame = portal.dataset(GARES).to_pandas(cache=False)
    assert len(frame) == len(rows) and set(frame["objectid"]) == set(rows)


# --- pandas, DuckDB and GDAL on export URLs --------------------------------------------------------------------


def export_url(server, fmt, **params):
    query = requests.models.RequestEncodingMixin._encode_params({"where": DEPARTEMENT, **params})
    return server.url(f"{API}/catalog/datasets/{GARES}/exports/{fmt}") + "?" + query


def test_pandas_reads_jsonl_xlsx_and_gzipped_csv_exports(demo, gares):
    pandas = pytest.importorskip("pandas")
    rows, _ = gares
    expected = {k for k, v in rows.items() if v["departement"] == "31"}
    assert set(pandas.read_json(export_url(demo, "jsonl"), lines=True)["objectid"]) == expected
    pytest.importorskip("openpyxl")
    workbook = requests.get(export_url(demo, "xlsx"), timeout=60).content
    assert set(pandas.read_excel(io.BytesIO(workbook))["objectid"]) == expected
    frame = pandas.read_csv(export_url(demo, "csv", compressed="true", delimiter=","), compression="gzip",
                            encoding="utf-8-sig")
    assert set(frame["objectid"]) == expected


def test_pandas_reads_the_catalog_csv_export(demo):
    pandas = pytest.importorskip("pandas")
    frame = pandas.read_csv(demo.url(f"{API}/catalog/exports/csv"), sep=";", encoding="utf-8-sig")
    listed = api_json(demo, "/catalog/datasets", limit=100)
    assert set(frame["dataset_id"]) == {d["dataset_id"] for d in listed["results"]}


def test_duckdb_reads_the_csv_and_jsonl_exports(demo, gares, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    rows, _ = gares
    expected = sorted(k for k, v in rows.items() if v["departement"] == "31")
    csv = tmp_path / "gares.csv"
    csv.write_bytes(requests.get(export_url(demo, "csv"), timeout=60).content)
    jsonl = tmp_path / "gares.jsonl"
    jsonl.write_bytes(gzip.decompress(requests.get(export_url(demo, "jsonl", compressed="true"), timeout=60).content))
    for reader, path in (("read_csv", csv), ("read_json", jsonl)):
        ids = duckdb.sql(f"select objectid from {reader}('{path}') order by objectid").fetchall()
        assert [row[0] for row in ids] == expected, reader


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL's ogrinfo (gdal-bin) is missing")
def test_gdal_opens_the_geojson_export_url_itself(demo, gares):
    rows, _ = gares
    done = subprocess.run(["ogrinfo", "-ro", "-so", "-al", export_url(demo, "geojson")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "using driver `GeoJSON' successful" in done.stdout
    assert f"Feature Count: {sum(1 for v in rows.values() if v['departement'] == '31')}" in done.stdout
    assert "Geometry: Point" in done.stdout and 'ID["EPSG",4326]' in done.stdout


def test_odsclient_passes_refine_and_q_through_the_legacy_link(demo, gares):
    rows, _ = gares
    client = ods_client(demo)
    frame = client.get_whole_dataframe(GARES, **{"refine.departement": "31"})
    assert set(frame["objectid"]) == {k for k, v in rows.items() if v["departement"] == "31"}
    frame = client.get_whole_dataframe(GARES, **{"exclude.departement": "31", "q": "Toulouse"})
    assert len(frame) == 0
    toulouse = client.get_whole_dataframe(GARES, q="Toulouse")
    assert 0 < len(toulouse) < len(rows) and all(toulouse["departement"].astype(str) == "31")
