"""Hostile files: ZIP (XLSX) bombs through `garona import` and the back office, and upload writes
that fail (a file size limit standing in for a full disk).

Every bomb is built at test time: a raw deflate stream of one compressed MiB of `a`, repeated
(each copy ends on a sync flush, so the copies chain into one valid stream), inside a ZIP written
by hand so that its headers may lie.
"""

import os
import re
import resource
import signal
import struct
import subprocess
import zlib
from contextlib import contextmanager
from unittest import mock

import pytest
import requests

from conftest import PASSWORD, USER
from garona_server import GaronaServer, create_user, dataset_list, dataset_show, garona_bin, \
    import_file, records_tables
from test_backoffice import error_text, job_path, logged_in_client, publish, upload, uploaded_files, \
    wait_job

GIB = 1 << 30
SHEET = "xl/worksheets/sheet1.xml"
WORKBOOK = (b'<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>'
            b'</workbook>')
RELS = (b'<Relationships><Relationship Id="rId1" Type="ws" Target="worksheets/sheet1.xml"/>'
        b'</Relationships>')


def zip_archive(parts):
    """A ZIP of (name, stored bytes, method, declared uncompressed size) entries, headers as given."""
    out, central = b"", b""
    for name, data, method, declared in parts:
        path = name.encode()
        common = struct.pack("<HHHHHIIIHH", 20, 0, method, 0, 0x21, 0, len(data), declared,
                             len(path), 0)
        central += (struct.pack("<IH", 0x02014B50, 20) + common
                    + struct.pack("<HHHII", 0, 0, 0, 0, len(out)) + path)
        out += struct.pack("<I", 0x04034B50) + common + path + data
    return (out + central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts),
                                        len(central), len(out), 0))


def deflated_run(mebibytes):
    """A raw deflate stream that inflates to `mebibytes` MiB of `a`, about 1,000 times smaller."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = compressor.compress(b"a" * (1 << 20)) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return chunk * mebibytes + b"\x03\x00"  # a last, empty block


def bomb(declared=None, gibibytes=2):
    """A workbook whose sheet inflates to `gibibytes` GiB; it declares that size, or `declared`."""
    stream = deflated_run(gibibytes * 1024)
    size = gibibytes * GIB if declared is None else declared
    return zip_archive([("xl/workbook.xml", WORKBOOK, 0, len(WORKBOOK)),
                        ("xl/_rels/workbook.xml.rels", RELS, 0, len(RELS)),
                        (SHEET, stream, 8, min(size, 0xFFFFFFFE))])


BOMBS = {
    # Honest headers: refused from the central directory before anything is inflated.
    "declared": (lambda: bomb(), r"inflates to more than 1024 MB; the file is refused as a possible ZIP bomb"),
    # Lying headers: refused by the bytes inflated, as soon as they pass the declared size.
    "lying": (lambda: bomb(declared=4096), r"inflates to more than the 4096 bytes its header declares"),
}


def leftover_files(data_dir):
    """Files of the data directory other than the database, its journals and the secret key."""
    keep = re.compile(r"garona\.sqlite(-wal|-shm)?|secret\.key|services\.json")
    return sorted(str(p.relative_to(data_dir)) for p in data_dir.rglob("*")
                  if p.is_file() and not (p.parent == data_dir and keep.fullmatch(p.name)))


@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_cli_refuses_a_zip_bomb(tmp_path, kind):
    build, message = BOMBS[kind]
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(build())
    assert path.stat().st_size < 3 << 20
    data_dir = tmp_path / "data"
    done = import_file(path, data_dir, "bomb", timeout=120)
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr[-2000:])
    assert re.search(message, done.stderr), done.stderr
    assert "bomb" not in dataset_list(data_dir)
    assert leftover_files(data_dir) == []


def real_workbook(path):
    """A real sheet of 2.7 MB (59,998 records) that compresses about 8 times, as real ones do;
    returns its size and ratio."""
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i % 7}</v></c></row>' for i in range(2, 60_000))
    sheet = ('<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>n</t></is></c></row>'
             + rows + "</sheetData></worksheet>").encode()
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = compressor.compress(sheet) + compressor.flush()
    path.write_bytes(zip_archive([("xl/workbook.xml", WORKBOOK, 0, len(WORKBOOK)),
                                  ("xl/_rels/workbook.xml.rels", RELS, 0, len(RELS)),
                                  (SHEET, stream, 8, len(sheet))]))
    return len(sheet), len(sheet) // len(stream)


def test_cli_limits_come_from_the_environment(tmp_path):
    path = tmp_path / "book.xlsx"
    size, ratio = real_workbook(path)
    assert size > 2 << 20 and 4 <= ratio < 100, ratio

    def run(**env):
        return subprocess.run([garona_bin(), "import", str(path), "--data-dir", str(tmp_path / "data"),
                               "--dataset", "book"], env={**os.environ, **env}, capture_output=True,
                              text=True, timeout=300)

    refused = run(GARONA_ZIP_MAX_RATIO=str(ratio // 2))
    assert refused.returncode == 1 and f"compressed more than {ratio // 2} to 1" in refused.stderr, \
        refused.stderr
    refused = run(GARONA_ZIP_MAX_PART_MB="2")
    assert refused.returncode == 1 and "inflates to more than 2 MB" in refused.stderr, refused.stderr
    done = run()
    assert done.returncode == 0, done.stderr
    assert "59,998 records" in done.stdout, done.stdout
    assert leftover_files(tmp_path / "data") == []


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("garona-data")
    create_user(data_dir, USER, PASSWORD)
    srv = GaronaServer(data_dir).start()
    yield srv
    srv.stop()


@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_backoffice_refuses_a_zip_bomb(server, kind):
    build, message = BOMBS[kind]
    client = logged_in_client(server)
    path = job_path(upload(client, "bomb.xlsx", build(), f"bomb-{kind}"))
    page = wait_job(client, path, timeout=120)
    assert re.search(message, error_text(page) or ""), page.text[:3000]
    assert server.proc.poll() is None
    assert requests.get(server.url("/healthz"), timeout=10).status_code == 200
    assert f"bomb-{kind}" not in dataset_list(server.data_dir)
    assert uploaded_files(server) == []


@contextmanager
def file_size_limit(limit):
    """Processes started inside get RLIMIT_FSIZE = `limit` and ignore SIGXFSZ, so that a write past
    the limit fails with EFBIG, as on a full disk, instead of killing the process."""
    real_popen = subprocess.Popen

    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    def popen(*args, **kwargs):
        return real_popen(*args, **kwargs, preexec_fn=limited)

    with mock.patch.object(subprocess, "Popen", popen):
        yield


def test_upload_write_error_is_a_clear_message_and_leaves_nothing(tmp_path):
    data_dir = tmp_path / "data"
    create_user(data_dir, USER, PASSWORD)
    with file_size_limit(4 << 20):
        srv = GaronaServer(data_dir).start()
    try:
        client = logged_in_client(srv)
        resp = upload(client, "big.csv", b"nom;valeur\n" + b"a;1\n" * (2 << 20), "big")
        assert resp.status_code == 507, (resp.status_code, resp.text[:2000])
        assert re.search(r"(disque plein|full disk)", error_text(resp) or ""), resp.text[:3000]
        assert srv.proc.poll() is None
        assert uploaded_files(srv) == []
        assert "big" not in dataset_list(data_dir)
        # The server goes on: a file under the limit is imported.
        small = wait_job(client, job_path(upload(client, "small.csv", b"nom;valeur\na;1\n", "small")))
        assert error_text(small) is None and "form" in small.text, small.text[:3000]
    finally:
        srv.stop()


def test_publish_write_error_is_a_clear_message_and_publishes_nothing(tmp_path):
    data_dir = tmp_path / "data"
    create_user(data_dir, USER, PASSWORD)
    with file_size_limit(4 << 20):
        srv = GaronaServer(data_dir).start()
    try:
        client = logged_in_client(srv)
        # 3 MB uploaded fit under the limit; the records table and its indexes do not.
        content = "nom;valeur;texte\n" + "".join(f"n{i};{i};un texte pour remplir la table {i}\n"
                                                 for i in range(60_000))
        path = job_path(upload(client, "big.csv", content.encode(), "big"))
        page = wait_job(client, path)
        assert error_text(page) is None, error_text(page)
        resp = publish(client, path, page)
        assert resp.status_code == 303, resp.status_code
        message = error_text(wait_job(client, path)) or ""
        # Which write meets the limit decides the wording: a record (Store's own message) or a commit.
        assert re.search(r"cannot write a record: disk I/O error|the database is full or cannot be "
                         r"written; nothing was published", message), message
        assert "SQLite" not in message
        assert srv.proc.poll() is None
        assert requests.get(srv.url("/healthz"), timeout=10).status_code == 200
        # No version was published. Store's clean-up (drop the staging table and the new dataset's row)
        # is itself a write, which can fail on the same full disk: then the next start removes the table.
        shown = dataset_show(data_dir, "big")
        assert shown is None or (shown["records"], shown["version"]) == (0, 0), shown
        assert uploaded_files(srv) == []
    finally:
        srv.stop()
    GaronaServer(data_dir).start().stop()
    assert not [t for t in records_tables(data_dir) if t.startswith("records_big_")]


def test_cli_extraction_write_error_is_a_clear_message(tmp_path):
    path = tmp_path / "book.xlsx"
    real_workbook(path)
    with file_size_limit(1 << 20):
        done = import_file(path, tmp_path / "data", "book")
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert done.stderr.strip() == ("garona: A part of the Excel workbook cannot be written to the data "
                                   "directory: File too large."), done.stderr
    assert "book" not in dataset_list(tmp_path / "data")
    assert leftover_files(tmp_path / "data") == []
