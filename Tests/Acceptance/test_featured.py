"""The home page's featured datasets (issue 16), chosen by an editor in the back office without JavaScript, in the
order given; audited; the admin-only settings keep their 403 for editors and no longer carry the field. The back
office's home links to the featured datasets and to the audience page (issue 15), for editors and admins."""

import pytest
from selenium.webdriver.common.by import By

from browser import Browser, assert_axe_clean, log_in
from conftest import PASSWORD, USER, start_server
from garona_server import create_user
from web import Client

EDITOR = "edith"
STATIONS = "gares-occitanie"
SAMPLE = "donnees-exemple"


@pytest.fixture(scope="module")
def site(tmp_path_factory, tiles):
    """A demo server of this module's own (its featured datasets change) with an editor account."""
    server = start_server(tmp_path_factory, "--demo", "--tile-url", tiles.template)
    create_user(server.data_dir, EDITOR, PASSWORD, role="editor", database_url=server.database_url)
    yield server
    server.stop()


def featured_on_home(client):
    """The dataset links of the home page's featured cards, in order."""
    page = client.get("/").text
    section = page.split('id="featured"', 1)[1].split("</section>", 1)[0] if 'id="featured"' in page else ""
    return list(dict.fromkeys(part.split("/", 1)[0] for part in section.split('href="/explore/dataset/')[1:]))


def test_an_editor_chooses_and_orders_the_featured_datasets_without_javascript(site):
    browser = Browser(site.base, javascript=False)
    try:
        log_in(browser, EDITOR, PASSWORD)
        browser.open("/backoffice/")
        assert browser.find("a[href='/backoffice/audience/']")
        browser.click("a[href='/backoffice/featured']")
        assert browser.path == "/backoffice/featured"
        for dataset in (STATIONS, SAMPLE):
            box = browser.driver.find_element(By.ID, f"featured-{dataset}")
            if not box.is_selected():
                box.click()
        place = browser.driver.find_element(By.ID, f"position-{SAMPLE}")
        place.clear()
        place.send_keys("1")
        place = browser.driver.find_element(By.ID, f"position-{STATIONS}")
        place.clear()
        place.send_keys("2")
        browser.click("form[action='/backoffice/featured'] button[type='submit']")
        assert browser.find("p.notice[role='status']")
        # The page lists the featured ones first, in their order, ticked.
        rows = browser.find("tbody tr input[type='checkbox']")
        assert [box.get_attribute("id") for box in rows[:2]] == [f"featured-{SAMPLE}", f"featured-{STATIONS}"]
        assert all(box.is_selected() for box in rows[:2])
    finally:
        browser.quit()
    anonymous = Client(site)
    assert featured_on_home(anonymous) == [SAMPLE, STATIONS]
    # Unticking one leaves the other.
    editor = Client(site)
    assert editor.login(EDITOR, PASSWORD).status_code == 302
    token = editor.token("/backoffice/featured")
    saved = editor.post("/backoffice/featured", data={"csrfmiddlewaretoken": token, f"featured-{STATIONS}": "1"})
    assert saved.status_code == 303
    assert featured_on_home(anonymous) == [STATIONS]
    # Each change is in the audit log, the editor as actor and the ids in order as detail.
    admin = Client(site)
    assert admin.login(USER, PASSWORD).status_code == 302
    audit = admin.get("/backoffice/audit?action=settings&target=featured_datasets&actor=" + EDITOR).text
    assert f"{SAMPLE},{STATIONS}" in audit and EDITOR in audit


def test_the_featured_page_needs_a_session_and_the_csrf_token_and_the_settings_stay_admin_only(site):
    anonymous = Client(site)
    assert anonymous.get("/backoffice/featured").status_code == 302
    editor = Client(site)
    assert editor.login(EDITOR, PASSWORD).status_code == 302
    assert editor.post("/backoffice/featured", data={f"featured-{SAMPLE}": "1"}).status_code == 403
    assert editor.get("/backoffice/settings").status_code == 403
    assert editor.get("/backoffice/users/").status_code == 403
    token = editor.token("/backoffice/featured")
    assert editor.post("/backoffice/settings", data={"csrfmiddlewaretoken": token,
                                                     "featured_datasets": SAMPLE}).status_code == 403
    assert editor.get("/backoffice/audience/").status_code == 200
    # One home for the choice: the admin's settings form no longer has the field.
    admin = Client(site)
    assert admin.login(USER, PASSWORD).status_code == 302
    settings = admin.get("/backoffice/settings").text
    assert 'name="featured_datasets"' not in settings and 'href="/backoffice/featured"' in settings


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_featured_page_is_axe_clean(site, lang):
    browser = Browser(site.base)
    try:
        log_in(browser, EDITOR, PASSWORD, lang=lang)
        assert_axe_clean(browser, ["/backoffice/", "/backoffice/featured"], lang)
    finally:
        browser.quit()
