"""Accessibility of every front-office page type in both languages, checked with axe-core in
headless Chromium: no serious or critical violation. Screenshots at 375 and 1280 px wide are saved
for a person to look at, in $GARONA_SCREENSHOTS or else a folder under pytest's temporary directory."""

import os
from pathlib import Path

import pytest
from axe_selenium_python import Axe

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browser import Browser
from front_pages import PAGES

WIDTHS = [375, 1280]
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    configured = os.environ.get("GARONA_SCREENSHOTS")
    folder = Path(configured) if configured else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module", params=["fr", "en"])
def browser_in(request, demo):
    """One browser per language; English is chosen with the language cookie, as the switch does."""
    b = Browser(demo.base)
    b.open("/cookies")
    if request.param == "en":
        b.driver.add_cookie({"name": "django_language", "value": "en", "path": "/"})
    yield request.param, b
    b.quit()


def save_screenshots(browser, folder, name):
    driver = browser.driver
    for width in WIDTHS:
        driver.set_window_size(width, 900)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, max(900, min(int(height), 8000)))
        driver.save_screenshot(str(folder / f"{name}-{width}.png"))
    driver.set_window_size(1280, 900)


@pytest.mark.parametrize("name, path", PAGES, ids=[name for name, _ in PAGES])
def test_no_serious_or_critical_violation(browser_in, screenshots, name, path):
    lang, browser = browser_in
    browser.driver.set_window_size(1280, 900)
    browser.open(path)
    assert browser.lang == lang
    axe = Axe(browser.driver)
    axe.inject()
    results = axe.run(options='{"resultTypes": ["violations"]}')
    blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING]
    save_screenshots(browser, screenshots, f"{name}-{lang}")
    assert not blocking, f"{path} ({lang}): " + axe.report(blocking)


def test_one_h1_skip_link_and_landmarks(browser_in):
    """What axe does not require but the layout promises: a working skip link and the four landmarks."""
    _, browser = browser_in
    for _, path in PAGES:
        browser.open(path)
        assert len(browser.find("h1")) == 1, path
        skip = browser.find("a.skip-link")[0]
        assert skip.get_attribute("href").endswith("#main")
        assert browser.find("main#main")
        for landmark in ("header", "nav", "footer"):
            assert browser.find(landmark), (path, landmark)


def test_keyboard_reaches_the_skip_link_first_with_a_visible_focus(browser_in):
    _, browser = browser_in
    browser.open("/explore/")
    browser.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = browser.driver.switch_to.active_element
    assert "skip-link" in focused.get_attribute("class")
    box = browser.driver.execute_script("return arguments[0].getBoundingClientRect().toJSON()", focused)
    assert box["left"] >= 0 and box["top"] >= 0
    outline = browser.driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle", focused)
    assert outline not in ("none", "")
    focused.send_keys(Keys.ENTER)
    assert browser.driver.execute_script("return document.activeElement.id") == "main"
