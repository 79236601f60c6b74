"""django_language and /i18n/setlang/: Django's set_language and LocaleMiddleware semantics."""

from urllib.parse import urljoin, urlsplit

import pytest

from web import Client, assert_cookie, dom, set_cookies


def lang_of(resp):
    assert resp.status_code == 200, resp.status_code
    page_lang = dom(resp).find("html").attrs.get("lang")
    assert resp.headers["Content-Language"] == page_lang
    return page_lang


def target(resp):
    parts = urlsplit(urljoin(resp.url, resp.headers["Location"]))
    return parts.netloc, parts.path


@pytest.mark.parametrize("header, expected", [
    ("en-GB,en;q=0.9", "en"), ("en-us", "en"), ("de", "fr"), ("de,en;q=0.5", "en"),
    ("en;q=0.5,fr;q=0.9", "fr"), ("", "fr"), ("en;q=0.1234", "fr"), ("*", "fr")])
def test_accept_language(client, header, expected):
    assert lang_of(client.get("/", headers={"Accept-Language": header})) == expected


def test_cookie_beats_header(client):
    resp = client.get("/", headers={"Accept-Language": "fr"}, cookies={"django_language": "en"})
    assert lang_of(resp) == "en"
    resp = client.get("/", headers={"Accept-Language": "en"}, cookies={"django_language": "fr"})
    assert lang_of(resp) == "fr"


def test_unsupported_cookie_is_ignored(client):
    resp = client.get("/", headers={"Accept-Language": "en"}, cookies={"django_language": "zz"})
    assert lang_of(resp) == "en"


def test_long_header_read_up_to_last_comma_before_500(client):
    filler = "".join(f"x{a}{b};q=0.1," for a in "abcdef" for b in "abcdefghij")  # 60 x 10
    header = "de;q=0.9,en;q=0.8," + filler + "fr;q=1.0"
    assert len(header) > 500 and header.index("fr;q=1.0") > 500
    assert lang_of(client.get("/", headers={"Accept-Language": header})) == "en"


def test_single_over_long_range_is_ignored(client):
    header = "a" * 600 + ",en"
    assert lang_of(client.get("/", headers={"Accept-Language": header})) == "fr"


def test_setlang_post_sets_cookie_and_redirects(client):
    token = client.token("/cookies")
    resp = client.post("/i18n/setlang/", data={"language": "en", "next": "/cookies",
                                               "csrfmiddlewaretoken": token})
    assert resp.status_code == 302
    assert target(resp)[1] == "/cookies"
    cookie = set_cookies(resp).get("django_language")
    assert cookie is not None and cookie.value == "en"
    assert_cookie(cookie, 31536000, httponly=False)
    assert lang_of(client.get("/cookies")) == "en"


@pytest.mark.parametrize("code", ["zz", "de", ""])
def test_setlang_unsupported_language_sets_nothing(client, code):
    token = client.token("/")
    resp = client.post("/i18n/setlang/", data={"language": code, "next": "/",
                                               "csrfmiddlewaretoken": token})
    assert resp.status_code == 302
    assert "django_language" not in set_cookies(resp)


def test_setlang_get_redirects_and_sets_nothing(client):
    resp = client.get("/i18n/setlang/", params={"language": "en", "next": "/cookies"})
    assert resp.status_code == 302
    assert set_cookies(resp).get("django_language") is None


@pytest.mark.parametrize("evil", ["http://evil.example/", "//evil.example/", "javascript:alert(1)",
                                  "https://evil.example/x"])
def test_setlang_unsafe_next_falls_back(client, demo, evil):
    token = client.token("/")
    data = {"language": "en", "next": evil, "csrfmiddlewaretoken": token}
    with_referer = client.post("/i18n/setlang/", data=data,
                               headers={"Referer": demo.url("/cookies")})
    assert with_referer.status_code == 302
    assert target(with_referer) == (f"127.0.0.1:{demo.port}", "/cookies")
    evil_referer = client.post("/i18n/setlang/", data=data,
                               headers={"Referer": "http://evil.example/page"})
    assert target(evil_referer) == (f"127.0.0.1:{demo.port}", "/")
    bare = client.post("/i18n/setlang/", data=data)
    assert target(bare) == (f"127.0.0.1:{demo.port}", "/")
    assert set_cookies(bare)["django_language"].value == "en"


def test_setlang_non_html_client_without_next_gets_204(client):
    token = client.token("/")
    resp = client.post("/i18n/setlang/", data={"language": "en", "csrfmiddlewaretoken": token},
                       headers={"Accept": "application/json"})
    assert resp.status_code == 204
    assert resp.content == b""
    assert set_cookies(resp)["django_language"].value == "en"


def test_setlang_requires_csrf(demo):
    resp = Client(demo).post("/i18n/setlang/", data={"language": "en", "next": "/"})
    assert resp.status_code == 403
    assert "django_language" not in set_cookies(resp)
