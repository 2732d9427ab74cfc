"""The map with many events in Chromium, at 375 and 1280 px: squares drawn, the caption says they are aggregated and
counts every event, a tap on a square zooms in to its events, and nothing leaves the machine.

The server reads a copy of data/ with TDA_SCALE_EVENTS (default 200,000) synthetic events after the shipped ones.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from benchmarks.bench_scale import make_data
from components import mapgrid, maps, scale
from components.validation import load_package
from tests.browser.conftest import start_dashboard
from tests.browser.helpers import READY, RUN_COUNTER, Visit
from tests.browser.test_map_phone import map_box, projected
from tools.loopback import stop

EXTRA = int(os.environ.get("TDA_SCALE_EVENTS", "200000"))
PHONE = (375, 812)
DESKTOP = (1280, 800)
FIRST_LOAD_MS = 600_000  # the server reads and validates the big file on the first visit


@pytest.fixture(scope="module")
def big_dir(tmp_path_factory):
    return make_data(EXTRA, tmp_path_factory.mktemp("scale") / "data")


@pytest.fixture(scope="module")
def scale_url(big_dir, tmp_path_factory, browser) -> Iterator[str]:
    log_path = tmp_path_factory.mktemp("scale-server") / "streamlit.log"
    env = {**os.environ, "TDA_DATA_DIR": str(big_dir), "TDA_CACHE_DIR": str(log_path.parent / "cache"), "TDA_STATE_DIR": str(log_path.parent / "state")}
    url, server = start_dashboard(env, log_path, ("--server.fileWatcherType", "none"))
    try:
        context = browser.new_context(viewport={"width": DESKTOP[0], "height": DESKTOP[1]})
        page = context.new_page()
        page.add_init_script(RUN_COUNTER)
        page.goto(url + "/map")
        page.wait_for_function(READY, arg=1, timeout=FIRST_LOAD_MS)  # warm: the data loaded, every cache filled
        context.close()
        yield url
    finally:
        stop(server)


@pytest.fixture
def open_map(browser, scale_url) -> Iterator:
    contexts = []

    def opened(size: tuple[int, int], path: str = "/map", touch: bool = False) -> Visit:
        options = {"has_touch": True, "is_mobile": True} if touch else {}
        context = browser.new_context(viewport={"width": size[0], "height": size[1]}, **options)
        contexts.append(context)
        return Visit.start(context, scale_url, path)

    yield opened
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def expected(big_dir) -> dict:
    """What the page should show, computed from the files: the count, and the squares of the unfiltered map."""
    events = load_package(big_dir).tables["events"]
    shown = scale.make_view(scale.prepare(events), "en")
    return {"total": len(events), "grid": shown.grid}


def shaded_pixels(visit: Visit) -> int:
    """Pixels of the map canvas in the squares' shades (the blue ramp), which no country or land fill uses."""
    image = Image.open(io.BytesIO(visit.page.locator("canvas#deckgl-overlay").screenshot())).convert("RGB")
    pixels = np.asarray(image).reshape(-1, 3).astype(int)
    blue = (pixels[:, 2] > pixels[:, 0] + 40) & (pixels[:, 2] > 90)
    return int(blue.sum())


@pytest.mark.parametrize(("size", "touch", "name"), [(PHONE, True, "375"), (DESKTOP, False, "1280")])
def test_the_big_map_draws_squares_and_says_they_are_aggregated(open_map, expected, size, touch, name):
    visit = open_map(size, touch=touch)
    text = visit.page.locator('[data-testid="stMain"]').inner_text()
    total = expected["total"]
    assert f"Showing {total:,} of {total:,} events" in text
    assert "Too many events to draw one by one" in text
    assert "Events per square" in text
    assert shaded_pixels(visit) > 500, "the map shows no squares"
    path = visit.screenshot(f"map-scale-{name}")
    assert path.exists()
    visit.assert_safe()


def test_a_tap_on_a_square_zooms_in_to_its_events(open_map, expected):
    visit = open_map(DESKTOP)
    grid = expected["grid"]
    cells = grid.cells
    view = maps.initial_view(pd.DataFrame({"lon": [cells["west"].min(), cells["east"].max()], "lat": [cells["south"].min(), cells["north"].max()]}))
    box = map_box(visit, "center")
    busiest = mapgrid.busiest(grid).iloc[0]
    x, y = projected(((busiest["west"] + busiest["east"]) / 2, (busiest["south"] + busiest["north"]) / 2), view, box)
    assert box["x"] < x < box["x"] + box["width"] and box["y"] < y < box["y"] + box["height"]
    visit.page.mouse.move(x, y)
    visit.page.get_by_text("events in this square").first.wait_for(timeout=30_000)  # the tooltip: the square is under the pointer
    for _attempt in range(4):  # deck.gl can miss a click while it is still drawing the squares: the reader clicks again
        visit.page.mouse.click(x, y)
        try:
            visit.page.wait_for_url("**map_area=**", timeout=8_000)
            break
        except Exception:  # noqa: BLE001 (Playwright's timeout): try once more
            continue
    assert "map_area=" in visit.page.url, "a tap on the busiest square did not zoom in to it"
    visit.page.wait_for_function(READY, arg=0, timeout=120_000)
    visit.page.get_by_text("Only the square").first.wait_for(timeout=60_000)
    text = visit.page.locator('[data-testid="stMain"]').inner_text()
    assert "Only the square" in text
    visit.screenshot("map-scale-1280-zoomed")
    visit.assert_safe()
