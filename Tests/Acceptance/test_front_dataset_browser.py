"""Dataset pages in a real browser: the map draws markers without tiles before consent and with them after,
without any other host; the table is usable with the keyboard alone."""

from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browser import wait_for

MAP = "/explore/dataset/gares-occitanie/map/"
TABLE = "/explore/dataset/gares-occitanie/table/"


def drawn(browser):
    """Markers and clusters Leaflet put on the map."""
    return browser.find("#dataset-map .leaflet-interactive, #dataset-map .marker-cluster")


def test_map_draws_markers_before_consent_without_other_hosts(browser, demo, tiles):
    browser.open(MAP)
    assert wait_for(lambda: browser.find("#dataset-map[data-markers='280']")), "points not loaded"
    assert wait_for(lambda: len(drawn(browser)) > 0), "no marker drawn"
    assert browser.find("#dataset-map .leaflet-tile") == []
    assert browser.find("#map-consent")
    assert tiles.hits() == []
    assert browser.hosts() <= {f"127.0.0.1:{demo.port}"}, browser.hosts()


def test_map_popup_shows_a_record(browser):
    browser.open(MAP + "?refine.departement=31&q=Toulouse")
    assert wait_for(lambda: browser.find("#dataset-map .leaflet-interactive")), "no marker"
    marker = browser.find("#dataset-map .leaflet-interactive")[0]
    browser.driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", marker)
    assert wait_for(lambda: browser.find(".leaflet-popup-content dl")), "no popup"
    assert browser.find(".leaflet-popup-content dt")[0].text


def test_consent_button_loads_tiles_for_that_service(browser, demo, tiles):
    browser.open(MAP)
    browser.click("#map-consent-button")
    assert browser.path == MAP
    assert wait_for(lambda: len(tiles.hits()) > 0), "no tile request after consent"
    assert wait_for(lambda: browser.find("#dataset-map img.leaflet-tile"))
    assert wait_for(lambda: len(drawn(browser)) > 0)
    assert browser.find("#map-consent") == []
    assert browser.hosts() <= {f"127.0.0.1:{demo.port}", f"127.0.0.2:{tiles.port}"}, browser.hosts()


def test_table_sorts_and_pages_with_the_keyboard(browser):
    browser.open(TABLE)
    body = browser.driver.find_element(By.TAG_NAME, "body")
    body.click()
    target = None
    for _ in range(120):
        browser.driver.switch_to.active_element.send_keys(Keys.TAB)
        active = browser.driver.switch_to.active_element
        if "sort=objectid" in (active.get_attribute("href") or ""):
            target = active
            break
    assert target is not None, "the sort link is not reachable with Tab"
    target.send_keys(Keys.ENTER)
    assert wait_for(lambda: "sort=objectid" in browser.driver.current_url)
    assert parse_qs(urlsplit(browser.driver.current_url).query)["sort"] == ["objectid"]
    first_page = [int(tr.find_elements(By.TAG_NAME, "td")[0].text) for tr in browser.find("table.records tbody tr")]
    assert first_page == sorted(first_page)
    for _ in range(200):
        browser.driver.switch_to.active_element.send_keys(Keys.TAB)
        if browser.driver.switch_to.active_element.get_attribute("rel") == "next":
            break
    browser.driver.switch_to.active_element.send_keys(Keys.ENTER)
    assert wait_for(lambda: "page=2" in browser.driver.current_url)
    assert int(browser.find("table.records tbody tr td")[0].text) > first_page[-1]
