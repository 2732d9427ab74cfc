"""Read one curated CSV into a DataFrame, or say exactly why it cannot be read.

The fast path is pyarrow's CSV reader with the column types the schema declares. Only when
that fails does the slow path (Python's csv module) look for the line an editor must fix.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from components.errors import DataError
from components.schemas import Table

BOM = b"\xef\xbb\xbf"
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
    return errors


def _structure_errors(table: Table, text: str, width: int) -> list[DataError]:
    """Rows with too many or too few fields, and quotes that never close, by line number."""
    errors = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for row in reader:
            if row and len(row) != width and reader.line_num > 1:
                rule, detail = ("extra_field", "more") if len(row) > width else ("missing_field", "fewer")
                errors.append(DataError(table.filename, start, None, f"{len(row)} fields", rule, f"the row has {detail} fields than the header's {width}"))
            start = reader.line_num + 1
    except csv.Error as exc:
        rule = "unterminated_quote" if "EOF" in str(exc) or "end of data" in str(exc) else "malformed_csv"
        errors.append(DataError(table.filename, start, None, None, rule, f"a quoted field that starts on this line does not end properly ({exc})"))
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
            expected = "a number"
            if kind == pa.int64():
                whole = converted.isna() | (converted == converted.round())
                converted = converted.where(whole)
                expected = "a whole number"
        bad = text.notna() & converted.isna()
        for index in np.flatnonzero(bad.to_numpy()):
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
        return handle.readline()


def read_table(path: Path, table: Table, fast: bool = True) -> RawTable:
    """Read path as table; on any problem return the errors an editor needs, never raise.

    fast first reads as if no quoted value held a line break, which saves pyarrow a quarter of
    its time on large files. A line break there usually makes that read fail, and it is then
    read again allowing them; the caller also reads again (fast=False) before reporting any
    error found in a fast read, so a rare silent mis-split can never reach an editor.
    """
    name = table.filename
    try:
        size = path.stat().st_size
        first_line = _first_line(path)
        if size < 65536 and (size == 0 or path.read_bytes().isspace()):
            return RawTable(table, None, [DataError(name, 1, None, None, "empty_file", "the file is empty: it needs at least the header line")])
    except FileNotFoundError:
        return RawTable(table, None, [DataError(name, 0, None, None, "missing_file", f"{name} is missing from the data directory")])
    except OSError as exc:
        return RawTable(table, None, [DataError(name, 0, None, None, "unreadable_file", str(exc))])

    first_line = first_line.removeprefix(BOM).rstrip(b"\r\n")
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
        if _may_hide_an_open_quote(path, frame):
            structure = _structure_errors(table, path.read_bytes().removeprefix(BOM).decode("utf-8"), len(header))
            if structure:
                return RawTable(table, None, errors + structure)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError):
        single_lines = False
        data = path.read_bytes().removeprefix(BOM)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return RawTable(table, None, errors + _utf8_errors(table, data))
        structure = _structure_errors(table, text, len(header))
        if structure:
            return RawTable(table, None, errors + structure)
        frame, problems = _convert_text_columns(table, _typed_read(data, header, table, as_text=True))

    raw = RawTable(table, frame, errors, _line_mapper(path, len(frame)), assumed_single_lines=single_lines and not problems)
    if problems:
        lines = raw.line_of([index for index, *_ in problems])
        for (index, column, value, expected), line in zip(problems, lines):
            raw.errors.append(DataError(name, int(line), column, value, "type", f"must be {expected}"))
    return raw
