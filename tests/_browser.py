"""Headless Chromium for the page tests (Playwright with Debian's system browser).

Shared by tests/test_browser.py and tests/test_pipeline.py: ``browser`` is a module fixture (import
it into a test module to use it) and :class:`Tab` a page that records every console error, page
error, dialog and request.
"""

import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    # Fail, never skip: CI must run these (see the Debian 'chromium' package in .ci/run).
    try:
        from playwright.sync_api import sync_playwright
    except ModuleNotFoundError:
        pytest.fail("The browser tests need Playwright: pip install -e '.[dev]'")
    if not shutil.which(CHROMIUM):
        pytest.fail(f"The browser tests need the system Chromium at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


class Tab:
    """A page that records console errors, page errors, dialogs and every request."""

    def __init__(self, browser, path, width=1000, height=700):
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.problems, self.requests, self.dialogs = [], [], []
        self.page.on("console", lambda m: self.problems.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.uri = path.as_uri()
        self.page.goto(self.uri)
        self.page.wait_for_selector(".folium-map.leaflet-container path.leaflet-interactive")

    def fills(self):
        return self.page.eval_on_selector_all(
            "path.leaflet-interactive", "els => els.map(e => [e.getAttribute('data-kode'), e.getAttribute('fill')])"
        )

    def area(self, kode):
        return self.page.locator(f"path.leaflet-interactive[data-kode='{kode}']")

    def tooltip(self):
        """Text of the newest tooltip (a closed one fades out for 200 ms)."""
        return self.page.locator(".leaflet-tooltip").last.inner_text()

    def popup(self):
        """The newest popup's content, once shown."""
        popup = self.page.locator(".leaflet-popup-content").last
        popup.wait_for()
        return popup

    def search_and_click(self, query, expected):
        """Type ``query``, wait for its results, click the one starting with ``expected``; the popup it opens.

        Each step waits for the page to settle before the next: the result list is rebuilt on every
        input event, so the click waits for the list of this query (its only result); choosing zooms
        the map and opens the popup, so the test waits until no zoom or pan is running and the
        popup is on the map before reading it.
        """
        self.page.locator("#umkm-search-input").fill(query)
        results = self.page.locator("#umkm-search-results li[data-i]")
        results.first.wait_for()
        assert results.count() == 1, results.all_inner_texts()
        assert results.first.inner_text().startswith(expected)
        results.first.click()
        self.page.wait_for_function(
            """() => {
                var map = window.umkmAtlas.map;
                var moving = map._animatingZoom || (map._panAnim && map._panAnim._inProgress);
                return !moving && map._popup && map.hasLayer(map._popup);
            }"""
        )
        return self.popup()

    def visible_legends(self):
        return self.page.locator(".umkm-legend:visible h4").all_inner_texts()

    def choose_layer(self, text):
        """Click the layer's radio button, opening its group first if it is closed (as a user would)."""
        label = self.page.locator("#umkm-layers label", has_text=text)
        group = self.page.locator("#umkm-layers details.umkm-group", has=self.page.locator("label", has_text=text))
        if not group.evaluate("d => d.open"):
            group.locator("summary").click()
        label.click()

    def assert_clean(self):
        assert self.problems == []
        assert self.dialogs == []  # no alert() ran
        assert self.requests == [self.uri]  # offline: the file itself and nothing else
