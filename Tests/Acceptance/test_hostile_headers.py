"""Hostile page parameters and headers (issue 10): huge page numbers on the front office, huge or malformed
Cookie, Accept-Language, Authorization and X-Forwarded-* headers. Every one gets a normal answer or a 4xx, never
a 5xx, and the process lives on. The forwarded headers are sent both to `demo`, which trusts 127.0.0.1 as a proxy
and so parses them, and to `plain`, which ignores them."""

import socket

import pytest
import requests

GARES = "/explore/dataset/gares-occitanie"
API = "/api/explore/v2.1/catalog/datasets"
PAGES = ["/", "/explore/", GARES + "/table/", API, GARES + "/export/"]


def assert_alive(server):
    """The process has not exited and the home page answers."""
    assert server.proc.poll() is None, f"garona exited with {server.proc.returncode}: {server.stderr_lines[-5:]}"
    assert requests.get(server.url("/"), timeout=30).status_code == 200


def label(value):
    return repr(value)[:50]


# (path, page number, the status a page number past the last page gets: the catalog and the table say 404).
PAGE_NUMBERS = [
    ("/explore/", "99999999999999999999", 404),
    ("/explore/", "9223372036854775807", 404),
    ("/explore/", "9223372036854775808", 404),
    ("/explore/", "-9223372036854775808", 404),
    ("/explore/", "1e400", 404),
    ("/explore/", "nan", 404),
    (GARES + "/table/", "99999999999999999999", 404),
    (GARES + "/table/", "9223372036854775807", 404),
    (GARES + "/table/", "461168601842738791", 404),
    (GARES + "/table/", "-9223372036854775808", 200),  # ignored, and said so
    (GARES + "/table/", "1e400", 200),
    (GARES + "/table/", "-0", 200),
    (GARES + "/map/", "99999999999999999999", 200),  # tabs without pages ignore it
    (GARES + "/analyze/", "99999999999999999999", 200),
    (GARES + "/information/", "99999999999999999999", 200),
]


@pytest.mark.parametrize("path,page,status", PAGE_NUMBERS, ids=[label(c[:2]) for c in PAGE_NUMBERS])
def test_huge_page_numbers_on_pages(demo, path, page, status):
    resp = requests.get(demo.url(path), params={"page": page}, timeout=30)
    assert resp.status_code == status, (path, page, resp.status_code, resp.text[:300])
    assert_alive(demo)


@pytest.mark.parametrize("params", [
    {"agg": "sum", "y": "objectid", "x": "date_maj", "period": "day"},
    {"agg": "x" * 10_000, "y": "y" * 10_000, "x": "\x00", "period": "century"},
    {"q": '"*^NEAR(AND:("', "sort": "-objectid", "page": "14"},
    {"refine.objectid": "9223372036854775808"},
    {"refine.date_maj": "99999"},
    {"refine.date_maj": "0000-01-01"},
    {"refine.geo_point_2d": "1e400,1e400"},
    {"q": "q" * 100_000},
], ids=label)
def test_hostile_dataset_page_parameters(demo, params):
    for tab in ("table", "analyze", "map", "export"):
        resp = requests.get(demo.url(f"{GARES}/{tab}/"), params=params, timeout=30)
        assert resp.status_code < 500, (tab, params, resp.status_code, resp.text[:300])
    resp = requests.get(demo.url(f"{GARES}/map/points.json"), params=params, timeout=30)
    assert resp.status_code < 500, (params, resp.status_code)
    assert_alive(demo)


@pytest.mark.parametrize("q", ['"', "*", "^", "NEAR(", "AND", ":", "(", '"unbalanced', "a* OR b*", "x" * 10_000])
def test_full_text_syntax_in_the_catalog_search(demo, q):
    resp = requests.get(demo.url("/explore/"), params={"q": q}, timeout=30)
    assert resp.status_code == 200, (q, resp.status_code)
    assert_alive(demo)


COOKIES = [
    "a" * 200_000,
    "sessionid=" + "s" * 200_000,
    "; ".join(f"c{i}=v{i}" for i in range(10_000)),
    "; ".join("noequals" for _ in range(5_000)),
    "=;=;=;==;;;",
    "sessionid=; csrftoken=; cookies_preferences=; django_language=",
    "sessionid=" + "x" * 32 + "; sessionid=" + "y" * 32,
    "cookies_preferences=" + "A" * 5_000 + "." + "B" * 5_000,
    "cookies_preferences=v1|1|99999999999999999999|all|.sig",
    "django_language=../../etc/passwd; csrftoken=\"quoted\"",
    b"sessionid=\xff\xfe\xfd; csrftoken=\xc3\x28; django_language=fr\xe9",
    b"\xff\xfe=\x80\x81",
]

ACCEPT_LANGUAGES = [
    "fr;q=1e400",
    "fr;q=nan, en;q=inf, de;q=-0",
    "en;q=-1, fr;q=99999999999999999999",
    "a" * 10_240,
    ", ".join(f"x{i};q=0.{i % 10}" for i in range(3_000)),
    ", ".join(["en"] * 5_000),
    ";;;,,,q=,=;q",
    b"fr-\xff\xfe, en;q=0.\xc3\x28",
]

AUTHORIZATIONS = [
    "Apikey " + "k" * 100_000,
    "Apikey \x01\x02\x7f",
    "Apikey ",
    "Apikey" + " " * 1_000 + "x",
    "Basic !!!!",
    "Basic " + "A" * 100_000,
    "Basic Og==",  # ":" alone
    "Bearer",
    "\x00",
    b"Apikey \xff\xfe",
]

FORWARDED = [
    {"X-Forwarded-For": ", ".join(["203.0.113.7"] * 5_000)},
    {"X-Forwarded-For": "garbage, , ,,, ::::, 999.999.999.999, [::1]:80"},
    {"X-Forwarded-For": "1" * 100_000},
    {"X-Forwarded-Proto": "https" * 10_000},
    {"X-Forwarded-Proto": "https, http, gopher"},
    {"X-Forwarded-Proto": ""},
    {"X-Forwarded-Host": "h" * 100_000},
    {"X-Forwarded-Host": 'evil.example"><script>alert(1)</script>'},
    {"X-Forwarded-Host": "a:99999999999999999999"},
    {"X-Forwarded-Host": ", , ,"},
    {"X-Forwarded-Host": "example.org:-1", "X-Forwarded-Proto": "https"},
    {"X-Forwarded-For": "127.0.0.1, 127.0.0.1", "X-Forwarded-Host": "[::1", "X-Forwarded-Proto": "HTTPS"},
    {"X-Forwarded-Host": b"\xff\xfe.example"},
]


def send(server, path, headers):
    try:
        return requests.get(server.url(path), headers=headers, timeout=30)
    except requests.ConnectionError as error:  # refused by the HTTP layer before any answer
        raise AssertionError(f"connection dropped for {label(headers)} on {path}: {error}") from error


@pytest.mark.parametrize("header,values", [
    ("Cookie", COOKIES), ("Accept-Language", ACCEPT_LANGUAGES), ("Authorization", AUTHORIZATIONS),
])
def test_hostile_request_headers(demo, header, values):
    for value in values:
        for path in PAGES:
            resp = send(demo, path, {header: value})
            assert resp.status_code < 500, (header, label(value), path, resp.status_code, resp.text[:200])
        post = requests.post(demo.url("/i18n/setlang/"), headers={header: value}, data={"language": "en"}, timeout=30)
        assert post.status_code < 500, (header, label(value), post.status_code)
    assert_alive(demo)


@pytest.mark.parametrize("headers", FORWARDED, ids=label)
def test_hostile_forwarded_headers_from_a_trusted_proxy(demo, plain, headers):
    for server in (demo, plain):
        for path in PAGES + ["/login", "/api/explore/v2.1/catalog/datasets/gares-occitanie/records?limit=1"]:
            resp = send(server, path, headers)
            assert resp.status_code < 500, (label(headers), path, resp.status_code, resp.text[:200])
        login = requests.post(server.url("/login"), headers=headers, data={"username": "x", "password": "y"},
                              timeout=30)
        assert login.status_code < 500, (label(headers), login.status_code)
        assert_alive(server)


def raw_request(server, head):
    """Sends `head` (bytes, a request line and headers) as is; returns the status line, or b"" if closed."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(head)
        data = b""
        while b"\r\n" not in data:
            chunk = connection.recv(4096)
            if not chunk:
                break
            data += chunk
    return data.split(b"\r\n", 1)[0]


@pytest.mark.parametrize("head", [
    b"GET / HTTP/1.1\r\nHost: x\r\nCookie: a=\x00\x01\x02\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nCookie: " + b"\xff" * 10_000 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: " + b"h" * 50_000 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"Cookie: c%d=1\r\n" % i for i in range(2_000)) + b"\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-Forwarded-For: 10.0.0.%d\r\n" % (i % 250) for i in range(2_000))
    + b"\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nAccept-Language: " + b"fr;q=0.5," * 20_000 + b"\r\n\r\n",
    b"GET /explore/?page=" + b"9" * 5_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
])
def test_raw_malformed_heads(demo, head):
    status = raw_request(demo, head)
    assert not status.startswith(b"HTTP/1.1 5"), (head[:80], status)
    assert_alive(demo)
