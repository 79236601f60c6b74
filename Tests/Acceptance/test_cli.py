"""Command line: serve from the environment, first-run demo account, data dir, `user create`."""

import re
import stat

import requests

from conftest import PASSWORD
from garona_server import GaronaServer, run_cli
from web import Client


def user_create(data_dir, username, role, password):
    return run_cli("user", "create", "--data-dir", str(data_dir), "--username", username,
                   "--role", role, "--password-stdin", stdin=password + "\n")


def assert_one_line_error(done):
    assert done.returncode != 0
    message = done.stderr.strip()
    assert message and "\n" not in message, repr(done.stderr)


def test_serve_reads_port_host_and_data_dir_from_environment(tmp_path):
    data_dir = tmp_path / "env-data"
    server = GaronaServer(data_dir, use_env=True).start()
    try:
        assert requests.get(server.url("/healthz"), timeout=5).status_code == 200
        key = data_dir / "secret.key"
        assert key.is_file()
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        assert key.stat().st_size > 0
        assert (data_dir / "garona.sqlite").is_file()
    finally:
        assert server.stop() is not None


def test_sigterm_stops_the_server(tmp_path):
    server = GaronaServer(tmp_path / "d").start()
    assert server.stop() is not None
    assert server.proc.poll() is not None


def test_demo_prints_admin_password_once_and_it_works(tmp_path):
    data_dir = tmp_path / "demo-data"
    first = GaronaServer(data_dir, "--demo").start()
    try:
        password = first.admin_password()
        assert password, "no 'Admin account' line on stdout: %r" % first.stdout_lines
        assert len(password) >= 12
    finally:
        first.stop()
    key_before = (data_dir / "secret.key").read_bytes()

    second = GaronaServer(data_dir, "--demo").start()
    try:
        assert second.admin_password(wait=2) is None
        assert not any(password in line for line in second.stdout_lines + second.stderr_lines)
        assert (data_dir / "secret.key").read_bytes() == key_before
        resp = Client(second).login("admin", password)
        assert resp.status_code == 302
        assert resp.headers["Location"].endswith("/backoffice/")
    finally:
        second.stop()


def test_serve_without_demo_creates_no_admin(tmp_path):
    server = GaronaServer(tmp_path / "d").start()
    try:
        assert server.admin_password(wait=1) is None
        resp = Client(server).login("admin", "whatever-password-123")
        assert resp.status_code != 302
        assert "sessionid" not in resp.cookies
    finally:
        server.stop()


def test_user_create_rejects_short_password(tmp_path):
    assert_one_line_error(user_create(tmp_path, "bob", "editor", "short-11chr"))


def test_user_create_accepts_twelve_characters(tmp_path):
    done = user_create(tmp_path, "dave", "editor", "twelve-chars")
    assert done.returncode == 0, done.stderr


def test_user_create_rejects_bad_role(tmp_path):
    assert_one_line_error(user_create(tmp_path, "bob", "superuser", PASSWORD))


def test_user_create_then_duplicate_then_login(tmp_path):
    done = user_create(tmp_path, "carol", "editor", PASSWORD)
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    assert_one_line_error(user_create(tmp_path, "carol", "editor", PASSWORD + "x"))

    server = GaronaServer(tmp_path).start()
    try:
        client = Client(server)
        assert client.login("carol", PASSWORD).status_code == 302
        assert client.get("/backoffice/").status_code == 200
    finally:
        server.stop()


def test_passwords_stored_as_bcrypt_cost_12_or_more(tmp_path):
    password = "a-secret-nobody-guesses"
    assert user_create(tmp_path, "gina", "admin", password).returncode == 0
    stored = b"".join(f.read_bytes() for f in tmp_path.glob("garona.sqlite*"))
    costs = [int(c) for c in re.findall(rb"\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}", stored)]
    assert costs and min(costs) >= 12, costs
    assert password.encode() not in stored
