"""Every claim exports as schema.org ClaimReview JSON-LD with the required properties, ISO 8601 dates and absolute URLs."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from components import claimreview, labels

SITE = "https://tracker.example.org"
ISO_8601 = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
REQUIRED = ("@type", "url", "claimReviewed", "itemReviewed", "author", "reviewRating", "datePublished")


def _absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _urls(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("url", "@id") and isinstance(value, str):
                yield value
            else:
                yield from _urls(value)
    elif isinstance(node, list):
        for item in node:
            yield from _urls(item)


def _dates(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "datePublished":
                yield value
            else:
                yield from _dates(value)
    elif isinstance(node, list):
        for item in node:
            yield from _dates(item)


@pytest.fixture(scope="module")
def documents(tables) -> dict:
    return {
        claim["claim_id"]: json.loads(claimreview.dumps(claimreview.claim_document(claim, tables["assessments"], tables["sources"], SITE, "2026-12-02")))
        for _, claim in tables["claims"].iterrows()
    }


def test_every_claim_has_one_review_per_assessment_with_the_required_properties(tables, documents):
    assert set(documents) == set(tables["claims"]["claim_id"])
    for claim_id, document in documents.items():
        assert document["@context"] == "https://schema.org"
        reviews = document["@graph"]
        assert len(reviews) == int((tables["assessments"]["claim_id"] == claim_id).sum()) > 0
        for review in reviews:
            assert all(review.get(key) for key in REQUIRED), review
            assert review["@type"] == "ClaimReview"
            assert review["author"] == {"@type": "Organization", "name": "Tren de Aragua tracker", "url": SITE + "/"}
            assert review["itemReviewed"]["@type"] == "Claim"
            assert review["itemReviewed"]["author"]["@type"] in ("Person", "Organization") and review["itemReviewed"]["author"]["name"]
            assert review["reviewRating"]["@type"] == "Rating"
            assert review["reviewRating"]["alternateName"] in {labels.label("stance", stance) for stance in ("supports", "qualifies", "contradicts")}


def test_the_rating_wording_is_the_assessments_stance(tables, documents):
    by_id = tables["assessments"].set_index("assessment_id")
    for document in documents.values():
        for review in document["@graph"]:
            assessment_id = review["@id"].rsplit("#", 1)[1]
            assert review["reviewRating"]["alternateName"] == labels.label("stance", by_id.at[assessment_id, "stance"])
            assert review["isBasedOn"]["citation"] == by_id.at[assessment_id, "quote"]


def test_dates_are_iso_8601_at_their_own_precision(documents):
    dates = [value for document in documents.values() for value in _dates(document)]
    assert dates and all(ISO_8601.fullmatch(value) for value in dates), [value for value in dates if not ISO_8601.fullmatch(value)]
    assert any(len(value) == 7 for value in dates), "a month-precise date stays a month"


def test_every_url_is_absolute(documents):
    urls = [url for document in documents.values() for url in _urls(document)]
    assert urls and all(_absolute(url) for url in urls), [url for url in urls if not _absolute(url)]
    assert all(review["url"].startswith(SITE + "/claims?claims_claim=") for document in documents.values() for review in document["@graph"])


def test_the_file_for_all_claims_holds_every_review_and_cannot_close_a_script_tag(tables):
    everything = claimreview.all_documents(tables["claims"], tables["assessments"], tables["sources"], SITE, "2026-12-02")
    assert len(everything["@graph"]) == len(tables["assessments"])
    hostile = tables["claims"].head(1).assign(claim="</script><script>alert(1)</script>")
    text = claimreview.dumps(claimreview.claim_document(hostile.iloc[0], tables["assessments"], tables["sources"], SITE, "2026-12-02")).decode("utf-8")
    assert "</script>" not in text
    assert json.loads(text)["@graph"][0]["claimReviewed"] == "</script><script>alert(1)</script>"


def test_the_published_date_is_the_last_logged_change_to_claims(tables):
    assert claimreview.ISO_DATE.fullmatch(claimreview.published_date(tables["changes"]))
