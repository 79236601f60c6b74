"""Dataset pages over HTTP: every tab, paging, sorting, refines, search, exports, API calls, bad input, privacy."""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from garona_server import import_file
from web import Client, dom

GARES = "/explore/dataset/gares-occitanie"
SAMPLE = "/explore/dataset/donnees-exemple"
EN = {"Accept-Language": "en-GB,en;q=0.9"}
TABS = ["information", "table", "map", "analyze", "export", "api"]


def page(client, path, status=200, **kw):
    resp = client.get(path, **kw)
    assert resp.status_code == status, (path, resp.status_code, resp.text[:500])
    return dom(resp)


def records_table(doc):
    table = doc.find("table", cls="records")
    assert table is not None
    return table


def body_rows(table):
    return [tr for tr in table.find("tbody").find_all("tr")]


def column(table, name):
    headers = [th.text() for th in table.find("thead").find_all("th")]
    index = next(i for i, h in enumerate(headers) if h.startswith(name))
    return [tr.find_all("td")[index].text() for tr in body_rows(table)]


def ignored_notice(doc):
    notice = doc.find("p", cls="dataset-ignored")
    return notice.text() if notice else ""


# --- the tabs ---------------------------------------------------------------------------------

def test_dataset_root_redirects_to_information(client):
    resp = client.get(GARES + "/")
    assert resp.status_code == 302
    assert resp.headers["Location"] == GARES + "/information/"


@pytest.mark.parametrize("tab", TABS)
@pytest.mark.parametrize("headers, lang", [({}, "fr"), (EN, "en")])
def test_every_tab_renders_with_its_nav(client, tab, headers, lang):
    doc = page(client, f"{GARES}/{tab}/", headers=headers)
    assert doc.find("html").attrs["lang"] == lang
    assert doc.find("h1").text() in ("Gares ferroviaires en Occitanie", "Railway stations in Occitanie")
    nav = doc.find("nav", cls="dataset-tabs")
    current = nav.find_all("a", aria_current="page")
    assert len(current) == 1 and current[0].attrs["href"].startswith(f"{GARES}/{tab}/")
    assert len(nav.find_all("a")) == len(TABS)
    assert doc.find("link", rel="stylesheet", href="/static/dataset.css") is not None


def test_information_metadata_fields_and_jsonld(client):
    doc = page(client, GARES + "/information/")
    text = doc.find("main").text()
    assert "Région Occitanie" in text and "Licence Ouverte 2.0" in text and "Transports" in text
    assert doc.find("dd", id="records-count").text() == "280"
    assert doc.find("a", rel="license").attrs["href"].startswith("https://www.etalab.gouv.fr/")
    fields = doc.find("table", cls="dataset-fields")
    assert fields.find("caption").text()
    assert [th.attrs.get("scope") for th in fields.find("thead").find_all("th")] == ["col"] * 4
    names = [code.text() for code in fields.find_all("code")]
    assert "geo_point_2d" in names and "toponyme" in names
    scripts = doc.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    raw = scripts[0].text()
    assert "</" not in raw
    data = json.loads(raw)
    assert data["@type"] == "Dataset" and data["name"] == "Gares ferroviaires en Occitanie"
    assert data["license"].startswith("https://") and data["publisher"]["name"] == "Région Occitanie"
    assert "gare" in data["keywords"] and data["dateModified"]
    urls = [d["contentUrl"] for d in data["distribution"]]
    assert client.server.url("/api/explore/v2.1/catalog/datasets/gares-occitanie/exports/csv") in urls


def test_information_in_english_and_grouped_count(client):
    doc = page(client, GARES + "/information/", headers=EN)
    assert doc.find("h1").text() == "Railway stations in Occitanie"
    assert "Railway stations and halts" in doc.find("main").text()
    # French groups digits with a narrow no-break space (the parser's text() would fold it into a space).
    assert '<dd id="records-count">50\u202f000</dd>' in client.get(SAMPLE + "/information/").text
    assert '<dd id="records-count">50,000</dd>' in client.get(SAMPLE + "/information/", headers=EN).text


# --- the table --------------------------------------------------------------------------------

def test_table_pages_by_twenty(client):
    first = records_table(page(client, GARES + "/table/"))
    assert len(body_rows(first)) == 20
    assert [th.attrs.get("scope") for th in first.find("thead").find_all("th")] == \
        ["col"] * len(first.find("thead").find_all("th"))
    assert "280" in first.find("caption").text()
    last = page(client, GARES + "/table/?page=14")
    assert len(body_rows(records_table(last))) == 20
    assert last.find("a", rel="next") is None and last.find("a", rel="prev") is not None
    second = records_table(page(client, GARES + "/table/?page=2"))
    assert column(second, "objectid") != column(first, "objectid")


def test_table_sorts_on_sortable_columns_both_ways(client):
    doc = page(client, GARES + "/table/?sort=objectid")
    table = records_table(doc)
    ids = [int(v) for v in column(table, "objectid")]
    assert ids == sorted(ids) and len(ids) == 20
    th = next(th for th in table.find_all("th") if th.text().startswith("objectid"))
    assert th.attrs.get("aria-sort") == "ascending"
    assert "sort=-objectid" in th.find("a").attrs["href"]
    down = [int(v) for v in column(records_table(page(client, GARES + "/table/?sort=-objectid")), "objectid")]
    assert down == sorted(down, reverse=True) and down[0] > ids[-1]


def test_table_refine_and_facets(client):
    doc = page(client, GARES + "/table/")
    facets = doc.find("aside", cls="dataset-filters")
    links = [a for a in facets.find_all("a") if "refine." in a.attrs.get("href", "")]
    assert links, "no facet value links"
    href = links[0].attrs["href"]
    count = int(re.search(r"\((\d+)\)", links[0].text()).group(1))
    refined = page(client, href)
    caption = records_table(refined).find("caption").text()
    assert caption.startswith(str(count) + " ")
    field, value = next((k[len("refine."):], v[0]) for k, v in parse_qs(urlsplit(href).query).items()
                        if k.startswith("refine."))
    assert all(cell == value for cell in column(records_table(refined), field))
    active = refined.find("ul", cls="dataset-active")
    assert active is not None and value in active.text()


def test_table_text_search(client):
    doc = page(client, GARES + "/table/?q=Toulouse")
    table = records_table(doc)
    rows = body_rows(table)
    assert 0 < len(rows) < 20
    assert all("Toulouse" in tr.text() for tr in rows)
    assert doc.find("input", id="dataset-q").attrs["value"] == "Toulouse"
    assert doc.find("label", for_="dataset-q") is not None


def test_table_search_form_keeps_refines_and_sort(client):
    doc = page(client, GARES + "/table/?refine.departement=31&sort=-objectid")
    form = doc.find("form", cls="dataset-search")
    assert form.attrs["method"] == "get"
    hidden = {i.attrs["name"]: i.attrs["value"] for i in form.find_all("input", type="hidden")}
    assert hidden == {"refine.departement": "31", "sort": "-objectid"}


def test_large_dataset_pages_and_sorts(client):
    resp = client.get(SAMPLE + "/table/?sort=-montant&page=3")
    assert resp.status_code == 200
    table = records_table(dom(resp))
    assert len(body_rows(table)) == 20
    assert "50\u202f000 enregistrements, page 3 sur 2\u202f500" in resp.text


# --- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/explore/dataset/no-such-dataset/", "/explore/dataset/no-such-dataset/table/",
    GARES + "/no-such-tab/", GARES + "/table/?page=15", GARES + "/table/?page=999999999",
    "/explore/dataset/UPPER%20case/information/",
])
@pytest.mark.parametrize("headers, text", [({}, "Retour à l'accueil"), (EN, "Back to the home page")])
def test_unknown_dataset_tab_or_page_is_a_localized_404(client, path, headers, text):
    resp = client.get(path, headers=headers)
    assert resp.status_code == 404
    assert resp.headers["Content-Type"].startswith("text/html")
    doc = dom(resp)
    assert doc.find("a", href="/") is not None
    assert text in doc.find("main").text()


@pytest.mark.parametrize("query, shown", [
    ("page=-3", "page=-3"), ("page=abc", "page=abc"), ("sort=geo_shape", "sort=geo_shape"),
    ("sort=nope", "sort=nope"), ("refine.nope=1", "refine.nope"), ("refine.objectid=abc", "refine.objectid"),
    ("q=" + "x" * 5000, "q"), ("foo=bar", "foo"), ("q=%22%29%20or%201%3D1", None),
])
@pytest.mark.parametrize("tab", ["table", "map", "analyze", "export", "api"])
def test_absurd_query_strings_give_a_clean_page(client, tab, query, shown):
    resp = client.get(f"{GARES}/{tab}/?{query}")
    assert resp.status_code == 200, resp.text[:300]
    doc = dom(resp)
    if shown:
        assert shown in ignored_notice(doc)


def test_ignored_notice_is_localized(client):
    assert "Ignoré" in ignored_notice(page(client, GARES + "/table/?page=-1"))
    assert "Ignored" in ignored_notice(page(client, GARES + "/table/?page=-1", headers=EN))


def test_points_endpoint_never_fails(client):
    for query in ["", "?q=%22", "?refine.nope=1", "?refine.departement=31"]:
        resp = client.get(GARES + "/map/points.json" + query)
        assert resp.status_code == 200
        assert isinstance(resp.json()["points"], list)


# --- map --------------------------------------------------------------------------------------

def test_map_page_lists_points_and_loads_leaflet_locally(client):
    doc = page(client, GARES + "/map/")
    element = doc.find("div", id="dataset-map")
    assert element is not None
    assert element.attrs["data-points"] == GARES + "/map/points.json"
    assert "data-tiles" not in element.attrs
    sources = [s.attrs.get("src") for s in doc.find_all("script") if s.attrs.get("src")]
    assert sources and all(src.startswith("/static/") for src in sources)
    assert not [s for s in doc.find_all("script") if not s.attrs.get("src") and s.attrs.get("type") !=
                "application/ld+json"], "inline script"
    consent = doc.find("div", id="map-consent")
    form = consent.find("form")
    assert form.attrs["action"] == "/cookies/preferences"
    fields = {i.attrs["name"]: i.attrs.get("value") for i in form.find_all("input")}
    assert fields["action"] == "allow_service" and fields["service"] == "map_tiles"
    assert fields["next"] == GARES + "/map/"
    assert len(body_rows(doc.find("table", id="map-points"))) == 20
    for src in sources:
        assert client.get(src).status_code == 200, src
    points = client.get(element.attrs["data-points"]).json()
    assert len(points["points"]) == 280 and points["truncated"] is False
    lat, lon = points["points"][0][:2]
    assert 42 < lat < 45.5 and -1 < lon < 5


def test_map_points_follow_filters(client):
    points = client.get(GARES + "/map/points.json?refine.departement=31").json()["points"]
    total = page(client, GARES + "/table/?refine.departement=31")
    caption = records_table(total).find("caption").text()
    assert caption.startswith(str(len(points)) + " ")


def test_map_tiles_after_consent_for_that_service_only(demo, tiles):
    visitor = Client(demo)
    token = visitor.token(GARES + "/map/")
    resp = visitor.post("/cookies/preferences", data={
        "csrfmiddlewaretoken": token, "action": "allow_service", "service": "map_tiles",
        "next": GARES + "/map/"})
    assert resp.status_code == 302 and resp.headers["Location"] == GARES + "/map/"
    doc = page(visitor, GARES + "/map/")
    element = doc.find("div", id="dataset-map")
    assert element.attrs["data-tiles"] == tiles.template
    assert doc.find("div", id="map-consent") is None


def test_map_tab_absent_without_geo_field(demo, tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("nom;valeur\na;1\nb;2\n", encoding="utf-8")
    assert import_file(path, demo.data_dir, "sans-geo").returncode == 0
    client = Client(demo)
    doc = page(client, "/explore/dataset/sans-geo/information/")
    hrefs = [a.attrs["href"] for a in doc.find("nav", cls="dataset-tabs").find_all("a")]
    assert not any("/map/" in h for h in hrefs)
    assert client.get("/explore/dataset/sans-geo/map/").status_code == 404
    assert client.get("/explore/dataset/sans-geo/map/points.json").status_code == 404


# --- analyze ----------------------------------------------------------------------------------

def test_analyze_default_is_a_bar_chart_with_a_table(client):
    doc = page(client, SAMPLE + "/analyze/")
    svg = doc.find("svg")
    assert svg.attrs["role"] == "img" and svg.find("title").text()
    assert svg.find_all("rect")
    table = doc.find("table", cls="analyze-table")
    assert table.find("caption").text() and len(body_rows(table)) == len(svg.find_all("rect"))
    form = doc.find("form", cls="analyze-form")
    assert form.attrs["method"] == "get"
    for select in form.find_all("select"):
        assert doc.find("label", for_=select.attrs["id"]) is not None


def test_analyze_average_by_year_is_a_line(client):
    doc = page(client, SAMPLE + "/analyze/?agg=avg&y=montant&x=date_creation&period=year")
    assert ignored_notice(doc) == ""
    svg = doc.find("svg")
    assert svg.find("polyline") is not None
    years = [tr.find("th").text() for tr in body_rows(doc.find("table", cls="analyze-table"))]
    assert years == sorted(years) and all(re.fullmatch(r"\d{4}", y) for y in years)


def test_analyze_sum_follows_filters(client):
    doc = page(client, GARES + "/analyze/?agg=count&x=departement&refine.departement=31")
    rows = body_rows(doc.find("table", cls="analyze-table"))
    assert [tr.find("th").text() for tr in rows] == ["31"]


@pytest.mark.parametrize("query", ["agg=median", "y=toponyme&agg=sum", "x=geo_point_2d", "period=week"])
def test_analyze_bad_choices_are_ignored(client, query):
    doc = page(client, GARES + "/analyze/?" + query)
    assert ignored_notice(doc)


# --- export and api ---------------------------------------------------------------------------

def test_export_links_carry_filters(client):
    doc = page(client, GARES + "/export/?q=Toulouse&refine.departement=31")
    links = doc.find("ul", cls="dataset-exports").find_all("a")
    formats = {a.attrs["data-format"] for a in links}
    assert {"csv", "json", "jsonl", "geojson"} <= formats
    for a in links:
        parts = urlsplit(a.attrs["href"])
        assert parts.path == f"/api/explore/v2.1/catalog/datasets/gares-occitanie/exports/{a.attrs['data-format']}"
        assert parse_qs(parts.query) == {"q": ["Toulouse"], "refine": ["departement:31"]}
    csv = client.get(next(a.attrs["href"] for a in links if a.attrs["data-format"] == "csv"))
    assert csv.status_code == 200
    lines = [line for line in csv.content.decode("utf-8-sig").splitlines() if line]
    assert 1 < len(lines) < 20 and all("Toulouse" in line for line in lines[1:])


def test_api_tab_calls_work(client):
    doc = page(client, GARES + "/api/?refine.departement=31")
    calls = [code.text() for code in doc.find_all("code")]
    records = next(c for c in calls if "/records?" in c and "group_by" not in c)
    assert "refine=departement%3A31" in records or "refine=departement:31" in records
    resp = client.get(urlsplit(records).path + "?" + urlsplit(records).query)
    assert resp.status_code == 200 and resp.json()["total_count"] > 0
    facets = next(c for c in calls if "group_by" in c)
    assert client.get(urlsplit(facets).path + "?" + urlsplit(facets).query).status_code == 200
    curl = doc.find("pre", id="api-curl").text()
    assert curl.startswith("curl ") and "/records?" in curl


# --- private datasets -------------------------------------------------------------------------

def test_private_dataset_hidden_from_visitors(demo, logged_in, tmp_path):
    path = tmp_path / "prive.csv"
    path.write_text("nom;valeur\nsecret;1\n", encoding="utf-8")
    assert import_file(path, demo.data_dir, "jeu-prive").returncode == 0
    token = logged_in.token("/backoffice/")
    resp = logged_in.post("/backoffice/datasets/jeu-prive/visibility",
                          data={"csrfmiddlewaretoken": token, "visibility": "private"})
    assert resp.status_code in (302, 303)
    visitor = Client(demo)
    for tab in ["information", "table", "analyze", "export", "api"]:
        assert visitor.get(f"/explore/dataset/jeu-prive/{tab}/").status_code == 404
        doc = page(logged_in, f"/explore/dataset/jeu-prive/{tab}/")
        assert doc.find("p", cls="dataset-private") is not None
    assert "secret" in page(logged_in, "/explore/dataset/jeu-prive/table/").find("table").text()


def test_map_draws_shapes_at_their_centre(demo, tmp_path):
    path = tmp_path / "formes.csv"
    path.write_text(
        'nom;geo_shape\n'
        'point;"{""type"": ""Point"", ""coordinates"": [2.0, 43.0]}"\n'
        'carre;"{""type"": ""Polygon"", ""coordinates"": [[[1.0, 44.0], [3.0, 44.0], [3.0, 46.0], [1.0, 46.0], '
        '[1.0, 44.0]]]}"\n', encoding="utf-8")
    done = import_file(path, demo.data_dir, "formes")
    assert done.returncode == 0, done.stderr
    client = Client(demo)
    doc = page(client, "/explore/dataset/formes/map/")
    assert len(body_rows(doc.find("table", id="map-points"))) == 2
    points = client.get("/explore/dataset/formes/map/points.json").json()["points"]
    assert sorted((p[0], p[1]) for p in points) == [(43.0, 2.0), (45.0, 2.0)]
