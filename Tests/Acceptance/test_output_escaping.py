"""HTML escaping holds for every Unicode input (issue 10).

A `"` or `<` fused into one grapheme with a combining mark after it (U+0301) or a prepended concatenation mark
before it (U+0600) is one Swift `Character`, unequal to `"` or `<`: an escaper that compares characters lets it
through. A dataset whose title, description, keywords, publisher, field labels, field descriptions and cell values
hold such sequences is published, and every page that shows them (catalog, information, table, analyze, back
office, searches that echo the query) must keep them escaped, in text and in attribute values alike.
"""

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

import openpyxl

import pytest

from conftest import PASSWORD, USER, start_server
from garona_server import import_file
from web import Client, dom, form_token

COMBINING = "\u0301"
PREPENDED = "\u0600"
ZWJ_FAMILY = "\U0001F469\u200D\U0001F4BB"

# Each one, were it written raw, would close an attribute value or open a tag.
HOSTILE = [
    f'"{COMBINING} onmouseover="alert(1)',
    f"<{COMBINING}img src=x onerror=alert(2)>",
    f'{PREPENDED}"><{COMBINING}b>bold',
    f"{PREPENDED}<script>alert(3)</script>",
    f'{ZWJ_FAMILY}\u200D"\u200D<{ZWJ_FAMILY}',
]
# The special character directly after, or directly before, a mark that fuses with it.
FUSED = re.compile(f'[<>"\'][{COMBINING}\u200D]|{PREPENDED}[<>"\']')
DATASET = "escaping"


def raw_outside_scripts(text):
    """The page without the contents of its <script> elements (JSON there is checked apart)."""
    return re.sub(r"(<script\b[^>]*>).*?(</script>)", r"\1\2", text, flags=re.S)


class Collector(HTMLParser):
    """Every tag, attribute name and attribute value of a page, as the browser's tokenizer sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.attributes = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


def assert_escaped(resp, must_show):
    """No fused special character reaches the markup; the hostile values are shown, as text."""
    assert resp.status_code == 200, resp.status_code
    raw = raw_outside_scripts(resp.text)
    found = FUSED.search(raw)
    assert found is None, raw[max(0, found.start() - 80):found.end() + 80]
    page = Collector()
    page.feed(resp.text)
    names = {name for name, _ in page.attributes}
    assert not {"onmouseover", "onerror"} & names, names
    assert "img" not in page.tags and "b" not in page.tags
    assert page.tags.count("script") == len(re.findall(r"<script\b", resp.text))
    shown = html.unescape(resp.text)
    for value in must_show:
        assert value in shown, (value, resp.url)


@pytest.fixture(scope="module")
def server(tmp_path_factory, tiles):
    srv = start_server(tmp_path_factory, "--tile-url", tiles.template)
    path = tmp_path_factory.mktemp("escaping") / "hostile.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow([f"nom{HOSTILE[0]}", f"kind{HOSTILE[1]}", "valeur", f"x{HOSTILE[2]}"])
        rows = [[HOSTILE[index % len(HOSTILE)], HOSTILE[index % 3], str(index), HOSTILE[(index + 1) % 5]]
                for index in range(30)]
        writer.writerows(rows)
    done = import_file(path, srv.data_dir, DATASET, "--title", f"Titre {HOSTILE[2]}")
    assert done.returncode == 0, done.stderr
    client = Client(srv)
    assert client.login(USER, PASSWORD).status_code == 302
    page = client.get(f"/backoffice/datasets/{DATASET}")
    form = dom(page).find("form", action=f"/backoffice/datasets/{DATASET}")
    data = {"csrfmiddlewaretoken": form_token(page.text), "title_fr": f"Titre {HOSTILE[2]}",
            "title_en": HOSTILE[4], "description_fr": f"Description {HOSTILE[0]} {HOSTILE[3]}",
            "description_en": HOSTILE[1], "keywords": f"{HOSTILE[1]}, {HOSTILE[4]}",
            "themes": HOSTILE[3], "publisher": f"Éditeur {HOSTILE[0]}", "licence": "odbl",
            "licence_url": "", "visibility": "public"}
    for field in form.find_all("input"):
        name = field.attrs.get("name", "")
        if name.startswith("description_") and name not in data:
            data[name] = f"Champ {HOSTILE[3]}"
        if name.startswith("facet_"):
            data[name] = "on"
    resp = client.post(f"/backoffice/datasets/{DATASET}", data=data)
    assert resp.status_code == 303, resp.status_code
    srv.bo = client
    srv.rows = rows
    yield srv
    srv.stop()


def test_catalog_page(server):
    client = Client(server)
    assert_escaped(client.get("/explore"), [HOSTILE[2], "Titre"])
    # The search box echoes the query in value="…"; the title shows it too.
    assert_escaped(client.get("/explore", params={"q": HOSTILE[0]}), [HOSTILE[0]])


def test_information_page(server):
    resp = Client(server).get(f"/explore/dataset/{DATASET}/information/")
    assert_escaped(resp, [HOSTILE[0], HOSTILE[1], HOSTILE[3], f"Champ {HOSTILE[3]}", f"Éditeur {HOSTILE[0]}"])
    # The JSON-LD in the head: no `<`, `>` or `&` written raw, and it reads back to the same values.
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', resp.text, re.S).group(1)
    assert not re.search("[<>&\u2028\u2029]", script), script
    described = json.loads(script)
    assert described["name"] == f"Titre {HOSTILE[2]}"
    assert HOSTILE[1] in described["keywords"]


def test_table_page(server):
    client = Client(server)
    page = client.get(f"/explore/dataset/{DATASET}/table/")
    assert_escaped(page, HOSTILE)
    # A search, echoed in the form's value="…", and a facet refinement, echoed in the active filters and links.
    assert_escaped(client.get(f"/explore/dataset/{DATASET}/table/", params={"q": HOSTILE[3]}), [HOSTILE[3]])
    facets = dom(page).find_all("ul", cls="dataset-facet")
    assert facets, "no facet on the table page"
    links = [a.attrs["href"] for ul in facets for a in ul.find_all("a")]
    assert links
    refined = client.get(links[0])
    assert_escaped(refined, [])
    assert dom(refined).find("ul", cls="dataset-active") is not None


def test_analyze_page(server):
    resp = Client(server).get(f"/explore/dataset/{DATASET}/analyze/")
    assert_escaped(resp, [HOSTILE[0]])
    assert "<svg" in resp.text


def test_back_office_pages(server):
    assert_escaped(server.bo.get("/backoffice/"), [HOSTILE[2]])
    resp = server.bo.get(f"/backoffice/datasets/{DATASET}")
    assert_escaped(resp, [HOSTILE[4], f"Éditeur {HOSTILE[0]}"])
    form = dom(resp).find("form", action=f"/backoffice/datasets/{DATASET}")
    assert form.find("input", name="title_en").attrs["value"] == HOSTILE[4]
    assert form.find("input", name="publisher").attrs["value"] == f"Éditeur {HOSTILE[0]}"


# --- exports and searches: the other hand-written escapers ---------------------------------------

API = f"/api/explore/v2.1/catalog/datasets/{DATASET}"


def test_csv_export_reads_back_every_cell(server):
    resp = Client(server).get(f"{API}/exports/csv")
    assert resp.status_code == 200
    rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[1:] == server.rows


def test_xlsx_export_reads_back_every_cell(server):
    resp = Client(server).get(f"{API}/exports/xlsx")
    assert resp.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(resp.content), read_only=True).worksheets[0]
    cells = [[str(value) for value in row] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [[row[0], row[1], row[3]] for row in cells] == [[row[0], row[1], row[3]] for row in server.rows]


def test_dcat_export_is_well_formed_and_reads_back(server):
    resp = Client(server).get("/api/explore/v2.1/catalog/exports/dcat")
    assert resp.status_code == 200
    root = ElementTree.fromstring(resp.content)
    titles = [node.text for node in root.iter("{http://purl.org/dc/terms/}title")]
    assert f"Titre {HOSTILE[2]}" in titles
    keywords = [node.text for node in root.iter("{http://www.w3.org/ns/dcat#}keyword")]
    assert HOSTILE[1] in keywords


@pytest.mark.parametrize("text", [HOSTILE[0], HOSTILE[2], "\u0d4e\"", "%\u0301", "\\\u0301\""])
def test_searches_with_fused_quotes_are_answered(server, text):
    client = Client(server)
    # q= becomes search("…"); a Malayalam dot reph fused with `"` is one letter-like Character, kept in an FTS term.
    records = client.get(f"{API}/records", params={"q": text, "limit": 1})
    assert records.status_code == 200, records.text[:300]
    where = client.get(f"{API}/records", params={"where": f"kind like '{text.replace(chr(39), '')}'", "limit": 1})
    assert where.status_code in (200, 400), where.text[:300]
    page = client.get(f"/explore/dataset/{DATASET}/table/", params={"q": text})
    assert page.status_code == 200
    export = client.get(f"/explore/dataset/{DATASET}/export/", params={"q": text})
    assert export.status_code == 200
