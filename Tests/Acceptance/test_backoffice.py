"""Back office: dataset list, upload → preview → publish jobs, metadata, visibility, delete.

Each server here has its own data directory; datasets are also created with `garona import`
while the server runs, which the issue requires to work.
"""

import html
import re
import time
from urllib.parse import quote

import pytest

from conftest import PASSWORD, USER, start_server
from garona_server import GARES_CSV, dataset_list, dataset_show, import_file, records_tables, \
    run_cli
from test_import_cli import BAD_FILES, GOOD_CSV
from web import CSRF_FAILED, Client, dom, form_token, multipart

JOB_PATH = re.compile(r"^/backoffice/jobs/([A-Za-z0-9]+)$")
JOB_TIMEOUT = 120  # seconds; the debug build is slow on the 10 MB cell


@pytest.fixture(scope="module")
def server(tmp_path_factory, tiles):
    srv = start_server(tmp_path_factory, "--tile-url", tiles.template)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def small_server(tmp_path_factory, tiles):
    srv = start_server(tmp_path_factory, "--tile-url", tiles.template, "--max-upload-mb", "1")
    yield srv
    srv.stop()


def logged_in_client(srv):
    c = Client(srv)
    resp = c.login(USER, PASSWORD)
    assert resp.status_code == 302, resp.status_code
    return c


@pytest.fixture
def bo(server):
    return logged_in_client(server)


_counter = iter(range(1_000_000))


def new_id(prefix="ds"):
    return f"{prefix}-{next(_counter)}-{int(time.time() * 1000) % 100000}"


def cli_dataset(srv, tmp_path, content=GOOD_CSV, dataset=None, *extra):
    """Creates a dataset with `garona import` on the running server's data dir."""
    dataset = dataset or new_id()
    path = tmp_path / f"{dataset}.csv"
    path.write_text(content, encoding="utf-8")
    done = import_file(path, srv.data_dir, dataset, *extra)
    assert done.returncode == 0, done.stderr
    return dataset


def upload(client, filename, content, dataset, mode="new", title="", token=None, order=None,
           chunked=False):
    """POSTs the upload form as a browser does: csrfmiddlewaretoken, mode, dataset, title, file.

    `chunked` sends the body with Transfer-Encoding: chunked, without a Content-Length."""
    if token is None:
        token = client.token("/backoffice/upload")
    content = content if isinstance(content, bytes) else content.encode("utf-8")
    parts = [("csrfmiddlewaretoken", token), ("mode", mode), ("dataset", dataset),
             ("title", title), ("file", (filename, content, "application/octet-stream"))]
    if token is False:
        parts = parts[1:]
    if order:
        parts = [next(p for p in parts if p[0] == name) for name in order]
    body, content_type = multipart(parts)
    if chunked:
        whole = body
        body = (whole[i:i + 65536] for i in range(0, len(whole), 65536))
    return client.post("/backoffice/uploads", data=body, headers={"Content-Type": content_type},
                       timeout=120)


def job_path(resp):
    assert resp.status_code == 303, (resp.status_code, resp.text[:500])
    path = resp.headers["Location"]
    assert JOB_PATH.match(path), path
    return path


def refreshes(resp):
    return any(m.attrs.get("http-equiv", "").lower() == "refresh" for m in dom(resp).find_all("meta"))


def wait_job(client, path, timeout=JOB_TIMEOUT):
    """Polls a job page until it stops refreshing; returns the last response."""
    deadline = time.monotonic() + timeout
    while True:
        resp = client.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        if not refreshes(resp):
            return resp
        assert time.monotonic() < deadline, f"job {path} still running after {timeout}s"
        time.sleep(0.3)


def selects(resp):
    """The preview's type selects: {field: selected type}."""
    found = {}
    for select in dom(resp).find_all("select"):
        name = select.attrs.get("name", "")
        if name.startswith("type_"):
            chosen = [o.attrs["value"] for o in select.find_all("option") if "selected" in o.attrs]
            found[name[len("type_"):]] = chosen[0] if chosen else None
    return found


def publish(client, path, page, overrides=None):
    """Confirms the preview, keeping the inferred types except `overrides`."""
    form = dom(page).find("form", action=f"{path}/publish")
    assert form is not None, page.text[:2000]
    data = {f"type_{k}": v for k, v in selects(page).items()}
    data.update({f"type_{k}": v for k, v in (overrides or {}).items()})
    data["csrfmiddlewaretoken"] = form_token(page.text)
    return client.post(f"{path}/publish", data=data)


def error_text(resp):
    node = dom(resp).find("p", cls="error")
    return node.text() if node is not None else None


def through_backoffice(client, filename, content, dataset, mode="new", overrides=None):
    """Upload, wait for the preview, publish, wait; returns the final job page (or the upload
    page when the upload itself is refused with a 400 and a message)."""
    resp = upload(client, filename, content, dataset, mode=mode)
    if resp.status_code == 400 and error_text(resp):
        return resp
    path = job_path(resp)
    page = wait_job(client, path)
    if error_text(page) is not None:
        return page
    resp = publish(client, path, page, overrides)
    assert resp.status_code == 303 and resp.headers["Location"] == path, resp.status_code
    return wait_job(client, path)


def published_count(page):
    """The records count of a 'Publié'/'Published' job page, else None."""
    text = html.unescape(dom(page).text())
    match = re.search(r"(?:Publié|Published)\s*:\s*([\d\s\u202f\u00a0,]+)", text)
    return int(re.sub(r"\D", "", match.group(1))) if match else None


def uploaded_files(srv):
    """Every file under <data-dir>/uploads (a job waiting for confirmation keeps its file)."""
    uploads = srv.data_dir / "uploads"
    return [p for p in uploads.rglob("*") if p.is_file()] if uploads.exists() else []


# --- access ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/backoffice/", "/backoffice/upload",
                                  "/backoffice/upload?dataset=gares", "/backoffice/jobs/abc123",
                                  "/backoffice/datasets/gares", "/backoffice/datasets/gares/delete"])
def test_logged_out_get_redirects_to_login(server, path):
    resp = Client(server).get(path)
    assert resp.status_code in (302, 303), resp.status_code
    location = resp.headers["Location"]
    assert location.startswith("/login?next="), location
    assert location in ("/login?next=" + quote(path, safe=""), "/login?next=" + quote(path)), location


@pytest.mark.parametrize("path", ["/backoffice/uploads", "/backoffice/jobs/abc123/publish",
                                  "/backoffice/datasets/gares", "/backoffice/datasets/gares/visibility",
                                  "/backoffice/datasets/gares/delete"])
def test_logged_out_post_with_valid_token_redirects_to_login(server, path):
    client = Client(server)
    token = client.token("/login")
    resp = client.post(path, data={"csrfmiddlewaretoken": token, "visibility": "private",
                                   "confirm": "gares"})
    assert resp.status_code in (302, 303), resp.status_code
    assert resp.headers["Location"].startswith("/login?next="), resp.headers["Location"]


# --- list -----------------------------------------------------------------------------------

def test_backoffice_lists_datasets_with_actions(server, bo, tmp_path):
    dataset = cli_dataset(server, tmp_path)
    resp = bo.get("/backoffice/")
    assert resp.status_code == 200
    page = dom(resp)
    table = page.find("table")
    assert table is not None
    row = next(tr for tr in table.find_all("tr")
               if tr.find("a", href=f"/backoffice/datasets/{dataset}") is not None)
    assert "3" in row.text()
    form = row.find("form", action=f"/backoffice/datasets/{dataset}/visibility")
    assert form is not None and form.attrs.get("method", "").lower() == "post"
    assert form.find("input", name="csrfmiddlewaretoken") is not None
    assert form.find("button", name="visibility", value="private") is not None
    assert row.find("a", href=f"/backoffice/upload?dataset={dataset}") is not None
    assert row.find("a", href=f"/backoffice/datasets/{dataset}/delete") is not None


def test_upload_form_fields_in_order(bo):
    resp = bo.get("/backoffice/upload")
    assert resp.status_code == 200
    form = dom(resp).find("form", id="upload-form")
    assert form is not None
    assert form.attrs.get("method", "").lower() == "post"
    assert form.attrs.get("enctype") == "multipart/form-data"
    assert form.attrs.get("action") == "/backoffice/uploads"
    names = [n.attrs["name"] for n in form.iter() if n.tag in ("input", "select", "textarea")
             and "name" in n.attrs]
    assert names == ["csrfmiddlewaretoken", "mode", "dataset", "title", "file", "field_separators"], names
    assert form.find("input", name="mode").attrs.get("value") == "new"


def test_replace_form_targets_the_dataset(server, bo, tmp_path):
    dataset = cli_dataset(server, tmp_path)
    resp = bo.get(f"/backoffice/upload?dataset={dataset}")
    assert resp.status_code == 200
    form = dom(resp).find("form", id="upload-form")
    assert form.find("input", name="mode").attrs.get("value") == "replace"
    assert form.find("input", name="dataset").attrs.get("value") == dataset
    assert bo.get("/backoffice/upload?dataset=does-not-exist").status_code == 404


# --- upload, preview, publish ---------------------------------------------------------------

def test_upload_preview_override_and_publish_gares(server, bo):
    dataset = new_id("gares")
    resp = upload(bo, "gares-occitanie.csv", GARES_CSV.read_bytes(), dataset, title="Gares")
    path = job_path(resp)
    page = wait_job(bo, path)
    assert error_text(page) is None, error_text(page)
    text = dom(page).text()
    assert "csv" in text and "utf-8" in text and "« ; »" in text, text[:1500]
    assert re.search(r"280\s*(enregistrements|records)", text), text[:1500]
    types = selects(page)
    assert {k: types[k] for k in ("objectid", "codeuic", "departement", "date_maj", "geo_shape",
                                  "geo_point_2d")} == {
        "objectid": "int", "codeuic": "int", "departement": "text", "date_maj": "datetime",
        "geo_shape": "geo_shape", "geo_point_2d": "geo_point_2d"}
    table = dom(page).find("table")
    body_rows = table.find("tbody").find_all("tr")
    assert len(body_rows) == 20
    assert len(body_rows[0].find_all("td")) == len(types) == 11
    assert dataset_show(server.data_dir, dataset) is None, "published before confirmation"

    resp = publish(bo, path, page, overrides={"codeuic": "text"})
    assert resp.status_code == 303 and resp.headers["Location"] == path
    done = wait_job(bo, path)
    assert published_count(done) == 280, dom(done).text()[:1500]
    shown = dataset_show(server.data_dir, dataset)
    assert (shown["records"], shown["version"]) == (280, 1)
    assert shown["fields"]["codeuic"][0] == "text"
    assert shown["fields"]["objectid"][0] == "int"
    assert shown["title"] == "Gares"
    job_dir = server.data_dir / "uploads" / JOB_PATH.match(path).group(1)
    assert not job_dir.exists() or not any(job_dir.iterdir()), "uploaded file kept after publishing"


def test_job_page_refreshes_while_analysing(server, bo, tmp_path):
    sample = tmp_path / "sample.csv"
    assert run_cli("sample", "--rows", "30000", "--output", str(sample)).returncode == 0
    path = job_path(upload(bo, "sample.csv", sample.read_bytes(), new_id("sample")))
    first = bo.get(path)
    assert first.status_code == 200
    assert refreshes(first), dom(first).text()[:800]
    assert dom(first).find("progress") is not None
    page = wait_job(bo, path)
    assert len(selects(page)) == 12


def test_replace_through_backoffice_publishes_a_new_version(server, bo, tmp_path):
    dataset = cli_dataset(server, tmp_path)
    page = through_backoffice(bo, "v2.csv", "nom;valeur\nx;1\ny;2\nz;3\nw;4\n", dataset,
                              mode="replace")
    assert published_count(page) == 4, dom(page).text()[:1500]
    shown = dataset_show(server.data_dir, dataset)
    assert (shown["records"], shown["version"]) == (4, 2)
    assert [t for t in records_tables(server.data_dir) if t.startswith(f"records_{dataset}_v")] \
        == [f"records_{dataset}_v2"]


def test_duplicate_headers_are_reported_in_the_preview(bo):
    path = job_path(upload(bo, "dup.csv", "nom;nom;;x\na;b;c;1\n", new_id()))
    page = wait_job(bo, path)
    assert list(selects(page)) == ["nom", "nom_2", "field_3", "x"]
    warnings = dom(page).find("ul", cls="warnings")
    assert warnings is not None and "nom_2" in warnings.text() and "field_3" in warnings.text()


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_shows_error_and_keeps_previous_version(server, bo, tmp_path, case):
    dataset = cli_dataset(server, tmp_path)
    name, content, _ = BAD_FILES[case]
    page = through_backoffice(bo, name, content(), dataset, mode="replace")
    message = error_text(page)
    assert message, f"no p.error; page says: {dom(page).text()[:600]}"
    assert published_count(page) is None
    shown = dataset_show(server.data_dir, dataset)
    assert (shown["records"], shown["version"]) == (3, 1), shown
    assert [t for t in records_tables(server.data_dir) if t.startswith(f"records_{dataset}_v")] \
        == [f"records_{dataset}_v1"]


def test_bad_file_for_a_new_dataset_creates_nothing(server, bo):
    dataset = new_id("ragged")
    page = through_backoffice(bo, "ragged.csv", BAD_FILES["ragged"][1](), dataset)
    assert "4, 7, 10" in error_text(page), error_text(page)
    assert dataset_show(server.data_dir, dataset) is None


def test_empty_file_message_says_it_is_empty(server, bo):
    dataset = new_id("empty")
    page = through_backoffice(bo, "empty.csv", b"", dataset)
    message = error_text(page)
    assert message and re.search(r"vide|empty", message, re.I), message
    assert dataset_show(server.data_dir, dataset) is None


@pytest.mark.parametrize("bad_id", ["Bad Slug", "", "../etc"])
def test_invalid_dataset_id_is_rejected_on_upload(server, bo, bad_id):
    before = dataset_list(server.data_dir)
    files_before = uploaded_files(server)
    resp = upload(bo, "ok.csv", GOOD_CSV, bad_id)
    assert resp.status_code == 400, resp.status_code
    assert error_text(resp), resp.text[:1000]
    assert dataset_list(server.data_dir) == before
    assert uploaded_files(server) == files_before


def test_new_dataset_with_a_taken_id_is_rejected(server, bo, tmp_path):
    dataset = cli_dataset(server, tmp_path)
    resp = upload(bo, "ok.csv", "nom\nz\n", dataset, mode="new")
    assert resp.status_code == 400
    assert dataset in error_text(resp)
    assert dataset_show(server.data_dir, dataset)["version"] == 1


def test_unknown_type_at_publish_is_rejected(server, bo, tmp_path):
    dataset = cli_dataset(server, tmp_path)
    path = job_path(upload(bo, "v2.csv", "nom;valeur\nx;1\n", dataset, mode="replace"))
    page = wait_job(bo, path)
    resp = publish(bo, path, page, overrides={"valeur": "banana"})
    assert resp.status_code == 400, resp.status_code
    assert "banana" in html.unescape(resp.text)
    assert dataset_show(server.data_dir, dataset)["version"] == 1


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_upload_over_the_size_limit_gets_413(small_server, chunked):
    client = logged_in_client(small_server)
    content = ("a;b\n" + "1;texte de remplissage\n" * 70_000).encode()
    assert len(content) > 1024 * 1024
    resp = upload(client, "big.csv", content, new_id("big"), chunked=chunked)
    assert resp.status_code == 413, resp.status_code
    message = error_text(resp)
    assert message and re.search(r"\b1\b", message), message
    assert dataset_list(small_server.data_dir) == {}
    assert uploaded_files(small_server) == []


def test_upload_under_the_size_limit_is_accepted(small_server):
    client = logged_in_client(small_server)
    page = through_backoffice(client, "ok.csv", GOOD_CSV, new_id())
    assert published_count(page) == 3


# --- CSRF -----------------------------------------------------------------------------------

@pytest.mark.parametrize("token", ["missing", "wrong", "after-file"])
def test_upload_without_valid_token_is_rejected_and_nothing_kept(server, bo, token):
    dataset = new_id("csrf")
    files_before = uploaded_files(server)
    if token == "missing":
        resp = upload(bo, "ok.csv", GOOD_CSV, dataset, token=False)
    elif token == "wrong":
        resp = upload(bo, "ok.csv", GOOD_CSV, dataset, token="x" * 64)
    else:
        resp = upload(bo, "ok.csv", GOOD_CSV, dataset,
                      order=["mode", "dataset", "title", "file", "csrfmiddlewaretoken"])
    assert resp.status_code == 403, resp.status_code
    assert CSRF_FAILED in html.unescape(resp.text)
    assert uploaded_files(server) == files_before
    assert dataset not in dataset_list(server.data_dir)


@pytest.mark.parametrize("action", ["", "/visibility", "/delete"])
def test_dataset_forms_require_the_token(server, bo, tmp_path, action):
    dataset = cli_dataset(server, tmp_path)
    data = {"title_fr": "Piraté", "visibility": "private", "confirm": dataset, "licence": "odbl"}
    resp = bo.post(f"/backoffice/datasets/{dataset}{action}", data=data)
    assert resp.status_code == 403
    assert CSRF_FAILED in html.unescape(resp.text)
    shown = dataset_show(server.data_dir, dataset)
    assert shown["visibility"] == "public" and shown["title"] == dataset


# --- metadata, visibility, delete -----------------------------------------------------------

def metadata_form(client, dataset):
    resp = client.get(f"/backoffice/datasets/{dataset}")
    assert resp.status_code == 200
    return resp


def test_metadata_form_saves_and_shows_values(server, bo, tmp_path):
    dataset = cli_dataset(server, tmp_path)
    page = metadata_form(bo, dataset)
    form = dom(page).find("form", action=f"/backoffice/datasets/{dataset}")
    assert form is not None
    for name in ("title_fr", "title_en", "description_fr", "description_en", "keywords", "themes",
                 "publisher", "licence", "licence_url", "visibility", "description_valeur",
                 "facet_valeur", "sortable_valeur"):
        assert form.find(name=name) is not None, name
    licences = {o.attrs["value"] for o in form.find("select", name="licence").find_all("option")}
    assert {"etalab-2.0", "odbl", "cc-by-4.0", "other"} <= licences, licences
    data = {"csrfmiddlewaretoken": form_token(page.text), "title_fr": "Gares d'Occitanie",
            "title_en": "Occitania stations", "description_fr": "Les gares <b>ferroviaires</b>.",
            "description_en": "Railway stations.", "keywords": "gare, train, gare",
            "themes": "Transports", "publisher": "Région Occitanie", "licence": "odbl",
            "licence_url": "", "visibility": "private", "description_valeur": "Une valeur",
            "facet_valeur": "on", "facet_nom": "on"}
    resp = bo.post(f"/backoffice/datasets/{dataset}", data=data)
    assert resp.status_code == 303, resp.status_code
    assert resp.headers["Location"].startswith(f"/backoffice/datasets/{dataset}")
    page = bo.get(resp.headers["Location"])
    form = dom(page).find("form", action=f"/backoffice/datasets/{dataset}")
    assert form.find("input", name="title_fr").attrs["value"] == "Gares d'Occitanie"
    assert form.find("input", name="title_en").attrs["value"] == "Occitania stations"
    assert form.find("textarea", name="description_fr").text() == "Les gares <b>ferroviaires</b>."
    assert "<b>ferroviaires" not in page.text  # escaped
    assert form.find("input", name="keywords").attrs["value"] == "gare, train"
    assert form.find("input", name="publisher").attrs["value"] == "Région Occitanie"
    selected = form.find("select", name="licence").find("option", selected="")
    assert selected.attrs["value"] == "odbl"
    assert form.find("select", name="visibility").find("option", selected="").attrs["value"] \
        == "private"
    assert form.find("input", name="description_valeur").attrs["value"] == "Une valeur"
    assert "checked" in form.find("input", name="facet_valeur").attrs
    assert "checked" not in form.find("input", name="sortable_valeur").attrs
    assert "checked" in form.find("input", name="facet_nom").attrs
    shown = dataset_show(server.data_dir, dataset)
    assert shown["visibility"] == "private"
    assert dataset_list(server.data_dir)[dataset][0] == "private"


def test_licence_other_needs_a_url(server, bo, tmp_path):
    dataset = cli_dataset(server, tmp_path)
    page = metadata_form(bo, dataset)
    data = {"csrfmiddlewaretoken": form_token(page.text), "title_fr": "Nouveau titre",
            "licence": "other", "licence_url": "", "visibility": "public"}
    resp = bo.post(f"/backoffice/datasets/{dataset}", data=data)
    assert resp.status_code == 400, resp.status_code
    assert error_text(resp)
    assert dataset_show(server.data_dir, dataset)["title"] == dataset
    data["licence_url"] = "https://example.org/licence"
    resp = bo.post(f"/backoffice/datasets/{dataset}", data=data)
    assert resp.status_code == 303
    page = metadata_form(bo, dataset)
    assert dom(page).find("input", name="licence_url").attrs["value"] == "https://example.org/licence"
    assert dom(page).find("select", name="licence").find("option", selected="").attrs["value"] \
        == "other"


def test_unpublish_and_publish(server, bo, tmp_path):
    dataset = cli_dataset(server, tmp_path)
    for visibility in ("private", "public"):
        token = bo.token("/backoffice/")
        resp = bo.post(f"/backoffice/datasets/{dataset}/visibility",
                       data={"csrfmiddlewaretoken": token, "visibility": visibility})
        assert resp.status_code == 303
        assert resp.headers["Location"] == "/backoffice/"
        assert dataset_list(server.data_dir)[dataset][0] == visibility
        row = next(tr for tr in dom(bo.get("/backoffice/")).find_all("tr")
                   if tr.find("a", href=f"/backoffice/datasets/{dataset}") is not None)
        other = "public" if visibility == "private" else "private"
        assert row.find("button", name="visibility", value=other) is not None
    token = bo.token("/backoffice/")
    resp = bo.post(f"/backoffice/datasets/{dataset}/visibility",
                   data={"csrfmiddlewaretoken": token, "visibility": "secret"})
    assert resp.status_code == 400


def test_delete_needs_the_matching_confirmation(server, bo, tmp_path):
    dataset = cli_dataset(server, tmp_path)
    page = bo.get(f"/backoffice/datasets/{dataset}/delete")
    assert page.status_code == 200
    form = dom(page).find("form", action=f"/backoffice/datasets/{dataset}/delete")
    assert form is not None and form.find("input", name="confirm") is not None
    token = form_token(page.text)
    resp = bo.post(f"/backoffice/datasets/{dataset}/delete",
                   data={"csrfmiddlewaretoken": token, "confirm": dataset + "-typo"})
    assert resp.status_code == 400
    assert dataset_show(server.data_dir, dataset)["records"] == 3
    resp = bo.post(f"/backoffice/datasets/{dataset}/delete",
                   data={"csrfmiddlewaretoken": token, "confirm": dataset})
    assert resp.status_code == 303
    assert dataset not in dataset_list(server.data_dir)
    assert not [t for t in records_tables(server.data_dir) if t.startswith(f"records_{dataset}_v")]
    assert bo.get(f"/backoffice/datasets/{dataset}").status_code == 404
    assert f"/backoffice/datasets/{dataset}\"" not in bo.get("/backoffice/").text


def test_forced_type_reports_unreadable_cells_on_the_job_page(server, bo):
    plain = through_backoffice(bo, "plain.csv", "nom;valeur\na;1\nb;2\n", new_id("plain"))
    assert published_count(plain) == 2, dom(plain).text()[:1500]
    assert re.search(r"(Avertissements|Warnings)\s*:\s*(aucun|none)", dom(plain).text()), \
        dom(plain).text()[:1500]
    content = "nom;valeur\na;1\nb;deux\nc;trois\nd;4\n"
    page = through_backoffice(bo, "forced.csv", content, new_id("forced"), overrides={"valeur": "int"})
    assert published_count(page) == 4, dom(page).text()[:1500]
    warnings = dom(page).find("ul", cls="warnings")
    assert warnings is not None, dom(page).text()[:1500]
    items = [html.unescape(li.text()).strip() for li in warnings.find_all("li")]
    assert any(re.fullmatch(r"2 (valeur\(s\) du champ « valeur » n’ont pas pu être lues comme int"
                            r"|value\(s\) of field “valeur” could not be read as int).*", item)
               for item in items), items
