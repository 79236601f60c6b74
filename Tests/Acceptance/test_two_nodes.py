"""Two `garona serve` nodes on one PostgreSQL database behind nginx (issue 11, deploy): round-robin on
loopback, the proxy overwriting X-Forwarded-*, the nodes trusting it. A visitor logs in, browses, publishes a
dataset through the back office (upload, preview, confirm) and logs out, each request answered by whichever
node nginx picks; nginx names that node in an `X-Upstream` header, so the test proves that both served.

Skipped when GARONA_TEST_POSTGRES_URL is unset, the binary has no --database-url yet, or nginx is missing."""

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from conftest import PASSWORD, USER
from garona_server import GARES_CSV, GaronaServer, PostgresDatabase, create_user, free_port, import_file, \
    postgres_skip_reason, run_cli
from test_backoffice import job_path, publish, published_count, upload, wait_job
from web import Client, form_token

DATASET = "gares-deux-noeuds"
FRESHNESS = 30  # seconds: a liveness bound for a change to reach every node, not a measure
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")  # root's PATH may lack /usr/sbin
NGINX_CONF = """\
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log info;
{user}
events {{ worker_connections 128; }}
http {{
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    log_format nodes '$request_method $uri $status $upstream_addr';
    access_log {dir}/access.log nodes;
    client_max_body_size 0;

    upstream garona {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://garona;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            # Whatever the client sent, the nodes see what this proxy saw.
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $http_host;
            proxy_request_buffering off;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


class Nginx:
    """nginx in the foreground with a configuration written to a temporary directory."""

    def __init__(self, upstreams):
        self.dir = Path(tempfile.mkdtemp(prefix="garona-nginx-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        servers = "\n".join(f"        server {u};" for u in upstreams)
        # As root, nginx's workers would run as `nobody`, who cannot enter this directory.
        user = "user root;" if os.geteuid() == 0 else ""
        (self.dir / "nginx.conf").write_text(NGINX_CONF.format(dir=self.dir, port=self.port, servers=servers,
                                                               user=user))
        self.proc = subprocess.Popen([NGINX, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.proc.stderr.read()}")
            try:
                requests.get(self.base + "/healthz", timeout=1)
                return
            except requests.RequestException:
                assert time.monotonic() < deadline, "nginx not answering after 30 s"
                time.sleep(0.1)

    def url(self, path):
        return self.base + path

    def stop(self):
        self.proc.send_signal(signal.SIGQUIT)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """(nginx, [node A, node B]): two nodes on one fresh database, started together, one account."""
    if reason := postgres_skip_reason():
        pytest.skip(f"PostgreSQL engine not testable: {reason}")
    if NGINX is None:
        pytest.skip("nginx is missing (Debian's nginx; scripts/install-test-deps installs it)")
    database = PostgresDatabase()
    nodes, proxy = [], None
    try:
        nodes = [GaronaServer(tmp_path_factory.mktemp(f"node-{name}"), "--trusted-proxy", "127.0.0.1",
                              database_url=database.url) for name in "ab"]
        # Started at the same time: the migrations' lock must keep them from racing.
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda node: node.start(), nodes))
        create_user(nodes[0].data_dir, USER, PASSWORD, database_url=database.url)
        proxy = Nginx([f"127.0.0.1:{node.port}" for node in nodes])
        proxy.database_url = database.url
        yield proxy, nodes
    finally:
        if proxy is not None:
            proxy.stop()
        for node in nodes:
            node.stop()
        database.drop()


def eventually(check, what):
    """Asks `check()` until it is true, for FRESHNESS seconds at most."""
    deadline = time.monotonic() + FRESHNESS
    while not check():
        assert time.monotonic() < deadline, f"{what} after {FRESHNESS} s"
        time.sleep(0.2)


def records_total(node, dataset):
    """The dataset's total_count on `node`, or None when the node answers 404."""
    resp = requests.get(node.url(f"/api/explore/v2.1/catalog/datasets/{dataset}/records"), params={"limit": 0},
                        timeout=30)
    assert resp.status_code in (200, 404), (node.base, resp.status_code)
    return resp.json()["total_count"] if resp.status_code == 200 else None


def catalog_page_lists(node, dataset):
    resp = requests.get(node.url("/explore/"), timeout=30)
    assert resp.status_code == 200, node.base
    return f"/explore/dataset/{dataset}/" in resp.text


class Recorder(Client):
    """A client of the proxy that remembers which node answered each request (nginx's X-Upstream)."""

    def __init__(self, proxy):
        super().__init__(proxy)
        self.answered_by = []

    def request(self, method, path, **kw):
        resp = super().request(method, path, **kw)
        self.answered_by.append((method, path, resp.headers.get("X-Upstream")))
        return resp


def test_log_in_browse_publish_and_log_out_across_two_nodes(cluster):
    proxy, nodes = cluster
    node_addresses = {f"127.0.0.1:{node.port}" for node in nodes}
    visitor = Recorder(proxy)

    for _ in range(4):
        assert visitor.get("/").status_code == 200
    resp = visitor.login(USER, PASSWORD)  # the form from one node, the POST to the other
    assert resp.status_code == 302 and resp.headers["Location"] == "/backoffice/", resp.status_code
    session_key = visitor.cookie("sessionid")
    for _ in range(4):
        # The session holds an HMAC of the password hash keyed by the instance secret: a node with another
        # secret would log the visitor out.
        assert visitor.get("/backoffice/").status_code == 200, "session not seen by every node"
        assert visitor.get("/explore/").status_code == 200
    assert not any(catalog_page_lists(node, DATASET) for node in nodes)  # and each node's page cache is warm

    path = job_path(upload(visitor, "gares-occitanie.csv", GARES_CSV.read_bytes(), DATASET, title="Gares"))
    preview = wait_job(visitor, path)
    resp = publish(visitor, path, preview)
    assert resp.status_code == 303 and resp.headers["Location"] == path, resp.status_code
    assert published_count(wait_job(visitor, path)) == 280

    # Every node serves the new dataset, asked directly: its records, its page, the catalog page.
    for node in nodes:
        eventually(lambda: records_total(node, DATASET) == 280, f"{node.base} does not serve {DATASET}")
        eventually(lambda: catalog_page_lists(node, DATASET), f"{node.base}/explore/ does not list {DATASET}")
        page = requests.get(node.url(f"/explore/dataset/{DATASET}/table/"), timeout=30)
        assert page.status_code == 200 and "Gares" in page.text, node.base

    token = form_token(visitor.get("/backoffice/").text)
    assert visitor.post("/logout", data={"csrfmiddlewaretoken": token}).status_code in (302, 303)
    for node in nodes:  # the session is gone for every node, not only the one that logged out
        replay = requests.get(node.url("/backoffice/"), cookies={"sessionid": session_key},
                              allow_redirects=False, timeout=30)
        assert replay.status_code == 302 and replay.headers["Location"].startswith("/login"), node.base

    served = Counter(node for _, _, node in visitor.answered_by)
    assert set(served) == node_addresses, served
    backoffice = {node for method, p, node in visitor.answered_by if p.startswith("/backoffice/")}
    assert backoffice == node_addresses, visitor.answered_by


def test_the_nodes_believe_the_proxy_and_not_the_client(cluster):
    proxy, nodes = cluster
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example", "X-Forwarded-For": "203.0.113.9"}
    for _ in range(4):  # both nodes: nginx overwrote the forged headers, so no HTTPS-only header is sent
        resp = requests.get(proxy.url("/"), headers=forged, timeout=30)
        assert resp.status_code == 200 and "Strict-Transport-Security" not in resp.headers
    # Straight to a node from its trusted proxy's address, the same headers are believed.
    direct = requests.get(nodes[0].url("/"), headers={"X-Forwarded-Proto": "https"}, timeout=30)
    assert direct.headers.get("Strict-Transport-Security") == "max-age=31536000"


def test_a_cli_publication_and_deletion_reach_every_node(cluster, tmp_path):
    proxy, nodes = cluster
    dataset = "gares-cli"
    assert [records_total(node, dataset) for node in nodes] == [None, None]
    location = ["--data-dir", str(tmp_path / "cli"), "--database-url", proxy.database_url]
    done = import_file(GARES_CSV, tmp_path / "cli", dataset, "--database-url", proxy.database_url)
    assert done.returncode == 0, done.stderr
    for node in nodes:
        eventually(lambda: records_total(node, dataset) == 280, f"{node.base} does not serve {dataset}")
    done = run_cli("dataset", "delete", dataset, *location)
    assert done.returncode == 0, done.stderr
    for node in nodes:
        eventually(lambda: records_total(node, dataset) is None, f"{node.base} still serves {dataset}")
