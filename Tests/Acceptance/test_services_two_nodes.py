"""Issue 14: a service declared in the back office of one node is in force on another node sharing the PostgreSQL
database, without a restart: that node polls the site's version setting."""

import time

import pytest

from conftest import PASSWORD, USER
from garona_server import GaronaServer, PostgresDatabase, create_user, postgres_skip_reason
from test_backoffice_services import VIDEO, banner_for, charter_json, logged_in, post

FRESHNESS = 30  # seconds: a liveness bound for a change to reach the other node, not a measure


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    if reason := postgres_skip_reason():
        pytest.skip(f"PostgreSQL engine not testable: {reason}")
    database = PostgresDatabase()
    started = []
    try:
        for name in "ab":
            started.append(GaronaServer(tmp_path_factory.mktemp(f"services-{name}"), database_url=database.url).start())
        create_user(started[0].data_dir, USER, PASSWORD, database_url=database.url)
        yield started
    finally:
        for node in started:
            node.stop()
        database.drop()


def eventually(check, what):
    deadline = time.monotonic() + FRESHNESS
    while not check():
        assert time.monotonic() < deadline, f"{what} after {FRESHNESS} s"
        time.sleep(0.2)


def test_a_service_declared_on_one_node_is_in_force_on_the_other(nodes):
    node_a, node_b = nodes
    assert charter_json(node_b)["services"] == [] and not banner_for(node_b, None)
    admin = logged_in(node_a)
    assert post(admin, "/backoffice/services/new", "/backoffice/services/new", **VIDEO).status_code == 303
    version = charter_json(node_a)["policy_version"]
    eventually(lambda: charter_json(node_b)["policy_version"] == version, "node B's policy version")
    assert [s["id"] for s in charter_json(node_b)["services"]] == ["video"]
    assert banner_for(node_b, None)

    assert post(admin, "/backoffice/services/video/delete", "/backoffice/services/").status_code == 303
    eventually(lambda: charter_json(node_b)["services"] == [], "the removal on node B")
    assert not banner_for(node_b, None)
