"""The rulings timeline draws one lane per case, marks each ruling by outcome and court, and shows data as text."""

import html

import pandas as pd
import pytest

from components.safety import quote_markdown
from components import labels, theme, timeline, transforms

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def rulings(tables) -> pd.DataFrame:
    return tables["rulings"]


def traces(figure, role: str) -> list:
    return [trace for trace in figure.data if trace.meta == role]


def plotted(figure) -> pd.DataFrame:
    """One row per marker drawn: ruling_id, colour and symbol."""
    rows = []
    for trace in traces(figure, "rulings"):
        for ruling_id, symbol in zip(trace.customdata, trace.marker.symbol):
            rows.append({"ruling_id": ruling_id, "color": trace.marker.color, "symbol": symbol})
    return pd.DataFrame(rows, columns=["ruling_id", "color", "symbol"])


def test_there_is_one_lane_per_case_group_ordered_by_first_ruling(rulings):
    first = rulings.groupby("case_group")["date"].min()
    aea = rulings.groupby("case_group")["aea_case"].any()
    expected = [html.escape(timeline.case_label(group, aea[group])) for group in sorted(first.index, key=lambda group: (first[group], group))]
    figure = timeline.rulings_timeline(rulings)
    assert [lane.name for lane in traces(figure, "lane")] == expected
    assert [lane.y[0] for lane in traces(figure, "lane")] == list(range(len(expected)))


def test_each_lane_runs_from_its_first_to_its_last_ruling(rulings):
    figure = timeline.rulings_timeline(rulings)
    names = timeline.case_labels(rulings)
    for lane in traces(figure, "lane"):
        group = next(group for group, name in names.items() if html.escape(name) == lane.name)
        dates = rulings.loc[rulings["case_group"] == group, "date"]
        assert [pd.Timestamp(day) for day in lane.x] == [dates.min(), dates.max()]


def test_cases_outside_the_alien_enemies_act_are_marked_as_such(rulings):
    figure = timeline.rulings_timeline(rulings)
    not_aea = set(rulings.loc[~rulings["aea_case"], "case_group"])
    assert not_aea, "the shipped data has non-AEA cases"
    for lane in traces(figure, "lane"):
        marked = lane.name.endswith(timeline.NOT_AEA)
        assert marked == any(lane.name == html.escape(f"{group} {timeline.NOT_AEA}") for group in not_aea)
        assert (lane.line.dash == "dot") == marked


def test_every_ruling_is_one_marker_coloured_by_its_outcome(rulings):
    drawn = plotted(timeline.rulings_timeline(rulings)).merge(rulings, on="ruling_id", validate="one_to_one")
    assert sorted(drawn["ruling_id"]) == sorted(rulings["ruling_id"])
    assert (drawn["color"] == drawn["outcome"].astype(str).map(theme.OUTCOME_COLORS)).all()


def test_marker_symbols_follow_the_court_level(rulings):
    drawn = plotted(timeline.rulings_timeline(rulings)).merge(rulings, on="ruling_id", validate="one_to_one")
    expected = [timeline.LEVEL_SYMBOLS[str(level)] + ("-open" if confidence == "low" else "") for level, confidence in zip(drawn["court_level"], drawn["confidence"])]
    assert drawn["symbol"].tolist() == expected
    assert len(set(timeline.LEVEL_SYMBOLS.values())) == len(timeline.LEVEL_SYMBOLS)


def test_low_confidence_rulings_are_drawn_hollow(rulings):
    marked = rulings.copy()
    marked["confidence"] = marked["confidence"].astype(str)
    marked.loc[marked.index[0], "confidence"] = "low"
    drawn = plotted(timeline.rulings_timeline(marked)).set_index("ruling_id")["symbol"]
    assert drawn[marked["ruling_id"].iloc[0]].endswith("-open")
    assert "Low confidence" in " ".join(trace.name for trace in traces(timeline.rulings_timeline(marked), "key"))


def test_the_legend_names_the_outcomes_and_court_levels_present(rulings):
    key = [trace.name for trace in traces(timeline.rulings_timeline(rulings), "key")]
    outcomes = [labels.label("outcome", code) for code in timeline.OUTCOMES if code in set(rulings["outcome"].astype(str))]
    levels = [labels.label("court_level", code) for code in timeline.LEVELS if code in set(rulings["court_level"].astype(str))]
    assert key == outcomes + levels


def test_hover_text_and_lane_labels_show_markup_from_the_data_as_text(rulings):
    attacked = rulings.copy()
    attacked.loc[attacked.index[0], ["case_name", "case_group", "judge"]] = XSS
    figure = timeline.rulings_timeline(attacked)
    hovers = [text for trace in traces(figure, "rulings") for text in trace.hovertext]
    shown = " ".join(hovers + [annotation.text for annotation in figure.layout.annotations] + [trace.name for trace in figure.data])
    assert XSS not in shown
    assert html.escape(XSS) in " ".join(hovers)
    assert any(html.escape(XSS) in annotation.text for annotation in figure.layout.annotations)


def test_the_figure_carries_title_subtitle_source_line_and_as_of_date(tables, rulings):
    figure = timeline.rulings_timeline(rulings, tables["sources"])
    notes = " ".join(annotation.text for annotation in figure.layout.annotations).replace("<br>", " ")
    latest = rulings.sort_values("date").iloc[-1]
    assert f"Sources: {rulings['source_id'].nunique()} sources" in notes
    assert transforms.date_label(latest["date"], latest["date_precision"]) in notes
    assert figure.layout.title.text and figure.layout.title.subtitle.text
    assert figure.layout.legend.orientation == "h" and figure.layout.legend.y < 0


def test_the_as_of_date_can_be_the_whole_datas_while_a_filter_is_on(rulings):
    one_case = timeline.filter_rulings(rulings, cases=[rulings["case_group"].iloc[0]])
    figure = timeline.rulings_timeline(one_case, as_of=timeline.as_of_label(rulings))
    assert any(timeline.as_of_label(rulings) in annotation.text for annotation in figure.layout.annotations)


def test_no_matching_rulings_draws_an_empty_chart_with_a_notice(rulings):
    figure = timeline.rulings_timeline(rulings.iloc[0:0])
    assert not traces(figure, "rulings") and not traces(figure, "lane")
    assert any("No rulings match" in annotation.text for annotation in figure.layout.annotations)


def test_filters_keep_exactly_the_chosen_cases_and_levels(rulings):
    case, level = rulings["case_group"].iloc[0], str(rulings["court_level"].iloc[0])
    chosen = timeline.filter_rulings(rulings, cases=[case], levels=[level])
    expected = rulings[(rulings["case_group"] == case) & (rulings["court_level"].astype(str) == level)]
    assert sorted(chosen["ruling_id"]) == sorted(expected["ruling_id"])
    assert len(timeline.filter_rulings(rulings)) == len(rulings)


def test_the_table_has_one_row_per_ruling_drawn_with_missing_dockets_said_so(tables, rulings):
    table = timeline.rulings_table(rulings, tables["sources"])
    assert table["Ruling id"].tolist() == rulings["ruling_id"].tolist()
    missing = rulings["docket"].isna().to_numpy()
    assert missing.any()
    assert (table.loc[missing, "Docket"] == timeline.NOT_RECORDED).all()
    assert table.loc[~missing, "Docket"].tolist() == rulings.loc[~missing, "docket"].tolist()
    assert table["Source"].tolist() == rulings["source_id"].map(tables["sources"].set_index("source_id")["publisher"]).tolist()


def test_related_events_split_the_ids_and_bring_title_date_and_status(tables, rulings):
    ruling = rulings[rulings["related_event_ids"].notna()].iloc[0]
    ids = ruling["related_event_ids"].split(";")
    related = timeline.related_events(ruling, tables["events"])
    events = tables["events"].set_index("event_id").loc[ids]
    assert related["event_id"].tolist() == ids
    assert related["title"].tolist() == events["title"].tolist()
    assert related["status"].tolist() == [labels.label("event_status", status) for status in events["status"]]
    assert timeline.related_event_ids(" a;b ;;a") == ["a", "b"]


def test_map_links_are_built_only_for_plain_event_ids():
    assert timeline.map_link_params("cecot-arrival-2025") == {"map_event": "cecot-arrival-2025"}
    assert timeline.map_link_params("x&map_type=arrest") is None
    assert timeline.map_link_params(XSS) is None


def test_details_say_when_a_docket_was_not_recorded(rulings):
    ruling = rulings[rulings["docket"].isna()].iloc[0]
    assert dict(timeline.ruling_details(ruling))["Docket"] == timeline.NOT_RECORDED


def test_quotes_are_escaped_markdown_block_quotes():
    quoted = quote_markdown("first *line*\nsecond [link](x)")
    assert quoted.splitlines() == ["> first \\*line\\*", "> second \\[link\\]\\(x\\)"]


def test_an_event_knows_the_rulings_that_list_it():
    rulings = pd.DataFrame(
        {
            "ruling_id": ["a", "b", "c"],
            "date": pd.to_datetime(["2025-03-15", "2025-04-07", "2025-05-01"]),
            "date_precision": ["day"] * 3,
            "case_name": ["One", "Two", "Three"],
            "court_level": ["district", "supreme", "appeals"],
            "related_event_ids": ["e1;e2", None, "e2"],
        }
    )
    assert list(timeline.rulings_about_event(rulings, "e2")) == ["c", "a"]  # newest first
    assert timeline.rulings_about_event(rulings, "e9") == {}
