"""Every HTML page: language, security headers, footer link, language switch, CSRF token."""

import re

import pytest

from web import assert_csrf_cookie, dom, set_cookies, unmask

PAGES = ["/", "/login", "/cookies", "/cookies/preferences", "/no-such-page"]


def status_for(path):
    return 404 if path == "/no-such-page" else 200


def csp_directives(header):
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


@pytest.mark.parametrize("path", PAGES)
def test_security_headers(client, path):
    resp = client.get(path)
    assert resp.status_code == status_for(path)
    assert resp.headers["Content-Type"].startswith("text/html")
    csp = csp_directives(resp.headers["Content-Security-Policy"])
    assert csp.get("frame-ancestors") == ["'none'"]
    script_src = csp.get("script-src", csp.get("default-src"))
    assert script_src is not None, "no script-src nor default-src"
    assert "'unsafe-inline'" not in script_src
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("accept, lang, manage", [
    (None, "fr", "Gérer les cookies"), ("en-GB,en;q=0.9", "en", "Manage cookies")])
def test_language_footer_and_switch(client, path, accept, lang, manage):
    headers = {"Accept-Language": accept} if accept else {}
    resp = client.get(path, headers=headers)
    assert resp.status_code == status_for(path)
    assert resp.headers["Content-Language"] == lang
    vary = [v.strip().lower() for v in resp.headers.get("Vary", "").split(",")]
    assert "accept-language" in vary
    page = dom(resp)
    assert page.find("html").attrs.get("lang") == lang
    footer = page.find("footer")
    assert footer is not None
    assert any(a.text() == manage for a in footer.find_all("a", href="/cookies/preferences"))

    form = page.find("form", cls="language-form")
    assert form is not None
    assert form.attrs.get("method", "").lower() == "post"
    assert form.attrs.get("action") == "/i18n/setlang/"
    assert form.find("input", type="hidden", name="csrfmiddlewaretoken") is not None
    assert form.find("input", type="hidden", name="next") is not None
    for code in ("en", "fr"):
        assert form.find("button", name="language", value=code) is not None, code


@pytest.mark.parametrize("path", PAGES)
def test_every_form_has_fresh_masked_token_matching_cookie(client, path):
    first = client.get(path)
    cookie = set_cookies(first).get("csrftoken")
    assert_csrf_cookie(cookie)
    tokens = [f.attrs["value"] for f in dom(first).find_all("input", name="csrfmiddlewaretoken")]
    assert tokens
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9]{64}", token), token
        assert unmask(token) == cookie.value
    second = client.get(path)
    again = [f.attrs["value"] for f in dom(second).find_all("input", name="csrfmiddlewaretoken")]
    assert set(again).isdisjoint(tokens), "masked token reused"
    assert all(unmask(t) == cookie.value for t in again)
    resent = set_cookies(second).get("csrftoken")
    assert resent is None or resent.value == cookie.value, "valid secret replaced on GET"


def test_404_page_in_visitor_language(client):
    fr = client.get("/no-such-page")
    en = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert fr.status_code == en.status_code == 404
    assert dom(fr).find("html").attrs["lang"] == "fr"
    assert dom(en).find("html").attrs["lang"] == "en"
    assert fr.text != en.text


def test_healthz(client):
    assert client.get("/healthz").status_code == 200


def test_plain_home_sets_no_session(client):
    resp = client.get("/")
    assert resp.status_code == 200
    assert "sessionid" not in set_cookies(resp)
    assert set(set_cookies(resp)) <= {"csrftoken"}


@pytest.mark.parametrize("path", ["/api/explore/v2.1/", "/api/explore/v2.1/catalog/datasets",
                                  "/api/nothing-here"])
def test_api_never_sets_cookies(client, path):
    legacy = "A" * 64
    for cookies in ({}, {"csrftoken": "short"}, {"csrftoken": legacy},
                    {"sessionid": "abcdefghijklmnopqrstuvwxyz012345"},
                    {"cookies_preferences": "tampered"}):
        resp = client.get(path, cookies=cookies, headers={"Accept-Language": "en"})
        assert resp.status_code < 500
        assert resp.raw.headers.getlist("Set-Cookie") == [], (cookies, resp.headers)
        client.session.cookies.clear()


@pytest.mark.parametrize("path", ["/login", "/i18n/setlang/", "/cookies/preferences", "/logout"])
@pytest.mark.parametrize("body", [b"%zz&&==&csrfmiddlewaretoken=%", b"\xff\xfe\x00garbage",
                                  b"a=" + b"x" * 200000])
def test_malformed_posts_never_500(client, path, body):
    client.get("/login")
    resp = client.post(path, data=body,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert 400 <= resp.status_code < 500, resp.status_code
    assert "Traceback" not in resp.text and "Fatal error" not in resp.text
