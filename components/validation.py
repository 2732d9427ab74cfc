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
from components import schemas
from components.errors import MAX_ERRORS_PER_FILE, DataError, too_many
from components.readers import RawTable, read_table, settle
from components.schemas import DATAFRAME_CHECK_COLUMNS, GEOCODE_METHODS, ROW_MESSAGES, TABLES, TRANSLATABLE, Table, describe_rule

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
    "fullmatch": "pattern",
    "greater_than_or_equal_to": "range",
    "less_than_or_equal_to": "range",
    "in_range": "range",
    "not_blank": "required",
    "unique_values": "unique",
}


@dataclass
class Package:
    """The validated tables (empty frames when invalid), every error found, and notices for editors.

    notices are not errors (the package stays valid): today the stale translations, whose cell has
    changed since it was translated (see stale_translations).
    """

    tables: dict[str, pd.DataFrame]
    errors: list[DataError] = field(default_factory=list)
    checked_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    notices: list[DataError] = field(default_factory=list)

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
    if column in table.schema.columns and isinstance(check_number, (int, float, np.integer, np.floating)) and not pd.isna(check_number):
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
    if len(failures) > MAX_ERRORS_PER_FILE:  # keep the first lines' errors, count the rest
        failures = failures.assign(_position=failures["index"].astype(int)).sort_values("_position", kind="stable")
        raw.overflow += len(failures) - MAX_ERRORS_PER_FILE
        failures = failures.head(MAX_ERRORS_PER_FILE)
    indexes = failures["index"].astype(int).to_numpy()
    lines = raw.line_of(indexes)
    for (_, failure), line, index in zip(failures.iterrows(), lines, indexes):
        column = failure["column"] if isinstance(failure["column"], str) else None
        rule, message = _rule_and_message(table, column, str(failure["check"]), failure["check_number"])
        if rule in ROW_MESSAGES:
            message = ROW_MESSAGES[rule](frame.loc[index].to_dict())
        value = frame.at[index, column] if column in frame.columns else failure["failure_case"]
        errors.append(DataError(table.filename, int(line), column, _as_typed(value), rule, message))
    return errors


def _as_typed(value: object) -> str | None:
    """A cell's value written back as an editor would type it (2800, not 2800.0)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _date_errors(raw: RawTable, parsed: dict[str, partial_dates.ParsedDates]) -> list[DataError]:
    errors = []
    today = pd.Timestamp(date.today())
    for column, dates in parsed.items():
        text = raw.frame[column]
        earliest = (raw.table.schema.columns[column].metadata or {}).get("earliest_year", 1)
        too_early = f"the year must be from {earliest} to today in {raw.table.filename} (a typo such as 1024 or 0202?)"
        rules = (
            ("date", text.notna() & dates.start.isna(), describe_rule("date", {})),
            ("future_date", dates.start > today, describe_rule("future_date", {})),
            ("date_range", dates.start < pd.Timestamp(f"{earliest:04d}-01-01"), too_early),
        )
        for rule, bad, message in rules:
            positions = np.flatnonzero(bad.to_numpy())
            raw.overflow += max(0, len(positions) - MAX_ERRORS_PER_FILE)
            positions = positions[:MAX_ERRORS_PER_FILE]
            for position, line in zip(positions, raw.line_of(positions)):
                errors.append(DataError(raw.table.filename, int(line), column, str(text.iloc[position]), rule, message))
    return errors


def _text_errors(raw: RawTable) -> list[DataError]:
    """Text cells that are too long for their column, or hold bidirectional control characters."""
    errors = []
    for column, spec in raw.table.schema.columns.items():
        if column not in raw.frame or not str(spec.dtype).startswith(("str", "object")):
            continue
        values = schemas.text_array(raw.frame[column])
        limit = schemas.max_length(column)
        # bytes bound characters from above, and are read off the offsets without a pass over the text
        too_long = np.zeros(len(values), dtype=bool)
        if (pc.max(pc.binary_length(values)).as_py() or 0) > limit:
            too_long = pc.fill_null(pc.utf8_length(values), 0).to_numpy() > limit
        for rule, bad in (("too_long", too_long), ("bidi_control", schemas.has_bidi_controls(values))):
            positions = np.flatnonzero(bad)
            raw.overflow += max(0, len(positions) - MAX_ERRORS_PER_FILE)
            positions = positions[:MAX_ERRORS_PER_FILE]
            for position, line in zip(positions, raw.line_of(positions)):
                value = values[int(position)].as_py()
                message = f"is {len(value):,} characters long: at most {limit:,} in {column}" if rule == "too_long" else describe_rule(rule, {})
                errors.append(DataError(raw.table.filename, int(line), column, value, rule, message))
    return errors


def _date_columns(table: Table) -> list[str]:
    return [name for name, column in table.schema.columns.items() if (column.metadata or {}).get("partial_date")]


def _validate_table(raw: RawTable) -> tuple[pd.DataFrame | None, dict[str, partial_dates.ParsedDates], list[DataError]]:
    """Schema checks for one readable table: returns the coerced frame, parsed dates and errors."""
    frame = raw.frame
    parsed = {column: partial_dates.parse(frame[column]) for column in _date_columns(raw.table) if column in frame}
    errors = _date_errors(raw, parsed) + _text_errors(raw)
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
            raw.overflow += max(0, len(missing) - MAX_ERRORS_PER_FILE)
            missing = missing.iloc[:MAX_ERRORS_PER_FILE]
            lines = raw.line_of(raw.frame.index.get_indexer(missing.index))
            for ident, line in zip(missing, lines):
                errors.append(DataError(raw.table.filename, int(line), key.column, ident, "reference", f"no row of {key.table}.csv has {key.key} '{ident}'"))
    return errors


_RANK = {"low": 0, "medium": 1, "high": 2}


def _ranks(confidence: pd.Series) -> np.ndarray:
    """Confidence as 0 low, 1 medium, 2 high (-1 empty or unknown), without a per-row Python map."""
    if isinstance(confidence.dtype, pd.CategoricalDtype):
        by_code = np.array([_RANK.get(str(category), -1) for category in confidence.cat.categories] + [-1], dtype=int)
        return by_code[confidence.cat.codes.to_numpy()]  # code -1 (empty) takes the last entry
    return confidence.astype("str").map(_RANK).fillna(-1).to_numpy(dtype=int)


def _lookup(values: pd.Series, keys: pa_arrow.Array, results: np.ndarray, missing: int) -> np.ndarray:
    """results[i] for each value equal to keys[i]; missing where a value is not a key."""
    text = schemas.text_array(values)
    found = pc.index_in(text, value_set=keys.cast(text.type))
    positions = pc.fill_null(found, -1).to_numpy(zero_copy_only=False)
    extended = np.append(results, missing)
    return extended[np.where(positions >= 0, positions, len(results))]


def _trust_errors(raws: dict[str, RawTable]) -> list[DataError]:
    """Confidence no higher than the source allows; presence 'confirmed' only on an authority's word."""
    sources = raws["sources"].frame
    if sources is None or not {"source_id", "access", "kind"} <= set(sources.columns):
        return []
    by_id = sources.drop_duplicates("source_id").set_index("source_id")
    # The highest rank each source allows: computed per source, then looked up per row (fast at a million rows).
    known_ids = pa_arrow.array(by_id.index.astype("str"), type=pa_arrow.string())
    source_cap = np.array([
        min(_RANK[schemas.CONFIDENCE_CAP_BY_ACCESS.get(str(access), "high")], _RANK[schemas.CONFIDENCE_CAP_BY_KIND.get(str(kind), "high")])
        for access, kind in zip(by_id["access"], by_id["kind"])
    ], dtype=int)
    errors = []
    for name in schemas.CONFIDENCE_TABLES:
        raw = raws.get(name)
        frame = None if raw is None else raw.frame
        if frame is None or not {"source_id", "confidence"} <= set(frame.columns):
            continue
        source_ids = frame["source_id"]
        given = _ranks(frame["confidence"])
        cap = _lookup(source_ids, known_ids, source_cap, 2)
        positions = np.flatnonzero(given > cap)
        raw.overflow += max(0, len(positions) - MAX_ERRORS_PER_FILE)
        positions = positions[:MAX_ERRORS_PER_FILE]
        for position, line in zip(positions, raw.line_of(positions)):
            source_id, confidence = source_ids.iloc[position], frame["confidence"].iloc[position]
            source = by_id.loc[source_id]
            reasons = []
            if str(source["access"]) == "copy":
                reasons.append(f"was read in a copy (access=copy{', via ' + source['via'] if isinstance(source['via'], str) else ''}), so the row is at most medium")
            if str(source["access"]) == "unverified_copy":
                reasons.append("was read in a copy whose tie to the original is not established (access=unverified_copy), so the row is at most low")
            if str(source["kind"]) == "encyclopedia":
                reasons.append("is an encyclopedia (kind=encyclopedia), so the row is at most medium")
            message = f"confidence is {confidence} but source '{source_id}' " + "; and it ".join(reasons) + ": lower the confidence, or cite the original"
            errors.append(DataError(raw.table.filename, int(line), "confidence", str(confidence), "confidence_rule", message))
    presence = raws.get("presence")
    if presence is not None and presence.frame is not None and {"status", "source_id"} <= set(presence.frame.columns):
        frame = presence.frame
        kind = frame["source_id"].astype("str").map(by_id["kind"].astype("str"))
        bad = (frame["status"].astype("str") == "confirmed") & kind.notna() & ~kind.isin(schemas.AUTHORITY_KINDS)
        positions = np.flatnonzero(bad.to_numpy())
        for position, line in zip(positions, presence.line_of(positions)):
            source_id = frame["source_id"].iloc[position]
            message = (f"status confirmed needs an authority's own statement (a source of kind {' or '.join(schemas.AUTHORITY_KINDS)}), "
                       f"but source '{source_id}' is of kind {kind.iloc[position]}: use reported, or cite the authority")
            errors.append(DataError(presence.table.filename, int(line), "status", "confirmed", "confirmed_needs_authority", message))
    return errors


TRANSLATIONS_FILE = TABLES["translations"].filename


def _default_lines(positions: np.ndarray) -> np.ndarray:
    return np.asarray(positions) + 2


def translation_findings(translations: pd.DataFrame | None, tables: dict[str, pd.DataFrame | None], line_of=_default_lines) -> tuple[list[DataError], list[DataError]]:
    """The rules of translations.csv that look at other tables, and its stale translations.

    Returns (errors, notices). Errors: a row_id that no row of its table has (reference), a quote
    translated into its own source's language (translation_language), a translation of a source's
    title that is a headline, not the tracker's description (translation_of_headline). Notices: a translation whose
    original is no longer the cell's text (stale_translation): readers then see the current English,
    marked, so a correction reaches them at once; an editor translates the cell again.
    tables are the other tables by name (as read, or as prepared); line_of turns positions in
    translations into the line numbers editors see.
    """
    needed = {"table", "row_id", "column", "lang", "original"}
    if translations is None or not needed <= set(translations.columns) or translations.empty:
        return [], []
    sources = tables.get("sources")
    source_language: dict[str, str] = {}
    if sources is not None and {"source_id", "language"} <= set(sources.columns):
        known = sources.drop_duplicates("source_id")
        source_language = {str(ident): str(language) for ident, language in zip(known["source_id"], known["language"]) if isinstance(language, str)}
    table_of = translations["table"].astype(object)
    found_errors: list[tuple[int, str, object, str, str]] = []  # (position, column, value, rule, message)
    found_notices: list[tuple[int, str, object, str, str]] = []
    for name, columns in TRANSLATABLE.items():
        target = tables.get(name)
        key_columns = TABLES[name].primary_key
        if target is None or not set(key_columns) <= set(target.columns):
            continue
        chosen = np.flatnonzero((table_of == name).to_numpy())
        if chosen.size == 0:
            continue
        keys = schemas.text_array(schemas.row_keys(target, name))
        wanted = translations["row_id"].iloc[chosen]
        # where each translated row is in its table (-1: nowhere), hashed by pyarrow (fast at a million rows)
        at_positions = pc.fill_null(pc.index_in(schemas.text_array(wanted), value_set=keys), -1).to_numpy(zero_copy_only=False)
        key_label = schemas.ROW_ID_SEPARATOR.join(key_columns)
        row_ids, column_of = wanted.tolist(), translations["column"].iloc[chosen].tolist()
        lang_of, original_of = translations["lang"].astype(object).iloc[chosen].tolist(), translations["original"].iloc[chosen].tolist()
        for position, row_id, column, lang, original, at in zip(chosen, row_ids, column_of, lang_of, original_of, at_positions):
            if not isinstance(row_id, str):
                continue  # required: the schema's error
            if at < 0:
                message = f"no row of {name}.csv has {key_label} '{row_id}': fix row_id, or delete the translations of a row that was removed"
                found_errors.append((position, "row_id", row_id, "reference", message))
                continue
            if not isinstance(column, str) or column not in columns:
                continue  # translatable_column: the schema's error
            at = int(at)
            where = schemas.TRANSLATED_ONLY_WHERE.get((name, column))
            if where is not None and where[0] in target.columns:
                other, wanted_value = where
                kind = target[other].iloc[at]
                if kind != wanted_value:
                    kind_text = "empty" if not isinstance(kind, str) else kind
                    message = (f"{name}.{column} of '{row_id}' has {other} {kind_text}: a headline stays as published in every language, so only "
                               f"a {column} whose {other} is {wanted_value} (the tracker's own words) is translated: delete this translation, "
                               f"or set {other} to {wanted_value} if the {column} is the tracker's description of the item")
                    found_errors.append((position, "column", column, "translation_of_headline", message))
                    continue
            if column == schemas.QUOTE_COLUMN and "source_id" in target.columns and isinstance(lang, str):
                source_id = target["source_id"].iloc[at]
                language = source_language.get(str(source_id))
                if language == lang:
                    message = (f"the quote of {name} '{row_id}' is already in {lang} (its source '{source_id}' has language {language}): "
                               "a quote is translated only into another language (the verbatim quote stays in quote)")
                    found_errors.append((position, "lang", lang, "translation_language", message))
                    continue
            current = target[column].iloc[at]
            if isinstance(original, str) and current != original:
                shown = "the quote without the tracker's translation" if column == schemas.QUOTE_COLUMN else "the current English text, marked as English"
                now = "is now empty" if not isinstance(current, str) else "has changed"
                message = (f"{name}.{column} of '{row_id}' {now} since it was translated into {lang}: readers see {shown} until it is "
                           "translated again (write the new translation in text and copy the current cell into original)")
                found_notices.append((position, "original", original, "stale_translation", message))
    filename = TRANSLATIONS_FILE

    def as_errors(found):
        if not found:
            return []
        lines = line_of(np.asarray([item[0] for item in found]))
        return [DataError(filename, int(line), column, None if value is None else str(value), rule, message) for (_, column, value, rule, message), line in zip(found, lines)]

    return as_errors(found_errors), as_errors(found_notices)


def stale_translations(tables: dict[str, pd.DataFrame]) -> list[DataError]:
    """The translations whose cell has changed since they were translated (notices for editors, not errors).

    tables is a package's tables (Package.tables, or datasets' last good data); the line numbers are
    counted from the rows' positions (exact unless a cell holds line breaks: load_package's
    Package.notices has the exact lines of the files on disk).
    """
    return translation_findings(tables.get("translations"), tables)[1]


def _translation_errors(raws: dict[str, RawTable]) -> tuple[list[DataError], list[DataError]]:
    raw = raws.get("translations")
    if raw is None or raw.frame is None:
        return [], []
    tables = {name: other.frame for name, other in raws.items() if name != "translations"}
    errors, notices = translation_findings(raw.frame, tables, raw.line_of)
    raw.overflow += max(0, len(errors) - MAX_ERRORS_PER_FILE)
    return errors[:MAX_ERRORS_PER_FILE], notices


def cross_table_errors(tables: dict[str, pd.DataFrame]) -> list[DataError]:
    """The rules that look across tables, on a package's prepared tables: every reference (source_id,
    related ids) points at a row that exists, confidence is no higher than its source allows, and every
    translation refers to a row there is, in a column that may be translated, into another language.

    The same functions load_package runs on the files, for tables that have no file lines (the last good
    data read back from its snapshot): a row's line is its position + 2, as if written without line breaks.
    """
    raws = {name: RawTable(TABLES[name], frame) for name, frame in tables.items() if name in TABLES}
    if set(raws) != set(TABLES):
        return [DataError("*", 0, None, None, "missing_table", "the package lacks " + ", ".join(sorted(set(TABLES) - set(raws))))]
    others = {name: frame for name, frame in tables.items() if name != "translations"}
    return _reference_errors(raws) + _trust_errors(raws) + translation_findings(tables["translations"], others)[0]


def _duplicate_row_errors(raw: RawTable) -> list[DataError]:
    """In a table without an id (changes.csv), the same row twice: an error on the second."""
    frame = raw.frame
    if raw.table.primary_key or frame is None or frame.empty:
        return []
    hashes = pd.util.hash_pandas_object(frame.astype("str").fillna(""), index=False).to_numpy()
    repeated = np.flatnonzero(pd.Series(hashes).duplicated().to_numpy())
    if repeated.size == 0:
        return []
    first = {}
    for position, value in enumerate(hashes):
        first.setdefault(value, position)
    repeated = repeated[:MAX_ERRORS_PER_FILE]
    firsts = np.asarray([first[hashes[position]] for position in repeated])
    errors = []
    for line, first_line in zip(raw.line_of(repeated), raw.line_of(firsts)):
        errors.append(DataError(raw.table.filename, int(line), None, None, "duplicate_row", f"this row repeats line {int(first_line)} exactly: delete one of them"))
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
        lookup = geocode.resolve(row["place"], row["country"], admin1)
        place = lookup.place
        if lookup.ambiguous:
            line = int(raw.line_of([position])[0])
            where = ", ".join(part for part in (row["place"], admin1, row["country"]) if part)
            shown = "; ".join(candidate.describe() for candidate in lookup.candidates[:8])
            more = f"; and {len(lookup.candidates) - 8} more" if len(lookup.candidates) > 8 else ""
            errors.append(DataError(raw.table.filename, line, "place", row["place"], "ambiguous_place", (
                f"'{where}' could be {len(lookup.candidates)} gazetteer towns: {shown}{more}. Give admin1 (in the US the state, elsewhere the "
                f"GeoNames region code shown), or lat and lon with geocode=manual. A name is ambiguous when two or more towns match it and the "
                f"largest has fewer than {geocode.DOMINANCE} times the people of the next")))
            continue
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
        # Each file is read once, errors or not; a large file's scan ends while it is validated (readers.read_table).
        raw = raws[name] = read_table(directory / table.filename, table, settled=False)
        if raw.frame is not None:
            frame, parsed, table_errors = _validate_table(raw)
            settled = settle(raw)
            if settled is not raw:  # the scan found what pyarrow could not: the strict reader's errors, or other line numbers
                raw = raws[name] = settled
                frame, parsed, table_errors = _validate_table(raw) if raw.frame is not None else (None, {}, [])
            # the reader's errors first: on one cell, its value as typed beats pandera's coerced one
            errors += raw.errors + table_errors + _duplicate_row_errors(raw)
            if frame is not None:
                prepared[name] = (frame, parsed)
        else:
            errors += raw.errors
    errors += _reference_errors(raws)
    errors += _trust_errors(raws)
    translation_errors, notices = _translation_errors(raws)
    errors += translation_errors
    if raws["events"].frame is not None and "events" in prepared and not any(e.file == "events.csv" and e.column in ("lat", "lon", "place", "country") for e in errors):
        events, geocode_errors = _geocode_events(RawTable(raws["events"].table, prepared["events"][0], [], raws["events"].line_of))
        errors += geocode_errors
        prepared["events"] = (events, prepared["events"][1])
    order = {name: position for position, name in enumerate(TABLES)}
    errors = _deduplicate(sorted(errors, key=lambda e: (order.get(e.file[:-4], 99), e.row, e.column or "", _priority(e.rule), e.rule)))
    errors = _cap_per_file(errors, {raw.table.filename: raw.overflow for raw in raws.values()})
    if errors:
        return Package(tables=empty_tables(), errors=errors, notices=notices)
    return Package(tables={name: _finish(name, *prepared[name]) for name in TABLES}, notices=notices)


def _cap_per_file(errors: list[DataError], overflow: dict[str, int]) -> list[DataError]:
    """At most MAX_ERRORS_PER_FILE errors per file, then one summary saying how many more."""
    kept, counts = [], {}
    for error in errors:
        counts[error.file] = counts.get(error.file, 0) + 1
        if counts[error.file] <= MAX_ERRORS_PER_FILE:
            kept.append(error)
    for file, count in counts.items():
        more = max(0, count - MAX_ERRORS_PER_FILE) + overflow.get(file, 0)
        if more:
            kept.append(too_many(file, more))
    return kept


def _priority(rule: str) -> int:
    """Which of several errors in one cell to keep: the cell's own rule before consequences of it."""
    if rule in ("type", "date"):
        return 0
    if rule == "required" or rule in DATAFRAME_CHECK_COLUMNS:
        return 2
    return 1


def _deduplicate(errors: list[DataError]) -> list[DataError]:
    """One error per cell: a value that is not a number is not also reported as missing, and a
    row with a cell of the wrong type is not also reported for the row rules that cell breaks."""
    seen, kept = set(), []
    mistyped = {(error.file, error.row) for error in errors if error.rule in ("type", "date")}
    for error in errors:
        if error.rule in DATAFRAME_CHECK_COLUMNS and (error.file, error.row) in mistyped:
            continue
        key = (error.file, error.row, error.column) if error.column else error
        if key in seen:
            continue
        seen.add(key)
        kept.append(error)
    return kept
