"""Consent services an operator declares in <data-dir>/services.json."""

import json

import requests

from garona_server import GaronaServer
from web import Client, set_cookies

VIDEO = {
    "id": "video",
    "name": {"fr": "Vidéos", "en": "Videos"},
    "provider": "Video host",
    "category": "third_party",
    "purpose": {"fr": "Lire les vidéos intégrées", "en": "Play embedded videos"},
    "cookies": [],
    "origins": ["http://127.0.0.2:9"],
    "markup": "<p class='video-embed'>video</p>",
}
STATS = {
    "id": "audience",
    "name": {"fr": "Mesure d'audience", "en": "Audience measurement"},
    "provider": "Stats host",
    "category": "statistics",
    "purpose": {"fr": "Compter les visites", "en": "Count visits"},
    "cookies": [{"provider": "Stats host", "service": {"fr": "Audience", "en": "Audience"}, "name": "_stats",
                 "purpose": {"fr": "Identifier la visite", "en": "Identify the visit"}, "category": "statistics",
                 "lifetime": {"fr": "13 mois", "en": "13 months"}}],
}


def serve(data_dir, services):
    (data_dir / "services.json").write_text(json.dumps(services), encoding="utf-8")
    return GaronaServer(data_dir).start()


def accept_all(server):
    client = Client(server)
    token = client.token("/cookies/preferences")
    resp = client.post("/cookies/preferences", data={"action": "accept_all", "csrfmiddlewaretoken": token, "next": "/"},
                       allow_redirects=False)
    assert resp.status_code == 302
    return set_cookies(resp)["cookies_preferences"].value


def test_declared_services_appear_in_charter_json_and_preferences(tmp_path):
    server = serve(tmp_path, [VIDEO, STATS])
    try:
        data = requests.get(server.url("/cookies.json"), timeout=10).json()
        assert {s["id"] for s in data["services"]} == {"video", "audience"}
        assert "_stats" in {c["name"] for c in data["cookies"]}
        page = requests.get(server.url("/cookies/preferences"), timeout=10).text
        assert 'name="category_third_party"' in page and 'name="category_statistics"' in page
        assert 'name="category_first_party"' not in page
        home = requests.get(server.url("/"), timeout=10).text
        assert 'id="cookie-banner"' in home
    finally:
        server.stop()


def test_changing_the_declared_services_asks_again(tmp_path):
    server = serve(tmp_path, [VIDEO])
    try:
        choice = accept_all(server)
        version = requests.get(server.url("/cookies.json"), timeout=10).json()["policy_version"]
        home = requests.get(server.url("/"), cookies={"cookies_preferences": choice}, timeout=10).text
        assert 'id="cookie-banner"' not in home
    finally:
        server.stop()
    server = serve(tmp_path, [VIDEO, STATS])
    try:
        assert requests.get(server.url("/cookies.json"), timeout=10).json()["policy_version"] != version
        home = requests.get(server.url("/"), cookies={"cookies_preferences": choice}, timeout=10)
        assert home.status_code == 200 and 'id="cookie-banner"' in home.text
    finally:
        server.stop()


def test_each_choice_is_logged_without_identifiers(tmp_path):
    import sqlite3
    server = serve(tmp_path, [VIDEO])
    try:
        accept_all(server)
        client = Client(server)
        token = client.token("/cookies/preferences")
        client.post("/cookies/preferences", data={"action": "refuse_all", "csrfmiddlewaretoken": token},
                    allow_redirects=False)
    finally:
        server.stop()
    db = sqlite3.connect(f"file:{tmp_path / 'garona.sqlite'}?mode=ro", uri=True)
    columns = [row[1] for row in db.execute("PRAGMA table_info(consent_log)")]
    rows = db.execute("SELECT action, categories FROM consent_log ORDER BY id").fetchall()
    db.close()
    assert rows == [("accept_all", "third_party"), ("refuse_all", "")]
    assert not {"ip", "address", "session", "session_key", "user", "user_id"} & set(columns)


def test_an_invalid_services_file_stops_the_server_with_one_line(tmp_path):
    (tmp_path / "services.json").write_text('[{"id": "Bad Id!"}]', encoding="utf-8")
    from garona_server import run_cli
    done = run_cli("serve", "--data-dir", str(tmp_path), "--port", "1", timeout=30)
    assert done.returncode != 0
    assert done.stderr.strip().count("\n") == 0 and "services.json" in done.stderr
