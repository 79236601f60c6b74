"""sessionid: login, fixation, forged keys, logout, backoffice access, throttling."""

import re
import time
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from conftest import PASSWORD, USER, start_server
from web import Client, assert_cookie, assert_csrf_cookie, dom, form_token, set_cookies

FORGED = "abcdefghijklmnopqrstuvwxyz012345"


def location(resp):
    return urlsplit(urljoin(resp.url, resp.headers["Location"]))


def test_backoffice_redirects_to_login_when_logged_out(client):
    resp = client.get("/backoffice/")
    assert resp.status_code == 302
    target = location(resp)
    assert target.path == "/login"
    assert parse_qs(target.query) == {"next": ["/backoffice/"]}
    assert "sessionid" not in set_cookies(resp)


def test_login_form(client):
    form = dom(client.get("/login", params={"next": "/backoffice/"})).find("form", id="login-form")
    assert form is not None and form.attrs.get("method", "").lower() == "post"
    for name in ("username", "password"):
        assert form.find("input", name=name) is not None
    for name in ("csrfmiddlewaretoken", "next"):
        assert form.find("input", type="hidden", name=name) is not None
    assert form.find("input", name="next").attrs.get("value") == "/backoffice/"


def test_login_sets_session_and_rotates_csrf(client):
    before = client.get("/login")
    old_secret = set_cookies(before)["csrftoken"].value
    old_token = form_token(before.text)
    resp = client.post("/login", data={"username": USER, "password": PASSWORD,
                                       "csrfmiddlewaretoken": old_token, "next": "/backoffice/"})
    assert resp.status_code == 302
    assert location(resp).path == "/backoffice/"
    cookies = set_cookies(resp)
    session = cookies.get("sessionid")
    assert_cookie(session, 1209600, httponly=True)
    assert re.fullmatch(r"[a-z0-9]{32}", session.value), session.value
    assert_csrf_cookie(cookies.get("csrftoken"))
    assert cookies["csrftoken"].value != old_secret

    page = client.get("/backoffice/")
    assert page.status_code == 200
    doc = dom(page)
    assert doc.find("h1") is not None and doc.find("h1").text()
    logout = doc.find("form", action="/logout")
    assert logout is not None and logout.attrs.get("method", "").lower() == "post"
    assert logout.find("button") is not None or logout.find("input", type="submit") is not None

    # a form rendered before login carries a token of the old secret
    stale = client.post("/logout", data={"csrfmiddlewaretoken": old_token})
    assert stale.status_code == 403
    assert "CSRF token from POST incorrect." in stale.text


def test_wrong_password_sets_no_session(client):
    resp = client.post("/login", data={"username": USER, "password": "not-the-password!",
                                       "csrfmiddlewaretoken": client.token(), "next": "/backoffice/"})
    assert resp.status_code in (200, 400, 401, 403)
    assert "sessionid" not in set_cookies(resp)
    assert dom(resp).find("form", id="login-form") is not None


def test_login_next_to_other_host_not_followed(client):
    resp = client.login(USER, PASSWORD, next_="http://evil.example/")
    assert resp.status_code == 302
    target = location(resp)
    assert target.hostname == "127.0.0.1"


def test_forged_session_key_is_not_adopted(client):
    client.session.cookies.set("sessionid", FORGED)
    resp = client.get("/backoffice/")
    assert resp.status_code == 302
    again = set_cookies(resp).get("sessionid")
    assert again is None or again.deleted or again.value != FORGED
    login = client.login(USER, PASSWORD)
    assert login.status_code == 302
    issued = set_cookies(login).get("sessionid")
    assert issued is not None and issued.value != FORGED and not issued.deleted


def test_session_key_changes_at_each_login(demo):
    keys = {set_cookies(Client(demo).login(USER, PASSWORD))["sessionid"].value for _ in range(2)}
    assert len(keys) == 2


def test_logout_get_is_405(logged_in):
    assert logged_in.get("/logout").status_code == 405
    assert logged_in.get("/backoffice/").status_code == 200


def test_logout_deletes_session_keeps_language(logged_in, demo):
    token = form_token(logged_in.get("/backoffice/").text)
    lang = logged_in.post("/i18n/setlang/", data={"language": "en", "next": "/",
                                                  "csrfmiddlewaretoken": token})
    assert lang.status_code == 302
    old_key = logged_in.cookie("sessionid")
    token = form_token(logged_in.get("/backoffice/").text)
    resp = logged_in.post("/logout", data={"csrfmiddlewaretoken": token})
    assert resp.status_code in (302, 303)
    assert "no-store" in resp.headers.get("Cache-Control", "")
    cookies = set_cookies(resp)
    assert cookies["sessionid"].deleted
    assert "django_language" not in cookies or not cookies["django_language"].deleted
    assert logged_in.cookie("django_language") == "en"

    replay = Client(demo).get("/backoffice/", cookies={"sessionid": old_key})
    assert replay.status_code == 302
    assert location(replay).path == "/login"


def test_logout_requires_csrf(logged_in):
    resp = logged_in.post("/logout", data={})
    assert resp.status_code == 403
    assert logged_in.get("/backoffice/").status_code == 200


@pytest.fixture(scope="module")
def throttled(tmp_path_factory):
    server = start_server(tmp_path_factory, users=(("erin", PASSWORD),))
    yield server
    server.stop()


def test_login_throttled_after_five_failures(throttled):
    client = Client(throttled)
    token = client.token()
    for attempt in range(5):
        resp = client.post("/login", data={"username": "erin", "password": f"wrong-{attempt}-xxxxx",
                                           "csrfmiddlewaretoken": token})
        assert resp.status_code != 429, f"throttled too early at attempt {attempt + 1}"
        assert "sessionid" not in set_cookies(resp)
    sixth = client.post("/login", data={"username": "erin", "password": PASSWORD,
                                        "csrfmiddlewaretoken": token})
    assert sixth.status_code == 429
    assert "sessionid" not in set_cookies(sixth)
    assert dom(sixth).find("html") is not None and len(dom(sixth).text()) > 20


def test_logs_hold_no_secrets(demo):
    client = Client(demo)
    resp = client.login(USER, PASSWORD)
    secrets = [PASSWORD, client.cookie("sessionid"), client.cookie("csrftoken")]
    assert all(secrets), secrets
    client.get("/backoffice/")
    time.sleep(0.5)
    logs = "\n".join(demo.stdout_lines + demo.stderr_lines)
    assert resp.status_code == 302 and logs
    for secret in secrets:
        assert secret not in logs
