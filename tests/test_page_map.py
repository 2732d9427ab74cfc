"""The map page draws, filters, links and downloads exactly the events the CSVs say (AppTest)."""

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import labels, maps, safety, transforms
from components.validation import DATA_DIR, load_package
from tests.helpers import open_page, set_cell

XSS_TITLE = "<img src=x onerror=alert(1)>"
FORMULA_TITLE = '=HYPERLINK("https://example.com/x","click")'


def open_map(query: dict[str, list[str]] | None = None) -> AppTest:
    """The map page as a reader opening a link with these query parameters."""
    at = open_page("app_pages/map.py", query)
    assert not at.exception
    return at


def event_layer(spec: dict) -> dict:
    return next(layer for layer in spec["layers"] if layer["id"].startswith(maps.EVENTS_LAYER))


def drawn_ids(at: AppTest) -> list[str]:
    points = event_layer(json.loads(at.get("deck_gl_json_chart")[0].proto.json))["data"]
    return sorted(point["event_id"] for point in points)


def expected_ids(events: pd.DataFrame, **filters) -> list[str]:
    return sorted(transforms.filter_events(events, **filters)["event_id"])


def table_ids(at: AppTest) -> list[str]:
    return sorted(at.dataframe[0].value["Event ID"])


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return load_package(DATA_DIR).tables["events"]


def downloaded_csv(at: AppTest, served: dict[str, bytes]) -> bytes:
    button = next(button for button in at.get("download_button") if button.proto.id.endswith("map_download"))
    return served[Path(button.proto.url).stem]


def most_common(events: pd.DataFrame, column: str) -> str:
    return str(events[column].astype(str).mode()[0])


def test_the_map_page_draws_every_event_and_says_how_many(events):
    at = open_map()
    assert drawn_ids(at) == sorted(events["event_id"])
    assert table_ids(at) == sorted(events["event_id"])
    assert any(f"{len(events):,} of {len(events):,} events" in caption.value for caption in at.caption)
    deck = at.get("deck_gl_json_chart")[0].proto
    assert set(json.loads(deck.tooltip)) == {"text", "style"}
    assert deck.alt


@pytest.mark.parametrize(
    ("key", "column", "argument"),
    [("map_type", "event_type", "event_types"), ("map_country", "country", "countries"), ("map_status", "status", "statuses")],
)
def test_each_filter_draws_exactly_the_events_the_csv_has_for_it(events, key, column, argument):
    chosen = most_common(events, column)
    at = open_map()
    at.multiselect(key=key).set_value([chosen]).run()
    expected = expected_ids(events, **{argument: [chosen]})
    assert 0 < len(expected) < len(events)
    assert drawn_ids(at) == expected
    assert table_ids(at) == expected
    assert any(f"{len(expected):,} of {len(events):,} events" in caption.value for caption in at.caption)


def test_the_date_filter_draws_exactly_the_events_in_the_range(events):
    start, end = events["date"].median().date(), events["date"].max().date()
    at = open_map()
    at.slider(key="map_dates").set_value((start, end)).run()
    expected = expected_ids(events, start=start, end=end)
    assert 0 < len(expected) < len(events)
    assert drawn_ids(at) == expected


def test_filters_read_from_the_link_are_applied_and_kept_in_the_url(events):
    kind, country = most_common(events, "event_type"), most_common(events, "country")
    start, end = events["date"].min().date(), events["date"].median().date()
    dates = f"{start.isoformat()}..{end.isoformat()}"
    at = open_map({"map_type": [kind], "map_dates": [dates]})
    assert at.multiselect(key="map_type").value == [kind]
    assert at.slider(key="map_dates").value == (start, end)
    assert drawn_ids(at) == expected_ids(events, event_types=[kind], start=start, end=end)
    at.multiselect(key="map_country").set_value([country]).run()
    assert at.query_params["map_country"] == country
    assert at.query_params["map_type"] == kind
    assert at.query_params["map_dates"] == dates
    assert drawn_ids(at) == expected_ids(events, event_types=[kind], countries=[country], start=start, end=end)


def test_an_unknown_event_type_in_the_link_falls_back_to_all_events_with_a_notice(events):
    at = open_map({"map_type": ["riot"]})
    assert any(safety.escape_markdown("map_type=riot") in info.value for info in at.info)
    assert at.multiselect(key="map_type").value == []
    assert drawn_ids(at) == sorted(events["event_id"])


def test_filters_that_match_nothing_say_so_instead_of_drawing_an_empty_map(events):
    kinds, countries = events["event_type"].astype(str).unique(), events["country"].astype(str).unique()
    kind, country = next((k, c) for k in kinds for c in countries if not expected_ids(events, event_types=[k], countries=[c]))
    at = open_map({"map_type": [kind], "map_country": [country]})
    assert not at.get("deck_gl_json_chart")
    assert any("No event matches" in info.value for info in at.info)


def test_a_link_to_an_event_shows_its_details_with_status_and_source(events):
    event = events.iloc[len(events) // 2]
    at = open_map({"map_event": [event["event_id"]]})
    assert at.selectbox(key="map_event").value == event["event_id"]
    assert at.subheader[0].value == safety.escape_markdown(event["title"])
    texts = [markdown.value for markdown in at.markdown]
    assert any(f"**Status:** {safety.escape_markdown(labels.label('event_status', event['status']))}" in text for text in texts)
    assert any(safety.escape_markdown(event["quote"]) in text for text in texts)
    sources = load_package(DATA_DIR).tables["sources"].set_index("source_id")
    assert any(safety.escape_markdown(sources.at[event["source_id"], "publisher"]) in text.value for text in [*at.markdown, *at.caption])  # the source note


def test_choosing_an_event_puts_it_in_the_url(events):
    event_id = events["event_id"].iloc[0]
    at = open_map()
    assert at.selectbox(key="map_event").value is None
    at.selectbox(key="map_event").select(event_id).run()
    assert at.query_params["map_event"] == event_id
    assert at.subheader[0].value == safety.escape_markdown(events["title"].iloc[0])


def test_a_filter_that_hides_the_chosen_event_clears_the_details(events):
    event = events.iloc[0]
    other_kind = next(kind for kind in events["event_type"].astype(str).unique() if kind != event["event_type"])
    at = open_map({"map_event": [event["event_id"]]})
    at.multiselect(key="map_type").set_value([other_kind]).run()
    assert not at.exception
    assert at.selectbox(key="map_event").value is None
    assert "map_event" not in at.query_params


def test_an_unknown_event_in_the_link_falls_back_with_a_notice():
    at = open_map({"map_event": ["no-such-event"]})
    assert any(safety.escape_markdown("no-such-event") in info.value for info in at.info)
    assert at.selectbox(key="map_event").value is None


def test_a_title_changed_in_the_csv_shows_on_the_page(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    set_cell(data_copy / "events.csv", 0, "title", "A corrected headline for the first event")
    event_id = load_package(data_copy).tables["events"]["event_id"].iloc[0]
    at = open_map({"map_event": [event_id]})
    assert "A corrected headline for the first event" in at.dataframe[0].value["Event"].tolist()
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert "A corrected headline for the first event" in [point["title"] for point in event_layer(spec)["data"]]
    assert at.subheader[0].value == "A corrected headline for the first event"


def test_a_title_holding_html_is_shown_as_text_everywhere(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    set_cell(data_copy / "events.csv", 0, "title", XSS_TITLE)
    event_id = load_package(data_copy).tables["events"]["event_id"].iloc[0]
    at = open_map({"map_event": [event_id]})
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert XSS_TITLE in [point["title"] for point in event_layer(spec)["data"]]
    assert at.subheader[0].value == safety.escape_markdown(XSS_TITLE)
    assert XSS_TITLE in at.dataframe[0].value["Event"].tolist()
    assert not any("onerror" in markdown.value for markdown in at.markdown if markdown.proto.allow_html)


def test_the_download_is_exactly_the_filtered_events_for_programs_with_formulas_neutralised(data_copy, monkeypatch, served):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    set_cell(data_copy / "events.csv", 0, "title", FORMULA_TITLE)
    events = load_package(data_copy).tables["events"]
    kind = str(events["event_type"].iloc[0])
    at = open_map({"map_type": [kind]})
    table = at.dataframe[0].value
    assert sorted(table["Event ID"]) == expected_ids(events, event_types=[kind])
    csv = downloaded_csv(at, served)
    downloaded = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    # The same events as the table on screen, in the columns programs read: ISO dates, the source and its quote.
    assert sorted(downloaded["event_id"]) == sorted(table["Event ID"])
    assert {"date", "date_precision", "source_publisher", "source_url", "quote", "licence"} <= set(downloaded.columns)
    assert "editor_notes" not in downloaded.columns
    assert "'" + FORMULA_TITLE in downloaded["title"].tolist()
    assert FORMULA_TITLE not in downloaded["title"].tolist()


def test_an_event_links_to_the_rulings_that_concern_it(events):
    rulings = load_package(DATA_DIR).tables["rulings"]
    listed = rulings["related_event_ids"].fillna("").str.split(";")
    event_id = next(event_id for event_id in events["event_id"] if listed.map(lambda ids: event_id in ids).any())
    concerned = rulings[listed.map(lambda ids: event_id in ids)]
    at = open_map({"map_event": [event_id]})
    links = [element.proto for element in at.get("page_link") if element.proto.page == "rulings"]
    assert {link.query_string.removeprefix("rulings_ruling=") for link in links} == set(concerned["ruling_id"])
