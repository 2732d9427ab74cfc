"""Reader-facing words for the data's codes (event types, statuses, outcomes, court levels).

One table of labels, so that a later Spanish edition swaps this module's dictionaries and
nothing else.
"""

from __future__ import annotations

import pycountry

LABELS: dict[str, dict[str, str]] = {
    "stance": {
        "contradicts": "Contradicts the claim",
        "qualifies": "Qualifies the claim",
        "supports": "Supports the claim",
    },
    "assessment_kind": {
        "court_finding": "Court finding",
        "intelligence_assessment": "Intelligence assessment",
        "news_investigation": "News investigation",
        "government_data": "Government data or documents",
        "research": "Research",
    },
    "claim_topic": {
        "maduro_direction": "Direction by the Maduro government",
        "tda_size_us": "Size of the gang in the US",
        "deportee_records": "Records of the men sent to CECOT",
        "deportee_membership": "Membership of the men sent to CECOT",
        "tattoos_validation": "Tattoos and how members are identified",
        "removal_counts": "How many were removed",
        "aurora": "Aurora, Colorado",
        "enforcement_raids": "Raids in the US",
        "boat_strike": "The boat strike of September 2025",
        "venezuela_denial": "Venezuela's denials",
        "prisons_emptying": "'Emptying prisons'",
        "laken_riley": "The murder of Laken Riley",
    },
    "event_type": {
        "security_operation": "Security operation",
        "crime": "Crime",
        "arrest": "Arrest",
        "indictment": "Indictment or charges",
        "conviction": "Conviction or sentence",
        "deportation": "Deportation",
        "intelligence": "Intelligence report",
        "context": "Context (not a TdA event)",
    },
    "event_status": {
        "alleged": "Alleged",
        "charged": "Charged",
        "convicted": "Convicted",
        "confirmed": "Confirmed",
        "reported": "Reported, unverified",
    },
    "outcome": {
        "for_government": "For the government",
        "against_government": "Against the government",
        "mixed": "Mixed",
        "pending": "Pending",
    },
    "court_level": {
        "district": "District court",
        "appeals": "Court of appeals",
        "supreme": "Supreme Court",
    },
    "presence_status": {
        "origin": "Origin",
        "confirmed": "Confirmed by authorities",
        "reported": "Reported",
    },
    "confidence": {
        "high": "High confidence",
        "medium": "Medium confidence",
        "low": "Low confidence: unattributed or second-hand",
    },
    "figure_status": {
        "official": "Official figure",
        "estimate": "Estimate",
        "reported": "Reported figure",
    },
}


def label(kind: str, code: object) -> str:
    """The reader-facing word for a code; the code itself when there is none."""
    return LABELS.get(kind, {}).get(str(code), str(code))


def country_name(alpha3: object) -> str:
    """Country name for an ISO 3166-1 alpha-3 code ('Venezuela, Bolivarian Republic of' shortened)."""
    country = pycountry.countries.get(alpha_3=str(alpha3))
    if country is None:
        return str(alpha3)
    return getattr(country, "common_name", None) or country.name.split(",")[0]
