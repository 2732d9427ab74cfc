"""Claims and assessments: the validator rejects each bad input on its line, and the pure functions filter, join and count as the CSVs say."""

from __future__ import annotations

import pandas as pd
import pytest

from components import claims, labels, schemas
from components.validation import load_package
from tests.helpers import line_of, read_rows, set_cell


def errors_of(directory):
    return load_package(directory).errors


def has_error(errors, file, line, column, rule) -> bool:
    return any((e.file, e.row, e.column, e.rule) == (file, line, column, rule) for e in errors)


def test_shipped_claims_and_assessments_are_valid_and_linked(tables):
    assert len(tables["claims"]) > 0 and len(tables["assessments"]) > 0
    assert set(tables["assessments"]["claim_id"]) <= set(tables["claims"]["claim_id"])
    assert set(tables["claims"]["claim_id"]) <= set(tables["assessments"]["claim_id"]), "every claim has at least one assessment"


# One bad cell per rule: (file, row, column, bad value, rule).
BAD_CELLS = [
    ("assessments.csv", 0, "stance", "debunks", "allowed_values"),
    ("assessments.csv", 0, "kind", "opinion", "allowed_values"),
    ("assessments.csv", 0, "claim_id", "no-such-claim", "reference"),
    ("assessments.csv", 0, "ruling_id", "no-such-ruling", "reference"),
    ("assessments.csv", 0, "quote", "   ", "required"),
    ("assessments.csv", 0, "source_id", "no-such-source", "reference"),
    ("claims.csv", 0, "related_ruling_ids", "no-such-ruling", "reference"),
    ("claims.csv", 0, "related_event_ids", "no-such-event", "reference"),
    ("claims.csv", 0, "related_figure_ids", "no-such-figure", "reference"),
    ("claims.csv", 0, "topic", "vibes", "allowed_values"),
    ("claims.csv", 0, "quote", "", "required"),
    ("claims.csv", 0, "date", "2024-02-30", "date"),
    ("claims.csv", 0, "claim_id", "Not A Slug", "pattern"),
]


@pytest.mark.parametrize(("file", "row", "column", "value", "rule"), BAD_CELLS, ids=[f"{c[0]}-{c[2]}-{c[4]}" for c in BAD_CELLS])
def test_a_bad_cell_is_reported_on_its_line(data_copy, file, row, column, value, rule):
    line = set_cell(data_copy / file, row, column, value)
    assert has_error(errors_of(data_copy), file, line, column, rule)


def test_one_bad_id_in_a_list_of_related_events_is_reported(data_copy):
    header, rows = read_rows(data_copy / "claims.csv")
    position = next(index for index, row in enumerate(rows) if row["related_event_ids"])
    line = set_cell(data_copy / "claims.csv", position, "related_event_ids", rows[position]["related_event_ids"] + ";not-an-event")
    errors = [e for e in errors_of(data_copy) if e.file == "claims.csv"]
    assert [(e.row, e.column, e.value, e.rule) for e in errors] == [(line, "related_event_ids", "not-an-event", "reference")]


def test_a_claim_with_assessments_cannot_be_removed_silently(data_copy):
    header, rows = read_rows(data_copy / "claims.csv")
    assessed = rows[0]["claim_id"]
    set_cell(data_copy / "claims.csv", 0, "claim_id", "renamed-claim")
    _, assessments = read_rows(data_copy / "assessments.csv")
    lines = [line_of(data_copy / "assessments.csv", index) for index, row in enumerate(assessments) if row["claim_id"] == assessed]
    errors = errors_of(data_copy)
    assert lines and all(has_error(errors, "assessments.csv", line, "claim_id", "reference") for line in lines)


def test_an_assessment_citing_a_copy_is_at_most_medium(data_copy):
    _, sources = read_rows(data_copy / "sources.csv")
    copies = {row["source_id"] for row in sources if row["access"] == "copy"}
    _, assessments = read_rows(data_copy / "assessments.csv")
    position = next(index for index, row in enumerate(assessments) if row["source_id"] in copies)
    line = set_cell(data_copy / "assessments.csv", position, "confidence", "high")
    assert has_error(errors_of(data_copy), "assessments.csv", line, "confidence", "confidence_rule")


def test_stance_and_kind_codes_all_have_reader_labels_colours_and_symbols():
    for stance in schemas.STANCES:
        assert labels.label("stance", stance) != stance
        assert stance in claims.STANCE_COLORS and claims.STANCE_SYMBOLS[stance] and stance in claims.STANCE_ICONS
    assert len(set(claims.STANCE_COLORS.values())) == len(schemas.STANCES)
    assert len(set(claims.STANCE_PATTERNS.values())) == len(schemas.STANCES)
    for kind in schemas.ASSESSMENT_KINDS:
        assert labels.label("assessment_kind", kind) != kind
    for topic in schemas.CLAIM_TOPICS:
        assert labels.label("claim_topic", topic) != topic


def _tiny():
    claim_rows = pd.DataFrame(
        {
            "claim_id": ["a", "b", "c"],
            "date": pd.to_datetime(["2025-03-15", "2025-04-01", "2024-09-06"]),
            "date_precision": ["day", "month", "day"],
            "claimant": ["Ann", "Bob", "Ann"],
            "claimant_role": ["r", "r", "r"],
            "claim": ["A said", "B said", "C said"],
            "topic": pd.Categorical(["aurora", "boat_strike", "aurora"]),
            "related_ruling_ids": ["r1", None, "r1;r2"],
            "related_event_ids": [None, "e1", "e1;e2"],
            "related_figure_ids": [None, None, None],
        }
    )
    assessment_rows = pd.DataFrame(
        {
            "assessment_id": ["x1", "x2", "x3", "x4"],
            "claim_id": ["a", "a", "b", "c"],
            "stance": pd.Categorical(["supports", "contradicts", "qualifies", "contradicts"]),
            "date": pd.to_datetime(["2025-05-01", "2025-04-01", None, "2024-10-01"]),
            "date_precision": ["day", "day", None, "month"],
            "ruling_id": [None, "r9", None, None],
            "source_id": ["s1", "s2", "s1", "s3"],
            "confidence": ["high", "medium", "low", "high"],
        }
    )
    return claim_rows, assessment_rows


def test_filters_keep_claims_by_topic_claimant_and_the_stance_of_an_assessment():
    claim_rows, assessment_rows = _tiny()
    assert list(claims.filter_claims(claim_rows, assessment_rows)["claim_id"]) == ["b", "a", "c"]  # newest first
    assert list(claims.filter_claims(claim_rows, assessment_rows, ["aurora"])["claim_id"]) == ["a", "c"]
    assert list(claims.filter_claims(claim_rows, assessment_rows, claimant_choice=["Bob"])["claim_id"]) == ["b"]
    assert list(claims.filter_claims(claim_rows, assessment_rows, stance_choice=["contradicts"])["claim_id"]) == ["a", "c"]
    assert claims.filter_claims(claim_rows, assessment_rows, ["boat_strike"], stance_choice=["supports"]).empty


def test_a_claims_assessments_come_against_first_and_keep_only_chosen_stances():
    _, assessment_rows = _tiny()
    assert list(claims.assessments_of(assessment_rows, "a")["assessment_id"]) == ["x2", "x1"]
    assert list(claims.assessments_of(assessment_rows, "a", ["supports"])["assessment_id"]) == ["x1"]


def test_stance_counts_count_assessments_by_topic_and_every_stance():
    claim_rows, assessment_rows = _tiny()
    counts = claims.stance_counts(claim_rows, assessment_rows).set_index(["topic", "stance"])["assessments"]
    assert counts[("aurora", "contradicts")] == 2 and counts[("aurora", "supports")] == 1 and counts[("aurora", "qualifies")] == 0
    assert counts[("boat_strike", "qualifies")] == 1
    table = claims.counts_table(claim_rows, assessment_rows)
    assert list(table["claims"]) == [2, 1]


def test_claims_about_a_ruling_or_event_follow_the_ids_and_court_findings():
    claim_rows, assessment_rows = _tiny()
    assert list(claims.claims_about_ruling(claim_rows, assessment_rows, "r1")) == ["a", "c"]
    assert list(claims.claims_about_ruling(claim_rows, assessment_rows, "r9")) == ["a"]  # an assessment is that ruling's finding
    assert list(claims.claims_about_ruling(claim_rows, assessment_rows, "r2")) == ["c"]
    assert list(claims.claims_about_event(claim_rows, "e1")) == ["b", "c"]
    assert claims.claims_about_event(claim_rows, "e3") == {}
    assert claims.link_params("a") == {"claims_claim": "a"} and claims.link_params("<script>") is None


def test_the_chart_draws_one_trace_per_stance_with_a_pattern_and_the_counts(tables):
    figure = claims.stance_chart(tables["claims"], tables["assessments"], tables["sources"])
    assert [trace.name for trace in figure.data] == [claims.stance_label(stance) for stance in claims.STANCES]
    assert len({trace.marker.pattern.shape for trace in figure.data}) == len(claims.STANCES)
    assert sum(sum(trace.x) for trace in figure.data) == len(tables["assessments"])
    footnotes = " ".join(annotation.text for annotation in figure.layout.annotations)
    assert "Sources:" in footnotes and "As of" in footnotes
    assert figure.layout.title.text


def test_the_card_counts_claims_and_assessments_by_stance(tables):
    card = claims.claims_card(tables["claims"], tables["assessments"])
    counts = tables["assessments"]["stance"].astype(str).value_counts()
    assert card.value == f"{len(tables['claims'])} claims"
    assert f"{len(tables['assessments'])} assessments" in card.detail
    for stance, verb in (("contradicts", "contradict"), ("qualifies", "qualif"), ("supports", "support")):
        assert f"{int(counts.get(stance, 0))} {verb}" in card.detail
    assert card.page == "claims"


def test_the_map_has_events_in_at_least_twelve_countries_and_every_event_type_a_label_and_colour(tables):
    from components import theme

    assert tables["events"]["country"].nunique() >= 12
    for kind in schemas.EVENT_TYPES:
        assert labels.label("event_type", kind) != kind and kind in theme.EVENT_TYPE_COLORS
    assert len(set(theme.EVENT_TYPE_COLORS.values())) == len(theme.EVENT_TYPE_COLORS)
    assert {"indictment", "conviction"} <= set(tables["events"]["event_type"].astype(str))
