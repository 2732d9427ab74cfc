"""Generate data/datapackage.json and the codebook, sources and changes in data/README.md from the schemas.

python -m components.datadocs          rewrite both files
python -m components.datadocs --check  exit 1 if either is out of date (the tests run this)

The generated files are English (the canonical documentation). The Sources page shows the same
dictionary in the reader's language: dictionary(table, lang) and dictionary_markdown(table, lang).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from pathlib import Path

import pandas as pd

from components import i18n, partial_dates
from components import schemas
from components.i18n import N_, formats
from components.schemas import TABLES, Table, describe_rule
from components.validation import Package, data_dir, load_package

PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}){0,2}$"
_TYPES = {"bool": "boolean", "Int64": "integer", "int64": "integer", "float64": "number"}
_MARKERS = ("index", "codebook", "sources", "changes")

# The data dictionary's descriptions, marked for the catalogue: the Sources page shows them in the reader's
# language. Keyed by table.column; each English text is a copy of the description in components/schemas.py
# (a test checks they agree). A description missing here, or changed there, is shown in English, marked.
FIELD_DESCRIPTIONS: dict[str, str] = {
    "sources.source_id": N_('Identifier used by source_id columns'),
    "sources.publisher": N_('The original publisher'),
    "sources.title": N_('The headline or file title as published, or a description of the item (see title_kind)'),
    "sources.title_kind": N_("headline (the publisher's own title, shown in quotation marks) or description (our words for an item whose headline is not known, shown as such)"),
    "sources.url": N_("The original: the publisher's own page, the court's document or docket, or the agency's data page (empty where it is not known)"),
    "sources.published": N_('Publication date, as precise as the source shows'),
    "sources.kind": N_('What sort of source it is'),
    "sources.language": N_('ISO 639-1 code of the quoted text'),
    "sources.access": N_("How the cited text was read: original (on the original's own page), copy (in a republication that names the original: a wire client, repost or mirror) or unverified_copy (in a copy whose tie to the original is not established). Rows citing a copy are at most medium confidence, an unverified copy at most low"),
    "sources.via": N_('The copy actually read (repost, mirror, aggregator) when not the original'),
    "sources.via_url": N_("Link to the copy read, shown as a secondary 'read via' link"),
    "sources.notes": N_('Caveats for readers: conflicts between sources, arithmetic (shown on the pages)'),
    "sources.editor_notes": N_('For editors only, never shown to readers: how the row was found and checked, leads to follow'),
    "figures.figure_id": N_('Identifier'),
    "figures.metric": N_('What is measured; figures of one metric are compared side by side'),
    "figures.label": N_('Short reader-facing label'),
    "figures.value": N_('The figure (empty when the source gives only a range)'),
    "figures.low": N_("Lower bound of a range or a 'more than' figure"),
    "figures.high": N_('Upper bound of a range'),
    "figures.unit": N_('Unit of value, low and high'),
    "figures.as_of": N_('When the figure applies (empty where no source dates it)'),
    "figures.geography": N_('Where the figure applies'),
    "figures.estimator": N_('Who produced the number'),
    "figures.status": N_("official (a government body's own number), estimate (a researcher's or journalist's), reported (a news report of someone else's number)"),
    "figures.confidence": N_('How sure we are: high (primary data or reputable verbatim text that agrees with other sources), medium (a copy, an aggregator or one source), low (unattributed or third-party paraphrase; shown marked as such)'),
    "figures.computed": N_('true when value is arithmetic on the source (a sum, a half), not a number it prints'),
    "figures.source_id": N_('The source, a source_id in sources.csv'),
    "figures.quote": N_('The exact words of the source that support the row, copied verbatim (for values summed from a data file: the filter and sum that reproduce it)'),
    "figures.notes": N_('Caveats for readers: conflicts between sources, arithmetic (shown on the pages)'),
    "figures.editor_notes": N_('For editors only, never shown to readers: how the row was found and checked, leads to follow'),
    "series.series_id": N_('Which series'),
    "series.period": N_('YYYY-MM for a month, FY2024 for a US fiscal year (October to September), YYYY for a calendar year'),
    "series.period_kind": N_('month, fiscal_year or year'),
    "series.value": N_('The count'),
    "series.unit": N_('Unit of value (encounters count events, not people)'),
    "series.geography": N_('Where the count applies'),
    "series.period_complete": N_('false for a period the source covers only in part'),
    "series.computed": N_('true when value is a sum over rows of a data file'),
    "series.source_id": N_('The source, a source_id in sources.csv'),
    "series.quote": N_('The exact words of the source that support the row, copied verbatim (for values summed from a data file: the filter and sum that reproduce it)'),
    "series.notes": N_('Caveats for readers: conflicts between sources, arithmetic (shown on the pages)'),
    "series.editor_notes": N_('For editors only, never shown to readers: how the row was found and checked, leads to follow'),
    "events.event_id": N_('Identifier (rulings link to it)'),
    "events.date": N_('When it happened, as precise as the source: YYYY, YYYY-MM or YYYY-MM-DD'),
    "events.title": N_("Short neutral headline; people are 'alleged' members unless convicted"),
    "events.summary": N_('One or two sentences on what happened'),
    "events.event_type": N_('security_operation, crime, arrest, indictment, conviction, deportation, intelligence, or context (not a TdA event, shown for context)'),
    "events.status": N_('How established the claim is: alleged, charged, convicted, confirmed (documented, no claim of guilt) or reported (one unverified report); drives the wording'),
    "events.place": N_('Locality; when coordinates are empty it is looked up in the GeoNames gazetteer'),
    "events.admin1": N_('State or province (US: two-letter code); narrows the gazetteer lookup'),
    "events.country": N_('ISO 3166-1 alpha-3 country code'),
    "events.location_note": N_('What the point stands for when it is approximate'),
    "events.lat": N_('Latitude, WGS84 degrees (empty: geocoded from place)'),
    "events.lon": N_('Longitude, WGS84 degrees (empty: geocoded from place)'),
    "events.geocode": N_('manual (coordinates typed by an editor) or gazetteer (looked up offline); empty means gazetteer'),
    "events.people_count": N_('How many people the source counts (arrested, removed, deployed)'),
    "events.people_count_kind": N_("What kind of count people_count is: arrested_or_charged (the only kind that sizes the map's circles), removed_or_transferred, returned, security_forces or other; required with people_count"),
    "events.people_count_label": N_("What people_count counts, in the source's terms"),
    "events.source_id": N_('The source, a source_id in sources.csv'),
    "events.quote": N_('The exact words of the source that support the row, copied verbatim (for values summed from a data file: the filter and sum that reproduce it)'),
    "events.confidence": N_('How sure we are: high (primary data or reputable verbatim text that agrees with other sources), medium (a copy, an aggregator or one source), low (unattributed or third-party paraphrase; shown marked as such)'),
    "events.notes": N_('Caveats for readers: conflicts between sources, arithmetic (shown on the pages)'),
    "events.editor_notes": N_('For editors only, never shown to readers: how the row was found and checked, leads to follow'),
    "rulings.ruling_id": N_('Identifier'),
    "rulings.date": N_('Date of the decision'),
    "rulings.case_name": N_('Case name as the source gives it for this decision'),
    "rulings.case_group": N_('The case the decision belongs to (one timeline lane)'),
    "rulings.proceeding": N_('decision (an order, opinion or judgment: counted as a ruling) or oral_argument (a hearing, shown on the timeline but not counted)'),
    "rulings.aea_case": N_('true when the case concerns removals under the Alien Enemies Act proclamation'),
    "rulings.about_tda": N_('true when the case concerns people the government accused of Tren de Aragua membership; false marks a related case shown for context'),
    "rulings.docket": N_('Docket number as the court gives it, where known'),
    "rulings.court_url": N_("The court's own document or docket for this decision (supremecourt.gov, a court's site, or CourtListener), where known"),
    "rulings.court": N_('Court'),
    "rulings.court_level": N_('district, appeals or supreme'),
    "rulings.judge": N_('Judge or panel'),
    "rulings.decision": N_('What was decided'),
    "rulings.outcome": N_('for_government, against_government, mixed or pending'),
    "rulings.favoured": N_('Whom the decision favoured, in words'),
    "rulings.related_event_ids": N_("event_ids the ruling concerns, separated by ';'"),
    "rulings.source_id": N_('The source, a source_id in sources.csv'),
    "rulings.quote": N_('The exact words of the source that support the row, copied verbatim (for values summed from a data file: the filter and sum that reproduce it)'),
    "rulings.confidence": N_('How sure we are: high (primary data or reputable verbatim text that agrees with other sources), medium (a copy, an aggregator or one source), low (unattributed or third-party paraphrase; shown marked as such)'),
    "rulings.notes": N_('Caveats for readers: conflicts between sources, arithmetic (shown on the pages)'),
    "rulings.editor_notes": N_('For editors only, never shown to readers: how the row was found and checked, leads to follow'),
    "presence.country": N_('ISO 3166-1 alpha-3 country code'),
    "presence.status": N_("origin, confirmed (the cited source is an authority's own statement for this country: a source of kind government or court) or reported (everything else, including news reports of what officials said)"),
    "presence.reported_on": N_('Date of the cited source'),
    "presence.source_id": N_('The source, a source_id in sources.csv'),
    "presence.quote": N_('The exact words of the source that support the row, copied verbatim (for values summed from a data file: the filter and sum that reproduce it)'),
    "presence.confidence": N_('How sure we are: high (primary data or reputable verbatim text that agrees with other sources), medium (a copy, an aggregator or one source), low (unattributed or third-party paraphrase; shown marked as such)'),
    "presence.notes": N_('Caveats for readers: conflicts between sources, arithmetic (shown on the pages)'),
    "presence.editor_notes": N_('For editors only, never shown to readers: how the row was found and checked, leads to follow'),
    "milestones.milestone_id": N_('Identifier'),
    "milestones.date": N_('When it happened'),
    "milestones.kind": N_('designation, sanction, proclamation, executive_action or assessment'),
    "milestones.title": N_('Short label for a chart annotation'),
    "milestones.actor": N_('Who acted'),
    "milestones.country": N_('ISO 3166-1 alpha-3 code of the acting government'),
    "milestones.source_id": N_('The source, a source_id in sources.csv'),
    "milestones.quote": N_('The exact words of the source that support the row, copied verbatim (for values summed from a data file: the filter and sum that reproduce it)'),
    "milestones.confidence": N_('How sure we are: high (primary data or reputable verbatim text that agrees with other sources), medium (a copy, an aggregator or one source), low (unattributed or third-party paraphrase; shown marked as such)'),
    "milestones.notes": N_('Caveats for readers: conflicts between sources, arithmetic (shown on the pages)'),
    "milestones.editor_notes": N_('For editors only, never shown to readers: how the row was found and checked, leads to follow'),
    "claims.claim_id": N_('Identifier (assessments link to it)'),
    "claims.date": N_('When the claim was made, as precise as the source'),
    "claims.claimant": N_('Who made the claim, as the source names them'),
    "claims.claimant_role": N_("The claimant's office or role, and where the claim was made"),
    "claims.claim": N_("The claim in the tracker's words"),
    "claims.topic": N_('What the claim is about: maduro_direction, tda_size_us, deportee_records, deportee_membership, tattoos_validation, removal_counts, aurora, enforcement_raids, boat_strike, venezuela_denial, prisons_emptying, laken_riley'),
    "claims.source_id": N_('The source, a source_id in sources.csv'),
    "claims.quote": N_("The claimant's exact words as the source carries them, copied verbatim (where the source gives only part of a statement, that part)"),
    "claims.related_ruling_ids": N_("ruling_ids of the court rulings the claim concerns, separated by ';'"),
    "claims.related_event_ids": N_("event_ids of the events the claim concerns, separated by ';'"),
    "claims.related_figure_ids": N_("figure_ids of the figures the claim concerns, separated by ';'"),
    "claims.confidence": N_('How sure we are: high (primary data or reputable verbatim text that agrees with other sources), medium (a copy, an aggregator or one source), low (unattributed or third-party paraphrase; shown marked as such)'),
    "claims.notes": N_('Caveats for readers: conflicts between sources, arithmetic (shown on the pages)'),
    "claims.editor_notes": N_('For editors only, never shown to readers: how the row was found and checked, leads to follow'),
    "assessments.assessment_id": N_('Identifier'),
    "assessments.claim_id": N_('The claim assessed, a claim_id in claims.csv'),
    "assessments.date": N_('When the assessment was made or published, as precise as the source (empty where no source dates it)'),
    "assessments.assessor": N_('Who assessed the claim: a court, agency, newsroom or researcher'),
    "assessments.kind": N_("court_finding, intelligence_assessment, news_investigation, government_data (the government's own records or documents) or research"),
    "assessments.stance": N_("What the cited evidence does to the claim: supports (backs it), contradicts (runs against it) or qualifies (limits it or casts doubt on it without refuting it); not a ruling on anyone's guilt"),
    "assessments.summary": N_("What the assessment found, in the tracker's words"),
    "assessments.ruling_id": N_('For a court finding, the ruling in rulings.csv where the table has it'),
    "assessments.source_id": N_('The source, a source_id in sources.csv'),
    "assessments.quote": N_('The exact words of the source that support the row, copied verbatim (for values summed from a data file: the filter and sum that reproduce it)'),
    "assessments.confidence": N_('How sure we are: high (primary data or reputable verbatim text that agrees with other sources), medium (a copy, an aggregator or one source), low (unattributed or third-party paraphrase; shown marked as such)'),
    "assessments.notes": N_('Caveats for readers: conflicts between sources, arithmetic (shown on the pages)'),
    "assessments.editor_notes": N_('For editors only, never shown to readers: how the row was found and checked, leads to follow'),
    "changes.date": N_('When the change was published (YYYY-MM-DD)'),
    "changes.file": N_('The file changed'),
    "changes.record_id": N_('The id of the row changed (empty for a whole-file change)'),
    "changes.change": N_('added, corrected or removed'),
    "changes.description": N_('What changed; for a correction, the old value'),
    "translations.table": N_('The table of the cell translated'),
    "translations.row_id": N_("The row's key in that table: its id (event_id, figure_id, ruling_id, milestone_id, claim_id, assessment_id, source_id), the country of a presence row, series_id/period for a series row; the row must exist"),
    "translations.column": N_("The column translated, one of that table's translatable columns: events: title, summary, location_note, people_count_label, notes, quote; figures: label, geography, estimator, notes, quote; series: geography, notes, quote; rulings: decision, court, judge, notes, quote; milestones: title, actor, notes, quote; presence: notes, quote; claims: claimant_role, claim, notes, quote; assessments: assessor, summary, notes, quote; sources: title (only where title_kind is description), notes"),
    "translations.lang": N_("The language translated into: es for the tracker's own text (the tables are English); for a quote, any language but its source's (sources.language), e.g. en for a quote from a Spanish or Portuguese source"),
    "translations.text": N_('The translation; it writes every number of the original in digits'),
    "translations.original": N_('The exact text translated, as the cell read when it was translated: when the cell has changed since, the translation is stale and readers see the current English, marked, until it is translated again'),
}

# What one row of each table is (schemas.TABLES[...].row_is), for the dictionary's headings.
ROW_IS: dict[str, str] = {
    "sources": N_('a publication or data file that rows cite'),
    "figures": N_('one number as one estimator states it'),
    "series": N_('one value of a time series for one period'),
    "events": N_('a dated, located event'),
    "rulings": N_('a court decision'),
    "presence": N_('a country where the gang is reported present'),
    "milestones": N_('a dated policy or official action'),
    "claims": N_("a claim an official made, in the tracker's words and the claimant's"),
    "assessments": N_('a piece of evidence on a claim and what it does to the claim'),
    "changes": N_('an addition or correction to the data'),
    "translations": N_('the translation of one cell of another table into one language'),
}


def _is_date(spec: object) -> bool:
    return bool((spec.metadata or {}).get("partial_date"))


def field_descriptor(name: str, spec: object) -> dict:
    """A Frictionless Table Schema field for one schema column."""
    field: dict = {"name": name, "type": _TYPES.get(str(spec.dtype), "string"), "description": spec.description or ""}
    if field["type"] == "boolean":
        field.update(trueValues=["true"], falseValues=["false"])
    constraints: dict = {}
    if not spec.nullable:
        constraints["required"] = True
    if any(check.name == "unique_values" for check in spec.checks):
        constraints["unique"] = True
    if _is_date(spec):
        constraints["pattern"] = PARTIAL_DATE_PATTERN
    for check in spec.checks:
        stats = check.statistics or {}
        if check.name == "isin":
            constraints["enum"] = list(stats["allowed_values"])
        elif check.name in ("str_matches", "fullmatch"):
            constraints["pattern"] = stats["pattern"]
        elif check.name == "greater_than_or_equal_to":
            constraints["minimum"] = stats["min_value"]
        elif check.name == "in_range":
            constraints.update(minimum=stats["min_value"], maximum=stats["max_value"])
        elif check.name == "iso_country":
            from components.schemas import ISO3_CODES

            constraints["enum"] = ISO3_CODES
    if field["type"] == "string" and not _is_date(spec) and "enum" not in constraints:
        constraints["maxLength"] = schemas.max_length(name)
    if constraints:
        field["constraints"] = constraints
    return field


def resource_descriptor(table: Table) -> dict:
    """A Frictionless tabular data resource for one table."""
    schema: dict = {
        "fields": [field_descriptor(name, spec) for name, spec in table.schema.columns.items()],
        "missingValues": [""],
    }
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    foreign_keys = [
        {"fields": key.column, "reference": {"resource": key.table, "fields": key.key}}
        for key in table.foreign_keys
        if not key.many  # lists of ids in one cell are checked by components.validate only
    ]
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return {
        "name": table.name,
        "path": table.filename,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": (table.model.__doc__ or "").strip(),
        "schema": schema,
    }


def datapackage() -> dict:
    """The whole data package descriptor."""
    return {
        "profile": "tabular-data-package",
        "name": "tren-de-aragua-tracker",
        "title": "Tren de Aragua tracker: curated data",
        "description": "Sourced figures, time series, events, court rulings and countries of presence "
        "about the Venezuelan gang Tren de Aragua and the US crackdown on it. Every row cites a "
        "source in sources.csv with the exact supporting quote. Generated from components/schemas.py.",
        "resources": [resource_descriptor(table) for table in TABLES.values()],
    }


def _in_english(text: str, lang: str) -> str:
    """English text shown to a reader of another language, marked as English."""
    if i18n.normalize(lang) == i18n.DEFAULT_LANG:
        return text
    _ = i18n.gettext_for(lang)
    # TRANSLATORS: after English text that has no translation yet.
    return text + " " + _("(in English)")


def _check_words(check_name: str, statistics: dict, lang: str) -> str:
    """A column check in words (English: schemas.describe_rule, as in the codebook)."""
    if i18n.normalize(lang) == i18n.DEFAULT_LANG:
        return describe_rule(check_name, statistics)
    _ = i18n.gettext_for(lang)
    if check_name == "greater_than_or_equal_to":
        return _("must be at least {minimum}").format(minimum=statistics.get("min_value"))
    if check_name == "in_range":
        return _("must be between {minimum} and {maximum}").format(minimum=statistics.get("min_value"), maximum=statistics.get("max_value"))
    if check_name == "iso_country":
        return _("must be an ISO 3166-1 alpha-3 country code (e.g. VEN, USA, CHL)")
    return _in_english(describe_rule(check_name, statistics), lang)


def _rules(name: str, spec: object, lang: str = "en") -> str:
    _ = i18n.gettext_for(lang)
    parts = []
    if not spec.nullable:
        parts.append(_("required"))
    if any(check.name == "unique_values" for check in spec.checks):
        parts.append(_("unique"))
    if _is_date(spec):
        earliest = (spec.metadata or {}).get("earliest_year")
        if earliest:
            parts.append(_("YYYY, YYYY-MM or YYYY-MM-DD; a real date from {earliest} to today").format(earliest=earliest))
        else:
            parts.append(_("YYYY, YYYY-MM or YYYY-MM-DD; a real date, not in the future"))
    has_list = False
    for check in spec.checks:
        if check.name == "isin":
            has_list = True
            # TRANSLATORS: followed by a list of codes (`news`, `blog`, …), which stay as they are.
            parts.append(_("one of {values}").format(values=", ".join(f"`{value}`" for value in check.statistics["allowed_values"])))
        elif check.name in ("str_matches", "fullmatch"):
            parts.append(_("pattern {pattern} (the whole value)").format(pattern=f"`{check.statistics['pattern']}`"))
        elif check.name in ("greater_than_or_equal_to", "in_range", "iso_country"):
            has_list = has_list or check.name == "iso_country"
            parts.append(_check_words(check.name, check.statistics or {}, lang))
    if str(spec.dtype).startswith(("str", "object")) and not _is_date(spec) and not has_list:
        parts.append(_("at most {count} characters").format(count=formats.number(schemas.max_length(name), lang)))
    return "; ".join(parts)


# Rules that look at more than one column or table, documented under the tables they apply to.
_CROSS_RULES = {
    **{name: ["confidence_rule"] for name in schemas.CONFIDENCE_TABLES},
    "presence": ["confidence_rule", "confirmed_needs_authority"],
    "events": ["confidence_rule", "ambiguous_place"],
    "changes": ["duplicate_row"],
}


def _cell(text: object) -> str:
    """Our own text (schema descriptions and rules) in a table cell: one line, pipes escaped."""
    return re.sub(r"[\r\n]+", " ", str(text)).replace("|", "\\|")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~$])")


def _data_text(text: object) -> str:
    """Text from the data in generated markdown: one line, every markdown and HTML character
    escaped, so a value can never start a heading, a list, a table cell, a link or a tag."""
    flat = re.sub(r"\s+", " ", str(text)).strip()
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))


def _link_target(url: str) -> str:
    """A URL as a markdown link target: no spaces, angle brackets or parentheses that end it early."""
    return re.sub(r"[\s<>()\\]", lambda match: f"%{ord(match.group(0)):02X}", url)


def _code(text: object) -> str:
    """An identifier in a code span, or escaped text when it could break out of one."""
    text = str(text)
    return f"`{text}`" if re.fullmatch(r"[A-Za-z0-9_.;:/ -]+", text) else _data_text(text)


def type_label(kind: str, lang: str = "en") -> str:
    """A column's type in words: partial date, boolean, integer, number or text."""
    pgettext = i18n.pgettext_for(lang)
    words = {
        "partial date": pgettext("column type", "partial date"),
        "boolean": pgettext("column type", "boolean"),
        "integer": pgettext("column type", "integer"),
        "number": pgettext("column type", "number"),
        "string": pgettext("column type", "text"),
        "text": pgettext("column type", "text"),
    }
    return words.get(kind, kind)


def description(table: Table, name: str, lang: str = "en") -> str:
    """A column's description (schemas.py) in a language: from FIELD_DESCRIPTIONS while it is current, else English marked."""
    english = table.schema.columns[name].description or ""
    if i18n.normalize(lang) == i18n.DEFAULT_LANG or not english:
        return english
    known = FIELD_DESCRIPTIONS.get(f"{table.name}.{name}")
    return i18n.gettext_for(lang)(known) if known == english else _in_english(english, lang)


def row_is(table: Table, lang: str = "en") -> str:
    """What one row of table is, in a language (English marked when it has no current translation)."""
    if i18n.normalize(lang) == i18n.DEFAULT_LANG:
        return table.row_is
    known = ROW_IS.get(table.name)
    return i18n.gettext_for(lang)(known) if known == table.row_is else _in_english(table.row_is, lang)


def dictionary(table: Table, lang: str = "en") -> pd.DataFrame:
    """One row per column of table: name, type, description and the rules it must follow (words in lang; the keys stay English)."""
    _ = i18n.gettext_for(lang)
    links = {key.column: key for key in table.foreign_keys}
    rows = []
    for name, spec in table.schema.columns.items():
        kind = "partial date" if _is_date(spec) else _TYPES.get(str(spec.dtype), "text")
        rules = _rules(name, spec, lang)
        if name in links:
            rules += "; " + _("each must be a {key} in {file}").format(key=f"`{links[name].key}`", file=f"`{links[name].table}.csv`")
        rows.append({"column": name, "type": type_label(kind, lang), "description": description(table, name, lang), "rules": rules.lstrip("; ")})
    return pd.DataFrame(rows, columns=["column", "type", "description", "rules"])


def dictionary_headers(lang: str = "en") -> list[str]:
    """The dictionary's four column headers in a language."""
    pgettext = i18n.pgettext_for(lang)
    return [
        pgettext("data dictionary header", "column"),
        pgettext("data dictionary header", "type"),
        pgettext("data dictionary header", "description"),
        pgettext("data dictionary header", "rules"),
    ]


def dictionary_markdown(table: Table, lang: str = "en") -> str:
    """The dictionary of one table as a markdown table (the Sources page): headers and words in lang."""
    header = "| " + " | ".join(dictionary_headers(lang)) + " |"
    rows = [f"| `{row.column}` | {row.type} | {_cell(row.description)} | {_cell(row.rules)} |" for row in dictionary(table, lang).itertuples()]
    return "\n".join([header, "|---|---|---|---|", *rows])


def dictionary_heading(table: Table, lang: str = "en") -> str:
    """'events.csv: one row is a dated, located event' in a language."""
    _ = i18n.gettext_for(lang)
    # TRANSLATORS: a heading of the data dictionary: {file} is a file name (events.csv), {row_is} says what one row is.
    return _("{file}: one row is {row_is}").format(file=table.filename, row_is=row_is(table, lang))


# The hand-written sections of data/README.md that the Sources page shows; their translations live in
# components/i18n/locales/<lang>/sources-method.md under the translated headings, saying the same thing.
NOTE_HEADINGS = ("Editorial rules", "Method and caveats")
NOTES_FILE = "sources-method.md"


def translated_notes(lang: str) -> dict[str, str]:
    """English heading -> the section's text in lang, from locales/<lang>/sources-method.md ({} for English or when missing)."""
    if i18n.normalize(lang) == i18n.DEFAULT_LANG:
        return {}
    path = i18n.LOCALES / i18n.normalize(lang) / NOTES_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line[3:].strip(), [])
        elif current is not None:
            current.append(line)
    _ = i18n.gettext_for(lang)
    found = {heading: "\n".join(sections.get(_(heading), [])).strip() for heading in NOTE_HEADINGS}
    return {heading: body for heading, body in found.items() if body}


def codebook() -> str:
    """Markdown: for each file, its description and a column table."""
    blocks = []
    for table in TABLES.values():
        lines = [f"### {table.filename}", "", (table.model.__doc__ or "").strip(), ""]
        if table.primary_key:
            lines += [f"Key: {' + '.join(table.primary_key)}.", ""]
        lines += ["| column | type | description | rules |", "|---|---|---|---|"]
        for row in dictionary(table).itertuples():
            lines.append(f"| `{row.column}` | {row.type} | {_cell(row.description)} | {_cell(row.rules)} |")
        for check in table.schema.checks:
            lines.append(f"\nRow rule `{check.name}`: {describe_rule(check.name, {})}.")
        for rule in dict.fromkeys(_CROSS_RULES.get(table.name, [])):
            lines.append(f"\nRule `{rule}`: {describe_rule(rule, {})}.")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def index_table(package: Package) -> str:
    """Markdown: file | one row is | rows | sources cited."""
    lines = ["| file | one row is | rows | sources cited |", "|---|---|---|---|"]
    for name, table in TABLES.items():
        frame = package.tables[name]
        cited = frame["source_id"].nunique() if "source_id" in frame else "—"
        lines.append(f"| `{table.filename}` | {table.row_is} | {len(frame)} | {cited} |")
    return "\n".join(lines)


def sources_table(package: Package) -> str:
    """Markdown: every source with publisher, title, date and link."""
    sources = package.tables["sources"]
    lines = ["| source_id | publisher | title | published | kind |", "|---|---|---|---|---|"]
    for row in sources.itertuples():
        title = f"[{_data_text(row.title)}]({_link_target(row.url)})" if isinstance(row.url, str) else _data_text(row.title)
        published = partial_dates.format_partial(row.published, row.published_precision)
        lines.append(f"| {_code(row.source_id)} | {_data_text(row.publisher)} | {title} | {published} | {_data_text(row.kind)} |")
    return "\n".join(lines)


def changes_list(package: Package) -> str:
    """Markdown: the dated change log, newest first."""
    changes = package.tables["changes"].sort_values("date", ascending=False, kind="stable")
    lines = []
    for row in changes.itertuples():
        record = f" {_code(row.record_id)}" if isinstance(row.record_id, str) else ""
        lines.append(f"- {pd.Timestamp(row.date):%Y-%m-%d} {_data_text(row.file)}{record} ({_data_text(row.change)}): {_data_text(row.description)}")
    return "\n".join(lines)


def render_readme(text: str, package: Package) -> str:
    """README text with each generated section replaced between its markers."""
    sections = {
        "index": index_table(package),
        "codebook": codebook(),
        "sources": sources_table(package),
        "changes": changes_list(package),
    }
    for name in _MARKERS:
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"data/README.md lacks the markers <!-- {name}:start --> and <!-- {name}:end -->")
        text = pattern.sub(lambda match: match.group(1) + sections[name] + "\n" + match.group(2), text)
    return text


def _read_readme(path: Path) -> str:
    """data/README.md as text, or ValueError with a sentence an editor can act on."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"{path} is missing: restore it (it holds the hand-written documentation and the generated sections)") from None
    except OSError as exc:
        raise ValueError(f"{path} cannot be read ({exc.strerror or type(exc).__name__})") from None
    try:
        return data.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValueError(f"{path} is not UTF-8 (line {line}, byte {data[exc.start:exc.start + 1]!r}; Latin-1 or Windows-1252?): save it as UTF-8") from None


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) data/datapackage.json and data/README.md."""
    parser = argparse.ArgumentParser(prog="python -m components.datadocs", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a generated file is out of date")
    parser.add_argument("--data-dir", type=Path, default=None, help="the data directory (default: TDA_DATA_DIR or data/)")
    args = parser.parse_args(argv)
    directory = (args.data_dir or data_dir()).resolve()
    print(f"data folder: {directory}", file=sys.stderr)
    if not directory.is_dir():
        print(f"error: {directory} is not a readable directory", file=sys.stderr)
        return 2
    package = load_package(directory)
    if not package.valid:
        print(f"the data in {directory} is invalid: run python -m components.validate {directory} first", file=sys.stderr)
        return 1
    readme_path, descriptor_path = directory / "README.md", directory / "datapackage.json"
    try:
        wanted = {
            descriptor_path: json.dumps(datapackage(), indent=2, ensure_ascii=False) + "\n",
            readme_path: render_readme(_read_readme(readme_path), package),
        }
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    def current(path: Path) -> str | None:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    stale = [path for path, text in wanted.items() if current(path) != text]
    if args.check:
        for path in stale:
            print(f"{path} is out of date: run make docs", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path], encoding="utf-8")
        print(f"wrote {path}")
    if not stale:
        print(f"{directory}: datapackage.json and README.md are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
