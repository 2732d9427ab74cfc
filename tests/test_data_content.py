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


# ---- Provenance policy (issue 6). Read with the csv module only, so these checks do not depend on the app's code.

import csv
import re
from urllib.parse import urlsplit

DATA = ROOT / "data"


def _rows(name: str) -> list[dict]:
    with open(DATA / f"{name}.csv", newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


SOURCES = {row["source_id"]: row for row in _rows("sources")}
CITING = ("figures", "events", "rulings", "presence", "milestones", "claims", "assessments")
RANK = {"low": 0, "medium": 1, "high": 2}

# Lookalike domains, staging and test hosts, proxies and outlets a newsroom would not cite.
BANNED_HOSTS = (
    "migrationpolicyinstitute-europe.com",
    "bitlysdowssl-aws.com",
    "test.daily8.com",
    "stg01.ms.now",
    "digital-stage.newsnationnow.com",
    "scotusblog.go-vip.net",
    "go-vip.net",
    "amren.com",
    "newswikitestbed.com",
    "minarik.pro",
)
COURT_HOSTS = ("supremecourt.gov", "courtlistener.com", "uscourts.gov")
INTERNAL_WORDS = re.compile(
    r"\bseeds?\b|seed \d{3}|reference research|\bthe reference\b|untitled seed|publisher not named|the seed's|project file|"
    r"stored copy|stored sources|not recorded in the reference|\bcompiled\b|this research|geonames geonameid|geonameid|"
    r"cities500|data/README",
    re.IGNORECASE,
)
READER_COLUMNS = {
    "sources": ("publisher", "title", "notes", "via"),
    "figures": ("label", "estimator", "notes"),
    "series": ("notes",),
    "events": ("title", "summary", "location_note", "people_count_label", "notes"),
    "rulings": ("case_name", "court", "judge", "decision", "favoured", "notes"),
    "presence": ("notes",),
    "milestones": ("title", "actor", "notes"),
    "claims": ("claimant", "claimant_role", "claim", "notes"),
    "assessments": ("assessor", "summary", "notes"),
    "changes": ("record_id", "description"),
}


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _on(host: str, domains) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def _ip_address(host: str) -> bool:
    return bool(re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host))


@pytest.mark.parametrize("column", ["url", "via_url"])
def test_no_source_links_to_a_lookalike_staging_proxy_or_uncitable_host(column):
    for source_id, source in SOURCES.items():
        url = source[column]
        if url:
            host = _host(url)
            assert not _on(host, BANNED_HOSTS), (source_id, url)
            assert not _ip_address(host), (source_id, url)
            assert not re.search(r"(^|[.-])(stg\d*|staging|stage|test|dev|develop)([.-]|$)", host), (source_id, url)


def test_no_data_file_mentions_a_banned_host_outside_editor_notes():
    for name, columns in READER_COLUMNS.items():
        for row in _rows(name):
            for column in list(columns) + ["url", "via_url", "court_url", "quote"]:
                text = row.get(column) or ""
                for host in BANNED_HOSTS:
                    assert host not in text, (name, column, text[:80])


def test_copies_name_the_copy_and_originals_have_a_link():
    for source_id, source in SOURCES.items():
        assert source["access"] in {"original", "copy", "unverified_copy"}, source_id
        if source["access"] == "original":
            assert source["url"], source_id
            assert not source["via_url"], source_id
        else:
            assert source["via"], source_id
        if source["via_url"]:
            assert source["via_url"] != source["url"], source_id


def test_confidence_never_exceeds_what_the_source_supports():
    for name in CITING:
        for row in _rows(name):
            source = SOURCES[row["source_id"]]
            cap = "high"
            if source["access"] == "copy" or source["kind"] == "encyclopedia":
                cap = "medium"
            if source["access"] == "unverified_copy":
                cap = "low"
            assert RANK[row["confidence"]] <= RANK[cap], (name, row.get("figure_id") or row.get("event_id") or row.get("ruling_id") or row.get("country") or row.get("milestone_id"), row["confidence"], source["source_id"])


def test_presence_is_confirmed_only_on_an_authoritys_own_statement():
    for row in _rows("presence"):
        if row["status"] == "confirmed":
            assert SOURCES[row["source_id"]]["kind"] in {"government", "court"}, row["country"]
            assert "believed" not in row["quote"].lower(), row["country"]


def test_every_court_link_is_on_a_court_host():
    rulings = _rows("rulings")
    linked = [row for row in rulings if row["court_url"]]
    assert len(linked) >= 12
    for row in linked:
        assert _host(row["court_url"]).endswith(COURT_HOSTS) and row["court_url"].startswith("https://"), (row["ruling_id"], row["court_url"])


def test_court_sources_link_to_the_court():
    for source_id, source in SOURCES.items():
        if source["kind"] == "court" and source["url"]:
            assert _on(_host(source["url"]), COURT_HOSTS), source_id


def test_oral_arguments_are_not_decisions_and_context_cases_are_marked():
    rulings = {row["ruling_id"]: row for row in _rows("rulings")}
    assert rulings["wmm-5th-circuit-en-banc-argument-2026-01-22"]["proceeding"] == "oral_argument"
    for ruling_id, row in rulings.items():
        if row["case_group"].startswith(("Abrego Garcia", "D.V.D.", "Soliman")):
            assert row["about_tda"] == "false", ruling_id
    assert {row["proceeding"] for row in rulings.values()} <= {"decision", "oral_argument"}


def test_no_internal_wording_in_reader_columns():
    for name, columns in READER_COLUMNS.items():
        for row in _rows(name):
            for column in columns:
                text = row.get(column) or ""
                assert not INTERNAL_WORDS.search(text), (name, column, text[:120])


def test_placeholder_titles_are_descriptions_not_headlines():
    placeholder = re.compile(r"^(Article|Newsletter post|Press release|Report|Court report|Explainer|Opinion summary|Case page|Docket|Per curiam) (on|of|for|by|in|:)|\(untitled|\.\.\.", re.IGNORECASE)
    for source_id, source in SOURCES.items():
        assert source["title_kind"] in {"headline", "description"}, source_id
        if placeholder.search(source["title"]):
            assert source["title_kind"] == "description", (source_id, source["title"])


NUMBER = re.compile(r"(?<![\w.])\$?(\d[\d,]*(?:\.\d+)?)(?:\s*(m|mln|million|bn|billion|k)\b)?", re.IGNORECASE)
SCALE = {"k": 1e3, "m": 1e6, "mln": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}


def test_figure_labels_repeat_only_their_own_numbers():
    for row in _rows("figures"):
        allowed = {float(row[column]) for column in ("value", "low", "high") if row[column]}
        label = re.sub(r"\bFY\s?\d{2,4}\b", "", row["label"])
        for match in NUMBER.finditer(label):
            digits, scale = match.group(1).replace(",", ""), (match.group(2) or "").lower()
            number = float(digits) * SCALE.get(scale, 1)
            if not scale and re.fullmatch(r"(19|20)\d\d", digits):
                continue  # a year
            assert number in allowed, (row["figure_id"], row["label"])


def test_the_derived_half_stays_marked_computed():
    figures = {row["figure_id"]: row for row in _rows("figures")}
    assert figures["membership-others-bbc"]["computed"] == "true"
    assert figures["membership-others-bbc"]["value"] == "2500"


def test_people_counts_say_what_they_count():
    events = {row["event_id"]: row for row in _rows("events")}
    assert events["tocoron-raid-2023"]["people_count_kind"] == "security_forces"
    assert events["cecot-arrival-2025"]["people_count_kind"] == "removed_or_transferred"
    for event_id, row in events.items():
        if row["people_count"]:
            assert row["people_count_kind"], event_id
        if row["people_count_kind"] == "arrested_or_charged":
            assert row["event_type"] in {"arrest", "crime"}, event_id


def test_change_log_has_no_duplicates_and_dated_corrections_give_old_values():
    changes = _rows("changes")
    keys = [tuple(row.values()) for row in changes]
    assert len(keys) == len(set(keys))
    for row in changes:
        if row["change"] == "corrected":
            description = row["description"]
            assert " was " in description or " from " in description or "removed" in description or "now shown" in description or " before, now " in description, row


def test_every_source_is_cited():
    cited = {row["source_id"] for name in CITING + ("series",) for row in _rows(name)}
    assert set(SOURCES) == cited
