"""Static export: real PNG and SVG files at the named sizes, rendered by kaleido with the system Chromium."""

from __future__ import annotations

import io
from datetime import date

import plotly.graph_objects as go
import pytest
from PIL import Image

from components.publishing import citations, exports, map_image
from components.validation import load_package
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def tables() -> dict:
    return load_package(ROOT / "data").tables


def _simple(title: str) -> go.Figure:
    figure = go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2]))
    figure.update_layout(title=title, height=500)
    return figure


@pytest.mark.parametrize("code", list(exports.choices()))
def test_every_offered_download_is_a_real_file_of_the_right_size(code):
    size, image_format, scale = exports.parse_choice(code)
    data = exports.render(_simple("Cinco mil: 5.000"), size.name, image_format, scale)
    if image_format == "png":
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG" and image.size == size.pixels(500, scale)
    else:
        assert data.lstrip().startswith(b"<svg") and b"Cinco mil: 5.000" in data
        assert f'width="{size.width}"'.encode() in data


def test_print_is_a4_width_at_300_dpi():
    size, _, scale = exports.parse_choice("print-png-2")
    assert size.pixels(500, scale)[0] == 2480  # 210 mm at 300 dpi


def test_unknown_downloads_are_refused():
    for code in ("web-gif", "print-png-1", "poster-png-1"):
        with pytest.raises((ValueError, KeyError)):
            exports.parse_choice(code)


def test_file_names_say_what_language_data_date_and_version():
    name = exports.filename("Membership estimates", "es", "2026-11-21", "3f2a9c4d5e6f", "social", "png", 2)
    assert name == "tren-de-aragua-membership-estimates-es-2026-11-21-3f2a9c-social@2x.png"
    assert exports.filename("membership-estimates", "en", "2026-11-21", "3f2a9c4d5e6f", "web", "svg") == "tren-de-aragua-membership-estimates-en-2026-11-21-3f2a9c-web.svg"


def test_download_labels_in_spanish():
    assert exports.choices("es") != exports.choices("en") and list(exports.choices("es")) == list(exports.choices("en"))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_map_exports_as_a_picture_of_the_same_events_and_countries(tables, lang):
    figure = map_image.map_figure(tables["events"], tables["presence"], lang)
    names = [trace.name for trace in figure.data]
    drawn = sum(len(trace.x) for trace in figure.data if trace.mode == "markers")
    assert drawn == int((tables["events"]["lat"].notna() & tables["events"]["lon"].notna()).sum())
    assert any(name and name.startswith("Presen") for name in names)
    data = exports.render(figure, "social", "png", 1)
    assert Image.open(io.BytesIO(data)).size == (1200, 675)


def test_cite_text_in_both_languages():
    url = citations.permalink("https://tracker.example", "/figures", {"lang": "es", "figures_period": "month", "empty": ""})
    assert url == "https://tracker.example/figures?figures_period=month&lang=es"
    english = citations.cite_text("Membership estimates", "3f2a9c", date(2026, 11, 21), url, "en")
    spanish = citations.cite_text("Estimaciones", "3f2a9c", date(2026, 11, 21), url, "es")
    assert english == f"Tren de Aragua tracker, “Membership estimates”, data version 3f2a9c, accessed 21 November 2026, {url}"
    assert "21 de noviembre de 2026" in spanish and "Monitor del Tren de Aragua" in spanish and url in spanish


def teardown_module():
    exports.EXPORTER.stop()


def _localized(tables: dict, lang: str) -> dict:
    from components.i18n.data import localize

    return {name: localize(frame, name, lang, tables["translations"], tables["sources"]) for name, frame in tables.items()}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_registered_chart_exports_laid_out_for_the_size_with_its_stamp(tables, lang):
    from components import chart_layout
    from components.publishing import registry

    english = _localized(tables, "en")
    localized = english if lang == "en" else _localized(tables, lang)
    stamp = citations.stamp_line("3f2a9c", "", lang)
    for chart_id in registry.CHARTS:
        with chart_layout.sized(1200, 675, stamp=stamp):
            drawn = registry.draw(chart_id, localized, english, lang)
        assert drawn.figure.layout.width == 1200 and drawn.figure.layout.height == 675, chart_id
        svg = exports.render(drawn.figure, "social", "svg")
        assert b"3f2a9c" in svg, chart_id
        title = drawn.figure.layout.title.text.replace("<b>", "").replace("</b>", "").split("<br>")[0]
        assert title.encode() in svg or title.replace("'", "&#39;").encode() in svg, chart_id


def test_on_a_page_charts_keep_their_phone_layout(tables):
    from components import charts

    figure = charts.membership_estimates(tables["figures"], tables["sources"])
    assert figure.layout.width is None


def test_the_map_picture_follows_the_pages_date_filter(tables):
    from components.publishing import registry

    english = _localized(tables, "en")
    everything = registry.draw("map", english, english, "en")
    dates = english["events"]["date"].dropna().sort_values()
    middle = dates.iloc[len(dates) // 2].strftime("%Y-%m-%d")
    later = registry.draw("map", english, english, "en", {"map_dates": [f"{middle}..{dates.iloc[-1].strftime('%Y-%m-%d')}"]})
    assert 0 < len(later.rows) < len(everything.rows)
    assert (later.rows["date"] >= middle).all()
    assert len(registry.draw("map", english, english, "en", {"map_dates": ["not..a range"]}).rows) == len(everything.rows)
    assert registry.view_of("map", {"map_dates": ["2024-01-01..2024-12-31"], "lang": ["es"]}) == {"map_dates": ["2024-01-01..2024-12-31"]}
