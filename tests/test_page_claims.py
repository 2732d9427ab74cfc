"""The Claims page shows each claim with its assessments as the CSVs say, keeps its filters in the URL and links to rulings and events."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import claims, labels
from components.safety import escape_markdown
from tests.helpers import open_page, read_rows, set_cell

PAGE = "app_pages/claims.py"


def open_claims(query: dict | None = None) -> AppTest:
    return open_page(PAGE, query)


def shown_claims(at: AppTest, claim_rows: pd.DataFrame) -> list[str]:
    """The claim ids whose entries the page shows, in page order (each entry is headed by the claim's words)."""
    by_heading = {"### " + escape_markdown(claims.claim_heading(row.claim)): row.claim_id for row in claim_rows.itertuples()}
    return [by_heading[element.value] for element in at.markdown if element.value in by_heading]


def markdown_text(at: AppTest) -> str:
    return "\n".join(element.value for element in at.markdown)


def chart_total(at: AppTest) -> int:
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    return sum(sum(trace["x"]) for trace in figure["data"])


def test_the_page_renders_every_claim_with_all_its_assessments(tables):
    at = open_claims()
    assert not at.exception
    claim_rows, assessment_rows = tables["claims"], tables["assessments"]
    assert sorted(shown_claims(at, claim_rows)) == sorted(claim_rows["claim_id"])
    assert chart_total(at) == len(assessment_rows)
    text = markdown_text(at)
    for stance in set(assessment_rows["stance"].astype(str)):
        assert labels.label("stance", stance) in text  # each stance in words, beside its colour and icon
    assert "does not rule on anyone" in " ".join(element.value for element in at.info)


@pytest.mark.parametrize("position", [0, -1])
def test_choosing_a_topic_shows_exactly_its_claims(tables, position):
    claim_rows = tables["claims"]
    topic = claims.topics(claim_rows)[position]
    at = open_claims()
    at.multiselect(key="claims_topic").set_value([topic]).run()
    assert sorted(shown_claims(at, claim_rows)) == sorted(claim_rows.loc[claim_rows["topic"] == topic, "claim_id"])
    assert at.query_params["claims_topic"] == topic


def test_choosing_a_claimant_shows_exactly_their_claims(tables):
    claim_rows = tables["claims"]
    claimant = claim_rows["claimant"].value_counts().index[0]
    at = open_claims()
    at.multiselect(key="claims_claimant").set_value([claimant]).run()
    assert sorted(shown_claims(at, claim_rows)) == sorted(claim_rows.loc[claim_rows["claimant"] == claimant, "claim_id"])
    assert at.query_params["claims_claimant"] == claimant


@pytest.mark.parametrize("stance", ["contradicts", "qualifies", "supports"])
def test_choosing_a_stance_shows_the_claims_with_such_evidence_and_only_that_evidence(tables, stance):
    claim_rows, assessment_rows = tables["claims"], tables["assessments"]
    at = open_claims({"claims_stance": stance})
    expected = set(assessment_rows.loc[assessment_rows["stance"] == stance, "claim_id"])
    assert sorted(shown_claims(at, claim_rows)) == sorted(expected)
    assert chart_total(at) == int((assessment_rows["stance"] == stance).sum())
    others = [labels.label("stance", other) for other in claims.STANCES if other != stance]
    badges = [element.value for element in at.markdown if "-badge[" in element.value]
    assert badges and not any(other in badge for badge in badges for other in others)


def test_an_unknown_topic_in_a_link_falls_back_to_every_claim_with_a_notice(tables):
    at = open_claims({"claims_topic": "flat_earth"})
    assert not at.exception
    assert sorted(shown_claims(at, tables["claims"])) == sorted(tables["claims"]["claim_id"])
    assert any("claims_topic=flat_earth" in element.value.replace("\\", "") for element in at.info)


def test_a_link_to_one_claim_shows_that_claim_only(tables):
    claim_id = tables["claims"]["claim_id"].iloc[0]
    at = open_claims({"claims_claim": claim_id})
    assert shown_claims(at, tables["claims"]) == [claim_id]
    at.button(key="claims_claim_clear").click().run()
    assert len(shown_claims(at, tables["claims"])) == len(tables["claims"])


def test_a_claims_links_reach_its_ruling_and_its_event(tables):
    claim_rows = tables["claims"]
    claim = claim_rows[claim_rows["related_ruling_ids"].notna() & claim_rows["related_event_ids"].notna()].iloc[0]
    at = open_claims({"claims_claim": claim["claim_id"]})
    queries = [link.proto.query_string for link in at.page_link]
    ruling_id = claims.split_ids(claim["related_ruling_ids"])[0]
    event_id = claims.split_ids(claim["related_event_ids"])[0]
    assert f"rulings_ruling={ruling_id}" in queries and f"map_event={event_id}" in queries
    ruling_page = open_page("app_pages/rulings.py", {"rulings_ruling": ruling_id})
    assert ruling_page.selectbox(key="rulings_ruling").value == ruling_id
    map_page = open_page("app_pages/map.py", {"map_event": event_id})
    title = tables["events"].set_index("event_id").at[event_id, "title"]
    assert escape_markdown(title) in [element.value for element in map_page.subheader]


def test_a_value_changed_in_a_copy_of_the_data_changes_the_page(data_copy, monkeypatch):
    header, rows = read_rows(data_copy / "claims.csv")
    set_cell(data_copy / "claims.csv", 0, "claim", "An edited claim, as an editor would type it.")
    set_cell(data_copy / "claims.csv", 0, "claimant", "An edited claimant")
    _, assessments = read_rows(data_copy / "assessments.csv")
    position = next(index for index, row in enumerate(assessments) if row["claim_id"] == rows[0]["claim_id"])
    set_cell(data_copy / "assessments.csv", position, "summary", "An edited summary of the evidence.")
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    at = open_claims()
    assert not at.exception
    text = markdown_text(at)
    assert "### " + escape_markdown(claims.claim_heading("An edited claim, as an editor would type it.")) in text
    assert escape_markdown("An edited claimant") in text
    assert escape_markdown("An edited summary of the evidence.") in text


def test_claim_text_from_the_data_is_shown_as_text(data_copy, monkeypatch):
    hostile = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) **bold**"
    set_cell(data_copy / "claims.csv", 0, "claim", hostile)
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    at = open_claims()
    assert not at.exception
    assert "### " + escape_markdown(claims.claim_heading(hostile)) in markdown_text(at)
    assert not re.search(r"(?<!\\)<img", markdown_text(at))  # only the escaped form reaches the page


def test_both_claimreview_downloads_are_offered(tables):
    at = open_claims()
    buttons = at.get("download_button")
    labels_shown = [button.proto.label for button in buttons]
    assert "Download every claim shown as ClaimReview (JSON-LD)" in labels_shown
    assert labels_shown.count("Download this claim as ClaimReview (JSON-LD)") == len(tables["claims"])


def test_claims_about_a_ruling_and_an_event_link_to_the_claims_page(tables):
    from components import widgets  # noqa: F401  (the widget the rulings and map pages call)

    ruling_choices = claims.claims_about_ruling(tables["claims"], tables["assessments"], "jgg-cecot-class-2025-06-04")
    event_choices = claims.claims_about_event(tables["claims"], "cecot-arrival-2025")
    assert ruling_choices and event_choices
    for choices in (ruling_choices, event_choices):
        for claim_id in choices:
            assert claims.link_params(claim_id) == {"claims_claim": claim_id}
