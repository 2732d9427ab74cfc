"""The shipped data meets the newsroom's standards: sourced, complete, and consistent with the raw CBP rows."""

import pandas as pd
import pytest

from components.validation import load_package
from tests.conftest import ROOT

TABLES = load_package(ROOT / "data").tables
RAW_CBP = pd.read_csv(ROOT / "data" / "source" / "cbp_encounters_venezuela_state.csv")
FISCAL_MONTHS = {"OCT": 10, "NOV": 11, "DEC": 12, "JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9}


def raw_monthly(southwest_only: bool) -> pd.Series:
    rows = RAW_CBP[RAW_CBP["Land Border Region"] == "Southwest Land Border"] if southwest_only else RAW_CBP
    month = rows["Month (abbv)"].map(FISCAL_MONTHS)
    fiscal_year = rows["Fiscal Year"].astype(str).str[:4].astype(int)  # "2026 (FYTD)" in the latest release
    year = fiscal_year - (month >= 10)
    period = year.astype(str) + "-" + month.map("{:02d}".format)
    return rows.groupby(period)["Encounter Count"].sum()


@pytest.mark.parametrize("series_id, southwest_only", [("cbp_venezuela_nationwide", False), ("cbp_venezuela_southwest", True)])
def test_monthly_encounters_equal_the_sums_of_the_raw_cbp_rows(series_id, southwest_only):
    series = TABLES["series"]
    monthly = series[(series["series_id"] == series_id) & (series["period_kind"] == "month")].set_index("period")["value"]
    assert len(monthly) > 60
    assert monthly.to_dict() == raw_monthly(southwest_only).reindex(monthly.index).to_dict()


@pytest.mark.parametrize("series_id", ["cbp_venezuela_nationwide", "cbp_venezuela_southwest"])
def test_fiscal_year_totals_equal_the_sum_of_their_months(series_id):
    series = TABLES["series"][TABLES["series"]["series_id"] == series_id]
    months = series[series["period_kind"] == "month"]
    for year in series[series["period_kind"] == "fiscal_year"].itertuples():
        inside = months[(months["period_start"] >= year.period_start) & (months["period_start"] <= year.period_end)]
        assert inside["value"].sum() == year.value, year.period


def test_every_row_cites_a_source_with_a_quote():
    for name, frame in TABLES.items():
        if "quote" in frame:
            assert frame["source_id"].isin(TABLES["sources"]["source_id"]).all(), name
            assert frame["quote"].str.strip().str.len().gt(0).all(), name


def test_membership_is_shown_as_several_attributed_estimates():
    membership = TABLES["figures"][TABLES["figures"]["metric"] == "membership"]
    assert membership["estimator"].nunique() >= 2
    assert any("half" in quote for quote in membership["quote"])


def test_profits_are_a_range():
    profits = TABLES["figures"][TABLES["figures"]["metric"] == "annual_profits_usd"]
    assert (profits["low"] < profits["high"]).any()


def test_bbc_border_figure_is_reconciled_with_the_cbp_total():
    encounters = TABLES["figures"][TABLES["figures"]["metric"] == "cbp_encounters_venezuela"]
    bbc = encounters[encounters["value"] == 313500]
    assert len(bbc) == 1 and "313,496" in bbc.iloc[0]["notes"]


def test_events_cover_enough_places_and_are_located():
    events = TABLES["events"]
    assert len(events) >= 15 and events["country"].nunique() >= 5
    assert events[["lat", "lon"]].notna().all().all()


def test_rulings_cover_every_court_level():
    rulings = TABLES["rulings"]
    assert len(rulings) >= 20
    assert set(rulings["court_level"]) == {"district", "appeals", "supreme"}


def test_low_confidence_rows_are_marked():
    for name in ("figures", "events", "rulings", "presence"):
        assert set(TABLES[name]["confidence"]) <= {"high", "medium", "low"}


def test_people_are_not_called_members_of_a_gang_without_a_conviction():
    events = TABLES["events"]
    unconvicted = events[events["status"].isin(["alleged", "charged", "reported"])]
    for text in unconvicted["title"]:
        lowered = text.lower()
        if "member" in lowered:
            assert "alleged" in lowered or "suspected" in lowered, text
