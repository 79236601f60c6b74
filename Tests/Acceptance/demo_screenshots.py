"""The README's screenshots, taken from the real demo: `garona serve --demo` as `scripts/run-demo` runs it (its own
data directory, the default map-tiles service, no test server), in headless Chromium, at 375 and 1280 px, after
refusing the optional cookies as a first visitor would.

    GARONA_BIN=path/to/garona python3 Tests/Acceptance/demo_screenshots.py [FOLDER]

FOLDER defaults to docs/screenshots. `capture` also serves test_identity.py, which saves its own pages when
GARONA_SCREENSHOTS names a folder."""

import sys
import tempfile
from pathlib import Path

from browser import Browser
from garona_server import REPO_ROOT, GaronaServer

PAGES = [("home", "/"), ("catalog", "/explore/"), ("dataset", "/explore/dataset/gares-occitanie/table/"),
         ("page", "/pages/accessibilite")]


def capture(browser, folder):
    """Saves each page of PAGES at 375 and 1280 px (full height up to 3,000 px) as `<name>-<width>.png`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    browser.open("/")
    if browser.find("#cookie-banner button[value='refuse_all']"):
        browser.click("#cookie-banner button[value='refuse_all']")
    for name, path in PAGES:
        browser.open(path)
        for width in (375, 1280):
            browser.driver.set_window_size(width, 900)
            height = browser.driver.execute_script("return document.documentElement.scrollHeight")
            browser.driver.set_window_size(width, max(900, min(int(height), 3000)))
            browser.driver.save_screenshot(str(folder / f"{name}-{width}.png"))
    browser.driver.set_window_size(1280, 900)


def main(folder):
    with tempfile.TemporaryDirectory(prefix="garona-demo-") as data_dir:
        server = GaronaServer(Path(data_dir), "--demo").start(timeout=300)
        browser = Browser(server.base)
        try:
            capture(browser, folder)
        finally:
            browser.quit()
            server.stop()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else REPO_ROOT / "docs" / "screenshots")
