"""The charts draw exactly the rows of the CSVs, name who made each number, and carry their source and as-of inside."""

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from components import charts, theme, transforms


def plain(text: str) -> str:
    """Figure text as a reader sees it: line breaks undone, tags dropped, entities decoded."""
    for tag in ("<br>", "<b>", "</b>"):
        text = text.replace(tag, " ")
    return " ".join(html.unescape(text).split())


def annotations(figure: go.Figure, name: str) -> list[str]:
    return [plain(annotation.text) for annotation in figure.layout.annotations if annotation.name == name]


def traces_by(figure: go.Figure, key: str) -> dict:
    return {trace.meta[key]: trace for trace in figure.data if isinstance(trace.meta, dict) and key in trace.meta}


def all_charts(tables) -> dict[str, go.Figure]:
    figures, sources = tables["figures"], tables["sources"]
    return {
        "membership": charts.membership_estimates(figures, sources),
        "profits": charts.profit_estimates(figures, sources),
        "population": charts.population_over_time(figures, sources),
        "encounters_month": charts.encounters(tables["series"], tables["milestones"], tables["rulings"], sources, "month"),
        "encounters_fiscal_year": charts.encounters(tables["series"], tables["milestones"], tables["rulings"], sources, "fiscal_year"),
        "gang_links": charts.gang_links_in_context(figures, sources),
    }


def test_membership_chart_draws_every_estimate_once_with_its_estimator(tables):
    membership = tables["figures"][tables["figures"]["metric"] == "membership"]
    drawn = traces_by(charts.membership_estimates(tables["figures"], tables["sources"]), "figure_id")
    assert set(drawn) == set(membership["figure_id"])
    for _, row in membership.iterrows():
        trace = drawn[row["figure_id"]]
        assert html.escape(row["estimator"], quote=False) in trace.name
        shape = charts.estimate_shape(row)
        if shape == "more_than":
            assert trace.x[0] == row["low"] and trace.x[1] > row["low"]  # an arrow from the bound, never a value
        elif shape == "range":
            assert trace.x[0] == row["low"] and trace.x[-1] == row["high"]
        else:
            assert list(trace.x) == [row["value"]]


def test_membership_labels_name_the_estimator_and_the_marks(tables):
    membership = charts.membership_rows(tables["figures"])
    figure = charts.membership_estimates(tables["figures"], tables["sources"])
    assert annotations(figure, "estimate_label") == [charts.estimate_label(row) for _, row in membership.iterrows()]
    for label, (_, row) in zip(annotations(figure, "estimate_label"), membership.iterrows()):
        assert row["estimator"] in label
        assert ("low confidence" in label) == (row["confidence"] == "low")
        assert ("derived" in label) == bool(row["computed"])


def test_low_confidence_estimates_are_hollow_and_derived_ones_are_diamonds(tables):
    membership = tables["figures"][tables["figures"]["metric"] == "membership"].set_index("figure_id")
    assert (membership["confidence"] == "low").any() and membership["computed"].any()  # the data has both kinds
    for figure_id, trace in traces_by(charts.membership_estimates(tables["figures"], tables["sources"]), "figure_id").items():
        first_symbol = trace.marker.symbol[0]
        assert first_symbol.endswith("-open") == (membership.loc[figure_id, "confidence"] == "low")
        assert first_symbol.startswith("diamond") == bool(membership.loc[figure_id, "computed"])


def test_membership_value_labels_say_more_than_for_lower_bounds(tables):
    membership = charts.membership_rows(tables["figures"])
    labels_drawn = annotations(charts.membership_estimates(tables["figures"], tables["sources"]), "value_label")
    assert labels_drawn == [transforms.figure_value_label(row) + (" (derived)" if row["computed"] else "") for _, row in membership.iterrows()]
    assert any(label.startswith("more than") for label in labels_drawn)


def test_profits_are_drawn_as_ranges(tables):
    profits = tables["figures"][tables["figures"]["metric"] == "annual_profits_usd"]
    drawn = traces_by(charts.profit_estimates(tables["figures"], tables["sources"]), "figure_id")
    assert len(profits) and all(charts.estimate_shape(row) == "range" for _, row in profits.iterrows())
    for _, row in profits.iterrows():
        assert drawn[row["figure_id"]].x[0] == row["low"] and drawn[row["figure_id"]].x[-1] == row["high"]


def test_population_series_never_join_definitions(tables):
    population = charts.population_rows(tables["figures"])
    figure = charts.population_over_time(tables["figures"], tables["sources"])
    assert len(figure.data) == population["series"].nunique()
    for trace in figure.data:
        rows = population.set_index("figure_id").loc[trace.meta["figure_ids"]]
        assert rows["definition"].nunique() == 1 and rows["organisation"].nunique() == 1
        assert "lines" not in trace.mode
        assert list(trace.y) == rows["value"].tolist()
    drawn = [figure_id for trace in figure.data for figure_id in trace.meta["figure_ids"]]
    assert sorted(drawn) == sorted(tables["figures"].loc[tables["figures"]["metric"] == "venezuelan_population_us", "figure_id"])


def test_population_origin_counts_are_apart_from_foreign_born_counts(tables):
    population = charts.population_rows(tables["figures"])
    origin = population[population["label"].str.contains("origin")]
    foreign_born = population[population["label"].str.contains("foreign-born|immigrants", regex=True)]
    assert set(origin["series"]).isdisjoint(foreign_born["series"])


def test_population_low_confidence_points_are_hollow_and_say_so(tables):
    population = charts.population_rows(tables["figures"]).set_index("figure_id")
    assert (population["confidence"] == "low").any()
    for trace in charts.population_over_time(tables["figures"], tables["sources"]).data:
        for figure_id, symbol, words in zip(trace.meta["figure_ids"], trace.marker.symbol, trace.text):
            low = population.loc[figure_id, "confidence"] == "low"
            assert symbol.endswith("-open") == low
            assert ("low confidence" in words) == low


def encounter_values(tables, period_kind: str) -> dict[str, list[int]]:
    series = tables["series"]
    chosen = series[series["series_id"].isin(charts.ENCOUNTER_SERIES) & (series["period_kind"] == period_kind)]
    return {series_id: group.sort_values("period_start")["value"].tolist() for series_id, group in chosen.groupby(chosen["series_id"].astype(str))}


@pytest.mark.parametrize("period_kind, trace_type", [("month", "scatter"), ("fiscal_year", "bar")])
def test_encounters_draw_the_series_rows_of_the_chosen_period(tables, period_kind, trace_type):
    figure = charts.encounters(tables["series"], tables["milestones"], tables["rulings"], tables["sources"], period_kind)
    drawn = traces_by(figure, "series_id")
    assert {series_id: list(trace.y) for series_id, trace in drawn.items()} == encounter_values(tables, period_kind)
    assert {trace.type for trace in drawn.values()} == {trace_type}
    geography = {str(series_id): place for series_id, place in zip(tables["series"]["series_id"], tables["series"]["geography"])}
    assert {series_id: trace.name for series_id, trace in drawn.items()} == {series_id: geography[series_id] for series_id in drawn}


def test_a_partial_fiscal_year_is_hatched_starred_and_explained(tables):
    series = tables["series"]
    fiscal = series[series["series_id"].isin(charts.ENCOUNTER_SERIES) & (series["period_kind"] == "fiscal_year")]
    partial = set(fiscal.loc[~fiscal["period_complete"], "period"])
    assert partial  # the shipped data ends inside a fiscal year
    figure = charts.encounters(series, tables["milestones"], tables["rulings"], tables["sources"], "fiscal_year")
    for trace in traces_by(figure, "series_id").values():
        for period, shape in zip(trace.meta["periods"], trace.marker.pattern.shape):
            assert (shape == "/") == (period in partial)
    ticks = [plain(tick) for tick in figure.layout.xaxis.ticktext]
    assert {tick.replace(" ", "").rstrip("*") for tick in ticks if tick.endswith("*")} == partial
    note = " ".join(annotations(figure, "note"))
    assert all(f"{period} is partial" in note for period in partial)
    assert annotations(figure, "partial_mark")


def test_encounter_dates_come_from_milestones_and_supreme_court_rulings(tables):
    milestones, rulings = tables["milestones"], tables["rulings"]
    chosen = milestones[milestones["kind"].isin(charts.ANNOTATED_MILESTONE_KINDS) & (milestones["country"] == charts.ANNOTATED_MILESTONE_COUNTRY)]
    supreme = rulings[rulings["court_level"] == "supreme"]
    expected = sorted(list(chosen["date"]) + list(supreme["date"]))
    figure = charts.encounters(tables["series"], milestones, rulings, tables["sources"], "month")
    assert sorted(pd.Timestamp(shape.x0) for shape in figure.layout.shapes) == expected
    assert len(annotations(figure, "date_mark")) == len(expected)
    key = annotations(figure, "dates")[0]
    for title in chosen["title"]:
        assert title in key
    for case in supreme["case_name"]:
        assert case in key


def test_encounter_date_marks_do_not_touch_on_a_phone(tables):
    figure = charts.encounters(tables["series"], tables["milestones"], tables["rulings"], tables["sources"], "month")
    lo, hi = (pd.Timestamp(bound) for bound in figure.layout.xaxis.range)
    marks = [annotation for annotation in figure.layout.annotations if annotation.name == "date_mark"]
    centres = sorted((pd.Timestamp(mark.x) - lo) / (hi - lo) * charts.NARROW_PLOT_PX + mark.ax for mark in marks)
    assert all(right - left >= 18 for left, right in zip(centres, centres[1:]))


def test_encounters_carry_their_definition_from_the_method_note(tables):
    for period_kind in charts.PERIODS:
        figure = charts.encounters(tables["series"], tables["milestones"], tables["rulings"], tables["sources"], period_kind)
        assert annotations(figure, "definition") == [charts.ENCOUNTERS_DEFINITION]


def test_gang_links_are_compared_with_the_latest_mpi_population(tables):
    figures = tables["figures"]
    mpi = figures[(figures["metric"] == "venezuelan_population_us") & (figures["estimator"] == charts.CONTEXT_POPULATION_ESTIMATOR)]
    base = mpi.loc[mpi["as_of"].idxmax()]
    linked = figures[figures["metric"].isin(charts.GANG_LINK_METRICS) & (figures["geography"] == base["geography"])]
    table = charts.gang_link_table(figures)
    assert table["figure_id"].tolist()[0] == base["figure_id"]
    assert sorted(table["figure_id"].tolist()[1:]) == sorted(linked["figure_id"])
    figure = charts.gang_links_in_context(figures, tables["sources"])
    assert figure.layout.xaxis.type == "linear"  # no log axis: the drawn quantity is the rate, the count its label
    drawn = traces_by(figure, "figure_id")
    for _, row in linked.iterrows():
        count = row["value"] if not pd.isna(row["value"]) else row["low"]
        rate = count / base["value"] * charts.PER
        assert drawn[row["figure_id"]].x[0] == pytest.approx(rate)
        assert drawn[row["figure_id"]].meta["value"] == count
        assert drawn[row["figure_id"]].meta["per_10000"] == pytest.approx(rate)
    expected = [f"about {round(count / base['value'] * charts.PER):,}" for count in linked["value"].fillna(linked["low"])]
    value_labels = " ".join(annotations(figure, "value_label"))
    assert all(words in value_labels for words in expected)


def test_gang_links_leave_out_counts_for_another_geography(tables):
    figures = tables["figures"]
    table = charts.gang_link_table(figures)
    other = figures[figures["metric"].isin(charts.GANG_LINK_METRICS) & (figures["geography"] != table["geography"].iloc[0])]
    assert not set(other["figure_id"]) & set(table["figure_id"])


@pytest.mark.parametrize("name", ["membership", "profits", "population", "encounters_month", "encounters_fiscal_year", "gang_links"])
def test_every_chart_has_title_subtitle_source_and_as_of_inside(tables, name):
    figure = all_charts(tables)[name]
    assert plain(figure.layout.title.text) and plain(figure.layout.title.subtitle.text)
    [source] = annotations(figure, "source")
    [as_of] = annotations(figure, "as_of")
    assert source.startswith("Source") and as_of.startswith("As of")
    cited = {trace_source for trace_source in cited_sources(tables, name)}
    publishers = tables["sources"].set_index("source_id").loc[sorted(cited), "publisher"]
    assert all(publisher in source for publisher in publishers)
    assert figure.layout.font.family == theme.FONT
    assert all(annotation.yshift < 0 for annotation in figure.layout.annotations if annotation.name in ("source", "as_of"))


def cited_sources(tables, name: str) -> set[str]:
    figures, series = tables["figures"], tables["series"]
    if name == "membership":
        return set(charts.membership_rows(figures)["source_id"])
    if name == "profits":
        return set(charts.profit_rows(figures)["source_id"])
    if name == "population":
        return set(charts.population_rows(figures)["source_id"])
    if name == "gang_links":
        return set(charts.gang_link_table(figures)["source_id"])
    period_kind = name.removeprefix("encounters_")
    dates = charts.marked_dates(series, tables["milestones"], tables["rulings"], period_kind)
    return set(charts.encounter_rows(series, period_kind)["source_id"]) | set(dates["source_id"])


def test_as_of_is_the_latest_date_of_the_rows_drawn(tables):
    membership = charts.membership_rows(tables["figures"])
    latest = membership.loc[membership["as_of"].idxmax()]
    [as_of] = annotations(charts.membership_estimates(tables["figures"], tables["sources"]), "as_of")
    assert as_of.startswith(f"As of {charts.short_date(latest['as_of'], latest['as_of_precision'])}")
    months = charts.encounter_rows(tables["series"], "month")
    [as_of] = annotations(charts.encounters(tables["series"], tables["milestones"], tables["rulings"], tables["sources"], "fiscal_year"), "as_of")
    assert as_of.startswith(f"As of {charts.short_date(months['period_start'].max(), 'month')}")


def test_text_from_the_data_is_shown_as_text_not_markup(tables):
    figures = tables["figures"].copy()
    row = figures.index[figures["metric"] == "membership"][0]
    figures.loc[row, "estimator"] = "<img src=x onerror=alert(1)>"
    figure = charts.membership_estimates(figures, tables["sources"])
    spec = figure.to_json()
    assert "<img" not in spec and "&lt;img src=x onerror=alert(1)&gt;" in spec


def test_a_range_with_only_an_upper_bound_points_down_from_it(tables):
    figures = tables["figures"].copy()
    row = figures.index[figures["metric"] == "membership"][0]
    figures.loc[row, ["low", "high"]] = [np.nan, figures.loc[row, "value"]]
    trace = traces_by(charts.membership_estimates(figures, tables["sources"]), "figure_id")[figures.loc[row, "figure_id"]]
    assert trace.meta["shape"] == "up_to" and trace.x[-1] == figures.loc[row, "value"] and trace.x[0] < trace.x[-1]


def test_source_line_names_each_publisher_once_with_dates(tables):
    sources = tables["sources"]
    dated = sources[sources["published"].notna()].iloc[0]
    undated = sources[sources["published"].isna()].iloc[0]
    line = charts.source_line([dated["source_id"], undated["source_id"], dated["source_id"]], sources)
    assert line.count(dated["publisher"]) == 1
    assert charts.short_date(dated["published"], dated["published_precision"]) in line
    assert f"{undated['publisher']} (n.d.)" in line


def test_charts_of_empty_tables_draw_nothing_and_do_not_fail(tables):
    empty = {name: frame.iloc[0:0] for name, frame in tables.items()}
    for figure in all_charts(empty).values():
        assert not [trace for trace in figure.data if isinstance(trace.meta, dict)]


@pytest.mark.parametrize("image_format", list(charts.IMAGE_FORMATS))
def test_modebar_exports_the_chosen_format_under_a_descriptive_name(image_format):
    config = charts.chart_config("tren-de-aragua-membership-estimates", image_format)
    assert config["toImageButtonOptions"]["format"] == image_format
    assert config["toImageButtonOptions"]["filename"] == "tren-de-aragua-membership-estimates"
    assert config["displaylogo"] is False


def test_tables_hold_exactly_the_rows_drawn(tables):
    figures = tables["figures"]
    membership = charts.membership_rows(figures)
    assert charts.figure_table(membership)["figure_id"].tolist() == membership["figure_id"].tolist()
    rows = charts.encounter_rows(tables["series"], "fiscal_year")
    drawn = traces_by(charts.encounters(tables["series"], tables["milestones"], tables["rulings"], tables["sources"], "fiscal_year"), "series_id")
    table = charts.encounter_table(rows)
    assert sum(len(trace.y) for trace in drawn.values()) == len(table)
    assert table["value"].tolist() == [value for trace in drawn.values() for value in trace.y]


def test_table_notes_list_each_note_once(tables):
    table = charts.encounter_table(charts.encounter_rows(tables["series"], "fiscal_year"))
    notes = charts.table_notes(table, "period")
    assert len(notes) == len(set(notes)) == table["notes"].nunique()


def test_year_only_dates_are_never_shown_as_days():
    assert charts.short_date(pd.Timestamp("2024-01-01"), "year") == "2024"
    assert charts.short_date(pd.Timestamp("2024-10-01"), "month") == "Oct 2024"
    assert charts.plotted_at(pd.Timestamp("2024-01-01"), "year") == pd.Timestamp("2024-07-01")


def test_gang_links_draw_no_bars_and_start_their_linear_axis_at_zero(tables):
    figure = charts.gang_links_in_context(tables["figures"], tables["sources"])
    assert {trace.type for trace in figure.data} == {"scatter"}
    assert figure.layout.xaxis.type == "linear" and figure.layout.xaxis.range[0] == 0
    rates = [trace.meta["per_10000"] for trace in figure.data]
    assert max(trace_x for trace in figure.data for trace_x in trace.x) <= figure.layout.xaxis.range[1]
    assert all(0 < rate < 100 for rate in rates)  # comparable quantities: no mark a thousand times the others


def test_gang_links_say_what_the_comparison_means_and_label_the_counts(tables):
    figures = tables["figures"]
    rows, base = charts.gang_link_rows(figures)
    figure = charts.gang_links_in_context(figures, tables["sources"])
    note = " ".join(annotations(figure, "note"))
    assert "divided by" in note and transforms.number_label(base["value"]) in note and "our arithmetic" in note
    assert "per 10,000" in plain(figure.layout.title.subtitle.text).lower()
    labels_drawn = annotations(figure, "value_label")
    assert len(labels_drawn) == len(rows)
    for label, (_, row) in zip(labels_drawn, rows.iterrows()):
        assert label.startswith(transforms.figure_value_label(row)) and "in 10,000" in label
    more_than = [trace for trace in figure.data if trace.meta["shape"] == "more_than"]
    assert more_than and all(trace.marker.symbol[-1] == "triangle-right" for trace in more_than)


def test_every_chart_reserves_a_band_above_its_title_for_the_toolbar(tables):
    for name, figure in all_charts(tables).items():
        assert figure.layout.title.pad.t >= charts.MODEBAR_PX, name
        assert figure.layout.margin.t > figure.layout.title.pad.t, name


def test_every_shipped_figure_is_in_a_chart_or_in_the_other_figures_table(tables):
    figures = tables["figures"]
    shown = charts.drawn_figure_ids(figures) | set(charts.other_figures_table(figures, tables["sources"])["figure_id"])
    assert set(figures["figure_id"]) <= shown
    assert not charts.drawn_figure_ids(figures) & set(charts.other_figure_rows(figures)["figure_id"])  # each figure in one place


def test_the_other_figures_table_gives_estimator_as_of_value_confidence_and_source(tables):
    figures, sources = tables["figures"], tables["sources"]
    table = charts.other_figures_table(figures, sources)
    rows = charts.other_figure_rows(figures).set_index("figure_id")
    assert len(table) and {"aea_removals", "reward_usd"} <= set(rows["metric"].astype(str))
    publishers = sources.set_index("source_id")["publisher"]
    for _, shown in table.iterrows():
        row = rows.loc[shown["figure_id"]]
        assert shown["estimator"] == row["estimator"]
        assert shown["as_of"] == transforms.date_label(row["as_of"], row["as_of_precision"])
        assert shown["value"] == transforms.figure_value_label(row) + (" (derived)" if row["computed"] else "")
        assert shown["derived"] == bool(row["computed"])
        assert shown["source"] == publishers[row["source_id"]]
    assert table["derived"].any()  # the shipped data has a derived figure no chart draws


def test_a_derived_value_is_marked_in_tables_and_hover_text(tables):
    figures = tables["figures"]
    membership = charts.membership_rows(figures)
    table = charts.figure_table(membership)
    for reads_as, computed in zip(table["reads as"], table["computed"]):
        assert reads_as.endswith("(derived)") == computed
    derived = membership[membership["computed"]].iloc[0]
    trace = traces_by(charts.membership_estimates(figures, tables["sources"]), "figure_id")[derived["figure_id"]]
    assert "(derived)" in trace.hovertext[0]
