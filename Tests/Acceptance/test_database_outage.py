"""A PostgreSQL database that stops accepting connections while `garona serve` runs: every request is answered
within the lease wait (15 s) with a 503 and `Retry-After`, a page in the visitor's language or the API's error
shape, never a request held until the pool gives up (60 s) nor a 500; once the database accepts connections
again, the same requests are answered as before, without restarting the node.

The outage: the database refuses new connections (`ALLOW_CONNECTIONS false`) and the node's open ones are
ended, as a restarting or failed-over server would. Skipped without a PostgreSQL server."""

import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from garona_server import GaronaServer, PostgresDatabase, psql, postgres_skip_reason

pytestmark = pytest.mark.skipif(postgres_skip_reason() is not None, reason=postgres_skip_reason() or "")

LEASE_WAIT = 15  # seconds: PostgreSQLStore.leaseWait
API = "/api/explore/v2.1/catalog/datasets"


@pytest.fixture()
def node():
    database = PostgresDatabase()
    with tempfile.TemporaryDirectory() as data_dir:
        server = GaronaServer(data_dir, database_url=database.url)
        server.start()
        try:
            yield server, database
        finally:
            server.stop()
            psql(database.server_url, f'ALTER DATABASE "{database.name}" ALLOW_CONNECTIONS true')
            database.drop()


def outage(database, allowed):
    """Lets the database accept connections again, or refuses them and ends the open ones."""
    psql(database.server_url, f'ALTER DATABASE "{database.name}" ALLOW_CONNECTIONS {"true" if allowed else "false"}')
    if not allowed:
        psql(database.server_url,
             f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database.name}'")


def timed_get(server, path, language):
    start = time.monotonic()
    response = requests.get(server.url(path), headers={"Accept-Language": language}, timeout=LEASE_WAIT + 45)
    return response, time.monotonic() - start


def test_an_unreachable_database_is_a_503_within_the_lease_wait_then_the_node_recovers(node):
    server, database = node
    assert requests.get(server.url(API), timeout=30).status_code == 200
    outage(database, allowed=False)
    asked = [(API, "en"), ("/", "fr"), ("/explore/", "en")]
    with ThreadPoolExecutor(len(asked)) as pool:
        answers = list(pool.map(lambda item: timed_get(server, *item), asked))
    for (path, language), (response, seconds) in zip(asked, answers):
        assert response.status_code == 503, (path, response.status_code, response.text[:200])
        assert response.headers["Retry-After"] == "5", path
        assert seconds < LEASE_WAIT + 10, (path, seconds)
    api, page_fr, page_en = (response for response, _ in answers)
    assert api.json() == {"error_code": "ServiceUnavailable",
                          "message": "The database is unavailable; try again in a few seconds."}
    assert "Service indisponible" in page_fr.text and "base de données" in page_fr.text
    assert "Service unavailable" in page_en.text and "database" in page_en.text
    # Nothing of the outage reaches a visitor beyond that message.
    for response in (page_fr, page_en):
        assert "PSQL" not in response.text and "no database connection" not in response.text

    outage(database, allowed=True)
    deadline = time.monotonic() + 60
    while True:
        response = requests.get(server.url(API), timeout=LEASE_WAIT + 45)
        if response.status_code == 200 or time.monotonic() > deadline:
            break
        assert response.status_code == 503
        time.sleep(1)
    assert response.status_code == 200, "the node did not recover once the database was back"
    assert requests.get(server.url("/"), timeout=30).status_code == 200
