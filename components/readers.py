"""Read one curated CSV into a DataFrame, or say exactly why it cannot be read.

A file is read from disk twice at most, and never held in memory twice: one streamed scan of its
bytes (UTF-8, quotes, line breaks inside quoted values, blank lines: how pyarrow must read it and on
which line each row starts) and one pyarrow read, whose numbers and booleans are converted in bulk
so that a cell that is not one is reported from that same read. Only a file with a quote out of
place, or a row with another field count, is also streamed through Python's strict csv reader,
which names the line an editor must fix. Any size is checked the same way.
"""

from __future__ import annotations

import codecs
import csv
import math
import re
import stat
import threading
from array import array
from dataclasses import dataclass, field, replace
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


@dataclass
class RawTable:
    """A file as read: its frame (None when unreadable), read errors, and row -> line numbers."""

    table: Table
    frame: pd.DataFrame | None
    errors: list[DataError] = field(default_factory=list)
    line_of: Callable[[np.ndarray], np.ndarray] = lambda positions: np.asarray(positions) + 2
    # True when pyarrow read it as having no line breaks inside quoted values (the scan found none).
    assumed_single_lines: bool = False
    # Errors found but not kept (beyond MAX_ERRORS_PER_FILE).
    overflow: int = 0
    # A large file's scan still running in the background (see read_table and settle).
    pending: "_Pending | None" = None
    path: Path | None = None
    header: list[str] = field(default_factory=list)


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


# Files are read in pieces of this size by the scan below (memory stays at a few pieces whatever the file's size).
SCAN_CHUNK_BYTES = 8 << 20
_QUOTE, _NEWLINE, _CR, _COMMA = 34, 10, 13, 44


@dataclass
class Scan:
    """What one streamed pass over a file's bytes found, before pyarrow reads it.

    Quotes are counted as well-formed CSV places them: one opens a value right after a comma or a
    line break, closes it right before one (or the end of the file), or is doubled inside it. A
    line break after an odd number of quotes is inside a quoted value. Any quote elsewhere (text
    on both sides of it, as in ``a,b"c`` or ``"a"b``) makes the file irregular: a stray or
    undoubled quote, which pyarrow would silently read as merged fields, so Python's strict csv
    reader then decides (see _strict_pass).
    """

    newlines: int = 0
    continued: list = field(default_factory=list)  # arrays of ordinals (0-based) of line breaks inside quoted values
    blank: list = field(default_factory=list)  # arrays of line numbers of blank lines (pyarrow skips them)
    irregular: bool = False  # a quote where well-formed CSV has none
    open_at_end: bool = False  # an odd number of quotes: a quoted value never closes
    not_utf8: list[DataError] = field(default_factory=list)

    @property
    def multiline(self) -> bool:
        """Whether some quoted value holds a line break (pyarrow must then look for them)."""
        return any(len(part) for part in self.continued)

    def line_of(self) -> Callable[[np.ndarray], np.ndarray]:
        """Data row position -> the line it starts on (the header is line 1)."""
        skipped = np.concatenate([np.asarray(part, dtype=np.int64) + 2 for part in self.continued] + [np.asarray(part, dtype=np.int64) for part in self.blank] + [np.zeros(0, np.int64)])
        if skipped.size == 0:
            return lambda positions: np.asarray(positions, dtype=int) + 2
        skipped = np.unique(skipped)
        # the n-th (0-based) line not skipped is n + 1 + the number of skipped lines before it
        before = skipped - 1 - np.arange(skipped.size)

        def line_of(positions: np.ndarray) -> np.ndarray:
            records = np.asarray(positions, dtype=np.int64) + 1  # record 0 is the header
            return records + 1 + np.searchsorted(before, records, side="right")

        return line_of


# Bytes that may stand before a quote that opens a value, and after one that closes it.
_MAY_OPEN_AFTER = np.zeros(256, dtype=bool)
_MAY_OPEN_AFTER[[_COMMA, _NEWLINE, _QUOTE]] = True
_MAY_CLOSE_BEFORE = np.zeros(256, dtype=bool)
_MAY_CLOSE_BEFORE[[_COMMA, _NEWLINE, _CR, _QUOTE]] = True


# A file at least this large is scanned in a background thread while pyarrow reads it and the
# validator checks it (the scan gives up the GIL in numpy, and the validator keeps one core busy).
BACKGROUND_SCAN_BYTES = 16 << 20


class _Pending:
    """The scan of a large file, running in a background thread."""

    def __init__(self, path: Path, table: Table):
        self._scan: Scan | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(path, table), name=f"scan-{table.filename}", daemon=True)
        self._thread.start()

    def _run(self, path: Path, table: Table) -> None:
        try:
            self._scan = _scan(path, table)
        except BaseException as exc:  # raised again in the thread that asks for the result
            self._error = exc

    def result(self) -> Scan:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._scan


# Large files found to hold line breaks inside quoted values: read allowing them, after their scan.
_MULTILINE: set[str] = set()


def _lines_when_scanned(pending: _Pending) -> Callable[[np.ndarray], np.ndarray]:
    """line_of for a file whose scan is still running: waits for it the first time a line number is needed."""
    memo: list[Callable[[np.ndarray], np.ndarray]] = []

    def line_of(positions: np.ndarray) -> np.ndarray:
        positions = np.asarray(positions, dtype=np.int64)
        if positions.size == 0:
            return positions
        if not memo:
            memo.append(pending.result().line_of())
        return memo[0](positions)

    return line_of


def _scan(path: Path, table: Table) -> Scan:
    """One streamed pass over path (SCAN_CHUNK_BYTES at a time): line breaks, quotes and UTF-8, never the whole file in memory."""
    scan = Scan()
    quotes = 0  # quotes seen so far
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    lines = _LineChecker(table.filename, scan.not_utf8)
    # buffer: 2 bytes already examined (at the start of the file, a line break stands for them), then the
    # last byte of the previous piece (examined with this one: the byte after it decides), then the piece.
    size = max(SCAN_CHUNK_BYTES, len(BOM))
    buffer = bytearray(size + 3)
    view = memoryview(buffer)
    values = np.frombuffer(buffer, dtype=np.uint8)
    mask = np.empty(size + 3, dtype=bool)
    buffer[0:2] = b"\n\n"
    low, filled = 2, 2  # where this piece's unexamined bytes start; how much of buffer holds data
    first = True
    with path.open("rb") as handle:
        while True:
            read = handle.readinto(view[filled : filled + size])
            end = read == 0
            chunk = view[filled : filled + read]
            if first and bytes(chunk[: len(BOM)]) == BOM:
                view[filled : filled + read - len(BOM)] = bytes(chunk[len(BOM) :])
                read -= len(BOM)
                chunk = view[filled : filled + read]
            first = False
            if not lines.done:
                ascii_only = int(values[filled : filled + read].max(initial=0)) < 128
                lines.feed(chunk, ascii_only, decoder, scan.newlines + int(low < filled and buffer[low] == _NEWLINE), end)
            filled += read
            high = max(low, filled - (0 if end else 1))
            if not scan.irregular:  # once irregular, the strict csv reader decides: only UTF-8 is still checked
                window, found = values[low:high], mask[: high - low]
                np.equal(window, _QUOTE, out=found)
                at_quotes = np.flatnonzero(found)
                at_quotes += low
                np.equal(window, _NEWLINE, out=found)
                at_newlines = np.flatnonzero(found)
                at_newlines += low
                opening, closing = at_quotes[quotes % 2 :: 2], at_quotes[1 - quotes % 2 :: 2]
                if closing.size and closing[-1] + 1 >= filled:
                    closing = closing[:-1]  # the last byte of the file: nothing after it
                if not _MAY_OPEN_AFTER[values[opening - 1]].all() or not _MAY_CLOSE_BEFORE[values[closing + 1]].all():
                    scan.irregular = True
                if at_newlines.size:
                    inside = np.searchsorted(at_quotes, at_newlines)
                    inside += quotes
                    inside &= 1
                    inside = inside.astype(bool)
                    if inside.any():
                        scan.continued.append(scan.newlines + np.flatnonzero(inside))
                    previous = values[at_newlines - 1]
                    blank = previous == _NEWLINE
                    after_cr = np.flatnonzero(previous == _CR)
                    blank[after_cr] = values[at_newlines[after_cr] - 2] == _NEWLINE
                    blank &= ~inside
                    if blank.any():
                        scan.blank.append(scan.newlines + np.flatnonzero(blank) + 1)
                quotes += at_quotes.size
                scan.newlines += at_newlines.size
            else:
                scan.newlines += int(np.count_nonzero(values[low:high] == _NEWLINE))
            if end:
                break
            held = filled - high  # 0 or 1
            buffer[0 : 2 + held] = buffer[high - 2 : filled]  # two examined bytes, then the one held back
            low, filled = 2, 2 + held
    scan.open_at_end = quotes % 2 == 1
    return scan


class _LineChecker:
    """UTF-8 check of a file fed in pieces: cheap while the bytes are ASCII or decode, line by line after the first bad line."""

    def __init__(self, filename: str, errors: list[DataError]):
        self.filename, self.errors = filename, errors
        self.by_line = False
        self.partial = b""  # the start of a line that continues in the next piece (by_line only)
        self.done = False

    def feed(self, chunk: memoryview, ascii_only: bool, decoder, newlines_before: int, end: bool) -> None:
        if not self.by_line:
            pending = decoder.getstate()[0]
            if not pending and ascii_only:
                return
            try:
                decoder.decode(chunk, final=end)
                return
            except UnicodeDecodeError:
                self.by_line = True
            # check the piece again line by line, from the line the previous piece ended in
            line_start = pending.rfind(b"\n") + 1 if pending else 0
            self.partial = pending[line_start:]
            self.number = newlines_before + 1
        data = self.partial + bytes(chunk)
        lines = data.split(b"\n")
        self.partial = b"" if end else lines.pop()
        for line in lines:
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.errors.append(DataError(self.filename, self.number, None, repr(line[exc.start : exc.start + 4]), "not_utf8", "the file must be saved as UTF-8"))
                if len(self.errors) > MAX_ERRORS_PER_FILE:
                    self.done = True
                    return
            self.number += 1


def _strict_pass(table: Table, path: Path, header: list[str]) -> tuple[list[DataError], int, np.ndarray]:
    """Python's strict csv reader over the file, streamed: rows with another field count, quotes that
    do not close where they should, and the line each data record starts on.

    Returns (errors, how many more were found than kept, record start lines). Run only when the scan
    found a quote out of place or one that never closes, or pyarrow found a row with another field count.
    """
    errors: list[DataError] = []
    overflow = 0
    starts = array("q")
    width = len(header)
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        start = 1
        try:
            for row in reader:
                if row:  # pyarrow skips blank lines, so they are not records
                    starts.append(start)
                    if len(row) != width and reader.line_num > 1:
                        if len(errors) >= MAX_ERRORS_PER_FILE:
                            overflow += 1
                        else:
                            rule = "extra_field" if len(row) > width else "missing_field"
                            column = shift_column(table, header, row)
                            where = f"; the shift probably starts at column {column}" if column else ""
                            hint = " (an unquoted comma: put the value in double quotes)" if len(row) > width else " (a stray or missing double quote, or a missing comma)"
                            errors.append(DataError(table.filename, start, None, f"{len(row)} fields", rule, f"this row has {len(row)} fields where the header has {width}{where}{hint}"))
                start = reader.line_num + 1
        except csv.Error as exc:
            rule = "unterminated_quote" if "EOF" in str(exc) or "end of data" in str(exc) else "malformed_csv"
            detail = "a quoted field that starts on this line does not end properly" if rule == "unterminated_quote" else "a quoted field on this line has text after its closing quote (a stray double quote, or one that should be doubled as \"\")"
            errors.append(DataError(table.filename, start, None, None, rule, f"{detail} ({exc})"))
    return errors, overflow, np.frombuffer(starts, dtype=np.int64)[1:] if len(starts) else np.zeros(0, np.int64)


# pyarrow parses a file in blocks of this size (its default), split at a line break.
READ_BLOCK_BYTES = 1 << 20


def _read_arrow(path: Path | pa.Buffer, header: list[str], table: Table, multiline: bool) -> pa.Table:
    """The one read of the file by pyarrow: categories as dictionaries, every other column as text (converted below).

    Numbers and booleans are read as text so that a cell that is not one is reported as typed from
    this same read (never by reading the file again); pyarrow then converts them in bulk.
    """
    schema_columns = table.schema.columns
    known = [column for column in header if column in schema_columns]
    types = {column: pa.dictionary(pa.int32(), pa.string()) if str(schema_columns[column].dtype) == "category" else pa.string() for column in known}
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=READ_BLOCK_BYTES),
        parse_options=pacsv.ParseOptions(newlines_in_values=multiline),
        convert_options=pacsv.ConvertOptions(
            column_types=types,
            include_columns=known,
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )


_FINITE = "a finite number (not inf or NaN, at most about 1e308)"
_WHOLE = f"a whole number (at most {MAX_WHOLE:,} in size)"


def _bad_cells(column: str, text: pd.Series, bad: np.ndarray, expected: str) -> list[tuple[int, str, str, str]]:
    return [(int(index), column, str(text.iloc[index]), expected) for index in np.flatnonzero(bad)[: MAX_ERRORS_PER_FILE + 1]]


def _convert_by_pandas(kind: pa.DataType, column: str, text: pd.Series) -> tuple[pd.Series, list[tuple[int, str, str, str]]]:
    """A text column whose bulk conversion failed, converted cell by cell, noting each cell that will not convert."""
    converted = pd.to_numeric(text, errors="coerce")
    finite = np.isfinite(converted.to_numpy(dtype=float, na_value=np.nan))
    converted = converted.where(finite)
    expected = _FINITE
    if kind == pa.int64():
        whole = converted.isna() | ((converted == converted.round()) & (converted.abs() <= MAX_WHOLE))
        converted = converted.where(whole)
        expected = _WHOLE
    bad = (text.notna() & converted.isna()).to_numpy()
    return converted, _bad_cells(column, text, bad, expected)


def _convert(table: Table, arrow: pa.Table) -> tuple[pd.DataFrame, list[tuple[int, str, str, str]]]:
    """The frame with the schema's types, and each cell that is not of its column's type (position, column, value, expected)."""
    schema_columns = table.schema.columns
    problems: list[tuple[int, str, str, str]] = []
    by_pandas: dict[str, pa.DataType] = {}
    checks: dict[str, tuple[pa.ChunkedArray, pa.Array, str]] = {}  # column -> (its text, cells that failed, expected), found in bulk
    for position, column in enumerate(arrow.column_names):
        kind = _arrow_type(schema_columns[column].dtype)
        if kind == pa.string() or pa.types.is_dictionary(kind):
            continue
        text = arrow.column(column)
        if kind == pa.bool_():
            true, false = pc.equal(text, "true"), pc.equal(text, "false")
            known = pc.or_(true, false)
            checks[column] = (text, pc.and_(pc.is_valid(text), pc.invert(pc.fill_null(known, False))), "true or false")
            values = pc.if_else(known, true, pa.scalar(None, pa.bool_()))
        else:
            try:
                values = pc.cast(text, kind)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                by_pandas[column] = kind
                continue
            if kind == pa.float64():
                wrong, expected = pc.invert(pc.is_finite(values)), _FINITE
            else:
                wrong, expected = pc.greater(pc.abs(values), MAX_WHOLE), _WHOLE
            wrong = pc.fill_null(wrong, False)
            if pc.any(wrong).as_py():
                checks[column] = (text, wrong, expected)
                values = pc.if_else(wrong, pa.scalar(None, kind), values)
        arrow = arrow.set_column(position, column, values)
    frame = arrow.to_pandas()
    del arrow
    for column, (text, wrong, expected) in checks.items():
        wrong = pc.fill_null(wrong, False).to_numpy(zero_copy_only=False)
        if wrong.any():
            problems += _bad_cells(column, text.to_pandas(), wrong, expected)
    for column, kind in by_pandas.items():
        frame[column], found = _convert_by_pandas(kind, column, frame[column])
        problems += found
    for column in frame.columns:  # pyarrow hands over whole numbers with gaps as floats
        if str(schema_columns[column].dtype) == "Int64":
            frame[column] = frame[column].astype("Int64")
    return frame, problems


def _first_line(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.readline(1 << 20)

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

def _refused(table: Table, errors: list[DataError], scan: Scan, path: Path, header: list[str]) -> RawTable | tuple[Callable[[np.ndarray], np.ndarray], bool]:
    """What a finished scan says: the file's errors (a RawTable without a frame), or (line_of, whether values hold line breaks)."""
    if scan.not_utf8:
        return RawTable(table, None, errors + scan.not_utf8)
    if scan.irregular or scan.open_at_end:
        structure, overflow, starts = _strict_pass(table, path, header)
        if structure:
            return RawTable(table, None, errors + structure, overflow=overflow)
        return (lambda positions: starts[np.asarray(positions, dtype=int)]), True
    return scan.line_of(), scan.multiline


def read_table(path: Path, table: Table, fast: bool = True, settled: bool = True) -> RawTable:
    """Read path as table; on any problem return the errors an editor needs, never raise.

    The file is read once by pyarrow, and scanned once, streamed (_scan: UTF-8, quotes, line
    breaks inside quoted values, blank lines), which tells how pyarrow must read it and gives the
    line number of every row, so no error ever needs the file read again. Only a file whose quotes
    are out of place, or that has a row with another field count, is also read by Python's strict
    csv reader (streamed), which names the line to fix. A small file is scanned before pyarrow reads
    it; a large one (BACKGROUND_SCAN_BYTES) while pyarrow reads it, allowing line breaks in values,
    and, with settled=False, while the caller validates the frame: the caller then calls settle(),
    which may replace the table by the errors the scan found. fast=False always reads allowing line
    breaks in values (slower; the same result).
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
        return _unreadable(table, [], exc)

    first_line = first_line.removeprefix(BOM).removesuffix(b"\n").removesuffix(b"\r")
    if b"\r" in first_line:
        return RawTable(table, None, [DataError(name, 1, None, None, "cr_line_endings", "the lines end with a lone carriage return (old Mac line endings): save the file with LF or CRLF (Windows) line endings")])
    try:
        header = _header(first_line.decode("utf-8"))
    except UnicodeDecodeError:
        header = None
    errors = [] if header is None else _check_header(table, header)
    if any(error.rule in ("missing_column", "duplicate_column") for error in errors):
        return RawTable(table, None, errors)

    pending = None
    try:
        background = header is not None and fast and size >= BACKGROUND_SCAN_BYTES and str(path) not in _MULTILINE
        if not background:
            scan = _scan(path, table)
            if header is None:  # the header line is not UTF-8
                return RawTable(table, None, scan.not_utf8 or [DataError(name, 1, None, None, "not_utf8", "the file must be saved as UTF-8")])
            outcome = _refused(table, errors, scan, path, header)
            if isinstance(outcome, RawTable):
                return outcome
            line_of, multiline = outcome
            multiline = multiline or not fast
        else:
            multiline = False  # as if no quoted value held a line break: the scan checks it (settle)
        try:
            if size <= len(first_line) + len(BOM):  # only the header, without a line break after it (pyarrow needs one)
                arrow = _read_arrow(pa.py_buffer(path.read_bytes() + b"\n"), header, table, multiline)
            else:
                arrow = _read_arrow(path, header, table, multiline)
        except pa.ArrowInvalid as exc:
            if background:  # what the scan says decides: not UTF-8, quotes out of place, or a line break in a value at a block's edge
                scan = _scan(path, table)
                outcome = _refused(table, errors, scan, path, header)
                if isinstance(outcome, RawTable):
                    return outcome
                if scan.multiline:
                    _MULTILINE.add(str(path))
                    return read_table(path, table, fast=False)
            structure, overflow, _ = _strict_pass(table, path, header)
            if structure:
                return RawTable(table, None, errors + structure, overflow=overflow)
            return RawTable(table, None, errors + [DataError(name, 0, None, None, "malformed_csv", f"the file cannot be read as CSV ({str(exc)[:200]})")])
        if background:  # started now, not before the read: pyarrow keeps every core busy, the validator one
            pending = _Pending(path, table)
            line_of = _lines_when_scanned(pending)
    except OSError as exc:
        return _unreadable(table, errors, exc)

    frame, problems = _convert(table, arrow)
    del arrow
    raw = RawTable(table, frame, errors, line_of, assumed_single_lines=not multiline, pending=pending, path=path, header=header)
    if pending is not None and (problems or settled):  # type errors need their lines now
        raw = settle(raw)
        if raw.frame is None:
            return raw
    if len(problems) > MAX_ERRORS_PER_FILE:
        problems.sort()
        raw.overflow, problems = len(problems) - MAX_ERRORS_PER_FILE, problems[:MAX_ERRORS_PER_FILE]
    if problems:
        lines = raw.line_of([index for index, *_ in problems])
        for (index, column, value, expected), line in zip(problems, lines):
            raw.errors.append(DataError(name, int(line), column, value, "type", f"must be {expected}"))
    return raw


def settle(raw: RawTable) -> RawTable:
    """raw once its background scan has finished: raw itself, or a new RawTable when the scan changes it.

    New when the file is not UTF-8 or has quotes out of place (the strict reader's errors, without a
    frame), or when some quoted value holds a line break, which pyarrow's read assumed none did (it
    may then have split a row at the edge of one of its blocks): the file is then read again allowing
    them, and later versions of the same file are read that way at once (_MULTILINE). So a file is
    read twice only the first time a large one with line breaks in values is loaded, valid or not;
    never because of its errors. The caller validates a new frame again.
    """
    pending, raw.pending = raw.pending, None
    if pending is None:
        return raw
    try:
        scan = pending.result()
        outcome = _refused(raw.table, raw.errors, scan, raw.path, raw.header)
        if isinstance(outcome, RawTable):
            return outcome
        if scan.irregular or scan.open_at_end or scan.multiline:
            _MULTILINE.add(str(raw.path))
            return read_table(raw.path, raw.table, fast=False)
    except OSError as exc:
        return _unreadable(raw.table, raw.errors, exc)
    raw.line_of = outcome[0]
    return raw


def _unreadable(table: Table, errors: list[DataError], exc: OSError) -> RawTable:
    return RawTable(table, None, errors + [DataError(table.filename, 0, None, None, "unreadable_file", f"{table.filename} cannot be read ({exc.strerror or type(exc).__name__})")])
