"""Publishing is atomic: `kill -9` of an import at any moment leaves the previous version served,
and the next `garona serve` start-up removes the orphan staging tables.

The big file comes from `garona sample`. GARONA_KILL_ROWS sets its size; the default is
2,000,000 rows for a release binary and 60,000 for the debug one, whose analysis alone of
2,000,000 rows lasts minutes (the kills target moments, not a fixed row count).
"""

import os
import pty
import re
import select
import signal
import subprocess
import threading
import time

import pytest

from conftest import PASSWORD, USER
from garona_server import GaronaServer, create_user, dataset_show, garona_bin, import_file, \
    records_tables, run_cli, stored_records
from web import Client, dom

KILL_ROWS = int(os.environ.get("GARONA_KILL_ROWS",
                               "2000000" if "/release/" in garona_bin() else "60000"))
PHASE_TIMEOUT = 600  # seconds to wait for a progress phase to show
V1 = "nom;valeur\na;1\nb;2\nc;3\n"


class ImportRun:
    """`garona import` with stderr on a pseudo-terminal, so that its progress bar is drawn."""

    def __init__(self, path, data_dir, dataset):
        master, slave = pty.openpty()
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [garona_bin(), "import", str(path), "--data-dir", str(data_dir), "--dataset", dataset],
            stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
        os.close(slave)
        self.master = master
        self.progress = b""
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:
                    return
                if not chunk:
                    return
                self.progress += chunk
            elif self.proc.poll() is not None:
                return

    def phase(self):
        """The phase the last progress line shows: 'analysing', 'importing' or None."""
        last = self.progress.split(b"\r")[-1].decode("utf-8", "replace")
        match = re.match(r"\s*(analysing|importing)", last)
        return match.group(1) if match else None

    def wait_for(self, condition, what, timeout=PHASE_TIMEOUT):
        deadline = time.monotonic() + timeout
        while not condition():
            assert self.proc.poll() is None, f"import ended ({self.proc.returncode}) before {what}"
            assert time.monotonic() < deadline, f"no {what} after {timeout}s"
            time.sleep(0.05)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self.reader.join(5)
        os.close(self.master)
        return self.proc.returncode


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "big.csv"
    done = run_cli("sample", "--rows", str(KILL_ROWS), "--seed", "11", "--output", str(path),
                   timeout=600)
    assert done.returncode == 0, done.stderr
    return path


def serve(data_dir):
    return GaronaServer(data_dir).start(timeout=60)


def backoffice_records(client, dataset):
    """The records count the back-office list shows for `dataset` (digits only)."""
    resp = client.get("/backoffice/", timeout=10)
    assert resp.status_code == 200
    row = next(tr for tr in dom(resp).find_all("tr")
               if tr.find("a", href=f"/backoffice/datasets/{dataset}") is not None)
    return int(re.sub(r"\D", "", row.find_all("td")[1].text()))


def staging_tables(data_dir, dataset, current):
    return [t for t in records_tables(data_dir)
            if t.startswith(f"records_{dataset}_v") and t != current]


def assert_previous_version_served(data_dir, client, dataset="big"):
    shown = dataset_show(data_dir, dataset)
    assert (shown["records"], shown["version"]) == (3, 1), shown
    assert [r["nom"] for r in stored_records(data_dir, dataset)] == ["a", "b", "c"]
    assert backoffice_records(client, dataset) == 3


KILL_MOMENTS = {
    # name → what to wait for before `kill -9`
    "after 1 s": lambda run: time.monotonic() - run.started >= 1.0,
    "while analysing": lambda run: run.phase() == "analysing",
    "as importing starts": lambda run: run.phase() == "importing",
    "1.5 s into importing": None,  # handled below: importing, then 1.5 s more
}


def test_kill_9_keeps_previous_version_and_restart_removes_staging_tables(tmp_path, big_csv):
    data_dir = tmp_path / "data"
    create_user(data_dir, USER, PASSWORD)
    (tmp_path / "v1.csv").write_text(V1)
    assert import_file(tmp_path / "v1.csv", data_dir, "big").returncode == 0
    server = serve(data_dir)
    staged_at_kill = {}
    try:
        client = Client(server)
        assert client.login(USER, PASSWORD).status_code == 302
        for moment, condition in KILL_MOMENTS.items():
            run = ImportRun(big_csv, data_dir, "big")
            if condition is None:
                run.wait_for(lambda: run.phase() == "importing", "importing phase")
                deadline = time.monotonic() + 1.5
                run.wait_for(lambda: time.monotonic() >= deadline, "1.5 s of importing")
            else:
                run.wait_for(lambda: condition(run), moment)
            # The server keeps serving the previous version while the import runs.
            assert backoffice_records(client, "big") == 3
            assert run.kill() == -signal.SIGKILL, moment
            staged_at_kill[moment] = staging_tables(data_dir, "big", "records_big_v1")
            assert_previous_version_served(data_dir, client)
        assert any(staged_at_kill.values()), \
            f"no kill happened while a staging table existed: {staged_at_kill}"
    finally:
        server.stop()

    server = serve(data_dir)  # start-up removes the orphan staging tables
    try:
        client = Client(server)
        assert client.login(USER, PASSWORD).status_code == 302
        assert records_tables(data_dir) == ["records_big_v1"], staged_at_kill
        assert_previous_version_served(data_dir, client)

        # A complete import, while the server runs, then publishes the big file.
        done = import_file(big_csv, data_dir, "big", timeout=3600)
        assert done.returncode == 0, done.stderr
        shown = dataset_show(data_dir, "big")
        assert shown["records"] == KILL_ROWS and shown["version"] > 1, shown
        assert records_tables(data_dir) == [f"records_big_v{shown['version']}"]
        assert backoffice_records(client, "big") == KILL_ROWS
    finally:
        server.stop()


def test_failed_import_leaves_no_staging_table(tmp_path):
    data_dir = tmp_path / "data"
    (tmp_path / "v1.csv").write_text(V1)
    assert import_file(tmp_path / "v1.csv", data_dir, "ds").returncode == 0
    lines = ["nom;valeur"] + [f"n{i};{i}" for i in range(2000)] + ["ragged"]
    (tmp_path / "bad.csv").write_text("\n".join(lines) + "\n")
    assert import_file(tmp_path / "bad.csv", data_dir, "ds").returncode == 1
    assert records_tables(data_dir) == ["records_ds_v1"]
    assert dataset_show(data_dir, "ds")["version"] == 1


def test_kill_9_of_the_server_during_a_backoffice_import(tmp_path, big_csv):
    """The back-office job runs inside `garona serve`; killing the server mid-import must leave
    the previous version, and the restart must clean up."""
    data_dir = tmp_path / "data"
    create_user(data_dir, USER, PASSWORD)
    (tmp_path / "v1.csv").write_text(V1)
    assert import_file(tmp_path / "v1.csv", data_dir, "big").returncode == 0
    from test_backoffice import job_path, publish, upload, wait_job
    server = serve(data_dir)
    try:
        client = Client(server)
        assert client.login(USER, PASSWORD).status_code == 302
        path = job_path(upload(client, "big.csv", big_csv.read_bytes(), "big", mode="replace"))
        page = wait_job(client, path, timeout=PHASE_TIMEOUT)
        assert publish(client, path, page).status_code == 303
        deadline = time.monotonic() + PHASE_TIMEOUT
        while not staging_tables(data_dir, "big", "records_big_v1"):
            assert time.monotonic() < deadline, "the import never created its staging table"
            time.sleep(0.1)
        time.sleep(1.0)
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(30)
    finally:
        server.stop()
    shown = dataset_show(data_dir, "big")
    assert (shown["records"], shown["version"]) == (3, 1), shown
    server = serve(data_dir)
    try:
        client = Client(server)
        assert client.login(USER, PASSWORD).status_code == 302
        assert records_tables(data_dir) == ["records_big_v1"]
        assert_previous_version_served(data_dir, client)
        uploads = data_dir / "uploads"
        leftovers = [p for p in uploads.rglob("*") if p.is_file()] if uploads.exists() else []
        assert leftovers == [], leftovers
    finally:
        server.stop()
