"""Issue 14: the services that need consent, declared in the back office and in force at once, and the consent
figures for the data protection officer. Runs on the engine of GARONA_TEST_ENGINE."""

import csv
import datetime
import io

import pytest

from browser import Browser, assert_axe_clean, log_in
from conftest import PASSWORD, USER, start_server
from garona_server import create_user, run_cli
from web import CSRF_FAILED, Client, dom, set_cookies

ADMIN_ONLY_EN = "This page and its actions are for administrators only."
VIDEO = {
    "id": "video", "name_fr": "Vidéos", "name_en": "Videos", "provider": "Video host", "category": "third_party",
    "purpose_fr": "Lire les vidéos intégrées", "purpose_en": "Play embedded videos",
    "hosts": "video.example.org\nhttp://cdn.example.org:8080",
    "cookie_name_0": "vid_pref", "cookie_lifetime_fr_0": "6 mois", "cookie_lifetime_en_0": "6 months",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_server(tmp_path_factory)
    create_user(srv.data_dir, "editor1", PASSWORD, role="editor", database_url=srv.database_url)
    yield srv
    srv.stop()


def logged_in(server, username=USER):
    client = Client(server)
    assert client.login(username, PASSWORD).status_code == 302
    return client


def post(client, path, page, **data):
    return client.post(path, data={"csrfmiddlewaretoken": client.token(page), **data})


def choose(server, action, cookies=None, **fields):
    """A visitor's choice on the preferences page; returns the new cookies_preferences value."""
    client = Client(server)
    for name, value in (cookies or {}).items():
        client.session.cookies.set(name, value)
    resp = post(client, "/cookies/preferences", "/cookies/preferences", action=action, next="/", **fields)
    assert resp.status_code == 302, resp.status_code
    return set_cookies(resp)["cookies_preferences"].value


def charter_json(server):
    return Client(server).get("/cookies.json").json()


def banner_for(server, consent):
    client = Client(server)
    if consent:
        client.session.cookies.set("cookies_preferences", consent)
    return 'id="cookie-banner"' in client.get("/").text


def test_a_service_added_edited_and_removed_is_in_force_at_once(server):
    admin = logged_in(server)
    before = charter_json(server)
    assert before["services"] == [] and not banner_for(server, None)

    resp = post(admin, "/backoffice/services/new", "/backoffice/services/new", **VIDEO)
    assert resp.status_code == 303 and resp.headers["Location"] == "/backoffice/services/?saved=1"
    listing = admin.get("/backoffice/services/")
    assert listing.status_code == 200 and "vid_pref (6 mois)" in listing.text

    data = charter_json(server)
    assert [s["id"] for s in data["services"]] == ["video"]
    assert data["services"][0]["origins"] == ["https://video.example.org", "http://cdn.example.org:8080"]
    assert "vid_pref" in {c["name"] for c in data["cookies"]}
    assert data["policy_version"] != before["policy_version"]
    assert "Vidéos" in Client(server).get("/cookies").text
    assert banner_for(server, None)

    # The CSP opens the service's origins once the visitor accepts it, and not before.
    consent = choose(server, "accept_all")
    visitor = Client(server)
    assert "video.example.org" not in visitor.get("/").headers["Content-Security-Policy"]
    visitor.session.cookies.set("cookies_preferences", consent)
    csp = visitor.get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://video.example.org http://cdn.example.org:8080" in csp
    assert not banner_for(server, consent)

    # A new purpose changes nothing that needs consent: the stored choice stands.
    edited = {**VIDEO, "purpose_en": "Play the embedded videos"}
    edited.pop("id")
    assert post(admin, "/backoffice/services/video", "/backoffice/services/video", **edited).status_code == 303
    assert charter_json(server)["policy_version"] == data["policy_version"]
    assert not banner_for(server, consent)
    # A new host does: the policy version changes and the visitor is asked again.
    edited["hosts"] += "\nimg.example.org"
    assert post(admin, "/backoffice/services/video", "/backoffice/services/video", **edited).status_code == 303
    assert charter_json(server)["policy_version"] != data["policy_version"]
    assert banner_for(server, consent)

    resp = post(admin, "/backoffice/services/video/delete", "/backoffice/services/")
    assert resp.status_code == 303
    assert charter_json(server)["services"] == [] and not banner_for(server, None)
    assert admin.get("/backoffice/services/video").status_code == 404

    audit = admin.get("/backoffice/audit/", params={"action": "services"})
    assert audit.status_code == 200
    rows = [[td.text() for td in tr.find_all("td")][1:] for tr in dom(audit).find_all("tr")[1:]]
    details = [row[3] for row in rows if row[0] == USER and row[2] == "video"]
    assert details[0] == "remove" and details[1].startswith("edit; policy " + data["policy_version"] + " -> ")
    assert details[2:] == ["edit", "add; policy " + before["policy_version"] + " -> " + data["policy_version"]]


@pytest.mark.parametrize("field, value, message", [
    ("hosts", "video.example.org; script-src *", "is neither a hostname nor an origin"),
    ("hosts", "https://video.example.org/path", "is neither a hostname nor an origin"),
    ("cookie_name_0", "bad name", "is not a cookie name"),
    ("cookie_name_0", "sessionid", "is already declared"),
    ("cookie_lifetime_en_0", "", "needs a lifetime in French and English"),
    ("id", "Bad Id", "The identifier must have"),
    ("category", "necessary", "Choose a category that needs consent"),
    ("purpose_fr", "", "required in French and English"),
])
def test_an_unusable_service_is_refused_with_its_reason(server, field, value, message):
    admin = logged_in(server)
    admin.session.cookies.set("django_language", "en")
    resp = post(admin, "/backoffice/services/new", "/backoffice/services/new", **{**VIDEO, "id": "refused", field: value})
    assert resp.status_code == 400 and message in resp.text
    assert charter_json(server)["services"] == []


def test_editors_get_403_and_every_post_needs_the_csrf_token(server):
    editor = logged_in(server, "editor1")
    editor.session.cookies.set("django_language", "en")
    for path in ["/backoffice/services/", "/backoffice/services/new", "/backoffice/consents/",
                 "/backoffice/consents.json", "/backoffice/consents.csv"]:
        resp = editor.get(path)
        assert resp.status_code == 403 and ADMIN_ONLY_EN in resp.text, path
    resp = post(editor, "/backoffice/services/new", "/cookies/preferences", **VIDEO)
    assert resp.status_code == 403 and ADMIN_ONLY_EN in resp.text
    admin = logged_in(server)
    resp = admin.post("/backoffice/services/new", data=VIDEO)
    assert resp.status_code == 403 and CSRF_FAILED in resp.text
    assert charter_json(server)["services"] == []
    assert Client(server).get("/backoffice/services/").status_code == 302


def test_consent_figures_count_each_kind_per_day(server):
    admin = logged_in(server)
    assert post(admin, "/backoffice/services/new", "/backoffice/services/new",
                **{**VIDEO, "id": "maps", "cookie_name_0": "maps_pref"}).status_code == 303
    before = admin.get("/backoffice/consents.json").json()
    accepted = choose(server, "accept_all")
    choose(server, "refuse_all")
    choose(server, "save", category_third_party="on")
    choose(server, "refuse_all", cookies={"cookies_preferences": accepted})
    post(admin, "/backoffice/services/maps/delete", "/backoffice/services/")

    figures = admin.get("/backoffice/consents.json").json()
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    added = {kind: figures["by_choice"][kind] - before["by_choice"][kind] for kind in figures["by_choice"]}
    assert added == {"accept_all": 1, "refuse_all": 1, "custom": 1, "withdrawn": 1}
    assert figures["total"] - before["total"] == 4
    assert figures["by_day"][-1]["day"] == today and len(figures["by_day"]) == 30
    assert figures["by_day"][-1]["custom_by_category"]["third_party"] >= 1
    assert figures["policy_version"] == charter_json(server)["policy_version"]
    assert not {"ip", "services", "session", "user"} & set(figures)

    assert admin.get("/backoffice/consents.json", params={"from": "2026-13-01"}).status_code == 400
    assert admin.get("/backoffice/consents.json", params={"from": today, "to": "2001-01-01"}).status_code == 400
    one_day = admin.get("/backoffice/consents.json", params={"from": today, "to": today}).json()
    assert [day["day"] for day in one_day["by_day"]] == [today] and one_day["total"] == figures["by_day"][-1][
        "accept_all"] + figures["by_day"][-1]["refuse_all"] + figures["by_day"][-1]["custom"] + figures["by_day"][-1][
        "withdrawn"]

    download = admin.get("/backoffice/consents.csv", params={"from": today, "to": today})
    assert download.status_code == 200 and download.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["day", "accept_all", "refuse_all", "custom", "withdrawn"]
    assert rows[1][0] == today and int(rows[1][4]) >= 1

    page = admin.get("/backoffice/consents/")
    assert page.status_code == 200
    svg = dom(page).find("svg")
    assert svg.find("title") is not None and svg.find("desc") is not None
    assert figures["policy_version"] in page.text


@pytest.mark.parametrize("hours", ["0", "8761", "x"])
def test_the_job_retention_is_checked_before_the_server_starts(tmp_path, hours):
    done = run_cli("serve", "--data-dir", str(tmp_path), "--job-retention-hours", hours, timeout=30)
    assert done.returncode != 0 and "job-retention-hours" in done.stderr


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_services_and_consents_pages_pass_axe(server, lang):
    admin = logged_in(server)
    assert post(admin, "/backoffice/services/new", "/backoffice/services/new", **{**VIDEO, "id": "axe_" + lang,
                                                                                 "cookie_name_0": "axe_" + lang}
                ).status_code == 303
    browser = Browser(server.base)
    try:
        log_in(browser, USER, PASSWORD, lang)
        assert_axe_clean(browser, ["/backoffice/services/", "/backoffice/services/new",
                                   f"/backoffice/services/axe_{lang}", "/backoffice/consents/"], lang)
    finally:
        browser.quit()
        post(admin, f"/backoffice/services/axe_{lang}/delete", "/backoffice/services/")
