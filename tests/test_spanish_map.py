"""The map in Spanish: what components/maps.py builds with lang="es" (captions, legends, tooltip, facts, tables,
alt text), and the map page with ?lang=es, which keeps the language across filters and keeps the filters and
the chosen event when the reader switches back to English."""

from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import pytest

from components import labels, maps, safety, transforms
from components.validation import load_package
from tests.helpers import open_page, set_cell

PAGE = "app_pages/map.py"
XSS_TITLE = "<img src=x onerror=alert(1)>"
TABLE_HEADERS_ES = [
    "Fecha", "Evento", "Tipo", "Situación", "Lugar", "País", "Personas", "Qué se contó", "Confianza", "Fuente",
    "Enlace a la fuente", "ID del evento",
]


def _events(n: int, unlocated: int = 0, first: str = "2024-03-01", last: str = "2025-05-05", precisions=("day", "day")) -> pd.DataFrame:
    """n events between two dates (the first and last with the given precisions), the last `unlocated` without coordinates."""
    dates = pd.to_datetime([first] + [last] * (n - 1)) if n > 1 else pd.to_datetime([first])
    precision = [precisions[0]] + [precisions[1]] * (n - 1)
    lat = [10.5] * (n - unlocated) + [None] * unlocated
    return pd.DataFrame({"date": dates, "date_precision": precision, "lat": lat, "lon": lat})


# Pure builders in Spanish


def test_the_shown_caption_in_spanish_writes_thousands_with_a_dot_and_agrees_in_number():
    shown = _events(5_200, unlocated=1_500)
    assert maps.shown_caption(shown, 12_000, "es") == (
        "Se muestran 5.200 de 12.000 eventos, del 1 de marzo de 2024 al 5 de mayo de 2025; "
        "1.500 sin coordenadas figuran en la tabla pero no en el mapa."
    )
    assert maps.shown_caption(shown, 12_000) == (
        "Showing 5,200 of 12,000 events, from 1 March 2024 to 5 May 2025; "
        "1,500 without coordinates are in the table but not on the map."
    )
    one = _events(1, unlocated=1)
    assert maps.shown_caption(one, 1, "es") == (
        "Se muestra 1 de 1 evento, del 1 de marzo de 2024 al 1 de marzo de 2024; 1 sin coordenadas figura en la tabla pero no en el mapa."
    )
    assert maps.shown_caption(_events(1).head(0), 54, "es") == "Se muestran 0 de 54 eventos."


@pytest.mark.parametrize(
    ("precisions", "first", "last", "expected"),
    [
        (("day", "day"), "2024-03-01", "2025-05-05", "del 1 de marzo de 2024 al 5 de mayo de 2025"),
        (("month", "day"), "2020-01-01", "2026-01-13", "de enero de 2020 al 13 de enero de 2026"),
        (("day", "year"), "2024-03-01", "2025-01-01", "del 1 de marzo de 2024 a 2025"),
        (("year", "year"), "2023-01-01", "2025-01-01", "de 2023 a 2025"),
    ],
)
def test_a_date_range_in_spanish_reads_del_al_before_a_day_and_de_a_before_a_month_or_year(precisions, first, last, expected):
    caption = maps.shown_caption(_events(3, first=first, last=last, precisions=precisions), 3, "es")
    assert caption == f"Se muestran 3 de 3 eventos, {expected}."


def test_the_size_caption_in_spanish(tables):
    events = tables["events"].head(3).copy()
    events["people_count"] = pd.array([1, 16, 10_000], dtype="Int64")
    events["people_count_kind"] = ["arrested_or_charged"] * 3
    caption = maps.size_caption(events, "es")
    assert caption.startswith("El área de cada círculo muestra el número de personas arrestadas o acusadas formalmente")
    assert "Los círculos más pálidos son menos seguros." in caption
    assert caption.endswith(" Los conteos de más de 36 personas se dibujan con el tamaño de 36.")
    assert "drawn" not in caption and "Paler" not in caption
    assert maps.size_caption(events).endswith(" Counts above 36 people are drawn at the size of 36.")


def test_legends_in_spanish_name_the_types_and_the_shading_in_spanish(tables):
    events, presence = tables["events"], tables["presence"]
    legend = maps.event_type_legend(events, "es")
    assert "<strong>Tipo de evento:</strong>" in legend
    for kind in set(events["event_type"].astype(str)):
        assert labels.label("event_type", kind, "es") in legend
        assert labels.label("event_type", kind, "es") != labels.label("event_type", kind)
    shading = maps.presence_legend(presence, "es")
    assert "<strong>Países:</strong>" in shading and "Sin reportes en los datos" in shading
    assert all(labels.label("presence_status", status, "es") in shading for status in set(presence["status"].astype(str)))
    assert "Event type" not in legend and "No report in the data" not in shading


def test_the_tooltip_in_spanish_translates_its_words_and_stays_text_only(tables):
    events = tables["events"].head(3).copy()
    events["title"] = XSS_TITLE
    deck = maps.events_map(events, tables["presence"], lang="es")
    tooltip = deck._tooltip
    assert set(tooltip) == {"text", "style"}  # deck.gl inserts each value as text: nothing in the data is run
    assert tooltip["text"] == "{title}\n{type_label} · {date_label}\nSituación: {status_label} · {confidence_label}\n{place_label}, {country_name}"
    assert maps.events_map(events, tables["presence"])._tooltip["text"] == maps.TOOLTIP_TEXT
    points = next(layer for layer in json.loads(deck.to_json())["layers"] if layer["id"] == maps.EVENTS_LAYER)["data"]
    assert {point["title"] for point in points} == {XSS_TITLE}  # the data text exactly as it was, not escaped twice nor run
    assert {point["status_label"] for point in points} <= {labels.label("event_status", code, "es") for code in labels.LABELS["event_status"]}
    assert {point["country_name"] for point in points} == {labels.country_name(code, "es") for code in events["country"]}


def test_event_labels_in_spanish_use_spanish_dates_and_words(tables):
    events = tables["events"]
    labelled = maps.event_labels(events, "es")
    assert labelled["date_label"].tolist() == [transforms.date_label(day, precision, "es") for day, precision in zip(events["date"], events["date_precision"])]
    assert labelled["type_label"].tolist() == [labels.label("event_type", code, "es") for code in events["event_type"]]
    assert labelled["confidence_label"].tolist() == [labels.label("confidence", code, "es") for code in events["confidence"]]
    day = labelled[events["date_precision"] == "day"].iloc[0]
    assert " de " in day["date_label"]


def test_event_facts_in_spanish_keep_an_allegation_an_allegation_and_write_spanish_numbers(tables):
    events = tables["events"]
    alleged = events[events["status"] == "alleged"].head(1).copy()
    alleged["people_count"] = pd.array([12_000], dtype="Int64")
    alleged["people_count_label"] = ["personas detenidas"]
    alleged["location_note"] = ["El punto es la ciudad."]
    facts = maps.event_facts(maps.event_labels(alleged, "es").iloc[0], "es")
    names = [name for name, _text in facts]
    assert names == ["Situación", "Tipo", "Fecha", "Dónde", "Nota sobre la ubicación", "Personas", "Confianza"]
    found = dict(facts)
    assert found["Situación"] == "Presunto"
    assert found["Personas"] == "12.000 personas detenidas"
    assert found["Nota sobre la ubicación"] == "El punto es la ciudad."  # data text, as the data gives it
    assert found["Confianza"].startswith("Confianza ")
    english = dict(maps.event_facts(maps.event_labels(alleged).iloc[0]))
    assert english["Status"] == "Alleged" and english["People"] == "12,000 personas detenidas"


def test_the_picker_in_spanish_marks_low_confidence_and_shows_the_status(tables):
    events = tables["events"].head(2).copy()
    events["confidence"] = ["high", "low"]
    choices = maps.event_choices(maps.event_labels(events, "es"), "es")
    low_id, high_id = events["event_id"].iloc[1], events["event_id"].iloc[0]
    status = labels.label("event_status", events["status"].iloc[1], "es")
    assert choices[low_id].endswith(f" · {events['title'].iloc[1]} ({status}, confianza baja)")
    assert choices[low_id].startswith(transforms.date_label(events["date"].iloc[1], events["date_precision"].iloc[1], "es") + " · ")
    assert "confianza baja" not in choices[high_id] and "low confidence" not in choices[low_id]
    english = maps.event_choices(maps.event_labels(events), "en")
    assert english[low_id].endswith(", low confidence)")


def test_the_events_table_has_spanish_headers_and_words(tables):
    events = tables["events"]
    table = maps.event_table(maps.event_labels(events, "es"), tables["sources"], "es")
    assert list(table.columns) == TABLE_HEADERS_ES == list(maps.table_headers("es").values())
    assert sorted(table["ID del evento"]) == sorted(events["event_id"])
    by_id = events.set_index("event_id")
    for _index, row in table.iterrows():
        assert row["Situación"] == labels.label("event_status", by_id.at[row["ID del evento"], "status"], "es")
    assert list(maps.event_table(maps.event_labels(events), tables["sources"]).columns) == list(maps.TABLE_COLUMNS.values())


def test_the_presence_table_in_spanish_names_countries_in_spanish_in_spanish_order(tables):
    table = maps.presence_table(tables["presence"], tables["sources"], "es")
    assert list(table.columns)[:2] == ["País", "Situación"] and list(table.columns)[-2:] == ["Confianza", "Fuente"]
    assert set(table["País"]) == {labels.country_name(code, "es") for code in tables["presence"]["country"]}
    assert table["País"].tolist() == sorted(table["País"], key=maps._name_order)
    assert "Estados Unidos" in table["País"].tolist()
    english = maps.presence_table(tables["presence"], tables["sources"])
    assert list(english.columns) == ["Country", "Status", "Reported", "Confidence", "Source"]


def test_the_presence_table_date_header_is_spanish(tables):
    assert list(maps.presence_table(tables["presence"], tables["sources"], "es").columns) == ["País", "Situación", "Fecha del reporte", "Confianza", "Fuente"]


def test_the_filters_offer_codes_with_countries_in_spanish_name_order(tables):
    events = tables["events"]
    options = maps.filter_options(events, "es")
    assert options["event_type"] == maps.filter_options(events)["event_type"]  # codes, whatever the language
    names = [labels.country_name(code, "es") for code in options["country"]]
    assert names == sorted(names, key=maps._name_order)
    assert set(options["country"]) == set(events["country"].astype(str))


def test_the_map_alt_text_in_spanish_counts_with_spanish_numbers_and_plurals(tables):
    presence = tables["presence"]
    many = _events(5_200, unlocated=200)
    alt = maps.map_alt(many, presence, "es")
    countries = presence["country"].nunique()
    assert alt == (
        f"Mapa de 5.000 eventos, coloreados por tipo y de tamaño según el número de personas arrestadas o acusadas formalmente, "
        f"sobre {countries} países sombreados donde se reporta la presencia del Tren de Aragua. La tabla de abajo enumera los mismos eventos."
    )
    assert maps.map_alt(many, presence).startswith("Map of 5,000 events, coloured by type")
    assert maps.map_alt(_events(1), presence.head(1), "es").startswith("Mapa de 1 evento, ") and "sobre 1 país sombreados" in maps.map_alt(_events(1), presence.head(1), "es")


# The page with ?lang=es


def _query(at, key: str):
    value = at.query_params[key]
    return value[0] if isinstance(value, list) and len(value) == 1 else value


@pytest.fixture(scope="module")
def spanish_page():
    return open_page(PAGE, {"lang": "es"})


def test_the_page_in_spanish_has_spanish_title_filters_captions_and_tables(spanish_page, tables):
    at = spanish_page
    assert not at.exception, at.exception
    events = tables["events"]
    assert at.title[0].value == "Mapa de eventos"
    assert at.header[0].value == "Filtrar el mapa"
    assert [(box.label, box.placeholder) for box in (at.multiselect(key="map_type"), at.multiselect(key="map_country"), at.multiselect(key="map_status"))] == [
        ("Tipo de evento", "Todos los tipos"), ("País", "Todos los países"), ("Situación", "Todas las situaciones"),
    ]
    assert at.slider(key="map_dates").label == "Fechas"
    assert at.toggle(key="map_explore").label.startswith("Explorar el mapa")
    assert at.selectbox(key="map_event").label == "Detalles del evento"
    assert at.selectbox(key="map_event").placeholder == "Elija o toque un evento"
    options = maps.filter_options(events, "es")
    assert at.multiselect(key="map_type").options == [labels.label("event_type", code, "es") for code in options["event_type"]]
    assert at.multiselect(key="map_country").options == [labels.country_name(code, "es") for code in options["country"]]
    assert any(caption.value.startswith(f"Se muestran {len(events)} de {len(events)} eventos, ") for caption in at.caption)
    assert any(caption.value.startswith("El área de cada círculo") for caption in at.caption)
    assert [expander.label for expander in at.expander] == [f"Fuentes de los {len(events)} eventos mostrados", "Países donde se reporta la presencia del Tren de Aragua"]
    assert at.subheader[0].value == "Los eventos del mapa"
    assert list(at.dataframe[0].value.columns) == TABLE_HEADERS_ES
    assert json.loads(at.dataframe[0].proto.columns)["Enlace a la fuente"]["type_config"]["display_text"] == "Abrir la fuente"
    legends = [markdown.value for markdown in at.markdown if markdown.proto.allow_html]
    assert any("Tipo de evento:" in legend for legend in legends) and any("Sin reportes en los datos" in legend for legend in legends)
    deck = at.get("deck_gl_json_chart")[0].proto
    assert deck.alt.startswith("Mapa de ") and "Situación: {status_label}" in json.loads(deck.tooltip)["text"]
    assert _query(at, "lang") == "es"


def test_a_chosen_event_in_spanish_shows_spanish_facts(tables):
    event = tables["events"][tables["events"]["status"] == "alleged"].iloc[0]
    at = open_page(PAGE, {"lang": "es", "map_event": event["event_id"]})
    assert not at.exception, at.exception
    texts = [markdown.value for markdown in at.markdown]
    assert any("**Situación:** Presunto" in text for text in texts)
    assert any("**Confianza:**" in text for text in texts)
    assert not any("**Status:**" in text for text in texts)


def test_a_filter_change_keeps_spanish_and_switching_back_keeps_the_filters_and_the_event(tables):
    events = tables["events"]
    kind = str(events["event_type"].astype(str).mode()[0])
    event_id = str(events.loc[events["event_type"] == kind, "event_id"].iloc[0])
    start, end = events["date"].min().date(), events["date"].max().date()
    at = open_page(PAGE, {"lang": "es", "map_event": event_id})
    at.multiselect(key="map_type").set_value([kind]).run()
    assert not at.exception, at.exception
    assert _query(at, "lang") == "es" and _query(at, "map_type") == kind and _query(at, "map_event") == event_id
    expected = transforms.filter_events(events, event_types=[kind])
    assert any(caption.value.startswith(f"Se muestran {len(expected)} de {len(events)} eventos") for caption in at.caption)
    at.slider(key="map_dates").set_value((start, end - timedelta(days=1))).run()
    assert _query(at, "lang") == "es"
    dates = _query(at, "map_dates")
    at.segmented_control(key="lang").set_value("en").run()
    assert not at.exception, at.exception
    assert "lang" not in at.query_params
    assert at.title[0].value == "Map of events" and at.multiselect(key="map_type").label == "Event type"
    assert at.multiselect(key="map_type").value == [kind] and _query(at, "map_type") == kind
    assert at.slider(key="map_dates").value == (start, end - timedelta(days=1)) and _query(at, "map_dates") == dates
    assert at.selectbox(key="map_event").value == event_id and _query(at, "map_event") == event_id
    assert at.subheader[0].value == safety.escape_markdown(events.set_index("event_id").at[event_id, "title"])
    assert any(caption.value.startswith("Showing ") for caption in at.caption)
    assert list(at.dataframe[0].value.columns) == list(maps.TABLE_COLUMNS.values())


def test_a_title_holding_html_is_shown_as_text_on_the_spanish_page(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    set_cell(data_copy / "events.csv", 0, "title", XSS_TITLE)
    event_id = load_package(data_copy).tables["events"]["event_id"].iloc[0]
    at = open_page(PAGE, {"lang": "es", "map_event": event_id})
    assert not at.exception, at.exception
    assert at.subheader[0].value.startswith(safety.escape_markdown(XSS_TITLE))
    assert any(str(title).startswith(XSS_TITLE) for title in at.dataframe[0].value["Evento"])
    assert not any("onerror" in markdown.value for markdown in at.markdown if markdown.proto.allow_html)
