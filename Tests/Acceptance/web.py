"""HTTP helpers: a client, Set-Cookie parsing, Django's CSRF masking, page checks."""

import random
import re
import string
from dataclasses import dataclass, field

import requests

from html_dom import parse

CSRF_CHARS = string.ascii_letters + string.digits
CSRF_FAILED = "CSRF verification failed. Request aborted."


def unmask(token):
    """Django's _unmask_cipher_token: 64-char masked token → 32-char secret."""
    mask, cipher = token[:32], token[32:]
    return "".join(CSRF_CHARS[(CSRF_CHARS.index(c) - CSRF_CHARS.index(m)) % 62]
                   for c, m in zip(cipher, mask))


def mask(secret):
    """Django's _mask_cipher_secret with a fresh random mask."""
    m = "".join(random.choice(CSRF_CHARS) for _ in range(32))
    return m + "".join(CSRF_CHARS[(CSRF_CHARS.index(s) + CSRF_CHARS.index(x)) % 62]
                       for s, x in zip(secret, m))


def random_secret():
    return "".join(random.choice(CSRF_CHARS) for _ in range(32))


@dataclass
class SetCookie:
    name: str
    value: str
    attrs: dict = field(default_factory=dict)

    def attr(self, key):
        return self.attrs.get(key.lower())

    @property
    def deleted(self):
        return self.attr("max-age") == "0"


def parse_set_cookie(line):
    parts = [p.strip() for p in line.split(";")]
    name, _, value = parts[0].partition("=")
    attrs = {}
    for part in parts[1:]:
        if part:
            key, eq, val = part.partition("=")
            attrs[key.strip().lower()] = val.strip() if eq else True
    return SetCookie(name.strip(), value.strip(), attrs)


def set_cookies(resp):
    """All Set-Cookie headers of one response, by name (the last one wins)."""
    return {c.name: c for c in map(parse_set_cookie, resp.raw.headers.getlist("Set-Cookie"))}


def assert_cookie(c, max_age, httponly, secure=False, samesite="lax"):
    assert c is not None
    assert c.attr("max-age") == str(max_age), c
    assert c.attr("path") == "/", c
    assert str(c.attr("samesite")).lower() == samesite, c
    assert bool(c.attr("httponly")) is httponly, c
    assert bool(c.attr("secure")) is secure, c
    assert c.attr("domain") is None, c


def assert_csrf_cookie(c, secure=False):
    assert_cookie(c, 31449600, httponly=False, secure=secure)
    assert re.fullmatch(r"[A-Za-z0-9]{32}", c.value), c


def form_token(html):
    field_ = parse(html).find("input", name="csrfmiddlewaretoken")
    assert field_ is not None, "no csrfmiddlewaretoken field"
    return field_.attrs["value"]


def dom(resp):
    return parse(resp.text)


class Client:
    """requests.Session bound to one server; never follows redirects unless asked."""

    def __init__(self, server, **headers):
        self.server = server
        self.session = requests.Session()
        self.session.headers.update(headers)

    def request(self, method, path, **kw):
        kw.setdefault("allow_redirects", False)
        kw.setdefault("timeout", 15)
        return self.session.request(method, self.server.url(path), **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def cookie(self, name):
        return self.session.cookies.get(name)

    def token(self, path="/login"):
        """GET a page with a form; returns its masked csrfmiddlewaretoken."""
        resp = self.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        return form_token(resp.text)

    def login(self, username, password, next_="/backoffice/"):
        data = {"username": username, "password": password,
                "csrfmiddlewaretoken": self.token("/login"), "next": next_}
        return self.post("/login", data=data)


def multipart(parts, boundary="----garona-test-boundary-7MA4YWxkTrZu0gW"):
    """A multipart/form-data body with the parts in the given order.

    `parts` holds (name, text) or (name, (filename, bytes, content_type)); returns the body and
    the Content-Type header value.
    """
    out = bytearray()
    for name, value in parts:
        out += f"--{boundary}\r\n".encode()
        if isinstance(value, tuple):
            filename, content, content_type = value
            out += (f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    f"Content-Type: {content_type}\r\n\r\n").encode()
            out += content
        else:
            out += f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            out += value.encode("utf-8")
        out += b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"
