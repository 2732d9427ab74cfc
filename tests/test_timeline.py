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


def decisions(rulings: pd.DataFrame) -> pd.DataFrame:
    return rulings[rulings["proceeding"].astype(str) == "decision"]


def plotted(figure, roles=("rulings",)) -> pd.DataFrame:
    """One row per marker drawn: ruling_id, colour and symbol."""
    rows = []
    for trace in [trace for role in roles for trace in traces(figure, role)]:
        for ruling_id, symbol in zip(trace.customdata, trace.marker.symbol):
            rows.append({"ruling_id": ruling_id, "color": trace.marker.color, "symbol": symbol})
    return pd.DataFrame(rows, columns=["ruling_id", "color", "symbol"])


def test_there_is_one_lane_per_case_group_ordered_by_first_ruling(rulings):
    first = rulings.groupby("case_group")["date"].min()
    aea = rulings.groupby("case_group")["aea_case"].any()
    about = rulings.groupby("case_group")["about_tda"].any()
    expected = [html.escape(timeline.case_label(group, aea[group], about[group])) for group in sorted(first.index, key=lambda group: (first[group], group))]
    figure = timeline.rulings_timeline(rulings)
    assert [lane.name for lane in traces(figure, "lane")] == expected
    lane_y = [lane.y[0] for lane in traces(figure, "lane")]
    assert lane_y[0] == 0 and all(after - before >= 1 - 1e-9 for before, after in zip(lane_y, lane_y[1:]))  # a lane apart, more where marks stack


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
    context = set(rulings.loc[~rulings["about_tda"], "case_group"])
    assert not_aea, "the shipped data has non-AEA cases"
    for lane in traces(figure, "lane"):
        marked = lane.name.endswith(timeline.NOT_AEA) or lane.name.startswith(timeline.CONTEXT)
        assert marked == any(lane.name in (html.escape(f"{group} {timeline.NOT_AEA}"), html.escape(f"{timeline.CONTEXT}{group}")) for group in not_aea | context)
        assert (lane.line.dash == "dot") == marked


def test_cases_not_about_tren_de_aragua_are_labelled_context_in_lane_table_and_details(tables, rulings):
    context = rulings[~rulings["about_tda"]]
    assert len(context), "the shipped data has related cases shown for context"
    figure = timeline.rulings_timeline(rulings, tables["sources"])
    lanes = {lane.name for lane in traces(figure, "lane")}
    for group in set(context["case_group"]):
        assert html.escape(f"{timeline.CONTEXT}{group}") in lanes
    assert any(timeline.CONTEXT_NOTE.split()[0] in annotation.text and annotation.name == "note" for annotation in figure.layout.annotations)
    table = timeline.rulings_table(rulings, tables["sources"])
    assert (table.loc[~rulings["about_tda"].to_numpy(), "Case"].str.startswith(timeline.CONTEXT)).all()
    assert not table.loc[rulings["about_tda"].to_numpy(), "Case"].str.startswith(timeline.CONTEXT).any()
    assert dict(timeline.ruling_details(context.iloc[0]))["Case"].startswith(timeline.CONTEXT)


def test_every_ruling_is_one_marker_coloured_by_its_outcome(rulings):
    drawn = plotted(timeline.rulings_timeline(rulings)).merge(rulings, on="ruling_id", validate="one_to_one")
    assert sorted(drawn["ruling_id"]) == sorted(decisions(rulings)["ruling_id"])
    assert sorted(plotted(timeline.rulings_timeline(rulings), ("rulings", "arguments"))["ruling_id"]) == sorted(rulings["ruling_id"])
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
    outcomes = [labels.label("outcome", code) for code in timeline.OUTCOMES if code in set(decisions(rulings)["outcome"].astype(str))]
    levels = [labels.label("court_level", code) for code in timeline.LEVELS if code in set(rulings["court_level"].astype(str))]
    argued = [timeline.ARGUMENT_KEY] if (rulings["proceeding"].astype(str) == "oral_argument").any() else []
    low = ["Low confidence (hollow)"] if (rulings["confidence"].astype(str) == "low").any() else []
    assert key == outcomes + levels + low + argued


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


def test_an_oral_argument_is_a_labelled_grey_tick_not_a_ruling(tables, rulings):
    argued = rulings[rulings["proceeding"].astype(str) == "oral_argument"]
    assert len(argued), "the shipped data has an oral argument"
    figure = timeline.rulings_timeline(rulings, tables["sources"])
    [trace] = traces(figure, "arguments")
    assert sorted(trace.customdata) == sorted(argued["ruling_id"])
    assert trace.marker.color == theme.GREY and trace.marker.symbol.startswith("line-ns")
    assert set(trace.text) == {"argued"}
    assert all("Oral argument" in hover and "not a ruling" in hover for hover in trace.hovertext)
    ruling = argued.iloc[0]
    assert dict(timeline.ruling_details(ruling))["Proceeding"] == timeline.PROCEEDINGS["oral_argument"]
    assert "oral argument, not a ruling" in timeline.ruling_picker_choices(rulings)[ruling["ruling_id"]]
    table = timeline.rulings_table(rulings, tables["sources"]).set_index("Ruling id")
    assert table.loc[ruling["ruling_id"], "Proceeding"] == timeline.PROCEEDINGS["oral_argument"]


def test_the_first_date_label_sits_at_the_first_ruling(rulings):
    figure = timeline.rulings_timeline(rulings)
    first = rulings.loc[rulings["date"].idxmin()]
    assert pd.Timestamp(figure.layout.xaxis.tickvals[0]) == first["date"]
    assert figure.layout.xaxis.ticktext[0].replace("<br>", " ") == f"{first['date'].day} {transforms.MONTHS[first['date'].month - 1][:3]} {first['date'].year}"
    assert pd.Timestamp(figure.layout.xaxis.range[0]) < first["date"]
    ticks = [pd.Timestamp(day) for day in figure.layout.xaxis.tickvals]
    assert ticks == sorted(ticks) and len(ticks) >= 3
    assert all(later - earlier >= pd.Timedelta(days=25) for earlier, later in zip(ticks, ticks[1:]))  # labels do not collide


def test_the_first_tick_is_as_precise_as_the_first_date():
    values, texts = timeline.date_ticks(pd.Timestamp("2025-03-01"), pd.Timestamp("2025-12-01"), "month")
    assert values[0] == pd.Timestamp("2025-03-01") and texts[0] == "Mar<br>2025"


def marks_on_a_phone(figure) -> list[tuple[float, float]]:
    """(x px, y px) of every ruling's mark on a phone-wide plot."""
    lo, hi = (pd.Timestamp(bound) for bound in figure.layout.xaxis.range)
    points = []
    for trace in traces(figure, "rulings") + traces(figure, "arguments"):
        for day, y in zip(trace.x, trace.y):
            points.append(((pd.Timestamp(day) - lo) / (hi - lo) * timeline.NARROW_PLOT_PX, y * timeline.LANE_PX))
    return points


def test_marks_on_the_same_or_nearby_days_do_not_overlap_on_a_phone(rulings):
    abrego = rulings[rulings["case_group"] == "Abrego Garcia v. Noem"]
    assert len(abrego) == 3 and (abrego["date"].max() - abrego["date"].min()).days < 10  # three marks in a week of April 2025
    points = marks_on_a_phone(timeline.rulings_timeline(rulings))
    assert len(points) == len(rulings)
    for index, (x, y) in enumerate(points):
        for other_x, other_y in points[index + 1:]:
            assert abs(x - other_x) >= timeline.MARK_PX - 2 or abs(y - other_y) >= 13, ((x, y), (other_x, other_y))


def test_stacked_marks_stay_above_the_next_lanes_label(rulings):
    figure = timeline.rulings_timeline(rulings)
    lane_y = [lane.y[0] for lane in traces(figure, "lane")]
    marks = [y for trace in traces(figure, "rulings") + traces(figure, "arguments") for y in trace.y]
    for this_lane, next_lane in zip(lane_y, lane_y[1:]):
        inside = [y for y in marks if this_lane <= y < next_lane]
        assert (next_lane - max(inside)) * timeline.LANE_PX >= 40  # a label's height plus half a mark


def test_stacking_puts_a_same_day_mark_below_and_a_far_one_back_on_the_line():
    frame = pd.DataFrame(
        {"ruling_id": ["a", "b", "c", "d"], "case_group": ["X"] * 4, "date": pd.to_datetime(["2025-04-04", "2025-04-04", "2025-04-07", "2025-06-01"])}
    )
    assert timeline.stack_rows(frame, pd.Timedelta(days=10)).tolist() == [0, 1, 2, 0]


def test_the_court_document_is_shown_beside_the_news_source(tables, rulings):
    linked = rulings.copy()
    linked["court_url"] = linked["court_url"].astype(object)
    linked.loc[linked.index[0], "court_url"] = "https://www.supremecourt.gov/opinions/24pdf/24a931_2c83.pdf"
    table = timeline.rulings_table(linked, tables["sources"])
    assert list(table.columns).index("Court document") == list(table.columns).index("Source link") + 1
    assert table["Court document"].iloc[0].startswith("https://www.supremecourt.gov/")
    assert timeline.court_document(linked.iloc[0]).startswith("https://www.supremecourt.gov/")
    assert timeline.court_document(linked.iloc[1]) is None or linked["court_url"].iloc[1]
    assert timeline.court_document(pd.Series({"court_url": "javascript:alert(1)"})) is None


def test_the_picker_finds_a_ruling_by_judge_court_or_docket(rulings):
    choices = timeline.ruling_picker_choices(rulings)
    assert list(choices) == list(timeline.ruling_choices(rulings))  # same rulings, same order: newest first
    for _, ruling in rulings.iterrows():
        label = choices[ruling["ruling_id"]]
        for words in (ruling["case_name"], ruling["court"], ruling["judge"]):
            assert words in label
        if isinstance(ruling["docket"], str):
            assert ruling["docket"] in label
    boasberg = [ruling_id for ruling_id, label in choices.items() if "boasberg" in label.lower()]
    assert set(boasberg) == set(rulings.loc[rulings["judge"].str.contains("Boasberg"), "ruling_id"])
