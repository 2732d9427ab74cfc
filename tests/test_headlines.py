"""The overview's cards summarise the data without choosing one 'true' disputed number."""

import pandas as pd

from components import headlines, transforms
from components.validation import load_package
from tests.conftest import ROOT

TABLES = load_package(ROOT / "data").tables


def test_membership_card_spans_every_estimate_that_is_not_low_confidence():
    figures = TABLES["figures"]
    estimates = figures[(figures["metric"] == "membership") & (figures["confidence"] != "low")]
    card = headlines.membership_card(figures)
    assert transforms.number_label(estimates["value"].min()) in card.value
    assert transforms.number_label(estimates["value"].max()) in card.value
    assert f"{len(estimates)} figures from {estimates['estimator'].nunique()} estimators" in card.detail


def figure(figure_id, value, estimator, computed=False, low=None, confidence="high"):
    return {"figure_id": figure_id, "metric": "membership", "value": value, "low": low, "high": None, "estimator": estimator,
            "computed": computed, "confidence": confidence, "as_of": pd.Timestamp("2024-01-01"), "source_id": "s"}


def test_a_derived_end_of_the_membership_range_carries_its_mark():
    figures = pd.DataFrame([figure("a", 5000.0, "Rísquez"), figure("b", 2500.0, "Others", computed=True)])
    card = headlines.membership_card(figures)
    assert card.value == f"2,500 {transforms.DERIVED_MARK} to 5,000"
    assert "arithmetic" in card.detail


def test_the_membership_card_counts_distinct_estimators_and_says_what_it_leaves_out():
    figures = pd.DataFrame([
        figure("a", 5000.0, "Rísquez"), figure("b", 5000.0, "Rísquez", low=5000.0), figure("c", 4000.0, "AFP"),
        figure("d", 2700.0, "Voz", confidence="low"),
    ])
    card = headlines.membership_card(figures)
    assert card.value == "4,000 to 5,000"
    assert "3 figures from 2 estimators" in card.detail and "1 low-confidence figure not included" in card.detail


def test_the_rulings_card_counts_decisions_in_tda_cases_only():
    rulings = TABLES["rulings"]
    card = headlines.rulings_card(rulings)
    decisions = rulings[(rulings["proceeding"] == "decision") & rulings["about_tda"]]
    assert card.value == f"{len(decisions):,}"
    assert "oral argument" in card.detail and "for context" in card.detail
    assert "Alien Enemies Act" in card.detail


def test_encounters_card_uses_the_latest_complete_fiscal_year():
    series = TABLES["series"]
    complete = series[(series["series_id"] == "cbp_venezuela_nationwide") & (series["period_kind"] == "fiscal_year") & series["period_complete"]]
    latest = complete.sort_values("period_start").iloc[-1]
    card = headlines.encounters_card(series)
    assert latest["period"] in card.heading and card.value == transforms.number_label(latest["value"])


def test_every_card_cites_a_source_or_links_to_the_page_that_does():
    for card in headlines.headline_cards(TABLES["figures"], TABLES["series"], TABLES["rulings"]):
        assert card.source_ids or card.page
        assert set(card.source_ids) <= set(TABLES["sources"]["source_id"])


def test_cards_are_left_out_when_their_data_is_missing():
    figures = TABLES["figures"][TABLES["figures"]["metric"] != "aea_removals"]
    headings = [card.heading for card in headlines.headline_cards(figures, TABLES["series"], TABLES["rulings"])]
    assert not any("Alien Enemies" in heading for heading in headings)
