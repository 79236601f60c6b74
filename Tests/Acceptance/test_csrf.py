"""CSRF: Django 5.2's checks, order and exact rejection reasons, on POST /i18n/setlang/."""

import html

import pytest

from conftest import TRUSTED_ORIGIN
from web import CSRF_FAILED, Client, assert_csrf_cookie, form_token, mask, random_secret, \
    set_cookies, unmask

assert TRUSTED_ORIGIN == "https://*.example.org"


def secret_and_token(demo):
    """A fresh visitor's csrftoken secret and a masked token from a page."""
    resp = Client(demo).get("/login")
    return set_cookies(resp)["csrftoken"].value, form_token(resp.text)


def setlang(demo, cookie=None, token=None, header=None, origin=None):
    headers = {}
    if header is not None:
        headers["X-CSRFToken"] = header
    if origin is not None:
        headers["Origin"] = origin
    data = {"language": "fr", "next": "/"}
    if token is not None:
        data["csrfmiddlewaretoken"] = token
    cookies = {"csrftoken": cookie} if cookie is not None else {}
    return Client(demo).post("/i18n/setlang/", data=data, headers=headers, cookies=cookies)


def assert_rejected(resp, reason):
    assert resp.status_code == 403, resp.status_code
    assert resp.headers["Content-Type"].startswith("text/html")
    body = html.unescape(resp.text)
    assert CSRF_FAILED in body
    assert reason in body, body[:2000]


def test_unmask_recovers_cookie_secret(demo):
    secret, token = secret_and_token(demo)
    assert len(token) == 64 and unmask(token) == secret


@pytest.mark.parametrize("kind", ["masked", "unmasked"])
def test_form_token_accepted(demo, kind):
    secret, token = secret_and_token(demo)
    resp = setlang(demo, cookie=secret, token=token if kind == "masked" else secret)
    assert resp.status_code == 302


@pytest.mark.parametrize("kind", ["masked", "unmasked"])
def test_header_token_accepted_when_field_absent(demo, kind):
    secret, token = secret_and_token(demo)
    resp = setlang(demo, cookie=secret, header=token if kind == "masked" else secret)
    assert resp.status_code == 302


def test_token_we_mask_ourselves_is_accepted(demo):
    secret, _ = secret_and_token(demo)
    assert setlang(demo, cookie=secret, token=mask(secret)).status_code == 302


def test_no_cookie(demo):
    _, token = secret_and_token(demo)
    assert_rejected(setlang(demo, token=token), "CSRF cookie not set.")


def test_token_missing(demo):
    secret, _ = secret_and_token(demo)
    assert_rejected(setlang(demo, cookie=secret), "CSRF token missing.")


def test_token_incorrect_length(demo):
    secret, _ = secret_and_token(demo)
    assert_rejected(setlang(demo, cookie=secret, token="abc123"),
                    "CSRF token from POST has incorrect length.")


@pytest.mark.parametrize("kind", ["masked", "unmasked"])
def test_token_incorrect(demo, kind):
    secret, _ = secret_and_token(demo)
    other = random_secret()
    assert_rejected(setlang(demo, cookie=secret, token=mask(other) if kind == "masked" else other),
                    "CSRF token from POST incorrect.")


def test_header_token_incorrect(demo):
    secret, _ = secret_and_token(demo)
    assert_rejected(setlang(demo, cookie=secret, header=mask(random_secret())),
                    "CSRF token from the 'X-Csrftoken' HTTP header incorrect.")


def test_foreign_origin_rejected_before_token(demo):
    secret, token = secret_and_token(demo)
    assert_rejected(setlang(demo, cookie=secret, token=token, origin="http://evil.example"),
                    "Origin checking failed - http://evil.example does not match any trusted origins.")


def test_null_origin_rejected(demo):
    secret, token = secret_and_token(demo)
    assert_rejected(setlang(demo, cookie=secret, token=token, origin="null"),
                    "Origin checking failed - null does not match any trusted origins.")


def test_own_origin_accepted(demo):
    secret, token = secret_and_token(demo)
    assert setlang(demo, cookie=secret, token=token, origin=demo.base).status_code == 302


def test_wildcard_trusted_origin_is_scheme_specific(demo):
    secret, token = secret_and_token(demo)
    ok = setlang(demo, cookie=secret, token=token, origin="https://sub.example.org")
    assert ok.status_code == 302
    assert_rejected(setlang(demo, cookie=secret, token=token, origin="http://sub.example.org"),
                    "Origin checking failed - http://sub.example.org does not match any trusted origins.")


def test_malformed_cookie_rejected_and_replaced(demo):
    _, token = secret_and_token(demo)
    resp = setlang(demo, cookie="tooShort", token=token)
    assert_rejected(resp, "CSRF cookie has incorrect length.")
    fresh = set_cookies(resp).get("csrftoken")
    assert_csrf_cookie(fresh)
    assert fresh.value != "tooShort"


def test_legacy_masked_cookie_accepted_and_replaced_by_secret(demo):
    secret = random_secret()
    legacy = mask(secret)
    assert setlang(demo, cookie=legacy, token=mask(secret)).status_code == 302
    page = Client(demo).get("/login", cookies={"csrftoken": legacy})
    assert page.status_code == 200
    cookie = set_cookies(page).get("csrftoken")
    assert_csrf_cookie(cookie)
    assert cookie.value == secret
    assert unmask(form_token(page.text)) == secret


def test_safe_methods_not_checked(demo):
    client = Client(demo, Origin="http://evil.example")
    assert client.get("/login").status_code == 200
    assert client.request("OPTIONS", "/login").status_code != 403


def test_head_is_answered_like_get(demo):
    for path in ("/login", "/healthz", "/cookies"):
        resp = Client(demo, Origin="http://evil.example").request("HEAD", path)
        assert resp.status_code == 200, (path, resp.status_code)
        assert resp.content == b""
