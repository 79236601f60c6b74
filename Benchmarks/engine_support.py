"""What `engine_benchmark.py` needs besides `benchlib`: databases of its own on a PostgreSQL server, the CPU time of
that server's processes read from /proc, and nginx in front of one or more `garona serve` nodes.

Standard library only, plus the `psql` client and nginx (Debian). The scripts in this folder are run as
`python3 Benchmarks/<name>.py`, so this folder is on `sys.path`.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import benchlib
from benchlib import log

CLOCK_TICK = os.sysconf("SC_CLK_TCK")


# --- Databases of the benchmark ------------------------------------------------------------------------------------


class PostgresServer:
    """A PostgreSQL server reached by URL, on which the benchmark creates (and drops) databases of its own."""

    def __init__(self, url: str):
        self.url = url
        self.created: list[str] = []

    def psql(self, sql: str, database_url: str | None = None) -> str:
        """Runs one statement with `psql` and returns its unaligned output; raises on failure."""
        result = subprocess.run(["psql", "-X", "-v", "ON_ERROR_STOP=1", "-At", "-c", sql, database_url or self.url],
                                capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()[-500:]}")
        return result.stdout.strip()

    def version(self) -> str:
        return self.psql("SHOW server_version").split()[0]

    def create_database(self) -> tuple[str, str]:
        """A fresh, empty database `garona_bench_<random>`: its name and its URL."""
        name = "garona_bench_" + secrets.token_hex(5)
        self.psql(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return name, urllib.parse.urlsplit(self.url)._replace(path="/" + name).geturl()

    def drop(self, name: str) -> None:
        """Drops one database this run created (its connections closed); raises on failure."""
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.remove(name)

    def drop_all(self) -> None:
        """Drops the databases this run created, closing what connections remain; logs, never raises."""
        for name in list(self.created):
            try:
                self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                self.created.remove(name)
            except (RuntimeError, OSError, subprocess.SubprocessError) as error:
                log(f"WARNING: could not drop database {name}: {error}")


# --- CPU time of PostgreSQL's processes ------------------------------------------------------------------------------


def process_ticks(pid: int) -> tuple[int, int] | None:
    """(parent pid, user plus system CPU ticks) of a live process, from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), int(fields[11]) + int(fields[12])


def process_title(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


class PostgresCPU:
    """Samples, every `interval` seconds, the CPU time of the PostgreSQL processes of the benchmark's databases.

    A backend's process title names its database (`postgres: garona garona_bench_… 127.0.0.1(…) idle`), so the
    backends of each database are found by title, and a parallel worker by its leader's pid. Their parent is the
    postmaster, whose other children are the cluster's background processes (checkpointer, WAL writer, background
    writer, autovacuum launcher), counted apart because they also work for anything else that uses the cluster. The
    last ticks of a process that exits between two samples are missed (at most `interval` seconds of its CPU; a
    short parallel worker may be missed whole). Only works when the server runs on this machine and /proc shows its
    processes; `available` says whether it found any.
    """

    def __init__(self, interval: float = 0.2):
        self.interval = interval
        self.databases: set[str] = set()
        self.seen: dict[int, tuple[str, int]] = {}  # pid → (database or "" for background, ticks last seen)
        self.postmaster: int | None = None
        self.others: set[int] = set()  # processes that are not PostgreSQL's, not read again
        self.before: dict[int, int] = {}  # background process → its ticks when first seen (not ours)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)

    def watch(self, database: str) -> None:
        with self.lock:
            self.databases.add(database)
        self.sample()

    @property
    def available(self) -> bool:
        return self.postmaster is not None

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        """Reads every process of /proc once (a few milliseconds for a few hundred processes)."""
        with self.lock:
            for pid in (int(entry) for entry in os.listdir("/proc") if entry.isdigit()):
                if pid in self.others:
                    continue
                known = self.seen.get(pid)
                state = process_ticks(pid)
                if state is None:
                    continue
                parent, ticks = state
                if known is None:
                    owner = self.owner(pid, parent)
                    if owner is None:
                        continue
                    self.seen[pid] = (owner, ticks)
                    if owner == "":  # a process of the cluster older than the benchmark: from now on only
                        self.before[pid] = ticks
                elif ticks >= known[1]:
                    self.seen[pid] = (known[0], ticks)

    def owner(self, pid: int, parent: int) -> str | None:
        """The database a backend of ours works for, "" for a background process of the cluster, else None."""
        title = process_title(pid)
        if not title.startswith("postgres: "):
            self.others.add(pid)
            return None
        words = title.split()
        leader = re.search(r"parallel worker for PID (\d+)", title)
        if leader and int(leader.group(1)) in self.seen:  # a worker of one of our backends' queries
            return self.seen[int(leader.group(1))][0]
        for database in self.databases:
            if database in words[1:4]:  # user, database (autovacuum: "autovacuum worker DB")
                self.postmaster = self.postmaster or parent
                return database
        if self.postmaster is not None and parent == self.postmaster:
            return ""
        return None

    def ticks(self) -> dict[str, int]:
        """CPU ticks so far per database (and "" for the background processes), summed over every process seen."""
        self.sample()
        with self.lock:
            totals: dict[str, int] = {}
            for pid, (owner, ticks) in self.seen.items():
                totals[owner] = totals.get(owner, 0) + ticks - self.before.get(pid, 0)
            return totals

    def seconds_since(self, before: dict[str, int], database: str) -> float:
        return (self.ticks().get(database, 0) - before.get(database, 0)) / CLOCK_TICK


# --- nginx in front of the nodes -------------------------------------------------------------------------------------

# The approach of Tests/Acceptance/test_two_nodes.py: a configuration written to a temporary directory, nginx in the
# foreground, round robin over the nodes, X-Forwarded-* overwritten. Keep-alive connections to the nodes, as a
# production proxy would hold them, so that the proxy does not open a TCP connection per request.
NGINX_CONF = """\
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
{user}
worker_processes 1;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    access_log off;
    upstream garona {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://garona;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $http_host;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")  # root's PATH may lack /usr/sbin


class Nginx:
    """nginx on a loopback port, round robin over `upstreams` ("127.0.0.1:PORT")."""

    def __init__(self, upstreams: list[str], workdir: Path):
        self.dir = Path(tempfile.mkdtemp(prefix="nginx-", dir=workdir))
        self.port = benchlib.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        servers = "\n".join(f"        server {upstream};" for upstream in upstreams)
        user = "user root;" if os.geteuid() == 0 else ""  # as root, workers would run as nobody, kept out of dir
        (self.dir / "nginx.conf").write_text(NGINX_CONF.format(dir=self.dir, port=self.port, servers=servers,
                                                               user=user))
        self.process = subprocess.Popen([nginx_binary(), "-p", str(self.dir), "-c", str(self.dir / "nginx.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                        start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.process.stderr.read()}")
            try:
                benchlib.http_get(self.base + "/healthz", timeout=2)
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("nginx did not answer within 30 s")
                time.sleep(0.1)

    def upstreams_seen(self, path: str, requests: int) -> set[str]:
        """The nodes named by X-Upstream over `requests` requests: proof that round robin reaches each one."""
        return {benchlib.http_get(self.base + path).headers.get("x-upstream", "") for _ in range(requests)}

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGQUIT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def version_of(argv: list[str]) -> str:
    """The first version-looking word that `argv` prints (nginx writes it on standard error)."""
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except OSError:
        return "unknown"
    match = re.search(r"(\d+\.\d+(?:\.\d+)?)", result.stdout + result.stderr)
    return match.group(1) if match else "unknown"
