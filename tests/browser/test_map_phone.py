"""The map on a 375 px touch screen: a swipe scrolls the page, a tap shows the event's details where the reader is,
tooltips stay inside the map, and a tap keeps every other dot and country as it was (paler = less certain)."""

from __future__ import annotations

import io
import math

import pytest
from PIL import Image, ImageChops, ImageDraw

from components import maps, transforms
from tests.browser.helpers import PAGE_SCROLL, SCREENSHOTS, XSS_EVENT, XSS_TITLE, swipe_up

PHONE = (375, 812)
DESKTOP = (1280, 800)
MAP = '[data-testid="stDeckGlJsonChart"]'
CANVAS = "canvas#deckgl-overlay"


def map_box(opened, block: str = "start") -> dict:
    """The map canvas's box, after scrolling it to the top (or the middle) of the screen as a reader reaching it would."""
    # Read in the page directly: a locator waits on animation frames, which a busy SwiftShader map can starve.
    box = opened.page.evaluate(
        """(block) => {
          const canvas = document.querySelector("canvas#deckgl-overlay");
          canvas.scrollIntoView({block, behavior: "instant"});
          const rect = canvas.getBoundingClientRect();
          return {x: rect.x, y: rect.y, width: rect.width, height: rect.height};
        }""",
        block,
    )
    opened.page.wait_for_timeout(300)
    return opened.page.evaluate(
        """() => {
          const rect = document.querySelector("canvas#deckgl-overlay").getBoundingClientRect();
          return {x: rect.x, y: rect.y, width: rect.width, height: rect.height};
        }"""
    ) or box


def projected(point: tuple[float, float], view, box: dict) -> tuple[float, float]:
    """Where deck.gl's web-mercator view draws (lon, lat) on the page."""
    lon, lat = point
    scale = 512 * 2**view.zoom
    mercator = lambda degrees: math.log(math.tan(math.pi / 4 + math.radians(degrees) / 2))  # noqa: E731
    x = box["x"] + box["width"] / 2 + (lon - view.longitude) / 360 * scale
    y = box["y"] + box["height"] / 2 - (mercator(lat) - mercator(view.latitude)) / (2 * math.pi) * scale
    return x, y


def inside(inner: dict, outer: dict, slack: float = 1.0) -> bool:
    return (
        inner["x"] >= outer["x"] - slack
        and inner["y"] >= outer["y"] - slack
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + slack
    )


def test_a_swipe_over_the_map_scrolls_the_page_and_explore_lets_the_map_take_it(visit):
    opened = visit("/map", PHONE, touch=True)
    box = map_box(opened)
    before = opened.page.evaluate(PAGE_SCROLL)
    swipe_up(opened.page, box["x"] + 40, box["y"] + box["height"] * 0.7, 300)
    after = opened.page.evaluate(PAGE_SCROLL)
    assert after - before > 150, f"a swipe over the map moved the page by {after - before}px: the map traps the scroll"

    # The reader chooses to explore: the same swipe now moves the map, and the page stays put.
    opened.rerun_after(lambda: opened.page.get_by_text("Explore the map", exact=False).first.click())
    box = map_box(opened)
    before = opened.page.evaluate(PAGE_SCROLL)
    swipe_up(opened.page, box["x"] + 40, box["y"] + box["height"] * 0.7, 300)
    assert abs(opened.page.evaluate(PAGE_SCROLL) - before) < 20, "with Explore on, the swipe should pan the map, not the page"
    opened.assert_safe()


def drawn_points(opened, tables: dict, box: dict) -> dict[str, tuple[float, float]]:
    """event_id -> where the unfiltered map draws it on the page, for the events inside the map."""
    labelled = maps.event_labels(transforms.filter_events(tables["events"], [], [], [], *maps.date_bounds(tables["events"])))
    points = maps.event_points(labelled)
    view = maps.initial_view(points)
    drawn = {}
    for event_id, lon, lat in zip(points["event_id"], points["lon"], points["lat"]):
        x, y = projected((lon, lat), view, box)
        if box["x"] + 4 < x < box["x"] + box["width"] - 4 and box["y"] + 4 < y < box["y"] + box["height"] - 4:
            drawn[event_id] = (x, y)
    return drawn


def canvas_image(opened, box: dict) -> Image.Image:
    """What the screen shows of the map, from its top edge down to the map's or the screen's bottom."""
    visible = {**box, "height": min(box["height"], opened.page.viewport_size["height"] - box["y"])}
    return Image.open(io.BytesIO(opened.page.screenshot(clip=visible))).convert("RGB")


def test_a_tap_on_an_event_brings_its_details_into_view_and_keeps_the_map_colours(visit, hostile_tables):
    opened = visit("/map", PHONE, touch=True)
    box = map_box(opened, block="center")
    x, y = drawn_points(opened, hostile_tables, box)[XSS_EVENT["event_id"]]
    opened.page.wait_for_timeout(1000)  # let deck.gl finish loading the shapes and settle its view
    before = canvas_image(opened, box)
    opened.rerun_after(lambda: opened.page.touchscreen.tap(x, y))
    assert f"map_event={XSS_EVENT['event_id']}" in opened.page.url, f"the tap at ({x:.0f}, {y:.0f}) chose no event"
    heading = opened.page.get_by_role("heading", name=XSS_TITLE)
    heading.wait_for(state="visible")
    opened.page.wait_for_timeout(800)  # the page brings the details into view on the frame after they are drawn
    header = opened.page.locator('[data-testid="stHeader"]').bounding_box()
    top = header["y"] + header["height"] if header else 0  # Streamlit's header is fixed over the top of the page
    viewport = {"x": 0, "y": top, "width": PHONE[0], "height": PHONE[1] - top}
    assert inside(heading.bounding_box(), viewport), f"after the tap the details' heading is at {heading.bounding_box()}, off the screen"
    details = opened.page.locator(".st-key-map_details").first.bounding_box()
    assert top - 1 <= details["y"] < PHONE[1] * 0.6, f"the details start at y={details['y']}, not where the reader is"

    # Streamlit's own selection look dims every other dot to one opacity and the countries with them, which
    # erases "paler = less certain": the page keeps the data's colours and only adds a ring round the chosen one.
    box_after = map_box(opened, block="center")
    after = canvas_image(opened, box_after)
    before.save(SCREENSHOTS / "map-phone-before-tap-canvas.png")
    after.save(SCREENSHOTS / "map-phone-after-tap-canvas.png")
    common = (min(before.size[0], after.size[0]), min(before.size[1], after.size[1]))
    before, after = before.crop((0, 0, *common)), after.crop((0, 0, *common))
    mask = Image.new("L", after.size, 255)  # what must not change: all but the ring, the tooltip and the map's buttons
    draw = ImageDraw.Draw(mask)
    ring_x, ring_y = x - box["x"], y - box["y"]
    draw.ellipse((ring_x - 25, ring_y - 25, ring_x + 25, ring_y + 25), fill=0)
    draw.rectangle((after.size[0] - 60, 0, after.size[0], 100), fill=0)
    tooltip = opened.page.locator(".deck-tooltip")
    if tooltip.is_visible():
        tip = tooltip.bounding_box()
        draw.rectangle((tip["x"] - box_after["x"] - 2, tip["y"] - box_after["y"] - 2, tip["x"] - box_after["x"] + tip["width"] + 2, tip["y"] - box_after["y"] + tip["height"] + 2), fill=0)
    changed = ImageChops.difference(before, after).convert("L").point(lambda value: 255 if value > 10 else 0)
    changed = ImageChops.multiply(changed, mask)
    share = sum(1 for value in changed.get_flattened_data() if value) / sum(1 for value in mask.get_flattened_data() if value)
    print(f"share of the map changed by the tap: {share:.2%}")
    assert share < 0.01, f"{share:.1%} of the map changed colour after the tap (only the ring round the chosen event should)"
    opened.assert_safe()
    opened.screenshot("map-phone-after-tap")  # last: growing the window to the page's height can lose the map's WebGL canvas


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_tooltip_of_the_event_nearest_the_right_edge_stays_inside_the_map(visit, hostile_tables, size):
    opened = visit("/map", size)
    box = map_box(opened)
    on_screen = list(drawn_points(opened, hostile_tables, box).values())
    assert on_screen, "no event is drawn inside the map"
    x, y = max(on_screen)  # the rightmost: where deck.gl's own tooltip would run off the screen
    tooltip = opened.page.locator(".deck-tooltip")
    for dx, dy in ((0, 0), (-2, 0), (0, -2), (2, 2)):  # a dot is a few px wide: try around the projected centre
        opened.page.mouse.move(x + dx, y + dy)
        opened.page.wait_for_timeout(300)
        if tooltip.is_visible():
            break
    else:
        pytest.fail(f"no tooltip at the rightmost event ({x:.0f}, {y:.0f})")
    tip = tooltip.bounding_box()
    assert inside(tip, box), f"the tooltip {tip} leaves the map {box}"
    assert tip["x"] + tip["width"] <= size[0], "the tooltip runs off the screen"
    opened.screenshot(f"map-tooltip-{'phone' if size == PHONE else 'desktop'}")
    opened.assert_safe()
