"""Claims and their assessments as schema.org ClaimReview JSON-LD, the form fact-checkers publish for search engines and fact-check tools.

One document per claim holds one ClaimReview per assessment (each assessment is one review of the
claim, with its stance as the rating's wording), and one document holds them all. Pure: no streamlit.

A document is in the reader's language (inLanguage): the tracker's own words (the rating, its
explanation, the publisher's name) come from the catalogue, the data's text from the tables as loaded
for that language (datasets.load_claims(lang)); quotes and source titles stay as published.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pandas as pd

from components import i18n, labels, partial_dates, schemas
from components.i18n import N_

PUBLISHER = N_("Tren de Aragua tracker")  # the publisher's name in English; _(PUBLISHER) in the reader's language
DEFAULT_SITE_URL = "http://127.0.0.1:8501"
CONTEXT = "https://schema.org"
# Claimants that are bodies rather than people (schema.org: Organization, not Person).
_ORGANIZATION = re.compile(r"\b(department|administration|officials?|spokesperson|council|division|ICE|DHS|DEA|White House|government|operations)\b", re.IGNORECASE)
SLUG = re.compile(schemas.SLUG)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date(start: object, precision: object) -> str | None:
    """A partial date in ISO 8601 at its own precision: 2025, 2025-03 or 2025-03-15 (None when undated)."""
    return partial_dates.format_partial(start, precision) or None


def claim_url(site_url: str, claim_id: str, lang: str = "en") -> str:
    """The absolute address of one claim on the Claims page, in the reader's language (?lang=es; English, the default, leaves it out)."""
    query = {"claims_claim": claim_id}
    if i18n.normalize(lang) != i18n.DEFAULT_LANG:
        query["lang"] = i18n.normalize(lang)
    return f"{site_url.rstrip('/')}/claims?{urlencode(query)}"


def _text(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or not str(value).strip():
        return None
    return str(value)


def _absolute(url: object) -> str | None:
    text = _text(url)
    return text if text and re.fullmatch(schemas.URL, text) else None


def _work(source: pd.Series | None) -> dict | None:
    """A source as a schema.org CreativeWork: headline or name, publisher, date, the original's URL (else the copy read)."""
    if source is None:
        return None
    work: dict = {"@type": "CreativeWork"}
    title = _text(source.get("title"))
    if title:
        work["headline" if str(source.get("title_kind")) == "headline" else "name"] = title
    publisher = _text(source.get("publisher"))
    if publisher:
        work["publisher"] = {"@type": "Organization", "name": publisher}
    published = iso_date(source.get("published"), source.get("published_precision"))
    if published:
        work["datePublished"] = published
    url = _absolute(source.get("url")) or _absolute(source.get("via_url"))
    if url:
        work["url"] = url
    return work


def _claimant(name: str) -> dict:
    kind = "Organization" if _ORGANIZATION.search(name) else "Person"
    return {"@type": kind, "name": name}


def claim_reviews(claim: pd.Series, assessments: pd.DataFrame, sources: pd.DataFrame, site_url: str, published: str, lang: str = "en") -> list[dict]:
    """One ClaimReview per assessment of the claim, in the reader's language."""
    _ = i18n.gettext_for(lang)
    language = i18n.normalize(lang)
    by_source = sources.drop_duplicates("source_id").set_index("source_id")
    claim_source = by_source.loc[claim["source_id"]] if claim["source_id"] in by_source.index else None
    item = {"@type": "Claim", "author": {**_claimant(str(claim["claimant"])), "jobTitle": str(claim["claimant_role"])}}
    made = iso_date(claim["date"], claim["date_precision"])
    if made:
        item["datePublished"] = made
    appearance = _work(claim_source)
    if appearance:
        item["appearance"] = appearance
    url = claim_url(site_url, str(claim["claim_id"]), lang)
    reviews = []
    for assessment in assessments[assessments["claim_id"] == claim["claim_id"]].itertuples(index=False):
        row = pd.Series(assessment._asdict())
        review = {
            "@type": "ClaimReview",
            "@id": f"{url}#{row['assessment_id']}",
            "url": url,
            "inLanguage": language,
            "claimReviewed": str(claim["claim"]),
            "itemReviewed": item,
            "author": {"@type": "Organization", "name": _(PUBLISHER), "url": site_url.rstrip("/") + "/"},
            "datePublished": published,
            "reviewBody": str(row["summary"]),
            "reviewRating": {
                "@type": "Rating",
                "alternateName": labels.label("stance", row["stance"], lang),
                # TRANSLATORS: a ClaimReview's rating explanation: "Court finding by <court>: <summary of the evidence>".
                "ratingExplanation": _("{kind} by {assessor}: {summary}").format(
                    kind=labels.label("assessment_kind", row["kind"], lang), assessor=row["assessor"], summary=row["summary"]
                ),
            },
        }
        evidence = _work(by_source.loc[row["source_id"]] if row["source_id"] in by_source.index else None)
        if evidence:
            evidence["citation"] = str(row["quote"])
            review["isBasedOn"] = evidence
        reviews.append(review)
    return reviews


def claim_document(
    claim: pd.Series, assessments: pd.DataFrame, sources: pd.DataFrame, site_url: str = DEFAULT_SITE_URL, published: str | None = None, lang: str = "en"
) -> dict:
    """The JSON-LD document of one claim: its ClaimReviews in a @graph, in the reader's language."""
    return {"@context": CONTEXT, "@graph": claim_reviews(claim, assessments, sources, site_url, published or _today(), lang=lang)}


def all_documents(
    claims: pd.DataFrame, assessments: pd.DataFrame, sources: pd.DataFrame, site_url: str = DEFAULT_SITE_URL, published: str | None = None, lang: str = "en"
) -> dict:
    """One JSON-LD document with every claim's ClaimReviews, in the reader's language."""
    graph = []
    for _row_id, claim in claims.iterrows():
        graph += claim_reviews(claim, assessments, sources, site_url, published or _today(), lang=lang)
    return {"@context": CONTEXT, "@graph": graph}


def published_date(changes: pd.DataFrame) -> str:
    """When the tracker last published claims or assessments (the change log), else today: YYYY-MM-DD."""
    logged = changes[changes["file"].astype(str).isin(["claims.csv", "assessments.csv"])]["date"].dropna()
    return pd.Timestamp(logged.max()).strftime("%Y-%m-%d") if len(logged) else _today()


def _today() -> str:
    return pd.Timestamp.today().strftime("%Y-%m-%d")


def dumps(document: dict) -> bytes:
    """JSON-LD as UTF-8 bytes; '<' escaped so the text can sit in a <script> element safely."""
    return json.dumps(document, ensure_ascii=False, indent=2).replace("<", "\\u003c").encode("utf-8")


def filename(claim_id: str) -> str:
    """'claimreview-<claim_id>.jsonld' (an id that is not a slug gets a neutral name)."""
    return f"claimreview-{claim_id}.jsonld" if SLUG.fullmatch(str(claim_id)) else "claimreview.jsonld"
