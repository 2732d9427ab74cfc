"""The static site in Chromium from file://: every request outside the site blocked and counted (none expected),
no console error, the plotly chart and the deck.gl map drawn."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from components.publishing import exports, site
from tests.browser.helpers import SCREENSHOTS
from tests.conftest import ROOT

CHARTS = ("membership-estimates", "rulings-timeline", "map")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("site")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        result = site.build(folder, ROOT / "data", charts_wanted=CHARTS, log=lambda line: None)
    yield folder / "v" / result.version
    exports.EXPORTER.stop()


class Opened:
    def __init__(self, browser, path: Path, width: int = 1200, height: int = 900) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(path.as_uri(), wait_until="load")

    def _route(self, route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def check(self) -> None:
        self.page.wait_for_timeout(300)
        assert self.outside == [], f"requests left the site: {self.outside}"
        assert self.errors == [], f"console errors: {self.errors}"

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=path, full_page=True)
        return path


@pytest.fixture
def open_page(browser) -> Iterator:
    opened: list[Opened] = []

    def opener(path: Path, width: int = 1200, height: int = 900) -> Opened:
        opened.append(Opened(browser, path, width, height))
        return opened[-1]

    yield opener
    for item in opened:
        item.context.close()


PLOTTED = "() => document.querySelectorAll('.js-plotly-plot .main-svg').length > 0 && document.querySelectorAll('.js-plotly-plot .trace').length > 0"
DECK_DRAWN = "() => !!document.querySelector('#deck canvas') && document.querySelector('#deck canvas').width > 0"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_index_loads_offline_and_shows_every_thumbnail(built, open_page, lang):
    opened = open_page(built / f"index-{lang}.html")
    opened.page.wait_for_function("() => [...document.images].every((image) => image.complete && image.naturalWidth > 0)")
    assert opened.page.locator("img").count() == len(CHARTS)
    assert opened.page.locator("html").get_attribute("lang") == lang
    opened.check()


def test_a_chart_page_draws_its_chart_offline(built, open_page):
    opened = open_page(built / "charts" / "membership-estimates-es.html")
    opened.page.wait_for_function(PLOTTED)
    assert "Fuente" in opened.page.locator(".source").inner_text()
    opened.check()
    opened.screenshot("site-chart-es")


def test_the_rulings_timeline_page_draws(built, open_page):
    opened = open_page(built / "charts" / "rulings-timeline-en.html", width=375, height=800)
    opened.page.wait_for_function(PLOTTED)
    opened.check()


@pytest.mark.parametrize("width", [320, 1200])
def test_an_embed_page_is_the_chart_alone_at_any_width(built, open_page, width):
    opened = open_page(built / "embed" / "membership-estimates-en.html", width=width, height=700)
    opened.page.wait_for_function(PLOTTED)
    assert opened.page.locator("header, h1, nav").count() == 0
    scroll_width = opened.page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, "the embed must not scroll sideways"
    opened.check()


LAND_DRAWN = """() => { const deck = window.tdaDeck; if (!deck || !deck.isInitialized) return false;
  const land = deck.props.layers.find((layer) => layer.id === 'land');
  return !!land.props.data && land.props.data.features.length > 100; }"""


@pytest.mark.parametrize("page", ["map-es.html", "embed/map-en.html"])
def test_the_map_draws_offline_with_its_shapes(built, open_page, page):
    opened = open_page(built / page)
    opened.page.wait_for_function(DECK_DRAWN)
    opened.page.wait_for_function(LAND_DRAWN)
    opened.check()
    if page == "map-es.html":
        opened.page.wait_for_timeout(500)
        opened.screenshot("site-map-es")


def test_the_map_tooltip_is_text(built, open_page):
    opened = open_page(built / "map-en.html")
    opened.page.wait_for_function(DECK_DRAWN)
    opened.page.wait_for_function(LAND_DRAWN)
    box = opened.page.locator("#deck").bounding_box()
    points = opened.page.evaluate(
        """() => { const deck = window.tdaDeck, viewport = deck.getViewports()[0];
        const events = deck.props.layers.find((layer) => layer.id === 'events').props.data;
        return events.map((event) => viewport.project([event.lon, event.lat])); }"""
    )
    found = ""
    for x, y in points[:20]:
        if 0 < x < box["width"] and 0 < y < box["height"]:
            opened.page.mouse.move(box["x"] + x, box["y"] + y)
            tooltip = opened.page.locator(".deck-tooltip")
            if tooltip.count() and tooltip.first.is_visible() and tooltip.first.inner_text().strip():
                found = tooltip.first.inner_text()
                # deck.gl writes the text with innerText (line breaks become <br>): no other element, so no HTML from the data
                assert tooltip.first.locator(":scope > :not(br)").count() == 0, "the tooltip must be text only"
                break
    assert found, "no event showed a tooltip"
    opened.check()
