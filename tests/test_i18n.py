"""The catalogues and the language switch: every message in the code translated, with the same
placeholders, nothing stale; ?lang=es opens Spanish, an unknown language falls back with a notice."""

from __future__ import annotations

import pandas as pd
import pytest
from babel.messages.catalog import Catalog

from components import i18n, labels
from components.i18n import catalogue, formats
from tests.helpers import open_page


def test_every_message_in_the_code_has_a_current_spanish_translation():
    problems = catalogue.check("es")
    assert not problems, "\n".join(str(problem) for problem in problems[:40]) + f"\n({len(problems)} problems: python -m tools.i18n update, then translate)"


def _catalog(*messages) -> Catalog:
    catalog = Catalog(locale="es", domain=i18n.DOMAIN)
    for message in messages:
        catalog.add(*message)
    return catalog


def test_the_check_finds_a_new_string_an_untranslated_one_and_different_placeholders():
    code = _catalog(("Showing {shown} of {total}", None), ("New string", None), ("{n} event", None), ("Map", None))
    translated = _catalog(("Showing {shown} of {total}", "Se muestran {shown} de {total}"), ("{n} event", "{count} evento"), ("Map", ""), ("Gone", "Ya no"))
    found = {(problem.msgid, problem.problem.split(":")[0].split(" (")[0]) for problem in catalogue.check("es", code=code, translated=translated)}
    assert ("New string", "not in the catalogue") in found
    assert ("{n} event", "placeholders differ") in found
    assert ("Map", "not translated") in found
    assert ("Gone", "in the catalogue but no longer in the code") in found
    assert not any(msgid == "Showing {shown} of {total}" for msgid, _ in found)


def test_a_spanish_plural_needs_all_three_forms():
    code = _catalog((("{n} event", "{n} events"), None))
    translated = _catalog((("{n} event", "{n} events"), ("{n} evento", "{n} eventos", "")))
    assert [problem.problem.split(" (")[0] for problem in catalogue.check("es", code=code, translated=translated)] == ["not translated"]


def test_plural_forms_in_spanish_follow_the_number():
    ngettext = i18n.ngettext_for("es")
    # A message the code really has, with its three Spanish forms filled.
    one, five, million = (ngettext("{n} assessment", "{n} assessments", n) for n in (1, 5, 1_000_000))
    assert one != five and five == million and "{n}" in five


def test_unknown_languages_fall_back_to_english():
    assert i18n.normalize("xx") == "en" and i18n.normalize(None) == "en" and i18n.normalize("es") == "es"
    assert i18n.gettext_for("xx")("Map") == "Map"
    assert i18n.gettext_for("es")("Map") == "Mapa"


def test_numbers_and_dates_are_written_the_spanish_way():
    assert formats.number(5000, "es") == "5.000" and formats.number(5000, "en") == "5,000"
    assert formats.number(1234.5, "es", decimals=1) == "1234,5" or formats.number(1234.5, "es", decimals=1) == "1.234,5"
    assert formats.partial_date(pd.Timestamp("2026-11-21"), "day", "es") == "21 de noviembre de 2026"
    assert formats.partial_date(pd.Timestamp("2026-11-01"), "month", "es") == "noviembre de 2026"
    assert formats.partial_date(pd.Timestamp("2026-11-21"), "day", "en") == "21 November 2026"
    assert formats.money_range(10_000_000, 15_000_000, "es") == "entre 10 y 15 millones de dólares"
    assert formats.money_range(10_000_000, 15_000_000, "en") == "$10m–$15m"
    assert formats.plotly_separators("es") == ",." and formats.plotly_separators("en") == ".,"
    assert formats.month_names("es")[2] == "mar"


def test_labels_and_country_names_in_spanish():
    assert labels.label("event_status", "alleged", "es") == "Presunto"
    assert labels.label("event_status", "alleged") == "Alleged"
    assert labels.country_name("USA", "es") == "Estados Unidos" and labels.country_name("USA") == "United States"
    assert labels.label("event_type", "no_such_code", "es") == "no_such_code"


def test_a_link_with_lang_es_opens_in_spanish_and_the_switch_keeps_the_url():
    at = open_page(None, {"lang": "es"})
    assert not at.exception
    assert at.session_state["lang"] == "es" and at.query_params.get("lang") in ("es", ["es"])
    assert at.title[0].value != open_page().title[0].value
    at.segmented_control(key="lang").set_value("en").run()
    assert not at.exception and "lang" not in at.query_params
    at.segmented_control(key="lang").set_value("es").run()
    assert at.query_params.get("lang") in ("es", ["es"])


def test_an_unknown_language_in_a_link_falls_back_to_english_with_a_notice():
    at = open_page(None, {"lang": "xx"})
    assert not at.exception and at.session_state["lang"] == "en"
    assert any("lang=xx" in info.value for info in at.info)
    assert "lang" not in at.query_params


@pytest.mark.parametrize("page", ["app_pages/map.py", "app_pages/figures.py", "app_pages/rulings.py", "app_pages/claims.py", "app_pages/sources.py"])
def test_the_language_survives_moving_between_pages(page):
    at = open_page(None, {"lang": "es"})
    at.switch_page(page).run()
    assert not at.exception and at.session_state["lang"] == "es" and at.query_params.get("lang") in ("es", ["es"])
