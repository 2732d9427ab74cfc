"""Embeds: the embed URL and <iframe> snippet (pure), and the embed page showing one chart alone (AppTest), in both languages."""

from __future__ import annotations

import pytest

from components.publishing import embeds, registry
from tests.helpers import open_page

SITE = "https://tracker.example"
EMBED_PAGE = "app_pages/embed.py"


def test_live_embed_url_has_the_chart_language_view_and_streamlit_embed_flag():
    url = embeds.embed_url(SITE, "claims-by-topic", "es", {"claims_topic": ["migration", "crime"], "figures_period": ["x"]})
    assert url == (
        "https://tracker.example/embed?chart=claims-by-topic&claims_topic=migration&claims_topic=crime&embed=true&lang=es"
    )
    assert "lang=en" in embeds.embed_url(SITE, "membership-estimates", "en", {})


def test_frozen_embed_url_points_at_the_static_sites_versioned_copy(monkeypatch):
    monkeypatch.delenv(embeds.SITE_ENV, raising=False)
    assert embeds.embed_url(SITE, "map", "es", {}, version="3f2a9c000000") == "site/v/3f2a9c000000/embed/map-es.html"
    monkeypatch.setenv(embeds.SITE_ENV, "https://cdn.example/tda/")
    assert embeds.embed_url(SITE, "rulings-timeline", "en", version="abc") == "https://cdn.example/tda/v/abc/embed/rulings-timeline-en.html"


def test_unknown_chart_has_no_embed_url():
    assert not embeds.is_embeddable("no-such-chart") and not embeds.is_embeddable(None)
    with pytest.raises(KeyError):
        embeds.embed_url(SITE, "no-such-chart", "en")
    assert set(embeds.EMBEDDABLE) == set(registry.CHARTS)


def test_page_url_keeps_the_view_and_a_spanish_reader():
    assert embeds.page_url(SITE, "rulings-timeline", "es", {"rulings_case": ["jgg"], "chart": ["x"]}) == (
        "https://tracker.example/rulings?lang=es&rulings_case=jgg"
    )
    assert embeds.page_url(SITE, "map", "en", {}) == "https://tracker.example/map"


def test_iframe_snippet_is_escaped_and_sized():
    snippet = embeds.snippet(SITE, "membership-estimates", "es", {}, figure_height=520)
    assert snippet.startswith('<iframe src="https://tracker.example/embed?chart=membership-estimates&amp;embed=true&amp;lang=es"')
    assert 'title="Estimaciones' in snippet or "Monitor del Tren de Aragua" in snippet
    assert f'height="{520 + embeds.BELOW_CHART_PX}"' in snippet and 'width="100%"' in snippet
    assert embeds.height_for("map") > embeds.MAP_PX
    assert embeds.height_for("annual-profits", None) >= embeds.MIN_HEIGHT_PX
    hostile = embeds.iframe_snippet('x" onload="alert(1)', "<b>", 400)
    assert 'onload="' not in hostile and "&lt;b&gt;" in hostile


def test_embed_words_in_spanish():
    assert embeds.link_text("es") == "Ver en el Monitor del Tren de Aragua"
    assert embeds.version_line("3f2a9c", "es") == "Versión de los datos 3f2a9c"
    assert embeds.embed_title("map", "es").endswith("· Monitor del Tren de Aragua")
    assert "Monitor del Tren de Aragua" in embeds.unknown_chart("es")


def _texts(at) -> list[str]:
    return [element.value for element in at.markdown] + [element.value for element in at.caption]


def test_embed_page_shows_the_chart_alone_in_spanish():
    at = open_page(EMBED_PAGE, {"chart": "membership-estimates", "lang": "es"})
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    assert not at.title and not at.header and not at.segmented_control  # no page title, no language switch
    texts = " ".join(_texts(at))
    assert "Fuente" in texts and "Ver en el Monitor del Tren de Aragua" in texts and "/figures?lang=es" in texts
    assert "Versión de los datos" in texts


def test_unknown_chart_gives_a_notice_not_a_traceback():
    at = open_page(EMBED_PAGE, {"chart": "<script>"})
    assert not at.exception
    assert [info.value for info in at.info] == [embeds.unknown_chart("en")]
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_chart_embeds(lang):
    at = open_page(EMBED_PAGE, {"chart": embeds.EMBEDDABLE[0], "lang": lang})
    for chart_id in embeds.EMBEDDABLE:
        at.query_params["chart"] = chart_id
        at.run()
        assert not at.exception, chart_id
        drawn = at.get("deck_gl_json_chart") if chart_id == "map" else at.get("plotly_chart")
        assert len(drawn) == 1, chart_id
        assert not at.segmented_control and not at.title, chart_id
        assert any(embeds.link_text(lang) in text for text in _texts(at)), chart_id
