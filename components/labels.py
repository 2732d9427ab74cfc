"""Reader-facing words for the data's codes (event types, statuses, outcomes, court levels), in each language.

The English words are the catalogue's message ids (marked with N_ here, translated in label());
country names come from CLDR through Babel in Spanish.
"""

from __future__ import annotations

import pycountry
from babel import Locale

from components.i18n import N_, babel_locale, gettext_for, normalize

LABELS: dict[str, dict[str, str]] = {
    "stance": {
        "contradicts": N_("Contradicts the claim"),
        "qualifies": N_("Qualifies the claim"),
        "supports": N_("Supports the claim"),
    },
    "assessment_kind": {
        "court_finding": N_("Court finding"),
        "intelligence_assessment": N_("Intelligence assessment"),
        "news_investigation": N_("News investigation"),
        "government_data": N_("Government data or documents"),
        "research": N_("Research"),
    },
    "claim_topic": {
        "maduro_direction": N_("Direction by the Maduro government"),
        "tda_size_us": N_("Size of the gang in the US"),
        "deportee_records": N_("Records of the men sent to CECOT"),
        "deportee_membership": N_("Membership of the men sent to CECOT"),
        "tattoos_validation": N_("Tattoos and how members are identified"),
        "removal_counts": N_("How many were removed"),
        "aurora": N_("Aurora, Colorado"),
        "enforcement_raids": N_("Raids in the US"),
        "boat_strike": N_("The boat strike of September 2025"),
        "venezuela_denial": N_("Venezuela's denials"),
        "prisons_emptying": N_("'Emptying prisons'"),
        "laken_riley": N_("The murder of Laken Riley"),
    },
    "event_type": {
        "security_operation": N_("Security operation"),
        "crime": N_("Crime"),
        "arrest": N_("Arrest"),
        "indictment": N_("Indictment or charges"),
        "conviction": N_("Conviction or sentence"),
        "deportation": N_("Deportation"),
        "intelligence": N_("Intelligence report"),
        "context": N_("Context (not a TdA event)"),
    },
    "event_status": {
        "alleged": N_("Alleged"),
        "charged": N_("Charged"),
        "convicted": N_("Convicted"),
        "confirmed": N_("Confirmed"),
        "reported": N_("Reported, unverified"),
    },
    "outcome": {
        "for_government": N_("For the government"),
        "against_government": N_("Against the government"),
        "mixed": N_("Mixed"),
        "pending": N_("Pending"),
    },
    "court_level": {
        "district": N_("District court"),
        "appeals": N_("Court of appeals"),
        "supreme": N_("Supreme Court"),
    },
    "presence_status": {
        "origin": N_("Origin"),
        "confirmed": N_("Confirmed by authorities"),
        "reported": N_("Reported"),
    },
    "confidence": {
        "high": N_("High confidence"),
        "medium": N_("Medium confidence"),
        "low": N_("Low confidence: unattributed or second-hand"),
    },
    "figure_status": {
        "official": N_("Official figure"),
        "estimate": N_("Estimate"),
        "reported": N_("Reported figure"),
    },
}


def label(kind: str, code: object, lang: str = "en") -> str:
    """The reader-facing word for a code in a language; the code itself when there is none."""
    word = LABELS.get(kind, {}).get(str(code))
    return gettext_for(lang)(word) if word is not None else str(code)


def country_name(alpha3: object, lang: str = "en") -> str:
    """Country name for an ISO 3166-1 alpha-3 code ('Venezuela, Bolivarian Republic of' shortened; CLDR's name in Spanish)."""
    country = pycountry.countries.get(alpha_3=str(alpha3))
    if country is None:
        return str(alpha3)
    if normalize(lang) != "en":
        name = Locale.parse(babel_locale(lang)).territories.get(country.alpha_2)
        if name:
            return name
    return getattr(country, "common_name", None) or country.name.split(",")[0]
