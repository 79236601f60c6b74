"""Accounts, roles and the audit log (issue 14): editors refused on admin pages (403, in their language), every POST
under CSRF, the last admin kept, a disabled account's sessions and API keys refused at once, a new password ending
the other sessions, `garona user …`, the audit log's filters, pages and CSV download, and axe on the new pages."""

import csv
import io
import sqlite3

import pytest
import requests

from browser import Browser, assert_axe_clean, log_in
from conftest import PASSWORD, USER, start_server
from garona_server import create_user, import_file, psql, run_cli
from test_backoffice import through_backoffice
from web import CSRF_FAILED, Client, dom

API = "/api/explore/v2.1"
NEW_PASSWORD = "a brand new passphrase"
ADMIN_ONLY_FR = "Cette page et ses actions sont réservées aux administrateurs."
ADMIN_ONLY_EN = "This page and its actions are for administrators only."


@pytest.fixture(scope="module")
def server(tmp_path_factory, tiles):
    srv = start_server(tmp_path_factory, "--tile-url", tiles.template)
    create_user(srv.data_dir, "editor1", PASSWORD, role="editor", database_url=srv.database_url)
    yield srv
    srv.stop()


def cli(server, *args, stdin=None):
    database = ["--database-url", server.database_url] if server.database_url else []
    command, rest = args[0], args[1:]
    return run_cli("user", command, "--data-dir", str(server.data_dir), *database, *rest, stdin=stdin)


def logged_in(server, username=USER, password=PASSWORD):
    client = Client(server)
    assert client.login(username, password).status_code == 302
    return client


def user_id(admin, username):
    page = dom(admin.get("/backoffice/users/"))
    for form in page.find_all("form"):
        action = form.attrs.get("action", "")
        if action.endswith("/role") and form.find("select").attrs.get("aria-label", "").endswith(" " + username):
            return int(action.split("/")[3])
    raise AssertionError(f"no row for {username}")


def post(client, path, page="/backoffice/users/", **data):
    return client.post(path, data={"csrfmiddlewaretoken": client.token(page), **data})


def audit_rows(admin, **filters):
    """The audit page's rows as (actor, action label, target, detail)."""
    resp = admin.get("/backoffice/audit/", params=filters)
    assert resp.status_code == 200, resp.status_code
    rows = []
    for tr in dom(resp).find_all("tr")[1:]:
        cells = [td.text() for td in tr.find_all("td")]
        rows.append(tuple(cells[1:]))
    return rows


def test_an_editor_gets_a_403_page_in_their_language_on_admin_pages_and_actions(server):
    editor = logged_in(server, "editor1")
    token = editor.token("/backoffice/account/")
    for path in ["/backoffice/users/", "/backoffice/users", "/backoffice/audit/", "/backoffice/audit.csv?actor=x"]:
        resp = editor.get(path)
        assert resp.status_code == 403, path
        assert ADMIN_ONLY_FR in resp.text and 'lang="fr"' in resp.text
    english = editor.get("/backoffice/audit/", cookies={"django_language": "en"})
    assert english.status_code == 403 and ADMIN_ONLY_EN in english.text
    for path in ["/backoffice/users", "/backoffice/users/1/role", "/backoffice/users/1/disable",
                 "/backoffice/users/1/enable", "/backoffice/users/1/password"]:
        resp = editor.post(path, data={"csrfmiddlewaretoken": token, "username": "mallory", "role": "admin",
                                       "password": NEW_PASSWORD})
        assert resp.status_code == 403 and ADMIN_ONLY_FR in resp.text, path
    # Nothing changed: no mallory, the admin still admin; the editor's own pages still open.
    assert "mallory" not in logged_in(server).get("/backoffice/users/").text
    assert editor.get("/backoffice/account/").status_code == 200
    assert editor.get("/backoffice/").status_code == 200
    assert 'href="/backoffice/users/"' not in editor.get("/backoffice/").text
    assert 'href="/backoffice/users/"' in logged_in(server).get("/backoffice/").text


def test_every_post_needs_the_csrf_token(server):
    admin = logged_in(server)
    target = user_id(admin, "editor1")
    for path in ["/backoffice/users", f"/backoffice/users/{target}/role", f"/backoffice/users/{target}/disable",
                 f"/backoffice/users/{target}/enable", f"/backoffice/users/{target}/password",
                 "/backoffice/account/password"]:
        resp = admin.post(path, data={"username": "mallory", "role": "admin", "password": NEW_PASSWORD,
                                      "current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                      "new_password_again": NEW_PASSWORD})
        assert resp.status_code == 403 and CSRF_FAILED in resp.text, path
    listing = admin.get("/backoffice/users/").text
    assert "mallory" not in listing
    assert logged_in(server, "editor1").get("/backoffice/").status_code == 200


def test_admins_manage_accounts_and_a_disabled_account_is_refused_at_once(server):
    admin = logged_in(server)
    short = post(admin, "/backoffice/users", username="bob", role="editor", password="short")
    assert short.status_code == 400 and "12" in short.text
    bad = post(admin, "/backoffice/users", username="b o b", role="editor", password=NEW_PASSWORD)
    assert bad.status_code == 400
    created = post(admin, "/backoffice/users", username="bob", role="editor", password=NEW_PASSWORD)
    assert created.status_code == 303 and created.headers["Location"] == "/backoffice/users/?done=created"
    assert "Le compte a été créé." in admin.get(created.headers["Location"]).text
    taken = post(admin, "/backoffice/users", username="bob", role="editor", password=NEW_PASSWORD)
    assert taken.status_code == 409

    bob = logged_in(server, "bob", NEW_PASSWORD)
    assert bob.get("/backoffice/").status_code == 200
    made = run_cli("apikey", "create", "--data-dir", str(server.data_dir),
                   *(["--database-url", server.database_url] if server.database_url else []),
                   "--username", "bob", "--label", "bob")
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert ("cli", "Clé d’API créée", key[:8], "bob") in audit_rows(admin, action="apikey_create")
    headers = {"Authorization": f"Apikey {key}"}
    assert requests.get(server.url(API + "/catalog/datasets"), headers=headers, timeout=15).status_code == 200

    bob_id = user_id(admin, "bob")
    row = dom(admin.get("/backoffice/users/")).find("form", action=f"/backoffice/users/{bob_id}/disable")
    assert row is not None
    disabled = post(admin, f"/backoffice/users/{bob_id}/disable")
    assert disabled.status_code == 303
    # At once: the session is gone, the key is refused, the password no longer opens a session.
    replay = bob.get("/backoffice/")
    assert replay.status_code == 302 and replay.headers["Location"].startswith("/login")
    assert requests.get(server.url(API + "/catalog/datasets"), headers=headers, timeout=15).status_code == 401
    refused = Client(server).login("bob", NEW_PASSWORD)
    assert refused.status_code == 200 and "Identifiant ou mot de passe incorrect." in refused.text
    assert "Désactivé" in admin.get("/backoffice/users/").text

    assert post(admin, f"/backoffice/users/{bob_id}/enable").status_code == 303
    assert requests.get(server.url(API + "/catalog/datasets"), headers=headers, timeout=15).status_code == 200
    promoted = post(admin, f"/backoffice/users/{bob_id}/role", role="admin")
    assert promoted.status_code == 303
    bob = logged_in(server, "bob", NEW_PASSWORD)
    assert bob.get("/backoffice/users/").status_code == 200
    assert post(admin, f"/backoffice/users/{bob_id}/role", role="editor").status_code == 303
    assert bob.get("/backoffice/users/").status_code == 403

    # An admin sets bob's password: bob's sessions end, the new password works.
    assert post(admin, f"/backoffice/users/{bob_id}/password", password="short").status_code == 400
    assert post(admin, f"/backoffice/users/{bob_id}/password", password=PASSWORD + "!").status_code == 303
    assert bob.get("/backoffice/").status_code == 302
    assert Client(server).login("bob", PASSWORD + "!").status_code == 302
    assert admin.post("/backoffice/users/999999/disable",
                      data={"csrfmiddlewaretoken": admin.token("/backoffice/users/")}).status_code == 404

    # The admin revokes bob's key in the back office: audited by its prefix, never the key.
    revoke = next(f.attrs["action"] for f in dom(admin.get("/backoffice/apikeys")).find_all("form")
                  if f.attrs.get("action", "").endswith("/revoke"))
    assert post(admin, revoke, "/backoffice/apikeys").status_code == 303
    assert requests.get(server.url(API + "/catalog/datasets"), headers=headers, timeout=15).status_code == 401
    assert audit_rows(admin, action="apikey_revoke") == [("alice", "Clé d’API révoquée", key[:8], "bob")]
    assert key not in admin.get("/backoffice/audit.csv").text


def test_the_last_admin_can_be_neither_disabled_nor_demoted(tmp_path_factory, tiles):
    srv = start_server(tmp_path_factory, "--tile-url", tiles.template)
    try:
        admin = logged_in(srv)
        me = user_id(admin, USER)
        for path, data in [(f"/backoffice/users/{me}/disable", {}), (f"/backoffice/users/{me}/role", {"role": "editor"})]:
            resp = post(admin, path, **data)
            assert resp.status_code == 409, path
            assert "dernier administrateur actif" in resp.text
        assert admin.get("/backoffice/users/").status_code == 200
        for args in [("disable", USER), ("set-role", USER, "editor")]:
            done = cli(srv, *args)
            assert done.returncode != 0 and "last enabled admin" in done.stderr, done
        # With a second admin, the first may go.
        assert cli(srv, "create", "--username", "root2", "--role", "admin", "--password-stdin",
                   stdin=NEW_PASSWORD).returncode == 0
        assert post(admin, f"/backoffice/users/{me}/role", role="editor").status_code == 303
        assert admin.get("/backoffice/users/").status_code == 403
    finally:
        srv.stop()


def test_changing_ones_password_ends_the_other_sessions_only(server):
    assert cli(server, "create", "--username", "carol", "--role", "editor", "--password-stdin",
               stdin=PASSWORD).returncode == 0
    here, elsewhere = logged_in(server, "carol"), logged_in(server, "carol")
    page = "/backoffice/account/"
    wrong = post(here, "/backoffice/account/password", page, current_password="nope",
                 new_password=NEW_PASSWORD, new_password_again=NEW_PASSWORD)
    assert wrong.status_code == 400 and "Le mot de passe actuel est incorrect." in wrong.text
    short = post(here, "/backoffice/account/password", page, current_password=PASSWORD,
                 new_password="short", new_password_again="short")
    assert short.status_code == 400
    differ = post(here, "/backoffice/account/password", page, current_password=PASSWORD,
                  new_password=NEW_PASSWORD, new_password_again=NEW_PASSWORD + "x")
    assert differ.status_code == 400
    assert elsewhere.get("/backoffice/").status_code == 200
    old_key = here.cookie("sessionid")
    done = post(here, "/backoffice/account/password", page, current_password=PASSWORD,
                new_password=NEW_PASSWORD, new_password_again=NEW_PASSWORD)
    assert done.status_code == 303 and done.headers["Location"] == "/backoffice/account/?saved=1"
    assert here.cookie("sessionid") != old_key
    assert here.get("/backoffice/").status_code == 200
    assert "Votre mot de passe a été changé" in here.get(done.headers["Location"]).text
    replay = elsewhere.get("/backoffice/")
    assert replay.status_code == 302 and replay.headers["Location"].startswith("/login")
    stale = Client(server)
    stale.session.cookies.set("sessionid", old_key)
    assert stale.get("/backoffice/").status_code == 302
    assert Client(server).login("carol", PASSWORD).status_code == 200
    assert Client(server).login("carol", NEW_PASSWORD).status_code == 302


def test_a_password_changed_behind_the_servers_back_still_ends_the_sessions(server):
    """The session keeps a fingerprint of the password hash: even a change that leaves the session rows in place
    (here, the hash rewritten in the database) logs the sessions out at their next request."""
    assert cli(server, "create", "--username", "erin", "--role", "editor", "--password-stdin",
               stdin=PASSWORD).returncode == 0
    erin = logged_in(server, "erin")
    assert erin.get("/backoffice/").status_code == 200
    same = "UPDATE users SET password_hash = password_hash || '' WHERE username = 'erin'"
    changed = "UPDATE users SET password_hash = replace(password_hash, '$2b$12$', '$2b$12$x') WHERE username = 'erin'"
    for statement, status in [(same, 200), (changed, 302)]:
        if server.database_url:
            psql(server.database_url, statement)
        else:
            with sqlite3.connect(server.data_dir / "garona.sqlite") as db:
                db.execute(statement)
        assert erin.get("/backoffice/").status_code == status, statement


def test_the_command_line_manages_accounts_and_says_why_it_refuses(server):
    assert cli(server, "create", "--username", "dave", "--role", "editor", "--password-stdin",
               stdin=PASSWORD).returncode == 0
    dave = logged_in(server, "dave")
    listing = cli(server, "list")
    assert listing.returncode == 0, listing.stderr
    lines = {line.split("\t")[0]: line.split("\t") for line in listing.stdout.splitlines()}
    assert lines["dave"][1:3] == ["editor", "enabled"] and lines["dave"][3] != "never"
    assert lines["editor1"][1] == "editor"
    assert cli(server, "set-role", "dave", "admin").returncode == 0
    assert cli(server, "disable", "dave").returncode == 0
    assert dave.get("/backoffice/").status_code == 302
    assert cli(server, "list").stdout.count("dave\tadmin\tdisabled") == 1
    assert cli(server, "enable", "dave").returncode == 0
    assert cli(server, "passwd", "dave", "--password-stdin", stdin=NEW_PASSWORD + "\n").returncode == 0
    assert Client(server).login("dave", NEW_PASSWORD).status_code == 302
    for args, stdin, reason in [
        (("set-role", "dave", "owner"), None, "admin or editor"),
        (("disable", "nobody"), None, "no account is named \"nobody\""),
        (("passwd", "dave", "--password-stdin"), "short", "12"),
        (("passwd", "dave"), None, "--password-stdin"),
    ]:
        done = cli(server, *args, stdin=stdin)
        assert done.returncode != 0 and reason in done.stderr, (args, done.stderr)


def test_the_audit_log_records_filters_pages_and_downloads(server, tmp_path):
    admin = logged_in(server)
    # A failed login whose username a spreadsheet would run as a formula; the password is never recorded.
    Client(server).login("=HYPERLINK(\"x\")", "secret-password-123")
    path = tmp_path / "communes.csv"
    path.write_text("code;nom\n1;Albi\n", encoding="utf-8")
    extra = ["--database-url", server.database_url] if server.database_url else []
    assert import_file(path, server.data_dir, "communes", *extra).returncode == 0
    assert post(admin, "/backoffice/datasets/communes/visibility", "/backoffice/", visibility="private").status_code == 303
    assert post(admin, "/backoffice/datasets/communes/delete", "/backoffice/datasets/communes/delete",
                confirm="communes").status_code == 303
    # Publications, a new version and a metadata edit through the back office; a deletion by the command line.
    assert "Publié" in through_backoffice(admin, "villes.csv", "code;nom\n1;Albi\n", "villes").text
    assert "Publié" in through_backoffice(admin, "villes.csv", "code;nom\n1;Albi\n2;Foix\n", "villes", mode="replace").text
    edit = "/backoffice/datasets/villes"
    assert post(admin, edit, edit, title_fr="Villes", licence="etalab-2.0").status_code == 303
    assert run_cli("dataset", "delete", "villes", "--data-dir", str(server.data_dir), *extra).returncode == 0
    editor = logged_in(server, "editor1")
    editor.post("/logout", data={"csrfmiddlewaretoken": editor.token("/backoffice/")})

    rows = audit_rows(admin)
    assert rows[0][1] == "Déconnexion" and rows[0][0] == "editor1"
    assert ("alice", "Visibilité modifiée", "communes", "private") in rows
    assert ("alice", "Jeu de données supprimé", "communes", "") in rows
    assert ('=HYPERLINK("x")', "Connexion refusée", '=HYPERLINK("x")', "") in rows
    assert ("cli", "Première publication", "communes", "version 1, 1 records") in rows
    assert ("alice", "Première publication", "villes", "version 1, 1 records") in rows
    assert ("alice", "Nouvelle version", "villes", "version 2, 2 records") in rows
    assert ("alice", "Métadonnées modifiées", "villes", "") in rows
    assert ("cli", "Jeu de données supprimé", "villes", "") in rows
    assert ("cli", "Compte créé", "editor1", "editor") in audit_rows(admin, target="editor1", action="user_create")
    assert audit_rows(admin, action="delete") == [("cli", "Jeu de données supprimé", "villes", ""),
                                                  ("alice", "Jeu de données supprimé", "communes", "")]
    assert all(r[0] == "editor1" for r in audit_rows(admin, actor="editor1"))
    assert {r[2] for r in audit_rows(admin, target="commun")} == {"communes"}
    assert {r[0] for r in audit_rows(admin, actor="cli")} == {"cli"}
    assert admin.get("/backoffice/audit/", params={"action": "nonsense"}).status_code == 400
    assert admin.get("/backoffice/audit/", params={"page": "0"}).status_code == 400
    assert admin.get("/backoffice/audit/", params={"page": "99999999999999999999"}).status_code == 400

    # Paging: over 50 entries, newest first, the next page continues where the first ended.
    editor1 = user_id(admin, "editor1")
    for role in ["admin", "editor"] * 26:
        assert post(admin, f"/backoffice/users/{editor1}/role", role=role).status_code == 303
    first, second = audit_rows(admin), audit_rows(admin, page=2)
    assert len(first) == 50 and first[0] == ("alice", "Rôle modifié", "editor1", "editor")
    assert 'rel="next"' in admin.get("/backoffice/audit/").text
    assert first[-1] == ("alice", "Rôle modifié", "editor1", "admin")
    assert second[0] == ("alice", "Rôle modifié", "editor1", "editor")

    resp = admin.get("/backoffice/audit.csv", params={"action": "login_failed"})
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in resp.headers["Content-Disposition"]
    assert resp.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == ["time", "actor", "action", "target", "detail"]
    assert ["'=HYPERLINK(\"x\")", "login_failed", "'=HYPERLINK(\"x\")", ""] in [r[1:] for r in table[1:]]
    everything = admin.get("/backoffice/audit.csv").text
    assert "secret-password-123" not in everything and "127.0.0.1" not in everything
    assert len(everything.splitlines()) == 1 + len(audit_rows(admin)) + len(audit_rows(admin, page=2)) + len(
        audit_rows(admin, page=3))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_new_pages_pass_axe(server, lang):
    browser = Browser(server.base)
    try:
        log_in(browser, USER, PASSWORD, lang)
        assert_axe_clean(browser, ["/backoffice/users/", "/backoffice/account/", "/backoffice/audit/",
                                   "/backoffice/audit/?action=login&actor=alice"], lang)
    finally:
        browser.quit()
