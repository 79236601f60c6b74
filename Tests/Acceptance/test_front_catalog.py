"""The front office's home and catalog over HTTP: search, facets and their counts, sorting, paging,
the state in every link, private datasets, both languages, and bad input (404s and notices)."""

import json
import sqlite3
import unicodedata
from collections import Counter
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from conftest import PASSWORD, USER
from garona_server import GaronaServer, create_user
from web import Client, dom

NNBSP = "\u202f"
THEMES = ["Transports", "Environnement", "Économie"]
PUBLISHERS = ["Région Occitanie", "Toulouse Métropole", "Ville de Montpellier"]
LICENCES = ["etalab-2.0", "odbl", "cc-by-4.0"]
LICENCE_TITLES = {"etalab-2.0": "Licence Ouverte 2.0", "odbl": "ODbL", "cc-by-4.0": "CC-BY 4.0"}
YEARS = [2023, 2024, 2025]


def make_datasets():
    """45 public datasets with known metadata, and one private one."""
    datasets = []
    for i in range(45):
        modified = datetime(YEARS[i % 3], 1 + i % 12, 1 + i % 28, 12, tzinfo=timezone.utc).timestamp() + i
        datasets.append({
            "id": f"jeu-{i:02d}",
            "titleFR": f"Jeu de test numéro {i:02d}",
            "titleEN": "" if i % 9 == 4 else f"Test dataset number {i:02d}",
            "descriptionFR": f"Description française du jeu {i:02d}.",
            "descriptionEN": f"English description of dataset {i:02d}." + (" Water quality." if i == 44 else ""),
            "keywords": ["test", f"groupe{i % 4}"] + (["vélo"] if i % 5 == 0 else []),
            "themes": [THEMES[i % 3]] + (["Santé"] if i % 10 == 0 else []),
            "publisher": PUBLISHERS[i % 3] if i % 11 else "",
            "licence": LICENCES[(i // 3) % 3],
            "records": 1234 * i,
            "modified": modified,
            "visibility": "public",
        })
    datasets.append({
        "id": "qualite-air", "titleFR": "Qualité de l'air à Égletons", "titleEN": "Air quality in Égletons",
        "descriptionFR": "Mesures horaires des polluants.", "descriptionEN": "Hourly pollutant measurements.",
        "keywords": ["pollution"], "themes": ["Environnement"], "publisher": "Atmo Occitanie",
        "licence": "odbl", "records": 1, "modified": datetime(2022, 6, 15, tzinfo=timezone.utc).timestamp(),
        "visibility": "public",
    })
    datasets.append({
        "id": "budget-secret", "titleFR": "Budget prévisionnel confidentiel", "titleEN": "Confidential draft budget",
        "descriptionFR": "Pas encore publié.", "descriptionEN": "Not published yet.", "keywords": ["budget"],
        "themes": ["Finances"], "publisher": "Région Occitanie", "licence": "etalab-2.0", "records": 10,
        "modified": datetime(2026, 1, 2, tzinfo=timezone.utc).timestamp(), "visibility": "private",
    })
    return datasets


DATASETS = make_datasets()
PUBLIC = [d for d in DATASETS if d["visibility"] == "public"]


def seed(data_dir, datasets):
    """Writes the catalog rows into the instance's SQLite file before the server starts."""
    with closing(sqlite3.connect(Path(data_dir) / "garona.sqlite")) as db, db:
        for d in datasets:
            metadata = {key: d[key] for key in ("id", "titleFR", "titleEN", "descriptionFR", "descriptionEN",
                                                "keywords", "themes", "publisher", "licence", "visibility")}
            metadata["licenceURL"] = ""
            db.execute("INSERT INTO datasets (id, metadata, fields, visibility, records_count, version, "
                       "created_at, modified_at) VALUES (?, ?, '[]', ?, ?, 0, ?, ?)",
                       (d["id"], json.dumps(metadata), d["visibility"], d["records"], d["modified"],
                        d["modified"]))


@pytest.fixture(scope="module")
def catalog_server(tmp_path_factory, tiles):
    data_dir = tmp_path_factory.mktemp("garona-catalog")
    create_user(data_dir, USER, PASSWORD)  # creates the database and its tables
    seed(data_dir, DATASETS)
    server = GaronaServer(data_dir, "--tile-url", tiles.template).start()
    yield server
    server.stop()


@pytest.fixture
def visitor(catalog_server):
    return Client(catalog_server, **{"Accept-Language": "fr-FR,fr"})


@pytest.fixture
def english(catalog_server):
    return Client(catalog_server, **{"Accept-Language": "en-GB,en"})


@pytest.fixture
def editor(catalog_server):
    c = Client(catalog_server, **{"Accept-Language": "fr"})
    assert c.login(USER, PASSWORD).status_code == 302
    return c


def fold(text):
    return "".join(ch for ch in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(ch))


def page(client, path, status=200):
    resp = client.get(path)
    assert resp.status_code == status, (path, resp.status_code, resp.text[:500])
    assert resp.headers["Content-Type"].startswith("text/html")
    return dom(resp)


def result_ids(doc):
    return [li.attrs["id"].removeprefix("dataset-") for li in doc.find_all("li", cls="dataset-card")]


def facet(doc, name):
    """{label: count} of a facet block, with counts read as integers."""
    block = doc.find("div", id=f"facet-{name}")
    if block is None:
        return {}
    out = {}
    for li in block.find_all("li"):
        label = li.find("a").text()
        count = li.find("span", cls="count").text().strip("()").replace(NNBSP, "").replace(",", "")
        out[label] = int(count)
    return out


def facet_link(doc, name, label):
    block = doc.find("div", id=f"facet-{name}")
    return next(a.attrs["href"] for a in block.find_all("a") if a.text() == label)


def query_of(href):
    return parse_qsl(urlsplit(href).query)


def by_modified(datasets):
    return sorted(datasets, key=lambda d: (-d["modified"], d["id"]))


def year(d):
    return str(datetime.fromtimestamp(d["modified"], tz=timezone.utc).year)


def expected_counts(datasets):
    return {
        "theme": Counter(t for d in datasets for t in d["themes"]),
        "keyword": Counter(k for d in datasets for k in d["keywords"]),
        "publisher": Counter(d["publisher"] for d in datasets if d["publisher"]),
        "licence": Counter(LICENCE_TITLES[d["licence"]] for d in datasets),
        "modified": Counter(year(d) for d in datasets),
    }


def top(counter, n=15):
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n])


# Home


def test_home_has_name_search_themes_and_latest(visitor, catalog_server):
    doc = page(visitor, "/")
    assert [h.text() for h in doc.find_all("h1")] == ["Garona"]
    form = doc.find("form", role="search")
    assert form.attrs["action"] == "/explore/" and form.attrs["method"] == "get"
    q = form.find("input", name="q")
    assert doc.find("label", for_=q.attrs["id"]) is not None
    themes = {a.text(): a.attrs["href"] for a in doc.find("ul", cls="theme-list").find_all("a")}
    counts = Counter(t for d in PUBLIC for t in d["themes"])
    assert set(themes) == set(counts)
    assert themes["Économie"] == "/explore/?refine.theme=%C3%89conomie"
    for li in doc.find("ul", cls="theme-list").find_all("li"):
        name = li.find("a").text()
        assert li.find("span", cls="count").text() == f"{counts[name]} jeux de données"
    latest = [a.attrs["href"] for a in doc.find("section", id="latest").find_all("a")]
    assert latest == [f"/explore/dataset/{d['id']}/" for d in by_modified(PUBLIC)[:6]]
    assert "budget-secret" not in visitor.get("/").text


def test_home_theme_links_lead_to_the_counted_datasets(visitor):
    doc = page(visitor, "/")
    for li in doc.find("ul", cls="theme-list").find_all("li"):
        href = li.find("a").attrs["href"]
        listed = page(visitor, href).find("section", cls="catalog-results").find("h2").text()
        assert listed == li.find("span", cls="count").text(), href


def test_home_of_the_demo_keeps_the_consent_gated_map(client):
    doc = page(client, "/")
    assert doc.find("section", id="map-preview").find("div", cls="consent-placeholder") is not None
    assert "/explore/dataset/gares-occitanie/" in client.get("/").text
    assert doc.find("a", href="/explore/?refine.theme=Transports") is not None


def test_home_logged_in_shows_private_datasets(editor):
    doc = page(editor, "/")
    assert doc.find("a", href="/explore/?refine.theme=Finances") is not None
    assert doc.find("section", id="latest").find("a").attrs["href"] == "/explore/dataset/budget-secret/"


# Catalog: listing, paging, sort


def test_catalog_lists_by_modified_and_pages_by_twenty(visitor):
    expected = [d["id"] for d in by_modified(PUBLIC)]
    doc = page(visitor, "/explore/")
    assert [h.text() for h in doc.find_all("h1")] == ["Catalogue"]
    assert doc.find("section", cls="catalog-results").find("h2").text() == f"{len(PUBLIC)} jeux de données"
    assert result_ids(doc) == expected[:20]
    nav = doc.find("nav", cls="pagination")
    assert nav.find("a", rel="next").attrs["href"] == "/explore/?page=2"
    assert nav.find("a", aria_current="page").text() == "1"
    assert result_ids(page(visitor, "/explore/?page=2")) == expected[20:40]
    last = page(visitor, "/explore/?page=3")
    assert result_ids(last) == expected[40:]
    assert last.find("nav", cls="pagination").find("a", rel="next") is None
    assert last.find("nav", cls="pagination").find("a", rel="prev").attrs["href"] == "/explore/?page=2"
    assert page(visitor, "/explore").find("h1").text() == "Catalogue"


def test_sort_by_title_and_modified(visitor):
    by_title = sorted(PUBLIC, key=lambda d: (fold(d["titleFR"]), -d["modified"]))
    assert result_ids(page(visitor, "/explore/?sort=title")) == [d["id"] for d in by_title][:20]
    assert result_ids(page(visitor, "/explore/?sort=modified")) == [d["id"] for d in by_modified(PUBLIC)][:20]
    doc = page(visitor, "/explore/?sort=title")
    assert doc.find("option", value="title").attrs.get("selected") is not None
    assert doc.find("nav", cls="pagination").find("a", rel="next").attrs["href"] == "/explore/?sort=title&page=2"


def test_search_folds_case_and_accents_in_both_languages(visitor):
    for q in ("egletons", "QUALITÉ", "qualite", "pollutant", "Air quality"):
        assert result_ids(page(visitor, f"/explore/?q={q}")) == ["qualite-air"], q
    assert set(result_ids(page(visitor, "/explore/?q=velo"))) == {d["id"] for d in PUBLIC if "vélo" in d["keywords"]}
    doc = page(visitor, "/explore/?q=zzzz-nothing")
    assert result_ids(doc) == []
    assert doc.find("section", cls="catalog-results").find("h2").text() == "0 jeu de données"


def test_relevance_puts_title_matches_first(visitor):
    # "quality" is in the title of qualite-air (2022) and in the description of jeu-44 (newer).
    assert result_ids(page(visitor, "/explore/?q=quality")) == ["qualite-air", "jeu-44"]
    assert result_ids(page(visitor, "/explore/?q=quality&sort=modified")) == ["jeu-44", "qualite-air"]
    ids = result_ids(page(visitor, "/explore/?q=test"))
    assert len(ids) == 20 and "qualite-air" not in ids
    doc = page(visitor, "/explore/?q=test")
    assert doc.find("option", value="relevance").attrs.get("selected") is not None


# Facets and refinements


def test_facet_counts_match_the_datasets(visitor):
    doc = page(visitor, "/explore/")
    for name, counter in expected_counts(PUBLIC).items():
        assert facet(doc, name) == top(counter), name


def test_refine_filters_and_recounts(visitor):
    transports = [d for d in PUBLIC if "Transports" in d["themes"]]
    doc = page(visitor, "/explore/?refine.theme=Transports")
    assert set(result_ids(doc)) == {d["id"] for d in by_modified(transports)[:20]}
    counts = expected_counts(transports)
    assert facet(doc, "publisher") == top(counts["publisher"])
    assert facet(doc, "theme") == top(Counter({k: v for k, v in counts["theme"].items() if k != "Transports"}))
    both = [d for d in transports if d["licence"] == "odbl"]
    doc = page(visitor, "/explore/?refine.theme=Transports&refine.licence=odbl")
    assert sorted(result_ids(doc)) == sorted(d["id"] for d in both)
    year_doc = page(visitor, "/explore/?refine.modified=2024")
    assert sorted(result_ids(year_doc)) == sorted(d["id"] for d in PUBLIC if year(d) == "2024")[:20]


def test_every_link_carries_the_whole_state(visitor):
    doc = page(visitor, "/explore/?q=test&refine.theme=Transports&sort=title")
    link = facet_link(doc, "licence", "ODbL")
    assert query_of(link) == [("q", "test"), ("refine.theme", "Transports"), ("refine.licence", "odbl"),
                              ("sort", "title")]
    refined = page(visitor, link)
    active = refined.find("div", cls="active-refinements").find_all("a")
    links = {a.text(): query_of(a.attrs["href"]) for a in active}
    assert links["Thème : Transports ×"] == [("q", "test"), ("refine.licence", "odbl"), ("sort", "title")]
    assert links["Licence : ODbL ×"] == [("q", "test"), ("refine.theme", "Transports"), ("sort", "title")]
    assert links["Retirer tous les filtres"] == [("q", "test"), ("sort", "title")]
    form = doc.find("form", role="search")
    assert form.find("input", name="q").attrs["value"] == "test"
    assert form.find("input", type="hidden", name="refine.theme").attrs["value"] == "Transports"
    paged = page(visitor, "/explore/?q=test&sort=title")
    href = paged.find("nav", cls="pagination").find("a", rel="next").attrs["href"]
    assert query_of(href) == [("q", "test"), ("sort", "title"), ("page", "2")]
    # A facet link goes back to the first page.
    second = page(visitor, "/explore/?page=2")
    assert ("page", "2") not in query_of(facet_link(second, "theme", "Transports"))


# Visibility


def test_private_datasets_hidden_from_visitors_shown_marked_to_editors(visitor, editor):
    assert "budget-secret" not in result_ids(page(visitor, "/explore/?q=budget"))
    assert "Finances" not in facet(page(visitor, "/explore/"), "theme")
    assert "budget-secret" not in visitor.get("/explore/?refine.theme=Finances").text
    doc = page(editor, "/explore/?q=budget")
    assert result_ids(doc) == ["budget-secret"]
    card = doc.find("li", id="dataset-budget-secret")
    assert card.find("span", cls="badge").text() == "Privé"
    assert facet(page(editor, "/explore/"), "theme")["Finances"] == 1
    assert page(editor, "/explore/").find("section", cls="catalog-results").find("h2").text() \
        == f"{len(DATASETS)} jeux de données"


# Languages


def test_metadata_numbers_and_dates_in_the_visitors_language(visitor, english):
    fr = page(visitor, "/explore/?q=jeu-14").find("li", id="dataset-jeu-14")
    en = page(english, "/explore/?q=jeu-14").find("li", id="dataset-jeu-14")
    assert fr.find("h3").text() == "Jeu de test numéro 14"
    assert en.find("h3").text() == "Test dataset number 14"
    records = {dt.text(): dd.text() for dt, dd in zip(fr.find_all("dt"), fr.find_all("dd"))}
    assert records["Enregistrements"] == "17 276 enregistrements"  # text() folds spaces: check the raw page too
    assert f"<dd>17{NNBSP}276 enregistrements</dd>" in visitor.get("/explore/?q=jeu-14").text
    assert records["Mis à jour le"] == "15 mars 2025"
    records = {dt.text(): dd.text() for dt, dd in zip(en.find_all("dt"), en.find_all("dd"))}
    assert records["Records"] == "17,276 records"
    assert records["Updated on"] == "15 March 2025"
    assert en.find("time").attrs["datetime"] == "2025-03-15"
    english_doc = page(english, "/explore/")
    assert english_doc.find("html").attrs["lang"] == "en"
    assert english_doc.find("h1").text() == "Catalogue"


def test_untranslated_metadata_falls_back_to_the_other_language_marked(english):
    untranslated = next(d for d in PUBLIC if not d["titleEN"])
    card = page(english, f"/explore/?q={untranslated['id']}").find("li", id=f"dataset-{untranslated['id']}")
    link = card.find("h3").find("a")
    assert link.text() == untranslated["titleFR"]
    assert link.attrs["lang"] == "fr"


# Bad input


@pytest.mark.parametrize("value", ["0", "-1", "4", "abc", "1.5", "99999999999999999999999", ""])
def test_unknown_page_is_a_localized_404_with_a_way_back(visitor, english, value):
    for client, lang, back in ((visitor, "fr", "Parcourir le catalogue"), (english, "en", "Browse the catalogue")):
        resp = client.get(f"/explore/?page={value}")
        assert resp.status_code == 404, (value, resp.status_code)
        doc = dom(resp)
        assert doc.find("html").attrs["lang"] == lang
        assert doc.find("ul", cls="error-links").find("a", href="/explore/").text() == back
        assert doc.find("a", href="/") is not None


def test_huge_query_is_truncated_with_a_notice(visitor, english):
    doc = page(visitor, "/explore/?q=" + "a" * 5000)
    notices = [p.text() for p in doc.find_all("p", cls="notice")]
    assert any("200 caractères" in n and "4800" in n for n in notices), notices
    assert len(doc.find("form", role="search").find("input", name="q").attrs["value"]) == 200
    doc = page(english, "/explore/?q=" + "é" * 300)
    assert any("200 characters" in p.text() for p in doc.find_all("p", cls="notice"))


def test_unknown_refine_and_sort_are_ignored_with_a_notice(visitor, english):
    doc = page(visitor, "/explore/?refine.colour=blue&refine.theme=Transports&sort=popularity")
    notices = " ".join(p.text() for p in doc.find_all("p", cls="notice"))
    assert "« colour »" in notices and "« popularity »" in notices
    assert len(result_ids(doc)) == 15
    doc = page(english, "/explore/?refine.<script>=x")
    notices = " ".join(p.text() for p in doc.find_all("p", cls="notice"))
    assert "“<script>”" in notices
    assert "<script>=" not in english.get("/explore/?refine.<script>=x").text


@pytest.mark.parametrize("query", [
    "q=%00%ff%fe", "q=%", "refine.theme=" + "x" * 10000, "refine.=1", "refine.theme=", "sort=",
    "page=1&page=2", "q=" + "%C3%A9" * 2000, "refine.modified=not-a-year", "&&&==", "q=((()))&sort=-title",
    "&".join(f"refine.keyword=k{i}" for i in range(100)),
])
def test_hostile_queries_never_fail(visitor, query):
    resp = visitor.get("/explore/?" + query)
    assert resp.status_code in (200, 404), (query, resp.status_code)
    assert "<h1>" in resp.text
