"""Start and stop the `garona` binary for black-box tests."""

import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from contextlib import closing
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
ADMIN_LINE = re.compile(r'Admin account: username "admin", password "([^"]+)"')
# The real open-data file, next to the repository (never copied into it).
GARES_CSV = REPO_ROOT.parent / "shared" / "data" / "gares-occitanie.csv"
SUMMARY_LINE = re.compile(r"Published (\S+) version (\d+): ([\d,]+) records in [\d.]+ s")


def garona_bin():
    path = Path(os.environ.get("GARONA_BIN", REPO_ROOT / ".build" / "debug" / "garona"))
    if not path.is_file():
        raise RuntimeError(f"garona binary not found at {path}; build it or set GARONA_BIN")
    return str(path)


def free_port(host="127.0.0.1"):
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def run_cli(*args, stdin=None, timeout=60):
    """Run `garona ARGS...`; returns a CompletedProcess with text output."""
    return subprocess.run([garona_bin(), *args], input=stdin, capture_output=True,
                          text=True, timeout=timeout)


def create_user(data_dir, username, password, role="admin", database_url=None):
    database = ["--database-url", database_url] if database_url else []
    done = run_cli("user", "create", "--data-dir", str(data_dir), *database, "--username", username,
                   "--role", role, "--password-stdin", stdin=password + "\n")
    if done.returncode != 0:
        raise RuntimeError(f"user create failed ({done.returncode}): {done.stderr.strip()}")


def postgres_url():
    """The PostgreSQL server of the engine's tests (GARONA_TEST_POSTGRES_URL), or None when there is none."""
    return os.environ.get("GARONA_TEST_POSTGRES_URL") or None


@cache
def has_database_url():
    """Whether this garona binary has the PostgreSQL engine (`garona serve --database-url`)."""
    return "--database-url" in run_cli("serve", "--help").stdout


def postgres_skip_reason():
    """Why the PostgreSQL tests cannot run here, or None when they can."""
    if postgres_url() is None:
        return "GARONA_TEST_POSTGRES_URL is unset (scripts/with-postgres starts a throw-away cluster)"
    if not has_database_url():
        return "this garona binary has no --database-url option yet"
    return None


def psql(url, *commands):
    """Runs SQL commands with psql on `url`; returns their unaligned, tuples-only output."""
    args = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url]
    for command in commands:
        args += ["-c", command]
    done = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"psql failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


class PostgresDatabase:
    """A fresh, empty database `garona_t_<random>` on the test server, created by the test role (CREATEDB).

    `drop()` removes it, closing whatever connections a server left open; `drop_all()` drops those not dropped
    yet (conftest calls it when the session ends)."""

    _open = {}

    def __init__(self, server_url=None):
        self.server_url = server_url or postgres_url()
        if self.server_url is None:
            raise RuntimeError("GARONA_TEST_POSTGRES_URL is unset")
        self.name = "garona_t_" + secrets.token_hex(6)
        self.url = urlsplit(self.server_url)._replace(path="/" + self.name).geturl()
        psql(self.server_url, f'CREATE DATABASE "{self.name}"')
        PostgresDatabase._open[self.name] = self

    def drop(self):
        psql(self.server_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        PostgresDatabase._open.pop(self.name, None)

    @classmethod
    def drop_all(cls):
        """Drops every database not dropped yet; returns the errors (a server gone, say) instead of raising."""
        errors = []
        for database in list(cls._open.values()):
            try:
                database.drop()
            except (RuntimeError, OSError, subprocess.SubprocessError) as error:
                errors.append(f"{database.name}: {error}")
        return errors


class GaronaServer:
    """One `garona serve` process on 127.0.0.1 with its own data directory.

    With `use_env=True` the port, host and data dir are passed only through
    GARONA_PORT / GARONA_HOST / GARONA_DATA_DIR. With `database_url` it runs on that PostgreSQL
    database (`--database-url`, or GARONA_DATABASE_URL with `use_env`); the data directory then
    holds only the node's local files.
    """

    def __init__(self, data_dir, *extra_args, use_env=False, database_url=None):
        self.data_dir = Path(data_dir)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.extra_args = list(extra_args)
        self.use_env = use_env
        self.database_url = database_url
        self.stdout_lines = []
        self.stderr_lines = []
        self.proc = None

    def start(self, timeout=120):
        env = dict(os.environ)
        args = [garona_bin(), "serve"]
        if self.use_env:
            env.update(GARONA_PORT=str(self.port), GARONA_HOST="127.0.0.1",
                       GARONA_DATA_DIR=str(self.data_dir))
            if self.database_url:
                env.update(GARONA_DATABASE_URL=self.database_url)
        else:
            args += ["--host", "127.0.0.1", "--port", str(self.port),
                     "--data-dir", str(self.data_dir)]
            if self.database_url:
                args += ["--database-url", self.database_url]
        self.proc = subprocess.Popen(args + self.extra_args, env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for stream, sink in ((self.proc.stdout, self.stdout_lines),
                             (self.proc.stderr, self.stderr_lines)):
            threading.Thread(target=self._drain, args=(stream, sink), daemon=True).start()
        self._wait_ready(timeout)
        return self

    @staticmethod
    def _drain(stream, sink):
        for line in stream:
            sink.append(line.rstrip("\n"))

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"garona exited with {self.proc.returncode}: "
                                   + "\n".join(self.stderr_lines[-20:]))
            try:
                if requests.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"garona not ready on {self.base} after {timeout}s")

    def admin_password(self, wait=5.0):
        """The password from the one-time 'Admin account' stdout line, or None."""
        deadline = time.monotonic() + wait
        while True:
            for line in self.stdout_lines:
                match = ADMIN_LINE.search(line)
                if match:
                    return match.group(1)
            if time.monotonic() > deadline:
                return None
            time.sleep(0.1)

    def url(self, path):
        return self.base + path

    def import_file(self, path, dataset, *extra, timeout=300):
        """`garona import` into this server's portal: its data directory, and its database on PostgreSQL."""
        database = ["--database-url", self.database_url] if self.database_url else []
        return import_file(path, self.data_dir, dataset, *extra, *database, timeout=timeout)

    def stop(self, timeout=10):
        """SIGTERM, then SIGKILL after `timeout`; returns the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError("garona did not stop within 10 s of SIGTERM")


def import_file(path, data_dir, dataset, *extra, timeout=300):
    """`garona import PATH --data-dir DIR --dataset ID EXTRA...`."""
    return run_cli("import", str(path), "--data-dir", str(data_dir), "--dataset", dataset, *extra,
                   timeout=timeout)


def parse_summary(stdout):
    """The import summary: {'id', 'version', 'records', 'source', 'fields': {name: (type, flags)},
    'warnings': [...]}."""
    lines = stdout.splitlines()
    match = SUMMARY_LINE.fullmatch(lines[0].strip())
    assert match, lines[0]
    summary = {"id": match.group(1), "version": int(match.group(2)),
               "records": int(match.group(3).replace(",", "")), "fields": {}, "warnings": []}
    section = None
    for line in lines[1:]:
        if line.startswith("Source:"):
            summary["source"] = line[len("Source:"):].strip(" ")  # the delimiter may be a tab
        elif line.startswith("Fields:"):
            section = "fields"
        elif line.startswith("Warnings:"):
            section = "warnings"
        elif section == "fields" and line.startswith("  "):
            name, type_, *rest = line.split()
            flags = re.search(r"\(([^)]*)\)", line)
            summary["fields"][name] = (type_, flags.group(1) if flags else "")
        elif section == "warnings" and line.strip().startswith("- "):
            summary["warnings"].append(line.strip()[2:])
    return summary


def dataset_show(data_dir, dataset):
    """`garona dataset show`: {'records', 'version', 'fields': {name: (type, label)}}, or None."""
    done = run_cli("dataset", "show", dataset, "--data-dir", str(data_dir))
    if done.returncode != 0:
        return None
    shown = {"fields": {}}
    in_fields = False
    for line in done.stdout.splitlines():
        match = re.fullmatch(r"records: ([\d,]+) \(version (\d+)\)", line.strip())
        if match:
            shown["records"] = int(match.group(1).replace(",", ""))
            shown["version"] = int(match.group(2))
        elif line.startswith("fields:"):
            in_fields = True
        elif in_fields and line.startswith("  "):
            name, type_, label = (line.strip().split("\t") + ["", ""])[:3]
            shown["fields"][name] = (type_, label)
        elif ":" in line and not line.startswith(" "):
            key, _, value = line.partition(":")
            shown.setdefault(key.strip(), value.strip())
    return shown


def dataset_list(data_dir):
    """`garona dataset list`: {id: (visibility, records, title)}."""
    done = run_cli("dataset", "list", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    listed = {}
    for line in done.stdout.splitlines():
        if "\t" in line:  # "No dataset." when there is none
            id_, visibility, records, title = line.split("\t", 3)
            listed[id_] = (visibility, int(records.split()[0].replace(",", "")), title)
    return listed


def read_only_db(data_dir):
    """A read-only connection to <data-dir>/garona.sqlite, for checking what was stored."""
    path = Path(data_dir) / "garona.sqlite"
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)


def records_tables(data_dir):
    """Names of the tables that hold records, `records_<id>_v<n>` (not their FTS shadows), current or staging.

    Tables retired by a publication or a deletion, kept a grace period for the readers that looked the dataset
    up just before (see `retired_tables`), are left out."""
    with closing(read_only_db(data_dir)) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                          "AND name LIKE 'records\\_%' ESCAPE '\\'")]
    retired = set(retired_tables(data_dir))
    return sorted(n for n in names if re.fullmatch(r"records_.+_v\d+", n) and n not in retired)


def retired_tables(data_dir):
    """Records tables that a publication or a deletion retired and that are not dropped yet."""
    with closing(read_only_db(data_dir)) as db:
        return sorted(r[0] for r in db.execute("SELECT records_table FROM retired_tables"))


def stored_records(data_dir, dataset):
    """The rows of the dataset's current records table, as dicts in insertion order."""
    with closing(read_only_db(data_dir)) as db:
        table = db.execute("SELECT records_table FROM datasets WHERE id = ?",
                           (dataset,)).fetchone()[0]
        cursor = db.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor]
