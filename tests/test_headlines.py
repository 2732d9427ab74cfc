"""The overview's cards summarise the data without choosing one 'true' disputed number."""

from components import headlines, transforms
from components.validation import load_package
from tests.conftest import ROOT

TABLES = load_package(ROOT / "data").tables


def test_membership_card_spans_every_estimate_that_is_not_low_confidence():
    figures = TABLES["figures"]
    estimates = figures[(figures["metric"] == "membership") & (figures["confidence"] != "low")]
    card = headlines.membership_card(figures)
    assert card.value == f"{transforms.number_label(estimates['value'].min())}–{transforms.number_label(estimates['value'].max())}"
    assert str(len(estimates)) in card.detail


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
