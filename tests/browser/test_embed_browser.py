"""Embeds in Chromium: one chart alone (no sidebar, navigation or toolbar), drawn, and no sideways scrolling at 320 px and 1200 px."""

from __future__ import annotations

import pytest

from components.publishing import embeds

# Two kinds of embed: a plotly chart with its own view, in Spanish, and the interactive map, in English.
EMBEDS = [
    ("cbp-venezuelan-encounters", "es", {"figures_period": ["fiscal_year"]}),
    ("map", "en", {}),
]
WIDTHS = [(320, 640), (1200, 800)]
DRAWN = ".js-plotly-plot .main-svg, canvas#deckgl-overlay"
CHROME = '[data-testid="stSidebar"], [data-testid="stSidebarNav"], [data-testid="stSidebarCollapsedControl"], nav'
WIDE = """() => ({
  window: window.innerWidth,
  document: document.scrollingElement.scrollWidth,
  main: document.querySelector('[data-testid="stMain"]')?.scrollWidth || 0,
})"""


@pytest.mark.parametrize("size", WIDTHS, ids=lambda size: f"{size[0]}px")
@pytest.mark.parametrize("chart_id,lang,view", EMBEDS, ids=[chart for chart, _, _ in EMBEDS])
def test_embed_shows_the_chart_alone_at_any_width(visit, chart_id, lang, view, size):
    path = embeds.embed_url("", chart_id, lang, view)
    assert path.startswith("/embed?") and "embed=true" in path
    opened = visit(path, size)
    page = opened.page
    assert page.locator(DRAWN).count() >= 1, "the chart was not drawn"
    assert page.locator(CHROME).count() == 0, "the embed shows navigation or a sidebar"
    assert not page.locator('[data-testid="stToolbar"]').is_visible(), "Streamlit's toolbar shows in the embed"
    assert page.get_by_text(embeds.link_text(lang)).count() == 1
    widths = page.evaluate(WIDE)
    assert widths["document"] <= widths["window"] and widths["main"] <= widths["window"], widths
    opened.assert_safe()
    opened.screenshot(f"embed-{chart_id}-{lang}-{size[0]}px")


def test_embed_draws_inside_an_iframe_of_a_story(browser, app_url):
    """The snippet pasted into another page: the chart draws inside a 320 px iframe, with no sideways scrolling."""
    context = browser.new_context(viewport={"width": 360, "height": 900})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        url = embeds.embed_url(app_url, "membership-estimates", "es", {})
        page.set_content(f'<main style="width:320px">{embeds.iframe_snippet(url, embeds.embed_title("membership-estimates", "es"), 700)}</main>')
        frame = page.frame_locator("iframe")
        frame.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
        inner = next(child for child in page.frames if child != page.main_frame)
        widths = inner.evaluate(WIDE)
        assert widths["window"] == 320 and widths["document"] <= 320 and widths["main"] <= 320, widths
        assert frame.get_by_text(embeds.link_text("es")).count() == 1
        assert errors == []
    finally:
        context.close()
