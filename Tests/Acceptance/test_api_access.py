"""API keys, private datasets and the rate limit of the data API (issue 4, section Access).

Each server here has its own data directory: datasets come from `garona import`, are made
private through the back-office form, and keys come from `garona apikey create`.
"""

import re
import time
from datetime import datetime, timezone

import pytest
import requests

from conftest import PASSWORD, USER, start_server
from garona_server import GaronaServer, create_user, import_file, read_only_db, run_cli
from web import Client, dom

API = "/api/explore/v2.1"
CSV = "code;nom\n1;Albi\n2;Rodez\n3;Foix\n"
KEY_SHAPE = re.compile(r"[A-Za-z0-9]{40}")
QUOTA_ERROR = "Too many requests on the domain. Please contact the domain administrator."


def logged_in(srv):
    c = Client(srv)
    assert c.login(USER, PASSWORD).status_code == 302
    return c


def publish(srv, tmp_path, dataset, private=False):
    path = tmp_path / f"{dataset}.csv"
    path.write_text(CSV, encoding="utf-8")
    done = import_file(path, srv.data_dir, dataset)
    assert done.returncode == 0, done.stderr
    if private:
        bo = logged_in(srv)
        resp = bo.post(f"/backoffice/datasets/{dataset}/visibility",
                       data={"csrfmiddlewaretoken": bo.token("/backoffice/"), "visibility": "private"})
        assert resp.status_code == 303, resp.status_code
    return dataset


def create_key(srv, username=USER, label="tests"):
    done = run_cli("apikey", "create", "--data-dir", str(srv.data_dir), "--username", username,
                   "--label", label)
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip()
    assert KEY_SHAPE.fullmatch(key), done.stdout
    assert key not in done.stderr
    return key


def api(srv, path, key=None, via="header", **params):
    headers = {}
    if key is not None and via == "header":
        headers["Authorization"] = f"Apikey {key}"
    elif key is not None:
        params["apikey"] = key
    return requests.get(srv.url(API + path), params=params, headers=headers, timeout=30)


def assert_no_cookie(resp):
    assert "set-cookie" not in {k.lower() for k in resp.headers}, resp.headers


@pytest.fixture(scope="module")
def server(tmp_path_factory, tiles):
    srv = start_server(tmp_path_factory, "--tile-url", tiles.template)
    create_user(srv.data_dir, "editor1", PASSWORD, role="editor")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def datasets(server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("access-csv")
    return publish(server, tmp, "ouvert"), publish(server, tmp, "secret", private=True)


# --- private datasets ---------------------------------------------------------------------

SUB_PATHS = ["", "/", "/records", "/records/", "/exports", "/exports/csv", "/exports/json"]


@pytest.mark.parametrize("sub", SUB_PATHS)
def test_private_dataset_is_a_404_like_an_unknown_one_without_a_key(server, datasets, sub):
    private = api(server, f"/catalog/datasets/secret{sub}")
    unknown = api(server, f"/catalog/datasets/nulle-part{sub}")
    assert private.status_code == unknown.status_code == 404
    assert private.json()["error_code"] == unknown.json()["error_code"]
    assert private.json()["message"].replace("secret", "X") == unknown.json()["message"].replace("nulle-part", "X")
    assert_no_cookie(private)


@pytest.mark.parametrize("via", ["header", "query"])
@pytest.mark.parametrize("sub", SUB_PATHS)
def test_a_valid_key_sees_the_private_dataset_everywhere(server, datasets, via, sub):
    key = create_key(server)
    resp = api(server, f"/catalog/datasets/secret{sub}", key=key, via=via)
    assert resp.status_code == 200, (resp.status_code, resp.text[:200])
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "access-control-allow-credentials" not in {k.lower() for k in resp.headers}
    assert_no_cookie(resp)
    assert "Authorization" in resp.headers["Vary"]
    if sub in ("", "/"):
        assert resp.json()["dataset_id"] == "secret"
    if sub.startswith("/records"):
        assert resp.json()["total_count"] == 3


@pytest.mark.parametrize("via", ["header", "query"])
def test_the_legacy_download_link_serves_a_private_dataset_only_with_a_key(server, datasets, via):
    url = server.url("/explore/dataset/secret/download/")
    anonymous = requests.get(url, params={"format": "csv"}, timeout=30)
    assert anonymous.status_code == 404 and "error" in anonymous.json()
    assert anonymous.text.replace("secret", "X") == requests.get(
        server.url("/explore/dataset/nulle-part/download/"), params={"format": "csv"}, timeout=30).text.replace(
        "nulle-part", "X")
    key = create_key(server)
    params, headers = {"format": "csv"}, {}
    if via == "header":
        headers["Authorization"] = f"Apikey {key}"
    else:
        params["apikey"] = key
    resp = requests.get(url, params=params, headers=headers, timeout=30)
    assert resp.status_code == 200, (resp.status_code, resp.text[:200])
    assert len(resp.content.decode("utf-8-sig").strip().splitlines()) == 1 + 3
    wrong = requests.get(url, params={"format": "csv", "apikey": "x" * 40}, timeout=30)
    assert wrong.status_code == 401 and wrong.json()["error_code"] == "InvalidAPIKeyError"


def test_catalog_lists_private_datasets_only_with_a_key(server, datasets):
    anonymous = {d["dataset_id"] for d in api(server, "/catalog/datasets", limit=100).json()["results"]}
    assert "ouvert" in anonymous and "secret" not in anonymous
    keyed = api(server, "/catalog/datasets", key=create_key(server), limit=100).json()
    assert {"ouvert", "secret"} <= {d["dataset_id"] for d in keyed["results"]}
    assert keyed["total_count"] == len(anonymous) + 1


def test_the_scheme_is_case_insensitive_and_other_schemes_are_ignored(server, datasets):
    key = create_key(server)
    ok = requests.get(server.url(f"{API}/catalog/datasets/secret"), timeout=30,
                      headers={"Authorization": f"ApiKey {key}"})
    assert ok.status_code == 200
    bearer = requests.get(server.url(f"{API}/catalog/datasets/secret"), timeout=30,
                          headers={"Authorization": f"Bearer {key}"})
    assert bearer.status_code == 404


BAD_KEYS = ["nope", "x" * 40, "A" * 40, "é" * 40, "A" * 4000]


# HTTP headers are ASCII: the non-ASCII key goes in the query string only.
@pytest.mark.parametrize("bad,via", [(bad, via) for bad in BAD_KEYS for via in ("header", "query")
                                     if via == "query" or bad.isascii()])
def test_an_unknown_or_malformed_key_is_a_401_even_on_public_data(server, datasets, bad, via):
    resp = api(server, "/catalog/datasets/ouvert/records", key=bad, via=via)
    assert resp.status_code == 401, resp.status_code
    assert resp.json() == {"error_code": "InvalidAPIKeyError", "message": "API key is not valid."}
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert_no_cookie(resp)
    assert not any(bad in line for line in server.stdout_lines + server.stderr_lines)


def test_preflight_allows_the_authorization_header_without_credentials(server):
    resp = requests.options(server.url(f"{API}/catalog/datasets/secret/records"), timeout=30, headers={
        "Origin": "https://notebook.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert resp.status_code == 204
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "authorization" in resp.headers["Access-Control-Allow-Headers"].lower()
    assert "GET" in resp.headers["Access-Control-Allow-Methods"]
    assert "access-control-allow-credentials" not in {k.lower() for k in resp.headers}
    assert_no_cookie(resp)


def test_a_browser_session_is_not_an_api_credential(server, datasets):
    bo = logged_in(server)
    resp = bo.get(f"{API}/catalog/datasets/secret")
    assert resp.status_code == 404
    assert_no_cookie(resp)


# --- keys: CLI, storage, back office --------------------------------------------------------

def test_cli_creates_keys_shown_once_and_stored_as_hashes(server):
    key = create_key(server, label="carnet Jupyter")
    with read_only_db(server.data_dir) as db:
        rows = db.execute("SELECT * FROM api_keys").fetchall()
    assert rows and not any(key in str(value) for row in rows for value in row)
    listed = run_cli("apikey", "list", "--data-dir", str(server.data_dir))
    assert listed.returncode == 0 and key not in listed.stdout
    line = next(l for l in listed.stdout.splitlines() if "carnet Jupyter" in l)
    assert f"\t{USER}\t{key[:8]}…\tactive\t" in line


def test_cli_refuses_unknown_users_and_missing_data(server, tmp_path):
    done = run_cli("apikey", "create", "--data-dir", str(server.data_dir), "--username", "personne")
    assert done.returncode != 0 and "personne" in done.stderr and done.stdout == ""
    done = run_cli("apikey", "list", "--data-dir", str(tmp_path / "absent"))
    assert done.returncode != 0 and "no Garona data" in done.stderr


@pytest.mark.parametrize("method,path", [("GET", "/backoffice/apikeys"), ("POST", "/backoffice/apikeys"),
                                         ("POST", "/backoffice/apikeys/1/revoke")])
def test_the_keys_page_and_its_forms_require_login(server, method, path):
    client = Client(server)
    data = {"csrfmiddlewaretoken": client.token("/login"), "label": "x"} if method == "POST" else None
    resp = client.request(method, path, data=data)
    assert resp.status_code in (302, 303)
    assert resp.headers["Location"].startswith("/login?next=")


def test_back_office_creates_a_key_shown_once_and_revokes_it_with_csrf(server, datasets):
    bo = logged_in(server)
    assert bo.get("/backoffice/").text.count('href="/backoffice/apikeys"') == 1
    page = bo.get("/backoffice/apikeys")
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    resp = bo.post("/backoffice/apikeys", data={"csrfmiddlewaretoken": bo.token("/backoffice/apikeys"),
                                               "label": "tableau de bord"})
    assert resp.status_code == 200 and "no-store" in resp.headers["Cache-Control"]
    key = dom(resp).find("code", id="new-key").text()
    assert KEY_SHAPE.fullmatch(key)
    assert api(server, "/catalog/datasets/secret", key=key).status_code == 200

    listing = bo.get("/backoffice/apikeys")
    assert key not in listing.text
    row = next(tr for tr in dom(listing).find_all("tr") if "tableau de bord" in tr.text())
    assert f"{key[:8]}…" in row.text()
    assert len(row.find_all("time")) == 2  # created, and last used by the call above
    form = row.find("form")
    action = form.attrs["action"]
    assert re.fullmatch(r"/backoffice/apikeys/\d+/revoke", action)

    # Without the token the revocation is refused and the key still works.
    refused = bo.post(action, data={})
    assert refused.status_code == 403
    assert api(server, "/catalog/datasets/secret", key=key).status_code == 200

    done = bo.post(action, data={"csrfmiddlewaretoken": form.find("input", name="csrfmiddlewaretoken").attrs["value"]})
    assert done.status_code == 303 and done.headers["Location"] == "/backoffice/apikeys"
    for via in ("header", "query"):
        revoked = api(server, "/catalog/datasets/secret", key=key, via=via)
        assert revoked.status_code == 401 and revoked.json()["error_code"] == "InvalidAPIKeyError"
    again = bo.post(action, data={"csrfmiddlewaretoken": bo.token("/backoffice/apikeys")})
    assert again.status_code == 404


def test_an_editor_sees_and_revokes_only_their_own_keys(server):
    admin_key = create_key(server, label="cle-admin")
    editor_key = create_key(server, username="editor1", label="cle-editeur")
    editor = Client(server)
    assert editor.login("editor1", PASSWORD).status_code == 302
    text = editor.get("/backoffice/apikeys").text
    assert "cle-editeur" in text and "cle-admin" not in text
    with read_only_db(server.data_dir) as db:
        admin_id = db.execute("SELECT id FROM api_keys WHERE label = 'cle-admin'").fetchone()[0]
    resp = editor.post(f"/backoffice/apikeys/{admin_id}/revoke",
                       data={"csrfmiddlewaretoken": editor.token("/backoffice/apikeys")})
    assert resp.status_code == 404
    assert api(server, "/catalog/datasets/ouvert", key=admin_key).status_code == 200
    assert "cle-editeur" in logged_in(server).get("/backoffice/apikeys").text  # the admin sees all
    assert api(server, "/catalog/datasets/ouvert", key=editor_key).status_code == 200


# --- rate limit ---------------------------------------------------------------------------

LIMIT = 5


@pytest.fixture(scope="module")
def limited(tmp_path_factory, tiles):
    srv = start_server(tmp_path_factory, "--tile-url", tiles.template, "--api-rate-limit", str(LIMIT))
    publish(srv, tmp_path_factory.mktemp("limited-csv"), "ouvert")
    yield srv
    srv.stop()


def test_over_the_limit_the_api_answers_429_with_the_ods_quota_body(limited):
    seen = []
    for _ in range(LIMIT):
        resp = api(limited, "/catalog/datasets/ouvert/records")
        assert resp.status_code == 200
        seen.append(int(resp.headers["X-RateLimit-Remaining"]))
        assert resp.headers["X-RateLimit-Limit"] == str(LIMIT)
    assert seen == list(range(LIMIT - 1, -1, -1))
    over = api(limited, "/catalog/datasets/ouvert/records")
    assert over.status_code == 429
    body = over.json()
    assert set(body) == {"errorcode", "reset_time", "limit_time_unit", "call_limit", "error"}
    assert body["errorcode"] == 10002 and body["call_limit"] == LIMIT
    assert body["limit_time_unit"] == "minute" and body["error"] == QUOTA_ERROR
    reset = datetime.strptime(body["reset_time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert abs(reset.timestamp() - int(over.headers["X-RateLimit-Reset"])) <= 1
    assert 1 <= int(over.headers["Retry-After"]) <= 60
    assert over.headers["X-RateLimit-Remaining"] == "0"
    assert over.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-RateLimit-Remaining" in over.headers["Access-Control-Expose-Headers"]
    assert_no_cookie(over)
    # Pages are not limited; a client with its own key has its own quota.
    assert requests.get(limited.url("/"), timeout=30).status_code == 200
    key = create_key(limited)
    assert api(limited, "/catalog/datasets/ouvert", key=key).status_code == 200


def test_the_limit_is_off_by_default(server, datasets):
    responses = [api(server, "/catalog/datasets/ouvert") for _ in range(30)]
    assert all(r.status_code == 200 for r in responses)
    assert "X-RateLimit-Limit" not in responses[-1].headers


def test_the_limit_can_come_from_the_environment(tmp_path, monkeypatch):
    create_user(tmp_path, USER, PASSWORD)
    monkeypatch.setenv("GARONA_API_RATE_LIMIT", "2")
    srv = GaronaServer(tmp_path).start()
    try:
        codes = [api(srv, "/catalog/datasets").status_code for _ in range(3)]
        assert codes == [200, 200, 429]
    finally:
        srv.stop()


def test_a_negative_limit_is_refused(tmp_path):
    done = run_cli("serve", "--data-dir", str(tmp_path), "--port", "1", "--api-rate-limit=-1", timeout=30)
    assert done.returncode != 0 and "--api-rate-limit" in done.stderr
