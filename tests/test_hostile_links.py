"""A link is untrusted input: long or many query values fall back to the default, and a notice never echoes more than a short prefix."""

from __future__ import annotations

import pytest

from components import widgets
from tests.helpers import open_page

HOSTILE = {
    "app_pages/map.py": "map_type",
    "app_pages/rulings.py": "rulings_ruling",
    "app_pages/figures.py": "figures_period",
}


def page_text(at) -> str:
    return " ".join(element.value for element in [*at.markdown, *at.caption, *at.info, *at.warning, *at.error])


@pytest.mark.parametrize("page, key", HOSTILE.items())
def test_a_huge_value_in_a_link_falls_back_with_a_short_notice(page, key):
    at = open_page(page, {key: "x" * 100_000})
    assert not at.exception
    notices = [element.value for element in at.info]
    assert any("showing the default" in notice for notice in notices)
    assert "x" * (widgets.ECHO_CHARS + 1) not in page_text(at)


def test_many_values_in_a_link_are_capped():
    at = open_page("app_pages/map.py", {"map_country": [f"C{i:05d}" for i in range(5_000)]})
    assert not at.exception
    assert len(page_text(at)) < 20_000
    assert at.multiselect(key="map_country").value == []


def test_markdown_in_a_link_value_is_shown_as_text():
    at = open_page("app_pages/map.py", {"map_type": "**bold** ![x](http://127.0.0.1:9/x.png)"})
    assert not at.exception
    notice = next(element.value for element in at.info if "showing the default" in element.value)
    assert "![x](" not in notice and "\\!\\[x\\]" in notice
