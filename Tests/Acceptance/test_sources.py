"""Sources on a schedule and attachments (issue 14), on a real server and a real HTTP server on
loopback that plays the system the data comes from (source_files.py).

The server runs its scheduler every second (GARONA_SOURCE_INTERVAL_S=1) and accepts files of 1 MB
at most; fetches are bounded to 5 s. Runs on either engine (GARONA_TEST_ENGINE)."""

import os
import re
import time

import pytest
import requests

from conftest import PASSWORD, USER, start_server
from garona_server import create_user, import_file, run_cli
from source_files import SourceFiles
from web import CSRF_FAILED, Client, form_token, multipart

WAIT = 90  # seconds: the most a run may take on the slow debug build before the test gives up
FIRST = "code;nom;voyageurs\nA1;Toulouse;100\nB2;Albi;20\n"
SECOND = FIRST + "C3;Rodez;7\n"
THIRD = SECOND + "D4;Auch;3\nE5;Foix;2\n"


@pytest.fixture(scope="module")
def files():
    server = SourceFiles()
    yield server
    server.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    saved = dict(os.environ)
    os.environ.update(GARONA_SOURCE_INTERVAL_S="1", GARONA_SOURCE_TIMEOUT_S="5")
    try:
        srv = start_server(tmp_path_factory, "--max-upload-mb", "1")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    yield srv
    srv.stop()


@pytest.fixture
def bo(server):
    client = Client(server)
    assert client.login(USER, PASSWORD).status_code == 302
    return client


def cli(srv, *args, timeout=120):
    database = ["--database-url", srv.database_url] if srv.database_url else []
    return run_cli(*args, "--data-dir", str(srv.data_dir), *database, timeout=timeout)


_ids = iter(range(1_000_000))


def new_dataset(srv, tmp_path, content=FIRST):
    dataset = f"src-{next(_ids)}-{int(time.time() * 1000) % 100000}"
    path = tmp_path / f"{dataset}.csv"
    path.write_text(content, encoding="utf-8")
    database = ["--database-url", srv.database_url] if srv.database_url else []
    done = import_file(path, srv.data_dir, dataset, *database)
    assert done.returncode == 0, done.stderr
    return dataset


def records(srv, dataset):
    resp = requests.get(srv.url(f"/api/explore/v2.1/catalog/datasets/{dataset}/records?limit=100&order_by=code"),
                        timeout=15)
    assert resp.status_code == 200, resp.text
    return [r["code"] for r in resp.json()["results"]]


def runs(srv, dataset):
    """The runs `garona source runs` lists, newest first, as (trigger, outcome, detail)."""
    done = cli(srv, "source", "runs", dataset)
    assert done.returncode == 0, done.stderr
    lines = [line.split("\t") for line in done.stdout.splitlines() if "\t" in line]
    return [(parts[1], parts[2], parts[3] if len(parts) > 3 else "") for parts in lines]


def wait_for_runs(srv, dataset, count):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = runs(srv, dataset)
        if len(found) >= count:
            return found
        time.sleep(0.3)
    pytest.fail(f"{dataset}: fewer than {count} runs after {WAIT} s: {runs(srv, dataset)}")


def test_schedule_conditional_get_refresh_and_failures(server, files, bo, tmp_path):
    dataset = new_dataset(server, tmp_path)
    path = f"/{dataset}/gares.csv"
    files.put(path, SECOND)
    done = cli(server, "source", "set", dataset, "--url", files.url(path), "--every", "30m", "--delimiter", ";",
               "--field-type", "voyageurs=text")
    assert done.returncode == 0, done.stderr
    assert "30m" in done.stdout

    # Due at once: the scheduler of `garona serve` fetches and publishes it.
    assert wait_for_runs(server, dataset, 1)[0][:2] == ("schedule", "published")
    assert records(server, dataset) == ["A1", "B2", "C3"]
    assert requests.get(server.url(f"/api/explore/v2.1/catalog/datasets/{dataset}"), timeout=15).json()["fields"][2][
        "type"] == "text"
    listed = cli(server, "source", "list")
    assert dataset in listed.stdout and "published" in listed.stdout

    # Unchanged: the conditional GET gets a 304, and nothing is published.
    done = cli(server, "source", "refresh", dataset)
    assert done.returncode == 0, done.stderr
    assert "\tcli\tunchanged" in done.stdout
    last = files.seen(path)[-1]
    assert last.get("If-None-Match") and last.get("If-Modified-Since")
    assert records(server, dataset) == ["A1", "B2", "C3"]

    # Changed, refreshed from the back office: published.
    files.put(path, THIRD)
    page = bo.get(f"/backoffice/datasets/{dataset}/source")
    assert page.status_code == 200
    resp = bo.post(f"/backoffice/datasets/{dataset}/source/refresh",
                   data={"csrfmiddlewaretoken": form_token(page.text)})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("?refreshing=1")
    assert wait_for_runs(server, dataset, 3)[0][:2] == ("manual", "published")
    assert records(server, dataset) == ["A1", "B2", "C3", "D4", "E5"]

    # Failures keep the previous version, with their reason on the page and on the command line.
    files.fail(path, 500)
    done = cli(server, "source", "refresh", dataset)
    assert done.returncode != 0 and "HTTP 500" in done.stdout
    files.put(path, b"\x00\x01\x02 not a table \xff\xfe" * 10, content_type="application/octet-stream")
    done = cli(server, "source", "refresh", dataset)
    assert done.returncode != 0 and "failed" in done.stdout
    files.put(path, "code;nom;voyageurs\n" + "Z9;x;1\n" * 200_000)  # 1.4 MB, over the 1 MB limit
    done = cli(server, "source", "refresh", dataset, "--max-mb", "1")
    assert done.returncode != 0 and "larger than the limit" in done.stdout
    files.put(path, THIRD)
    files.slow(path, 3)
    done = cli(server, "source", "refresh", dataset, "--timeout-s", "1")
    assert done.returncode != 0 and "did not answer in time" in done.stdout
    files.slow(path, 0)
    assert records(server, dataset) == ["A1", "B2", "C3", "D4", "E5"]
    page = bo.get(f"/backoffice/datasets/{dataset}/source").text
    assert "HTTP 500" in page and "larger than the limit" in page
    assert page.count('class="run-failed"') == 4 and page.count('class="run-published"') == 2

    # A redirect to another scheme is not followed; an address that is not http(s) is refused.
    files.redirect(path, "file:///etc/passwd")
    done = cli(server, "source", "refresh", dataset)
    assert done.returncode != 0
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/a.csv", "gares.csv"):
        done = cli(server, "source", "set", dataset, "--url", url)
        assert done.returncode != 0 and "http" in done.stderr
    assert cli(server, "source", "set", "no-such-dataset", "--url", files.url(path)).returncode != 0

    # Every run is in the audit log, with who started it.
    audit = bo.get("/backoffice/audit/", params={"action": "source_run", "target": dataset})
    assert audit.status_code == 200
    assert audit.text.count(dataset) >= 7 and "scheduler" in audit.text and "cli" in audit.text


def test_credentials_are_sent_but_never_shown_or_logged(server, files, bo, tmp_path):
    dataset = new_dataset(server, tmp_path)
    path = f"/{dataset}/private.csv"
    files.put(path, SECOND)
    url = files.url(path, credentials="robot:s3cr3t-Pa55@")
    assert cli(server, "source", "set", dataset, "--url", url, "--every", "1h").returncode == 0
    assert wait_for_runs(server, dataset, 1)[0][1] == "published"
    assert files.seen(path)[0].get("Authorization") == "Basic cm9ib3Q6czNjcjN0LVBhNTU="
    page = bo.get(f"/backoffice/datasets/{dataset}/source").text
    assert "s3cr3t" not in page and "***@127.0.0.1" in page
    assert "s3cr3t" not in cli(server, "source", "list").stdout
    assert not [line for line in server.stdout_lines + server.stderr_lines if "s3cr3t" in line]
    # Saving the form with the masked URL keeps the stored one.
    form = {"csrfmiddlewaretoken": form_token(page), "url": re.search(r'name="url" type="url"[^>]*value="([^"]*)"', page)
            .group(1).replace("&#x2A;", "*").replace("&#42;", "*"), "schedule": "every", "every_minutes": "45",
            "daily_time": "03:00"}
    assert bo.post(f"/backoffice/datasets/{dataset}/source", data=form).status_code == 303
    # Saved, the source is due at once: the scheduler fetches it again, with the stored credentials.
    assert wait_for_runs(server, dataset, 2)[0][:2] == ("schedule", "unchanged")
    assert files.seen(path)[-1].get("Authorization") == "Basic cm9ib3Q6czNjcjN0LVBhNTU="


def test_back_office_sets_edits_and_removes_a_source(server, files, bo, tmp_path):
    dataset = new_dataset(server, tmp_path)
    page = bo.get(f"/backoffice/datasets/{dataset}/source")
    assert page.status_code == 200 and "source-form" in page.text
    token = form_token(page.text)
    base = {"csrfmiddlewaretoken": token, "url": files.url(f"/{dataset}.csv"), "schedule": "daily",
            "daily_time": "03:00", "every_minutes": "60", "delimiter": "", "encoding": "", "sheet": "",
            "field_types": ""}
    # Refused values: the form again, with the reason, in the visitor's language.
    for field, value, status in (("url", "file:///etc/passwd", 400), ("daily_time", "25:00", 400),
                                 ("delimiter", "::", 400), ("encoding", "klingon", 400),
                                 ("field_types", "code=color", 400)):
        resp = bo.post(f"/backoffice/datasets/{dataset}/source", data={**base, field: value})
        assert resp.status_code == status, (field, resp.status_code)
        assert 'role="alert"' in resp.text
    resp = bo.post(f"/backoffice/datasets/{dataset}/source", data={**base, "schedule": "every", "every_minutes": "2"},
                   headers={"Accept-Language": "fr"})
    assert resp.status_code == 400
    # No CSRF token: refused.
    resp = bo.post(f"/backoffice/datasets/{dataset}/source", data={k: v for k, v in base.items()
                                                                    if k != "csrfmiddlewaretoken"})
    assert resp.status_code == 403 and CSRF_FAILED in resp.text
    assert "No source" in cli(server, "source", "list").stdout or dataset not in cli(server, "source", "list").stdout

    assert bo.post(f"/backoffice/datasets/{dataset}/source", data=base).status_code == 303
    listed = cli(server, "source", "list").stdout
    assert dataset in listed and "daily 03:00" in listed
    assert bo.post(f"/backoffice/datasets/{dataset}/source",
                   data={**base, "schedule": "every", "every_minutes": "90"}).status_code == 303
    assert "1h" not in [line for line in cli(server, "source", "list").stdout.splitlines() if dataset in line][0]
    assert "90m" in cli(server, "source", "list").stdout
    assert dataset in bo.get("/backoffice/sources").text

    resp = bo.post(f"/backoffice/datasets/{dataset}/source/delete", data={"csrfmiddlewaretoken": token})
    assert resp.status_code == 303
    assert dataset not in cli(server, "source", "list").stdout
    assert bo.post(f"/backoffice/datasets/{dataset}/source/refresh",
                   data={"csrfmiddlewaretoken": token}).status_code == 404
    # Without a session: the login page, whatever the form.
    anonymous = Client(server)
    assert anonymous.get(f"/backoffice/datasets/{dataset}/source").status_code in (302, 303)


def test_an_editor_manages_sources_and_attachments(server, files, tmp_path):
    create_user(server.data_dir, "edith", PASSWORD, role="editor", database_url=server.database_url)
    editor = Client(server)
    assert editor.login("edith", PASSWORD).status_code == 302
    dataset = new_dataset(server, tmp_path)
    page = editor.get(f"/backoffice/datasets/{dataset}/source")
    assert page.status_code == 200
    form = {"csrfmiddlewaretoken": form_token(page.text), "url": files.url(f"/{dataset}.csv"), "schedule": "every",
            "every_minutes": "15", "daily_time": "03:00"}
    assert editor.post(f"/backoffice/datasets/{dataset}/source", data=form).status_code == 303
    assert editor.get("/backoffice/sources").status_code == 200
    assert attach(editor, dataset, "notice.pdf", b"%PDF-1.4\n").status_code == 303


def attach(client, dataset, filename, content, title="", token=None):
    token = token if token is not None else client.token(f"/backoffice/datasets/{dataset}/attachments")
    parts = [("csrfmiddlewaretoken", token), ("dataset", dataset), ("title", title),
             ("file", (filename, content, "application/octet-stream"))]
    if token is False:
        parts = parts[1:]
    body, content_type = multipart(parts)
    return client.post("/backoffice/attachments", data=body, headers={"Content-Type": content_type}, timeout=60)


def test_attachments_upload_list_download_and_remove(server, bo, tmp_path):
    dataset = new_dataset(server, tmp_path)
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 6000  # 1.5 MB: several chunks... over the limit of 1 MB
    resp = attach(bo, dataset, "rapport.pdf", pdf)
    assert resp.status_code == 413
    pdf = pdf[:900_000]
    resp = attach(bo, dataset, "Dictionnaire des données.pdf", pdf, title="Dictionnaire des données")
    assert resp.status_code == 303, resp.text[:300]
    assert resp.headers["Location"] == f"/backoffice/datasets/{dataset}/attachments?added=1"
    assert attach(bo, dataset, "notice.txt", "Lisez-moi\n".encode()).status_code == 303
    # Refused: a type outside the list, and an upload without the CSRF token.
    assert attach(bo, dataset, "page.html", b"<script>alert(1)</script>").status_code == 415
    resp = attach(bo, dataset, "x.pdf", b"%PDF", token=False)
    assert resp.status_code == 403 and CSRF_FAILED in resp.text

    api = requests.get(server.url(f"/api/explore/v2.1/catalog/datasets/{dataset}/attachments"), timeout=15)
    assert api.status_code == 200
    body = api.json()
    assert body["links"] == [] and len(body["attachments"]) == 2
    slash = requests.get(server.url(f"/api/explore/v2.1/catalog/datasets/{dataset}/attachments/"), timeout=15)
    assert slash.status_code == 200 and slash.json() == body
    first = body["attachments"][0]
    assert first["metas"] == {"mime-type": "application/pdf", "title": "Dictionnaire des données",
                              "url": "odsfile://Dictionnaire_des_donn_es.pdf", "id": "dictionnaire_des_donn_es_pdf"}
    assert first["href"] == server.url(
        f"/api/explore/v2.1/catalog/datasets/{dataset}/attachments/dictionnaire_des_donn_es_pdf")
    assert body["attachments"][1]["metas"]["title"] == "notice.txt"

    download = requests.get(first["href"], timeout=15)
    assert download.status_code == 200 and download.content == pdf
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith('attachment; filename="Dictionnaire_des_donn_es.pdf"')
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert requests.get(first["href"] + "x", timeout=15).status_code == 404
    assert requests.get(server.url("/api/explore/v2.1/catalog/datasets/nope/attachments"), timeout=15).status_code == 404

    page = bo.get(f"/backoffice/datasets/{dataset}/attachments").text
    assert "Dictionnaire des données" in page and "notice.txt" in page
    resp = bo.post(f"/backoffice/datasets/{dataset}/attachments/notice_txt/delete",
                   data={"csrfmiddlewaretoken": form_token(page)})
    assert resp.status_code == 303
    ids = [a["metas"]["id"] for a in requests.get(
        server.url(f"/api/explore/v2.1/catalog/datasets/{dataset}/attachments"), timeout=15).json()["attachments"]]
    assert ids == ["dictionnaire_des_donn_es_pdf"]
    resp = bo.post(f"/backoffice/datasets/{dataset}/attachments/notice_txt/delete",
                   data={"csrfmiddlewaretoken": form_token(page)})
    assert resp.status_code == 404


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_pages_pass_axe_and_the_information_tab_lists_attachments(server, files, bo, tmp_path, lang):
    from browser import Browser, assert_axe_clean, log_in

    dataset = new_dataset(server, tmp_path)
    files.put(f"/{dataset}.csv", SECOND)
    assert cli(server, "source", "set", dataset, "--url", files.url(f"/{dataset}.csv"), "--daily", "04:30").returncode == 0
    wait_for_runs(server, dataset, 1)
    files.fail(f"/{dataset}.csv", 503)
    assert cli(server, "source", "refresh", dataset).returncode != 0
    assert attach(bo, dataset, "dictionnaire.csv", b"champ;description\ncode;Code\n",
                  title="Dictionnaire").status_code == 303
    information = requests.get(server.url(f"/explore/dataset/{dataset}/information/"), timeout=15).text
    assert "Dictionnaire" in information
    assert f"/api/explore/v2.1/catalog/datasets/{dataset}/attachments/dictionnaire_csv" in information

    browser = Browser(server.base)
    try:
        log_in(browser, USER, PASSWORD, lang)
        assert_axe_clean(browser, [f"/backoffice/datasets/{dataset}/source", "/backoffice/sources",
                                   f"/backoffice/datasets/{dataset}/attachments",
                                   f"/explore/dataset/{dataset}/information/"], lang)
    finally:
        browser.quit()
