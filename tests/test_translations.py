"""The data's own words in Spanish: data/translations.csv under the validator, localize(), and the loaders in both languages."""

import csv
import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from components import datasets, schemas, transforms
from components.i18n.data import QUOTE_LANGUAGE, QUOTE_TRANSLATION, english_marked, localize
from components.validation import load_package, stale_translations
from tests.conftest import ROOT
from tests.helpers import append_line, line_of, open_page, read_rows, set_cell, write_rows
from tests.test_datasets import touch_later

FIELDS = ["table", "row_id", "column", "lang", "text", "original"]


def csv_line(*values: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(values)
    return buffer.getvalue()


def cell(directory, table: str, row_id: str, column: str) -> str:
    key = schemas.TABLES[table].primary_key
    for row in read_rows(directory / f"{table}.csv")[1]:
        if schemas.ROW_ID_SEPARATOR.join(row[part] for part in key) == row_id:
            return row[column]
    raise KeyError(row_id)


def add_translation(directory, table, row_id, column, lang, text, original=None) -> int:
    """Append one translation (original defaults to the cell's current text); return its line."""
    if original is None:
        original = cell(directory, table, row_id, column)
    return append_line(directory / "translations.csv", csv_line(table, row_id, column, lang, text, original))


def errors_at(directory, line):
    return [(e.file, e.row, e.column, e.rule) for e in load_package(directory).errors if e.row == line]


def first_event(directory) -> dict:
    return read_rows(directory / "events.csv")[1][0]


# --------------------------------------------------------------------------------------------
# The shipped translations


def test_the_shipped_translations_are_valid_current_and_cover_the_tables():
    package = load_package(ROOT / "data")
    assert package.errors == [] and package.notices == []
    translations = package.tables["translations"]
    assert set(translations["table"]) >= {"events", "rulings", "milestones", "presence"}
    assert list(translations.columns) == FIELDS
    assert stale_translations(package.tables) == []


def test_every_source_records_its_language():
    sources = load_package(ROOT / "data").tables["sources"]
    assert sources["language"].notna().all()
    assert set(sources["language"]) <= {"en", "es", "pt"}


# --------------------------------------------------------------------------------------------
# The validator


def test_a_translation_of_a_missing_row_is_an_error_with_file_line_and_column(data_copy):
    line = add_translation(data_copy, "events", "no-such-event", "title", "es", "Un título", "A title")
    errors = [e for e in load_package(data_copy).errors if e.row == line]
    assert [(e.file, e.row, e.column, e.rule) for e in errors] == [("translations.csv", line, "row_id", "reference")]
    assert "no row of events.csv has event_id 'no-such-event'" in errors[0].message and errors[0].value == "no-such-event"


def test_a_series_row_is_named_by_series_id_and_period(data_copy):
    series = read_rows(data_copy / "series.csv")[1][0]
    header, rows = read_rows(data_copy / "translations.csv")  # the shipped translation of this cell makes way for the one added
    key = f"{series['series_id']}/{series['period']}"
    write_rows(data_copy / "translations.csv", header, [row for row in rows if (row["table"], row["row_id"], row["column"]) != ("series", key, "geography")])
    good = add_translation(data_copy, "series", f"{series['series_id']}/{series['period']}", "geography", "es", "En algún lugar")
    bad = add_translation(data_copy, "series", f"{series['series_id']}/FY1899", "geography", "es", "En algún lugar", series["geography"])
    assert errors_at(data_copy, good) == []
    assert errors_at(data_copy, bad) == [("translations.csv", bad, "row_id", "reference")]
    assert "series_id/period" in next(e.message for e in load_package(data_copy).errors if e.row == bad)


@pytest.mark.parametrize("column, says", [("colour", "events.csv has no column 'colour'"), ("place", "events.place is not translated")])
def test_an_unknown_or_untranslatable_column_is_an_error(data_copy, column, says):
    event = first_event(data_copy)
    original = event.get(column) or "Aurora"
    line = add_translation(data_copy, "events", event["event_id"], column, "es", "Texto", original)
    errors = [e for e in load_package(data_copy).errors if e.row == line]
    assert [(e.file, e.column, e.rule) for e in errors] == [("translations.csv", "column", "translatable_column")]
    assert says in errors[0].message and "title, summary" in errors[0].message


def test_an_unknown_table_or_language_is_an_error(data_copy):
    event = first_event(data_copy)
    table = add_translation(data_copy, "changes", "x", "description", "es", "Texto", "Text")
    lang = add_translation(data_copy, "events", event["event_id"], "title", "fr", "Titre", event["title"])
    assert ("translations.csv", table, "table", "allowed_values") in errors_at(data_copy, table)
    assert errors_at(data_copy, lang) == [("translations.csv", lang, "lang", "allowed_values")]


def test_a_duplicate_translation_is_an_error(data_copy):
    header, rows = read_rows(data_copy / "translations.csv")
    write_rows(data_copy / "translations.csv", header, rows + [dict(rows[0], text=rows[0]["text"] + " (bis)")])
    errors = load_package(data_copy).errors
    assert any(e.file == "translations.csv" and e.row == line_of(data_copy / "translations.csv", len(rows)) and e.rule == "unique" for e in errors)
    assert "table + row_id + column + lang" in next(e.message for e in errors if e.rule == "unique")


def test_a_translation_that_changes_a_number_is_an_error(data_copy):
    header, rows = read_rows(data_copy / "translations.csv")
    position = next(i for i, row in enumerate(rows) if (row["table"], row["row_id"], row["column"]) == ("events", "cecot-arrival-2025", "title"))
    rows[position]["text"] = rows[position]["text"].replace("238", "283")
    write_rows(data_copy / "translations.csv", header, rows)
    errors = [e for e in load_package(data_copy).errors if e.row == line_of(data_copy / "translations.csv", position)]
    assert [(e.file, e.column, e.rule) for e in errors] == [("translations.csv", "text", "translation_numbers")]
    assert "lacks 238" in errors[0].message and "adds 283" in errors[0].message


@pytest.mark.parametrize(
    "text, original, same",
    [
        ("5.000 personas", "5,000 people", True),
        ("1,5 millones", "1.5 million", True),
        ("el 9.º Circuito", "the 9th Circuit", True),
        ("el 18 de agosto de 2024", "on Aug. 18, 2024", True),
        ("18/9: agentes", "9/18: agents", True),
        ("el noveno circuito", "the 9th Circuit", False),
        ("50.000", "5,000", False),
        ("2 y 2", "2", False),
    ],
)
def test_numbers_are_compared_as_digits_without_their_separators(text, original, same):
    assert (schemas.numbers_mismatch(text, original) is None) is same


def test_the_tables_text_is_translated_into_spanish_only_and_a_quote_never_into_its_own_language(data_copy):
    event = next(row for row in read_rows(data_copy / "events.csv")[1] if row["event_id"] == "aurora-video-2024")  # an English source
    title = add_translation(data_copy, "events", event["event_id"], "title", "en", "Another English title")
    quote = add_translation(data_copy, "events", event["event_id"], "quote", "en", "The video was recorded on 18 August, 10 minutes before a 25-year-old was shot.")
    assert errors_at(data_copy, title) == [("translations.csv", title, "lang", "translation_language")]
    assert errors_at(data_copy, quote) == [("translations.csv", quote, "lang", "translation_language")]
    message = next(e.message for e in load_package(data_copy).errors if e.row == quote)
    assert "already in en" in message and "denver7-edge-lowry-14-detained" in message


def test_translated_text_follows_the_rules_of_other_text(data_copy):
    event = first_event(data_copy)
    long_title = add_translation(data_copy, "events", event["event_id"], "location_note", "es", "x" * 301, event["location_note"] or "x")
    bidi = add_translation(data_copy, "events", event["event_id"], "people_count_label", "es", "persona \u202edetenida", event["people_count_label"] or "x")
    blank = add_translation(data_copy, "events", event["event_id"], "summary", "fr", "\u200b ", event["summary"])
    errors = load_package(data_copy).errors
    assert ("translations.csv", long_title, "text", "translation_length") in [(e.file, e.row, e.column, e.rule) for e in errors]
    assert "at most 300 in a translation of location_note" in next(e.message for e in errors if e.row == long_title and e.column == "text")
    assert ("translations.csv", bidi, "text", "bidi_control") in [(e.file, e.row, e.column, e.rule) for e in errors]
    assert ("translations.csv", blank, "text", "required") in [(e.file, e.row, e.column, e.rule) for e in errors]


def test_a_package_with_some_translations_missing_is_valid(data_copy):
    header, rows = read_rows(data_copy / "translations.csv")
    write_rows(data_copy / "translations.csv", header, rows[::3])
    package = load_package(data_copy)
    assert package.errors == [] and len(package.tables["translations"]) == len(rows[::3])
    write_rows(data_copy / "translations.csv", header, [])
    assert load_package(data_copy).errors == []


def test_a_stale_translation_is_a_notice_not_an_error(data_copy):
    header, rows = read_rows(data_copy / "translations.csv")
    event = first_event(data_copy)
    position = next(position for position, row in enumerate(rows) if (row["table"], row["row_id"], row["column"]) == ("events", event["event_id"], "title"))
    line = line_of(data_copy / "translations.csv", position)
    set_cell(data_copy / "events.csv", 0, "title", "Corrected title")
    package = load_package(data_copy)
    assert package.errors == []
    assert [(n.file, n.row, n.column, n.rule) for n in package.notices] == [("translations.csv", line, "original", "stale_translation")]
    assert event["event_id"] in package.notices[0].message and "translated again" in package.notices[0].message
    assert [n.row for n in stale_translations(package.tables)] == [line]
    result = subprocess.run([sys.executable, "-m", "components.validate", str(data_copy)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout == ""
    assert f"notice: translations.csv:{line}:original: stale_translation" in result.stderr and "1 stale translation" in result.stderr
    report = json.loads(subprocess.run([sys.executable, "-m", "components.validate", str(data_copy), "--format", "json"], cwd=ROOT, capture_output=True, text=True, timeout=120).stdout)
    assert report["valid"] is True and [n["row"] for n in report["notices"]] == [line]


# --------------------------------------------------------------------------------------------
# localize (pure)

EVENTS = pd.DataFrame(
    {
        "event_id": ["a", "b", "c"],
        "title": ["Arrest in Lima", "Raid in Bogotá", "Trial in Arica"],
        "summary": ["One man held.", "Two held.", "Three convicted."],
        "location_note": ["Point is the city.", None, None],
        "people_count_label": [None, None, None],
        "notes": [None, None, None],
        "source_id": ["english", "spanish", "portuguese"],
        "quote": ["He was held.", "Fueron detenidos.", "Foram condenados."],
    }
).astype({column: "str" for column in ("event_id", "title", "summary", "location_note", "people_count_label", "notes", "source_id", "quote")})
SOURCES = pd.DataFrame({"source_id": ["english", "spanish", "portuguese"], "language": ["en", "es", "pt"]})
TRANSLATIONS = pd.DataFrame(
    [
        ("events", "a", "title", "es", "Arresto en Lima", "Arrest in Lima"),
        ("events", "a", "location_note", "es", "El punto es la ciudad.", "Point is the city."),
        ("events", "b", "title", "es", "Allanamiento en Bogotá", "A raid in Bogotá"),  # stale: the title has changed since
        ("events", "a", "quote", "es", "Fue detenido.", "He was held."),
        ("events", "b", "quote", "en", "They were detained.", "Fueron detenidos."),
        ("events", "c", "quote", "en", "They were convicted.", "Foram condenados."),
        ("events", "c", "quote", "es", "Fueron condenados.", "Foram condenados."),
    ],
    columns=FIELDS,
)


def test_localize_gives_spanish_where_translated_and_marked_english_where_missing_or_stale():
    before = EVENTS.copy()
    spanish = localize(EVENTS, "events", "es", TRANSLATIONS, SOURCES)
    assert list(spanish["title"]) == ["Arresto en Lima", "Raid in Bogotá (en inglés)", "Trial in Arica (en inglés)"]
    assert english_marked("Raid in Bogotá", "es") == "Raid in Bogotá (en inglés)"
    assert list(spanish["summary"]) == [f"{text} (en inglés)" for text in EVENTS["summary"]]
    assert spanish.loc[0, "location_note"] == "El punto es la ciudad." and spanish["location_note"].iloc[1:].isna().all()  # empty stays empty
    assert spanish["notes"].isna().all()
    assert spanish["title"].dtype == EVENTS["title"].dtype
    pd.testing.assert_frame_equal(EVENTS, before)  # pure


def test_localize_keeps_quotes_verbatim_and_puts_the_translation_beside_them():
    spanish = localize(EVENTS, "events", "es", TRANSLATIONS, SOURCES)
    english = localize(EVENTS, "events", "en", TRANSLATIONS, SOURCES)
    for frame in (spanish, english):
        assert list(frame["quote"]) == list(EVENTS["quote"])
        assert list(frame[QUOTE_LANGUAGE]) == ["en", "es", "pt"]
    assert list(spanish[QUOTE_TRANSLATION].fillna("")) == ["Fue detenido.", "", "Fueron condenados."]  # a Spanish quote needs none
    assert list(english[QUOTE_TRANSLATION].fillna("")) == ["", "They were detained.", "They were convicted."]
    assert english[["title", "summary", "location_note"]].equals(EVENTS[["title", "summary", "location_note"]])  # English text unchanged


def test_localize_without_translations_marks_everything_and_translates_no_quote():
    spanish = localize(EVENTS, "events", "es", None, SOURCES)
    assert spanish.loc[0, "title"] == "Arrest in Lima (en inglés)" and spanish[QUOTE_TRANSLATION].isna().all()
    changes = pd.DataFrame({"description": ["Added."]})
    assert localize(changes, "changes", "es", TRANSLATIONS, SOURCES).equals(changes)


def test_a_stale_quote_translation_is_not_shown():
    edited = EVENTS.assign(quote=["He was held on Monday.", "Fueron detenidos.", "Foram condenados."])
    assert pd.isna(localize(edited, "events", "es", TRANSLATIONS, SOURCES).loc[0, QUOTE_TRANSLATION])


# --------------------------------------------------------------------------------------------
# The loaders


@pytest.fixture
def live_copy(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    return data_copy


def test_load_events_in_spanish_and_english(live_copy):
    english, spanish = datasets.load_events(), datasets.load_events("es")
    assert len(english) == len(spanish) and list(english.columns) == list(spanish.columns)
    row = spanish.set_index("event_id").loc["cecot-arrival-2025"]
    assert row["title"] == "Llegan al CECOT de El Salvador 238 presuntos miembros del TdA deportados por EE. UU."
    assert row["quote"] == english.set_index("event_id").loc["cecot-arrival-2025", "quote"]  # verbatim in both
    assert row[QUOTE_TRANSLATION].startswith("\"Hoy llegaron") and row[QUOTE_LANGUAGE] == "en"
    argentina = english.set_index("event_id").loc["argentina-arrest-2025"]
    assert argentina[QUOTE_LANGUAGE] == "es" and argentina[QUOTE_TRANSLATION].startswith("According to judicial sources")
    assert english["title"].equals(datasets.load_state().package.tables["events"]["title"])
    for load in (datasets.load_rulings, datasets.load_milestones, datasets.load_presence, datasets.load_figures, datasets.load_sources):
        assert len(load("es")) == len(load())
    assert not datasets.load_translations().empty


def test_a_corrected_english_cell_reaches_spanish_readers_at_once(live_copy):
    datasets.load_events("es")
    set_cell(live_copy / "events.csv", 0, "title", "Corrected title")
    touch_later(live_copy / "events.csv")
    assert datasets.load_events("es").loc[0, "title"] == "Corrected title (en inglés)"
    assert not datasets.load_state().stale
    assert [(n.file, n.column, n.rule) for n in datasets.stale_translations()] == [("translations.csv", "original", "stale_translation")]


def test_an_invalid_translations_file_keeps_the_last_good_data_in_both_languages(live_copy):
    good, good_es = datasets.load_events(), datasets.load_events("es")
    line = add_translation(live_copy, "events", "no-such-event", "title", "es", "Título", "Title")
    touch_later(live_copy / "translations.csv")
    state = datasets.load_state()
    assert state.stale and [(e.file, e.row, e.column, e.rule) for e in state.errors] == [("translations.csv", line, "row_id", "reference")]
    assert datasets.load_events().equals(good) and datasets.load_events("es").equals(good_es)


# --------------------------------------------------------------------------------------------
# rulings.judge and sources.title: names and headlines as they are, the tracker's words translated


def test_every_judge_cell_is_translated_with_names_and_numbers_as_they_are():
    package = load_package(ROOT / "data")
    rulings, translations = package.tables["rulings"], package.tables["translations"]
    assert "judge" in schemas.TRANSLATABLE["rulings"]
    spanish = localize(rulings, "rulings", "es", translations, package.tables["sources"]).set_index("ruling_id")["judge"]
    english = rulings.set_index("ruling_id")["judge"]
    judged = english.notna()
    assert judged.all() and not spanish[judged].str.contains("(en inglés)", regex=False).any()  # every cell translated, none marked
    assert spanish["aarp-5th-circuit-dismissal-2025-04-19"] == "panel de tres jueces (las fuentes no dan sus nombres)"
    assert spanish["jgg-en-banc-denied-2025-11-14"].startswith("votación 8-3;")  # "8-3" stays "8-3"
    assert "Pillard" in spanish["jgg-en-banc-denied-2025-11-14"] and "Ho, voto concurrente" in spanish["wmm-5th-circuit-en-banc-granted-2025-09-30"]
    assert spanish["dbu-tro-2025-04-14"] == english["dbu-tro-2025-04-14"] == "Charlotte N. Sweeney"  # a name is "translated" as itself
    assert spanish["jgg-tro-2025-03-15"] == "James E. Boasberg (juez presidente)"
    for ruling_id in english.index:
        assert schemas.numbers_mismatch(spanish[ruling_id], english[ruling_id]) is None


def headline_and_description(directory) -> tuple[dict, dict]:
    sources = read_rows(directory / "sources.csv")[1]
    return next(row for row in sources if row["title_kind"] == "headline"), next(row for row in sources if row["title_kind"] == "description")


def test_a_translation_of_a_headline_is_an_error_with_file_line_and_column(data_copy):
    headline, _described = headline_and_description(data_copy)
    line = add_translation(data_copy, "sources", headline["source_id"], "title", "es", "Un titular traducido")
    assert errors_at(data_copy, line) == [("translations.csv", line, "column", "translation_of_headline")]
    error = next(e for e in load_package(data_copy).errors if e.row == line)
    assert error.value == "title" and headline["source_id"] in error.message and "title_kind headline" in error.message
    assert "stays as published" in error.message
    result = subprocess.run([sys.executable, "-m", "components.validate", str(data_copy)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and f"translations.csv:{line}:column: translation_of_headline" in result.stdout + result.stderr


def test_a_translation_of_a_description_is_accepted_and_shown_with_our_mark(data_copy):
    headline, described = headline_and_description(data_copy)
    header, rows = read_rows(data_copy / "translations.csv")
    shipped = next(row for row in rows if (row["table"], row["row_id"], row["column"]) == ("sources", described["source_id"], "title"))
    assert shipped["original"] == described["title"]
    # a title that an editor marks as a description (its headline was not known) may then be translated
    position = next(i for i, row in enumerate(read_rows(data_copy / "sources.csv")[1]) if row["source_id"] == headline["source_id"])
    set_cell(data_copy / "sources.csv", position, "title_kind", "description")
    line = add_translation(data_copy, "sources", headline["source_id"], "title", "es", "Nuestra descripción en español", headline["title"])
    package = load_package(data_copy)
    assert package.errors == [] and errors_at(data_copy, line) == []
    spanish = localize(package.tables["sources"], "sources", "es", package.tables["translations"]).set_index("source_id")
    assert spanish.loc[headline["source_id"], "title"] == "Nuestra descripción en español"
    assert spanish.loc[described["source_id"], "title"] == shipped["text"]
    assert transforms.source_title(spanish.loc[described["source_id"]], lang="es") == f"{shipped['text']} (nuestra descripción)"


def test_headlines_stay_as_published_and_described_titles_are_spanish_in_citations():
    package = load_package(ROOT / "data")
    sources, translations = package.tables["sources"], package.tables["translations"]
    spanish = localize(sources, "sources", "es", translations).set_index("source_id")
    english = sources.set_index("source_id")
    described = english["title_kind"] == "description"
    assert described.sum() > 0 and not spanish["title"].str.contains("(en inglés)", regex=False).any()  # every description translated
    assert (spanish.loc[~described, "title"] == english.loc[~described, "title"]).all()  # headlines as published, unmarked
    assert (spanish.loc[described, "title"] != english.loc[described, "title"]).all()
    docket = spanish.loc["scotus-docket-24a949"]
    assert transforms.source_title(docket, lang="es") == "Expediente 24A949 (Noem v. Abrego Garcia) (nuestra descripción)"
    assert transforms.citation(docket, lang="es").startswith("Supreme Court of the United States, Expediente 24A949 (Noem v. Abrego Garcia) (nuestra descripción)")
    headline_id = english.index[~described][0]
    assert transforms.citation(spanish.loc[headline_id], lang="es").startswith(f"{english.loc[headline_id, 'publisher']}, “{english.loc[headline_id, 'title']}”")
    assert transforms.citation(english.loc["scotus-docket-24a949"]).startswith("Supreme Court of the United States, Docket for 24A949 (Noem v. Abrego Garcia) (our description)")


def test_localize_leaves_a_headline_alone_even_with_a_translation_and_marks_an_untranslated_description():
    sources = pd.DataFrame(
        {"source_id": ["h", "d", "e"], "title": ["Cae una banda", "Report on an arrest", "Report on a raid"], "title_kind": ["headline", "description", "description"], "notes": [None, None, None]}
    )
    translations = pd.DataFrame(
        [("sources", "h", "title", "es", "Una banda cae", "Cae una banda"), ("sources", "d", "title", "es", "Nota sobre un arresto", "Report on an arrest")], columns=FIELDS
    )
    spanish = localize(sources, "sources", "es", translations)
    assert list(spanish["title"]) == ["Cae una banda", "Nota sobre un arresto", "Report on a raid (en inglés)"]
    assert localize(sources, "sources", "en", translations)["title"].equals(sources["title"])


def test_the_sources_page_in_spanish_shows_described_titles_in_spanish():
    at = open_page("app_pages/sources.py", {"lang": "es"})
    assert not at.exception
    listed = at.dataframe[0].value
    titles = set(listed["título"])
    assert "Expediente 24A949 (Noem v. Abrego Garcia) (nuestra descripción)" in titles
    assert not any("(en inglés)" in title for title in titles)
    english = load_package(ROOT / "data").tables["sources"]
    headline = english[english["title_kind"] == "headline"].iloc[0]
    assert f"“{headline['title']}”" in titles
