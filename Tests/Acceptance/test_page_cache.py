"""The rendered-page cache of the front office, seen from outside: pages follow every change of the catalog at
once (back office, `garona import` and `garona dataset` in the same data directory), a logged-in editor and a
visitor never share a page, and every cached page carries fresh CSRF tokens that pass a POST."""

import pytest

from conftest import PASSWORD, USER, start_server
from garona_server import import_file, run_cli
from html_dom import parse
from web import Client, dom, form_token, unmask

DATASET = "suivi-cache"


@pytest.fixture(scope="module")
def server(tmp_path_factory, tiles):
    srv = start_server(tmp_path_factory, "--tile-url", tiles.template)
    yield srv
    srv.stop()


@pytest.fixture
def visitor(server):
    return Client(server, **{"Accept-Language": "fr"})


@pytest.fixture
def editor(server):
    c = Client(server, **{"Accept-Language": "fr"})
    assert c.login(USER, PASSWORD).status_code == 302
    return c


def html(client, path, status=200):
    resp = client.get(path)
    assert resp.status_code == status, (path, resp.status_code)
    return resp.text


def card(text, dataset):
    """The link to the dataset in a home or catalog page, or None."""
    return parse(text).find("a", href=f"/explore/dataset/{dataset}/")


def imported(server, tmp_path, content, *extra):
    path = tmp_path / "suivi.csv"
    path.write_text(content, encoding="utf-8")
    done = import_file(path, server.data_dir, DATASET, *extra)
    assert done.returncode == 0, done.stderr


def edit_metadata(editor, **changes):
    page = editor.get(f"/backoffice/datasets/{DATASET}")
    assert page.status_code == 200
    form = dom(page).find("form", action=f"/backoffice/datasets/{DATASET}")
    data = {"csrfmiddlewaretoken": form_token(page.text), "title_fr": "Suivi du cache", "title_en": "",
            "description_fr": "", "description_en": "", "keywords": "", "themes": "Essais", "publisher": "",
            "licence": "odbl", "licence_url": "", "visibility": "public"}
    for field in form.find_all("input"):
        name = field.attrs.get("name", "")
        if name.startswith(("description_", "facet_", "sortable_")) and name not in data:
            if field.attrs.get("type") == "checkbox":
                if "checked" in field.attrs:
                    data[name] = "on"
            else:
                data[name] = field.attrs.get("value", "")
    data.update(changes)
    resp = editor.post(f"/backoffice/datasets/{DATASET}", data=data)
    assert resp.status_code == 303, resp.status_code


def test_pages_follow_every_change_of_the_catalog_at_once(server, visitor, editor, tmp_path):
    pages = ["/", "/explore/", "/explore/?q=suivi"]
    # Render (and cache) every page before the dataset exists.
    for path in pages:
        assert card(html(visitor, path), DATASET) is None
        assert card(html(editor, path), DATASET) is None

    # Published by `garona import` in another process.
    imported(server, tmp_path, "nom;valeur\nalpha;1\nbeta;2\n", "--title", "Suivi du cache")
    for path in pages:
        assert card(html(visitor, path), DATASET).text() == "Suivi du cache", path
    information = html(visitor, f"/explore/dataset/{DATASET}/information/")
    assert "Suivi du cache" in information
    table = html(visitor, f"/explore/dataset/{DATASET}/table/")
    assert "alpha" in table and "gamma" not in table

    # Metadata edited in the back office.
    edit_metadata(editor, title_fr="Suivi du cache, titre revu")
    for path in pages:
        assert card(html(visitor, path), DATASET).text() == "Suivi du cache, titre revu", path
    assert "Suivi du cache, titre revu" in html(visitor, f"/explore/dataset/{DATASET}/information/")
    assert "Suivi du cache, titre revu" in html(visitor, f"/explore/dataset/{DATASET}/table/")

    # A new version of the data, by `garona import` again.
    imported(server, tmp_path, "nom;valeur\ngamma;3\n")
    table = html(visitor, f"/explore/dataset/{DATASET}/table/")
    assert "gamma" in table and "alpha" not in table

    # Made private: gone for the visitor, marked for the editor, on every page at once.
    edit_metadata(editor, title_fr="Suivi du cache, titre revu", visibility="private")
    for path in pages:
        assert card(html(visitor, path), DATASET) is None, path
        editor_page = html(editor, path)
        item = parse(editor_page).find("a", href=f"/explore/dataset/{DATASET}/").parent
        assert item.find("span", cls="badge") is not None, path
    html(visitor, f"/explore/dataset/{DATASET}/information/", status=404)
    assert "dataset-private" in html(editor, f"/explore/dataset/{DATASET}/information/")

    # Deleted by `garona dataset delete`.
    done = run_cli("dataset", "delete", DATASET, "--data-dir", str(server.data_dir))
    assert done.returncode == 0, done.stderr
    for path in pages:
        assert card(html(editor, path), DATASET) is None, path
    html(editor, f"/explore/dataset/{DATASET}/table/", status=404)


def test_an_editor_and_a_visitor_never_share_a_page(server, visitor, editor, tmp_path):
    imported(server, tmp_path, "nom;valeur\nalpha;1\n", "--title", "Partage")
    try:
        edit_metadata(editor, title_fr="Partage", visibility="private")
        # Whoever comes first, the other one gets their own page.
        for first in (editor, visitor):
            for path in ("/", "/explore/"):
                html(first, path)
                assert card(html(editor, path), DATASET) is not None
                assert card(html(visitor, path), DATASET) is None
        assert 'href="/login"' in html(visitor, "/")
        assert 'href="/login"' not in html(editor, "/")
    finally:
        run_cli("dataset", "delete", DATASET, "--data-dir", str(server.data_dir))


def tokens(text):
    return [field.attrs["value"] for field in parse(text).find_all("input", name="csrfmiddlewaretoken")]


@pytest.mark.parametrize("path", ["/", "/explore/", "/explore/dataset/gares-occitanie/information/",
                                  "/explore/dataset/gares-occitanie/table/"])
def test_cached_pages_carry_fresh_tokens_that_pass_a_post(demo, path):
    client = Client(demo, **{"Accept-Language": "fr"})
    first = html(client, path)
    second = html(client, path)
    secret = client.cookie("csrftoken")
    assert secret
    seen = tokens(first) + tokens(second)
    assert len(tokens(first)) >= 2  # the banner and the language switch at least
    # One token per response, as when every page was rendered afresh; never the same twice.
    assert len(set(tokens(first))) == 1 and len(set(tokens(second))) == 1
    assert tokens(first)[0] != tokens(second)[0]
    assert all(len(token) == 64 and unmask(token) == secret for token in seen)
    # A token of each page passes the consent banner's POST.
    for token in (tokens(first)[0], tokens(second)[0]):
        resp = client.post("/cookies/preferences",
                           data={"csrfmiddlewaretoken": token, "action": "refuse_all", "next": path})
        assert resp.status_code == 302, resp.status_code
        assert resp.headers["Location"] == path
