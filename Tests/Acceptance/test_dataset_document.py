"""`catalog/datasets/{dataset_id}` as the reference shows it (issue 12): `dataset_uid`, `fields` and `metas` as in
its examples, `_links`, `select`, `timezone` and `include_app_metas`; the files attached in the back office
listed in `attachments` with working download URLs; and the catalog's DCAT named after the site's settings.

Runs on either engine (GARONA_TEST_ENGINE=postgres)."""

import re
from datetime import datetime

import pytest
import requests
from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, FOAF, RDF

from conftest import PASSWORD, USER, start_server
from garona_server import GARES_CSV
from web import Client, multipart

API = "/api/explore/v2.1"
DATASET = "gares-document"
DOCUMENT = f"{API}/catalog/datasets/{DATASET}"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
# The keys of `metas.default` in the reference's `dataset-v2.1` example.
REFERENCE_METAS = {
    "records_count", "modified", "source_domain_address", "references", "keyword", "source_domain_title",
    "geographic_reference", "timezone", "title", "parent_domain", "theme", "modified_updates_on_data_change",
    "metadata_processed", "data_processed", "territory", "description", "modified_updates_on_metadata_change",
    "shared_catalog", "source_domain", "attributions", "geographic_area_mode", "geographic_reference_auto",
    "geographic_area", "publisher", "language", "license", "source_dataset", "metadata_languages", "oauth_scope",
    "federated", "license_url",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_server(tmp_path_factory)
    for dataset in (DATASET, "gares-other"):
        done = srv.import_file(GARES_CSV, dataset, "--title", "Gares d'Occitanie")
        assert done.returncode == 0, done.stderr
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def admin(server):
    client = Client(server)
    assert client.login(USER, PASSWORD).status_code == 302
    return client


def get(srv, path, params=None, status=200):
    resp = requests.get(srv.url(path), params=params, timeout=60)
    assert resp.status_code == status, resp.text[:300]
    return resp.json() if "json" in resp.headers.get("content-type", "") else resp


def test_the_document_has_the_reference_members(server):
    document = get(server, DOCUMENT)
    assert {"dataset_id", "dataset_uid", "attachments", "has_records", "data_visible", "fields", "metas",
            "features"} <= set(document)
    assert "_links" not in document and "links" not in document
    assert re.fullmatch(r"da_[0-9a-z]{6}", document["dataset_uid"])
    assert get(server, DOCUMENT)["dataset_uid"] == document["dataset_uid"]
    assert get(server, f"{API}/catalog/datasets/gares-other")["dataset_uid"] != document["dataset_uid"]
    for field in document["fields"]:
        assert set(field) == {"name", "label", "type", "description", "annotations"}, field
        assert field["description"] is None or isinstance(field["description"], str)
    assert REFERENCE_METAS <= set(document["metas"]["default"])
    assert document["metas"]["default"]["records_count"] == 280
    assert document["metas"]["default"]["metadata_languages"] == ["fr"]
    assert document["attachments"] == []
    listed = get(server, f"{API}/catalog/datasets", {"where": f'dataset_id = "{DATASET}"'})["results"]
    assert listed[0]["dataset_uid"] == document["dataset_uid"]


def test_links_are_spelt_as_the_reference(server):
    linked = get(server, DOCUMENT, {"include_links": "true"})
    rels = {link["rel"] for link in linked["_links"]}
    assert {"self", "catalog", "records", "exports", "facets", "attachments"} == rels
    page = get(server, f"{API}/catalog/datasets", {"include_links": "true", "limit": 1, "order_by": "dataset_id"})
    assert {link["rel"] for link in page["_links"]} == {"self", "first", "last", "next"}
    assert "order_by=dataset_id" in next(link["href"] for link in page["_links"] if link["rel"] == "next")
    assert page["results"][0]["_links"] and "links" not in page


def test_select_keeps_members_or_answers_catalog_fields(server):
    assert set(get(server, DOCUMENT, {"select": "dataset_id, fields"})) == {"dataset_id", "fields"}
    assert get(server, DOCUMENT, {"select": "metas"})["metas"]["default"]["title"] == "Gares d'Occitanie"
    assert get(server, DOCUMENT, {"select": "title, records_count"}) == {
        "title": "Gares d'Occitanie", "records_count": 280}
    assert get(server, DOCUMENT, {"select": "upper(title) as t"}) == {"t": "GARES D'OCCITANIE"}
    wrong = get(server, DOCUMENT, {"select": "nope"}, status=400)
    assert wrong["error_code"] == "ODSQLError"


def test_timezone_writes_the_dates_in_that_zone(server):
    utc = get(server, DOCUMENT)["metas"]["default"]
    paris = get(server, DOCUMENT, {"timezone": "Europe/Paris"})["metas"]["default"]
    for key in ("modified", "data_processed", "metadata_processed"):
        assert utc[key].endswith("+00:00") and paris[key][-6:] in ("+01:00", "+02:00")
        assert datetime.fromisoformat(utc[key]) == datetime.fromisoformat(paris[key])
    assert get(server, DOCUMENT, {"timezone": "Mars/Olympus"}, status=400)["error_code"] == \
        "InvalidRESTParameterError"


def test_include_app_metas_adds_the_popularity_score(server):
    assert "popularity_score" not in (get(server, DOCUMENT)["metas"].get("explore") or {})
    explore = get(server, DOCUMENT, {"include_app_metas": "true"})["metas"]["explore"]
    assert isinstance(explore["popularity_score"], int) and explore["popularity_score"] >= 0
    listed = get(server, f"{API}/catalog/datasets", {"include_app_metas": "true"})["results"]
    assert all("popularity_score" in d["metas"]["explore"] for d in listed)
    assert get(server, DOCUMENT, {"include_app_metas": "maybe"}, status=400)["error_code"] == \
        "InvalidRESTParameterError"


def test_attachments_are_listed_with_working_download_urls(server, admin):
    token = admin.token(f"/backoffice/datasets/{DATASET}/attachments")
    body, content_type = multipart([("csrfmiddlewaretoken", token), ("dataset", DATASET), ("title", "Notice"),
                                    ("file", ("notice.pdf", b"%PDF-1.4\nnotice\n", "application/pdf"))])
    resp = admin.post("/backoffice/attachments", data=body, headers={"Content-Type": content_type}, timeout=60)
    assert resp.status_code == 303, resp.text[:300]
    attachments = get(server, DOCUMENT)["attachments"]
    assert len(attachments) == 1
    attachment = attachments[0]
    assert set(attachment) == {"mimetype", "url", "id", "title", "href"}
    assert (attachment["mimetype"], attachment["url"], attachment["title"]) == \
        ("application/pdf", "odsfile://notice.pdf", "Notice")
    assert attachment["href"] == server.url(f"{DOCUMENT}/attachments/{attachment['id']}")
    download = requests.get(attachment["href"], timeout=30)
    assert download.status_code == 200 and download.content == b"%PDF-1.4\nnotice\n"
    # The same list on the endpoint of attachments, and in the catalog.
    listed = get(server, f"{DOCUMENT}/attachments")["attachments"]
    assert [a["href"] for a in listed] == [attachment["href"]]
    catalog = get(server, f"{API}/catalog/datasets", {"where": f'dataset_id = "{DATASET}"'})["results"][0]
    assert catalog["attachments"] == attachments


def test_the_catalog_dcat_is_named_after_the_site(server, admin):
    token = admin.token("/backoffice/settings")
    changed = admin.post("/backoffice/settings", data={
        "csrfmiddlewaretoken": token, "site_name.fr": "Données d'Occitanie", "site_name.en": "Occitania data"})
    assert changed.status_code == 303, changed.text[:300]
    for lang, name in (("fr", "Données d'Occitanie"), ("en", "Occitania data")):
        resp = requests.get(server.url(f"{API}/catalog/exports/dcat"), params={"lang": lang}, timeout=60)
        assert resp.status_code == 200
        graph = Graph().parse(data=resp.content, format="xml")
        catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
        assert [str(t) for t in graph.objects(catalog, DCTERMS.title)] == [name]
        publisher = next(graph.objects(catalog, DCTERMS.publisher))
        assert [str(n) for n in graph.objects(publisher, FOAF.name)] == [name]
        assert "Garona" not in resp.text
