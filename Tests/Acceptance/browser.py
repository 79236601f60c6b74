"""Headless Chromium for the browser suite, confined to loopback, recording every request URL,
and the checks of the cookie jar and of the hosts a page reached that several suites share."""

import json
import shutil
import time
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps",
         "--disable-extensions", "--no-first-run",
         "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE 127.0.0.2, "
         "EXCLUDE localhost"]


def wait_for(predicate, timeout=10.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


def _detached(element):
    try:
        element.is_enabled()
        return False
    except WebDriverException:  # stale, or "does not belong to the document" mid-navigation
        return True


class Browser:
    def __init__(self, base, javascript=True):
        options = Options()
        options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
        for flag in FLAGS:
            options.add_argument(flag)
        prefs = {"intl.accept_languages": "fr-FR,fr"}  # a French visitor, like the charter's
        if not javascript:
            prefs["profile.managed_default_content_settings.javascript"] = 2
        options.add_experimental_option("prefs", prefs)
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
        self.base = base
        self.urls = []

    def drain(self):
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                self.urls.append(message["params"]["request"]["url"])
        return self.urls

    def open(self, path):
        self.driver.get(self.base + path)
        self.drain()

    def click(self, css):
        """Click the element and wait for the next page to load."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.CSS_SELECTOR, css).click()
        WebDriverWait(self.driver, 15).until(lambda d: _detached(page))
        WebDriverWait(self.driver, 15).until(lambda d: d.find_elements(By.TAG_NAME, "body"))
        self.drain()

    def find(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    @property
    def path(self):
        return urlsplit(self.driver.current_url).path

    @property
    def lang(self):
        return self.find("html")[0].get_attribute("lang")

    def cookies(self):
        return {c["name"]: c for c in self.driver.get_cookies()}

    def hosts(self):
        """The host:port of every http(s)/ws request seen so far."""
        self.drain()
        return {urlsplit(u).netloc for u in self.urls
                if urlsplit(u).scheme in ("http", "https", "ws", "wss")}

    def quit(self):
        self.driver.quit()


MAX_AGE = {"csrftoken": 31449600, "sessionid": 1209600, "django_language": 31536000,
           "cookies_preferences": 15552000}
HTTP_ONLY = {"csrftoken": False, "sessionid": True, "django_language": False,
             "cookies_preferences": True}


def check_jar(browser, allowed):
    jar = browser.cookies()
    assert set(jar) <= set(allowed), jar
    now = time.time()
    for name, c in jar.items():
        assert c["path"] == "/", c
        assert c["domain"] == "127.0.0.1", c
        assert c["secure"] is False, c
        assert c["httpOnly"] is HTTP_ONLY[name], c
        assert c.get("sameSite") == "Lax", c
        assert abs(c["expiry"] - (now + MAX_AGE[name])) < 30, c
    return jar


def tile_imgs(browser, tiles):
    return [i for i in browser.find("img") if (i.get_attribute("src") or "").startswith(tiles.prefix)]


def loopback_only(browser, demo, tiles, consented):
    allowed = {f"127.0.0.1:{demo.port}"} | ({f"127.0.0.2:{tiles.port}"} if consented else set())
    assert browser.hosts() <= allowed, browser.hosts()


def withdraw_third_party(browser, tiles):
    """Unticks the third-party category at /cookies/preferences (it must be ticked) and saves;
    clears the tile server's log so that later requests can be counted."""
    browser.open("/cookies/preferences")
    box = browser.find('input[name="category_third_party"]')[0]
    assert box.is_selected()
    box.click()
    browser.click('button[name="action"][value="save"]')
    tiles.reset()


def log_in(browser, username, password, lang=None):
    """Logs `browser` in through the login form, in `lang` (set by the `django_language` cookie) when given."""
    browser.open("/login")
    if lang:
        browser.driver.add_cookie({"name": "django_language", "value": lang, "path": "/"})
        browser.open("/login")
    browser.driver.find_element(By.ID, "username").send_keys(username)
    browser.driver.find_element(By.ID, "password").send_keys(password)
    browser.click("form[action='/login'] button[type='submit']")


def axe_blocking(browser):
    """The serious and critical axe violations of the page open in `browser`, and the Axe that found them (whose
    `report` describes them)."""
    from axe_selenium_python import Axe
    axe = Axe(browser.driver)
    axe.inject()
    results = axe.run(options='{"resultTypes": ["violations"]}')
    return [v for v in results["violations"] if v.get("impact") in {"serious", "critical"}], axe


def assert_axe_clean(browser, paths, lang):
    """Opens each of `paths` in `browser`, in `lang`, and fails on any serious or critical axe violation."""
    for path in paths:
        browser.open(path)
        assert browser.lang == lang, path
        blocking, axe = axe_blocking(browser)
        assert not blocking, (path, axe.report(blocking))
