"""The rulings, map, figures and overview pages link back to the claims about what they show (AppTest)."""

from __future__ import annotations

from components import claims
from tests.helpers import open_page


def claim_links(at) -> set[str]:
    return {element.proto.query_string.removeprefix("claims_claim=") for element in at.get("page_link") if element.proto.page == "claims"}


def test_a_ruling_links_to_the_claims_its_finding_assesses(tables):
    assessments = tables["assessments"]
    ruling_id = assessments["ruling_id"].dropna().iloc[0]
    expected = set(claims.claims_about_ruling(tables["claims"], assessments, ruling_id))
    assert expected and claim_links(open_page("app_pages/rulings.py", {"rulings_ruling": ruling_id})) == expected


def test_an_event_links_to_the_claims_about_it(tables):
    event_id = claims.split_ids(tables["claims"]["related_event_ids"].dropna().iloc[0])[0]
    expected = set(claims.claims_about_event(tables["claims"], event_id))
    assert expected and claim_links(open_page("app_pages/map.py", {"map_event": event_id})) == expected


def test_the_figures_page_links_to_the_claims_about_its_figures(tables):
    linked = {claim_id for claim_id, value in zip(tables["claims"]["claim_id"], tables["claims"]["related_figure_ids"]) if claims.split_ids(value)}
    assert linked and claim_links(open_page("app_pages/figures.py")) == linked


def test_the_overview_counts_the_claims_tracked(tables):
    at = open_page()
    card = claims.claims_card(tables["claims"], tables["assessments"])
    assert any(card.heading in element.value for element in at.markdown)
