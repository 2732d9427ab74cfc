"""The schema of every curated CSV: one pandera model per file, the data dictionary in code.

The validator, the data dictionary in data/README.md and data/datapackage.json are all
generated from the models and the TABLES registry below, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

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
EVENT_TYPES = ["security_operation", "crime", "arrest", "deportation", "intelligence", "context"]
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
DATA_FILES = ["sources", "figures", "series", "events", "rulings", "presence", "milestones", "changes"]


@extensions.register_check_method(statistics=[])
def unique_values(series: pd.Series) -> pd.Series:
    """Each value at most once; the duplicates are looked for only when there are some."""
    if series.is_unique:  # one hashing pass, the usual case at a million rows
        return pd.Series(True, index=series.index)
    return ~series.duplicated(keep=False)


@extensions.register_check_method(statistics=[])
def iso_country(series: pd.Series) -> pd.Series:
    """An ISO 3166-1 alpha-3 country code."""
    return series.isin(ISO3_CODES) | series.isna()


@extensions.register_check_method(statistics=[])
def not_blank(series: pd.Series) -> pd.Series:
    """Text with at least one visible character (empty cells are caught as missing)."""
    only_space = pc.utf8_is_space(pa_arrow.array(series, type=pa_arrow.string(), from_pandas=True))
    return pd.Series(~pc.fill_null(only_space, False).to_numpy(zero_copy_only=False), index=series.index)


def _date_field(description: str, nullable: bool = False) -> object:
    # Checked (real calendar date, not in the future) and parsed once by the loader: see validation.py.
    return pa.Field(nullable=nullable, metadata={"partial_date": True}, description=description)


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

    source_id: str = pa.Field(unique_values=(), str_matches=SLUG, description="Identifier used by source_id columns")
    publisher: str = pa.Field(not_blank=(), description="The original publisher")
    title: str = pa.Field(not_blank=(), description="The headline or file title as published, or a description of the item (see title_kind)")
    title_kind: Category = pa.Field(
        isin=TITLE_KINDS,
        description="headline (the publisher's own title, shown in quotation marks) or description (our words for an item whose headline is not known, shown as such)",
    )
    url: Optional[str] = pa.Field(
        nullable=True,
        str_matches=URL,
        description="The original: the publisher's own page, the court's document or docket, or the agency's data page (empty where it is not known)",
    )
    published: Optional[str] = _date_field("Publication date, as precise as the source shows", nullable=True)
    kind: Category = pa.Field(isin=SOURCE_KINDS, description="What sort of source it is")
    language: str = pa.Field(str_matches=LANGUAGE, description="ISO 639-1 code of the quoted text")
    access: Category = pa.Field(
        isin=ACCESS_KINDS,
        description="How the cited text was read: original (on the original's own page), copy (in a republication that names the original: a wire client, repost or mirror) or unverified_copy (in a copy whose tie to the original is not established). Rows citing a copy are at most medium confidence, an unverified copy at most low",
    )
    via: Optional[str] = pa.Field(
        nullable=True, description="The copy actually read (repost, mirror, aggregator) when not the original"
    )
    via_url: Optional[str] = pa.Field(nullable=True, str_matches=URL, description="Link to the copy read, shown as a secondary 'read via' link")
    notes: Optional[str] = _notes_field()
    editor_notes: Optional[str] = _editor_notes_field()

    Config = type("Config", (_Strict,), {})


class Figures(pa.DataFrameModel):
    """One number as one estimator states it; disputed figures have one row per estimator."""

    figure_id: str = pa.Field(unique_values=(), str_matches=SLUG, description="Identifier")
    metric: Category = pa.Field(isin=FIGURE_METRICS, description="What is measured; figures of one metric are compared side by side")
    label: str = pa.Field(not_blank=(), description="Short reader-facing label")
    value: Optional[float] = pa.Field(nullable=True, ge=0, description="The figure (empty when the source gives only a range)")
    low: Optional[float] = pa.Field(nullable=True, ge=0, description="Lower bound of a range or a 'more than' figure")
    high: Optional[float] = pa.Field(nullable=True, ge=0, description="Upper bound of a range")
    unit: str = pa.Field(not_blank=(), description="Unit of value, low and high")
    as_of: Optional[str] = _date_field("When the figure applies (empty where no source dates it)", nullable=True)
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


class Events(pa.DataFrameModel):
    """One dated, located event linked to Tren de Aragua or the crackdown on it."""

    event_id: str = pa.Field(unique_values=(), str_matches=SLUG, description="Identifier (rulings link to it)")
    date: str = _date_field("When it happened, as precise as the source: YYYY, YYYY-MM or YYYY-MM-DD")
    title: str = pa.Field(not_blank=(), description="Short neutral headline; people are 'alleged' members unless convicted")
    summary: str = pa.Field(not_blank=(), description="One or two sentences on what happened")
    event_type: Category = pa.Field(isin=EVENT_TYPES, description="security_operation, crime, arrest, deportation, intelligence, or context (not a TdA event, shown for context)")
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


class Rulings(pa.DataFrameModel):
    """One court decision on deportations under the Alien Enemies Act or a related case."""

    ruling_id: str = pa.Field(unique_values=(), str_matches=SLUG, description="Identifier")
    date: str = _date_field("Date of the decision")
    case_name: str = pa.Field(not_blank=(), description="Case name as the source gives it for this decision")
    case_group: str = pa.Field(not_blank=(), description="The case the decision belongs to (one timeline lane)")
    proceeding: Category = pa.Field(isin=PROCEEDINGS, description="decision (an order, opinion or judgment: counted as a ruling) or oral_argument (a hearing, shown on the timeline but not counted)")
    aea_case: bool = pa.Field(description="true when the case concerns removals under the Alien Enemies Act proclamation")
    about_tda: bool = pa.Field(description="true when the case concerns people the government accused of Tren de Aragua membership; false marks a related case shown for context")
    docket: Optional[str] = pa.Field(nullable=True, description="Docket number as the court gives it, where known")
    court_url: Optional[str] = pa.Field(nullable=True, str_matches=URL, description="The court's own document or docket for this decision (supremecourt.gov, a court's site, or CourtListener), where known")
    court: str = pa.Field(not_blank=(), description="Court")
    court_level: Category = pa.Field(isin=COURT_LEVELS, description="district, appeals or supreme")
    judge: str = pa.Field(not_blank=(), description="Judge or panel")
    decision: str = pa.Field(not_blank=(), description="What was decided")
    outcome: Category = pa.Field(isin=OUTCOMES, description="for_government, against_government, mixed or pending")
    favoured: str = pa.Field(not_blank=(), description="Whom the decision favoured, in words")
    related_event_ids: Optional[str] = pa.Field(nullable=True, str_matches=EVENT_ID_LIST, description="event_ids the ruling concerns, separated by ';'")
    source_id: str = _source_field()
    quote: str = _quote_field()
    confidence: Category = _confidence_field()
    notes: Optional[str] = _notes_field()
    editor_notes: Optional[str] = _editor_notes_field()

    Config = type("Config", (_Strict,), {})


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

    milestone_id: str = pa.Field(unique_values=(), str_matches=SLUG, description="Identifier")
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


class Changes(pa.DataFrameModel):
    """The public log of additions and corrections to the data."""

    date: str = _date_field("When the change was published (YYYY-MM-DD)")
    file: Category = pa.Field(isin=[f"{name}.csv" for name in DATA_FILES], description="The file changed")
    record_id: Optional[str] = pa.Field(nullable=True, description="The id of the row changed (empty for a whole-file change)")
    change: Category = pa.Field(isin=CHANGE_KINDS, description="added, corrected or removed")
    description: str = pa.Field(not_blank=(), description="What changed; for a correction, the old value")

    Config = type("Config", (_Strict,), {})


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
        Table("changes", Changes, (), "an addition or correction to the data"),
    )
}

assert list(TABLES) == DATA_FILES


def describe_rule(check_name: str, statistics: dict) -> str:
    """A sentence an editor understands for a pandera check."""
    if check_name == "isin":
        values = statistics.get("allowed_values", [])
        return "must be one of: " + ", ".join(map(str, values))
    if check_name == "str_matches":
        return f"must match the pattern {statistics.get('pattern')}"
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
}

# The column a table-level rule's error is reported in (the first one an editor should look at).
DATAFRAME_CHECK_COLUMNS = {
    "value_order": "value",
    "value_or_range": "value",
    "period_format": "period",
    "coordinates_pair": "lat",
    "manual_needs_coordinates": "geocode",
}
