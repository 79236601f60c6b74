"""Dataset exports in RDF (issue 12): `jsonld`, `turtle` and `rdfxml`, one resource per record (its API URL) with
the dataset's fields as typed properties, read by rdflib; the three syntaxes carry the same graph.

Runs on either engine (GARONA_TEST_ENGINE=postgres)."""

import gzip

import pytest
import requests
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, XSD

from conftest import start_server
from garona_server import GARES_CSV

API = "/api/explore/v2.1"
DATASET = "gares-rdf"
BASE = f"{API}/catalog/datasets/{DATASET}"
SYNTAXES = {"jsonld": ("json-ld", "application/ld+json"), "turtle": ("turtle", "text/turtle"),
            "rdfxml": ("xml", "application/rdf+xml")}
GEO = Namespace("http://www.opengis.net/ont/geosparql#")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_server(tmp_path_factory)
    done = srv.import_file(GARES_CSV, DATASET, "--title", "Gares")
    assert done.returncode == 0, done.stderr
    yield srv
    srv.stop()


def export(srv, name, params=None):
    resp = requests.get(srv.url(f"{BASE}/exports/{name}"), params=params, timeout=120)
    assert resp.status_code == 200, resp.text[:300]
    syntax, media_type = SYNTAXES[name]
    assert resp.headers["content-type"].startswith(media_type)
    return Graph().parse(data=resp.content, format=syntax)


def test_the_formats_are_listed_among_the_dataset_exports(server):
    listed = requests.get(server.url(f"{BASE}/exports"), timeout=30).json()["links"]
    assert set(SYNTAXES) <= {link["rel"] for link in listed}


@pytest.mark.parametrize("name", sorted(SYNTAXES))
def test_one_resource_per_record_with_the_fields_as_properties(server, name):
    graph = export(server, name)
    fields = Namespace(server.url(f"{BASE}/fields#"))
    records = requests.get(server.url(f"{BASE}/exports/json"), timeout=60).json()
    linked = []
    for offset in range(0, 300, 100):
        linked += requests.get(server.url(f"{BASE}/records"), timeout=60, params={
            "include_links": "true", "order_by": "objectid", "limit": 100, "offset": offset}).json()["results"]
    subjects = set(graph.subjects(DCTERMS.identifier, None))
    assert len(subjects) == len(records) == 280
    # Each resource is the record's URL in the API, identified by its _id.
    assert subjects == {URIRef(server.url(f"{BASE}/records/{r['_id']}")) for r in linked}
    for record in linked[:20]:
        subject = URIRef(server.url(f"{BASE}/records/{record['_id']}"))
        assert graph.value(subject, DCTERMS.identifier) == Literal(record["_id"])
        assert graph.value(subject, fields.objectid) == Literal(record["objectid"], datatype=XSD.integer)
        assert str(graph.value(subject, fields.toponyme)) == record["toponyme"]
        point = graph.value(subject, fields.geo_point_2d)
        assert point.datatype == GEO.wktLiteral
        lon, lat = (float(x) for x in str(point).removeprefix("POINT(").removesuffix(")").split())
        assert (lon, lat) == pytest.approx((record["geo_point_2d"]["lon"], record["geo_point_2d"]["lat"]))
        assert graph.value(subject, fields.date_maj).datatype == XSD.dateTime
        assert graph.value(subject, fields.geo_shape).datatype == GEO.geoJSONLiteral


def test_the_three_syntaxes_carry_the_same_graph(server):
    params = {"where": 'departement = "31"', "select": "objectid, upper(toponyme) as name, date_maj",
              "order_by": "objectid", "timezone": "Europe/Paris"}
    graphs = [export(server, name, params) for name in sorted(SYNTAXES)]
    assert len(graphs[0]) > 0 and all(isomorphic(graphs[0], g) for g in graphs[1:])
    fields = Namespace(server.url(f"{BASE}/fields#"))
    rows = requests.get(server.url(f"{BASE}/exports/json"), params=params, timeout=60).json()
    assert sorted(str(n) for n in graphs[0].objects(None, fields.name)) == sorted(r["name"] for r in rows)
    assert len(rows) == len(set(graphs[0].subjects(DCTERMS.identifier, None))) > 0
    assert all(str(d).endswith(("+01:00", "+02:00")) for d in graphs[0].objects(None, fields.date_maj))


def test_grouped_rows_are_blank_nodes_and_odd_keys_still_parse(server):
    params = {"select": "departement, count(*) as n, count(*)", "group_by": "departement"}
    for name in SYNTAXES:
        graph = export(server, name, params)
        fields = Namespace(server.url(f"{BASE}/fields#"))
        rows = set(graph.subjects(fields.departement, None))
        assert rows and all(isinstance(row, BNode) for row in rows)
        assert sum(int(n) for n in graph.objects(None, fields.n)) == 280
        # `count(*)` is written `_count_28_2a_29`, a name RDF/XML can carry.
        assert sum(int(n) for n in graph.objects(None, fields["_count_28_2a_29"])) == 280


def test_compressed_and_empty_exports(server):
    resp = requests.get(server.url(f"{BASE}/exports/turtle"), params={"compressed": "true", "limit": 3}, timeout=60)
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/gzip"
    graph = Graph().parse(data=gzip.decompress(resp.content), format="turtle")
    assert len(set(graph.subjects(DCTERMS.identifier, None))) == 3
    for name in SYNTAXES:
        assert len(export(server, name, {"where": "objectid < 0"})) == 0
