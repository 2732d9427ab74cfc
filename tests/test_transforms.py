"""Formatting and filtering helpers behave as readers expect."""

import pandas as pd
import pytest

from components import transforms
from components.validation import load_package
from tests.conftest import ROOT

TABLES = load_package(ROOT / "data").tables


@pytest.mark.parametrize(
    "start, precision, expected",
    [("2024-01-01", "year", "2024"), ("2024-10-01", "month", "October 2024"), ("2024-10-23", "day", "23 October 2024"), (None, None, "undated")],
)
def test_dates_are_written_as_precisely_as_their_source(start, precision, expected):
    assert transforms.date_label(pd.Timestamp(start) if start else None, precision) == expected


@pytest.mark.parametrize(
    "row, expected",
    [
        ({"value": 5000.0, "low": None, "high": None, "unit": "members"}, "5,000"),
        ({"value": 600.0, "low": 600.0, "high": None, "unit": "people"}, "more than 600"),
        ({"value": None, "low": 10_000_000.0, "high": 15_000_000.0, "unit": "USD per year"}, "$10m–$15m"),
        ({"value": 5_000_000.0, "low": None, "high": 5_000_000.0, "unit": "USD"}, "up to $5m"),
        ({"value": 15.0, "low": 15.0, "high": 23.0, "unit": "US states"}, "15 (15–23)"),
    ],
)
def test_figures_read_as_value_range_or_bound(row, expected):
    assert transforms.figure_value_label(pd.Series(row)) == expected


def test_filters_combine_and_empty_means_all():
    events = TABLES["events"]
    assert len(transforms.filter_events(events)) == len(events)
    chosen = transforms.filter_events(events, event_types=["arrest"], countries=["ESP"])
    assert len(chosen) == ((events["event_type"] == "arrest") & (events["country"] == "ESP")).sum() > 0
    since = pd.Timestamp("2025-01-01")
    assert (transforms.filter_events(events, start=since)["date"] >= since).all()


def test_every_cited_source_joins_onto_its_rows():
    joined = transforms.with_sources(TABLES["events"], TABLES["sources"])
    assert len(joined) == len(TABLES["events"]) and joined["publisher"].notna().all()


def test_citation_names_publisher_title_and_date():
    source = TABLES["sources"].iloc[0]
    text = transforms.citation(source)
    assert source["publisher"] in text and source["title"] in text
