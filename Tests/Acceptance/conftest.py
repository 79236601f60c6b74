"""Shared fixtures: the tile server and the garona servers the suite talks to.

GARONA_TEST_ENGINE=postgres runs the servers of `start_server` (so `demo` and `plain`) on the
PostgreSQL engine, each on a fresh database of GARONA_TEST_POSTGRES_URL's server, dropped when the
session ends; the default is SQLite in the server's data directory."""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from garona_server import GaronaServer, PostgresDatabase, create_user, postgres_skip_reason  # noqa: E402
from tile_server import TileServer  # noqa: E402
from browser import Browser  # noqa: E402
from web import Client  # noqa: E402

USER = "alice"
PASSWORD = "correct horse battery"
TRUSTED_ORIGIN = "https://*.example.org"
ENGINE = os.environ.get("GARONA_TEST_ENGINE", "sqlite")
# Tests that read the server's SQLite file themselves: nothing to read on the PostgreSQL engine.
READS_THE_SQLITE_FILE = {"test_api_hostile.py::test_the_server_still_answers_and_nothing_was_dropped"}


def pytest_configure(config):
    if ENGINE not in ("sqlite", "postgres"):
        raise pytest.UsageError(f"GARONA_TEST_ENGINE must be sqlite or postgres, not {ENGINE!r}")
    if ENGINE == "postgres" and (reason := postgres_skip_reason()):
        raise pytest.UsageError(f"GARONA_TEST_ENGINE=postgres, but {reason}")


def pytest_collection_modifyitems(config, items):
    if ENGINE == "postgres":
        skip = pytest.mark.skip(reason="reads the SQLite file, which the PostgreSQL engine has not")
        for item in items:
            if f"{item.path.name}::{getattr(item, 'originalname', item.name)}" in READS_THE_SQLITE_FILE:
                item.add_marker(skip)


def pytest_sessionfinish(session, exitstatus):
    for error in PostgresDatabase.drop_all():
        print(f"\ncould not drop a test database: {error}")


@pytest.fixture(scope="session")
def tiles():
    server = TileServer()
    yield server
    server.close()


def start_server(tmp_path_factory, *args, users=((USER, PASSWORD),), engine=None):
    """A server with its own data directory and `users`, on `engine` ("sqlite" or "postgres": a fresh
    database); by default the engine of GARONA_TEST_ENGINE."""
    data_dir = tmp_path_factory.mktemp("garona-data")
    database_url = PostgresDatabase().url if (engine or ENGINE) == "postgres" else None
    for name, password in users:
        create_user(data_dir, name, password, database_url=database_url)
    return GaronaServer(data_dir, *args, database_url=database_url).start()


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
