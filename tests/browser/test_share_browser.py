"""Sharing in Chromium: a chart's 'Download image' gives the file chosen (a social SVG with the data version inside),
drawn on the click only; the controls fit a phone's width."""

from __future__ import annotations

from components import datasets
from components.publishing import exports
from tests.browser.helpers import SCREENSHOTS

CHART = "membership-estimates"
SOCIAL_SVG = exports.choices("en")["social-svg"]
DOWNLOAD_TIMEOUT_MS = 90_000  # the server's first export starts its export browser


def _open_image_control(opened) -> None:
    page = opened.page
    control = page.locator(f".st-key-share_{CHART}")
    control.scroll_into_view_if_needed()
    control.get_by_role("button", name="Download image").click()
    page.get_by_text("Size and format").first.wait_for(state="visible")


def test_a_social_svg_downloads_with_the_data_version(visit, hostile_data_dir):
    opened = visit("/figures", (1280, 800))
    page = opened.page
    _open_image_control(opened)
    body = page.locator('[data-testid="stPopoverBody"]').filter(has_text="Size and format")
    opened.rerun_after(lambda: (body.locator('[data-testid="stSelectbox"]').click(), page.get_by_role("option", name=SOCIAL_SVG).click()))
    body = page.locator('[data-testid="stPopoverBody"]').filter(has_text="Size and format")
    if not body.is_visible():  # a rerun may close the popover: open it again, the choice is kept
        _open_image_control(opened)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "share-download-desktop.png")
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as download_info:
        page.locator('[data-testid="stPopoverBody"]').filter(has_text="Size and format").get_by_role("button", name="Download", exact=True).click()
    download = download_info.value
    version = datasets.data_version(hostile_data_dir)[:6]
    assert download.suggested_filename.startswith(f"tren-de-aragua-{CHART}-en-") and download.suggested_filename.endswith(f"-{version}-social.svg")
    svg = open(download.path(), encoding="utf-8").read()
    assert svg.lstrip().startswith("<svg") and 'width="1200"' in svg and 'height="675"' in svg
    assert version in svg and "data version" in svg and "Source" in svg
    opened.assert_safe()


def test_the_share_controls_fit_a_phone(visit):
    opened = visit("/figures?lang=es", (375, 812), touch=True)
    page = opened.page
    control = page.locator(f".st-key-share_{CHART}")
    control.scroll_into_view_if_needed()
    box = control.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    control.get_by_role("button", name="Descargar imagen").click()
    image = page.locator('[data-testid="stPopoverBody"]').filter(has_text="Tamaño y formato")
    image.wait_for(state="visible")
    image_box = image.bounding_box()
    assert image_box["x"] >= 0 and image_box["x"] + image_box["width"] <= 375 + 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "share-download-phone-es.png")
    page.keyboard.press("Escape")
    control.get_by_role("button", name="Citar este gráfico").click()
    body = page.locator('[data-testid="stPopoverBody"]').filter(has_text="Monitor del Tren de Aragua")
    body.wait_for(state="visible")
    popover = body.bounding_box()
    assert popover["x"] >= 0 and popover["x"] + popover["width"] <= 375 + 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "share-cite-phone-es.png")
    page.keyboard.press("Escape")
    footer = page.locator(".st-key-share_footer")
    footer.scroll_into_view_if_needed()
    assert "Versión de los datos" in footer.inner_text()
    page.screenshot(path=SCREENSHOTS / "share-footer-phone-es.png")
    opened.assert_safe()
