"""HTTPS behind a trusted proxy (X-Forwarded-Proto from 127.0.0.1): Secure cookies, Referer rules, HSTS."""

import html

import pytest

from conftest import PASSWORD, USER
from web import CSRF_FAILED, Client, assert_cookie, assert_csrf_cookie, form_token, set_cookies

HTTPS = {"X-Forwarded-Proto": "https"}


def https_get(server, path, cookies=None):
    return Client(server).get(path, headers=HTTPS, cookies=cookies or {})


def https_post(server, path, data, cookies, referer=None, **headers):
    headers = {**HTTPS, **headers}
    if referer is not None:
        headers["Referer"] = referer
    return Client(server).post(path, data=data, cookies=cookies, headers=headers)


def fresh_csrf(server):
    resp = https_get(server, "/login")
    cookie = set_cookies(resp)["csrftoken"]
    return cookie, form_token(resp.text)


def test_csrf_cookie_secure_over_https(demo):
    cookie, _ = fresh_csrf(demo)
    assert_csrf_cookie(cookie, secure=True)


def test_forwarded_proto_ignored_without_trusted_proxy(plain):
    cookie, _ = fresh_csrf(plain)
    assert_csrf_cookie(cookie, secure=False)


def test_post_without_referer_rejected(demo):
    cookie, token = fresh_csrf(demo)
    resp = https_post(demo, "/i18n/setlang/", {"language": "en", "next": "/",
                                               "csrfmiddlewaretoken": token},
                      {"csrftoken": cookie.value})
    assert resp.status_code == 403
    body = html.unescape(resp.text)
    assert CSRF_FAILED in body and "Referer checking failed - no Referer." in body


def test_post_with_insecure_referer_rejected(demo):
    cookie, token = fresh_csrf(demo)
    resp = https_post(demo, "/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token},
                      {"csrftoken": cookie.value}, referer=demo.url("/"))
    assert resp.status_code == 403
    assert "Referer checking failed - Referer is insecure while host is secure." in \
        html.unescape(resp.text)


def test_post_with_foreign_referer_rejected(demo):
    cookie, token = fresh_csrf(demo)
    resp = https_post(demo, "/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token},
                      {"csrftoken": cookie.value}, referer="https://evil.example/")
    assert resp.status_code == 403
    assert "Referer checking failed - https://evil.example/ does not match any trusted origins." \
        in html.unescape(resp.text)


def test_post_with_same_host_https_referer_sets_secure_language(demo):
    cookie, token = fresh_csrf(demo)
    referer = f"https://127.0.0.1:{demo.port}/cookies"
    resp = https_post(demo, "/i18n/setlang/", {"language": "en", "next": "/",
                                               "csrfmiddlewaretoken": token},
                      {"csrftoken": cookie.value}, referer=referer)
    assert resp.status_code == 302
    assert_cookie(set_cookies(resp)["django_language"], 31536000, httponly=False, secure=True)


def test_setlang_next_must_be_https_on_https(demo):
    cookie, token = fresh_csrf(demo)
    insecure_next = f"http://127.0.0.1:{demo.port}/cookies"
    resp = https_post(demo, "/i18n/setlang/", {"language": "en", "next": insecure_next,
                                               "csrfmiddlewaretoken": token},
                      {"csrftoken": cookie.value}, referer=f"https://127.0.0.1:{demo.port}/")
    assert resp.status_code == 302
    assert not resp.headers["Location"].startswith("http://")


def test_login_and_consent_cookies_secure_over_https(demo):
    cookie, token = fresh_csrf(demo)
    referer = f"https://127.0.0.1:{demo.port}/login"
    login = https_post(demo, "/login", {"username": USER, "password": PASSWORD, "next": "/backoffice/",
                                        "csrfmiddlewaretoken": token},
                       {"csrftoken": cookie.value}, referer=referer)
    assert login.status_code == 302
    cookies = set_cookies(login)
    assert_cookie(cookies["sessionid"], 1209600, httponly=True, secure=True)
    assert_csrf_cookie(cookies["csrftoken"], secure=True)

    cookie, token = fresh_csrf(demo)
    choice = https_post(demo, "/cookies/preferences", {"action": "refuse_all", "next": "/",
                                                       "csrfmiddlewaretoken": token},
                        {"csrftoken": cookie.value}, referer=referer)
    assert choice.status_code in (302, 303)
    assert_cookie(set_cookies(choice)["cookies_preferences"], 15552000, httponly=True, secure=True)


def test_forwarded_host_honoured_from_trusted_proxy(demo):
    cookie, token = fresh_csrf(demo)
    data = {"language": "en", "next": "https://data.example.net/cookies", "csrfmiddlewaretoken": token}
    resp = https_post(demo, "/i18n/setlang/", data, {"csrftoken": cookie.value},
                      referer="https://data.example.net/", **{"X-Forwarded-Host": "data.example.net"})
    assert resp.status_code == 302
    assert resp.headers["Location"] in ("https://data.example.net/cookies", "/cookies")


def test_forwarded_headers_ignored_without_trusted_proxy(plain):
    cookie, token = fresh_csrf(plain)
    resp = https_post(plain, "/i18n/setlang/", {"language": "en", "next": "/",
                                                "csrfmiddlewaretoken": token},
                      {"csrftoken": cookie.value}, **{"X-Forwarded-Host": "data.example.net"})
    assert resp.status_code == 302, "X-Forwarded-Proto from an untrusted client must not enable Referer checks"
    assert not set_cookies(resp)["django_language"].attr("secure")


# --- Strict-Transport-Security ----------------------------------------------------------------

HSTS = "max-age=31536000"
HSTS_PATHS = ["/", "/explore", "/login", "/cookies", "/static/garona.css", "/no-such-page",
              "/api/explore/v2.1/catalog/datasets?limit=1", "/api/explore/v2.1/catalog/datasets?limit=-5"]


@pytest.mark.parametrize("path", HSTS_PATHS)
def test_hsts_on_every_https_answer(demo, path):
    resp = https_get(demo, path)
    # One year, this host only: no includeSubDomains (other hosts of the region's domain may be HTTP only).
    assert resp.headers.get("Strict-Transport-Security") == HSTS, (path, resp.status_code)


def test_hsts_on_https_redirects_and_posts(demo):
    cookie, token = fresh_csrf(demo)
    referer = f"https://127.0.0.1:{demo.port}/login"
    login = https_post(demo, "/login", {"username": USER, "password": PASSWORD, "next": "/backoffice/",
                                        "csrfmiddlewaretoken": token}, {"csrftoken": cookie.value}, referer=referer)
    assert login.status_code == 302
    assert login.headers.get("Strict-Transport-Security") == HSTS
    refused = https_post(demo, "/i18n/setlang/", {"language": "en"}, {})
    assert refused.status_code == 403 and refused.headers.get("Strict-Transport-Security") == HSTS


@pytest.mark.parametrize("path", HSTS_PATHS)
def test_no_hsts_over_plain_http(demo, path):
    resp = Client(demo).get(path)
    assert "Strict-Transport-Security" not in resp.headers, (path, resp.status_code)


def test_no_hsts_when_an_untrusted_client_claims_https(plain):
    resp = https_get(plain, "/")
    assert resp.status_code == 200 and "Strict-Transport-Security" not in resp.headers
