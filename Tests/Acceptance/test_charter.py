"""/cookies (the charter) and /cookies.json are rendered from the same declarations."""

import pytest

from web import Client, dom

FOUR = ["sessionid", "django_language", "csrftoken", "cookies_preferences"]
HEADERS_FR = ["Nom du prestataire", "Service et emplacement", "Nom du cookie", "Finalités"]


def strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from strings(item)


def cookie_name_column(resp):
    """Cell texts under the 'Nom du cookie' / 'Cookie name' header of every table."""
    names = []
    for table in dom(resp).find_all("table"):
        headers = [th.text() for th in table.find_all("th")]
        column = next((i for i, h in enumerate(headers) if h in ("Nom du cookie", "Cookie name")), None)
        if column is None:
            continue
        for row in table.find_all("tr"):
            cells = row.find_all("td")
            if len(cells) > column:
                names.append(cells[column].text())
    return names


def test_charter_french(client):
    resp = client.get("/cookies")
    assert resp.status_code == 200
    page = dom(resp)
    headers = [th.text() for th in page.find_all("th")]
    for header in HEADERS_FR:
        assert header in headers, headers
    assert set(FOUR) <= set(cookie_name_column(resp))
    text = page.text()
    for kind in ("nécessaires", "statistiques", "internes", "tiers"):
        assert kind in text, kind


def test_charter_english(client):
    resp = client.get("/cookies", headers={"Accept-Language": "en"})
    assert dom(resp).find("html").attrs["lang"] == "en"
    assert set(FOUR) <= set(cookie_name_column(resp))
    assert "Nom du prestataire" not in resp.text


@pytest.mark.parametrize("server", ["plain", "demo"])
def test_json_lists_the_declared_cookies(request, server):
    client = Client(request.getfixturevalue(server))
    resp = client.get("/cookies.json")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/json")
    values = set(strings(resp.json()))
    assert set(FOUR) <= values
    if server == "plain":
        assert sorted(cookie_name_column(client.get("/cookies"))) == sorted(FOUR)
        assert "map_tiles" not in values
    else:
        assert {"map_tiles", "third_party"} <= values


def test_demo_service_appears_in_charter(demo, plain, tiles):
    """The consent service is named in the charter, with the host that receives the visitor's IP."""
    host = f"127.0.0.2:{tiles.port}"
    assert host in dom(Client(demo).get("/cookies")).text()
    assert host not in Client(plain).get("/cookies").text
