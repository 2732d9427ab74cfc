"""The Court rulings page draws exactly the filtered rulings, keeps its choices in the URL and shows each ruling from the data."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import downloads, labels, timeline, transforms
from components.safety import escape_markdown
from components.validation import load_package
from tests.helpers import open_page, read_rows, set_cell

PAGE = "app_pages/rulings.py"


@pytest.fixture(scope="module")
def rulings(tables) -> pd.DataFrame:
    return tables["rulings"]


def open_rulings(query_params: dict | None = None) -> AppTest:
    """The rulings page as a reader arriving with these query parameters sees it."""
    return open_page(PAGE, query_params)


def plotted_ids(at: AppTest) -> list[str]:
    """The ruling ids drawn as marks in the timeline (decisions, and oral arguments drawn apart from them)."""
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    return sorted(ruling_id for trace in figure["data"] if trace.get("meta") in ("rulings", "arguments") for ruling_id in trace["customdata"])


def markdown_text(at: AppTest) -> str:
    return "\n".join(element.value for element in at.markdown)


def test_the_page_renders_every_ruling_without_exceptions(rulings):
    at = open_rulings()
    assert not at.exception
    assert plotted_ids(at) == sorted(rulings["ruling_id"])
    assert len(at.dataframe[0].value) == len(rulings)


@pytest.mark.parametrize("position", [0, -1])
def test_choosing_a_case_draws_and_lists_exactly_its_rulings(rulings, position):
    case = sorted(set(rulings["case_group"]))[position]
    at = open_rulings()
    at.multiselect(key="rulings_case").set_value([case]).run()
    expected = sorted(rulings.loc[rulings["case_group"] == case, "ruling_id"])
    assert plotted_ids(at) == expected
    assert sorted(at.dataframe[0].value["Ruling id"]) == expected
    assert at.query_params["rulings_case"] == case


def test_each_court_level_draws_exactly_its_rulings(rulings):
    at = open_rulings()
    for level in sorted(set(rulings["court_level"].astype(str))):
        at.multiselect(key="rulings_level").set_value([level]).run()
        expected = sorted(rulings.loc[rulings["court_level"].astype(str) == level, "ruling_id"])
        assert plotted_ids(at) == expected
        assert len(at.dataframe[0].value) == len(expected)


def test_filters_that_match_no_ruling_show_an_empty_chart_and_a_notice(rulings):
    counts = rulings.groupby(["case_group", rulings["court_level"].astype(str)]).size()
    case, level = next((case, level) for case in counts.index.levels[0] for level in counts.index.levels[1] if (case, level) not in counts.index)
    at = open_rulings({"rulings_case": [case], "rulings_ruling": rulings["ruling_id"].iloc[0]})
    at.multiselect(key="rulings_level").set_value([level]).run()
    assert not at.exception
    assert plotted_ids(at) == [] and at.dataframe[0].value.empty
    assert any("No rulings match" in notice.value for notice in at.info)
    assert "rulings_ruling" not in at.query_params
    at.multiselect(key="rulings_level").set_value([]).run()
    assert plotted_ids(at) == sorted(rulings.loc[rulings["case_group"] == case, "ruling_id"])
    assert not any("link asked" in notice.value for notice in at.info)


def test_filters_in_the_url_are_applied_and_kept(rulings):
    case = rulings["case_group"].value_counts().index[0]
    level = str(rulings.loc[rulings["case_group"] == case, "court_level"].iloc[0])
    at = open_rulings({"rulings_case": [case], "rulings_level": [level]})
    expected = rulings[(rulings["case_group"] == case) & (rulings["court_level"].astype(str) == level)]
    assert at.multiselect(key="rulings_case").value == [case]
    assert at.multiselect(key="rulings_level").value == [level]
    assert plotted_ids(at) == sorted(expected["ruling_id"])
    assert at.query_params["rulings_case"] == case and at.query_params["rulings_level"] == level
    assert at.query_params["rulings_ruling"] in set(expected["ruling_id"])
    assert not at.info


def test_an_unknown_case_in_the_url_falls_back_with_a_notice(rulings):
    at = open_rulings({"rulings_case": ["no-such-case"]})
    assert not at.exception
    assert any("rulings" in notice.value and "default" in notice.value for notice in at.info)
    assert at.multiselect(key="rulings_case").value == []
    assert plotted_ids(at) == sorted(rulings["ruling_id"])
    assert "rulings_case" not in at.query_params


def test_a_ruling_in_the_url_shows_its_judge_docket_and_quote(rulings):
    for has_docket in (True, False):
        ruling = rulings[rulings["docket"].notna() == has_docket].iloc[0]
        at = open_rulings({"rulings_ruling": ruling["ruling_id"]})
        text = markdown_text(at)
        assert at.selectbox(key="rulings_ruling").value == ruling["ruling_id"]
        assert escape_markdown(ruling["judge"]) in text
        assert escape_markdown(ruling["docket"] if has_docket else "not recorded") in text
        assert escape_markdown(ruling["quote"].splitlines()[0]) in text
        assert escape_markdown(labels.label("outcome", ruling["outcome"])) in text
        assert at.query_params["rulings_ruling"] == ruling["ruling_id"]


def test_an_unknown_ruling_in_the_url_falls_back_to_the_latest_with_a_notice(rulings):
    at = open_rulings({"rulings_ruling": "no-such-ruling"})
    latest = rulings.sort_values(["date", "ruling_id"], ascending=[False, True]).iloc[0]
    assert any("rulings" in notice.value and "default" in notice.value for notice in at.info)
    assert at.selectbox(key="rulings_ruling").value == latest["ruling_id"]
    assert at.query_params["rulings_ruling"] == latest["ruling_id"]


def test_choosing_a_ruling_puts_it_in_the_url(rulings):
    at = open_rulings()
    ruling = rulings.iloc[len(rulings) // 2]
    at.selectbox(key="rulings_ruling").select(ruling["ruling_id"]).run()
    assert at.query_params["rulings_ruling"] == ruling["ruling_id"]
    assert escape_markdown(ruling["judge"]) in markdown_text(at)


def test_related_events_are_listed_with_date_status_and_a_map_link(tables, rulings):
    ruling = rulings[rulings["related_event_ids"].notna()].iloc[0]
    at = open_rulings({"rulings_ruling": ruling["ruling_id"]})
    events = tables["events"].set_index("event_id")
    event_ids = ruling["related_event_ids"].split(";")
    assert [link.proto.query_string for link in at.page_link] == [f"map_event={event_id}" for event_id in event_ids]
    assert all(link.proto.page.endswith("map") for link in at.page_link)
    lines = [element.value for element in at.markdown]
    for event_id in event_ids:
        event = events.loc[event_id]
        line = next(line for line in lines if escape_markdown(event["title"]) in line)
        assert escape_markdown(transforms.date_label(event["date"], event["date_precision"])) in line
        assert escape_markdown(labels.label("event_status", event["status"])) in line


def test_a_ruling_without_related_events_links_to_none(rulings):
    ruling = rulings[rulings["related_event_ids"].isna()].iloc[0]
    at = open_rulings({"rulings_ruling": ruling["ruling_id"]})
    assert not at.page_link


def test_a_judge_changed_in_the_data_shows_on_the_page(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    _, rows = read_rows(data_copy / "rulings.csv")
    position = next(index for index, row in enumerate(rows) if row["docket"])
    ruling_id = rows[position]["ruling_id"]
    set_cell(data_copy / "rulings.csv", position, "judge", "Judge Test Renamed")
    judge = load_package(data_copy).tables["rulings"].set_index("ruling_id").loc[ruling_id, "judge"]
    at = open_rulings({"rulings_ruling": ruling_id})
    assert not at.exception and not at.warning
    assert escape_markdown(judge) in markdown_text(at)
    assert judge in at.dataframe[0].value["Judge"].tolist()


def test_a_case_name_with_markup_is_shown_as_text(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    attack = "<img src=x onerror=alert(1)>"
    set_cell(data_copy / "rulings.csv", 0, "case_name", attack)
    ruling_id = read_rows(data_copy / "rulings.csv")[1][0]["ruling_id"]
    at = open_rulings({"rulings_ruling": ruling_id})
    assert not at.exception
    assert attack not in markdown_text(at) and escape_markdown(attack) in markdown_text(at)
    assert attack not in at.get("plotly_chart")[0].proto.spec


def downloaded(at: AppTest, served: dict[str, bytes], key: str) -> pd.DataFrame:
    """A download button's CSV read back as text cells, as a spreadsheet reads them."""
    button = next(button for button in at.get("download_button") if button.proto.id.endswith(key))
    return pd.read_csv(io.BytesIO(served[Path(button.proto.url).stem]), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_the_download_is_for_programs_with_source_quote_licence_and_court_document(rulings, served):
    at = open_rulings()
    frame = downloaded(at, served, "rulings_download")
    assert sorted(frame["ruling_id"]) == sorted(rulings["ruling_id"])
    for column in ("date", "date_precision", "court_url", "proceeding", "about_tda", "source_publisher", "source_url", "quote", "licence"):
        assert column in frame.columns
    assert set(frame["licence"]) == {downloads.LICENCE}
    assert all(len(day) == 10 for day in frame["date"])


def test_the_picker_offers_judge_court_and_docket_in_its_options(rulings):
    at = open_rulings()
    options = at.selectbox(key="rulings_ruling").options
    assert len(options) == len(rulings)
    for _, ruling in rulings[rulings["docket"].notna()].iterrows():
        assert any(all(words in option for words in (ruling["case_name"], ruling["docket"], ruling["judge"], ruling["court"])) for option in options)


def test_a_court_document_is_linked_from_the_ruling(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    _, rows = read_rows(data_copy / "rulings.csv")
    url = "https://www.supremecourt.gov/opinions/24pdf/24a931_2c83.pdf"
    set_cell(data_copy / "rulings.csv", 0, "court_url", url)
    at = open_rulings({"rulings_ruling": rows[0]["ruling_id"]})
    assert not at.exception
    buttons = at.get("link_button")
    assert [button.proto.url for button in buttons] == [url] and buttons[0].proto.label == "Court document"
    assert url in at.dataframe[0].value["Court document"].tolist()


def test_an_oral_argument_is_shown_as_one_not_as_a_ruling(rulings):
    argued = rulings[rulings["proceeding"].astype(str) == "oral_argument"].iloc[0]
    at = open_rulings({"rulings_ruling": argued["ruling_id"]})
    assert escape_markdown(timeline.PROCEEDINGS["oral_argument"]) in markdown_text(at)
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    [trace] = [trace for trace in figure["data"] if trace.get("meta") == "arguments"]
    assert argued["ruling_id"] in trace["customdata"]
