"""`Cache-Control: private, no-store` on every answer that depends on a logged-in user (issue 10).

Once a visitor is logged in, every page may show private datasets (catalog, dataset pages) or their name (the
header), and the back office is theirs alone: no shared cache and no browser history may keep any of it. Static
files keep their own caching, and anonymous pages keep theirs, whoever else is logged in meanwhile.
"""

import pytest

from conftest import PASSWORD, USER
from web import Client

DATASET = "gares-occitanie"
PAGES = ["/", "/explore", "/explore?q=gare", f"/explore/dataset/{DATASET}/information/",
         f"/explore/dataset/{DATASET}/table/", f"/explore/dataset/{DATASET}/analyze/",
         f"/explore/dataset/{DATASET}/map/", f"/explore/dataset/{DATASET}/export/", "/cookies"]
BACK_OFFICE = ["/backoffice/", f"/backoffice/datasets/{DATASET}", "/backoffice/upload", "/backoffice/apikeys"]


def cache_control(resp):
    return {part.strip() for part in resp.headers.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture(scope="module")
def user(demo):
    client = Client(demo)
    assert client.login(USER, PASSWORD).status_code == 302
    return client


@pytest.mark.parametrize("path", PAGES + BACK_OFFICE)
def test_logged_in_pages_are_private_and_not_stored(user, path):
    resp = user.get(path)
    assert resp.status_code == 200, (path, resp.status_code)
    assert {"private", "no-store"} <= cache_control(resp), (path, resp.headers.get("Cache-Control"))
    assert "public" not in cache_control(resp)


def test_logged_in_error_pages_and_redirects_are_private(user):
    missing = user.get("/explore/dataset/no-such-dataset/table/")
    assert missing.status_code == 404 and {"private", "no-store"} <= cache_control(missing)
    redirect = user.get(f"/explore/dataset/{DATASET}")
    assert redirect.status_code in (301, 302, 303, 308) and {"private", "no-store"} <= cache_control(redirect)


@pytest.mark.parametrize("path", [p for p in PAGES if p != "/cookies"])
def test_anonymous_pages_keep_their_caching(demo, user, path):
    # `user` is logged in at the same time: nothing of their session leaks into others' answers.
    assert user.get(path).status_code == 200
    resp = Client(demo).get(path)
    assert resp.status_code == 200
    assert "private" not in cache_control(resp) and "no-store" not in cache_control(resp), \
        (path, resp.headers.get("Cache-Control"))


def test_static_files_keep_their_caching_when_logged_in(user):
    resp = user.get("/static/garona.css")
    assert resp.status_code == 200 and cache_control(resp) == {"public", "max-age=3600"}


def test_api_calls_with_a_key_are_private(demo):
    keyed = Client(demo).get("/api/explore/v2.1/catalog/datasets", headers={"Authorization": "Apikey not-a-key"})
    assert {"private", "no-store"} <= cache_control(keyed), keyed.status_code
    in_query = Client(demo).get("/api/explore/v2.1/catalog/datasets", params={"apikey": "not-a-key"})
    assert {"private", "no-store"} <= cache_control(in_query), in_query.status_code
    anonymous = Client(demo).get("/api/explore/v2.1/catalog/datasets")
    assert anonymous.status_code == 200 and "no-store" not in cache_control(anonymous)
