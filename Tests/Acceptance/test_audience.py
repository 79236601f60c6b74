"""Audience measurement without a single tracking cookie (issue 15), on both engines.

A headless Chromium and plain HTTP clients use a fresh demo portal with a distinctive user agent and a
distinctive address (believed through the trusted proxy's X-Forwarded-For); the figures of
/backoffice/audience.json must then be exactly what they did, minus what objected (Sec-GPC: 1, an objection
saved at /cookies/preferences), what a robot did and what a logged-in publisher did. No cookie beyond the
charter's four is ever set, and neither the address nor the user agent is anywhere in the database."""

import sqlite3

import pytest

from browser import Browser, check_jar, wait_for
from conftest import PASSWORD, USER, start_server
from front_pages import DATASET
from garona_server import postgres_skip_reason, psql, run_cli
from web import Client, form_token

AGENT = "Mozilla/5.0 (X11; Linux x86_64) GaronaAudienceProbe/7.3 distinctive-ua-5f1e"
ADDRESS = "198.51.100.77"
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
FOUR = {"sessionid", "csrftoken", "django_language", "cookies_preferences"}
SHAPE = {"from", "to", "pages", "datasets", "searches", "searches_without_results", "referrers"}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def portal(request, tmp_path_factory, tiles):
    if request.param == "postgres" and (reason := postgres_skip_reason()):
        pytest.skip(reason)
    server = start_server(tmp_path_factory, "--demo", "--tile-url", tiles.template, "--trusted-proxy", "127.0.0.1",
                          "--audience-flush-s", "1", engine=request.param)
    yield server
    server.stop()


def visitor(portal, **headers):
    return Client(portal, **{"User-Agent": AGENT, "X-Forwarded-For": ADDRESS, **headers})


def figures(publisher, query=""):
    resp = publisher.get("/backoffice/audience.json" + query)
    assert resp.status_code == 200, resp.status_code
    return resp.json()


def test_the_figures_are_what_visitors_did(portal):
    browser = Browser(portal.base)
    try:
        browser.driver.execute_cdp_cmd("Network.enable", {})
        browser.driver.execute_cdp_cmd("Network.setUserAgentOverride", {"userAgent": AGENT})
        browser.driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"X-Forwarded-For": ADDRESS}})
        for path in ["/", "/explore/", "/explore/?q=gares", f"/explore/dataset/{DATASET}/information/",
                     f"/explore/dataset/{DATASET}/table/", "/cookies"]:
            browser.open(path)
        assert set(browser.cookies()) <= FOUR
        check_jar(browser, FOUR)
    finally:
        browser.quit()

    http = visitor(portal)
    api = f"/api/explore/v2.1/catalog/datasets/{DATASET}"
    for _ in range(3):
        assert http.get(api + "/records?limit=1").status_code == 200
    for path in [api + "/exports/csv", api + "/exports/csv", api + "/exports/json"]:
        assert http.get(path).status_code == 200
    for _ in range(5):
        resp = http.get("/explore/?q=zzzunfound", headers={"Referer": "https://news.example.net/article?id=3"})
        assert resp.status_code == 200
    assert http.get("/", headers={"Referer": "https://rare.example.com/"}).status_code == 200
    # Not counted: a refused API call, Global Privacy Control, a robot.
    assert http.get(api + "/exports/nope").status_code == 400
    for _ in range(2):
        assert visitor(portal, **{"Sec-GPC": "1"}).get(f"/explore/dataset/{DATASET}/analyze/").status_code == 200
        assert visitor(portal, **{"User-Agent": BOT}).get(f"/explore/dataset/{DATASET}/export/").status_code == 200
    # Not counted: a visitor who objected on the preferences page (the box is ticked until then).
    objecting = visitor(portal)
    page = objecting.get("/cookies/preferences")
    assert 'name="audience_measurement" checked' in page.text
    resp = objecting.post("/cookies/preferences", data={"csrfmiddlewaretoken": form_token(page.text),
                                                        "action": "save", "next": "/"})
    assert resp.status_code == 302 and objecting.cookie("cookies_preferences")
    assert 'name="audience_measurement" checked' not in objecting.get("/cookies/preferences").text
    assert objecting.get(f"/explore/dataset/{DATASET}/api/").status_code == 200
    # Counted apart: a logged-in publisher.
    publisher = visitor(portal)
    assert publisher.login(USER, PASSWORD).status_code == 302
    assert publisher.get(f"/explore/dataset/{DATASET}/map/").status_code == 200
    # Counted apart: calls with an API key.
    made = run_cli("apikey", "create", "--data-dir", str(portal.data_dir),
                   *(["--database-url", portal.database_url] if portal.database_url else []),
                   "--username", USER, "--label", "audience")
    assert made.returncode == 0, made.stderr
    keyed = visitor(portal, Authorization="Apikey " + made.stdout.strip())
    for _ in range(4):
        assert keyed.get(api + "/records?limit=1").status_code == 200
    for client in (http, objecting, publisher, keyed):
        assert set(client.session.cookies.keys()) <= FOUR

    # The last request: once it is in the figures, everything counted before it is too (a flush takes them all).
    assert http.get("/cookies").status_code == 200
    assert wait_for(lambda: figures(publisher)["pages"]["charter"] == 2, timeout=30)
    report = figures(publisher)
    assert set(report) == SHAPE
    assert report["pages"] == {"home": 2, "catalog": 7, "information": 1, "table": 1, "map": 0, "analyze": 0,
                               "export": 0, "api": 0, "charter": 2}
    assert report["datasets"] == [{"dataset_id": DATASET, "page_views": 2, "downloads": {"csv": 2, "json": 1},
                                   "api_calls": 3}]
    # Words and hosts seen fewer than 5 times that day ("gares", rare.example.com) are not shown.
    assert report["searches"] == [{"q": "zzzunfound", "count": 5}]
    assert report["searches_without_results"] == [{"q": "zzzunfound", "count": 5}]
    assert report["referrers"] == [{"host": "news.example.net", "count": 5}]
    assert report["to"] > report["from"]
    # The front office shows the public figures: the information tab, the catalog API, the sort by popularity.
    def information_tab_counts():
        text = http.get(f"/explore/dataset/{DATASET}/information/").text
        return 'id="downloads-count">3<' in text and 'id="api-calls-count">3<' in text
    assert wait_for(information_tab_counts, timeout=30)
    explore = http.get(api).json()["metas"]["explore"]
    assert explore == {"download_count": 3, "api_call_count": 3}
    listed = {r["dataset_id"]: r["metas"]["explore"] for r in http.get("/api/explore/v2.1/catalog/datasets").json()["results"]}
    assert listed[DATASET] == explore and all(v == {"download_count": 0, "api_call_count": 0}
                                              for k, v in listed.items() if k != DATASET)
    popular = http.get("/explore/?sort=explore.popularity_score").text
    assert popular.index(f'href="/explore/dataset/{DATASET}/"') < min(
        popular.index(f'href="/explore/dataset/{other}/"') for other in listed if other != DATASET)
    page = publisher.get("/backoffice/audience/").text
    assert "clé d&#39;API</th><td class=\"number\">4<" in page
    assert "appels)</th><td class=\"number\">1<" in page
    before = figures(publisher, "?from=2020-01-01&to=2020-01-31")
    assert before["pages"]["home"] == 0 and before["datasets"] == [] and before["from"] == "2020-01-01"

    needles = [ADDRESS, "distinctive-ua-5f1e", "GaronaAudienceProbe"]
    if portal.database_url:
        tables = psql(portal.database_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").split()
        assert "audience_daily" in tables
        for table in tables:
            for needle in needles:
                found = psql(portal.database_url, f"SELECT count(*) FROM \"{table}\" t WHERE t::text LIKE '%{needle}%'")
                assert found.strip() == "0", (table, needle)
    else:
        with sqlite3.connect(f"file:{portal.data_dir / 'garona.sqlite'}?mode=ro", uri=True) as db:
            tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            assert "audience_daily" in tables
            for table in tables:
                for row in db.execute(f'SELECT * FROM "{table}"'):
                    text = " ".join(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row)
                    assert not any(needle in text for needle in needles), (table, row)


def test_the_back_office_pages_and_refusals(portal):
    publisher = visitor(portal)
    assert publisher.login(USER, PASSWORD).status_code == 302
    page = publisher.get("/backoffice/audience/")
    assert page.status_code == 200 and "<svg" in page.text and "audience-datasets-table" in page.text
    csv = publisher.get("/backoffice/audience.csv?from=2026-01-01&to=2026-12-31")
    assert csv.status_code == 200 and csv.text.startswith("\ufeffday;channel;metric;dataset_id;dimension;count")
    for query in ["?from=2026-13-01", "?to=yesterday", "?from=2026-02-30", "?from=2026-05-02&to=2026-05-01",
                  "?from=2020-01-01&to=2026-01-01"]:
        resp = publisher.get("/backoffice/audience.json" + query)
        assert resp.status_code == 400 and resp.json()["error_code"] == "InvalidDate", query
        assert publisher.get("/backoffice/audience/" + query).status_code == 400
    # Logged out: to the login page.
    resp = visitor(portal).get("/backoffice/audience.json")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def test_the_audience_pages_are_accessible_in_both_languages(portal):
    """axe-core finds no serious or critical violation on the back-office figures (with their charts), the
    preferences page and the charter, in French and in English."""
    if portal.database_url:
        pytest.skip("the same pages as on SQLite")
    from axe_selenium_python import Axe

    browser = Browser(portal.base)
    try:
        browser.open("/login")
        browser.find('#login-form [name="username"]')[0].send_keys(USER)
        browser.find('#login-form [name="password"]')[0].send_keys(PASSWORD)
        browser.click('#login-form [type="submit"]')
        for lang in ("fr", "en"):
            browser.driver.add_cookie({"name": "django_language", "value": lang, "path": "/"})
            for path in ("/backoffice/audience/", "/cookies/preferences", "/cookies"):
                browser.open(path)
                assert browser.lang == lang
                assert browser.find("svg[role=img] title") or path != "/backoffice/audience/"
                axe = Axe(browser.driver)
                axe.inject()
                results = axe.run(options='{"resultTypes": ["violations"]}')
                blocking = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
                assert not blocking, f"{path} ({lang}): " + axe.report(blocking)
    finally:
        browser.quit()
