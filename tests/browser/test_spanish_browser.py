"""Every page in Spanish in Chromium, at desktop and phone sizes: it draws, says so in <html lang>, keeps
?lang=es, has no serious accessibility finding, and the switch brings English back on the same page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from components import i18n
from tests.browser.test_browser import DRAWN, SIZES, axe_blocking

PAGES = {"overview": "/", "map": "/map", "figures": "/figures", "rulings": "/rulings", "claims": "/claims", "sources": "/sources"}
_ = i18n.gettext_for("es")
NAVIGATION = [_("Overview"), _("Map"), _("Figures"), _("Court rulings"), _("Claims and evidence"), _("Sources & method")]


def _lang_in_url(url: str) -> list[str]:
    return parse_qs(urlparse(url).query).get("lang", [])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", PAGES)
def test_page_in_spanish_draws_says_so_and_keeps_the_language_in_the_link(visit, name, size):
    opened = visit(PAGES[name] + "?lang=es", SIZES[size])
    if name in DRAWN:
        assert opened.page.locator(DRAWN[name]).count() >= 1, f"{name} drew no chart in Spanish"
    assert opened.page.evaluate("() => document.documentElement.lang") == "es"
    assert _lang_in_url(opened.page.url) == ["es"]
    if size == "desktop":  # on a phone the navigation is folded away
        sidebar = opened.page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert all(title in sidebar for title in NAVIGATION), sidebar
    opened.screenshot(f"es-{name}-{size}")
    opened.assert_safe()


@pytest.mark.parametrize("name", ["map", "rulings"])
def test_the_switch_brings_english_back_on_the_same_page_and_spanish_again(visit, name):
    opened = visit(PAGES[name] + "?lang=es", SIZES["desktop"])
    switch = opened.page.locator('[data-testid="stButtonGroup"]').first
    opened.rerun_after(lambda: switch.get_by_text("English", exact=True).click())
    opened.page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert _lang_in_url(opened.page.url) == [] and urlparse(opened.page.url).path.rstrip("/").endswith(PAGES[name].strip("/"))
    opened.rerun_after(lambda: switch.get_by_text("Español", exact=True).click())
    opened.page.wait_for_function("() => document.documentElement.lang === 'es'")
    assert _lang_in_url(opened.page.url) == ["es"]
    opened.assert_safe()


@pytest.mark.parametrize("name", PAGES)
def test_page_in_spanish_has_no_serious_accessibility_violation(visit, name):
    blocking = axe_blocking(visit(PAGES[name] + "?lang=es", SIZES["desktop"]), f"es-{name}")
    assert blocking == [], f"axe found serious or critical violations on {name} in Spanish"
