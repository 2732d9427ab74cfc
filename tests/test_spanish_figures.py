"""The Figures and Overview pages in Spanish: charts, tables and headline cards worded and numbered for Spanish readers."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

from components import charts, headlines, transforms
from components.i18n.data import localize
from tests.helpers import open_page

SPANISH_NUMBER = re.compile(r"\d{1,3}(\.\d{3})+(?![\d.,])")  # 5.000, 1.000.000
ENGLISH_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(,\d{3})+(?![\d,])")  # 5,000


def plain(text: str) -> str:
    for tag in ("<br>", "<b>", "</b>"):
        text = text.replace(tag, " ")
    return " ".join(html.unescape(text or "").split())


def annotations(figure, name: str) -> list[str]:
    return [plain(annotation.text) for annotation in figure.layout.annotations if annotation.name == name]


def spanish_charts(tables) -> dict:
    figures, sources = tables["figures"], tables["sources"]
    return {
        "membership": charts.membership_estimates(figures, sources, "es"),
        "profits": charts.profit_estimates(figures, sources, "es"),
        "population": charts.population_over_time(figures, sources, "es"),
        "encounters_month": charts.encounters(tables["series"], tables["milestones"], tables["rulings"], sources, "month", "es"),
        "encounters_fiscal_year": charts.encounters(tables["series"], tables["milestones"], tables["rulings"], sources, "fiscal_year", "es"),
        "gang_links": charts.gang_links_in_context(figures, sources, "es"),
    }


TITLES = {
    "membership": "¿Cuántos miembros tiene el Tren de Aragua?",
    "profits": "¿Cuánto gana al año?",
    "population": "¿Cuántos venezolanos viven en EE. UU.?",
    "encounters_month": "¿Con cuántos venezolanos se encontraron los agentes fronterizos de EE. UU.?",
    "encounters_fiscal_year": "¿Con cuántos venezolanos se encontraron los agentes fronterizos de EE. UU.?",
    "gang_links": "¿Cuántos migrantes podrían tener vínculos con la banda, según el DHS?",
}


@pytest.mark.parametrize("name", list(TITLES))
def test_every_chart_in_spanish_has_spanish_title_source_as_of_and_separators(tables, name):
    figure = spanish_charts(tables)[name]
    assert plain(figure.layout.title.text) == TITLES[name]
    assert plain(figure.layout.title.subtitle.text)
    [source] = annotations(figure, "source")
    [as_of] = annotations(figure, "as_of")
    assert re.match(r"Fuentes?: ", source), source
    assert as_of.startswith("Datos"), as_of
    assert figure.layout.separators == ",."
    assert charts.describe(figure).startswith(TITLES[name])  # the alt text is the Spanish title and subtitle
    for line in annotations(figure, "note") + annotations(figure, "definition") + [as_of]:
        assert not ENGLISH_NUMBER.search(line), line


def test_axis_titles_and_legends_are_spanish(tables):
    drawn = spanish_charts(tables)
    assert drawn["membership"].layout.xaxis.title.text == "miembros"
    assert drawn["profits"].layout.xaxis.title.text == "dólares estadounidenses al año"
    assert plain(drawn["gang_links"].layout.xaxis.title.text) == "de cada 10.000 inmigrantes venezolanos en EE. UU."
    legend = [plain(trace.name) for trace in drawn["population"].data]
    assert any(name.endswith(": nacidos en el extranjero") for name in legend)
    assert any("origen venezolano" in name for name in legend)
    ticks = [plain(tick) for tick in drawn["encounters_fiscal_year"].layout.xaxis.ticktext]
    assert ticks and all(tick.startswith("AF ") for tick in ticks)
    assert annotations(drawn["encounters_fiscal_year"], "partial_mark") == ["incompleto*"]
    assert annotations(drawn["encounters_month"], "definition")[0].startswith("Los encuentros cuentan eventos, no personas")


def test_spanish_hover_and_value_labels_write_numbers_the_spanish_way(tables):
    drawn = spanish_charts(tables)
    hovers = [plain(text) for trace in drawn["membership"].data for text in trace.hovertext]
    assert any("5.000 miembros" in text for text in hovers)
    assert all("Datos al" in text and "Fuente:" in text and "Según" in text for text in hovers)
    assert "más de 5.000" in annotations(drawn["membership"], "value_label")
    assert annotations(drawn["profits"], "value_label") == ["entre 10 y 15 millones de dólares"]
    monthly = [plain(text) for trace in drawn["encounters_month"].data for text in trace.hovertext]
    assert any(re.search(r"de \d{4}: \d{1,3}(\.\d{3})* encuentros", text) for text in monthly)
    assert not any(ENGLISH_NUMBER.search(text) for text in monthly)
    gang = annotations(drawn["gang_links"], "value_label")
    assert gang and all("de cada 10.000" in label for label in gang)


def test_derived_and_low_confidence_marks_are_spanish(tables):
    figures = tables["figures"]
    membership = charts.membership_rows(figures)
    labels_drawn = annotations(charts.membership_estimates(figures, tables["sources"], "es"), "estimate_label")
    for label, (_, row) in zip(labels_drawn, membership.iterrows()):
        assert ("derivado" in label) == bool(row["computed"])
        assert ("confianza baja" in label) == (row["confidence"] == "low")
    table = charts.figure_table(membership, "es")
    for reads_as, computed in zip(table["se lee"], table["derivado (aritmética)"]):
        assert reads_as.endswith("(derivado)") == computed


@pytest.mark.parametrize(
    "row, expected",
    [
        ({"value": 5000.0, "low": None, "high": None, "unit": "members"}, "5.000"),
        ({"value": 600.0, "low": 600.0, "high": None, "unit": "people"}, "más de 600"),
        ({"value": None, "low": 10_000_000.0, "high": 15_000_000.0, "unit": "USD per year"}, "entre 10 y 15 millones de dólares"),
        ({"value": 5_000_000.0, "low": None, "high": 5_000_000.0, "unit": "USD"}, "hasta 5 millones de dólares"),
        ({"value": 15.0, "low": 15.0, "high": 23.0, "unit": "US states"}, "15 (entre 15 y 23)"),
    ],
)
def test_figure_values_read_in_spanish(row, expected):
    assert transforms.figure_value_label(pd.Series(row), lang="es") == expected


def test_the_derived_mark_dates_and_units_in_spanish():
    derived = pd.Series({"value": 2500.0, "low": None, "high": None, "unit": "members", "computed": True})
    assert transforms.figure_value_label(derived, marked=True, lang="es") == "2.500 (derivado)"
    assert transforms.figure_value_label(derived, marked=True) == "2,500 (derived)"
    assert transforms.date_label(pd.Timestamp("2024-10-23"), "day", "es") == "23 de octubre de 2024"
    assert transforms.date_label(pd.Timestamp("2024-10-01"), "month", "es") == "octubre de 2024"
    assert transforms.date_label(None, None, "es") == "sin fecha"
    assert charts.short_date(pd.Timestamp("2024-10-01"), "month", "es") == "oct 2024"
    assert charts.with_unit("más de 600", "people", "es") == "más de 600 personas"
    assert charts.with_unit("entre 10 y 15 millones de dólares", "USD per year", "es") == "entre 10 y 15 millones de dólares al año"
    assert charts.unit_label("encounters", "es") == "encuentros"


def figure(figure_id, value, estimator, computed=False, low=None, confidence="high"):
    return {"figure_id": figure_id, "metric": "membership", "value": value, "low": low, "high": None, "estimator": estimator,
            "computed": computed, "confidence": confidence, "as_of": pd.Timestamp("2024-01-01"), "source_id": "s"}


def test_the_membership_card_in_spanish():
    figures = pd.DataFrame([
        figure("a", 5000.0, "Rísquez"), figure("b", 2500.0, "Others", computed=True), figure("c", 2700.0, "Voz", confidence="low"),
    ])
    card = headlines.membership_card(figures, "es")
    assert card.heading == "Miembros, según las estimaciones"
    assert card.value == "de 2.500 (derivado) a 5.000"
    assert "2 cifras de 2 autores de las estimaciones" in card.detail
    assert "el extremo marcado (derivado)" in card.detail
    assert "1 cifra de confianza baja no incluida" in card.detail


def test_every_headline_card_in_spanish(tables):
    cards = headlines.headline_cards(tables["figures"], tables["series"], tables["rulings"], tables["sources"], lang="es")
    headings = [card.heading for card in cards]
    assert "Fallos judiciales registrados" in headings
    assert any(heading.startswith("Encuentros de venezolanos en la frontera, AF") for heading in headings)
    assert any("Ley de Enemigos Extranjeros" in heading for heading in headings)
    encounters = next(card for card in cards if card.heading.startswith("Encuentros"))
    assert SPANISH_NUMBER.fullmatch(encounters.value), encounters.value
    assert "eventos, no personas" in encounters.detail and "de 2025" in encounters.detail
    rulings = next(card for card in cards if card.page == "rulings" and not card.source_ids)
    assert "presuntos miembros del Tren de Aragua" in rulings.detail and "en contra del Gobierno" in rulings.detail
    assert rulings.confidence_note.startswith("La confianza varía según el fallo: ")
    for card in cards:
        assert not ENGLISH_NUMBER.search(card.value + card.detail), card


def test_tables_under_the_charts_have_spanish_headers_and_values(tables):
    figures, sources = tables["figures"], tables["sources"]
    table = charts.figure_table(charts.membership_rows(figures), "es")
    assert {"autor de la estimación", "se lee", "fecha de los datos", "confianza", "notas", "id de la cifra"} <= set(table.columns)
    assert "miembros" in set(table["unidad"])
    other = charts.other_figures_table(figures, sources, "es")
    assert {"qué", "valor", "enlace a la fuente", "cita"} <= set(other.columns)
    encounters = charts.encounter_table(charts.encounter_rows(tables["series"], "fiscal_year"), "es")
    assert all(period.startswith("AF") for period in encounters["período"])
    notes = charts.table_notes(encounters, "period", "es")
    assert len(notes) == tables["series"].loc[tables["series"]["series_id"].isin(charts.ENCOUNTER_SERIES) & (tables["series"]["period_kind"] == "fiscal_year"), "notes"].replace("", pd.NA).dropna().nunique()
    dates = charts.dates_table(charts.marked_dates(tables["series"], tables["milestones"], tables["rulings"], "month", "es"), "es")
    assert {"número", "fecha", "qué"} <= set(dates.columns)
    assert "Corte Suprema" in set(dates["qué"])


def test_a_translation_never_changes_what_the_charts_compare(tables):
    figures = tables["figures"]
    marked = localize(figures, "figures", "es")  # no translations: every estimator and geography marked as English
    assert marked["estimator"].str.endswith("(en inglés)").all()
    english_ids = charts.gang_link_table(figures)["figure_id"].tolist()
    assert charts.gang_link_table(marked, figures)["figure_id"].tolist() == english_ids
    population = charts.population_rows(marked, "es", figures)
    assert sorted(population["figure_id"]) == sorted(charts.population_rows(figures)["figure_id"])
    assert population["series"].nunique() == charts.population_rows(figures)["series"].nunique()
    assert charts.drawn_figure_ids(marked, figures) == charts.drawn_figure_ids(figures)


def test_chart_config_in_spanish_translates_plotly_and_keeps_ascii_file_names():
    config = charts.chart_config("tren-de-aragua-membership-estimates", "png", "es")
    assert config["toImageButtonOptions"]["filename"] == "tren-de-aragua-membership-estimates"
    assert config["locale"] == "es"
    locale = config["locales"]["es"]
    assert locale["dictionary"]["Zoom in"] == "Acercar"
    assert locale["format"]["months"][0] == "enero" and locale["format"]["shortDays"][0].lower().startswith("dom")
    assert "locale" not in charts.chart_config("tren-de-aragua-membership-estimates", "png")


def texts(at) -> list[str]:
    found = [str(element.value) for kind in ("title", "header", "subheader", "markdown", "caption") for element in getattr(at, kind)]
    return found + [str(expander.label) for expander in at.expander]


def test_the_figures_page_in_spanish_keeps_lang_and_filters_across_a_switch():
    at = open_page("app_pages/figures.py", {"lang": "es"})
    assert not at.exception, at.exception
    assert at.title[0].value == "Cifras"
    headers = [header.value for header in at.header]
    assert "¿Qué tan grande es el Tren de Aragua?" in headers and "Otras cifras" in headers
    assert at.segmented_control(key="figures_period").options == ["Por mes", "Por año fiscal"]
    spec_titles = [plain(json.loads(chart.proto.spec)["layout"]["title"]["text"]) for chart in at.get("plotly_chart")]
    assert "¿Cuántos miembros tiene el Tren de Aragua?" in spec_titles
    assert all(json.loads(chart.proto.spec)["layout"]["separators"] == ",." for chart in at.get("plotly_chart"))

    at.segmented_control(key="figures_period").set_value("fiscal_year").run()
    assert not at.exception
    assert at.query_params["lang"] == "es" and at.query_params["figures_period"] == "fiscal_year"
    assert any(period.startswith("AF") for frame in at.dataframe if "período" in frame.value.columns for period in frame.value["período"])

    at.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Figures"
    assert at.segmented_control(key="figures_period").value == "fiscal_year"
    assert at.query_params["figures_period"] == "fiscal_year"
    assert "lang" not in at.query_params or at.query_params["lang"] == "en"


def test_the_overview_page_in_spanish():
    at = open_page(None, {"lang": "es"})
    assert not at.exception, at.exception
    assert at.title[0].value == "Tren de Aragua: qué se sabe y qué tan seguros estamos"
    assert [subheader.value for subheader in at.subheader] == ["Qué cambió recientemente", "Explorar"]
    shown = texts(at)
    assert any("Miembros, según las estimaciones" in text for text in shown)
    assert any("Fallos judiciales registrados" in text for text in shown)
    assert any(SPANISH_NUMBER.search(text.replace("\\", "")) for text in shown)  # markdown escapes the dots: 1\.000
    prose = [re.sub(r"“[^”]*”", " ", text.replace("\\", "")) for text in shown if not text.lstrip().startswith(">")]  # quotes and titles stay as published
    assert not [text for text in prose if ENGLISH_NUMBER.search(text)]
    assert at.query_params["lang"] == "es"
