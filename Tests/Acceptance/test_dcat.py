"""The catalog for harvesters (issue 12): DCAT-AP 2.x in RDF/XML, Turtle and JSON-LD, the `dcat_ap_*` names,
Project Open Data `data.json` and the catalog `xlsx` export, read by real client code (rdflib, openpyxl).

Runs on either engine (GARONA_TEST_ENGINE=postgres): the catalog comes from the server's store."""

import csv
import io
import json

import openpyxl
import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS

from conftest import PASSWORD, USER, start_server
from garona_server import import_file
from web import Client, dom, form_token

API = "/api/explore/v2.1"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
GEO_FORMATS = {"geojson", "shp", "kml", "gpx", "fgb"}
ALL_FORMATS = {"csv", "json", "jsonl", "geojson", "xlsx", "parquet", "shp", "kml", "gpx", "fgb", "jsonld", "turtle",
               "rdfxml"}
SYNTAXES = {"rdf": "xml", "rdfxml": "xml", "ttl": "turtle", "turtle": "turtle", "jsonld": "json-ld"}


def get(server, path, params=None):
    resp = requests.get(server.url(path), params=params, timeout=60)
    assert resp.status_code == 200, resp.text[:500]
    return resp


def graph(server, name, params=None, syntax="xml"):
    resp = get(server, f"{API}/catalog/exports/{name}", params)
    parsed = Graph()
    parsed.parse(data=resp.content, format=syntax)
    return parsed, resp


def catalog(server, lang):
    body = get(server, f"{API}/catalog/datasets", {"limit": 100, "lang": lang}).json()
    return {d["dataset_id"]: d for d in body["results"]}


def geographic(dataset):
    return any(f["type"] in ("geo_point_2d", "geo_shape") for f in dataset["fields"])


def dataset_node(g, dataset_id):
    nodes = [s for s in g.subjects(DCTERMS.identifier, Literal(dataset_id))]
    assert len(nodes) == 1, f"{dataset_id}: {nodes}"
    return nodes[0]


def assert_dcat_ap_mandatory(g):
    """SHACL-lite: the mandatory properties of DCAT-AP 2.x's Catalog, Dataset, Distribution and Agent classes,
    and the ranges a harvester relies on."""
    catalogs = list(g.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogs) == 1
    root = catalogs[0]
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher):
        assert g.value(root, prop) is not None, prop
    datasets = set(g.objects(root, DCAT.dataset))
    assert datasets and datasets == set(g.subjects(RDF.type, DCAT.Dataset))
    for dataset in datasets:
        assert isinstance(dataset, URIRef)
        for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.identifier, DCTERMS.publisher,
                     DCAT.contactPoint, DCAT.landingPage, DCTERMS.modified, DCTERMS.issued):
            assert g.value(dataset, prop) is not None, (dataset, prop)
        for title in g.objects(dataset, DCTERMS.title):
            assert title.language in ("fr", "en")
        contact = g.value(dataset, DCAT.contactPoint)
        assert (contact, RDF.type, VCARD.Organization) in g and g.value(contact, VCARD.fn)
        for theme in g.objects(dataset, DCAT.theme):
            assert isinstance(theme, URIRef)
            assert str(theme).startswith(EU_THEME) or (theme, RDF.type, SKOS.Concept) in g
        for distribution in g.objects(dataset, DCAT.distribution):
            assert (distribution, RDF.type, DCAT.Distribution) in g
            assert isinstance(g.value(distribution, DCAT.accessURL), URIRef)
            assert g.value(distribution, DCTERMS.format) is not None
    for agent in set(g.objects(None, DCTERMS.publisher)):
        assert (agent, RDF.type, FOAF.Organization) in g and g.value(agent, FOAF.name)
    for date in g.objects(None, DCTERMS.modified):
        assert date.datatype == URIRef("http://www.w3.org/2001/XMLSchema#dateTime") and date.value is not None


def test_every_syntax_parses_to_the_same_dcat_ap_graph(demo):
    graphs = {name: graph(demo, name, {"include_exports": "csv,geojson"}, syntax)[0]
              for name, syntax in SYNTAXES.items()}
    reference = graphs["rdf"]
    assert len(reference) > 50
    for name, parsed in graphs.items():
        assert isomorphic(parsed, reference), name
    assert_dcat_ap_mandatory(reference)
    gares = dataset_node(reference, "gares-occitanie")
    formats = {str(f) for d in reference.objects(gares, DCAT.distribution) for f in reference.objects(d, DCTERMS.format)}
    assert formats == {EU_FILE_TYPE + "CSV", EU_FILE_TYPE + "GEOJSON"}
    media = {str(reference.value(d, DCAT.mediaType)) for d in reference.objects(gares, DCAT.distribution)}
    assert media == {"https://www.iana.org/assignments/media-types/text/csv",
                     "https://www.iana.org/assignments/media-types/application/geo+json"}
    assert URIRef(EU_THEME + "TRAN") in set(reference.objects(gares, DCAT.theme))


@pytest.mark.parametrize("name", ["dcat_ap_ch", "dcat_ap_it", "dcat_ap_de", "dcat_ap_se", "dcat_ap_sp",
                                  "dcat_ap_benap", "dcat_ap_vl", "dcat-ap-ch"])
def test_dcat_ap_names_answer_dcat_ap(demo, name):
    g, resp = graph(demo, name, {"include_exports": "csv"})
    assert resp.headers["Content-Type"].startswith("application/rdf+xml")
    assert_dcat_ap_mandatory(g)
    assert isomorphic(g, graph(demo, "rdf", {"include_exports": "csv"})[0])


def test_dcat_is_valid_dcat_ap_with_literal_formats(demo):
    """`dcat` keeps Opendatasoft's literals for dct:format and dcat:mediaType; everything else is DCAT-AP."""
    g, _ = graph(demo, "dcat", {"include_exports": "csv,json,pdf"})
    assert_dcat_ap_mandatory(g)
    gares = dataset_node(g, "gares-occitanie")
    formats = {g.value(d, DCTERMS.format) for d in g.objects(gares, DCAT.distribution)}
    assert formats == {Literal("CSV"), Literal("JSON")}


@pytest.mark.parametrize("name,syntax", [("dcat", "xml"), ("ttl", "turtle"), ("jsonld", "json-ld")])
def test_a_harvest_round_trips_every_dataset(demo, name, syntax):
    """Every dataset of catalog/datasets is there with its titles in both languages, and one distribution per
    available export; a format Garona lacks is left out, never an error for the whole catalog."""
    french, english = catalog(demo, "fr"), catalog(demo, "en")
    requested = "json,csv,shp,geojson,pdf,n3,parquet"
    g, _ = graph(demo, name, {"include_exports": requested, "lang": "fr"}, syntax)
    assert {str(i) for i in g.objects(None, DCTERMS.identifier)} == set(french)
    for dataset_id, dataset in french.items():
        node = dataset_node(g, dataset_id)
        titles = {(str(t), t.language) for t in g.objects(node, DCTERMS.title)}
        assert (dataset["metas"]["default"]["title"], "fr") in titles
        assert (english[dataset_id]["metas"]["default"]["title"], "en") in titles
        expected = {"json", "csv", "parquet"} | ({"shp", "geojson"} if geographic(dataset) else set())
        if not dataset["has_records"]:
            expected = set()
        urls = {str(g.value(d, DCAT.downloadURL)) for d in g.objects(node, DCAT.distribution)}
        assert {url.split("/exports/")[1].split("?")[0] for url in urls} == expected
        for url in urls:
            assert url.startswith(demo.url(f"{API}/catalog/datasets/{dataset_id}/exports/"))


def test_distributions_download(demo):
    g, _ = graph(demo, "rdf", {"include_exports": "csv,shp", "where": "dataset_id = 'gares-occitanie'"})
    urls = [str(u) for u in g.objects(None, DCAT.downloadURL)]
    assert len(urls) == 2
    for url in urls:
        resp = requests.get(url, timeout=60)
        assert resp.status_code == 200 and resp.content


def test_the_default_lists_every_available_export(demo):
    g, _ = graph(demo, "turtle", syntax="turtle")
    gares = dataset_node(g, "gares-occitanie")
    urls = {str(g.value(d, DCAT.accessURL)) for d in g.objects(gares, DCAT.distribution)}
    assert {url.split("/exports/")[1].split("?")[0] for url in urls} == ALL_FORMATS


def test_the_catalog_filters_and_languages_apply(demo):
    g, _ = graph(demo, "jsonld", {"where": "records_count > 1000", "lang": "en"}, "json-ld")
    assert [str(i) for i in g.objects(None, DCTERMS.identifier)] == ["donnees-exemple"]
    node = dataset_node(g, "donnees-exemple")
    # The requested language comes first in RDF/XML, JSON-LD and Turtle alike; rdflib keeps both.
    assert {t.language for t in g.objects(node, DCTERMS.title)} == {"fr", "en"}
    resp = requests.get(demo.url(f"{API}/catalog/exports/dcat"), params={"where": "records_count >"}, timeout=30)
    assert resp.status_code == 400 and resp.json()["error_code"] == "ODSQLError"
    compressed = get(demo, f"{API}/catalog/exports/ttl", {"compressed": "true"})
    assert compressed.headers["Content-Type"] == "application/gzip" and compressed.content[:2] == b"\x1f\x8b"


def test_data_json_is_project_open_data(demo):
    resp = get(demo, f"{API}/catalog/exports/data.json", {"include_exports": "csv,geojson,pdf", "lang": "en"})
    assert resp.headers["Content-Type"].startswith("application/json")
    body = resp.json()
    assert body["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert body["@type"] == "dcat:Catalog"
    english = catalog(demo, "en")
    assert {d["identifier"] for d in body["dataset"]} == set(english)
    for entry in body["dataset"]:
        dataset = english[entry["identifier"]]
        for key in ("title", "description", "keyword", "modified", "publisher", "contactPoint", "accessLevel"):
            assert entry[key], key
        assert entry["title"] == dataset["metas"]["default"]["title"]
        assert entry["publisher"]["name"] and entry["contactPoint"]["fn"]
        formats = {d["format"] for d in entry["distribution"]}
        assert formats == ({"CSV", "GEOJSON"} if geographic(dataset) else {"CSV"})
        for distribution in entry["distribution"]:
            assert distribution["downloadURL"].startswith(demo.url(API)) and distribution["mediaType"]


def test_catalog_xlsx_export_matches_the_json_export(demo):
    resp = get(demo, f"{API}/catalog/exports/xlsx", {"order_by": "dataset_id"})
    assert resp.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = list(openpyxl.load_workbook(io.BytesIO(resp.content), read_only=True).active.iter_rows(values_only=True))
    exported = get(demo, f"{API}/catalog/exports/json", {"order_by": "dataset_id"}).json()
    header = list(rows[0])
    assert header[:2] == ["dataset_id", "title"] and len(rows) == len(exported) + 1
    for row, dataset in zip(rows[1:], exported):
        cells = dict(zip(header, row))
        assert cells["dataset_id"] == dataset["dataset_id"] and cells["title"] == dataset["title"]
        assert cells["records_count"] == dataset["records_count"]


def test_unknown_catalog_formats_are_a_400(demo):
    for name in ("pdf", "dcat_ap_xx", "data.xml"):
        resp = requests.get(demo.url(f"{API}/catalog/exports/{name}"), timeout=30)
        assert resp.status_code == 400, name
        assert json.loads(resp.content)["error_code"] == "InvalidRESTParameterError"


# Text that each syntax must escape: Turtle's quotes and backslashes, XML's markup, JSON's controls, a CR (XML turns
# a bare one into a line feed, so the graph carries line feeds), a control XML cannot carry (dropped everywhere).
NASTY = 'a "quoted" \\ back\\slash """ <b>&amp;</b> \r\nline\ttab \x01 \u0301" end\\'
NASTY_URL = "https://example.org/my licence>{x}"


@pytest.fixture(scope="module")
def nasty(tmp_path_factory, tiles):
    srv = start_server(tmp_path_factory, "--tile-url", tiles.template)
    path = tmp_path_factory.mktemp("dcat") / "nasty.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        csv.writer(out, delimiter=";").writerows([["nom", "valeur"], ["x", "1"]])
    database = ["--database-url", srv.database_url] if srv.database_url else []
    done = import_file(path, srv.data_dir, "nasty", "--title", "nasty", *database)
    assert done.returncode == 0, done.stderr
    client = Client(srv)
    assert client.login(USER, PASSWORD).status_code == 302
    page = client.get("/backoffice/datasets/nasty")
    assert dom(page).find("form", action="/backoffice/datasets/nasty") is not None
    data = {"csrfmiddlewaretoken": form_token(page.text), "title_fr": NASTY, "title_en": "",
            "description_fr": "", "description_en": "", "keywords": "un\\, deux",
            "themes": "Santé & <social>", "publisher": NASTY, "licence": "other",
            "licence_url": NASTY_URL, "visibility": "public"}
    assert client.post("/backoffice/datasets/nasty", data=data).status_code == 303
    yield srv
    srv.stop()


def test_every_syntax_escapes_what_it_must(nasty):
    expected = NASTY.replace("\r\n", "\n").replace("\x01", "")
    graphs = {name: graph(nasty, name, {"include_exports": "csv"}, syntax)[0] for name, syntax in SYNTAXES.items()}
    for name, parsed in graphs.items():
        assert isomorphic(parsed, graphs["rdf"]), name
        node = dataset_node(parsed, "nasty")
        assert {str(t) for t in parsed.objects(node, DCTERMS.title)} == {expected}, name
        # No description: the title stands in, as DCAT-AP requires one.
        assert {str(t) for t in parsed.objects(node, DCTERMS.description)} == {expected}, name
        licence = parsed.value(node, DCTERMS.license)
        assert str(licence) == "https://example.org/my%20licence%3E%7Bx%7D", name
        themes = set(parsed.objects(node, DCAT.theme))
        assert URIRef(EU_THEME + "HEAL") in themes
        labels = {str(parsed.value(t, SKOS.prefLabel)) for t in themes if parsed.value(t, SKOS.prefLabel)}
        assert labels == {"Santé & <social>"}
        assert_dcat_ap_mandatory(parsed)
    legacy, _ = graph(nasty, "dcat")
    assert {str(t) for t in legacy.objects(None, FOAF.name)} >= {expected}

