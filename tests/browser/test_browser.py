"""Every page in Chromium at desktop and phone sizes: it draws, a filter works, no script from the data runs, nothing leaves the machine."""

from __future__ import annotations

import io
import json
from urllib.parse import parse_qs, urlparse

import pytest
from PIL import Image

from components import charts, labels, maps, timeline, transforms, widgets
from tests.browser.helpers import ARTIFACTS, AXE_REPORT, XSS_EVENT, XSS_TITLE
from tests.conftest import ROOT

SIZES = {"desktop": (1280, 800), "phone": (375, 812)}
DESKTOP = SIZES["desktop"]
PAGES = {"overview": "/", "map": "/map", "figures": "/figures", "rulings": "/rulings", "sources": "/sources"}
# What each page must have drawn once it has finished (the wait covers every chart that is present).
DRAWN = {"map": "canvas#deckgl-overlay", "figures": ".js-plotly-plot .main-svg", "rulings": ".js-plotly-plot .main-svg"}
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
# Serious or critical axe findings that Streamlit's own markup causes and this app cannot change, as
# (rule, a CSS fragment of the element axe names). Every entry needs a comment saying why.
# Empty: with Streamlit 1.67 and axe-core 4.14.1 no page has one (every finding is still printed).
STREAMLIT_OWN: dict[tuple[str, str], str] = {}


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def choose(opened, label: str, option: str) -> None:
    """Pick an option in a Streamlit multiselect as a reader does: type its label and press Enter."""
    box = opened.page.get_by_label(label, exact=True)
    opened.rerun_after(lambda: (box.click(), box.fill(option), opened.page.keyboard.press("Enter")))


def squeezed(text: str) -> str:
    return "".join(text.split())


def distinct_colours(png: bytes) -> int:
    return len(Image.open(io.BytesIO(png)).convert("RGB").getcolors(maxcolors=1 << 20) or [])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", PAGES)
def test_page_draws_with_no_error_no_script_from_the_data_and_no_outside_request(visit, name, size):
    opened = visit(PAGES[name], SIZES[size])
    if name in DRAWN:
        assert opened.page.locator(DRAWN[name]).count() >= 1, f"{name} drew no chart"
    opened.screenshot(f"{name}-{size}")
    opened.assert_safe()


def test_map_draws_points_and_countries_on_its_canvas(visit):
    opened = visit(PAGES["map"], DESKTOP)
    image = opened.page.locator('[data-testid="stDeckGlJsonChart"]').first.screenshot()
    assert distinct_colours(image) > 20, "the deck.gl canvas is blank: WebGL did not draw"


def test_map_event_type_filter_shows_fewer_events_and_goes_into_the_link(visit, hostile_tables):
    events = hostile_tables["events"]
    event_type = maps.filter_options(events)["event_type"][0]
    shown = maps.event_labels(transforms.filter_events(events, [event_type], [], [], *maps.date_bounds(events)))
    opened = visit(PAGES["map"], DESKTOP)
    choose(opened, "Event type", labels.label("event_type", event_type))
    assert query(opened.page.url)["map_type"] == [event_type]
    assert opened.page.get_by_text(maps.shown_caption(shown, len(events)), exact=True).is_visible()
    opened.assert_safe()


def test_map_tooltip_shows_the_hostile_title_as_text(visit):
    # The hostile event is the only one in its country, so the map fitted to it has it in the middle.
    opened = visit(f"{PAGES['map']}?map_country={XSS_EVENT['country']}", DESKTOP)
    box = opened.page.locator("canvas#deckgl-overlay").first.bounding_box()
    opened.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = opened.page.locator(".deck-tooltip")
    tooltip.filter(has_text=XSS_TITLE).wait_for(state="visible", timeout=10_000)
    assert tooltip.locator("img").count() == 0
    opened.assert_safe()


def test_map_details_of_the_hostile_event_show_its_title_as_text(visit):
    opened = visit(f"{PAGES['map']}?map_event={XSS_EVENT['event_id']}", DESKTOP)
    assert opened.page.get_by_role("heading", name=XSS_TITLE).is_visible()
    assert opened.page.locator('img[src="x"]').count() == 0
    opened.assert_safe()


def test_a_case_name_holding_markdown_is_a_plain_link_label_that_fetches_nothing(visit):
    opened = visit(f"{PAGES['map']}?map_event={XSS_EVENT['event_id']}", DESKTOP)
    ruling_links = opened.page.locator('[data-testid="stPageLink"] a[href*="rulings"]')
    labels = ruling_links.all_inner_texts()
    assert any("**b** ![x](http://example.invalid/x.png)" in label for label in labels), labels
    assert opened.page.locator('img[src*="example.invalid"]').count() == 0
    assert opened.page.locator('[data-testid="stPageLink"] strong').count() == 0
    assert opened.page.locator('a[href^="http://example.invalid"]').count() == 0
    opened.assert_safe()


def test_rulings_case_filter_goes_into_the_link(visit, hostile_tables):
    case, case_label = next(iter(timeline.case_labels(hostile_tables["rulings"]).items()))
    opened = visit(PAGES["rulings"], DESKTOP)
    choose(opened, "Case", case_label)
    assert query(opened.page.url)["rulings_case"] == [case]
    assert opened.page.locator(".js-plotly-plot .main-svg").count() >= 1
    opened.assert_safe()


def test_rulings_timeline_hover_shows_the_hostile_case_name_as_text(visit):
    opened = visit(PAGES["rulings"], DESKTOP)
    hover = opened.page.locator(".js-plotly-plot .hoverlayer").first
    marks = opened.page.locator(".js-plotly-plot .scatterlayer path.point").all()
    label = ""
    for mark in sorted(marks, key=lambda mark: -mark.bounding_box()["x"]):  # the hostile ruling is the newest
        mark.hover(force=True)
        opened.page.wait_for_timeout(200)  # plotly draws the hover label on a later frame
        label = hover.text_content()
        if "<img" in label:
            break
    else:
        pytest.fail("no ruling mark on the timeline showed the hostile case name on hover")
    assert hover.locator("img").count() == 0
    # The label wraps long names over lines (tspans), so compare without whitespace.
    assert squeezed(XSS_TITLE) in squeezed(label), f"the hover label shows {label[:80]!r}, not the case name as written"
    opened.assert_safe()


def test_figures_period_switch_goes_into_the_link(visit):
    other = list(charts.PERIODS)[1]
    opened = visit(PAGES["figures"], DESKTOP)
    assert "figures_period" not in query(opened.page.url)
    opened.rerun_after(lambda: opened.page.locator('[data-testid="stButtonGroup"]').get_by_text(charts.PERIODS[other], exact=True).click())
    assert query(opened.page.url)["figures_period"] == [other]
    opened.assert_safe()


def test_overview_link_opens_the_map(visit):
    opened = visit(PAGES["overview"], DESKTOP)
    link = opened.page.get_by_role("main").get_by_role("link", name=widgets.PAGES["map"][1], exact=True)
    opened.rerun_after(link.click)
    assert urlparse(opened.page.url).path == PAGES["map"]
    assert opened.page.locator("canvas#deckgl-overlay").count() >= 1
    opened.assert_safe()


def test_sources_data_dictionary_opens(visit):
    opened = visit(PAGES["sources"], DESKTOP)
    expander = opened.page.locator('[data-testid="stExpander"]').filter(has_text="events.csv").first
    expander.locator("summary").click()
    expander.locator("table").first.wait_for(state="visible")  # a markdown table: no data grid to load
    opened.assert_safe()


def report(line: str) -> None:
    """Print a finding, and keep it for the summary at the end of the run (shown even when the test passes)."""
    print(line)
    AXE_REPORT.append(line)


def _allowed(rule: str, node: dict) -> bool:
    target = json.dumps(node["target"])
    return any(rule == allowed_rule and fragment in target for allowed_rule, fragment in STREAMLIT_OWN)


def axe_blocking(opened, name: str) -> list[str]:
    """Run axe-core in the page; report every finding, save the full result as artifacts/axe/<name>.json, return the serious or critical ones."""
    opened.page.add_script_tag(path=str(AXE))
    result = opened.page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    (ARTIFACTS / "axe").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe" / f"{name}.json").write_text(json.dumps(result, indent=1))
    blocking = []
    for finding in result["violations"]:
        for node in finding["nodes"]:
            allowed = _allowed(finding["id"], node)
            report(f"axe {name} violation: {finding['id']} ({finding['impact']}){' allow-listed' if allowed else ''} at {json.dumps(node['target'])}")
            if finding["impact"] in BLOCKING_IMPACTS and not allowed:
                blocking.append(f"{finding['id']} ({finding['impact']}) at {node['target']}: {finding['help']}")
    for finding in result["incomplete"]:  # axe could not decide (e.g. text over SVG): for a person to check
        report(f"axe {name} needs review: {finding['id']} ({finding['impact']}) on {len(finding['nodes'])} elements, e.g. {json.dumps(finding['nodes'][0]['target'])}")
    report(f"axe {name}: {len(result['violations'])} rules violated, {len(result['incomplete'])} to review, {len(result['passes'])} passed")
    return blocking


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violation(visit, name):
    assert axe_blocking(visit(PAGES[name], DESKTOP), name) == [], f"axe found serious or critical violations on {name}"
