"""Privacy of every front-office page type in a real browser, logged out and logged in: only the
allowed cookies, with their exact attributes, and no request to another host before consent. Map tiles
load on the map tab after consent and stop after the consent is withdrawn at /cookies/preferences."""

import time

import pytest

from browser import check_jar, loopback_only, wait_for, withdraw_third_party
from conftest import PASSWORD, USER
from front_pages import DATASET, PAGES

MAP_TAB = f"/explore/dataset/{DATASET}/map/"


def log_in(browser):
    browser.open("/login")
    browser.find('#login-form [name="username"]')[0].send_keys(USER)
    browser.find('#login-form [name="password"]')[0].send_keys(PASSWORD)
    browser.click('#login-form [type="submit"]')
    assert "sessionid" in browser.cookies()


def test_every_page_logged_out_sends_nothing_elsewhere(browser, demo, tiles):
    for _, path in PAGES:
        browser.open(path)
        check_jar(browser, {"csrftoken"})
        loopback_only(browser, demo, tiles, consented=False)
    assert "sessionid" not in browser.cookies()
    assert tiles.hits() == []


def test_every_page_logged_in_sends_nothing_elsewhere(browser, demo, tiles):
    log_in(browser)
    for _, path in PAGES:
        browser.open(path)
        check_jar(browser, {"csrftoken", "sessionid"})
        loopback_only(browser, demo, tiles, consented=False)
    assert tiles.hits() == []


def test_every_page_in_english_keeps_only_allowed_cookies(browser, demo, tiles):
    browser.open("/")
    browser.click('form.language-form button[name="language"][value="en"]')
    for _, path in PAGES:
        browser.open(path)
        assert browser.lang == "en", path
        check_jar(browser, {"csrftoken", "django_language"})
    loopback_only(browser, demo, tiles, consented=False)


def test_map_tiles_load_after_consent_and_stop_after_withdrawal(browser, demo, tiles):
    browser.open(MAP_TAB)
    time.sleep(1)
    assert tiles.hits() == []
    loopback_only(browser, demo, tiles, consented=False)

    browser.click('#cookie-banner button[name="action"][value="accept_all"]')
    assert browser.path == MAP_TAB
    assert wait_for(lambda: len(tiles.hits()) > 0), "no tile request on the map tab after consent"
    check_jar(browser, {"csrftoken", "cookies_preferences"})
    loopback_only(browser, demo, tiles, consented=True)

    withdraw_third_party(browser, tiles)
    browser.open(MAP_TAB)
    time.sleep(1)
    assert tiles.hits() == [], "tiles still requested after the consent was withdrawn"
    check_jar(browser, {"csrftoken", "cookies_preferences"})
