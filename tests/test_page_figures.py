"""The Figures page draws what the data says, keeps the period choice in the URL, and changes when a CSV changes."""

import base64
import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from components import charts, downloads
from components.validation import DATA_DIR, load_package
from tests.helpers import open_page, read_rows, set_cell

PAGE = "app_pages/figures.py"


def open_figures(query: dict[str, list[str]] | None = None) -> AppTest:
    return open_page(PAGE, query)


def values(array) -> list:
    """A spec array as a list: plotly 7 encodes numeric arrays as base64 typed arrays."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def chart_with(at: AppTest, meta_key: str) -> dict:
    """The one chart whose traces carry meta_key (series_id: encounters; figure_id: the estimate charts)."""
    found = [spec for spec in specs(at) if any(meta_key in (trace.get("meta") or {}) for trace in spec["data"])]
    return found[0]


def encounter_traces(at: AppTest) -> dict[str, dict]:
    spec = chart_with(at, "series_id")
    return {trace["meta"]["series_id"]: trace for trace in spec["data"] if "series_id" in (trace.get("meta") or {})}


def expected_encounters(period_kind: str) -> dict[str, list[int]]:
    series = load_package(DATA_DIR).tables["series"]
    chosen = series[series["series_id"].isin(charts.ENCOUNTER_SERIES) & (series["period_kind"] == period_kind)]
    return {str(series_id): group.sort_values("period_start")["value"].tolist() for series_id, group in chosen.groupby("series_id", observed=True)}


def test_figures_page_renders_every_chart_with_its_source_and_as_of():
    at = open_figures()
    assert not at.exception
    drawn = specs(at)
    assert len(drawn) == 5
    for spec in drawn:
        names = {annotation.get("name") for annotation in spec["layout"]["annotations"]}
        assert {"source", "as_of"} <= names
    assert len(at.get("download_button")) >= len(drawn)
    assert len(at.dataframe) >= len(drawn)


def test_period_switch_redraws_encounters_as_the_data_says():
    at = open_figures()
    monthly = encounter_traces(at)
    assert {series_id: values(trace["y"]) for series_id, trace in monthly.items()} == expected_encounters("month")
    assert {trace["type"] for trace in monthly.values()} == {"scatter"}
    at.segmented_control(key="figures_period").set_value("fiscal_year").run()
    yearly = encounter_traces(at)
    assert {series_id: values(trace["y"]) for series_id, trace in yearly.items()} == expected_encounters("fiscal_year")
    assert {trace["type"] for trace in yearly.values()} == {"bar"}
    assert at.query_params["figures_period"] == "fiscal_year"


def test_period_in_the_url_round_trips():
    at = open_figures({"figures_period": ["fiscal_year"]})
    assert not at.exception and not at.info
    assert at.segmented_control(key="figures_period").value == "fiscal_year"
    assert {trace["type"] for trace in encounter_traces(at).values()} == {"bar"}
    assert at.query_params["figures_period"] == "fiscal_year"
    at.segmented_control(key="figures_period").set_value("month").run()
    assert "figures_period" not in at.query_params  # the default keeps the link clean


def test_an_unknown_period_in_the_url_falls_back_with_a_notice():
    at = open_figures({"figures_period": ["weekly"]})
    assert not at.exception
    assert any("weekly" in notice.value for notice in at.info)
    assert at.segmented_control(key="figures_period").value == "month"
    assert {trace["type"] for trace in encounter_traces(at).values()} == {"scatter"}
    assert "figures_period" not in at.query_params


def test_a_changed_membership_value_changes_the_chart(data_copy, monkeypatch):
    header, rows = read_rows(data_copy / "figures.csv")
    position, row = next((index, row) for index, row in enumerate(rows) if row["metric"] == "membership" and not row["low"] and not row["high"])
    changed = int(float(row["value"])) + 1234
    set_cell(data_copy / "figures.csv", position, "value", str(changed))
    set_cell(data_copy / "figures.csv", position, "label", "Membership estimate")  # a label repeating the old number no longer validates
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    at = open_figures()
    assert not at.exception
    spec = chart_with(at, "figure_id")
    [trace] = [trace for trace in spec["data"] if trace["meta"]["figure_id"] == row["figure_id"]]
    assert values(trace["x"]) == [changed]
    value_labels = [annotation["text"] for annotation in spec["layout"]["annotations"] if annotation.get("name") == "value_label"]
    assert f"{changed:,}" in " ".join(value_labels)


def test_tables_under_the_charts_hold_the_rows_drawn():
    at = open_figures()
    figures = load_package(DATA_DIR).tables["figures"]
    membership = figures[figures["metric"] == "membership"]
    tables = [frame.value for frame in at.dataframe if "figure_id" in frame.value.columns]
    assert sorted(tables[0]["figure_id"]) == sorted(membership["figure_id"])
    encounter_table = next(frame.value for frame in at.dataframe if "series_id" in frame.value.columns)
    assert len(encounter_table) == sum(len(values) for values in expected_encounters("month").values())


def test_image_format_choice_sets_the_modebar_export():
    at = open_figures()
    at.segmented_control(key="figures_image").set_value("svg").run()
    configs = [json.loads(chart.proto.config) for chart in at.get("plotly_chart")]
    assert {config["toImageButtonOptions"]["format"] for config in configs} == {"svg"}
    assert all(config["toImageButtonOptions"]["filename"].startswith("tren-de-aragua-") for config in configs)
    assert at.query_params["figures_image"] == "svg"


def test_notes_from_the_data_are_escaped(data_copy, monkeypatch):
    header, rows = read_rows(data_copy / "figures.csv")
    position = next(index for index, row in enumerate(rows) if row["metric"] == "membership")
    set_cell(data_copy / "figures.csv", position, "notes", "<img src=x onerror=alert(1)> **bold**")
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    at = open_figures()
    assert not at.exception
    rendered = [block.value for block in at.markdown if "onerror" in block.value]
    assert rendered
    for markdown in rendered:  # every markup character arrives escaped, so it shows as typed
        assert markdown.count("<") == markdown.count("\\<") and markdown.count("*") == markdown.count("\\*")


def downloaded(at: AppTest, served: dict[str, bytes], key: str) -> list[dict[str, str]]:
    """A download button's CSV rows as text cells, as a spreadsheet reads them."""
    button = next(button for button in at.get("download_button") if button.proto.id.endswith(key))
    return list(csv.DictReader(io.StringIO(served[Path(button.proto.url).stem].decode("utf-8-sig"))))


def test_every_figure_in_the_data_is_shown_in_a_chart_table_or_the_other_figures_table():
    at = open_figures()
    figures = load_package(DATA_DIR).tables["figures"]
    shown = {figure_id for frame in at.dataframe if "figure_id" in frame.value.columns for figure_id in frame.value["figure_id"]}
    assert set(figures["figure_id"]) <= shown
    other = next(frame.value for frame in at.dataframe if {"what", "figure_id"} <= set(frame.value.columns))
    assert sorted(other["figure_id"]) == sorted(charts.other_figure_rows(figures)["figure_id"])
    assert any(header.value == "Other figures" for header in at.header)


@pytest.mark.parametrize("key", ["figures_membership-estimates_csv", "figures_gang-linked-migrants-in-context_csv", "figures_other_csv", "figures_dates_csv"])
def test_downloads_are_machine_friendly_with_source_quote_and_licence(served, key):
    at = open_figures()
    rows = downloaded(at, served, key)
    assert rows
    for row in rows:
        assert row["licence"] == downloads.LICENCE
        assert row["source_publisher"] and "source_url" in row and row["quote"]
        assert not {"None", "nan", "<NA>", "NaT"} & set(row.values())
        if "value" in row and row["value"]:
            assert row["value"].isdigit()  # 5000, never 5000.0
        for column in ("as_of", "date"):
            if row.get(column):
                assert row[f"{column}_precision"] in {"year", "month", "day"}
                assert len(row[column]) == {"year": 4, "month": 7, "day": 10}[row[f"{column}_precision"]]


def test_the_encounters_download_counts_are_integers_with_iso_period_bounds(served):
    at = open_figures()
    rows = downloaded(at, served, "figures_cbp-venezuelan-encounters-month_csv")
    assert rows and all(row["value"].isdigit() and len(row["period_start"]) == 10 for row in rows)
    assert {row["licence"] for row in rows} == {downloads.LICENCE}


def test_a_derived_figure_is_marked_in_the_page_tables_and_downloads(served):
    at = open_figures()
    figures = load_package(DATA_DIR).tables["figures"]
    derived = set(figures.loc[figures["computed"], "figure_id"])
    for frame in at.dataframe:
        table = frame.value
        if "figure_id" not in table.columns:
            continue
        marks = table["reads as"] if "reads as" in table.columns else table["value"]
        for figure_id, words in zip(table["figure_id"], marks):
            assert str(words).endswith("(derived)") == (figure_id in derived)
    rows = downloaded(at, served, "figures_membership-estimates_csv")
    assert {row["figure_id"] for row in rows if row["computed"] == "true"} == derived & {row["figure_id"] for row in rows}
