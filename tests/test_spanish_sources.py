"""The readers' pieces in Spanish: citations, the freshness line, the source list, the CSV downloads' headers,
the data dictionary, quotes with the tracker's translation beside them, notices, and the Sources and Overview
pages with ?lang=es (the language switch keeps the page; an unknown language falls back with a notice)."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import charts, datadocs, downloads, transforms
from components.datasets import _readme_sections
from components.i18n import formats
from components.safety import quote_markdown
from components.schemas import TABLES
from tests.conftest import ROOT
from tests.helpers import APP, open_page, set_cell

SOURCES = "app_pages/sources.py"


def source(**fields) -> pd.Series:
    row = {
        "source_id": "s", "publisher": "El Pitazo", "title": "Report on an arrest", "title_kind": "description", "url": "https://example.org/a",
        "published": pd.Timestamp("2024-10-23"), "published_precision": "day", "kind": "news", "language": "es", "access": "copy",
        "via": "A mirror", "via_url": "https://mirror.example.org/a", "notes": None,
    }  # fmt: skip
    row.update(fields)
    return pd.Series(row)


# Citations, the freshness line and the source list


def test_a_citation_in_spanish_marks_our_description_and_writes_the_date_and_the_copy_in_spanish():
    text = transforms.citation(source(), lang="es")
    assert text == "El Pitazo, Report on an arrest (nuestra descripción), 23 de octubre de 2024, consultado en A mirror"
    unverified = transforms.citation(source(access="unverified_copy", published=pd.Timestamp("2024-10-01"), published_precision="month"), lang="es")
    assert unverified.endswith("octubre de 2024, consultado en A mirror, una copia sin verificar")
    headline = transforms.citation(source(title="Cae una banda", title_kind="headline", via=None), lang="es")
    assert headline == "El Pitazo, “Cae una banda”, 23 de octubre de 2024"  # a headline stays as published


def test_a_citation_in_english_is_unchanged():
    assert transforms.citation(source()) == "El Pitazo, Report on an arrest (our description), 23 October 2024, read via A mirror"


def _freshness_frames():
    changes = pd.DataFrame({"date": pd.to_datetime(["2026-11-02", "2026-11-21"])})
    events = pd.DataFrame({"date": pd.to_datetime(["2025-10-01", "2024-01-05"]), "date_precision": ["month", "day"]})
    rulings = pd.DataFrame({"date": pd.to_datetime(["2026-03-03", "2026-04-01"]), "date_precision": ["day", "day"], "proceeding": ["decision", "oral_argument"]})
    return changes, events, rulings


def test_the_freshness_line_in_spanish_writes_spanish_dates():
    assert transforms.freshness_line(*_freshness_frames(), lang="es") == (
        "Datos actualizados el 21 de noviembre de 2026; evento más reciente: octubre de 2025; fallo judicial más reciente: 3 de marzo de 2026."
    )
    assert transforms.freshness_line(*_freshness_frames()) == "Data last updated 21 November 2026; newest event October 2025; newest court ruling 3 March 2026."


def test_the_source_list_in_spanish_has_spanish_headers_and_words_and_titles_as_published(tables):
    sources = tables["sources"]
    english, spanish = transforms.sources_for_readers(sources), transforms.sources_for_readers(sources, lang="es")
    assert list(spanish.columns) == [
        "id de la fuente", "editor", "título", "fecha de publicación", "tipo", "idioma", "leída en", "original", "consultada en", "copia consultada", "notas",
    ]  # fmt: skip
    assert list(english.columns) == list(transforms.SOURCE_LIST_COLUMNS)
    assert list(spanish["id de la fuente"]) == list(english["source_id"]) and list(spanish["editor"]) == list(english["publisher"])
    described = sources["title_kind"] == "description"
    assert spanish.loc[described.to_numpy(), "título"].str.endswith("(nuestra descripción)").all()
    assert (spanish.loc[~described.to_numpy(), "título"] == english.loc[~described.to_numpy(), "title"]).all()  # headlines as published
    dated = sources["published"].notna().to_numpy()
    expected = [formats.partial_date(start, precision, "es") for start, precision in zip(sources["published"][dated], sources["published_precision"][dated])]
    assert list(spanish.loc[dated, "fecha de publicación"]) == expected
    assert set(spanish["leída en"]) <= {"el original", "una copia que nombra al original", "una copia sin verificar"}
    assert set(spanish["idioma"]) <= {"inglés", "español", "portugués"} and "noticia" in set(spanish["tipo"])
    assert list(spanish["original"]) == list(english["original"])  # links unchanged


# The CSV downloads


def _downloads(tables, lang):
    figures, sources, series = tables["figures"], tables["sources"], tables["series"]
    dates = charts.marked_dates(series, tables["milestones"], tables["rulings"], "month")
    return {
        "membership": downloads.figures(charts.membership_rows(figures), sources, lang),
        "encounters": downloads.series(charts.encounter_rows(series, "fiscal_year"), sources, lang),
        "dates": downloads.marked_dates(dates, sources, lang),
        "rulings": downloads.rulings(tables["rulings"], sources, lang),
        "events": downloads.events(tables["events"], sources, lang),
        "sources": downloads.sources_list(sources, lang),
    }


SAME_IN_BOTH = {"lat", "lon", "url", "geonameid"}  # words that read the same in Spanish


def test_download_headers_are_spanish_and_the_machine_values_stay_as_they_are(tables):
    english, spanish = _downloads(tables, "en"), _downloads(tables, "es")
    headers = downloads.csv_headers("es")
    for name, frame in spanish.items():
        original = english[name]
        assert list(frame.columns) == [headers[column] for column in original.columns], name
        assert not [column for column in original.columns if column not in SAME_IN_BOTH and headers[column] == column], name
        for column in original.columns:
            if column in ("licence", "value_label"):
                continue
            assert original[column].tolist() == frame[headers[column]].tolist(), (name, column)  # ISO dates, numbers, codes
        assert set(frame["licencia"]) == {"CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); las citas siguen siendo de sus editores (extractos breves)"}
    assert {"fecha", "fecha_precisión", "cita", "fuente_editor", "fuente_url"} <= set(spanish["events"].columns)
    labels = set(spanish["membership"]["valor_mostrado"])
    assert "2.500 (derivado)" in labels and "5.000" in labels
    assert set(english["membership"]["value_label"]) >= {"2,500 (derived)", "5,000"}


def test_a_download_carries_the_trackers_translation_beside_the_verbatim_quote(tables):
    events = tables["events"].head(2).assign(quote_translation=["Una traducción", None])
    frame = downloads.events(events, tables["sources"], "es")
    assert list(frame["cita"]) == list(events["quote"])
    assert list(frame["traducción_de_la_cita"]) == ["Una traducción", ""]
    assert list(frame.columns).index("traducción_de_la_cita") == list(frame.columns).index("cita") + 1


# The data dictionary


def test_every_column_of_every_table_has_a_current_spanish_description():
    stale = [
        f"{table.name}.{name}"
        for table in TABLES.values()
        for name, spec in table.schema.columns.items()
        if datadocs.FIELD_DESCRIPTIONS.get(f"{table.name}.{name}") != (spec.description or "")
    ]
    assert stale == [], "copy these descriptions from components/schemas.py into datadocs.FIELD_DESCRIPTIONS (and translate them):\n" + "\n".join(stale)
    assert [name for name, table in TABLES.items() if datadocs.ROW_IS.get(name) != table.row_is] == []


def test_the_data_dictionary_in_spanish():
    table = TABLES["events"]
    text = datadocs.dictionary_markdown(table, "es")
    assert text.startswith("| columna | tipo | descripción | reglas |")
    assert "`event_id` | texto | Identificador (los fallos lo enlazan) | obligatorio; único; patrón `" in text
    assert "fecha parcial" in text and "caracteres como máximo" in text and "debe estar entre -90 y 90" in text
    assert "cada uno debe ser un `source_id` de `sources.csv`" in text
    assert "(en inglés)" not in text
    assert datadocs.dictionary_heading(table, "es") == "events.csv: cada fila es un evento fechado y ubicado"
    # English stays exactly as the codebook writes it.
    english = datadocs.dictionary_markdown(table)
    codebook = datadocs.codebook().split("\n")
    assert english.startswith("| column | type | description | rules |") and all(line in codebook for line in english.split("\n")[2:])


def test_a_description_without_a_current_translation_is_shown_in_english_marked(monkeypatch):
    table = TABLES["events"]
    monkeypatch.setitem(datadocs.FIELD_DESCRIPTIONS, "events.summary", "An older wording")
    assert datadocs.description(table, "summary", "es") == table.schema.columns["summary"].description + " (en inglés)"
    assert datadocs.description(table, "summary") == table.schema.columns["summary"].description


def _bullets_codes_numbers(text: str):
    flat = re.sub(r"(?<=\d)[.,](?=\d{3}\b)", "", text)  # 313,500 and 313.500 are the same number
    return (
        len(re.findall(r"^- ", text, re.M)),
        len(re.findall(r"^\*\*", text, re.M)),
        Counter(re.findall(r"`[^`]+`", text)),
        Counter(re.findall(r"\d+", flat)),
        set(re.findall(r"https?://[^\s)]+", text)),
    )


def test_the_spanish_method_and_rules_say_what_the_english_says():
    english = _readme_sections((ROOT / "data" / "README.md").read_text(encoding="utf-8"))
    spanish = datadocs.translated_notes("es")
    assert set(spanish) == set(datadocs.NOTE_HEADINGS)
    for heading in datadocs.NOTE_HEADINGS:
        assert _bullets_codes_numbers(spanish[heading]) == _bullets_codes_numbers(english[heading]), heading
    assert datadocs.translated_notes("en") == {}


# Quotes and notices


def test_a_quote_shows_the_trackers_translation_beside_it_labelled_and_escaped():
    text = quote_markdown("Cayó *la* banda", translation="The [gang] fell", quote_language="es", lang="en")
    assert text.startswith("> Cayó \\*la\\* banda")
    assert "**Translation by the tracker:** The \\[gang\\] fell" in text
    spanish = quote_markdown("The gang fell", translation="Cayó la banda", quote_language="en", lang="es")
    assert spanish.startswith("> The gang fell") and "**Traducción del Monitor:** Cayó la banda" in spanish


def test_a_quote_in_another_language_without_a_translation_says_so():
    assert "Cita en inglés; aún sin traducción" in quote_markdown("The gang fell", quote_language="en", lang="es")
    assert "Quote in Spanish; not translated yet" in quote_markdown("Cayó la banda", translation=float("nan"), quote_language="es", lang="en")
    assert quote_markdown("Cayó la banda", quote_language="es", lang="es") == "> Cayó la banda"
    assert quote_markdown("Cayó la banda") == "> Cayó la banda"


def _quote_app():
    import pandas as pd

    from components import widgets

    widgets.row_quote_block(pd.Series({"quote": "The gang *fell*", "quote_translation": "La banda cayó", "quote_language": "en", "source_id": "s"}))
    widgets.row_quote_block(pd.Series({"quote": "Another quote", "quote_translation": None, "source_id": "s"}), pd.DataFrame({"source_id": ["s"], "language": ["en"]}))
    widgets.multiselect_filter("Tipo", ["a", "b"], key="kind")
    widgets.single_choice_filter("Evento", {"x": "X"}, key="event")


def test_quote_block_in_spanish_shows_the_quote_then_the_trackers_translation():
    at = AppTest.from_function(_quote_app)
    at.session_state["lang"] = "es"
    at.run()
    assert not at.exception
    first, second = (block.value for block in at.markdown[:2])
    assert first.startswith("> The gang \\*fell\\*") and "**Traducción del Monitor:** La banda cayó" in first
    assert second.startswith("> Another quote") and "Cita en inglés; aún sin traducción" in second
    assert at.multiselect(key="kind").placeholder == "Todos" and at.selectbox(key="event").placeholder == "Elija…"


def test_the_data_notice_is_in_spanish(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    good = (data_copy / "events.csv").read_text(encoding="utf-8")
    set_cell(data_copy / "events.csv", 0, "lat", "123.5")
    at = open_page(None, {"lang": "es"})
    assert not at.exception
    assert [notice.value for notice in [*at.info, *at.warning]] == [
        "Los datos se están actualizando y no se pueden mostrar en este momento. Vuelva a intentarlo más tarde."
    ]
    (data_copy / "events.csv").write_text(good, encoding="utf-8")
    assert not open_page(None).exception  # valid data, kept as the last good data
    set_cell(data_copy / "events.csv", 0, "lat", "123.5")
    at = open_page(None, {"lang": "es"})
    assert [notice.value for notice in [*at.info, *at.warning]] == ["Los datos se están actualizando. Está viendo la última versión verificada."]


# The pages


def test_the_sources_page_in_spanish():
    at = open_page(SOURCES, {"lang": "es"})
    assert not at.exception
    assert at.title[0].value == "Fuentes y método"
    assert [header.value for header in at.header] == [
        "Normas editoriales", "Método y advertencias", "Licencias", "Todas las fuentes", "Correcciones y cambios", "Diccionario de datos",
    ]  # fmt: skip
    text = "\n".join(block.value for block in at.markdown)
    assert "**Primero, el original.**" in text and "**Encuentros de la CBP (`series.csv`).**" in text
    assert "Creative Commons Atribución 4.0" in text and "| columna | tipo | descripción | reglas |" in text
    assert any(expander.label == "events.csv: cada fila es un evento fechado y ubicado" for expander in at.expander)
    listed, changes = at.dataframe[0].value, at.dataframe[1].value
    assert "id de la fuente" in listed.columns and list(changes.columns) == ["fecha", "archivo", "registro", "cambio", "qué cambió (en inglés)"]  # the editors' words stay English, said so
    assert set(changes["cambio"]) <= {"agregado", "corregido", "eliminado"}
    labels = {button.proto.label for button in at.get("download_button")}
    assert labels == {"Descargar todo el paquete de datos", "Descargar CSV"}
    assert at.query_params.get("lang") in ("es", ["es"])


def test_the_overview_in_spanish_shows_the_readers_pieces_in_spanish():
    at = open_page(None, {"lang": "es"})
    assert not at.exception
    assert any(caption.value.startswith("Datos actualizados el ") for caption in at.caption)
    links = {link.proto.label for link in at.get("page_link")}
    assert {"Mapa de eventos", "Fuentes y método"} <= links and "Map of events" not in links
    notes = [block.value for block in at.markdown if block.value.startswith(":small[")]
    assert notes and all(note.startswith((":small[Fuente: ", ":small[Fuentes: ")) for note in notes)
    assert list(at.dataframe[0].value.columns) == ["fecha", "archivo", "registro", "cambio", "qué cambió (en inglés)"]  # the editors' words stay English, said so


def test_an_unknown_language_shows_a_notice_and_the_page_in_english():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "xx"
    at.run()
    assert not at.exception
    assert any("lang=xx" in notice.value and "showing the default" in notice.value for notice in at.info)
    at.switch_page(SOURCES).run()
    assert not at.exception and "lang" not in at.query_params
    assert at.title[0].value == "Sources & method" and at.header[0].value == "Editorial rules"


def test_switching_from_spanish_to_english_keeps_the_page():
    at = open_page(SOURCES, {"lang": "es"})
    assert at.header[0].value == "Normas editoriales"
    at.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Sources & method" and at.header[0].value == "Editorial rules"
    assert "lang" not in at.query_params
    at.segmented_control(key="lang").set_value("es").run()
    assert at.title[0].value == "Fuentes y método" and at.query_params.get("lang") in ("es", ["es"])


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_sources_page_renders_in_both_languages_with_one_dictionary_per_table(lang):
    at = open_page(SOURCES, {"lang": lang})
    assert not at.exception
    assert len([expander for expander in at.expander if ".csv: " in expander.label]) == len(TABLES)
