"""Every chart in Chromium at phone and desktop widths: the toolbar that shows on hover never covers the chart's title."""

from __future__ import annotations

import pytest

from tests.browser.helpers import SCREENSHOTS

SIZES = {"desktop": (1280, 800), "phone": (375, 812)}
CHART_PAGES = {"figures": "/figures", "rulings": "/rulings"}
EXPECTED_CHARTS = {"figures": 5, "rulings": 1}
TITLE_PARTS = ".gtitle, .gtitle-subtitle"
# Bring the chart's top to the top of the window, below Streamlit's fixed header, as a reader scrolling to it sees it.
SCROLL_BELOW_HEADER = """
(element) => {
  element.scrollIntoView({block: "start"});
  const main = document.querySelector('[data-testid="stMain"]');
  const header = document.querySelector('[data-testid="stHeader"]');
  (main || window).scrollBy(0, -((header ? header.getBoundingClientRect().height : 60) + 16));
}
"""


def overlap(first: dict, second: dict) -> float:
    """The area two bounding boxes share (0 when they do not touch)."""
    width = min(first["x"] + first["width"], second["x"] + second["width"]) - max(first["x"], second["x"])
    height = min(first["y"] + first["height"], second["y"] + second["height"]) - max(first["y"], second["y"])
    return max(width, 0) * max(height, 0)


def visible_box(locator) -> dict | None:
    """The bounding box of an element a reader can see (not hidden, not fully transparent), else None."""
    if not locator.count() or not locator.is_visible():
        return None
    if float(locator.evaluate("(element) => getComputedStyle(element).opacity")) == 0:
        return None
    return locator.bounding_box()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", CHART_PAGES)
def test_the_toolbar_never_covers_a_chart_title(visit, name, size):
    opened = visit(CHART_PAGES[name], SIZES[size])
    charts = opened.page.locator('[data-testid="stPlotlyChart"]')
    assert charts.count() == EXPECTED_CHARTS[name]
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.evaluate(SCROLL_BELOW_HEADER)
        plot = chart.locator(".js-plotly-plot").first
        box = plot.bounding_box()
        opened.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the modebar shows on hover
        modebar = plot.locator(".modebar").first
        modebar.wait_for(state="visible")
        opened.page.wait_for_timeout(350)  # plotly fades the modebar in
        bar = visible_box(modebar)
        assert bar is not None, f"{name} chart {index}: no toolbar showed on hover"
        titles = plot.locator(TITLE_PARTS)
        assert titles.count() >= 1
        for part in range(titles.count()):
            title = titles.nth(part).bounding_box()
            assert title and overlap(bar, title) == 0, f"{name} chart {index} at {size}: the toolbar {bar} covers the title {title}"
        # Streamlit's own element toolbar (fullscreen) shows on hover too: it must not cover the title either.
        element_toolbar = visible_box(chart.locator('xpath=..').locator('[data-testid="stElementToolbar"]').first)
        if element_toolbar is not None:
            for part in range(titles.count()):
                assert overlap(element_toolbar, titles.nth(part).bounding_box()) == 0, f"{name} chart {index} at {size}: Streamlit's toolbar covers the title"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        opened.page.screenshot(path=SCREENSHOTS / f"chart-toolbar-{name}-{index}-{size}.png")  # the window as the reader sees it, toolbar shown
    opened.assert_safe()
