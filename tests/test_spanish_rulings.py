"""The Court rulings page and its timeline in Spanish: a timeline built with lang="es" is Spanish throughout
(title, lanes, legend, ticks, hover, notes, separators), the pure helpers write Spanish, and the page with
?lang=es keeps the language in the URL and the reader's filters and ruling across a switch back to English."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import labels, timeline
from components.i18n import formats
from components.safety import escape_markdown
from tests.helpers import open_page, read_rows, set_cell

PAGE = "app_pages/rulings.py"
ES_MONTHS = formats.month_names("es")


@pytest.fixture(scope="module")
def rulings(tables) -> pd.DataFrame:
    return tables["rulings"]


@pytest.fixture(scope="module")
def figure(tables, rulings):
    return timeline.rulings_timeline(rulings, tables["sources"], lang="es")


def traces(figure, role: str) -> list:
    return [trace for trace in figure.data if trace.meta == role]


def notes(figure) -> str:
    return " ".join(annotation.text for annotation in figure.layout.annotations if annotation.name == "note").replace("<br>", " ")


def plain(text: str) -> str:
    return html.unescape(text.replace("<br>", " "))


# The timeline figure


def test_the_spanish_timeline_has_a_spanish_title_and_subtitle(figure):
    assert plain(figure.layout.title.text) == "Fallos judiciales sobre deportaciones, por caso"
    assert plain(figure.layout.title.subtitle.text).startswith("Cada marca es una decisión")
    # Two even lines on a phone, not one long and one short.
    first, second = figure.layout.title.text.split("<br>")
    assert abs(len(first) - len(second)) <= 4


def test_the_spanish_timeline_marks_context_and_non_aea_lanes_in_spanish(figure, rulings):
    names = [plain(lane.name) for lane in traces(figure, "lane")]
    context = set(rulings.loc[~rulings["about_tda"].astype(bool), "case_group"])
    assert context, "the shipped data has related cases shown for context"
    for group in context:
        assert f"Contexto: {group}" in names
    assert not any("Context: " in name or "not an AEA case" in name for name in names)
    labels_drawn = [plain(annotation.text) for annotation in figure.layout.annotations if annotation.name == "lane_label"]
    assert labels_drawn == names
    # A case about Tren de Aragua that is not an AEA case says so in Spanish.
    changed = rulings.copy()
    group = changed.loc[changed["about_tda"].astype(bool), "case_group"].iloc[0]
    changed.loc[changed["case_group"] == group, "aea_case"] = False
    lanes = [plain(lane.name) for lane in traces(timeline.rulings_timeline(changed, lang="es"), "lane")]
    assert f"{group} (no es un caso de la AEA)" in lanes


def test_the_spanish_legend_names_outcomes_court_levels_and_the_argument_key(figure, rulings):
    key = [plain(trace.name) for trace in traces(figure, "key")]
    decisions = rulings[rulings["proceeding"].astype(str) == "decision"]
    outcomes = [labels.label("outcome", code, "es") for code in timeline.OUTCOMES if code in set(decisions["outcome"].astype(str))]
    levels = [labels.label("court_level", code, "es") for code in timeline.LEVELS if code in set(rulings["court_level"].astype(str))]
    low = ["Confianza baja (hueco)"] if (rulings["confidence"].astype(str) == "low").any() else []
    assert key == outcomes + levels + low + ["Audiencia, no es un fallo"]
    assert "Tribunal de distrito" in key and "Corte Suprema" in key
    # Every legend line fits a phone's legend column (the argument key goes on two lines).
    lines = [line for trace in traces(figure, "key") for line in trace.name.split("<br>")]
    assert max(len(html.unescape(line)) for line in lines) <= timeline.LEGEND_CHARS
    [argued] = [trace.name for trace in traces(figure, "key") if "Audiencia" in trace.name]
    assert argued == "Audiencia,<br>no es un fallo"


def test_the_legend_leaves_room_for_a_two_line_entry(tables, rulings):
    english = timeline.rulings_timeline(rulings, tables["sources"])
    spanish = timeline.rulings_timeline(rulings, tables["sources"], lang="es")
    english_notes = [a.yshift for a in english.layout.annotations if a.name == "note"]
    spanish_notes = [a.yshift for a in spanish.layout.annotations if a.name == "note"]
    # The first note sits one more legend line lower in Spanish (the two-line argument key), and the figure grows with it.
    assert english_notes[0] - spanish_notes[0] == timeline.LEGEND_LINE_PX
    assert spanish.layout.margin.b > english.layout.margin.b


def test_the_spanish_date_ticks_use_spanish_month_abbreviations(figure, rulings):
    texts = list(figure.layout.xaxis.ticktext)
    first = rulings.loc[rulings["date"].idxmin()]
    assert texts[0] == f"{first['date'].day} {ES_MONTHS[first['date'].month - 1]}<br>{first['date'].year}"
    for text in texts:
        month = text.split("<br>")[0].split()[-1]
        assert month in ES_MONTHS, text
    assert any(month in " ".join(texts) for month in ("ene", "sept", "ago", "dic", "abr"))
    assert not any(month in " ".join(texts) for month in ("Jan", "Sep", "Aug", "Dec", "Apr"))


def test_date_ticks_and_tick_labels_in_spanish():
    values, texts = timeline.date_ticks(pd.Timestamp("2025-03-01"), pd.Timestamp("2025-12-01"), "month", lang="es")
    assert values[0] == pd.Timestamp("2025-03-01") and texts[0] == "mar<br>2025"
    assert "sept<br>2025" in texts and "nov<br>2025" in texts
    assert timeline._tick_label(pd.Timestamp("2026-01-15"), "day", "es") == "15 ene<br>2026"
    assert timeline._tick_label(pd.Timestamp("2026-01-15"), "year", "es") == "2026"
    # English is as it was: three-letter month names.
    assert timeline.date_ticks(pd.Timestamp("2025-03-01"), pd.Timestamp("2025-12-01"), "month")[1][0] == "Mar<br>2025"
    assert timeline._tick_label(pd.Timestamp("2025-09-02"), "day") == "2 Sep<br>2025"


def test_the_spanish_source_and_as_of_lines_are_inside_the_chart(figure, rulings):
    text = notes(figure)
    count = rulings["source_id"].nunique()
    assert f"Fuentes: {count} fuentes (" in text
    assert "de prensa" in text and "Gráfico: Monitor del Tren de Aragua" in text
    assert "Contexto: un caso relacionado" in text
    latest = rulings.sort_values(["date", "ruling_id"]).iloc[-1]
    assert f"Datos a la fecha del último fallo: {formats.partial_date(latest['date'], latest['date_precision'], 'es')}" in text
    assert "Sources" not in text and "Data as of" not in text and "Chart:" not in text


def test_the_spanish_timeline_uses_spanish_number_separators(figure, tables, rulings):
    assert figure.layout.separators == ",."
    assert timeline.rulings_timeline(rulings, tables["sources"]).layout.separators == ".,"


def test_the_spanish_hover_text_is_spanish_and_names_stay_as_written(figure, rulings):
    hovers = [text for trace in traces(figure, "rulings") for text in trace.hovertext]
    assert all("Juez(a): " in text and "; a favor de: " in text for text in hovers)
    assert not any("Judge:" in text or "favoured:" in text for text in hovers)
    ruling = rulings[rulings["proceeding"].astype(str) == "decision"].iloc[0]
    hover = timeline.hover_text(ruling, lang="es")
    assert html.escape(formats.partial_date(ruling["date"], ruling["date_precision"], "es"), quote=False) in hover
    assert html.escape(labels.label("court_level", ruling["court_level"], "es"), quote=False) in hover
    assert html.escape(ruling["case_name"].split()[0], quote=False) in hover  # case names are not translated
    [argued] = traces(figure, "arguments")
    assert set(argued.text) == {"audiencia"}
    assert all("Argumentos orales (una audiencia, no un fallo)" in text for text in argued.hovertext)


def test_a_low_confidence_ruling_is_flagged_in_spanish(rulings):
    ruling = rulings.iloc[0].copy()
    ruling["confidence"] = "low"
    assert html.escape(labels.label("confidence", "low", "es"), quote=False) in timeline.hover_text(ruling, lang="es")


def test_an_empty_spanish_timeline_says_so_in_spanish(rulings):
    figure = timeline.rulings_timeline(rulings.iloc[0:0], lang="es")
    texts = " ".join(annotation.text for annotation in figure.layout.annotations)
    assert "Ningún fallo coincide con los filtros elegidos." in texts
    assert "Fuente: ninguna (no se muestra ningún fallo)" in texts
    assert "Datos a la fecha del último fallo: ningún fallo" in texts.replace("<br>", " ")
    assert timeline.alt_text(figure, rulings.iloc[0:0], lang="es").endswith("Ningún fallo coincide con los filtros elegidos.")


def test_the_alt_text_is_spanish(figure, rulings):
    alt = timeline.alt_text(figure, rulings, lang="es")
    cases = rulings["case_group"].nunique()
    first, last = rulings.loc[rulings["date"].idxmin()], rulings.loc[rulings["date"].idxmax()]
    assert alt.startswith("Fallos judiciales sobre deportaciones, por caso. Cada marca es una decisión")
    assert alt.endswith(
        f"{cases} casos mostrados, del {formats.partial_date(first['date'], first['date_precision'], 'es')} "
        f"al {formats.partial_date(last['date'], last['date_precision'], 'es')}."
    )
    assert "<br>" not in alt


# Pure helpers


def test_source_line_counts_in_spanish_with_spanish_numbers_and_plurals():
    many = pd.DataFrame({"source_id": [f"s{index}" for index in range(1500)]})
    sources = pd.DataFrame({"source_id": [f"s{index}" for index in range(1500)], "kind": ["news"] * 1499 + ["court"]})
    line = timeline.source_line(many, sources, lang="es")
    assert line.startswith("Fuentes: 1.500 fuentes (1.499 de prensa, 1 judicial), citadas fallo por fallo")
    one = timeline.source_line(many.iloc[:1], sources, lang="es")
    assert one.startswith("Fuente: 1 fuente (1 de prensa), citada")
    assert timeline.source_line(many.iloc[0:0], sources, lang="es") == "Fuente: ninguna (no se muestra ningún fallo)"
    # English as before.
    assert timeline.source_line(many, sources).startswith("Sources: 1,500 sources (1,499 news, 1 court), cited ruling by ruling")


def test_case_labels_in_spanish():
    assert timeline.case_label("J.G.G. v. Trump", True, True, lang="es") == "J.G.G. v. Trump"
    assert timeline.case_label("D.V.D. v. DHS", False, False, lang="es") == "Contexto: D.V.D. v. DHS"
    assert timeline.case_label("Soliman", False, True, lang="es") == "Soliman (no es un caso de la AEA)"
    assert timeline.case_label("Soliman", False, True) == f"Soliman {timeline.NOT_AEA}"


def test_ruling_details_are_in_spanish(rulings):
    ruling = rulings[rulings["docket"].isna()].iloc[0]
    details = dict(timeline.ruling_details(ruling, lang="es"))
    for name in ("Fecha", "Caso", "Procedimiento", "Nombre del caso en este fallo", "Tribunal", "Juez(a)", "Expediente", "Qué se decidió", "Resultado", "A quién favoreció", "Confianza"):
        assert name in details
    assert details["Expediente"] == "no registrado"
    assert details["Fecha"] == formats.partial_date(ruling["date"], ruling["date_precision"], "es")
    assert details["Resultado"] == labels.label("outcome", ruling["outcome"], "es")
    assert details["Juez(a)"] == ruling["judge"]  # names are not translated
    argued = rulings[rulings["proceeding"].astype(str) == "oral_argument"].iloc[0]
    assert dict(timeline.ruling_details(argued, lang="es"))["Procedimiento"] == "Argumentos orales (una audiencia, no un fallo)"
    noted = rulings[rulings["notes"].notna()].iloc[0]
    assert "Notas" in dict(timeline.ruling_details(noted, lang="es"))


def test_the_rulings_table_has_spanish_headers_and_words(tables, rulings):
    table = timeline.rulings_table(rulings, tables["sources"], lang="es")
    headers = timeline.table_headers("es")
    assert list(table.columns) == [headers[column] for column in timeline.TABLE_COLUMNS]
    assert {"Fecha", "Caso", "Expediente", "Juez(a)", "Documento judicial", "Enlace a la fuente", "Id. del fallo"} <= set(table.columns)
    assert table["Id. del fallo"].tolist() == rulings["ruling_id"].tolist()
    missing = rulings["docket"].isna().to_numpy()
    assert (table.loc[missing, "Expediente"] == "no registrado").all()
    assert set(table["Nivel del tribunal"]) <= {labels.label("court_level", level, "es") for level in timeline.LEVELS}
    assert "Argumentos orales (una audiencia, no un fallo)" in set(table["Procedimiento"])
    assert list(timeline.rulings_table(rulings, tables["sources"]).columns) == list(timeline.TABLE_COLUMNS)


def test_the_picker_searches_spanish_words_and_keeps_names(rulings):
    choices = timeline.ruling_picker_choices(rulings, lang="es")
    assert list(choices) == list(timeline.ruling_picker_choices(rulings))
    argued = rulings[rulings["proceeding"].astype(str) == "oral_argument"].iloc[0]
    assert "argumentos orales, no es un fallo" in choices[argued["ruling_id"]]
    undocketed = rulings[rulings["docket"].isna()].iloc[0]
    assert "expediente no registrado" in choices[undocketed["ruling_id"]]
    for _, ruling in rulings.iterrows():
        label = choices[ruling["ruling_id"]]
        assert label.startswith(formats.partial_date(ruling["date"], ruling["date_precision"], "es"))
        assert ruling["case_name"] in label and ruling["judge"] in label


def test_ruling_choices_and_as_of_in_spanish(rulings):
    latest = rulings.sort_values(["date", "ruling_id"], ascending=[False, True]).iloc[0]
    label = timeline.ruling_choices(rulings, lang="es")[latest["ruling_id"]]
    assert label == (
        f"{formats.partial_date(latest['date'], latest['date_precision'], 'es')} · {latest['case_name']} "
        f"({labels.label('court_level', latest['court_level'], 'es')})"
    )
    assert timeline.as_of_label(rulings, lang="es") == formats.partial_date(latest["date"], latest["date_precision"], "es")
    assert timeline.as_of_label(rulings.iloc[0:0], lang="es") == "ningún fallo"
    assert re.search(r"\d+ de [a-z]+ de \d{4}", timeline.as_of_label(rulings, lang="es"))


def test_related_events_carry_spanish_dates_and_allegation_wording(tables, rulings):
    ruling = rulings[rulings["related_event_ids"].notna()].iloc[0]
    related = timeline.related_events(ruling, tables["events"], lang="es")
    events = tables["events"].set_index("event_id").loc[ruling["related_event_ids"].split(";")]
    assert related["status"].tolist() == [labels.label("event_status", status, "es") for status in events["status"]]
    assert related["date"].tolist() == [formats.partial_date(day, precision, "es") for day, precision in zip(events["date"], events["date_precision"])]
    alleged = pd.Series({"related_event_ids": "e1"})
    one = pd.DataFrame({"event_id": ["e1"], "title": ["t"], "date": [pd.Timestamp("2025-03-15")], "date_precision": ["day"], "status": ["alleged"]})
    assert timeline.related_events(alleged, one, lang="es")["status"].tolist() == ["Presunto"]


# The page with ?lang=es


def open_spanish(query: dict | None = None) -> AppTest:
    return open_page(PAGE, {"lang": "es", **(query or {})})


def spec(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def markdown_text(at: AppTest) -> str:
    return "\n".join(element.value for element in at.markdown)


def lang_in_url(at: AppTest) -> str | None:
    value = at.query_params.get("lang")
    return value[0] if isinstance(value, list) else value


def test_the_page_in_spanish_renders_spanish_headings_and_labels(rulings):
    at = open_spanish()
    assert not at.exception
    assert [title.value for title in at.title] == ["Fallos judiciales"]
    assert at.markdown[0].value.startswith("Lo que han decidido los tribunales") or "Lo que han decidido los tribunales" in markdown_text(at)
    assert [subheader.value for subheader in at.subheader] == ["Un fallo en detalle"]
    assert at.multiselect(key="rulings_case").label == "Caso" and at.multiselect(key="rulings_level").label == "Nivel del tribunal"
    assert at.multiselect(key="rulings_case").placeholder == "Todos"
    assert set(at.multiselect(key="rulings_level").options) == {labels.label("court_level", level, "es") for level in set(rulings["court_level"].astype(str))}
    assert [expander.label for expander in at.expander][:2] == ["Fuentes de los fallos mostrados", "Tabla de los fallos mostrados"]
    picker = at.selectbox(key="rulings_ruling")
    assert picker.label == "Fallo (escriba un caso, juez, tribunal o expediente para buscar)"
    assert all(re.match(r"\d{1,2} de [a-z]+ de \d{4} · ", option) for option in picker.options)
    assert {"Fecha", "Expediente", "Documento judicial"} <= set(at.dataframe[0].value.columns)
    text = markdown_text(at)
    for fact in ("Fecha", "Caso", "Tribunal", "Juez(a)", "Expediente", "Resultado", "A quién favoreció"):
        assert f"**{escape_markdown(fact)}:**" in text
    figure = spec(at)
    assert plain(figure["layout"]["title"]["text"]) == "Fallos judiciales sobre deportaciones, por caso"
    assert figure["layout"]["separators"] == ",."
    assert lang_in_url(at) == "es"


def test_the_latest_ruling_in_spanish_shows_its_court_document_or_says_it_is_not_recorded(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    _, rows = read_rows(data_copy / "rulings.csv")
    url = "https://www.supremecourt.gov/opinions/24pdf/24a931_2c83.pdf"
    set_cell(data_copy / "rulings.csv", 0, "court_url", url)
    set_cell(data_copy / "rulings.csv", 1, "court_url", "")
    at = open_spanish({"rulings_ruling": rows[0]["ruling_id"]})
    assert not at.exception
    [button] = at.get("link_button")
    assert button.proto.url == url and button.proto.label == "Documento judicial"
    at = open_spanish({"rulings_ruling": rows[1]["ruling_id"]})
    assert "Documento judicial: no registrado." in [caption.value for caption in at.caption]


def test_an_oral_argument_and_related_events_read_in_spanish(tables, rulings):
    argued = rulings[rulings["proceeding"].astype(str) == "oral_argument"].iloc[0]
    at = open_spanish({"rulings_ruling": argued["ruling_id"]})
    assert escape_markdown("Argumentos orales (una audiencia, no un fallo)") in markdown_text(at)
    ruling = rulings[rulings["related_event_ids"].notna()].iloc[0]
    at = open_spanish({"rulings_ruling": ruling["ruling_id"]})
    text = markdown_text(at)
    assert "**Eventos relacionados**" in text
    events = tables["events"].set_index("event_id")
    for event_id in ruling["related_event_ids"].split(";"):
        event = events.loc[event_id]
        assert escape_markdown(labels.label("event_status", event["status"], "es")) in text
        assert escape_markdown(formats.partial_date(event["date"], event["date_precision"], "es")) in text
    unrelated = rulings[rulings["related_event_ids"].isna()].iloc[0]
    at = open_spanish({"rulings_ruling": unrelated["ruling_id"]})
    assert "Ningún evento del mapa está vinculado a este fallo." in [caption.value for caption in at.caption]


def test_no_matching_rulings_says_so_in_spanish(rulings):
    counts = rulings.groupby(["case_group", rulings["court_level"].astype(str)]).size()
    case, level = next((case, level) for case in counts.index.levels[0] for level in counts.index.levels[1] if (case, level) not in counts.index)
    at = open_spanish({"rulings_case": [case], "rulings_level": [level]})
    assert not at.exception
    assert any(notice.value == "Ningún fallo coincide con los filtros elegidos." for notice in at.info)
    assert any("Ningún fallo coincide" in annotation["text"] for annotation in spec(at)["layout"]["annotations"])


def test_a_filter_change_keeps_spanish_and_switching_back_keeps_filters_and_ruling(rulings):
    at = open_spanish()
    level = "district"
    at.multiselect(key="rulings_level").set_value([level]).run()
    assert not at.exception
    assert lang_in_url(at) == "es" and at.query_params["rulings_level"] == level
    district = rulings[rulings["court_level"].astype(str) == level].sort_values(["date", "ruling_id"])
    case = district["case_group"].iloc[0]
    at.multiselect(key="rulings_case").set_value([case]).run()
    chosen = district.loc[district["case_group"] == case, "ruling_id"].iloc[0]
    at.selectbox(key="rulings_ruling").select(chosen).run()
    assert lang_in_url(at) == "es" and at.query_params["rulings_ruling"] == chosen
    assert [title.value for title in at.title] == ["Fallos judiciales"]

    at.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    assert [title.value for title in at.title] == ["Court rulings"]
    assert at.multiselect(key="rulings_level").value == [level]
    assert at.multiselect(key="rulings_case").value == [case]
    assert at.selectbox(key="rulings_ruling").value == chosen
    assert at.query_params["rulings_level"] == level and at.query_params["rulings_case"] == case
    assert at.query_params["rulings_ruling"] == chosen
    assert "lang" not in at.query_params
    assert at.multiselect(key="rulings_level").label == "Court level"
    assert plain(spec(at)["layout"]["title"]["text"]) == timeline.TITLE
    assert "**Date:**" in markdown_text(at)
