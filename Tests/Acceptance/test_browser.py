"""Real browser: cookie jar contents, login, language switch, accept/refuse/withdraw, no leaks."""

import time

import pytest

from browser import MAX_AGE, Browser, check_jar, loopback_only, tile_imgs, wait_for, withdraw_third_party
from conftest import PASSWORD, USER

PAGES = ["/", "/login", "/cookies", "/cookies/preferences", "/no-such-page"]


def test_pages_logged_out_leave_only_allowed_cookies(browser, demo, tiles):
    for path in PAGES:
        browser.open(path)
        check_jar(browser, {"csrftoken"})
    assert "csrftoken" in browser.cookies()
    assert tiles.hits() == []
    loopback_only(browser, demo, tiles, consented=False)


def test_login_and_logout_by_click(browser, demo, tiles):
    browser.open("/backoffice/")
    assert browser.path == "/login"
    browser.find('#login-form [name="username"]')[0].send_keys(USER)
    browser.find('#login-form [name="password"]')[0].send_keys(PASSWORD)
    browser.click('#login-form [type="submit"]')
    assert browser.path == "/backoffice/"
    assert browser.find("h1")
    jar = check_jar(browser, {"csrftoken", "sessionid"})
    assert "sessionid" in jar
    browser.click('form[action="/logout"] [type="submit"], form[action="/logout"] button')
    assert "sessionid" not in browser.cookies()
    browser.open("/backoffice/")
    assert browser.path == "/login"
    loopback_only(browser, demo, tiles, consented=False)


def test_language_switch_by_click(browser, demo, tiles):
    browser.open("/cookies")
    assert browser.lang == "fr"
    button = browser.find('form.language-form button[name="language"][value="en"]')[0]
    assert "English" in button.text
    browser.click('form.language-form button[name="language"][value="en"]')
    assert browser.lang == "en"
    assert browser.path == "/cookies"
    jar = check_jar(browser, {"csrftoken", "django_language"})
    assert jar["django_language"]["value"] == "en"
    browser.click('form.language-form button[name="language"][value="fr"]')
    assert browser.lang == "fr"
    loopback_only(browser, demo, tiles, consented=False)


def test_accept_all_by_click_loads_tiles(browser, demo, tiles):
    browser.open("/")
    assert browser.find("section#cookie-banner")
    assert tile_imgs(browser, tiles) == [] and tiles.hits() == []
    loopback_only(browser, demo, tiles, consented=False)
    browser.click('#cookie-banner button[name="action"][value="accept_all"]')
    assert browser.path == "/"
    assert not browser.find("section#cookie-banner")
    assert wait_for(lambda: len(tiles.hits()) > 0), "no tile request after consent"
    assert browser.find("#map-preview img.map-tile")
    assert "cookies_preferences" in check_jar(browser, set(MAX_AGE) - {"sessionid"})
    loopback_only(browser, demo, tiles, consented=True)


def test_refuse_all_by_click_keeps_tiles_at_zero(browser, demo, tiles):
    browser.open("/")
    browser.click('#cookie-banner button[name="action"][value="refuse_all"]')
    assert not browser.find("section#cookie-banner")
    browser.open("/")
    time.sleep(1)
    assert tiles.hits() == []
    assert tile_imgs(browser, tiles) == []
    assert browser.find("#map-preview .consent-placeholder")
    assert "cookies_preferences" in check_jar(browser, {"csrftoken", "cookies_preferences"})
    loopback_only(browser, demo, tiles, consented=False)


def test_customize_then_save_then_withdraw(browser, demo, tiles):
    browser.open("/")
    browser.click("#cookie-banner a#cookie-customize")
    assert browser.path == "/cookies/preferences"
    box = browser.find('input[name="category_third_party"]')[0]
    assert not box.is_selected()
    box.click()
    browser.click('button[name="action"][value="save"]')
    browser.open("/")
    assert wait_for(lambda: len(tiles.hits()) > 0)

    withdraw_third_party(browser, tiles)
    browser.open("/")
    time.sleep(1)
    assert tiles.hits() == []
    assert tile_imgs(browser, tiles) == []
    loopback_only(browser, demo, tiles, consented=True)


def test_banner_works_without_javascript(demo, tiles):
    tiles.reset()
    b = Browser(demo.base, javascript=False)
    try:
        b.open("/")
        assert b.find("section#cookie-banner")
        b.click('#cookie-banner button[name="action"][value="accept_all"]')
        assert not b.find("section#cookie-banner")
        assert wait_for(lambda: len(tiles.hits()) > 0)
    finally:
        b.quit()
