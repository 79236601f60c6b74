"""List (multivalued) fields (issue 12): a separator declared at import (`garona import --field-separator`, the
back office's upload form, a source's options) makes a field a list; the dataset's JSON shows it as the reference
spells it (`annotations.multivalued`), records answer arrays, and `"x" IN field`, `field IN (...)`, `refine`,
`exclude`, facets, `group_by`, full-text search and the exports (`list_separator`) work on each value.

Runs on the engine of GARONA_TEST_ENGINE (sqlite or postgres); test_engine_parity.py compares the two."""

import csv
import io
import json

import openpyxl
import pyarrow.parquet as pq
import pytest
import requests

from conftest import PASSWORD, USER, start_server
from garona_server import run_cli
from test_backoffice import job_path, publish, wait_job
from web import CSRF_FAILED, Client, form_token, multipart

API = "/api/explore/v2.1/catalog/datasets"
LINES = """code;nom;villes;themes;geo_point_2d
A1;Ligne 1;Toulouse, Albi , ;Train|Bus;43.604,1.444
B2;Ligne 2;Montpellier,Nîmes;Bus;43.61,3.87
C3;Ligne 3;;;
D4;Ligne 4;Albi;Vélo | Train |;43.93,2.15
E5;Ligne 5;"Foix, ""Le Mas"", Auch";Train;
"""
VILLES = {"A1": ["Toulouse", "Albi"], "B2": ["Montpellier", "Nîmes"], "C3": None, "D4": ["Albi"],
          "E5": ["Foix", '"Le Mas"', "Auch"]}
THEMES = {"A1": ["Train", "Bus"], "B2": ["Bus"], "C3": None, "D4": ["Vélo", "Train"], "E5": ["Train"]}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_server(tmp_path_factory)
    yield srv
    srv.stop()


def cli(srv, *args):
    database = ["--database-url", srv.database_url] if srv.database_url else []
    return run_cli(*args, "--data-dir", str(srv.data_dir), *database, timeout=120)


@pytest.fixture(scope="module")
def lines(server, tmp_path_factory):
    path = tmp_path_factory.mktemp("lists") / "lignes.csv"
    path.write_text(LINES, encoding="utf-8")
    done = server.import_file(path, "lignes", "--field-separator", "villes=,", "--field-separator", 'themes="|"')
    assert done.returncode == 0, done.stderr
    return "lignes"


def get(srv, path, **params):
    resp = requests.get(srv.url(path), params=params, timeout=30)
    assert resp.status_code == 200, (path, params, resp.text[:500])
    return resp


def codes(srv, dataset, **params):
    body = get(srv, f"{API}/{dataset}/records", select="code", order_by="code", limit=100, **params).json()
    return [r["code"] for r in body["results"]]


def test_the_dataset_declares_its_list_fields_as_the_reference_spells_them(server, lines):
    fields = {f["name"]: f for f in get(server, f"{API}/{lines}").json()["fields"]}
    assert fields["villes"]["annotations"]["multivalued"] == [","]
    assert fields["themes"]["annotations"]["multivalued"] == ["|"]
    assert fields["villes"]["type"] == "text"
    assert "multivalued" not in fields["nom"]["annotations"]


def test_records_are_arrays_of_trimmed_values_without_empty_parts(server, lines):
    body = get(server, f"{API}/{lines}/records", order_by="code", limit=100).json()
    assert {r["code"]: r["villes"] for r in body["results"]} == VILLES
    assert {r["code"]: r["themes"] for r in body["results"]} == THEMES
    exported = get(server, f"{API}/{lines}/exports/json", order_by="code").json()
    assert [r["villes"] for r in exported] == list(VILLES.values())
    jsonl = [json.loads(line) for line in get(server, f"{API}/{lines}/exports/jsonl", order_by="code").text.splitlines()]
    assert [r["themes"] for r in jsonl] == list(THEMES.values())


@pytest.mark.parametrize("params, expected", [
    ({"where": '"Albi" IN villes'}, ["A1", "D4"]),
    ({"where": "'Train' IN themes and \"Albi\" IN villes"}, ["A1", "D4"]),
    ({"where": 'not "Albi" IN villes'}, ["B2", "C3", "E5"]),
    ({"where": 'villes IN ("Nîmes", "Auch")'}, ["B2", "E5"]),
    ({"where": 'villes = "Albi"'}, ["A1", "D4"]),
    ({"where": 'startswith(villes, "Mont")'}, ["B2"]),
    ({"where": '"Alb" IN villes'}, []),
    ({"refine": "themes:Bus"}, ["A1", "B2"]),
    ({"refine": ["themes:Bus", "villes:Albi"]}, ["A1"]),
    ({"exclude": "themes:Train"}, ["B2", "C3"]),
    ({"q": "nimes"}, ["B2"]),
    ({"where": 'search("Montpellier")'}, ["B2"]),
    ({"q": "mas"}, ["E5"]),
])
def test_filters_test_each_value(server, lines, params, expected):
    assert codes(server, lines, **params) == expected


def test_facets_and_group_by_count_each_value(server, lines):
    facets = get(server, f"{API}/{lines}/facets", facet="villes").json()["facets"][0]["facets"]
    assert {f["value"]: f["count"] for f in facets} == {
        "Albi": 2, "Toulouse": 1, "Montpellier": 1, "Nîmes": 1, "Foix": 1, '"Le Mas"': 1, "Auch": 1}
    grouped = get(server, f"{API}/{lines}/records", select="themes, count(*) as n", group_by="themes",
                  order_by="themes").json()["results"]
    assert grouped == [{"themes": "Bus", "n": 2}, {"themes": "Train", "n": 3}, {"themes": "Vélo", "n": 1}]


def test_csv_and_xlsx_join_values_with_list_separator(server, lines):
    def rows(**params):
        text = get(server, f"{API}/{lines}/exports/csv", order_by="code", **params).content.decode("utf-8-sig")
        return {r["code"]: (r["villes"], r["themes"]) for r in csv.DictReader(io.StringIO(text), delimiter=";")}
    assert rows()["A1"] == ("Toulouse,Albi", "Train,Bus")  # the reference's default: ","
    assert rows()["C3"] == ("", "")
    assert rows(list_separator="|")["E5"] == ('Foix|"Le Mas"|Auch', "Train")
    resp = requests.get(server.url(f"{API}/{lines}/exports/csv"), params={"list_separator": "||"}, timeout=30)
    assert resp.status_code == 400 and resp.json()["error_code"]
    book = openpyxl.load_workbook(io.BytesIO(get(server, f"{API}/{lines}/exports/xlsx", order_by="code",
                                                 list_separator="/").content))
    values = list(book.active.values)
    header = list(values[0])
    assert values[1][header.index("villes")] == "Toulouse/Albi"


def test_geojson_keeps_arrays_and_parquet_their_json_text(server, lines):
    features = get(server, f"{API}/{lines}/exports/geojson", order_by="code").json()["features"]
    assert [f["properties"]["villes"] for f in features] == list(VILLES.values())
    table = pq.read_table(io.BytesIO(get(server, f"{API}/{lines}/exports/parquet", order_by="code").content))
    assert [v and json.loads(v) for v in table.column("villes").to_pylist()] == list(VILLES.values())


@pytest.mark.parametrize("spec, message", [("villes", "NAME=SEPARATOR"), ("villes=", "NAME=SEPARATOR"),
                                           ("inconnu=;", "inconnu")])
def test_the_command_line_refuses_a_bad_declaration(server, tmp_path, spec, message):
    path = tmp_path / "bad.csv"
    path.write_text(LINES, encoding="utf-8")
    done = server.import_file(path, "mauvais", "--field-separator", spec)
    assert done.returncode != 0 and message in done.stderr + done.stdout
    resp = requests.get(server.url(f"{API}/mauvais"), timeout=30)
    assert resp.status_code == 404


def upload(client, dataset, separators, token=None):
    """POSTs the upload form of a new dataset as a browser does, with its list fields (`field_separators`)."""
    token = client.token("/backoffice/upload") if token is None else token
    parts = [("csrfmiddlewaretoken", token), ("mode", "new"), ("dataset", dataset), ("title", ""),
             ("field_separators", separators), ("file", ("lignes.csv", LINES.encode(), "text/csv"))]
    body, content_type = multipart([p for p in parts if p[1] is not False])
    return client.post("/backoffice/uploads", data=body, headers={"Content-Type": content_type}, timeout=120)


@pytest.fixture
def bo(server):
    client = Client(server)
    assert client.login(USER, PASSWORD).status_code == 302
    return client


def test_the_upload_form_declares_list_fields(server, bo):
    page = bo.get("/backoffice/upload")
    assert 'name="field_separators"' in page.text and 'for="field_separators"' in page.text
    resp = upload(bo, "depot-listes", "villes=,\r\nthemes=|\r\n")
    path = job_path(resp)
    done = publish(bo, path, wait_job(bo, path))
    assert done.status_code == 303, done.text[:500]
    assert 'role="status"' in wait_job(bo, path).text
    fields = {f["name"]: f for f in get(server, f"{API}/depot-listes").json()["fields"]}
    assert fields["villes"]["annotations"]["multivalued"] == [","]
    assert fields["themes"]["annotations"]["multivalued"] == ["|"]
    assert codes(server, "depot-listes", where='"Auch" IN villes') == ["E5"]
    # Without the CSRF token, nothing is uploaded.
    resp = upload(bo, "depot-sans-jeton", "villes=,", token=False)
    assert resp.status_code == 403 and CSRF_FAILED in resp.text


def test_a_bad_declaration_in_the_upload_form_fails_the_job_with_its_reason(server, bo):
    resp = upload(bo, "depot-mauvais", "nulle_part=;")
    page = wait_job(bo, job_path(resp))
    assert 'role="alert"' in page.text and "nulle_part" in page.text


def test_a_source_keeps_its_list_fields(server, bo, lines):
    page = bo.get(f"/backoffice/datasets/{lines}/source").text
    base = {"csrfmiddlewaretoken": form_token(page), "url": "https://example.org/lignes.csv", "schedule": "daily",
            "daily_time": "03:00", "every_minutes": "60", "delimiter": "", "encoding": "", "sheet": "",
            "field_types": ""}
    resp = bo.post(f"/backoffice/datasets/{lines}/source", data={**base, "field_separators": "villes"})
    assert resp.status_code == 400 and 'role="alert"' in resp.text and "NAME=SEPARATOR" in resp.text
    resp = bo.post(f"/backoffice/datasets/{lines}/source", data={**base, "field_separators": "villes=,\nthemes=|"})
    assert resp.status_code == 303, resp.text[:500]
    page = bo.get(f"/backoffice/datasets/{lines}/source").text
    assert "villes=,\nthemes=|" in page
    done = cli(server, "source", "set", lines, "--url", "https://example.org/l.csv", "--field-separator", "nope")
    assert done.returncode != 0 and "NAME=SEPARATOR" in done.stderr + done.stdout
    assert cli(server, "source", "remove", lines).returncode == 0
