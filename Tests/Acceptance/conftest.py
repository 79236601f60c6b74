"""Shared fixtures: the tile server and the garona servers the suite talks to."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from garona_server import GaronaServer, create_user  # noqa: E402
from tile_server import TileServer  # noqa: E402
from browser import Browser  # noqa: E402
from web import Client  # noqa: E402

USER = "alice"
PASSWORD = "correct horse battery"
TRUSTED_ORIGIN = "https://*.example.org"


@pytest.fixture(scope="session")
def tiles():
    server = TileServer()
    yield server
    server.close()


def start_server(tmp_path_factory, *args, users=((USER, PASSWORD),)):
    data_dir = tmp_path_factory.mktemp("garona-data")
    for name, password in users:
        create_user(data_dir, name, password)
    return GaronaServer(data_dir, *args).start()


@pytest.fixture(scope="session")
def demo(tmp_path_factory, tiles):
    """--demo (consent banner, map tiles), trusted proxy 127.0.0.1, a wildcard trusted origin."""
    server = start_server(tmp_path_factory, "--demo", "--tile-url", tiles.template,
                          "--trusted-proxy", "127.0.0.1",
                          "--csrf-trusted-origin", TRUSTED_ORIGIN)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def plain(tmp_path_factory, tiles):
    """No demo content, no consent service, no trusted proxy."""
    server = start_server(tmp_path_factory, "--tile-url", tiles.template)
    yield server
    server.stop()


@pytest.fixture
def client(demo):
    return Client(demo)


@pytest.fixture
def plain_client(plain):
    return Client(plain)


@pytest.fixture
def logged_in(demo):
    c = Client(demo)
    resp = c.login(USER, PASSWORD)
    assert resp.status_code == 302, resp.status_code
    return c


@pytest.fixture
def browser(demo, tiles):
    """Headless Chromium on the demo server, with the tile server's log cleared."""
    tiles.reset()
    b = Browser(demo.base)
    yield b
    b.quit()
