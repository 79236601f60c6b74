"""The portal's identity (issue 16): name, colours, logo and content pages changed by the operator, seen on every
page type without a restart, with axe still clean; a low-contrast colour refused with its ratio and a suggestion;
Markdown rendered inert; `garona settings` exiting non-zero with the reason. Screenshots of the main pages at 375
and 1280 px go to $GARONA_SCREENSHOTS (the README's come from the real demo: demo_screenshots.py)."""

import os
import re
import zlib
import struct
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from browser import Browser, axe_blocking, log_in, wait_for
from demo_screenshots import capture
from conftest import PASSWORD, USER, start_server
from front_pages import PAGES
from garona_server import REPO_ROOT, GaronaServer, PostgresDatabase, create_user, postgres_skip_reason, run_cli
from web import Client

NAME_FR = "Données ouvertes d'Occitanie"
NAME_EN = "Occitanie Open Data"
PRIMARY = "#6a1b4d"
ACCENT = "#0b5d6b"
LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40" width="40" height="40">'
        '<rect width="40" height="40" rx="6" fill="#ffffff"/><path d="M7 31 L20 8 L33 31 Z" fill="#6a1b4d"/>'
        '<circle cx="20" cy="24" r="5" fill="#0b5d6b"/><script>window.pwned = 9</script></svg>')


def png(width, height, rgb):
    """A valid one-colour PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def site(tmp_path_factory, tiles):
    """A demo server of this module's own: its identity changes, the shared servers' does not."""
    server = start_server(tmp_path_factory, "--demo", "--tile-url", tiles.template)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def admin(site, tmp_path_factory):
    """A logged-in browser on the module's server."""
    browser = Browser(site.base)
    log_in(browser, USER, PASSWORD)
    yield browser
    browser.quit()


def fill(browser, element_id, value):
    field = browser.driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(value)



def test_a_low_contrast_colour_is_refused_with_its_ratio_and_a_suggestion(admin):
    admin.open("/backoffice/")
    assert admin.find("a[href='/backoffice/pages']")
    admin.click("a[href='/backoffice/settings']")
    fill(admin, "setting-primary_color", "#ffff00")
    fill(admin, "setting-site_name-fr", "Ne doit pas être enregistré")
    admin.click("form[action='/backoffice/settings'] button[type='submit']")
    error = admin.driver.find_element(By.ID, "setting-primary_color-error").text
    assert "#ffff00" in error and "1,07:1" not in error and "1.07:1" in error, error
    suggestion = re.search(r"#[0-9a-f]{6}", error.split("#ffff00", 1)[1]).group(0)
    assert suggestion != "#ffff00"
    admin.open("/")
    assert "Ne doit pas" not in admin.find(".brand")[0].text
    # The suggestion itself is accepted.
    admin.open("/backoffice/settings")
    fill(admin, "setting-primary_color", suggestion)
    admin.click("form[action='/backoffice/settings'] button[type='submit']")
    assert admin.find("p.notice[role='status']"), admin.driver.page_source[:500]


def test_name_colours_and_logo_show_on_every_page_type_and_axe_stays_clean(admin, site, tmp_path):
    admin.open("/backoffice/settings")
    fill(admin, "setting-site_name-fr", NAME_FR)
    fill(admin, "setting-site_name-en", NAME_EN)
    fill(admin, "setting-primary_color", PRIMARY)
    fill(admin, "setting-accent_color", ACCENT)
    fill(admin, "setting-contact_email", "opendata@region.example")
    fill(admin, "setting-footer_links", "Région Occitanie | https://www.laregion.example/")
    fill(admin, "setting-home_title-fr", "Les données de la Région")
    admin.click("form[action='/backoffice/settings'] button[type='submit']")
    assert admin.find("p.notice[role='status']")
    # The featured datasets are chosen on their own page, which editors may use too (test_featured.py).
    admin.open("/backoffice/featured")
    admin.driver.find_element(By.ID, "featured-gares-occitanie").click()
    admin.click("form[action='/backoffice/featured'] button[type='submit']")
    assert admin.find("p.notice[role='status']")
    admin.open("/backoffice/settings")
    logo = tmp_path / "logo.svg"
    logo.write_text(LOGO)
    admin.driver.find_element(By.ID, "logo-file").send_keys(str(logo))
    admin.click("form[action='/backoffice/settings/logo'] button[type='submit']")
    favicon = tmp_path / "favicon.png"
    favicon.write_bytes(png(16, 16, (106, 27, 77)))
    admin.driver.find_element(By.ID, "favicon-file").send_keys(str(favicon))
    admin.click("form[action='/backoffice/settings/favicon'] button[type='submit']")
    assert len(admin.find("img.settings-preview")) == 2

    pages = PAGES + [("legal", "/pages/mentions-legales"), ("accessibility", "/pages/accessibilite"),
                     ("about", "/pages/a-propos")]
    for name, path in pages:
        admin.open(path)
        brand = admin.find(".brand")[0]
        assert brand.text.strip() == NAME_FR, (path, brand.text)
        assert admin.find(".brand img.brand-logo"), path
        assert admin.find("link[rel='icon'][href^='/site/favicon?v=']"), path
        header = admin.find(".site-header")[0]
        assert header.value_of_css_property("background-color") == "rgba(106, 27, 77, 1)", path
        footer = admin.find(".site-footer")[0].text
        assert "opendata@region.example" in footer and "Mentions légales" in footer, path
        blocking, axe = axe_blocking(admin)
        assert not blocking, f"{path}: " + axe.report(blocking)
    # English: the English name.
    admin.driver.add_cookie({"name": "django_language", "value": "en", "path": "/"})
    admin.open("/explore/")
    assert admin.find(".brand")[0].text.strip() == NAME_EN
    admin.driver.add_cookie({"name": "django_language", "value": "fr", "path": "/"})
    # The home page shows the title and the featured card; the logo is served by the portal itself.
    admin.open("/")
    assert admin.find("h1")[0].text == "Les données de la Région"
    assert admin.find("#featured .dataset-card a[href='/explore/dataset/gares-occitanie/']")
    assert all(host == site.base.split("//", 1)[1] for host in admin.hosts()), admin.hosts()
    anonymous = Client(site)
    image = anonymous.get(admin.find(".brand img")[0].get_attribute("src").split(site.base.split("//", 1)[1], 1)[1])
    assert image.status_code == 200 and image.headers["content-type"] == "image/svg+xml"
    assert image.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in image.headers["content-security-policy"]
    # Opened directly, the logo's script does not run.
    admin.open("/site/logo")
    assert admin.driver.execute_script("return window.pwned === undefined")
    save_screenshots(admin)


def test_markdown_with_a_script_and_a_javascript_link_comes_out_inert(admin):
    admin.open("/backoffice/pages/a-propos")
    fill(admin, "body_fr", "Texte <script>window.pwned = 1</script> et [clic](javascript:window.pwned=2) "
                            "et [sûr](https://example.org/) <img src=x onerror=\"window.pwned=3\">")
    admin.click("form.settings-form button[type='submit']")
    admin.open("/pages/a-propos")
    prose = admin.find(".prose")[0]
    assert "<script>window.pwned = 1</script>" in prose.text
    assert not prose.find_elements(By.CSS_SELECTOR, "script, img")
    hrefs = [a.get_attribute("href") for a in prose.find_elements(By.TAG_NAME, "a")]
    assert hrefs == ["https://example.org/"], hrefs
    assert "clic" in prose.text
    assert admin.driver.execute_script("return window.pwned === undefined")


def test_the_accessibility_statement_states_its_rgaa_status(admin):
    admin.open("/backoffice/settings")
    admin.driver.find_element(By.CSS_SELECTOR, "#setting-accessibility_status option[value='partiellement_conforme']").click()
    admin.click("form[action='/backoffice/settings'] button[type='submit']")
    admin.open("/pages/accessibilite")
    assert "partiellement conforme" in admin.find(".rgaa-status")[0].text


def test_settings_pages_need_an_admin_and_the_csrf_token(site):
    anonymous = Client(site)
    assert anonymous.get("/backoffice/settings").status_code == 302
    client = Client(site)
    assert client.login(USER, PASSWORD).status_code == 302
    token = client.token("/backoffice/settings")
    refused = client.post("/backoffice/settings", data={"primary_color": "#000000"})
    assert refused.status_code == 403
    accepted = client.post("/backoffice/settings", data={"csrfmiddlewaretoken": token, "contact_email": "x@y.example"})
    assert accepted.status_code == 303
    # Every change is audited, with its actor and key.
    audit = client.get("/backoffice/audit?action=settings&target=contact_email")
    assert audit.status_code == 200 and "contact_email" in audit.text and USER in audit.text
    audit = client.get("/backoffice/audit?action=settings&target=primary_color&actor=" + USER)
    assert "primary_color" in audit.text and PRIMARY in audit.text
    # An editor writes the pages, never the identity.
    create_user(site.data_dir, "eve", PASSWORD, role="editor", database_url=site.database_url)
    editor = Client(site)
    assert editor.login("eve", PASSWORD).status_code == 302
    assert editor.get("/backoffice/settings").status_code == 403
    assert editor.get("/backoffice/pages").status_code == 200
    assert editor.post("/backoffice/settings", data={"csrfmiddlewaretoken": editor.token("/backoffice/pages"),
                                                     "primary_color": "#000000"}).status_code == 403


def test_cli_settings_refuse_with_the_reason_and_exit_non_zero(site):
    data = ["--data-dir", str(site.data_dir)] + (["--database-url", site.database_url] if site.database_url else [])
    refused = run_cli("settings", "set", "accent_color", "#aaaaaa", *data)
    assert refused.returncode != 0
    assert "4.5:1" in refused.stderr and "2.32:1" in refused.stderr and "nearest darker shade" in refused.stderr
    assert run_cli("settings", "set", "colour", "#000000", *data).returncode != 0
    bad_logo = run_cli("settings", "set", "logo", str(REPO_ROOT / "README.md"), *data)
    assert bad_logo.returncode != 0 and "PNG or an SVG" in bad_logo.stderr
    assert run_cli("settings", "set", "site_name.en", "Provisioned", *data).returncode == 0
    assert run_cli("settings", "get", "site_name.en", *data).stdout.strip() == "Provisioned"
    listed = run_cli("settings", "list", *data).stdout
    assert "site_name.en=Provisioned" in listed and "logo=image/svg+xml, " in listed and "favicon=image/png, " in listed


def test_a_change_on_one_node_shows_on_the_other(tmp_path_factory):
    """Two nodes on one PostgreSQL database: a colour and a page set through one show on the other, no restart."""
    if reason := postgres_skip_reason():
        pytest.skip(reason)
    database = PostgresDatabase()
    first_dir, second_dir = tmp_path_factory.mktemp("node-a"), tmp_path_factory.mktemp("node-b")
    create_user(first_dir, USER, PASSWORD, database_url=database.url)
    nodes = [GaronaServer(d, database_url=database.url).start() for d in (first_dir, second_dir)]
    try:
        first, second = (Client(node) for node in nodes)
        assert first.login(USER, PASSWORD).status_code == 302
        token = first.token("/backoffice/settings")
        changed = first.post("/backoffice/settings", data={"csrfmiddlewaretoken": token, "site_name.fr": "Nœud partagé",
                                                           "primary_color": "#123456"})
        assert changed.status_code == 303
        token = first.token("/backoffice/pages/new")
        created = first.post("/backoffice/pages", data={
            "csrfmiddlewaretoken": token, "slug": "donnees-personnelles", "title_fr": "Données personnelles",
            "title_en": "Personal data", "body_fr": "Texte", "body_en": "Text", "menu": "footer", "position": "9"})
        assert created.status_code == 303, created.text[:300]
        # Liveness: the other node follows the site version (it polls every 3 s); 30 s is a bound, not a measure.
        assert wait_for(lambda: "Nœud partagé" in second.get("/").text, timeout=30)
        home = second.get("/").text
        assert "/pages/donnees-personnelles" in home
        assert "#123456" in second.get(re.search(r'href="(/site/theme\.css\?v=[^"]+)"', home).group(1)).text
        assert second.get("/pages/donnees-personnelles").status_code == 200
    finally:
        for node in nodes:
            node.stop()
        database.drop()


def save_screenshots(browser):
    """The main pages with this module's identity, at 375 and 1280 px, to $GARONA_SCREENSHOTS when set (the README's
    come from the real demo: demo_screenshots.py)."""
    if os.environ.get("GARONA_SCREENSHOTS"):
        capture(browser, Path(os.environ["GARONA_SCREENSHOTS"]))
