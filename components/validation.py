"""Validate the whole data package at once and turn it into the tables the pages read.

Every problem in every file is collected (never only the first), each as a DataError that
names file, line, column, value and rule. Nothing here imports streamlit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.compute as pc

from components import geocode, partial_dates
from components.errors import DataError
from components.readers import RawTable, read_table
from components.schemas import DATAFRAME_CHECK_COLUMNS, GEOCODE_METHODS, TABLES, Table, describe_rule

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"


def data_dir() -> Path:
    """The data directory: TDA_DATA_DIR when set, else data/ in the repository."""
    return Path(os.environ.get("TDA_DATA_DIR") or DATA_DIR).resolve()

# pandera's check names, as the rule names editors see.
_RULES = {
    "not_nullable": "required",
    "field_uniqueness": "unique",
    "multiple_fields_uniqueness": "unique",
    "isin": "allowed_values",
    "str_matches": "pattern",
    "greater_than_or_equal_to": "range",
    "less_than_or_equal_to": "range",
    "in_range": "range",
    "not_blank": "required",
    "unique_values": "unique",
}


@dataclass
class Package:
    """The validated tables (empty frames when invalid) and every error found."""

    tables: dict[str, pd.DataFrame]
    errors: list[DataError] = field(default_factory=list)
    checked_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def row_count(self) -> int:
        return sum(len(frame) for frame in self.tables.values())


def _rule_and_message(table: Table, column: str | None, check: str, check_number: object) -> tuple[str, str]:
    name = check.split("(", 1)[0]
    if name.startswith("coerce_dtype") or name == "dtype":
        return "type", f"must be of type {check.split('(', 1)[-1].rstrip(')')}"
    if name in ("field_uniqueness", "multiple_fields_uniqueness"):
        return "unique", "must be unique in the file" if name == "field_uniqueness" else "the combination " + " + ".join(table.primary_key) + " must be unique"
    if name == "not_nullable":
        return "required", "must not be empty"
    if name in DATAFRAME_CHECK_COLUMNS:
        return name, describe_rule(name, {})
    statistics = {}
    if column in table.schema.columns and isinstance(check_number, (int, np.integer)):
        checks = table.schema.columns[column].checks
        if 0 <= int(check_number) < len(checks):
            statistics = checks[int(check_number)].statistics or {}
    return _RULES.get(name, name), describe_rule(name, statistics)


def _schema_errors(raw: RawTable, failures: pd.DataFrame) -> list[DataError]:
    table, frame = raw.table, raw.frame
    errors = []
    failures = failures[failures["index"].notna()]
    dataframe_level = failures["schema_context"] == "DataFrameSchema"
    # A table-level rule fails once per row, reported in the column editors should look at.
    per_row = failures[dataframe_level].drop_duplicates(["check", "index"])
    per_row = per_row.assign(column=per_row["check"].map(DATAFRAME_CHECK_COLUMNS).fillna(per_row["column"]))
    failures = pd.concat([failures[~dataframe_level], per_row])
    if failures.empty:
        return errors
    indexes = failures["index"].astype(int).to_numpy()
    lines = raw.line_of(indexes)
    for (_, failure), line, index in zip(failures.iterrows(), lines, indexes):
        column = failure["column"] if isinstance(failure["column"], str) else None
        rule, message = _rule_and_message(table, column, str(failure["check"]), failure["check_number"])
        value = frame.at[index, column] if column in frame.columns else failure["failure_case"]
        errors.append(DataError(table.filename, int(line), column, None if pd.isna(value) else str(value), rule, message))
    return errors


def _date_errors(raw: RawTable, parsed: dict[str, partial_dates.ParsedDates]) -> list[DataError]:
    errors = []
    today = pd.Timestamp(date.today())
    for column, dates in parsed.items():
        text = raw.frame[column]
        for rule, bad in (("date", text.notna() & dates.start.isna()), ("future_date", dates.start > today)):
            positions = np.flatnonzero(bad.to_numpy())
            for position, line in zip(positions, raw.line_of(positions)):
                errors.append(DataError(raw.table.filename, int(line), column, str(text.iloc[position]), rule, describe_rule(rule, {})))
    return errors


def _date_columns(table: Table) -> list[str]:
    return [name for name, column in table.schema.columns.items() if (column.metadata or {}).get("partial_date")]


def _validate_table(raw: RawTable) -> tuple[pd.DataFrame | None, dict[str, partial_dates.ParsedDates], list[DataError]]:
    """Schema checks for one readable table: returns the coerced frame, parsed dates and errors."""
    frame = raw.frame
    parsed = {column: partial_dates.parse(frame[column]) for column in _date_columns(raw.table) if column in frame}
    errors = _date_errors(raw, parsed)
    try:
        frame = raw.table.model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        errors += _schema_errors(raw, exc.failure_cases)
    return frame, parsed, errors


def _arrow(values: pd.Series) -> pa_arrow.Array:
    return pa_arrow.array(values.astype("str"), type=pa_arrow.string(), from_pandas=True)


def _exists_in(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """For each value, whether it is one of keys: pyarrow hashes the smaller side and scans the larger.

    (pandas' isin of a few ids against a million keys is far slower.)
    """
    if len(values) <= len(keys):  # e.g. a few related event ids against a million events
        wanted, known = _arrow(values), _arrow(keys)
        present = known.filter(pc.is_in(known, value_set=pc.unique(wanted)))
        return pc.is_in(wanted, value_set=pc.unique(present)).to_numpy(zero_copy_only=False)
    return pc.is_in(_arrow(values), value_set=_arrow(keys)).to_numpy(zero_copy_only=False)


def _reference_errors(raws: dict[str, RawTable]) -> list[DataError]:
    """Every foreign key (source_id, related_event_ids) points at a row that exists."""
    errors = []
    for raw in raws.values():
        if raw.frame is None:
            continue
        for key in raw.table.foreign_keys:
            target = raws.get(key.table)
            if target is None or target.frame is None or key.column not in raw.frame:
                continue
            values = raw.frame[key.column].dropna()
            if key.many:
                values = values.str.split(";").explode()
            if values.empty:
                continue
            missing = values[~_exists_in(values, target.frame[key.key])]
            lines = raw.line_of(raw.frame.index.get_indexer(missing.index))
            for ident, line in zip(missing, lines):
                errors.append(DataError(raw.table.filename, int(line), key.column, ident, "reference", f"no row of {key.table}.csv has {key.key} '{ident}'"))
    return errors


def _geocode_events(raw: RawTable) -> tuple[pd.DataFrame, list[DataError]]:
    """Fill missing coordinates from the gazetteer; an unknown place is an error on its row."""
    events = raw.frame
    events["geonameid"] = pd.arrays.IntegerArray(np.zeros(len(events), dtype="int64"), np.ones(len(events), dtype=bool))
    missing = events["lat"].isna() & events["lon"].isna() & events["place"].notna()
    events["geocode"] = events["geocode"].cat.set_categories(GEOCODE_METHODS).fillna("gazetteer")
    errors = []
    for position in np.flatnonzero(missing.to_numpy()):
        row = events.iloc[position]
        admin1 = row["admin1"] if isinstance(row["admin1"], str) else None
        place = geocode.geocode(row["place"], row["country"], admin1)
        if place is None:
            line = int(raw.line_of([position])[0])
            where = ", ".join(part for part in (row["place"], admin1, row["country"]) if part)
            errors.append(DataError(raw.table.filename, line, "place", row["place"], "unknown_place", f"'{where}' is not in the offline gazetteer: give lat and lon with geocode=manual, or a gazetteer town name"))
            continue
        label = events.index[position]
        events.loc[label, ["lat", "lon"]] = [place.lat, place.lon]
        events.loc[label, "geonameid"] = place.geonameid
        events.loc[label, "geocode"] = "gazetteer"
    return events, errors


def _finish(name: str, frame: pd.DataFrame, parsed: dict[str, partial_dates.ParsedDates]) -> pd.DataFrame:
    """Replace partial-date text by the first day it covers plus <column>_precision."""
    for column, dates in parsed.items():
        frame[column] = dates.start
        frame[f"{column}_precision"] = dates.precision
    if name == "series":
        frame["period_start"], frame["period_end"] = partial_dates.period_bounds(frame["period"], frame["period_kind"])
    return frame.reset_index(drop=True)


def empty_tables() -> dict[str, pd.DataFrame]:
    """Typed empty tables, served when no valid data has ever been loaded."""
    tables = {}
    for name, table in TABLES.items():
        frame = pd.DataFrame({column: pd.Series(dtype=str(spec.dtype)) for column, spec in table.schema.columns.items()})
        parsed = {column: partial_dates.parse(frame[column].astype("str")) for column in _date_columns(table)}
        if name == "events":
            frame["geonameid"] = pd.Series(dtype="Int64")
        tables[name] = _finish(name, frame, parsed)
    return tables


def load_package(directory: Path) -> Package:
    """Read, validate and prepare every table in directory, collecting every error."""
    raws: dict[str, RawTable] = {}
    errors: list[DataError] = []
    prepared: dict[str, tuple[pd.DataFrame, dict]] = {}
    for name, table in TABLES.items():
        raw = raws[name] = read_table(directory / table.filename, table)
        if raw.frame is not None:
            frame, parsed, table_errors = _validate_table(raw)
            if table_errors and raw.assumed_single_lines:  # make sure the errors are not the fast read's
                raw = raws[name] = read_table(directory / table.filename, table, fast=False)
                frame, parsed, table_errors = _validate_table(raw) if raw.frame is not None else (None, {}, [])
            errors += table_errors
            if frame is not None:
                prepared[name] = (frame, parsed)
        errors += raw.errors
    errors += _reference_errors(raws)
    if raws["events"].frame is not None and "events" in prepared and not any(e.file == "events.csv" and e.column in ("lat", "lon", "place", "country") for e in errors):
        events, geocode_errors = _geocode_events(RawTable(raws["events"].table, prepared["events"][0], [], raws["events"].line_of))
        errors += geocode_errors
        prepared["events"] = (events, prepared["events"][1])
    order = {name: position for position, name in enumerate(TABLES)}
    errors = _deduplicate(sorted(errors, key=lambda e: (order.get(e.file[:-4], 99), e.row, e.column or "", _priority(e.rule), e.rule)))
    if errors:
        return Package(tables=empty_tables(), errors=errors)
    return Package(tables={name: _finish(name, *prepared[name]) for name in TABLES})


def _priority(rule: str) -> int:
    """Which of several errors in one cell to keep: the cell's own rule before consequences of it."""
    if rule in ("type", "date"):
        return 0
    if rule == "required" or rule in DATAFRAME_CHECK_COLUMNS:
        return 2
    return 1


def _deduplicate(errors: list[DataError]) -> list[DataError]:
    """One error per cell: a value that is not a number is not also reported as missing."""
    seen, kept = set(), []
    for error in errors:
        key = (error.file, error.row, error.column) if error.column else error
        if key in seen:
            continue
        seen.add(key)
        kept.append(error)
    return kept
