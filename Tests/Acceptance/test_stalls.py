"""No stall from slow or expensive clients: exports that read nothing, exports over their budget,
a flood of parallel logins, and repeated or scripted consent choices.

The dataset comes from `garona sample` (GARONA_STALL_ROWS rows, 50,000 by default: about 9 MB of CSV,
more than the kernel buffers of a client whose receive buffer is 4 KB). Every wait below is a generous
liveness timeout, never a timing threshold.
"""

import os
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing

import pytest
import requests

from garona_server import GaronaServer, create_user, import_file, read_only_db, run_cli
from web import Client

ROWS = int(os.environ.get("GARONA_STALL_ROWS", "50000"))
LIVENESS = 10  # seconds a request may take before the server counts as stalled
EXPORT = "/api/explore/v2.1/catalog/datasets/big/exports/csv"
USER, PASSWORD = "alice", "correct horse battery"
FLOODED = "bob"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("stalls")
    sample = directory / "big.csv"
    done = run_cli("sample", "--rows", str(ROWS), "--output", str(sample), timeout=120)
    assert done.returncode == 0, done.stderr
    done = import_file(sample, directory / "data", "big")
    assert done.returncode == 0, done.stderr
    sample.unlink()
    for name in (USER, FLOODED):
        create_user(directory / "data", name, PASSWORD)
    return directory / "data"


@pytest.fixture(scope="module")
def server(data_dir):
    started = GaronaServer(data_dir).start()
    yield started
    started.stop()


def stalled_export(server, path=EXPORT):
    """A socket that asks for an export and then reads nothing (a 4 KB receive buffer)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", server.port))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    return sock


def status_line(sock):
    sock.settimeout(LIVENESS)
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(1)
        assert chunk, "connection closed before the status line"
        data += chunk
    return data.split(b"\r\n")[0].decode()


def assert_busy(resp):
    assert resp.status_code == 503, resp.status_code
    assert resp.headers["Retry-After"].isdigit()
    assert resp.json()["error_code"] == "TooManyExports"


def test_twelve_stalled_exports_leave_pages_login_and_api_answering(server):
    sockets = [stalled_export(server) for _ in range(12)]
    try:
        time.sleep(1)  # let them start; nothing below depends on how long they take
        for path in ("/", "/login", "/explore/dataset/big/",
                     "/api/explore/v2.1/catalog/datasets/big/records?limit=5"):
            resp = requests.get(server.url(path), timeout=LIVENESS)
            assert resp.status_code == 200, (path, resp.status_code)
        wrong = Client(server).login(USER, "not the password")
        assert wrong.status_code == 200 and "incorrect" in wrong.text
        # The stalled exports hold every export slot: one more waits briefly, then gets a clear 503.
        assert_busy(requests.get(server.url(EXPORT + "?limit=10"), timeout=LIVENESS))
    finally:
        for sock in sockets:
            sock.close()
    # Every slot comes back once the clients are gone: as many new stalled exports as slots start (200), and
    # they fill the slots again.
    deadline = time.monotonic() + LIVENESS
    while True:
        resp = requests.get(server.url(EXPORT + "?limit=10"), timeout=LIVENESS)
        if resp.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert resp.status_code == 200 and len(resp.text.splitlines()) == 11
    again = [stalled_export(server) for _ in range(3)]
    try:
        assert [status_line(sock) for sock in again] == ["HTTP/1.1 200 OK"] * 3
        assert_busy(requests.get(server.url(EXPORT + "?limit=10"), timeout=LIVENESS))
    finally:
        for sock in again:
            sock.close()
    assert requests.get(server.url("/healthz"), timeout=LIVENESS).status_code == 200
    assert server.proc.poll() is None


def test_a_stalled_export_is_cut_at_its_budget_and_frees_its_slot(data_dir):
    budget = GaronaServer(data_dir, "--max-concurrent-exports", "1", "--query-timeout-ms", "1000",
                          "--export-timeout-ms", "3000").start()
    try:
        sock = stalled_export(budget)
        assert status_line(sock) == "HTTP/1.1 200 OK"
        assert_busy(requests.get(budget.url(EXPORT + "?limit=10"), timeout=LIVENESS))
        # The client still reads nothing, yet the budget frees the slot.
        deadline = time.monotonic() + 30
        while True:
            resp = requests.get(budget.url(EXPORT + "?limit=10"), timeout=LIVENESS)
            if resp.status_code == 200 or time.monotonic() > deadline:
                break
        assert resp.status_code == 200
        # The cut export ends with a closed connection and no final chunk: the client knows it is incomplete.
        sock.settimeout(LIVENESS)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        sock.close()
        assert not received.endswith(b"\r\n0\r\n\r\n")
        assert any("export cut" in line for line in budget.stderr_lines + budget.stdout_lines)
    finally:
        budget.stop()


def test_an_expensive_export_query_gets_the_api_timeout_error(data_dir):
    strict = GaronaServer(data_dir, "--query-timeout-ms", "1", "--export-timeout-ms", "1").start()
    try:
        resp = requests.get(strict.url(EXPORT), timeout=LIVENESS, params={
            "group_by": "commune", "select": "commune, percentile(montant, 50) as p", "order_by": "p"})
        assert resp.status_code == 400, resp.status_code
        assert resp.json()["error_code"] == "ODSQLError"
        assert "1 ms" in resp.json()["message"]
    finally:
        strict.stop()


def test_parallel_wrong_logins_get_no_more_checks_than_the_limit(server):
    clients = [Client(server) for _ in range(30)]
    forms = [{"username": FLOODED, "password": "wrong guess number %d" % n, "next": "/backoffice/",
              "csrfmiddlewaretoken": c.token("/login")} for n, c in enumerate(clients)]
    with ThreadPoolExecutor(max_workers=30) as pool:
        answers = list(pool.map(lambda pair: pair[0].post("/login", data=pair[1], timeout=60),
                                zip(clients, forms)))
    checked = [a for a in answers if a.status_code == 200]
    refused = [a for a in answers if a.status_code == 429]
    assert len(checked) + len(refused) == 30, sorted(a.status_code for a in answers)
    assert 1 <= len(checked) <= 5, len(checked)
    assert all("incorrect" in a.text for a in checked)
    assert all(a.headers["Retry-After"].isdigit() and "Trop de tentatives" in a.text for a in refused)
    # The account is locked now, even for its right password.
    assert Client(server).login(FLOODED, PASSWORD).status_code == 429


def choose(client, action="refuse_all"):
    data = {"action": action, "next": "", "csrfmiddlewaretoken": client.token("/cookies/preferences")}
    return client.post("/cookies/preferences", data=data)


def consent_proofs(data_dir):
    with closing(read_only_db(data_dir)) as db:
        return db.execute("SELECT count(*) FROM consent_log").fetchone()[0]


def test_the_same_choice_again_records_no_second_proof(server, data_dir):
    visitor = Client(server)
    before = consent_proofs(data_dir)
    first = choose(visitor)
    assert first.status_code == 302 and visitor.cookie("cookies_preferences")
    again = choose(visitor)
    assert again.status_code == 302
    assert consent_proofs(data_dir) == before + 1


def test_proofs_of_consent_are_rate_limited_per_client(server, data_dir):
    # Each visitor comes without a cookie, so each choice is a new one; they all share one address.
    before = consent_proofs(data_dir)
    answers = [choose(Client(server)).status_code for _ in range(32)]
    assert set(answers) == {302, 429} and answers[-1] == 429, answers
    assert consent_proofs(data_dir) - before == answers.count(302) <= 30
    refused = choose(Client(server))
    assert refused.status_code == 429 and refused.headers["Retry-After"].isdigit()
    assert "Trop de choix" in refused.text
