"""Sharing the dashboard: 'Download image' and 'Cite this chart' under every chart, 'Copy link' and the data version
at the foot of every page, in English and Spanish; a permalink opens the same view; a download is the chart as shown."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from components import datasets, timeline
from components.i18n.data import localize
from components.publishing import exports, registry, share
from tests.helpers import open_page, set_cell

PAGES = ["app_pages/overview.py", "app_pages/map.py", "app_pages/figures.py", "app_pages/rulings.py", "app_pages/claims.py", "app_pages/sources.py"]
CHARTS_ON = {
    "app_pages/figures.py": ["membership-estimates", "annual-profits", "venezuelan-population-us", "cbp-venezuelan-encounters", "gang-linked-migrants-in-context"],
    "app_pages/rulings.py": ["rulings-timeline"],
    "app_pages/claims.py": ["claims-by-topic"],
    "app_pages/map.py": ["map"],
}
WORDS = {
    "en": {"footer": "Data version {version} · last updated", "image": "Download image", "cite": "Cite this chart", "link": "Copy link", "download": "Download", "choice": "Size and format"},
    "es": {"footer": "Versión de los datos {version} · última actualización", "image": "Descargar imagen", "cite": "Citar este gráfico", "link": "Copiar enlace", "download": "Descargar", "choice": "Tamaño y formato"},
}


def _blocks(node, kind: str):
    """Every block of a kind (e.g. popover) in an AppTest tree."""
    found = [node] if getattr(node, "type", None) == kind else []
    children = getattr(node, "children", None)
    for child in (children.values() if isinstance(children, dict) else []):
        found += _blocks(child, kind)
    return found


def _popover_labels(at) -> dict[str, str]:
    return {block.key: block.proto.popover.label for block in _blocks(at._tree, "popover")}


def _cite(at, lang: str) -> list[str]:
    tracker = "Tren de Aragua tracker" if lang == "en" else "Monitor del Tren de Aragua"
    return [code.value for code in at.code if code.value.startswith(tracker)]


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


@pytest.fixture(scope="module")
def version() -> str:
    return datasets.data_version()[:6]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_the_data_version_and_a_copy_link_in_its_footer(page, version):
    """In English, then in Spanish after the switch (one open per page keeps the suite fast)."""
    at = open_page(page)
    _check_share_controls(at, page, "en", version)
    at.segmented_control(key="lang").set_value("es").run()
    _check_share_controls(at, page, "es", version)


def _check_share_controls(at, page: str, lang: str, version: str) -> None:
    assert not at.exception
    footer = [caption.value for caption in at.caption if caption.value.startswith(WORDS[lang]["footer"].format(version=version))]
    assert len(footer) == 1, [caption.value for caption in at.caption][-3:]
    labels = _popover_labels(at)
    assert labels["share_link"] == WORDS[lang]["link"]
    links = [code.value for code in at.code if code.value.startswith("http")]
    assert links and _query(links[-1])["lang"] == [lang]
    for chart_id in CHARTS_ON.get(page, []):  # under each chart: the download control and the citation
        assert labels[f"share_{chart_id}_image"] == WORDS[lang]["image"]
        assert labels[f"share_{chart_id}_cite"] == WORDS[lang]["cite"]
        choice = at.selectbox(key=f"share_{chart_id}_choice")
        assert choice.label == WORDS[lang]["choice"] and choice.value == share.DEFAULT_CHOICE
        assert list(choice.options) == list(exports.choices(lang).values())
        assert at.get("download_button") and any(button.proto.label == WORDS[lang]["download"] for button in at.get("download_button"))
    cites = _cite(at, lang)
    assert len(cites) == len(CHARTS_ON.get(page, []))
    for chart_id, text in zip(CHARTS_ON.get(page, []), cites):
        assert registry.title(chart_id, lang) in text and version in text


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_cite_permalink_opens_the_same_rulings_view(tables, lang):
    rulings = tables["rulings"]
    case = sorted(set(rulings["case_group"]))[0]
    in_case = rulings[rulings["case_group"] == case]
    chosen = list(timeline.ruling_picker_choices(in_case, lang=lang))[-1]
    at = open_page("app_pages/rulings.py", {"lang": lang, "rulings_case": [case], "rulings_ruling": chosen})
    assert not at.exception
    (cite,) = _cite(at, lang)
    url = cite.rsplit(", ", 1)[-1]
    assert urlsplit(url).path == "/rulings"
    query = _query(url)
    assert query == {"lang": [lang], "rulings_case": [case], "rulings_ruling": [chosen]}
    again = open_page("app_pages/rulings.py", {key: values if len(values) > 1 or key == "rulings_case" else values[0] for key, values in query.items()})
    assert not again.exception
    assert again.multiselect(key="rulings_case").value == [case]
    assert again.selectbox(key="rulings_ruling").value == chosen
    assert again.session_state["lang"] == lang
    assert _cite(again, lang) == [cite]


def test_the_permalinks_follow_a_change_made_on_the_page(tables):
    """A filter chosen on the page, and the period of the encounters, are in the cite and the page's link at once."""
    at = open_page("app_pages/figures.py", {"lang": "es"})
    at.segmented_control(key="figures_period").set_value("fiscal_year").run()
    cites = _cite(at, "es")
    assert all(_query(text.rsplit(", ", 1)[-1]) == {"lang": ["es"], "figures_period": ["fiscal_year"]} for text in cites)
    link = [code.value for code in at.code if code.value.startswith("http")][-1]
    assert _query(link) == {"lang": ["es"], "figures_period": ["fiscal_year"]}
    assert registry.view_of("cbp-venezuelan-encounters", _query(link)) == {"figures_period": ["fiscal_year"]}
    again = open_page("app_pages/figures.py", {"lang": "es", "figures_period": "fiscal_year"})
    assert again.segmented_control(key="figures_period").value == "fiscal_year"


def test_file_names_and_the_footer_text():
    assert share.download_name("membership-estimates", "es", "2026-11-21", "3f2a9c4d5e6f", "social-png-2") == "tren-de-aragua-membership-estimates-es-2026-11-21-3f2a9c-social@2x.png"
    assert share.download_name("map", "en", "2026-11-21", "3f2a9c4d5e6f", "web-svg") == "tren-de-aragua-map-en-2026-11-21-3f2a9c-web.svg"
    assert share.download_mime("web-svg") == "image/svg+xml" and share.download_mime("print-png-2") == "image/png"
    assert share.footer_text("3f2a9c4d5e6f", "2026-11-21") == "Data version 3f2a9c · last updated 21 November 2026"
    assert share.footer_text("3f2a9c4d5e6f", "2026-11-21", "es") == "Versión de los datos 3f2a9c · última actualización: 21 de noviembre de 2026"
    assert share.page_params({"map_type": ["arrest", "raid"], "lang": ["en"], "empty": [""]}, "es") == {"map_type": ["arrest", "raid"], "lang": ["es"]}
    cite = share.cite("map", "3f2a9c4d5e6f", date(2026, 11, 21), "https://example.org/map?lang=es", "es")
    assert cite == "Monitor del Tren de Aragua, «Mapa de eventos», versión de los datos 3f2a9c, consultado el 21 de noviembre de 2026, https://example.org/map?lang=es"


@pytest.fixture(scope="module")
def in_lang(tables):
    def localized(lang: str) -> dict:
        return {name: localize(frame.copy(), name, lang, tables["translations"], tables["sources"]) for name, frame in tables.items()}

    return localized


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_download_is_the_chart_at_its_size_with_title_source_and_version(tables, in_lang, lang):
    """What the download button's callable returns (share.export_chart): one PNG and one SVG per language."""
    localized, version, day = in_lang(lang), "3f2a9c4d5e6f", "2026-11-21"
    png_chart, png_choice = ("map", "social-png-1") if lang == "es" else ("membership-estimates", "web-png-2")
    png = share.export_chart(png_chart, localized, tables, lang, {}, png_choice, version, day)
    image = Image.open(io.BytesIO(png))
    size, _format, scale = exports.parse_choice(png_choice)
    natural = share.draw_for_export(png_chart, localized, tables, lang, {}, png_choice, version, day).layout.height
    assert image.format == "PNG" and image.size == size.pixels(int(natural or 500), scale)

    figure = share.draw_for_export("membership-estimates", localized, tables, lang, {}, "social-svg", version, day)
    svg = share.export_chart("membership-estimates", localized, tables, lang, {}, "social-svg", version, day).decode()
    assert svg.lstrip().startswith("<svg") and 'width="1200"' in svg and 'height="675"' in svg
    title = figure.layout.title.text.replace("<b>", "").replace("</b>", "").split("<br>")[0]
    assert title.replace("?", "")[:20] in svg.replace("&#39;", "'")
    assert ("Source" if lang == "en" else "Fuente") in svg
    assert "3f2a9c" in svg and ("data version" if lang == "en" else "versión de los datos") in svg
    assert ("21 November 2026" if lang == "en" else "21 de noviembre de 2026") in svg


def test_a_download_draws_the_view_of_the_page(tables):
    """The rulings chosen on the page are the rulings in the image (the callable gets the page's view)."""
    rulings = tables["rulings"]
    case = sorted(set(rulings["case_group"]))[0]
    view = registry.view_of("rulings-timeline", {"rulings_case": [case], "lang": ["en"], "rulings_ruling": ["x"]})
    assert view == {"rulings_case": [case]}
    drawn = registry.draw("rulings-timeline", tables, tables, "en", view)
    assert set(drawn.rows["ruling_id"]) == set(rulings.loc[rulings["case_group"] == case, "ruling_id"])


def test_the_footer_shows_the_version_of_the_data_served_while_an_edit_is_broken(data_copy, monkeypatch):
    """Readers see the last good data while the files are invalid: the footer and the citations name its version."""
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    good = datasets.data_version(data_copy)
    at = open_page("app_pages/rulings.py")
    assert any(caption.value.startswith(f"Data version {good[:6]} ") for caption in at.caption)
    set_cell(data_copy / "rulings.csv", 0, "date", "not a date")
    broken = datasets.data_version(data_copy)
    assert broken != good
    at = open_page("app_pages/rulings.py")
    assert not at.exception
    footer = [caption.value for caption in at.caption if caption.value.startswith("Data version ")]
    assert footer and footer[0].startswith(f"Data version {good[:6]} ")
    assert all(good[:6] in text and broken[:6] not in text for text in _cite(at, "en"))


@pytest.mark.parametrize("page", ["app_pages/figures.py", "app_pages/rulings.py", "app_pages/claims.py"])
def test_every_chart_on_a_page_carries_the_tracker_and_the_data_version(page):
    """Inside every chart, not only its exports: a screenshot of the page still says which data it shows."""
    import json as json_module

    from components import i18n as i18n_module

    at = open_page(page, {"lang": "es"})
    stamp = i18n_module.gettext_for("es")("data version {version}").format(version=datasets.data_version()[:6])
    drawn = at.get("plotly_chart")
    assert drawn
    for chart in drawn:
        notes = [note.get("text", "") for note in json_module.loads(chart.proto.spec)["layout"].get("annotations", [])]
        assert any(stamp in note for note in notes), notes[-3:]


def test_a_page_that_stops_early_still_has_its_footer():
    """The map with filters nothing matches stops before its map: the link and the data version still show."""
    at = open_page("app_pages/map.py", {"map_type": "deportation", "map_country": "ESP"})
    assert not at.exception
    assert any("filter" in info.value.lower() for info in at.info)  # the empty state
    assert any(datasets.data_version()[:6] in caption.value for caption in at.caption)
