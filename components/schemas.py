"""The schema of every curated CSV: one pandera model per file, the data dictionary in code.

The validator, the data dictionary in data/README.md and data/datapackage.json are all
generated from the models and the TABLES registry below, so they cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.compute as pc
import pycountry
from pandera import extensions

from components import partial_dates

# Columns with a closed list of values are categories: compact, and fast to check at a million rows.
Category = pd.CategoricalDtype

SLUG = r"^[a-z0-9][a-z0-9_-]*$"
URL = r"^https?://[^\s/$.?#][^\s]*$"
LANGUAGE = r"^[a-z]{2}$"
EVENT_ID_LIST = r"^[a-z0-9][a-z0-9_-]*(;[a-z0-9][a-z0-9_-]*)*$"
ISO3_CODES = sorted(country.alpha_3 for country in pycountry.countries)

CONFIDENCE = ["high", "medium", "low"]
SOURCE_KINDS = ["news", "government", "court", "research", "dataset", "encyclopedia", "blog", "book"]
FIGURE_METRICS = [
    "membership",
    "annual_profits_usd",
    "us_migrants_possible_ties",
    "us_confirmed_members",
    "us_states_with_presence",
    "us_arrests",
    "countries_with_presence",
    "venezuelan_population_us",
    "tps_holders",
    "cbp_encounters_venezuela",
    "reward_usd",
    "aea_removals",
]
FIGURE_STATUSES = ["official", "estimate", "reported"]
SERIES_IDS = [
    "cbp_venezuela_nationwide",
    "cbp_venezuela_southwest",
    "cbp_all_nationwide",
    "cbp_all_southwest",
]
PERIOD_KINDS = ["month", "fiscal_year", "year"]
EVENT_TYPES = ["security_operation", "crime", "arrest", "indictment", "conviction", "deportation", "intelligence", "context"]
EVENT_STATUSES = ["alleged", "charged", "convicted", "confirmed", "reported"]
GEOCODE_METHODS = ["manual", "gazetteer"]
COURT_LEVELS = ["district", "appeals", "supreme"]
OUTCOMES = ["for_government", "against_government", "mixed", "pending"]
PRESENCE_STATUSES = ["origin", "confirmed", "reported"]
TITLE_KINDS = ["headline", "description"]
# How the cited text was read: on the original's own page, in a republished copy (wire client,
# repost, mirror) that names the original, or in a copy whose tie to the original is unverified.
ACCESS_KINDS = ["original", "copy", "unverified_copy"]
PROCEEDINGS = ["decision", "oral_argument"]
# What an event's people_count counts; only arrests and charges size the map's circles.
PEOPLE_COUNT_KINDS = ["arrested_or_charged", "removed_or_transferred", "returned", "security_forces", "other"]
MILESTONE_KINDS = ["designation", "sanction", "proclamation", "executive_action", "assessment"]
CHANGE_KINDS = ["added", "corrected", "removed"]
CLAIM_TOPICS = [
    "maduro_direction",
    "tda_size_us",
    "deportee_records",
    "deportee_membership",
    "tattoos_validation",
    "removal_counts",
    "aurora",
    "enforcement_raids",
    "boat_strike",
    "venezuela_denial",
    "prisons_emptying",
    "laken_riley",
]
ASSESSMENT_KINDS = ["court_finding", "intelligence_assessment", "news_investigation", "government_data", "research"]
# What the cited evidence does to the claim; the tracker does not rule on anyone's guilt.
STANCES = ["supports", "contradicts", "qualifies"]
# Metrics a chart divides by (the population base of a rate) or draws on a log scale: > 0.
POSITIVE_METRICS = ["venezuelan_population_us", "us_migrants_possible_ties", "us_confirmed_members"]
# The earliest period of a series (FY2000 starts in October 1999); none may start after today.
EARLIEST_PERIOD = "1999-10-01"
# The highest confidence a row may have, by how its source was read and by the source's kind.
CONFIDENCE_CAP_BY_ACCESS = {"copy": "medium", "unverified_copy": "low"}
CONFIDENCE_CAP_BY_KIND = {"encyclopedia": "medium"}
# Presence status 'confirmed' needs an authority's own statement: a source of one of these kinds.
AUTHORITY_KINDS = ["government", "court"]
# Tables whose rows cite a source and carry a confidence.
CONFIDENCE_TABLES = ["figures", "events", "rulings", "presence", "milestones", "claims", "assessments"]

# The most characters a text cell may hold, by column (others: DEFAULT_MAX_LENGTH); a 1 MB
# title would freeze a reader's browser.
DEFAULT_MAX_LENGTH = 300
MAX_LENGTH = {
    "quote": 3000,
    "summary": 2000,
    "decision": 2000,
    "description": 2000,
    "notes": 2000,
    "editor_notes": 2000,
    "url": 2000,
    "via_url": 2000,
    "court_url": 2000,
    "related_event_ids": 2000,
    "text": 3000,  # translations.csv: at most the limit of the column translated (translation_length)
    "original": 3000,
}
ID_MAX_LENGTH = 100  # every column named *_id, and record_id


def max_length(column: str) -> int:
    """The most characters a text cell of column may hold."""
    if column.endswith("_id"):
        return ID_MAX_LENGTH
    return MAX_LENGTH.get(column, DEFAULT_MAX_LENGTH)


_LABEL_NUMBER = re.compile(
    r"(?<![\w.])(?P<fy>FY)?(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<decimals>\.\d+)?(?:\s*(?P<scale>million|billion|bn|m|k)\b)?",
    re.IGNORECASE,
)
_SCALES = {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "k": 1e3}


def _number_text(number: float) -> str:
    return f"{number:.0f}" if float(number).is_integer() else f"{number:g}"


def label_mismatch(label: object, value: object, low: object, high: object) -> str | None:
    """Why a figure's label contradicts its numbers, or None.

    Every number written in the label (2,700 / 2700 / 10.5 / 1 million / $5m) must equal value,
    low or high; years (1900 to 2099 written as four digits) and fiscal years (FY2024) are skipped.
    """
    numbers = [float(n) for n in (value, low, high) if n is not None and not pd.isna(n)]
    if not isinstance(label, str) or not numbers:
        return None
    matches = list(_LABEL_NUMBER.finditer(label))
    for position, match in enumerate(matches):
        digits, decimals, scale = match["digits"], match["decimals"], match["scale"]
        following = matches[position + 1] if position + 1 < len(matches) else None
        if not scale and following and following["scale"] and re.fullmatch(r"\s*(?:to|-|–|and|or)\s*\$?", label[match.end() : following.start()]):
            scale = following["scale"]  # "10 to 15 million": the scale applies to both
        if match["fy"] or (len(digits) == 4 and not decimals and not scale and 1900 <= int(digits) <= 2099):
            continue
        said = float(digits.replace(",", "") + (decimals or "")) * _SCALES.get((scale or "").lower(), 1)
        if not any(abs(said - number) <= 1e-9 * max(1.0, abs(number)) for number in numbers):
            given = [f"{name} is {_number_text(float(n))}" for name, n in (("value", value), ("low", low), ("high", high)) if n is not None and not pd.isna(n)]
            return f"the label says {match.group(0).strip()} but " + " and ".join(given) + ": write the label from the numbers, or fix them"
    return None


DATA_FILES = ["sources", "figures", "series", "events", "rulings", "presence", "milestones", "claims", "assessments", "changes", "translations"]

# The data's own words that are translated (data/translations.csv), by table: the tracker's text and the
# quotes. Ids, codes, case names, people's names, publishers, headlines, dockets and places are not
# (rulings.judge is translated for its descriptive words, "three-judge panel", "dissenting": a cell that
# is only a name is "translated" as itself, so it is not marked as English).
TRANSLATABLE: dict[str, tuple[str, ...]] = {
    "events": ("title", "summary", "location_note", "people_count_label", "notes", "quote"),
    "figures": ("label", "geography", "estimator", "notes", "quote"),
    "series": ("geography", "notes", "quote"),
    "rulings": ("decision", "court", "judge", "notes", "quote"),
    "milestones": ("title", "actor", "notes", "quote"),
    "presence": ("notes", "quote"),
    "claims": ("claimant_role", "claim", "notes", "quote"),
    "assessments": ("assessor", "summary", "notes", "quote"),
    "sources": ("title", "notes"),
}
# Columns translated only in the rows where another column has one value: (table, column) -> (column, value).
# A source's title is translated only when it is the tracker's own description of the item (title_kind
# description); a headline stays as published in every language (translation_of_headline).
TRANSLATED_ONLY_WHERE: dict[tuple[str, str], tuple[str, str]] = {("sources", "title"): ("title_kind", "description")}


def translated_rows(frame: pd.DataFrame, table: str, column: str) -> pd.Series:
    """Which rows of a table have their column translated: all, but where TRANSLATED_ONLY_WHERE limits it."""
    where = TRANSLATED_ONLY_WHERE.get((table, column))
    if where is None:
        return pd.Series(True, index=frame.index, dtype=bool)
    other, value = where
    if other not in frame.columns:
        return pd.Series(False, index=frame.index, dtype=bool)
    return (frame[other].astype(object) == value).fillna(False).astype(bool)


def _translatable_columns_text() -> str:
    """translations.column's list of the translatable columns, with the rows a limited column is translated in."""
    def named(table: str, column: str) -> str:
        where = TRANSLATED_ONLY_WHERE.get((table, column))
        return column if where is None else f"{column} (only where {where[0]} is {where[1]})"

    return "; ".join(f"{name}: {', '.join(named(name, column) for column in columns)}" for name, columns in TRANSLATABLE.items())
# The languages a cell is translated into. The tables are English, so every column but quote is
# translated into es only; a quote keeps its source's language and is translated into the others.
TRANSLATION_LANGS = ["es", "en"]
TABLES_LANGUAGE = "en"
QUOTE_COLUMN = "quote"
# The separator of a key made of several columns in translations.row_id (series: series_id/period).
ROW_ID_SEPARATOR = "/"
# A separator between digits ("5,000", "5.000", "1.5", "1,5", "5 000"): numbers are compared without it.
_DIGIT_SEPARATOR = re.compile(r"(?<=\d)[.,\u00a0\u202f\u2009'’](?=\d)")
_DIGITS = re.compile(r"\d+")


def written_numbers(text: object) -> list[int]:
    """The numbers written in digits in a text, separators between digits removed, sorted (a multiset).

    "5,000" and "5.000" are both 5000; "1.5" and "1,5" both 15 (the digits, not the value, are compared);
    "9th Circuit" and "9.º Circuito" both hold 9.
    """
    if not isinstance(text, str):
        return []
    return sorted(int(digits) for digits in _DIGITS.findall(_DIGIT_SEPARATOR.sub("", text)))


def numbers_mismatch(text: object, original: object) -> str | None:
    """Why a translation's numbers differ from its original's, or None when they are the same multiset."""
    said, source = written_numbers(text), written_numbers(original)
    if said == source:
        return None
    missing, extra = list(source), []
    for number in said:
        if number in missing:
            missing.remove(number)
        else:
            extra.append(number)
    parts = []
    if missing:
        parts.append("lacks " + ", ".join(map(str, missing)))
    if extra:
        parts.append("adds " + ", ".join(map(str, extra)))
    return ("the translation " + " and ".join(parts) + " compared with original: keep every number of the original, "
            "written in digits (9th Circuit: 9.º Circuito; 5,000: 5.000)")


@extensions.register_check_method(statistics=[])
def unique_values(series: pd.Series) -> pd.Series:
    """Each value at most once; the duplicates are looked for only when there are some."""
    if series.is_unique:  # one hashing pass, the usual case at a million rows
        return pd.Series(True, index=series.index)
    return ~series.duplicated(keep=False)


def text_array(series: pd.Series) -> pa_arrow.Array:
    """A text column as an Arrow string array, without copying pandas' own Arrow strings."""
    values = pa_arrow.array(series, from_pandas=True)
    if pa_arrow.types.is_string(values.type) or pa_arrow.types.is_large_string(values.type):
        return values
    return pa_arrow.array(series.astype("str").where(series.notna()), type=pa_arrow.string(), from_pandas=True)


@extensions.register_check_method(statistics=["pattern"])
def fullmatch(series: pd.Series, *, pattern: str) -> pd.Series:
    """The whole value matches pattern (RE2, where $ is the end of the text: a trailing line
    break inside an id, code or URL fails, unlike Python's re.match with $)."""
    text = text_array(series)
    matched = pc.fill_null(pc.match_substring_regex(text, pattern), True)
    return pd.Series(matched.to_numpy(zero_copy_only=False), index=series.index)


@extensions.register_check_method(statistics=[])
def iso_country(series: pd.Series) -> pd.Series:
    """An ISO 3166-1 alpha-3 country code."""
    return series.isin(ISO3_CODES) | series.isna()


# Characters that show nothing: a value made only of these (and spaces) is blank.
INVISIBLE = "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
# Bidirectional embeddings, overrides and isolates: they reorder what readers see, so text
# holding them is refused (U+202A-U+202E, U+2066-U+2069).
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"


def all_ascii(values: pa_arrow.Array | pa_arrow.ChunkedArray) -> bool:
    """True when no byte of the text is beyond ASCII (one vectorised pass over the raw bytes)."""
    chunks = values.chunks if isinstance(values, pa_arrow.ChunkedArray) else [values]
    for chunk in chunks:
        data = chunk.buffers()[2] if len(chunk.buffers()) > 2 else None
        if data is not None and data.size and np.frombuffer(data, dtype=np.uint8).max() >= 128:
            return False
    return True


def is_blank(values: pa_arrow.Array) -> np.ndarray:
    """True for text with no visible character: only spaces and zero-width characters."""
    blank = pc.fill_null(pc.utf8_is_space(values), False)
    if all_ascii(values):
        return blank.to_numpy(zero_copy_only=False)
    unusual = pc.fill_null(pc.invert(pc.string_is_ascii(values)), False)
    if pc.any(unusual).as_py():  # only non-ASCII text can hide zero-width characters
        stripped = pc.replace_substring_regex(values, f"[\\s\\p{{Z}}{INVISIBLE}]+", "")
        blank = pc.or_(blank, pc.fill_null(pc.and_(unusual, pc.equal(pc.utf8_length(stripped), 0)), False))
    return blank.to_numpy(zero_copy_only=False)


def has_bidi_controls(values: pa_arrow.Array) -> np.ndarray:
    """True for text that holds a bidirectional override, embedding or isolate character."""
    if all_ascii(values):
        return np.zeros(len(values), dtype=bool)
    unusual = pc.fill_null(pc.invert(pc.string_is_ascii(values)), False)
    if not pc.any(unusual).as_py():
        return np.zeros(len(values), dtype=bool)
    return pc.fill_null(pc.match_substring_regex(values, f"[{BIDI_CONTROLS}]"), False).to_numpy(zero_copy_only=False)


@extensions.register_check_method(statistics=[])
def not_blank(series: pd.Series) -> pd.Series:
    """Text with at least one visible character (empty cells are caught as missing)."""
    blank = is_blank(text_array(series))
    return pd.Series(~blank, index=series.index)


# The earliest plausible year of a date, per table (a date before it is a typo such as 1024 or 0202).
EARLIEST_EVENT_YEAR = 1990  # events, rulings, milestones, presence reports and changes
EARLIEST_FIGURE_YEAR = 1900  # figures' as-of dates and sources' publication dates


def _date_field(description: str, nullable: bool = False, earliest: int = EARLIEST_EVENT_YEAR) -> object:
    # Checked (real calendar date, from `earliest` to today) and parsed once by the loader: see validation.py.
    return pa.Field(nullable=nullable, metadata={"partial_date": True, "earliest_year": earliest}, description=description)


def _quote_field() -> object:
    return pa.Field(
        not_blank=(),
        description="The exact words of the source that support the row, copied verbatim "
        "(for values summed from a data file: the filter and sum that reproduce it)",
    )


def _source_field() -> object:
    # Only the reference check: an id that exists in sources.csv has the right form already.
    return pa.Field(description="The source, a source_id in sources.csv")


def _confidence_field() -> object:
    return pa.Field(
        isin=CONFIDENCE,
        description="How sure we are: high (primary data or reputable verbatim text that agrees "
        "with other sources), medium (a copy, an aggregator or one source), low (unattributed "
        "or third-party paraphrase; shown marked as such)",
    )


def _notes_field() -> object:
    return pa.Field(nullable=True, description="Caveats for readers: conflicts between sources, arithmetic (shown on the pages)")


def _editor_notes_field() -> object:
    return pa.Field(
        nullable=True,
        description="For editors only, never shown to readers: how the row was found and checked, leads to follow",
    )


class _Strict:
    strict = True
    coerce = True


class Sources(pa.DataFrameModel):
    """Every publication or data file a row cites."""

    source_id: str = pa.Field(unique_values=(), fullmatch=SLUG, description="Identifier used by source_id columns")
    publisher: str = pa.Field(not_blank=(), description="The original publisher")
    title: str = pa.Field(not_blank=(), description="The headline or file title as published, or a description of the item (see title_kind)")
    title_kind: Category = pa.Field(
        isin=TITLE_KINDS,
        description="headline (the publisher's own title, shown in quotation marks) or description (our words for an item whose headline is not known, shown as such)",
    )
    url: Optional[str] = pa.Field(
        nullable=True,
        fullmatch=URL,
        description="The original: the publisher's own page, the court's document or docket, or the agency's data page (empty where it is not known)",
    )
    published: Optional[str] = _date_field("Publication date, as precise as the source shows", nullable=True, earliest=EARLIEST_FIGURE_YEAR)
    kind: Category = pa.Field(isin=SOURCE_KINDS, description="What sort of source it is")
    language: str = pa.Field(fullmatch=LANGUAGE, description="ISO 639-1 code of the quoted text")
    access: Category = pa.Field(
        isin=ACCESS_KINDS,
        description="How the cited text was read: original (on the original's own page), copy (in a republication that names the original: a wire client, repost or mirror) or unverified_copy (in a copy whose tie to the original is not established). Rows citing a copy are at most medium confidence, an unverified copy at most low",
    )
    via: Optional[str] = pa.Field(
        nullable=True, description="The copy actually read (repost, mirror, aggregator) when not the original"
    )
    via_url: Optional[str] = pa.Field(nullable=True, fullmatch=URL, description="Link to the copy read, shown as a secondary 'read via' link")
    notes: Optional[str] = _notes_field()
    editor_notes: Optional[str] = _editor_notes_field()

    Config = type("Config", (_Strict,), {})

    @pa.dataframe_check(name="copy_needs_via")
    def _copy_needs_via(cls, df: pd.DataFrame) -> pd.Series:
        return (df["access"] == "original") | df["via"].notna()

    @pa.dataframe_check(name="original_needs_url")
    def _original_needs_url(cls, df: pd.DataFrame) -> pd.Series:
        return (df["access"] != "original") | df["url"].notna()

    @pa.dataframe_check(name="via_url_needs_via")
    def _via_url_needs_via(cls, df: pd.DataFrame) -> pd.Series:
        return df["via_url"].isna() | df["via"].notna()


class Figures(pa.DataFrameModel):
    """One number as one estimator states it; disputed figures have one row per estimator."""

    figure_id: str = pa.Field(unique_values=(), fullmatch=SLUG, description="Identifier")
    metric: Category = pa.Field(isin=FIGURE_METRICS, description="What is measured; figures of one metric are compared side by side")
    label: str = pa.Field(not_blank=(), description="Short reader-facing label")
    value: Optional[float] = pa.Field(nullable=True, ge=0, description="The figure (empty when the source gives only a range)")
    low: Optional[float] = pa.Field(nullable=True, ge=0, description="Lower bound of a range or a 'more than' figure")
    high: Optional[float] = pa.Field(nullable=True, ge=0, description="Upper bound of a range")
    unit: str = pa.Field(not_blank=(), description="Unit of value, low and high")
    as_of: Optional[str] = _date_field("When the figure applies (empty where no source dates it)", nullable=True, earliest=EARLIEST_FIGURE_YEAR)
    geography: str = pa.Field(not_blank=(), description="Where the figure applies")
    estimator: str = pa.Field(not_blank=(), description="Who produced the number")
    status: Category = pa.Field(isin=FIGURE_STATUSES, description="official (a government body's own number), estimate (a researcher's or journalist's), reported (a news report of someone else's number)")
    confidence: Category = _confidence_field()
    computed: bool = pa.Field(description="true when value is arithmetic on the source (a sum, a half), not a number it prints")
    source_id: str = _source_field()
    quote: str = _quote_field()
    notes: Optional[str] = _notes_field()
    editor_notes: Optional[str] = _editor_notes_field()

    Config = type("Config", (_Strict,), {})

    @pa.dataframe_check(name="value_order")
    def _value_order(cls, df: pd.DataFrame) -> pd.Series:
        low_ok = df["low"].isna() | df["value"].isna() | (df["low"] <= df["value"])
        high_ok = df["high"].isna() | df["value"].isna() | (df["value"] <= df["high"])
        range_ok = df["low"].isna() | df["high"].isna() | (df["low"] <= df["high"])
        return low_ok & high_ok & range_ok

    @pa.dataframe_check(name="value_or_range")
    def _value_or_range(cls, df: pd.DataFrame) -> pd.Series:
        return df["value"].notna() | (df["low"].notna() & df["high"].notna())

    @pa.dataframe_check(name="positive_metric")
    def _positive_metric(cls, df: pd.DataFrame) -> pd.Series:
        positive = df["metric"].isin(POSITIVE_METRICS)
        return ~positive | ((df[["value", "low", "high"]] > 0) | df[["value", "low", "high"]].isna()).all(axis=1)

    @pa.dataframe_check(name="label_number")
    def _label_number(cls, df: pd.DataFrame) -> pd.Series:
        return pd.Series([label_mismatch(*row) is None for row in zip(df["label"], df["value"], df["low"], df["high"])], index=df.index, dtype=bool)


class Series(pa.DataFrameModel):
    """One value of a time series (CBP encounters) for one month or fiscal year."""

    series_id: Category = pa.Field(isin=SERIES_IDS, description="Which series")
    period: str = pa.Field(description="YYYY-MM for a month, FY2024 for a US fiscal year (October to September), YYYY for a calendar year")
    period_kind: Category = pa.Field(isin=PERIOD_KINDS, description="month, fiscal_year or year")
    value: int = pa.Field(ge=0, description="The count")
    unit: str = pa.Field(not_blank=(), description="Unit of value (encounters count events, not people)")
    geography: str = pa.Field(not_blank=(), description="Where the count applies")
    period_complete: bool = pa.Field(description="false for a period the source covers only in part")
    computed: bool = pa.Field(description="true when value is a sum over rows of a data file")
    source_id: str = _source_field()
    quote: str = _quote_field()
    notes: Optional[str] = _notes_field()
    editor_notes: Optional[str] = _editor_notes_field()

    class Config(_Strict):
        unique = ["series_id", "period"]

    @pa.dataframe_check(name="period_format")
    def _period_format(cls, df: pd.DataFrame) -> pd.Series:
        return partial_dates.period_bounds(df["period"], df["period_kind"])[0].notna()

    @pa.dataframe_check(name="period_range")
    def _period_range(cls, df: pd.DataFrame) -> pd.Series:
        start = partial_dates.period_bounds(df["period"], df["period_kind"])[0]
        return start.isna() | ((start >= pd.Timestamp(EARLIEST_PERIOD)) & (start <= pd.Timestamp.today().normalize()))


class Events(pa.DataFrameModel):
    """One dated, located event linked to Tren de Aragua or the crackdown on it."""

    event_id: str = pa.Field(unique_values=(), fullmatch=SLUG, description="Identifier (rulings link to it)")
    date: str = _date_field("When it happened, as precise as the source: YYYY, YYYY-MM or YYYY-MM-DD")
    title: str = pa.Field(not_blank=(), description="Short neutral headline; people are 'alleged' members unless convicted")
    summary: str = pa.Field(not_blank=(), description="One or two sentences on what happened")
    event_type: Category = pa.Field(isin=EVENT_TYPES, description="security_operation, crime, arrest, indictment, conviction, deportation, intelligence, or context (not a TdA event, shown for context)")
    status: Category = pa.Field(isin=EVENT_STATUSES, description="How established the claim is: alleged, charged, convicted, confirmed (documented, no claim of guilt) or reported (one unverified report); drives the wording")
    place: str = pa.Field(not_blank=(), description="Locality; when coordinates are empty it is looked up in the GeoNames gazetteer")
    admin1: Optional[str] = pa.Field(nullable=True, description="State or province (US: two-letter code); narrows the gazetteer lookup")
    country: Category = pa.Field(iso_country=(), description="ISO 3166-1 alpha-3 country code")
    location_note: Optional[str] = pa.Field(nullable=True, description="What the point stands for when it is approximate")
    lat: Optional[float] = pa.Field(nullable=True, in_range={"min_value": -90, "max_value": 90}, description="Latitude, WGS84 degrees (empty: geocoded from place)")
    lon: Optional[float] = pa.Field(nullable=True, in_range={"min_value": -180, "max_value": 180}, description="Longitude, WGS84 degrees (empty: geocoded from place)")
    geocode: Optional[Category] = pa.Field(nullable=True, isin=GEOCODE_METHODS, description="manual (coordinates typed by an editor) or gazetteer (looked up offline); empty means gazetteer")
    people_count: Optional[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="How many people the source counts (arrested, removed, deployed)")
    people_count_kind: Optional[Category] = pa.Field(
        nullable=True,
        isin=PEOPLE_COUNT_KINDS,
        description="What kind of count people_count is: arrested_or_charged (the only kind that sizes the map's circles), removed_or_transferred, returned, security_forces or other; required with people_count",
    )
    people_count_label: Optional[str] = pa.Field(nullable=True, description="What people_count counts, in the source's terms")
    source_id: str = _source_field()
    quote: str = _quote_field()
    confidence: Category = _confidence_field()
    notes: Optional[str] = _notes_field()
    editor_notes: Optional[str] = _editor_notes_field()

    Config = type("Config", (_Strict,), {})

    @pa.dataframe_check(name="coordinates_pair")
    def _coordinates_pair(cls, df: pd.DataFrame) -> pd.Series:
        return df["lat"].isna() == df["lon"].isna()

    @pa.dataframe_check(name="manual_needs_coordinates")
    def _manual_needs_coordinates(cls, df: pd.DataFrame) -> pd.Series:
        return (df["geocode"] != "manual") | df["lat"].notna()

    @pa.dataframe_check(name="people_count_kind_pair")
    def _people_count_kind_pair(cls, df: pd.DataFrame) -> pd.Series:
        return pd.Series(df["people_count"].isna().to_numpy() == df["people_count_kind"].isna().to_numpy(), index=df.index)


class Rulings(pa.DataFrameModel):
    """One court decision on deportations under the Alien Enemies Act or a related case."""

    ruling_id: str = pa.Field(unique_values=(), fullmatch=SLUG, description="Identifier")
    date: str = _date_field("Date of the decision")
    case_name: str = pa.Field(not_blank=(), description="Case name as the source gives it for this decision")
    case_group: str = pa.Field(not_blank=(), description="The case the decision belongs to (one timeline lane)")
    proceeding: Category = pa.Field(isin=PROCEEDINGS, description="decision (an order, opinion or judgment: counted as a ruling) or oral_argument (a hearing, shown on the timeline but not counted)")
    aea_case: bool = pa.Field(description="true when the case concerns removals under the Alien Enemies Act proclamation")
    about_tda: bool = pa.Field(description="true when the case concerns people the government accused of Tren de Aragua membership; false marks a related case shown for context")
    docket: Optional[str] = pa.Field(nullable=True, description="Docket number as the court gives it, where known")
    court_url: Optional[str] = pa.Field(nullable=True, fullmatch=URL, description="The court's own document or docket for this decision (supremecourt.gov, a court's site, or CourtListener), where known")
    court: str = pa.Field(not_blank=(), description="Court")
    court_level: Category = pa.Field(isin=COURT_LEVELS, description="district, appeals or supreme")
    judge: str = pa.Field(not_blank=(), description="Judge or panel")
    decision: str = pa.Field(not_blank=(), description="What was decided")
    outcome: Category = pa.Field(isin=OUTCOMES, description="for_government, against_government, mixed or pending")
    favoured: str = pa.Field(not_blank=(), description="Whom the decision favoured, in words")
    related_event_ids: Optional[str] = pa.Field(nullable=True, fullmatch=EVENT_ID_LIST, description="event_ids the ruling concerns, separated by ';'")
    source_id: str = _source_field()
    quote: str = _quote_field()
    confidence: Category = _confidence_field()
    notes: Optional[str] = _notes_field()
    editor_notes: Optional[str] = _editor_notes_field()

    Config = type("Config", (_Strict,), {})

    @pa.dataframe_check(name="oral_argument_pending")
    def _oral_argument_pending(cls, df: pd.DataFrame) -> pd.Series:
        return (df["proceeding"] != "oral_argument") | (df["outcome"] == "pending")


class Presence(pa.DataFrameModel):
    """One country where Tren de Aragua is reported to be present."""

    country: str = pa.Field(unique_values=(), iso_country=(), description="ISO 3166-1 alpha-3 country code")
    status: Category = pa.Field(isin=PRESENCE_STATUSES, description="origin, confirmed (the cited source is an authority's own statement for this country: a source of kind government or court) or reported (everything else, including news reports of what officials said)")
    reported_on: Optional[str] = _date_field("Date of the cited source", nullable=True)
    source_id: str = _source_field()
    quote: str = _quote_field()
    confidence: Category = _confidence_field()
    notes: Optional[str] = _notes_field()
    editor_notes: Optional[str] = _editor_notes_field()

    Config = type("Config", (_Strict,), {})


class Milestones(pa.DataFrameModel):
    """One dated policy or official action (designations, sanctions, proclamations); annotates charts."""

    milestone_id: str = pa.Field(unique_values=(), fullmatch=SLUG, description="Identifier")
    date: str = _date_field("When it happened")
    kind: Category = pa.Field(isin=MILESTONE_KINDS, description="designation, sanction, proclamation, executive_action or assessment")
    title: str = pa.Field(not_blank=(), description="Short label for a chart annotation")
    actor: str = pa.Field(not_blank=(), description="Who acted")
    country: Category = pa.Field(iso_country=(), description="ISO 3166-1 alpha-3 code of the acting government")
    source_id: str = _source_field()
    quote: str = _quote_field()
    confidence: Category = _confidence_field()
    notes: Optional[str] = _notes_field()
    editor_notes: Optional[str] = _editor_notes_field()

    Config = type("Config", (_Strict,), {})


class Claims(pa.DataFrameModel):
    """One claim an official made about Tren de Aragua or the men removed as its members, in the tracker's words and the claimant's."""

    claim_id: str = pa.Field(unique_values=(), fullmatch=SLUG, description="Identifier (assessments link to it)")
    date: str = _date_field("When the claim was made, as precise as the source")
    claimant: str = pa.Field(not_blank=(), description="Who made the claim, as the source names them")
    claimant_role: str = pa.Field(not_blank=(), description="The claimant's office or role, and where the claim was made")
    claim: str = pa.Field(not_blank=(), description="The claim in the tracker's words")
    topic: Category = pa.Field(isin=CLAIM_TOPICS, description="What the claim is about: " + ", ".join(CLAIM_TOPICS))
    source_id: str = _source_field()
    quote: str = pa.Field(
        not_blank=(),
        description="The claimant's exact words as the source carries them, copied verbatim (where the source gives only part of a statement, that part)",
    )
    related_ruling_ids: Optional[str] = pa.Field(nullable=True, fullmatch=EVENT_ID_LIST, description="ruling_ids of the court rulings the claim concerns, separated by ';'")
    related_event_ids: Optional[str] = pa.Field(nullable=True, fullmatch=EVENT_ID_LIST, description="event_ids of the events the claim concerns, separated by ';'")
    related_figure_ids: Optional[str] = pa.Field(nullable=True, fullmatch=EVENT_ID_LIST, description="figure_ids of the figures the claim concerns, separated by ';'")
    confidence: Category = _confidence_field()
    notes: Optional[str] = _notes_field()
    editor_notes: Optional[str] = _editor_notes_field()

    Config = type("Config", (_Strict,), {})


class Assessments(pa.DataFrameModel):
    """One piece of evidence on a claim: who assessed it, what kind of evidence, and what it does to the claim."""

    assessment_id: str = pa.Field(unique_values=(), fullmatch=SLUG, description="Identifier")
    claim_id: str = pa.Field(description="The claim assessed, a claim_id in claims.csv")
    date: Optional[str] = _date_field("When the assessment was made or published, as precise as the source (empty where no source dates it)", nullable=True)
    assessor: str = pa.Field(not_blank=(), description="Who assessed the claim: a court, agency, newsroom or researcher")
    kind: Category = pa.Field(
        isin=ASSESSMENT_KINDS,
        description="court_finding, intelligence_assessment, news_investigation, government_data (the government's own records or documents) or research",
    )
    stance: Category = pa.Field(
        isin=STANCES,
        description="What the cited evidence does to the claim: supports (backs it), contradicts (runs against it) or qualifies (limits it or casts doubt on it without refuting it); not a ruling on anyone's guilt",
    )
    summary: str = pa.Field(not_blank=(), description="What the assessment found, in the tracker's words")
    ruling_id: Optional[str] = pa.Field(nullable=True, description="For a court finding, the ruling in rulings.csv where the table has it")
    source_id: str = _source_field()
    quote: str = _quote_field()
    confidence: Category = _confidence_field()
    notes: Optional[str] = _notes_field()
    editor_notes: Optional[str] = _editor_notes_field()

    Config = type("Config", (_Strict,), {})


class Changes(pa.DataFrameModel):
    """The public log of additions and corrections to the data."""

    date: str = _date_field("When the change was published (YYYY-MM-DD)")
    file: Category = pa.Field(isin=[f"{name}.csv" for name in DATA_FILES], description="The file changed")
    record_id: Optional[str] = pa.Field(nullable=True, description="The id of the row changed (empty for a whole-file change)")
    change: Category = pa.Field(isin=CHANGE_KINDS, description="added, corrected or removed")
    description: str = pa.Field(not_blank=(), description="What changed; for a correction, the old value")

    Config = type("Config", (_Strict,), {})


class Translations(pa.DataFrameModel):
    """One cell of another table in another language: the tracker's translation, beside the text it translates."""

    table: Category = pa.Field(isin=list(TRANSLATABLE), description="The table of the cell translated")
    row_id: str = pa.Field(
        not_blank=(),
        description="The row's key in that table: its id (event_id, figure_id, ruling_id, milestone_id, claim_id, assessment_id, source_id), the country of a presence row, series_id/period for a series row; the row must exist",
    )
    column: str = pa.Field(not_blank=(), description="The column translated, one of that table's translatable columns: " + _translatable_columns_text())
    lang: Category = pa.Field(
        isin=TRANSLATION_LANGS,
        description="The language translated into: es for the tracker's own text (the tables are English); for a quote, any language but its source's (sources.language), e.g. en for a quote from a Spanish or Portuguese source",
    )
    text: str = pa.Field(not_blank=(), description="The translation; it writes every number of the original in digits")
    original: str = pa.Field(
        not_blank=(),
        description="The exact text translated, as the cell read when it was translated: when the cell has changed since, the translation is stale and readers see the current English, marked, until it is translated again",
    )

    class Config(_Strict):
        unique = ["table", "row_id", "column", "lang"]

    @pa.dataframe_check(name="translatable_column")
    def _translatable_column(cls, df: pd.DataFrame) -> pd.Series:
        return pd.Series([translatable_column_problem(table, column) is None for table, column in zip(df["table"], df["column"])], index=df.index, dtype=bool)

    @pa.dataframe_check(name="translation_language")
    def _translation_language(cls, df: pd.DataFrame) -> pd.Series:
        return (df["column"] == QUOTE_COLUMN) | (df["lang"] != TABLES_LANGUAGE) | df["lang"].isna()

    @pa.dataframe_check(name="translation_numbers")
    def _translation_numbers(cls, df: pd.DataFrame) -> pd.Series:
        return pd.Series([numbers_mismatch(text, original) is None for text, original in zip(df["text"], df["original"])], index=df.index, dtype=bool)

    @pa.dataframe_check(name="translation_length")
    def _translation_length(cls, df: pd.DataFrame) -> pd.Series:
        return pd.Series([translation_too_long(text, column) is None for text, column in zip(df["text"], df["column"])], index=df.index, dtype=bool)


def translatable_column_problem(table: object, column: object) -> str | None:
    """Why a table and column cannot be translated, or None (an unknown table is the table column's own error)."""
    if not isinstance(table, str) or table not in TRANSLATABLE or not isinstance(column, str):
        return None
    if column in TRANSLATABLE[table]:
        return None
    columns = ", ".join(TRANSLATABLE[table])
    if column not in TABLE_COLUMNS.get(table, ()):
        return f"{table}.csv has no column '{column}': the translatable columns of {table} are {columns}"
    return f"{table}.{column} is not translated (ids, codes, names, places, titles and dockets stay as they are): the translatable columns of {table} are {columns}"


def translation_too_long(text: object, column: object) -> str | None:
    """Why a translation is longer than the column it translates allows, or None."""
    if not isinstance(text, str) or not isinstance(column, str):
        return None
    limit = max_length(column)
    if len(text) <= limit:
        return None
    return f"is {len(text):,} characters long: at most {limit:,} in a translation of {column}, as in the column itself"


@dataclass(frozen=True)
class ForeignKey:
    """A column whose values must exist in another table's key column."""

    column: str
    table: str
    key: str
    many: bool = False  # the cell holds several ids separated by ';'


@dataclass(frozen=True)
class Table:
    """One curated CSV: its file, what a row is, its model and its links to other tables."""

    name: str
    model: type[pa.DataFrameModel]
    primary_key: tuple[str, ...]
    row_is: str
    foreign_keys: tuple[ForeignKey, ...] = field(default=())

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def schema(self) -> pa.DataFrameSchema:
        return self.model.to_schema()

    @property
    def columns(self) -> list[str]:
        return list(self.schema.columns)


_SOURCE_FK = (ForeignKey("source_id", "sources", "source_id"),)

TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Table("sources", Sources, ("source_id",), "a publication or data file that rows cite"),
        Table("figures", Figures, ("figure_id",), "one number as one estimator states it", _SOURCE_FK),
        Table("series", Series, ("series_id", "period"), "one value of a time series for one period", _SOURCE_FK),
        Table("events", Events, ("event_id",), "a dated, located event", _SOURCE_FK),
        Table(
            "rulings",
            Rulings,
            ("ruling_id",),
            "a court decision",
            _SOURCE_FK + (ForeignKey("related_event_ids", "events", "event_id", many=True),),
        ),
        Table("presence", Presence, ("country",), "a country where the gang is reported present", _SOURCE_FK),
        Table("milestones", Milestones, ("milestone_id",), "a dated policy or official action", _SOURCE_FK),
        Table(
            "claims",
            Claims,
            ("claim_id",),
            "a claim an official made, in the tracker's words and the claimant's",
            _SOURCE_FK
            + (
                ForeignKey("related_ruling_ids", "rulings", "ruling_id", many=True),
                ForeignKey("related_event_ids", "events", "event_id", many=True),
                ForeignKey("related_figure_ids", "figures", "figure_id", many=True),
            ),
        ),
        Table(
            "assessments",
            Assessments,
            ("assessment_id",),
            "a piece of evidence on a claim and what it does to the claim",
            _SOURCE_FK + (ForeignKey("claim_id", "claims", "claim_id"), ForeignKey("ruling_id", "rulings", "ruling_id")),
        ),
        Table("changes", Changes, (), "an addition or correction to the data"),
        Table("translations", Translations, ("table", "row_id", "column", "lang"), "the translation of one cell of another table into one language"),
    )
}

assert list(TABLES) == DATA_FILES
# The columns of each table (translatable_column tells an unknown column from one that is not translated).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {name: tuple(table.columns) for name, table in TABLES.items()}
assert all(set(columns) <= set(TABLE_COLUMNS[name]) for name, columns in TRANSLATABLE.items()), "a translatable column that its table lacks"


def row_key_columns(table: str) -> tuple[str, ...]:
    """The columns whose values, joined by ROW_ID_SEPARATOR, make a row's translations.row_id."""
    return TABLES[table].primary_key


def row_keys(frame: pd.DataFrame, table: str) -> pd.Series:
    """Each row's translations.row_id (event_id; series_id/period for a series row)."""
    columns = row_key_columns(table)
    keys = frame[columns[0]].astype("str")
    for column in columns[1:]:
        keys = keys + ROW_ID_SEPARATOR + frame[column].astype("str")
    return keys


def describe_rule(check_name: str, statistics: dict) -> str:
    """A sentence an editor understands for a pandera check."""
    if check_name == "isin":
        values = statistics.get("allowed_values", [])
        return "must be one of: " + ", ".join(map(str, values))
    if check_name in ("str_matches", "fullmatch"):
        return f"must match the pattern {statistics.get('pattern')} (the whole value)"
    if check_name == "greater_than_or_equal_to":
        return f"must be at least {statistics.get('min_value')}"
    if check_name == "less_than_or_equal_to":
        return f"must be at most {statistics.get('max_value')}"
    if check_name == "in_range":
        return f"must be between {statistics.get('min_value')} and {statistics.get('max_value')}"
    return RULE_MESSAGES.get(check_name, check_name.replace("_", " "))


RULE_MESSAGES = {
    "unique_values": "must be unique in the file",
    "date": "must be a real calendar date written YYYY, YYYY-MM or YYYY-MM-DD",
    "future_date": "must not be in the future",
    "iso_country": "must be an ISO 3166-1 alpha-3 country code (e.g. VEN, USA, CHL)",
    "not_blank": "must not be blank",
    "value_order": "must satisfy low <= value <= high",
    "value_or_range": "needs a value, or both low and high",
    "period_format": "period must match period_kind (month: YYYY-MM, fiscal_year: FY2024, year: YYYY) and be a real period",
    "coordinates_pair": "lat and lon must both be given or both be empty",
    "manual_needs_coordinates": "geocode=manual needs lat and lon",
    "copy_needs_via": "access copy or unverified_copy needs via: name the copy that was read",
    "original_needs_url": "access original needs url: the original's own link (or set access to copy and name the copy in via)",
    "via_url_needs_via": "via_url needs via: name the copy it links to",
    "positive_metric": "must be more than 0 for " + ", ".join(POSITIVE_METRICS) + " (a chart divides by it or draws it on a log scale)",
    "label_number": "every number written in label must equal value, low or high (years such as 2024 and FY2024 aside)",
    "period_range": "period must start from FY2000 (October 1999) and not after today (no future month or fiscal year)",
    "people_count_kind_pair": "people_count_kind must be given when people_count is, and empty when it is not",
    "oral_argument_pending": "an oral argument decides nothing: its outcome must be pending",
    "date_range": "the year is implausible for this table",
    "too_long": "is too long",
    "bidi_control": "must not hold bidirectional control characters (U+202A-U+202E, U+2066-U+2069): they reorder what readers see",
    "confidence_rule": "confidence may be at most medium when the source was read in a copy (access=copy) or is an encyclopedia, and at most low for an unverified copy",
    "confirmed_needs_authority": "status confirmed needs a source of kind " + " or ".join(AUTHORITY_KINDS) + " (an authority's own statement)",
    "duplicate_row": "the same row appears twice",
    "ambiguous_place": "several gazetteer towns have this name: give admin1 (the state or GeoNames region code)",
    "translatable_column": "column must be one of the translatable columns of table (see translations.csv's column)",
    "translation_language": "the tracker's own text is English and is translated into es only; a quote is translated only into a language other than its source's (sources.language)",
    "translation_numbers": "text must write the same numbers as original, in digits (separators aside: 5,000 = 5.000, 1.5 = 1,5; 9th Circuit = 9.º Circuito)",
    "translation_length": "a translation may be at most as long as the column it translates allows (title 300 characters, summary and notes 2000, quote 3000)",
    "translation_of_headline": "a source's title is translated only when it is the tracker's description of the item (title_kind description): a headline stays as published",
    "stale_translation": "the cell has changed since it was translated: readers see the current English, marked, until it is translated again (a notice, not an error)",
}

# Table-level rules whose message is written per row: rule -> function(row as dict) -> sentence.
ROW_MESSAGES = {
    "label_number": lambda row: label_mismatch(row.get("label"), row.get("value"), row.get("low"), row.get("high")) or RULE_MESSAGES["label_number"],
    "translatable_column": lambda row: translatable_column_problem(row.get("table"), row.get("column")) or RULE_MESSAGES["translatable_column"],
    "translation_language": lambda row: (
        f"{row.get('table')}.{row.get('column')} is the tracker's own English text: translate it into es only (en is for a quote from a Spanish or Portuguese source)"
    ),
    "translation_numbers": lambda row: numbers_mismatch(row.get("text"), row.get("original")) or RULE_MESSAGES["translation_numbers"],
    "translation_length": lambda row: translation_too_long(row.get("text"), row.get("column")) or RULE_MESSAGES["translation_length"],
}

# The column a table-level rule's error is reported in (the first one an editor should look at).
DATAFRAME_CHECK_COLUMNS = {
    "value_order": "value",
    "value_or_range": "value",
    "period_format": "period",
    "coordinates_pair": "lat",
    "manual_needs_coordinates": "geocode",
    "copy_needs_via": "via",
    "original_needs_url": "url",
    "via_url_needs_via": "via_url",
    "positive_metric": "value",
    "label_number": "label",
    "period_range": "period",
    "people_count_kind_pair": "people_count_kind",
    "oral_argument_pending": "outcome",
    "translatable_column": "column",
    "translation_language": "lang",
    "translation_numbers": "text",
    "translation_length": "text",
}
