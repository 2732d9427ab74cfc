"""Read one curated CSV into a DataFrame, or say exactly why it cannot be read.

The fast path is pyarrow's CSV reader with the column types the schema declares. Only when
that fails does the slow path (Python's csv module) look for the line an editor must fix.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from components.errors import MAX_ERRORS_PER_FILE, DataError
from components.schemas import ISO3_CODES, Table

BOM = b"\xef\xbb\xbf"
# A cell may be long (lengths are checked, and reported, by the validator): never a csv.Error.
csv.field_size_limit(2**31 - 1)
_TRUE, _FALSE = ["true"], ["false"]


@dataclass
class RawTable:
    """A file as read: its frame (None when unreadable), read errors, and row -> line numbers."""

    table: Table
    frame: pd.DataFrame | None
    errors: list[DataError] = field(default_factory=list)
    line_of: Callable[[np.ndarray], np.ndarray] = lambda positions: np.asarray(positions) + 2
    # True when pyarrow read it assuming no line breaks inside quoted values (the fast path).
    assumed_single_lines: bool = False
    # Errors found but not kept (beyond MAX_ERRORS_PER_FILE).
    overflow: int = 0


class _NotFinite(Exception):
    """A number column holds inf or NaN: read again as text to report the values as typed."""


# Integers beyond this are not exact as floats (and a count this large is a typo).
MAX_WHOLE = 2**53


def _arrow_type(dtype: object) -> pa.DataType:
    name = str(dtype)
    if name == "bool":
        return pa.bool_()
    if name in ("int64", "Int64"):
        return pa.int64()
    if name.startswith("float"):
        return pa.float64()
    if name == "category":
        return pa.dictionary(pa.int32(), pa.string())
    return pa.string()


def _header(text: str) -> list[str]:
    return next(csv.reader([text]), [])


def _check_header(table: Table, header: list[str]) -> list[DataError]:
    errors = []
    expected = table.columns
    seen = set()
    for column in header:
        if column in seen:
            errors.append(DataError(table.filename, 1, column, column, "duplicate_column", "the header names this column twice"))
        seen.add(column)
        if column not in expected:
            errors.append(DataError(table.filename, 1, column, column, "unknown_column", "this column is not in the schema: document it in components/schemas.py first, or fix its name"))
    for column in expected:
        if column not in seen:
            errors.append(DataError(table.filename, 1, column, None, "missing_column", "the header lacks this column"))
    return errors


def _utf8_errors(table: Table, data: bytes) -> list[DataError]:
    errors = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad = line[exc.start : exc.start + 4]
            errors.append(DataError(table.filename, number, None, repr(bad), "not_utf8", "the file must be saved as UTF-8"))
            if len(errors) > MAX_ERRORS_PER_FILE:
                break
    return errors


def _cell_fits(table: Table, column: str, value: str) -> bool | None:
    """Whether value could be a cell of column: True, False, or None when any text fits."""
    spec = table.schema.columns[column]
    if value == "":
        return bool(spec.nullable)
    kind = str(spec.dtype)
    if kind == "bool":
        return value in ("true", "false")
    if kind in ("int64", "Int64"):
        return re.fullmatch(r"-?\d+", value) is not None
    if kind.startswith("float"):
        try:
            return math.isfinite(float(value))
        except ValueError:
            return False
    if (spec.metadata or {}).get("partial_date"):
        return re.fullmatch(r"\d{4}(-\d{2}){0,2}", value) is not None
    for check in spec.checks:
        statistics = check.statistics or {}
        if check.name == "isin":
            return value in statistics.get("allowed_values", ())
        if check.name == "str_matches":
            return re.fullmatch(statistics["pattern"].lstrip("^").removesuffix("\\Z").removesuffix("$"), value) is not None
        if check.name == "iso_country":
            return value in ISO3_CODES
    return None


def shift_column(table: Table, header: list[str], cells: list[str]) -> str | None:
    """The column where a row with too many (or too few) fields probably goes wrong.

    For each candidate column X, the row is read as if the fields before X were in place, X
    took the extra fields (an unquoted comma) or the missing ones (a stray quote), and the
    fields after X were in place again; the X under which the most cells fit their column's
    type, list or pattern wins (the earliest on a tie, preferring free-text columns).
    """
    known = [column in table.schema.columns for column in header]
    extra = len(cells) - len(header)
    if not header or extra == 0 or not all(known):
        return None
    best, best_score = None, None
    for start in range(len(header)):
        if extra > 0:
            pairs = list(zip(header[:start], cells[:start])) + list(zip(header[start + 1 :], cells[start + extra + 1 :]))
            merged = ",".join(cells[start : start + extra + 1])
        else:
            if start - extra >= len(header):
                break
            pairs = list(zip(header[:start], cells[:start])) + list(zip(header[start - extra + 1 :], cells[start + 1 :]))
            merged = cells[start] if start < len(cells) else ""
        score = sum(1 for column, value in pairs if _cell_fits(table, column, value) is not False)
        own = _cell_fits(table, header[start], merged)
        score += 0.5 if own is None else (1 if own else 0)
        if extra > 0:  # prose has a space after its comma; the next real field seldom starts with one
            score += 0.25 * sum(1 for cell in cells[start + 1 : start + extra + 1] if cell[:1].isspace())
        if best_score is None or score > best_score:
            best, best_score = header[start], score
    return best


def _structure_errors(table: Table, text: str, header: list[str]) -> list[DataError]:
    """Rows with too many or too few fields, and quotes that never close, by line number."""
    errors = []
    width = len(header)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for row in reader:
            if row and len(row) != width and reader.line_num > 1:
                rule = "extra_field" if len(row) > width else "missing_field"
                column = shift_column(table, header, row)
                where = f"; the shift probably starts at column {column}" if column else ""
                hint = " (an unquoted comma: put the value in double quotes)" if len(row) > width else " (a stray or missing double quote, or a missing comma)"
                if len(errors) < MAX_ERRORS_PER_FILE:
                    errors.append(DataError(table.filename, start, None, f"{len(row)} fields", rule, f"this row has {len(row)} fields where the header has {width}{where}{hint}"))
                else:
                    errors.append(None)  # counted, not kept
            start = reader.line_num + 1
    except csv.Error as exc:
        rule = "unterminated_quote" if "EOF" in str(exc) or "end of data" in str(exc) else "malformed_csv"
        detail = "a quoted field that starts on this line does not end properly" if rule == "unterminated_quote" else "a quoted field on this line has text after its closing quote (a stray double quote, or one that should be doubled as \"\")"
        errors.append(DataError(table.filename, start, None, None, rule, f"{detail} ({exc})"))
    return errors


def _record_lines(text: str) -> np.ndarray:
    """The line on which each data record starts (for files with line breaks inside quoted values)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    starts, start = [], 1
    for row in reader:
        if row:  # pyarrow skips blank lines, so they are not records
            starts.append(start)
        start = reader.line_num + 1
    return np.asarray(starts[1:])


def _typed_read(data: bytes | Path, header: list[str], table: Table, as_text: bool, single_lines: bool = False) -> pd.DataFrame:
    schema_columns = table.schema.columns
    known = [column for column in header if column in schema_columns]
    types = {
        column: pa.string() if as_text else _arrow_type(schema_columns[column].dtype)
        for column in known
    }
    arrow = pacsv.read_csv(
        data if isinstance(data, Path) else pa.py_buffer(data),
        parse_options=pacsv.ParseOptions(newlines_in_values=not single_lines),
        convert_options=pacsv.ConvertOptions(
            column_types=types,
            include_columns=known,
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            true_values=_TRUE,
            false_values=_FALSE,
        ),
    )
    if not as_text:
        for column in known:
            values = arrow.column(column)
            if pa.types.is_floating(values.type) and pc.any(pc.invert(pc.is_finite(values))).as_py():
                raise _NotFinite(column)
    frame = arrow.to_pandas()
    for column in known:  # pyarrow hands over whole numbers with gaps as floats
        if str(schema_columns[column].dtype) == "Int64" and not as_text:
            frame[column] = frame[column].astype("Int64")
    return frame


def _convert_text_columns(table: Table, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[int, str, str, str]]]:
    """Convert text columns to the schema's types cell by cell, noting each cell that will not convert."""
    problems = []
    for column in frame.columns:
        kind = _arrow_type(table.schema.columns[column].dtype)
        if kind == pa.string():
            continue
        if pa.types.is_dictionary(kind):
            frame[column] = frame[column].astype("category")
            continue
        text = frame[column]
        if kind == pa.bool_():
            converted = text.map({"true": True, "false": False})
            expected = "true or false"
        else:
            converted = pd.to_numeric(text, errors="coerce")
            expected = "a finite number (not inf or NaN, at most about 1e308)"
            finite = np.isfinite(converted.to_numpy(dtype=float, na_value=np.nan))
            converted = converted.where(finite)
            if kind == pa.int64():
                whole = converted.isna() | ((converted == converted.round()) & (converted.abs() <= MAX_WHOLE))
                converted = converted.where(whole)
                expected = f"a whole number (at most {MAX_WHOLE:,} in size)"
        bad = text.notna() & converted.isna()
        for index in np.flatnonzero(bad.to_numpy())[: MAX_ERRORS_PER_FILE + 1]:
            problems.append((int(index), column, str(text.iloc[index]), expected))
        frame[column] = converted
    return frame, problems


def _line_mapper(path: Path, rows: int) -> Callable[[np.ndarray], np.ndarray]:
    """Data row position -> line number, worked out only when an error needs it."""
    cache: dict[str, np.ndarray] = {}

    def line_of(positions: np.ndarray) -> np.ndarray:
        positions = np.asarray(positions, dtype=int)
        if positions.size == 0:
            return positions
        if "starts" not in cache:
            data = path.read_bytes()
            newlines = data.count(b"\n") - (1 if data.endswith(b"\n") else 0)
            if newlines == rows:  # no line breaks inside values: record i is on line i + 2
                cache["starts"] = None
            else:
                cache["starts"] = _record_lines(data.decode("utf-8-sig"))
        starts = cache["starts"]
        return positions + 2 if starts is None else starts[positions]

    return line_of


def _may_hide_an_open_quote(path: Path, frame: pd.DataFrame) -> bool:
    """True when the last row could be an unclosed quote that pyarrow read to the end of the file.

    pyarrow accepts a quote that never closes and puts the rest of the file in one value, so
    a last row with a line break inside a value, or a file that does not end with a newline,
    is checked again with Python's strict csv reader.
    """
    with path.open("rb") as handle:
        handle.seek(max(path.stat().st_size - 1, 0))
        if handle.read(1) != b"\n":
            return True
    if frame.empty:
        return False
    last = frame.iloc[-1]
    return any(isinstance(value, str) and ("\n" in value or "\r" in value) for value in last)


def _first_line(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.readline(1 << 20)


# Files up to this size are scanned for a closing quote followed by more text ("a,b"c), which
# pyarrow silently reads as one merged field; larger files rely on pyarrow's field counts.
QUOTE_SCAN_BYTES = 16 << 20


def _text_after_closing_quote(path: Path, size: int) -> bool:
    """True when some double quote has ordinary text on both sides: a stray or undoubled quote.

    In valid CSV a quote either opens a field (after a comma or line break), closes it (before
    one) or is doubled inside a quoted value, so this is a cheap trigger for the strict check.
    """
    if size > QUOTE_SCAN_BYTES:
        return False
    data = np.frombuffer(path.read_bytes(), dtype=np.uint8)
    quotes = np.flatnonzero(data == 34)
    quotes = quotes[(quotes > 0) & (quotes < data.size - 1)]
    before, after = data[quotes - 1], data[quotes + 1]
    return bool((~np.isin(before, (44, 10, 34)) & ~np.isin(after, (44, 10, 13, 34))).any())


def _not_regular(path: Path) -> str | None:
    """Why path is refused without being read (a symlink out of its folder, a FIFO, a device), or None."""
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        target = path.resolve()
        if not target.is_relative_to(path.parent.resolve()):
            return "is a symbolic link to a file outside the data folder, so it is not read: replace it with the file itself"
        info = target.stat()
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else "a device or socket"
        return f"is {kind}, not a regular file, so it is not read: put the CSV file itself here"
    return None


def _with_structure(table: Table, errors: list[DataError], structure: list) -> RawTable:
    kept = [error for error in structure if error is not None]
    return RawTable(table, None, errors + kept, overflow=len(structure) - len(kept))


def read_table(path: Path, table: Table, fast: bool = True) -> RawTable:
    """Read path as table; on any problem return the errors an editor needs, never raise.

    fast first reads as if no quoted value held a line break, which saves pyarrow a quarter of
    its time on large files. A line break there usually makes that read fail, and it is then
    read again allowing them; the caller also reads again (fast=False) before reporting any
    error found in a fast read, so a rare silent mis-split can never reach an editor.
    """
    name = table.filename
    try:
        refused = _not_regular(path)
        if refused:
            return RawTable(table, None, [DataError(name, 0, None, None, "not_a_regular_file", f"{name} {refused}")])
        size = path.stat().st_size
        first_line = _first_line(path)
        if size < 65536 and (size == 0 or path.read_bytes().isspace()):
            return RawTable(table, None, [DataError(name, 1, None, None, "empty_file", "the file is empty: it needs at least the header line")])
    except FileNotFoundError:
        return RawTable(table, None, [DataError(name, 0, None, None, "missing_file", f"{name} is missing from the data directory")])
    except OSError as exc:
        return RawTable(table, None, [DataError(name, 0, None, None, "unreadable_file", f"{name} cannot be read ({exc.strerror or type(exc).__name__})")])

    first_line = first_line.removeprefix(BOM).removesuffix(b"\n").removesuffix(b"\r")
    if b"\r" in first_line:
        return RawTable(table, None, [DataError(name, 1, None, None, "cr_line_endings", "the lines end with a lone carriage return (old Mac line endings): save the file with LF or CRLF (Windows) line endings")])
    try:
        header = _header(first_line.decode("utf-8"))
    except UnicodeDecodeError:
        return RawTable(table, None, _utf8_errors(table, path.read_bytes()))
    errors = _check_header(table, header)
    if any(error.rule in ("missing_column", "duplicate_column") for error in errors):
        return RawTable(table, None, errors)

    problems = []
    single_lines = fast
    try:
        try:
            frame = _typed_read(path, header, table, as_text=False, single_lines=fast)  # pyarrow skips a UTF-8 BOM itself
        except pa.ArrowInvalid:
            if not fast:
                raise
            single_lines = False
            frame = _typed_read(path, header, table, as_text=False)
        if _may_hide_an_open_quote(path, frame) or _text_after_closing_quote(path, size):
            structure = _structure_errors(table, path.read_bytes().removeprefix(BOM).decode("utf-8"), header)
            if structure:
                return _with_structure(table, errors, structure)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError, _NotFinite):
        single_lines = False
        data = path.read_bytes().removeprefix(BOM)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return RawTable(table, None, errors + _utf8_errors(table, data))
        structure = _structure_errors(table, text, header)
        if structure:
            return _with_structure(table, errors, structure)
        frame, problems = _convert_text_columns(table, _typed_read(data, header, table, as_text=True))

    raw = RawTable(table, frame, errors, _line_mapper(path, len(frame)), assumed_single_lines=single_lines and not problems)
    if len(problems) > MAX_ERRORS_PER_FILE:
        problems.sort()
        raw.overflow, problems = len(problems) - MAX_ERRORS_PER_FILE, problems[:MAX_ERRORS_PER_FILE]
    if problems:
        lines = raw.line_of([index for index, *_ in problems])
        for (index, column, value, expected), line in zip(problems, lines):
            raw.errors.append(DataError(name, int(line), column, value, "type", f"must be {expected}"))
    return raw
