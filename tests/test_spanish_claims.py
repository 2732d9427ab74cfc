"""The Claims page and what components/claims.py and claimreview.py build, in Spanish: facts, card, chart,
ClaimReview JSON-LD; the page with ?lang=es keeps the language and the filters across a switch."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from components import claimreview, claims, labels
from tests.helpers import open_page

PAGE = "app_pages/claims.py"
SITE = "https://tracker.example.org"
STANCE_WORDS_ES = {"Contradice la afirmación", "Matiza la afirmación", "Respalda la afirmación"}


def _claims(n: int, stance: str = "contradicts") -> tuple[pd.DataFrame, pd.DataFrame]:
    """n claims on one topic, each with one assessment of the given stance."""
    ids = [f"c{index}" for index in range(n)]
    claim_rows = pd.DataFrame(
        {
            "claim_id": ids,
            "date": pd.to_datetime(["2025-03-15"] * n),
            "date_precision": ["day"] * n,
            "claimant": ["Ann"] * n,
            "claimant_role": ["r"] * n,
            "claim": ["A said"] * n,
            "topic": ["aurora"] * n,
            "related_ruling_ids": [None] * n,
            "related_event_ids": [None] * n,
            "related_figure_ids": [None] * n,
        }
    )
    assessment_rows = pd.DataFrame(
        {
            "assessment_id": [f"a{index}" for index in range(n)],
            "claim_id": ids,
            "stance": [stance] * n,
            "date": pd.to_datetime(["2025-05-01"] * n),
            "date_precision": ["day"] * n,
            "source_id": ["s1"] * n,
            "confidence": ["high"] * n,
        }
    )
    return claim_rows, assessment_rows


def test_the_card_in_spanish_counts_with_spanish_words_and_numbers(tables):
    card = claims.claims_card(tables["claims"], tables["assessments"], lang="es")
    assert card.heading == "Afirmaciones contrastadas con la evidencia"
    assert card.value == f"{len(tables['claims'])} afirmaciones"
    assert f"{len(tables['assessments'])} evaluaciones de lo que dijeron funcionarios" in card.detail
    assert "no un fallo sobre la culpabilidad" in card.detail
    assert card.confidence_note.startswith("La confianza varía según la evaluación:")
    assert card.page == "claims"


def test_the_card_uses_the_singular_for_one_and_the_plural_for_five():
    one = claims.claims_card(*_claims(1), lang="es")
    assert one.value == "1 afirmación"
    assert one.detail.startswith("1 evaluación de lo que") and "1 la contradice" in one.detail and "0 la matizan" in one.detail
    five = claims.claims_card(*_claims(5, "supports"), lang="es")
    assert five.value == "5 afirmaciones"
    assert five.detail.startswith("5 evaluaciones de lo que") and "5 la respaldan" in five.detail
    assert five.confidence_note == ""  # every assessment has the same confidence


def test_the_card_writes_thousands_the_spanish_way():
    card = claims.claims_card(*_claims(1200), lang="es")
    assert card.value == "1.200 afirmaciones" and card.detail.startswith("1.200 evaluaciones")
    english = claims.claims_card(*_claims(1200))
    assert english.value == "1,200 claims" and english.detail.startswith("1,200 assessments")


def test_claim_and_assessment_facts_in_spanish(tables):
    claim_rows, assessment_rows = tables["claims"], tables["assessments"]
    claim = claim_rows[claim_rows["date_precision"] == "day"].iloc[0]
    facts = dict(claims.claim_facts(claim, lang="es"))
    assert list(facts) == ["Quién", "Cargo", "Cuándo", "Tema"]
    assert " de " in facts["Cuándo"] and facts["Cuándo"].endswith(str(claim["date"].year))
    assert facts["Tema"] == labels.label("claim_topic", claim["topic"], "es") != labels.label("claim_topic", claim["topic"])
    month = claim_rows[claim_rows["date_precision"] == "month"]
    if len(month):
        assert dict(claims.claim_facts(month.iloc[0], lang="es"))["Cuándo"].count(" de ") == 1  # 'abril de 2025'
    assessment = assessment_rows.iloc[0]
    facts = dict(claims.assessment_facts(assessment, lang="es"))
    assert list(facts) == ["Evidencia", "Evaluada por", "Cuándo"]
    assert facts["Evidencia"] == labels.label("assessment_kind", assessment["kind"], "es")
    assert claims.date_text(None, None, "es") == "sin fecha" and claims.date_text(None, None) == "undated"


def test_dates_in_spanish_and_english():
    day = pd.Timestamp("2025-03-15")
    assert claims.date_text(day, "day", "es") == "15 de marzo de 2025"
    assert claims.date_text(day, "month", "es") == "marzo de 2025"
    assert claims.date_text(day, "day") == "15 March 2025" and claims.date_text(day, "year") == "2025"


def test_heading_stance_labels_and_choices_in_spanish():
    assert claims.claim_heading("X dijo", lang="es") == "Afirmación: X dijo"
    assert claims.claim_heading("X said") == "Claim: X said"
    assert claims.stance_label("contradicts", "es") == "✕ Contradice la afirmación"
    claim_rows, _assessments = _claims(1)
    assert claims.claim_choices(claim_rows, lang="es") == {"c0": "Ann, 15 de marzo de 2025: A said"}
    assert claims.claim_choices(claim_rows) == {"c0": "Ann, 15 March 2025: A said"}


def test_related_links_and_claims_about_in_spanish(tables):
    claim_rows = tables["claims"]
    claim = claim_rows[claim_rows["related_ruling_ids"].notna()].iloc[0]
    ruling_id = claims.split_ids(claim["related_ruling_ids"])[0]
    ruling = tables["rulings"].set_index("ruling_id").loc[ruling_id]
    text = claims.related_rulings(claim, tables["rulings"], lang="es")[ruling_id]
    assert text.startswith(str(ruling["case_name"]) + ", ")  # the case name as filed
    assert text.endswith(claims.date_text(ruling["date"], ruling["date_precision"], "es"))
    about = claims.claims_about_ruling(claim_rows, tables["assessments"], ruling_id, lang="es")
    assert claim["claim_id"] in about
    assert claims.date_text(claim["date"], claim["date_precision"], "es") in about[claim["claim_id"]]


def test_the_chart_in_spanish(tables):
    figure = claims.stance_chart(tables["claims"], tables["assessments"], tables["sources"], lang="es")
    assert "Lo que la evidencia hace" in figure.layout.title.text
    assert [trace.name for trace in figure.data] == [claims.stance_label(stance, "es") for stance in claims.STANCES]
    assert all(claims.stance_label(stance, "es") in trace.hovertemplate for stance, trace in zip(claims.STANCES, figure.data))
    assert figure.layout.separators == ",." and figure.layout.xaxis.title.text == "evaluaciones"
    notes = {annotation.name: annotation.text.replace("<br>", " ") for annotation in figure.layout.annotations}
    assert notes["source"].startswith("Fuentes: ") and "Monitor del Tren de Aragua" in notes["source"]
    assert notes["as_of"].startswith("Datos al ")
    assert "afirmaciones)" in " ".join(figure.data[0].y).replace("<br>", " ")
    english = claims.stance_chart(tables["claims"], tables["assessments"], tables["sources"])
    assert english.layout.separators == ".,"


def test_one_publication_is_a_singular_source_line(tables):
    claim_rows, assessment_rows = _claims(1)
    sources = tables["sources"].head(1).assign(source_id="s1")
    figure = claims.stance_chart(claim_rows, assessment_rows, sources, lang="es")
    notes = {annotation.name: annotation.text.replace("<br>", " ") for annotation in figure.layout.annotations}
    assert notes["source"].startswith("Fuente: 1 publicación de 1 medio o institución")


def test_the_counts_table_has_spanish_headers(tables):
    table = claims.counts_table(tables["claims"], tables["assessments"], lang="es")
    assert list(table.columns) == ["tema", "afirmaciones"] + [labels.label("stance", stance, "es") for stance in claims.STANCES]
    assert set(table["tema"]) <= {labels.label("claim_topic", topic, "es") for topic in claims.topics(tables["claims"])}
    assert list(claims.counts_table(tables["claims"], tables["assessments"]).columns)[:2] == ["topic", "claims"]


def test_claimreview_in_spanish_has_its_language_and_spanish_rating_words(tables):
    claim = tables["claims"].iloc[0]
    document = json.loads(claimreview.dumps(claimreview.claim_document(claim, tables["assessments"], tables["sources"], SITE, "2026-12-02", lang="es")))
    by_id = tables["assessments"].set_index("assessment_id")
    reviews = document["@graph"]
    assert reviews
    for review in reviews:
        assessment = by_id.loc[review["@id"].rsplit("#", 1)[1]]
        assert review["inLanguage"] == "es"
        assert review["reviewRating"]["alternateName"] == labels.label("stance", assessment["stance"], "es") in STANCE_WORDS_ES
        assert review["reviewRating"]["ratingExplanation"].startswith(labels.label("assessment_kind", assessment["kind"], "es") + ", según ")
        assert review["author"]["name"] == "Monitor del Tren de Aragua"
        assert review["url"] == f"{SITE}/claims?claims_claim={claim['claim_id']}&lang=es"
        assert review["isBasedOn"]["citation"] == assessment["quote"]  # the source's words as said
    english = claimreview.claim_document(claim, tables["assessments"], tables["sources"], SITE, "2026-12-02")
    assert {review["inLanguage"] for review in english["@graph"]} == {"en"}
    assert all("lang=" not in review["url"] for review in english["@graph"])


def test_every_claim_in_one_spanish_document(tables):
    everything = claimreview.all_documents(tables["claims"], tables["assessments"], tables["sources"], SITE, "2026-12-02", lang="es")
    assert len(everything["@graph"]) == len(tables["assessments"])
    assert {review["inLanguage"] for review in everything["@graph"]} == {"es"}


# The page in Spanish


def claims_assessments() -> pd.DataFrame:
    from components import datasets

    return datasets.load_assessments("es")


@pytest.fixture(scope="module")
def spanish_page():
    return open_page(PAGE, {"lang": "es"})


def test_the_page_in_spanish_has_spanish_title_filters_and_chart(spanish_page):
    at = spanish_page
    assert not at.exception, at.exception
    assert at.title[0].value == "Afirmaciones y evidencia"
    assert at.multiselect(key="claims_topic").label == "Tema"
    assert at.multiselect(key="claims_claimant").label == "Quién hizo la afirmación"
    assert at.multiselect(key="claims_stance").label == "Qué hace la evidencia"
    assert at.multiselect(key="claims_topic").placeholder == "Todos los temas"
    assert any("Se muestran" in caption.value and "afirmaciones" in caption.value for caption in at.caption)
    assert any("no se pronuncia sobre la culpabilidad" in info.value for info in at.info)
    assert at.multiselect(key="claims_stance").options == [claims.stance_label(stance, "es") for stance in claims.stances(claims_assessments())]
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["separators"] == ",." and "Lo que la evidencia hace" in figure["layout"]["title"]["text"]
    labels_shown = [button.proto.label for button in at.get("download_button")]
    assert "Descargar todas las afirmaciones mostradas como ClaimReview (JSON-LD)" in labels_shown
    assert at.subheader[-1].value == "Explorar"


def test_a_filter_change_keeps_spanish_and_switching_back_keeps_the_filters(tables):
    topic = claims.topics(tables["claims"])[0]
    at = open_page(PAGE, {"lang": "es"})
    at.multiselect(key="claims_topic").set_value([topic]).run()
    assert not at.exception
    assert at.query_params["claims_topic"] in (topic, [topic]) and at.query_params["lang"] in ("es", ["es"])
    at.multiselect(key="claims_stance").set_value(["contradicts"]).run()
    assert at.query_params["lang"] in ("es", ["es"])
    at.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    assert "lang" not in at.query_params
    assert at.title[0].value == "Claims and evidence"
    assert at.multiselect(key="claims_topic").value == [topic] and at.query_params["claims_topic"] in (topic, [topic])
    assert at.multiselect(key="claims_stance").value == ["contradicts"] and at.query_params["claims_stance"] in ("contradicts", ["contradicts"])
    assert at.multiselect(key="claims_topic").label == "Topic"


def test_switching_to_english_keeps_a_linked_claim(tables):
    claim_id = tables["claims"]["claim_id"].iloc[0]
    at = open_page(PAGE, {"lang": "es", "claims_claim": claim_id})
    assert not at.exception
    assert at.query_params["claims_claim"] in (claim_id, [claim_id])
    assert any(caption.value.startswith("Se muestran 1 de") for caption in at.caption)
    at.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    assert at.query_params["claims_claim"] in (claim_id, [claim_id]) and "lang" not in at.query_params
    assert any(caption.value.startswith("Showing 1 of") for caption in at.caption)
