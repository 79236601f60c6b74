"""What records carry (issue 12): the record schema of the reference (`_id`, `_timestamp`, `_size`, `_links`)
with `include_links=true`, on `records` and `records/{record_id}`, so that a client pages through the records
and then fetches each by its `_id`; ids that stay the same when the same file is published again.

Runs on either engine (GARONA_TEST_ENGINE=postgres): the records come from the server's store."""

import json
from urllib.parse import urlsplit

import pytest
import requests

from conftest import start_server
from garona_server import GARES_CSV

API = "/api/explore/v2.1"
DATASET = "gares-records"
RECORDS = f"{API}/catalog/datasets/{DATASET}/records"
TECHNICAL = ["_id", "_timestamp", "_size", "_links"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_server(tmp_path_factory)
    publish(srv)
    yield srv
    srv.stop()


def publish(srv):
    done = srv.import_file(GARES_CSV, DATASET, "--title", "Gares")
    assert done.returncode == 0, done.stderr


def get(srv, path, params=None):
    resp = requests.get(path if path.startswith("http") else srv.url(path), params=params, timeout=60)
    assert resp.status_code == 200, resp.text[:300]
    return resp


def fields_of(record):
    return {k: v for k, v in record.items() if k not in TECHNICAL}


def page_through(srv, params):
    """Every record of the dataset, following the `next` links from the first page."""
    url, records, pages = srv.url(RECORDS), [], 0
    body = get(srv, url, {"include_links": "true", "limit": 100, **params}).json()
    while True:
        pages += 1
        records += body["results"]
        links = {link["rel"]: link["href"] for link in body["_links"]}
        if "next" not in links:
            return records, pages, body
        body = get(srv, links["next"]).json()


def test_a_client_pages_through_records_then_fetches_each_by_its_id(server):
    records, pages, last = page_through(server, {"order_by": "objectid"})
    assert pages == 3 and len(records) == 280 == last["total_count"]
    assert list(last) == ["total_count", "_links", "results"]
    assert {link["rel"] for link in last["_links"]} == {"self", "first", "last"}
    # Technical members first, in the schema's order, then the fields; ids unique.
    assert all(list(r)[:4] == TECHNICAL for r in records)
    assert len({r["_id"] for r in records}) == 280
    assert [r["objectid"] for r in records] == sorted(r["objectid"] for r in records)
    for record in records[:12] + records[-3:]:
        links = {link["rel"]: link["href"] for link in record["_links"]}
        assert links["self"] == server.url(f"{RECORDS}/{record['_id']}")
        assert links["dataset"] == server.url(f"{API}/catalog/datasets/{DATASET}")
        alone = get(server, urlsplit(links["self"]).path)
        assert alone.json() == fields_of(record)
        # _size is the byte length of the record's own body, whatever the page asked for.
        assert record["_size"] == len(alone.content)
        assert get(server, urlsplit(links["self"]).path, {"include_links": "true"}).json() == record
    # The JS client's trailing slash.
    assert get(server, f"{RECORDS}/{records[0]['_id']}/").json() == fields_of(records[0])


def test_without_include_links_records_are_flat_as_in_the_reference(server):
    plain = get(server, RECORDS, {"limit": 5, "order_by": "objectid"}).json()
    assert "_links" not in plain and all(not any(k.startswith("_") for k in r) for r in plain["results"])
    linked = get(server, RECORDS, {"limit": 5, "order_by": "objectid", "include_links": "true"}).json()
    assert [fields_of(r) for r in linked["results"]] == plain["results"]


def test_select_and_timezone_keep_id_and_size(server):
    whole = get(server, RECORDS, {"limit": 10, "order_by": "objectid", "include_links": "true"}).json()["results"]
    chosen = get(server, RECORDS, {"limit": 10, "order_by": "objectid", "include_links": "true",
                                   "select": "objectid, upper(toponyme) as name", "timezone": "Europe/Paris"})
    chosen = chosen.json()["results"]
    assert [r["_id"] for r in chosen] == [r["_id"] for r in whole]
    assert [r["_size"] for r in chosen] == [r["_size"] for r in whole]
    assert [list(r) for r in chosen] == [TECHNICAL + ["objectid", "name"]] * 10
    assert whole[0]["_timestamp"].endswith("+00:00")
    assert chosen[0]["_timestamp"][-6:] in ("+01:00", "+02:00")
    one = get(server, f"{RECORDS}/{whole[3]['_id']}", {"select": "toponyme", "include_links": "true"}).json()
    assert list(one) == TECHNICAL + ["toponyme"] and one["_size"] == whole[3]["_size"]


def test_the_next_links_keep_the_query(server):
    where = 'departement = "31"'
    records, _, last = page_through(server, {"where": where, "order_by": "objectid desc"})
    expected = get(server, RECORDS, {"where": where, "limit": 0}).json()["total_count"]
    assert len(records) == expected == last["total_count"] and expected > 0
    assert all(r["departement"] == "31" for r in records)
    self_link = next(link["href"] for link in last["_links"] if link["rel"] == "self")
    assert "include_links=true" in self_link and "where=" in self_link


def test_grouped_answers_are_not_records(server):
    body = get(server, RECORDS, {"select": "departement, count(*) as n", "group_by": "departement",
                                 "include_links": "true"}).json()
    assert body["results"] and all(set(r) == {"departement", "n"} for r in body["results"])


def test_bad_values_are_400s_and_an_unknown_id_a_404(server):
    resp = requests.get(server.url(RECORDS), params={"include_links": "maybe"}, timeout=30)
    assert resp.status_code == 400 and resp.json()["error_code"] == "InvalidRESTParameterError"
    resp = requests.get(server.url(f"{RECORDS}/{'0' * 40}"), params={"include_links": "true"}, timeout=30)
    assert resp.status_code == 404 and resp.json()["error_code"] == "NotFound"
    resp = requests.get(server.url(f"{RECORDS}/x' OR '1'='1"), timeout=30)
    assert resp.status_code == 404


def test_ids_survive_publishing_the_same_file_again(server):
    def ids():
        records, _, _ = page_through(server, {"order_by": "objectid", "select": "objectid"})
        return {r["objectid"]: r["_id"] for r in records}

    before = ids()
    publish(server)
    version = get(server, f"{API}/catalog/datasets/{DATASET}").json()
    assert version["metas"]["default"]["records_count"] == 280
    assert ids() == before
    some = next(iter(before.values()))
    assert json.loads(get(server, f"{RECORDS}/{some}").content)["objectid"] in before
